"""Numbers of things: the noun a question counts (`counted_noun`, `is_counted_noun`), units
(`UNIT_NOUNS`, `UNIT_ABBREVIATIONS`, `UNIT_SHORT_FORMS`), the counts a text states
(`find_counts(text) -> list[Count]`, `counts_noun`, `states_count`, `same_counted`), durations
(`duration_asked`, `states_duration`), moments (`moment_asked`, `states_moment`) and
`has_quantity(text)` for the sentences that answer a quantity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.lexicon.tokens import _WORD, NUMBER_WORDS, STOPWORDS, stem
from corpus.text import fold


# "hoeveel mensen / jaar / procent" asks for a count, not an amount: nouns that are counted
# although they do not look like a plural (units of time, "procent", "fte") and plurals that
# must be recognised inside a compound ("huurwoningen", "wmo-clienten").
COUNT_NOUNS = frozenset(
    """
    mensen inwoners personen jongeren kinderen clienten klanten aanvragen meldingen woningen
    jaar jaren maanden weken dagen keer procent uur deelnemers huishoudens gezinnen plekken
    plaatsen fte medewerkers trajecten bezoekers leerlingen gemeenten indicatoren acties
    km kilometer hectare ha m2 ton kilo kg liter stuks
    """.split()
)
# Money counted in its own nouns: "hoeveel middelen / rijksmiddelen / personeelskosten" asks an
# amount (Dutch compounds are named by their last part). The BBV's flows and their kin.
_MONEY_NOUN_ENDINGS = (
    "geld", "gelden", "middelen", "kosten", "lasten", "baten", "uitgaven", "inkomsten",
    "opbrengsten", "euro", "euros", "budget", "budgetten", "bedrag", "bedragen", "tekorten",
    "overschotten", "reserves", "miljoen", "miljoenen", "miljard", "duizend", "duizenden",
)
# The verbs that follow "hoeveel" in a question ("hoeveel krijgen de inwoners", "hoeveel
# betaalden zij"): their plural and past forms look like a plural noun.
_VERBS_AFTER_HOEVEEL = frozenset(
    """
    zijn waren worden werden hebben hadden kunnen konden moeten moesten mogen mochten zullen
    zouden willen wilden gaan gingen komen kwamen krijgen kregen betalen betaalden ontvangen
    ontvingen bedragen bedroegen besteden besteedden geven gaven uitgeven investeren
    investeerden reserveren ramen begroten dragen droegen leveren leverden opleveren kosten
    kostten stijgen stegen dalen daalden groeien groeiden nemen namen staan stonden liggen
    lagen blijven bleven bezuinigen bezuinigden sparen lenen verdienen verdienden houden
    hielden bijdragen dekken verwachten
    """.split()
)
# Words between "hoeveel" and what it counts: inflected adjectives ("nieuwe", "sociale") and
# degree words ("hoeveel meer woningen").
_MODIFIERS = frozenset("meer minder extra andere overige".split())
_SUBJECT_STARTS = frozenset("de het een deze die dit dat onze ons mijn uw hun haar we wij ze zij jullie u ik alle".split())
_HOEVEEL = re.compile(r"\b(?:hoeveel|how many|(?:het |the )?(?:aantal|number of))\b((?:\s+[\w-]+){0,3})")


def is_counted_noun(word: str) -> bool:
    """Whether a (folded) word names something counted rather than money: a listed count
    noun, or a plural ("-en", "-s") that is no noun of money and no verb."""
    word = word.replace("'", "")
    if word.endswith(_MONEY_NOUN_ENDINGS) or word in _VERBS_AFTER_HOEVEEL:
        return False
    if word in COUNT_NOUNS or any(word.endswith(n) for n in COUNT_NOUNS if len(n) >= 5):
        return True
    return len(word) >= 5 and (word.endswith("en") or word.endswith("s")) and word not in STOPWORDS


def counted_noun(question: str) -> str | None:
    """The noun a question counts ("Hoeveel aandelen heeft …" -> "aandelen", "het aantal
    nieuwe woningen" -> "woningen"); None when it counts nothing or asks money ("hoeveel
    middelen", "hoeveel krijgen de inwoners", "hoeveel is er begroot")."""
    for m in _HOEVEEL.finditer(fold(question)):
        counts_anything = not m.group(0).startswith("hoeveel")  # "het aantal …", "how many …"
        words = m.group(1).split()
        for i, word in enumerate(words):
            # An inflected adjective ("nieuwe") is skipped; a unit is a noun ("hectare", "metre").
            if word in _MODIFIERS or (word.endswith("e") and len(word) > 3 and word not in UNIT_NOUNS):
                continue
            # A verb is followed by its subject ("met hoeveel veranderen de baten"), a noun
            # by its verb ("hoeveel bomen plant de gemeente").
            subject_follows = i + 1 < len(words) and words[i + 1] in _SUBJECT_STARTS
            if not subject_follows and (is_counted_noun(word) or (
                counts_anything and word not in STOPWORDS and not word.endswith(_MONEY_NOUN_ENDINGS)
            )):
                return word
            break
        if not counts_anything:
            return None  # "hoeveel" asks money here ("hoeveel geld", "hoeveel is er begroot")
    return None


# Years, calendar dates and references to a place in a document (pagina 93, artikel 13 lid 3,
# hoofdstuk 4) are numbers a sentence has for other reasons than counting.
_NOT_A_QUANTITY = re.compile(
    r"\b\d{1,2}\s+(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december)\b"
    r"|\b(?:19|20)\d{2}\b|\b\d{1,2}[-/]\d{1,2}[-/]\d{2,4}\b"
    r"|\b(?:pagina|pag\.|blz\.|bladzijde|p\.|artikel|art\.|lid|hoofdstuk|paragraaf|bijlage|tabel|figuur|page|section)\s*\d+(?:[.:]\d+)*\b",
    re.IGNORECASE,
)


# The printed short forms of units a question names in full (SI and the Dutch way of writing
# lengths, areas and volumes: "25,8 km'", "1.051 m'", "12 ha", "350 m3").
UNIT_ABBREVIATIONS = {
    "kilometer": ("km",), "kilometers": ("km",), "meter": ("m",), "meters": ("m",), "strekkende": ("m",),
    "kilometres": ("km",), "kilometre": ("km",), "metres": ("m",), "metre": ("m",),
    "hectare": ("ha",), "hectares": ("ha",), "vierkante": ("m2", "m²"), "kubieke": ("m3", "m³"),
    "kilogram": ("kg",), "kilo": ("kg",), "liter": ("l",), "procent": ("%",), "uur": ("u",), "uren": ("u",),
}
# Units are counted in themselves: a question for a number of weeks or kilometres is answered
# by a number of weeks or kilometres, never by a number of something else. (Other counted
# nouns have synonyms a sentence may use instead: "drie locaties" for "hoeveel vestigingen".)
UNIT_NOUNS = frozenset(
    "seconden minuten uur uren dagen dag weken week maanden maand jaar jaren kwartalen "
    "kilometer kilometers meter meters hectare hectares kilogram kilo liter procent "
    "kilometres kilometre metres metre".split()
)


def same_counted(asked: str, printed: str) -> bool:
    """Whether a printed word counts what a question counts (both folded): the noun, its stem,
    a compound ending in it ("huurwoningen" counts woningen) or the unit's printed short form
    ("km" counts kilometers)."""
    printed = printed.strip("'’")
    return (
        printed in UNIT_ABBREVIATIONS.get(asked, ())
        or stem(printed) in {stem(asked), asked}
        or (len(asked) >= 5 and printed.endswith(asked))
    )


def counts_noun(text: str, noun: str) -> bool:
    """True when the text states a number of `noun` (as `counted_noun` returns it): one of its
    counts (`find_counts`) counts it (`same_counted`); a number of per cents is a percentage
    (`corpus.numbers.find_amounts`)."""
    from corpus.numbers import find_amounts

    noun = fold(noun)
    if "%" in UNIT_ABBREVIATIONS.get(noun, ()):
        return any(a.unit == "%" for a in find_amounts(text))
    return any(same_counted(noun, c.noun) for c in find_counts(text))


# A frequency ("2x per week", "drie keer per jaar") says how often, not how many; a heading's
# number ("2.1 VNG-trainees zijn ingezet") numbers its section.
_FREQUENCY = re.compile(r"\b(?:\d+\s*[x×]|(?:\d+|een|twee|drie|vier|vijf|zes|tien)\s+(?:keer|maal))(?!\w)", re.IGNORECASE)
_HEADING_NUMBER = re.compile(r"^\s*\d+(?:\.\d+)+\.?\s")


def states_count(text: str, noun: str) -> bool:
    """True when a text states a number of the things a question counts (`counted_noun`, not a
    unit): a count of things (`find_counts`; counted nouns have synonyms, so "drie locaties"
    answers "hoeveel vestigingen"), or a number beside the noun itself ("Aantal leerlingen |
    1.200"). A number of units ("zes maanden"), an amount of money or a percentage, a frequency
    ("2x per week") or a heading's number counts no things."""
    rest = _FREQUENCY.sub(" ", _HEADING_NUMBER.sub(" ", text))
    counts = find_counts(rest)
    if any(c.noun not in UNIT_NOUNS and c.noun not in UNIT_SHORT_FORMS for c in counts):
        return True
    from corpus.numbers import find_amounts

    # What is left are numbers of units, amounts of money and percentages: none counts things.
    spans = [(c.start, c.end) for c in counts] + [(a.start, a.end) for a in find_amounts(rest) if a.unit]
    for start, end in sorted(spans, reverse=True):
        rest = rest[:start] + " " + rest[end:]
    noun = fold(noun)
    return has_quantity(rest) and any(same_counted(noun, w) for w in _WORD.findall(fold(rest)))


@dataclass(frozen=True)
class Count:
    """A number of things in running text: "21 gemeenten", "46 objecten", "165 km'"."""

    number: float
    raw: str  # the number as printed
    noun: str  # what it counts, folded ("gemeenten", "km")
    start: int  # offsets of raw
    end: int


# The number words a count is written with, and their values.
_COUNT_NUMBER_WORDS = {
    **{w: n for n, w in enumerate("twee drie vier vijf zes zeven acht negen tien elf twaalf dertien veertien "
                                  "vijftien zestien zeventien achttien negentien twintig".split(), start=2)},
    **{w: 10 * n for n, w in enumerate("dertig veertig vijftig zestig zeventig tachtig negentig".split(), start=3)},
    "honderd": 100, "duizend": 1000,
}
_COUNT_NUMBER = re.compile(
    r"(?<![\w€.,/-])(?:(\d{1,3}(?:\.\d{3})+|\d+(?:,\d+)?)|("
    + "|".join(sorted(_COUNT_NUMBER_WORDS, key=len, reverse=True)) + r"))(?![\w.,/%-]|[.,]\d)",
    re.IGNORECASE,
)
_COUNT_WORD = re.compile(r"[^\W\d_][\w'’²³-]*|\S+")
_NOT_COUNTED = frozenset({"euro", "procent", "miljoen", "miljard"})
UNIT_SHORT_FORMS = frozenset(form for forms in UNIT_ABBREVIATIONS.values() for form in forms) | {"stuks"}


def find_counts(text: str) -> list[Count]:
    """The numbers of things a text states: a number (digits, or a number word) followed, after
    at most two adjectives, by a counted noun (`is_counted_noun`), a unit or a unit's short form. Years, dates, references ("artikel 13") and amounts of money or per cent are
    no counts."""
    from corpus.numbers import is_year_like, parse_dutch_number

    blocked = [m.span() for m in _NOT_A_QUANTITY.finditer(text)]
    out: list[Count] = []
    for m in _COUNT_NUMBER.finditer(text):
        if any(s <= m.start() < e for s, e in blocked) or is_year_like(m.group(0)):
            continue
        noun = ""
        for k, word in enumerate(_COUNT_WORD.findall(text, m.end(), m.end() + 60)[:3]):
            word = fold(word).strip("'’")
            if word in UNIT_SHORT_FORMS or word in UNIT_NOUNS or (is_counted_noun(word) and word not in _NOT_COUNTED):
                noun = word
                break
            if k == 2 or not (word.endswith("e") or word in _MODIFIERS):
                break  # after at most two adjectives ("twaalf nieuwe sociale huurwoningen")
        if not noun:
            continue
        number = parse_dutch_number(m.group(1)) if m.group(1) else float(_COUNT_NUMBER_WORDS[m.group(2).lower()])
        if number is not None:
            out.append(Count(number, m.group(0), noun, m.start(), m.end()))
    return out


# "Hoe lang …?" asks a duration ("hoe lang duurt", "hoe lang heb ik de tijd", "hoe lang
# blijven ze"), unless it asks the length of a thing ("hoe lang is het rioolnet").
_DURATION = re.compile(
    r"\bhoe lang\b(?!\s+(?:is|zijn|was|waren)\s+(?:de|het|een|die|dat)\b)|\bhoeveel tijd\b"
    r"|\bbinnen welke termijn\b|\bhow long\b(?!\s+(?:is|are|was|were)\s+(?:the|a|an)\b)"
)
TIME_UNITS = ("minuten", "uren", "dagen", "weken", "maanden", "jaren", "jaar")


def duration_asked(question: str) -> bool:
    """True when a question asks how long something takes or lasts (`_DURATION`)."""
    return bool(_DURATION.search(fold(question)))


_ONE_PERIOD = re.compile(r"\b(?:een|één|half|halve|anderhalf|anderhalve)\s+(?:jaar|maand|week|dag|uur|kwartaal)\b")


def states_duration(text: str) -> bool:
    """True when a text states a number of a unit of time ("zes weken", "6 maanden", "een jaar")."""
    return bool(_ONE_PERIOD.search(fold(text))) or any(counts_noun(text, unit) for unit in TIME_UNITS)


# "Wanneer …?" asks a moment ("Wanneer wordt de visie vastgesteld?", "Op welke datum …"),
# unless it asks the conditions of a right ("Wanneer heeft een inwoner recht op …").
_WHEN = re.compile(
    r"^\W*wanneer\b|\bop welke datum\b|\bin welk jaar\b|\b(?:per|vanaf|tot) wanneer\b"
    r"|^\W*when\b|\bon what date\b|\bin what year\b"
)
_CONDITION = re.compile(r"\brecht op\b|\bin aanmerking\b|\bvoorwaarden?\b|\beligible\b|\bentitled\b")
_MOMENT = re.compile(
    r"\b(?:19|20)\d\d\b|\b\d{1,2}[-/]\d{1,2}[-/]\d{2,4}\b"
    r"|\b(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december"
    r"|january|february|march|june|july|august|october)\b"
    r"|\bkwarta(?:al|len)\b|\bq[1-4]\b|\b(?:voorjaar|zomer|najaar|winter|herfst|lente|spring|summer|autumn)\b"
    r"|\b(?:volgend|komend|dit|vorig) jaar\b|\bbinnenkort\b|\bmedio\b"
)


def moment_asked(question: str) -> bool:
    """True when a question asks when something happens (`_WHEN`, not a right's conditions)."""
    q = fold(question)
    return bool(_WHEN.search(q)) and not _CONDITION.search(q)


def states_moment(text: str) -> bool:
    """True when a text names a moment: a year, a date, a month, a quarter, a season."""
    return bool(_MOMENT.search(fold(text)))


def has_quantity(text: str) -> bool:
    """True when the text states a number other than a year or a date (digits or number words)."""
    rest = _NOT_A_QUANTITY.sub(" ", text)
    return any(c.isdigit() for c in rest) or any(w in NUMBER_WORDS for w in _WORD.findall(fold(rest)))
