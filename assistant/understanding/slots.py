"""What one question says on its own: organizations, years, document kind, flow, comparison, language, topic."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.ordinary_words import DUTCH_MARKERS, ENGLISH_MARKERS, AMBIGUOUS_PLACE_WORDS
from assistant.understanding.corpus_info import CorpusInfo, Gazetteer, _WORD
from corpus.lexicon import RELATIVE_YEAR, RELATIVE_YEAR_OFFSET, YEAR
from corpus.organizations import body_name_spans

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
    municipality municipalities please tell me show give list year money ziet zien zag eruit
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
    doc_type_year: bool = False  # the year is the named document's ("de jaarrekening 2022")


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
    # A place inside a public body's name names the body ("de Metropoolregio Rotterdam Den Haag").
    bodies = body_name_spans(text)
    mentions = [m for m in mentions if not any(s <= m.start and m.end <= e for s, e in bodies)]
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
    taken = [(s, e) for _, s, e in known + unknown] + bodies
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


_YEAR_LIST = re.compile(r"\d{4}(?:\s*(?:,|en|and|t/m|tot en met|[-–/])\s*\d{4})+", re.IGNORECASE)


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
        elif hits and _YEAR_LIST.fullmatch(text[hits[0].start() : hits[-1].end()]):
            # "2024 en 2025", "2024-2027": no single year, but one time phrase a follow-up's
            # year replaces as a whole.
            year_span = (hits[0].start(), hits[-1].end())
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
        doc_type_year=bound is not None,
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


_PARTNER_BEFORE = re.compile(r"\b(?:met|samen met|en|tussen|with|and|between)\s+(?:de\s+gemeenten?\s+|the\s+)?$", re.IGNORECASE)


def named_as_partner(question: str, name: str) -> bool:
    """True when the question names `name` as a partner ("met Voorschoten", "Wassenaar en
    Voorschoten"), not as the organization it is about ("van Voorschoten", "Voorschoten's")."""
    for m in re.finditer(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", question, re.IGNORECASE):
        if _PARTNER_BEFORE.search(question[: m.start()]) and not question[m.end() :].startswith(("'s", "’s")):
            return True
    return False
