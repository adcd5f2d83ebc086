"""Follow-up questions resolved against the conversation ("En in 2025?", "Wat is het doel daarvoor?")."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from assistant.models import Filters
from assistant.understanding.corpus_info import CorpusInfo, Gazetteer
from assistant.understanding.slots import (
    _ANAPHOR,
    _ANAPHOR_PREP,
    _COMPARE,
    _CONTINUATION,
    _FUNCTION_WORDS,
    _MEASURE_EN,
    _PREP_BEFORE_SLOT,
    _PRONOUN,
    _QUESTION_WORD,
    _Slots,
    _analyse,
    _content_words,
    _words,
    extract_topic,
)
from corpus.lexicon import year_shift, years

# --------------------------------------------------------------------------- turns


@dataclass(frozen=True)
class _Turn:
    """One resolved question: its text, detected filters, topic and language."""

    resolved: str
    filters: Filters
    relative: int | None
    compare: bool
    topic: str
    language: str
    is_followup: bool
    unknown: str | None
    context: str = ""  # previous topic, added to the search text of a leaning question


def _base_year(municipality: str | None, info: CorpusInfo) -> int | None:
    if municipality is None:
        return None
    years = info.years.get(municipality, ())
    return years[0] if len(years) == 1 else None


def _shift_year(question: str, prev: "_Turn | None") -> str:
    """"En een jaar later?" after a question about 2024 asks "En in 2025?": a year counted from
    the previous question's year (`year_shift`). Unchanged without a previous year."""
    shift = year_shift(question)
    if prev is None or shift is None:
        return question
    printed = years(prev.resolved)
    base = next(iter(printed)) if len(printed) == 1 else prev.filters.year
    if base is None:
        return question
    (start, end), offset = shift
    return question[:start] + f"in {base + offset}" + question[end:]


# A numbered programme, with the name printed after it ("programma 1 Veiligheid en Handhaving").
_PROGRAMME = re.compile(
    r"\b(?:programma|programme|program)\s+(\d{1,2})\b(?:\s+[A-Z][\w-]*(?:\s+(?:en|&|and)\s+[A-Z][\w-]*)*)?"
)
_DANGLING_PREP = re.compile(r"\s+(?:bij|van|voor|in|binnen|op|for|of|at)\s*(?=[?!.]*\s*$)", re.IGNORECASE)


def _swap_programme(question: str, prev: "_Turn | None", info: CorpusInfo, gazetteer: Gazetteer) -> tuple[str, "_Turn | None"]:
    """"Hoe zit dat bij programma 4?" after a question about programma 1: a programme is an
    identifier, like a year, so the new one takes the old one's place in the previous question
    and the follow-up keeps the rest of what it says ("Hoe zit dat?")."""
    new = _PROGRAMME.search(question)
    old = _PROGRAMME.search(prev.resolved) if prev is not None and new else None
    if prev is None or not new or not old or new.group(1) == old.group(1):
        return question, prev
    resolved = prev.resolved[: old.start()] + new.group(0) + prev.resolved[old.end() :]
    rest = _DANGLING_PREP.sub("", question[: new.start()] + question[new.end() :]).strip() or "?"
    turn = replace(prev, resolved=resolved, topic=extract_topic(resolved, _analyse(resolved, info, gazetteer)))
    return rest, turn


def _append(question: str, addition: str) -> str:
    """Add a phrase before the question mark."""
    body = question.rstrip().rstrip("?!. ").rstrip()
    return f"{body} {addition}?" if addition else f"{body}?"


def _slot_filters(slots: _Slots, info: CorpusInfo, scope: str | None) -> tuple[Filters, bool]:
    """Filters a question's own slots set (None where it is silent), and year_is_relative."""
    muni = slots.known[0][0] if len(slots.known) == 1 or (slots.known and not slots.compare) else None
    year = slots.year
    if year is None and slots.relative is not None:
        base = _base_year(muni or scope, info)
        year = base + slots.relative if base is not None else None
    return Filters(municipality=muni, year=year, doc_type=_doc_type(slots, info)), slots.relative is not None


def _doc_type(slots: _Slots, info: CorpusInfo) -> str | None:
    """The document type a question names, as a filter only when such a document is loaded
    (of the named year, when the question names one with it). Otherwise the words name a
    column of another document: a programmabegroting compares "Rekening 2022" (the
    jaarrekening) with its own begroting, so "in de jaarrekening 2022" is a phase cue there,
    not a filter that throws away the only document that answers."""
    kind = slots.doc_type
    if kind is None or (info.doc_types and kind not in info.doc_types):
        return None
    if slots.year is not None and slots.doc_type_year and info.type_years.get(kind):
        return kind if slots.year in info.type_years[kind] else None
    return kind


def _new_turn(question: str, info: CorpusInfo, gazetteer: Gazetteer, explicit: Filters) -> _Turn:
    slots = _analyse(question, info, gazetteer)
    filters, _ = _slot_filters(slots, info, explicit.municipality)
    unknown = slots.unknown[0][0] if slots.unknown and not slots.known else None
    return _Turn(
        resolved=_tidy(question),
        filters=filters,
        relative=slots.relative,
        compare=slots.compare and filters.municipality is None,
        topic=extract_topic(question, slots),
        language=slots.language,
        is_followup=False,
        unknown=unknown,
    )


def _tidy(question: str) -> str:
    q = re.sub(r"\s+", " ", question).strip()
    if q and not q.endswith(("?", "!", ".")):
        q += "?"
    return q[:1].upper() + q[1:]


_DEMONSTRATIVES = frozenset("die deze dit dat dezelfde hetzelfde those these that this".split())


def _has_context_reference(question: str) -> bool:
    """Words that point back into the conversation: "daar", temporal "dan", "de gemeente"
    without a name, or a demonstrative after a function word ("met die pilot", "worden die")."""
    words = _words(question)
    for i, w in enumerate(words):
        before = words[i - 1] if i else ""
        if w in ("daar", "hier"):
            return True
        # "dan" after a comparative ("meer dan", "anders dan") compares; otherwise it is "then".
        comparative = (before.endswith("er") and before not in _FUNCTION_WORDS) or before == "anders"
        if w == "dan" and not comparative:
            return True
        if w in _DEMONSTRATIVES and before in _FUNCTION_WORDS and before not in ("het", "it", "is"):
            return True
    return bool(re.search(r"\bde gemeente\b(?!n)", question, re.IGNORECASE))


def _is_followup(question: str, slots: _Slots, prev: _Turn | None) -> bool:
    if prev is None:
        return False
    if _ANAPHOR.search(question) or _CONTINUATION.match(question) or _has_context_reference(question):
        return True
    topic_words = _content_words(extract_topic(question, slots))
    if not topic_words:
        return True  # elliptic: only slots ("Deventer?", "2025?", "De baten?")
    n_words = len(_words(question))
    if n_words <= 5 and len(topic_words) <= 1 and bool(_PRONOUN.search(question)) and not slots.known:
        return True
    # A question of its own that stays on the previous subject (shares a content word with
    # it) and names no municipality continues the conversation: it keeps the municipality.
    if prev.filters.municipality and not (slots.known or slots.unknown or slots.compare):
        previous = {w for w in _content_words(prev.topic) if len(w) >= 5}
        return any(w in previous for w in topic_words if len(w) >= 5)
    return False


def _replace_span(text: str, span: tuple[int, int], new: str) -> str:
    return text[: span[0]] + new + text[span[1] :]


def _resolve_followup(
    question: str, slots: _Slots, prev: _Turn, info: CorpusInfo, gazetteer: Gazetteer, explicit: Filters
) -> _Turn:
    own, _ = _slot_filters(slots, info, explicit.municipality or prev.filters.municipality)
    compare = slots.compare and not own.municipality
    filters = own.merged_over(prev.filters)
    unknown = slots.unknown[0][0] if slots.unknown and not slots.known else None
    if compare or unknown:
        # "En in Amsterdam?" with Amsterdam not in the corpus: do not keep answering for the
        # previous municipality; the caller reports the unknown one.
        filters = replace(filters, municipality=None)
    if own.municipality and own.year is None and slots.relative is None and prev.relative is not None:
        # "volgend jaar" carried over to another municipality: relative to that one's documents.
        base = _base_year(own.municipality, info)
        filters = replace(filters, year=base + prev.relative if base is not None else None)
    relative = slots.relative if slots.relative is not None else prev.relative
    language = prev.language
    prev_slots = _analyse(prev.resolved, info, gazetteer)

    anaphor = _ANAPHOR.search(question)
    topic_words = _content_words(extract_topic(question, slots))
    cont = _CONTINUATION.match(question)
    body = question[cont.end() :] if cont else question
    pronoun_only = (
        bool(_PRONOUN.search(question)) and bool(_QUESTION_WORD.search(question)) and not cont
        and len(topic_words) <= 1 and len(_words(question)) <= 5
    )  # fmt: skip
    fragment = not topic_words or (cont is not None and not _QUESTION_WORD.search(body))
    context = ""
    if anaphor or pronoun_only or not fragment:
        if anaphor:
            # "Wat is het doel daarvoor?" → "Wat is het doel voor <topic> in <M>?"
            prep = anaphor.group(1) or anaphor.group(2)
            prep = _ANAPHOR_PREP.get(prep.lower(), prep.lower())
            resolved = _replace_span(question, anaphor.span(), f"{prep} {prev.topic}")
        elif pronoun_only:
            pron = list(_PRONOUN.finditer(question))[-1]
            resolved = _replace_span(question, pron.span(), prev.topic)
        else:
            # A question of its own that leans on the conversation ("En hoe groot was het
            # nadeel over 2023?", "Hoe loopt dat experiment af?"): keep its wording, carry
            # the slots, and give the search the previous topic as context.
            resolved = body
            if slots.known:
                filters = own  # it names its own municipality: a new subject, nothing carried
            elif _has_context_reference(question) or (cont and len(topic_words) <= 2):
                context = prev.topic
        if cont and (anaphor or pronoun_only) and resolved[: cont.end()] == question[: cont.end()]:
            resolved = resolved[cont.end() :]  # "En hoeveel is daarvan …" → "Hoeveel is van …"
        resolved = _tidy(resolved)
        language = slots.language if len(_words(question)) > 3 else prev.language
        if filters.municipality and not slots.known:
            resolved = _append(resolved, f"in {filters.municipality}")
        if filters is own:
            pass
        elif slots.year is None and slots.relative is None and prev_slots.year_span:
            resolved = _append(resolved, f"in {prev.resolved[slice(*prev_slots.year_span)]}")
        elif slots.year is None and slots.relative is None and prev_slots.relative_span:
            resolved = _append(resolved, prev.resolved[slice(*prev_slots.relative_span)])
        if prev.compare and not own.municipality and not slots.compare:
            resolved = _append(resolved, "across municipalities" if language == "en" else "in de verschillende gemeenten")
    else:
        resolved = prev.resolved
        en = language == "en"
        # Replace from the end of the text backwards so earlier spans stay valid.
        edits: list[tuple[tuple[int, int], str]] = []
        additions: list[str] = []
        named = slots.known or slots.unknown
        if named and not compare:
            name = named[0][0]
            if prev_slots.known:
                edits.append(((prev_slots.known[0][1], prev_slots.known[0][2]), name))
            else:
                additions.append(f"in {name}")
        if compare and prev_slots.known:
            s, e = prev_slots.known[0][1], prev_slots.known[0][2]
            m = re.search(r"(?:\b(?:in|van|bij|voor|of|for|de gemeente|gemeente)\s+)+$", resolved[:s], re.IGNORECASE)
            # A municipality that is the subject ("Wat doet Enschede ...") becomes "elke gemeente".
            subject = "each municipality" if en else "elke gemeente"
            edits.append(((m.start(), e), "") if m else ((s, e), subject))
        if compare and not prev.compare and not (prev_slots.known and not m):
            additions.append("across municipalities" if en else "in de verschillende gemeenten")
        new_time = None
        if slots.year is not None:
            new_time = str(slots.year)
        elif slots.relative_span:
            new_time = question[slice(*slots.relative_span)]
        if new_time:
            old = prev_slots.year_span or prev_slots.relative_span
            if old and not any(_overlaps(old, sp) for sp, _ in edits):
                if prev_slots.relative_span and slots.year is not None and old == prev_slots.relative_span:
                    new_time = f"in {new_time}"
                elif prev_slots.year_span and slots.year is None and old == prev_slots.year_span:
                    m = re.search(r"(?:\b(?:in|voor|van|over|in)\s+)$", resolved[: old[0]], re.IGNORECASE)
                    old = (m.start() if m else old[0], old[1])
                edits.append((old, new_time))
            else:
                additions.append(new_time if slots.relative_span else f"in {new_time}")
        if slots.doc_type and slots.doc_type != prev.filters.doc_type:
            phrase = question[slice(*slots.doc_type_span)] if slots.doc_type_span else slots.doc_type
            if prev_slots.doc_type_span:
                edits.append((prev_slots.doc_type_span, phrase))
            else:
                additions.append(f"in the {phrase}" if en else f"in de {phrase}")
        measure_rebuild = False
        if slots.measure:
            word = _MEASURE_EN[slots.measure] if en else slots.measure
            if prev_slots.measure_span:
                old_word = prev.resolved[slice(*prev_slots.measure_span)]
                if old_word[:1].isupper():
                    word = word.capitalize()
                edits.append((prev_slots.measure_span, word))
            else:
                measure_rebuild = True
        for span, new in sorted(edits, key=lambda t: t[0][0], reverse=True):
            resolved = _replace_span(resolved, span, new)
        resolved = re.sub(r"\s+([?!.,])", r"\1", re.sub(r"\s{2,}", " ", resolved)).strip()
        if measure_rebuild:
            word = _MEASURE_EN[slots.measure] if en else slots.measure  # type: ignore[index]
            resolved = (f"What are the {word} of {prev.topic}" if en else f"Wat zijn de {word} van {prev.topic}") + "?"
            if filters.municipality:
                additions.insert(0, f"in {filters.municipality}")
            if filters.year and not slots.year:
                additions.append(f"in {filters.year}")
        # Whatever else the fragment says is a qualifier ("En voor jongeren?"); a bare noun
        # phrase ("En de putting?") asks about that thing within the previous topic.
        qualifier = _qualifier(question, slots)
        if qualifier and re.match(r"(?:de|het|een|the|a|an)\s", qualifier, re.IGNORECASE) and not measure_rebuild:
            resolved = (f"What about {qualifier} for {prev.topic}" if en else f"Wat is {qualifier} van {prev.topic}") + "?"
            suffix = [f"in {filters.municipality}"] if filters.municipality else []
            if filters.year and not prev_slots.relative_span:
                suffix.append(f"in {filters.year}")
            additions = suffix + [a for a in additions if not a.startswith("in ")]
        elif qualifier:
            swapped = _swap_phrase(resolved, qualifier, _analyse(resolved, info, gazetteer))
            if swapped:
                resolved = swapped
            else:
                additions.append(qualifier)
        for addition in additions:
            resolved = _append(resolved, addition)
        resolved = _tidy(resolved)

    res_slots = _analyse(resolved, info, gazetteer)
    return _Turn(
        resolved=resolved,
        filters=filters,
        relative=relative,
        compare=compare or (prev.compare and not own.municipality),
        topic=extract_topic(resolved, res_slots),
        language=language,
        is_followup=True,
        unknown=unknown,
        context=context,
    )


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


# Prepositions that open the subject phrase of a budget question ("Hoeveel is er begroot voor
# het onderhoud van de wegen?", "Wat geeft de gemeente uit aan sport?").
_SUBJECT_PREPS = ("voor", "aan", "op", "bij", "for", "on")
# Words that end a subject phrase: the verb or a phase after it ("… voor sport begroot").
_PHRASE_END = re.compile(
    r"\s+(?:is|zijn|was|waren|wordt|worden|werd|begroot|geraamd|besteed|uitgegeven|beschikbaar|gereserveerd"
    r"|opgenomen|nodig|in|are|budgeted|spent)\b",
    re.IGNORECASE,
)


def _swap_phrase(resolved: str, qualifier: str, slots: _Slots) -> str | None:
    """"En voor de riolering?" after "Welk budget is er in 2024 voor het onderhoud van de
    wegen?": the fragment's phrase takes the place of the previous question's phrase with the
    same preposition (another item of the same kind), up to a verb, a slot or the end. None
    when the previous question has no such phrase: then the fragment qualifies it ("En voor
    jongeren?" after "Wat doet de gemeente aan schuldhulp?")."""
    m = re.match(r"(\w+)\s+\S", qualifier)
    if not m or m.group(1).lower() not in _SUBJECT_PREPS:
        return None
    hit = re.search(rf"\b{m.group(1)}\s+(?=\S)", resolved, re.IGNORECASE)
    if not hit:
        return None
    spans = [sp for sp in (slots.year_span, slots.relative_span, slots.doc_type_span) if sp] + [(s, e) for _, s, e in slots.known]
    stop = min([s for s, _ in spans if s > hit.end()] + [len(resolved.rstrip("?!. "))])
    end = _PHRASE_END.search(resolved, hit.end(), stop)
    stop = end.start() if end else stop
    if stop <= hit.end():
        return None
    return resolved[: hit.start()] + qualifier + resolved[stop:]


def _qualifier(question: str, slots: _Slots) -> str:
    """The part of an elliptic follow-up that is neither a slot nor a function word."""
    spans = [(s, e) for _, s, e in slots.known + slots.unknown]
    spans += [sp for sp in (slots.year_span, slots.relative_span, slots.doc_type_span, slots.measure_span) if sp]
    spans += [m.span() for m in _COMPARE.finditer(question)]
    chars = list(question)
    for s, e in spans:
        for i in range(s, e):
            chars[i] = " "
    rest = "".join(chars)
    cont = _CONTINUATION.match(rest)
    if cont:
        rest = rest[cont.end() :]
    if not _content_words(rest):
        return ""
    words = re.findall(r"[^\s?!.,;:]+", rest)
    while words and words[0].lower() in _FUNCTION_WORDS - _PREP_BEFORE_SLOT - {"met", "aan", "op", "with", "on"}:
        words.pop(0)
    # ... nor a preposition whose object was a slot ("En volgens de jaarrekening 2022?").
    while words and words[-1].lower() in _FUNCTION_WORDS | _PREP_BEFORE_SLOT:
        words.pop()
    return " ".join(words)
