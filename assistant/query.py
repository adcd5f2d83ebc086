"""Question understanding: a user question (+ earlier questions) → a search plan.

`understand(question, history, info, explicit)` returns a `QueryPlan`: the question resolved
against the conversation, a search text (abbreviations expanded, English glossed with Dutch
terms), detected filters (municipality, year, document type), and flags for the caller.
Pure and fast: regular expressions and dictionary look-ups, no model calls.

Years: a year in a question may be the document year ("begroting 2024") or a COLUMN year of a
multi-year table ("de lasten in 2025" asked of a 2023 report). Both land in `filters.year`; a
year bound to a document type ("begroting 2024") is preferred when both occur. Callers should
treat `filters.year` as a soft constraint (boost documents of that year, but also look in
tables with a column of that year), unlike the municipality, which is a hard filter.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Iterable, Protocol, Sequence

from assistant.glossary import (
    ABBREVIATIONS,
    COMMON_LOWERCASE_WORDS,
    DUTCH_MARKERS,
    EN_NL,
    ENGLISH_MARKERS,
    AMBIGUOUS_PLACE_WORDS,
)
from assistant.models import Filters
from corpus.lexicon import RELATIVE_YEAR, RELATIVE_YEAR_OFFSET, YEAR, Asked, asked

if TYPE_CHECKING:
    from corpus.models import Document


class Mention(Protocol):
    name: str
    start: int
    end: int
    surface: str


class Gazetteer(Protocol):
    """What `corpus.municipalities.Municipalities` offers (a stand-in can be passed in tests)."""

    def find(self, text: str, ignore_case: bool = False) -> Sequence[Mention]: ...


@lru_cache(maxsize=1)
def _default_gazetteer() -> Gazetteer:
    from corpus.municipalities import Municipalities  # reads a CSV: load on first use only

    return Municipalities.load()


# --------------------------------------------------------------------------- corpus info


@dataclass(frozen=True)
class CorpusInfo:
    """What question understanding needs to know about the corpus.

    municipalities: canonical names present in the corpus. Empty means "not known": then any
        municipality a question names is used as a filter and none is reported as unknown.
    years: canonical municipality name → the document years it has (sorted).
    doc_types: document types present.
    abbreviations: abbreviation → expansion defined by the documents themselves.
    """

    municipalities: frozenset[str] = frozenset()
    years: dict[str, tuple[int, ...]] = field(default_factory=dict, compare=False, hash=False)
    doc_types: frozenset[str] = frozenset()
    abbreviations: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @classmethod
    def from_documents(cls, docs: Iterable["Document"]) -> "CorpusInfo":
        """Collect municipalities, years, doc types and document-defined abbreviations."""
        munis: set[str] = set()
        years: dict[str, set[int]] = {}
        types: set[str] = set()
        counts: Counter[tuple[str, str]] = Counter()
        first_seen: dict[tuple[str, str], int] = {}
        for doc in docs:
            meta = doc.meta
            if meta.municipality:
                munis.add(meta.municipality)
                if meta.year is not None:
                    years.setdefault(meta.municipality, set()).add(meta.year)
            if meta.doc_type:
                types.add(meta.doc_type)
            for abbr, expansion in find_defined_abbreviations(doc.text):
                key = (abbr, expansion)
                counts[key] += 1
                first_seen.setdefault(key, len(first_seen))
        # Several documents may define one abbreviation differently: the most frequent
        # definition wins, then the first seen (deterministic for a given document order).
        abbreviations: dict[str, str] = {}
        for (abbr, expansion), _ in sorted(counts.items(), key=lambda kv: (-kv[1], first_seen[kv[0]])):
            abbreviations.setdefault(abbr, expansion)
        return cls(
            municipalities=frozenset(munis),
            years={m: tuple(sorted(ys)) for m, ys in years.items()},
            doc_types=frozenset(types),
            abbreviations=abbreviations,
        )


# An abbreviation as written in parentheses after its expansion: "(MO)", "(Wmo)", "(BUIG)",
# "(POH-GGZ)". Upper case first; mixed case only when short (Wmo, Wgs, Bibob) so that ordinary
# capitalised words in parentheses are not taken for abbreviations.
_SHORT_FORM = r"[A-Z][A-Z0-9&]{1,9}(?:-[A-Z0-9]{1,6})?|[A-Z][a-z]{1,4}|[A-Z][a-z]*[A-Z][A-Za-z]*"
_LONG_THEN_SHORT = re.compile(r"\((" + _SHORT_FORM + r")\)")
# "IOAW (oudere werklozen)": an all-caps abbreviation followed by its meaning.
_SHORT_THEN_LONG = re.compile(
    r"(?<![\w-])([A-Z][A-Z0-9]{1,7})\s\(([a-zA-ZÀ-ÿ][^()\n]{2,80}?)\)"
)
_NOT_A_DEFINITION = re.compile(
    r"^(?:incl|excl|zie|bijv|bv|o\.a|ca|circa|nu|nog|per|t\.o\.v|etc|vanaf|tot|in|op|voor|en)\b|\d",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)


def _schwartz_hearst(short: str, window: str) -> str | None:
    """Long form for `short` at the end of `window`, Schwartz & Hearst (2003).

    Walk the short form's characters right to left, matching each in the window right to left;
    the first character must match a word start. Returns the long form (from that word start to
    the end of the window) or None.
    """
    s_idx = len(short) - 1
    l_idx = len(window) - 1
    while s_idx >= 0:
        c = short[s_idx].lower()
        if not c.isalnum():
            s_idx -= 1
            continue
        while l_idx >= 0 and (
            window[l_idx].lower() != c or (s_idx == 0 and l_idx > 0 and window[l_idx - 1].isalnum())
        ):
            l_idx -= 1
        if l_idx < 0:
            return None
        l_idx -= 1
        s_idx -= 1
    start = max(window.rfind(" ", 0, l_idx + 1) + 1, 0)
    return window[start:].strip()


def find_defined_abbreviations(text: str) -> list[tuple[str, str]]:
    """Abbreviations a text defines itself, in order: [(abbr, expansion), ...].

    Two patterns: "Wet maatschappelijke ondersteuning (Wmo)" (expansion before, checked with
    the Schwartz-Hearst letter alignment so "(leer)" or "(nog)" never count) and
    "IOAW (oudere werklozen)" (all-caps abbreviation, then a short wordy explanation).
    """
    found: list[tuple[str, str]] = []
    for m in _LONG_THEN_SHORT.finditer(text):
        short = m.group(1)
        before = text[max(0, m.start() - 200) : m.start()]
        # Stay within the sentence/line the parenthesis stands in.
        before = re.split(r"[.;:!?\n|]\s", before)[-1]
        words = _WORD.findall(before)
        n_words = min(len(short) + 5, 2 * len(short))
        window = " ".join(words[-n_words:])
        if not window:
            continue
        long_form = _schwartz_hearst(short, window)
        if not long_form:
            continue
        long_form = long_form.strip("'’\"“”‘ ")
        lf_words = long_form.split()
        if (
            len(long_form) <= len(short) + 1
            or short.lower() in (w.lower() for w in lf_words)
            or long_form[0].lower() != short[0].lower()
        ):
            continue
        found.append((short, long_form))
    for m in _SHORT_THEN_LONG.finditer(text):
        short, long_form = m.group(1), m.group(2).strip()
        if _NOT_A_DEFINITION.search(long_form) or long_form.isupper():
            continue
        found.append((short, long_form))
    return found


# --------------------------------------------------------------------------- the plan


@dataclass(frozen=True)
class QueryPlan:
    """How to search for one question.

    question: as the user typed it.
    resolved_question: after follow-up resolution; a full question a person can read.
    search_text: resolved question, abbreviations expanded in place ("Wmo (Wet
        maatschappelijke ondersteuning)"), Dutch terms appended for English content words.
    filters: detected filters with explicit ones merged over them. `year` may be a column
        year rather than a document year: treat it as a soft constraint.
    unknown_municipality: a municipality the question names that is not in the corpus (the
        caller says so instead of answering from another municipality).
    year_is_relative: the question used "volgend jaar"/"vorig jaar"/"dit jaar" (year is None
        when there was no single document year to resolve it against).
    language: "nl" or "en".
    topic: the content part of the resolved question (no question words, municipality, year).
    is_followup: resolved against earlier turns.
    compare_all: the question asks across municipalities.
    asked: what kind of answer the resolved question asks for (money, an amount, a quantity).
    """

    question: str
    resolved_question: str
    search_text: str
    filters: Filters = field(default_factory=Filters)
    unknown_municipality: str | None = None
    year_is_relative: bool = False
    language: str = "nl"
    topic: str = ""
    is_followup: bool = False
    compare_all: bool = False
    asked: Asked = Asked(money=False, amount=False, quantity=False)


# --------------------------------------------------------------------------- patterns

# Bare "begroting" is also a table column ("primitieve begroting"), so it only selects the
# document type when a year follows it ("begroting 2024").
_DOC_TYPES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (t, re.compile(p, re.IGNORECASE))
    for t, p in (
        ("programmabegroting", r"\bprogramma-?begroting(?:en)?\b|\bprogram(?:me)? budget\b|\bbegroting(?=\s+(?:van\s+|voor\s+)?(?:19|20)\d\d\b)"),
        ("kwartaalrapportage", r"\bkwartaalrapport(?:age)?s?\b|\bberaps?\b|\bburaps?\b|\bbestuursrapportages?\b|\bquarterly reports?\b"),
        ("jaarverslag", r"\bjaarverslag(?:en)?\b|\bjaarrekening(?:en)?\b|\bjaarstukken\b|\bannual (?:report|accounts)\b"),
        ("voortgangsrapportage", r"\bvoortgangsrapport(?:age)?s?\b|\bvoortgangsbrief\b|\bprogress reports?\b"),
        ("kadernota", r"\bkadernota'?s?\b|\bvoorjaarsnota'?s?\b"),
        ("beleidsnota", r"\bbeleidsnota'?s?\b|\bbeleidsplan(?:nen)?\b"),
    )
)
_DOC_YEAR = re.compile(
    r"\b(?:programma-?begroting|begroting|kwartaalrapportage|berap|jaarverslag|jaarrekening|"
    r"voortgangsrapportage|kadernota|budget|annual report)\s+(?:van\s+|voor\s+|of\s+)?((?:19|20)\d\d)\b",
    re.IGNORECASE,
)
_COMPARE = re.compile(
    r"\b(?:(?:alle|verschillende|andere|beide|elke|iedere)\s+gemeenten?|de\s+gemeenten|welke\s+gemeenten?|"
    r"per\s+gemeente|tussen\s+(?:de\s+)?gemeenten|gemeenten\s+onderling|vergelijk\w*|overal|"
    r"across\s+(?:the\s+)?(?:municipalities|cities)|(?:which|all|the|other|both)\s+(?:municipalities|cities)|"
    r"(?:each|every|which)\s+(?:municipality|city)|per\s+(?:municipality|city)|compar\w*|everywhere)\b",
    re.IGNORECASE,
)
_MEASURES = {
    "lasten": "lasten", "uitgaven": "lasten", "kosten": "lasten", "expenses": "lasten",
    "expenditure": "lasten", "expenditures": "lasten", "costs": "lasten", "spending": "lasten",
    "baten": "baten", "inkomsten": "baten", "opbrengsten": "baten", "income": "baten",
    "revenue": "baten", "revenues": "baten",
    "saldo": "saldo", "balance": "saldo", "resultaat": "saldo",
}  # fmt: skip
_MEASURE = re.compile(r"\b(" + "|".join(sorted(_MEASURES, key=len, reverse=True)) + r")\b", re.IGNORECASE)
_MEASURE_EN = {"lasten": "expenses", "baten": "income", "saldo": "balance"}
# "daarvoor", "hiervan", "ervoor" … → the preposition to put before the previous topic.
_ANAPHOR = re.compile(
    r"\b(?:daar|hier|er)(voor|van|aan|in|mee|op|over|bij|uit|naar|onder|binnen|tegen|door)\b"
    r"|\b(for|of|about|on|in|with)\s+(?:that|it|this|them|those)\b",
    re.IGNORECASE,
)
_ANAPHOR_PREP = {"mee": "met"}
_PRONOUN = re.compile(r"\b(dat|die|deze|dit|het|ze|zij|it|that|this|they|them|those)\b", re.IGNORECASE)
_CONTINUATION = re.compile(
    r"^\s*(?:en|maar|ook|idem|and|also|same\s+for|what\s+about|how\s+about|wat\s+dan\s+met|"
    r"hoe\s+zit\s+het\s+(?:dan\s+)?met|en\s+hoe\s+zit\s+het\s+met)\b[\s,]*",
    re.IGNORECASE,
)
_QUESTION_WORD = re.compile(
    r"\b(?:wat|welke|welk|hoeveel|hoe|waarom|wanneer|waar|wie|waaraan|waarvoor|waarmee|"
    r"what|which|how|why|when|where|who)\b",
    re.IGNORECASE,
)

# Words stripped from the edges of a topic, and ignored when deciding whether a question has a
# topic of its own: question words, auxiliaries, articles, prepositions, pronouns, fillers.
_FUNCTION_WORDS = frozenset(
    """
    en maar ook dan nou eigenlijk precies nog wel dus idem wat welke welk hoeveel hoe waarom
    wanneer waar wie waaraan waarvoor waarmee is zijn was waren wordt worden werd werden heeft
    hebben had doet doen deed gaat gaan ging kan kunnen kun kunt moet moeten zal zullen staat
    staan stond zit zitten zitten gebeurt geregeld gedaan ingezet uitgegeven besteed begroot
    verwacht gepland kost bedragen bedraagt levert leveren zeg vertel geef noem er de
    het een in van voor op aan bij met door naar uit over onder binnen tegen tot na om te als
    dat die deze dit ze zij hij we wij u je jij ik hun hen onze ons mijn jouw uw daar hier
    daarvoor daarvan daaraan daarin daarmee daarop daarover daarbij hiervoor hiervan hieraan
    hierin ervoor ervan eraan erin ermee erop erover erbij gemeente gemeenten stad jaar geld
    the a an what which how why when where who whom is are was were does do did has have had
    will would can could should about and also same for of in on at to by with from this that
    these those it its they them there their much many spend spends spent much city
    municipality municipalities please tell me show give list year money
    """.split()
)
_MEASURE_WORDS = frozenset(_MEASURES)


# --------------------------------------------------------------------------- analysis


@dataclass(frozen=True)
class _Slots:
    """What one question (on its own) says."""

    known: tuple[tuple[str, int, int], ...]  # (canonical, start, end), in the corpus
    unknown: tuple[tuple[str, int, int], ...]
    year: int | None
    year_span: tuple[int, int] | None
    relative: int | None
    relative_span: tuple[int, int] | None
    doc_type: str | None
    doc_type_span: tuple[int, int] | None
    measure: str | None
    measure_span: tuple[int, int] | None
    compare: bool
    language: str


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def detect_language(text: str) -> str:
    """'en' when English function words clearly outnumber Dutch ones, else 'nl'."""
    words = _words(text)
    en = sum(w in ENGLISH_MARKERS for w in words)
    nl = sum(w in DUTCH_MARKERS for w in words)
    return "en" if en >= 2 and en > nl or (en >= 1 and nl == 0 and len(words) <= 3) else "nl"


def _find_municipalities(
    text: str, info: CorpusInfo, gazetteer: Gazetteer
) -> tuple[list[tuple[str, int, int]], list[tuple[str, int, int]]]:
    """(known, unknown) municipality mentions: (canonical name, start, end)."""
    known: list[tuple[str, int, int]] = []
    unknown: list[tuple[str, int, int]] = []
    # Case-sensitive first; then case-insensitive for names typed in lower case ("enschede"),
    # which the gazetteer itself skips for names that are ordinary words.
    mentions = list(gazetteer.find(text))
    for m in gazetteer.find(text, ignore_case=True):
        if not any(o.start < m.end and m.start < o.end for o in mentions):
            mentions.append(m)
    for m in mentions:
        surface = text[m.start : m.end]
        # Place names that are also ordinary words ("best", "goes", "huizen") only count when
        # capitalised and not the question's first word.
        if surface.lower() in AMBIGUOUS_PLACE_WORDS and (surface.islower() or not text[: m.start].strip()):
            continue
        if not info.municipalities or m.name in info.municipalities:
            known.append((m.name, m.start, m.end))
        else:
            unknown.append((m.name, m.start, m.end))
    # Users type corpus municipalities in lower case ("enschede"); find those too, whatever the
    # gazetteer does with case.
    taken = [(s, e) for _, s, e in known + unknown]
    for name in info.municipalities:
        for hit in re.finditer(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", text, re.IGNORECASE):
            if any(s < hit.end() and hit.start() < e for s, e in taken):
                continue
            if name.lower() in AMBIGUOUS_PLACE_WORDS and hit.group(0).islower():
                continue
            known.append((name, hit.start(), hit.end()))
            taken.append((hit.start(), hit.end()))
    known.sort(key=lambda t: t[1])
    unknown.sort(key=lambda t: t[1])
    return known, unknown


def _analyse(text: str, info: CorpusInfo, gazetteer: Gazetteer) -> _Slots:
    known, unknown = _find_municipalities(text, info, gazetteer)
    muni_spans = [(s, e) for _, s, e in known + unknown]

    def free(s: int, e: int) -> bool:
        return not any(ms < e and s < me for ms, me in muni_spans)

    year = year_span = None
    bound = _DOC_YEAR.search(text)
    if bound:
        year, year_span = int(bound.group(1)), bound.span(1)
    else:
        hits = [m for m in YEAR.finditer(text) if free(*m.span())]
        if len({m.group(1) for m in hits}) == 1:
            year, year_span = int(hits[0].group(1)), hits[0].span()
    rel = RELATIVE_YEAR.search(text)
    relative = RELATIVE_YEAR_OFFSET[(rel.group(1) or rel.group(2)).lower()] if rel else None
    doc_type = doc_type_span = None
    for name, pattern in _DOC_TYPES:
        m = pattern.search(text)
        if m:
            doc_type, doc_type_span = name, m.span()
            break
    meas = _MEASURE.search(text)
    return _Slots(
        known=tuple(known),
        unknown=tuple(unknown),
        year=year,
        year_span=year_span,
        relative=relative,
        relative_span=rel.span() if rel else None,
        doc_type=doc_type,
        doc_type_span=doc_type_span,
        measure=_MEASURES[meas.group(1).lower()] if meas else None,
        measure_span=meas.span() if meas else None,
        compare=bool(_COMPARE.search(text)) or len({n for n, _, _ in known}) > 1,
        language=detect_language(text),
    )


_PREP_BEFORE_SLOT = frozenset(
    "in van voor bij te gemeente de het in the of for at municipality city volgens uit over "
    "tijdens sinds na tot per during since".split()
)


_DEMONSTRATIVES = frozenset({"deze", "dit", "die", "dat"})


def extract_topic(text: str, slots: _Slots) -> str:
    """The content part of a question: slot phrases and edge function words removed."""
    spans = [(s, e) for _, s, e in slots.known + slots.unknown]
    spans += [sp for sp in (slots.year_span, slots.relative_span, slots.doc_type_span) if sp]
    if slots.compare:
        spans += [m.span() for m in _COMPARE.finditer(text)]
    chars = list(text)
    for s, e in sorted(spans):
        # Also drop the prepositions that introduce the slot ("in de gemeente Utrecht").
        head = text[:s]
        while True:
            m = re.search(r"(\S+)\s+$", head)
            if not m or m.group(1).lower() not in _PREP_BEFORE_SLOT:
                break
            head = head[: m.start()]
        for i in range(len(head), e):
            chars[i] = " "
    words = re.findall(r"[^\s?!.,;:()\"“”]+(?:[.,][^\s?!.,;:()\"“”]+)*", "".join(chars))
    while words and words[0].lower() in _FUNCTION_WORDS:
        # A demonstrative before a noun is part of the subject: "deze periode" is a column.
        if words[0].lower() in _DEMONSTRATIVES and len(words) > 1 and words[1].lower() not in _FUNCTION_WORDS:
            break
        words.pop(0)
    while words and words[-1].lower() in _FUNCTION_WORDS:
        words.pop()
    return " ".join(words)


def _content_words(topic: str) -> list[str]:
    return [
        w for w in _words(topic)
        if w not in _FUNCTION_WORDS and w not in _MEASURE_WORDS and not _ANAPHOR.fullmatch(w)
    ]  # fmt: skip


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
    return Filters(municipality=muni, year=year, doc_type=slots.doc_type), slots.relative is not None


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
            # "Wat is de streefwaarde daarvoor?" → "Wat is de streefwaarde voor <topic> in <M>?"
            prep = anaphor.group(1) or anaphor.group(2)
            prep = _ANAPHOR_PREP.get(prep.lower(), prep.lower())
            resolved = _replace_span(question, anaphor.span(), f"{prep} {prev.topic}")
        elif pronoun_only:
            pron = list(_PRONOUN.finditer(question))[-1]
            resolved = _replace_span(question, pron.span(), prev.topic)
        else:
            # A question of its own that leans on the conversation ("En hoe groot was het
            # nadeel over 2023?", "Wat gebeurt er met die pilot?"): keep its wording, carry
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
    while words and words[-1].lower() in _FUNCTION_WORDS:
        words.pop()
    return " ".join(words)


# --------------------------------------------------------------------------- search text


def merged_abbreviations(info: CorpusInfo) -> dict[str, str]:
    """Built-in abbreviations with the corpus's own definitions over them."""
    merged = dict(ABBREVIATIONS)
    for abbr in list(merged):
        if any(a.lower() == abbr.lower() for a in info.abbreviations):
            del merged[abbr]
    merged.update(info.abbreviations)
    return merged


def _abbreviation_for(token: str, by_lower: dict[str, list[str]]) -> str | None:
    for key in by_lower.get(token.lower(), ()):
        if token == key or (len(token) >= 2 and token == key.upper()):
            return key
        # Lower or capitalised spellings ("wmo", "Buig") only for longer abbreviations that
        # are not ordinary words ("wil", "via").
        low = token.lower()
        if len(token) >= 3 and (token.islower() or token == token.capitalize()) and low not in COMMON_LOWERCASE_WORDS and low not in DUTCH_MARKERS and low not in ENGLISH_MARKERS:
            return key
    return None


_TOKEN = re.compile(r"(?<![\w-])[^\W_][\w&]*(?:-[^\W_][\w&]*)*", re.UNICODE)


def expand_abbreviations(text: str, abbreviations: dict[str, str]) -> str:
    """Write each abbreviation in `text` as "abbr (expansion)"; expansions already present
    in the text are not repeated; long forms in the text get their abbreviation appended."""
    by_lower: dict[str, list[str]] = {}
    for key in abbreviations:
        by_lower.setdefault(key.lower(), []).append(key)
    lower_text = text.lower()
    out: list[str] = []
    pos = 0
    done: set[str] = set()
    for m in _TOKEN.finditer(text):
        token = m.group(0)
        key = _abbreviation_for(token, by_lower)
        part_end = m.end()
        if key is None and "-" in token:
            head = token.split("-", 1)[0]
            key = _abbreviation_for(head, by_lower)
            part_end = m.start() + len(head)
        if key is None or key in done:
            continue
        expansion = abbreviations[key]
        if expansion.lower() in lower_text:
            continue
        done.add(key)
        out.append(text[pos:part_end])
        out.append(f" ({expansion})")
        pos = part_end
    out.append(text[pos:])
    expanded = "".join(out)
    extra = [
        abbr for abbr, exp in abbreviations.items()
        if len(exp) >= 8 and abbr not in done and re.search(r"\b" + re.escape(exp.lower()) + r"\b", lower_text)
        and not re.search(r"(?<![\w-])" + re.escape(abbr) + r"(?![\w-])", text, re.IGNORECASE)
    ]  # fmt: skip
    return expanded + (" " + " ".join(extra) if extra else "")


@lru_cache(maxsize=1)
def _gloss_pattern() -> re.Pattern[str]:
    keys = sorted(EN_NL, key=len, reverse=True)
    return re.compile(r"(?<![\w'-])(?:" + "|".join(re.escape(k) for k in keys) + r")s?(?![\w'-])")


def gloss_english(text: str) -> list[str]:
    """Dutch terms for the English words and phrases in `text` (longest phrases first)."""
    terms: list[str] = []
    for m in _gloss_pattern().finditer(text.lower()):
        key = m.group(0)
        key = key if key in EN_NL else key[:-1]  # plural "s" matched by the pattern
        for term in EN_NL[key].split():
            if term not in terms:
                terms.append(term)
    return terms


# --------------------------------------------------------------------------- entry point


def understand(
    question: str,
    history: Sequence[str] = (),
    info: CorpusInfo | None = None,
    explicit: Filters = Filters(),
    *,
    gazetteer: Gazetteer | None = None,
) -> QueryPlan:
    """Turn a question and the earlier user questions (oldest first) into a `QueryPlan`.

    Each history question is resolved against the ones before it; the last one's resolution is
    the context of `question`. Explicit filters win over detected ones. `gazetteer` defaults to
    `corpus.municipalities.Municipalities.load()`.
    """
    info = info or CorpusInfo()
    gaz = gazetteer if gazetteer is not None else _default_gazetteer()
    prev: _Turn | None = None
    turn: _Turn | None = None
    for q in [*history, question]:
        q = q if isinstance(q, str) else ""
        if not q.strip():
            continue
        slots = _analyse(q, info, gaz)
        if _is_followup(q, slots, prev):
            turn = _resolve_followup(q, slots, prev, info, gaz, explicit)  # type: ignore[arg-type]
        else:
            turn = _new_turn(q, info, gaz, explicit)
        prev = turn
    if turn is None or not question.strip():
        return QueryPlan(question=question, resolved_question=question.strip(), search_text=question.strip(), asked=asked(question))
    final_slots = _analyse(question, info, gaz)
    filters = explicit.merged_over(turn.filters)
    if turn.filters.year is None and (final_slots.relative is not None or (turn.is_followup and turn.relative is not None)):
        # A relative year is resolved against the municipality in scope, which may be explicit.
        base = _base_year(filters.municipality, info)
        if base is not None and explicit.year is None:
            offset = final_slots.relative if final_slots.relative is not None else turn.relative
            filters = replace(filters, year=base + offset)  # type: ignore[operator]
    compare = turn.compare and explicit.municipality is None
    search = expand_abbreviations(turn.resolved, merged_abbreviations(info))
    if turn.context and turn.context.lower() not in turn.resolved.lower():
        search = f"{search} {turn.context}"
    if turn.language == "en":
        terms = gloss_english(turn.resolved)
        if terms:
            search = f"{search} {' '.join(terms)}"
    return QueryPlan(
        question=question,
        resolved_question=turn.resolved,
        search_text=search,
        filters=filters,
        unknown_municipality=turn.unknown if explicit.municipality is None else None,
        year_is_relative=final_slots.relative is not None or (turn.is_followup and turn.relative is not None and final_slots.year is None),
        language=turn.language,
        topic=turn.topic,
        is_followup=turn.is_followup,
        compare_all=compare,
        asked=asked(turn.resolved),
    )
