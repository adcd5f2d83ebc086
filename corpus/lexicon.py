"""The language of the documents and the questions, in one place.

Every stage that reads words uses this module: the index (BM25 terms), the corpus (years of
a table column), question understanding (years, phases, flows, what kind of answer is asked)
and the budget lookup. Where a term comes from is written down in docs/DOMAIN.md; nothing here
exists for one question or one document.

- Words: `fold`, `STOPWORDS`, `stem`, `tokenize` (index terms), `content_words` (the subject
  words of a question or a label: no function words, no framing words, no years or numbers).
- Years: `YEAR`, `years`, `year_span` (ranges "2024-2027"), `RELATIVE_YEAR` (volgend jaar), `year_shift`
  (een jaar later).
- Public finance (BBV): budget phases (`phases`, `column_phase`), money flows (`flows`,
  `flows_compatible`), the reference point of a change (`REFERENCE`).
- What a question asks for: `asked(question) -> Asked` (money, an amount, a quantity) — the
  one money/quantity decision; `has_quantity(text)` for the sentences that answer a quantity.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Container
from dataclasses import dataclass

from corpus.text import fold

__all__ = [
    "AMOUNT_CHANGE", "Asked", "FLOWS", "PHASES", "REFERENCE", "RESERVE_FLOWS", "RELATIVE_YEAR", "RELATIVE_YEAR_OFFSET", "YEAR_SHIFT", "year_shift", "STOPWORDS",
    "TAAKVELDEN", "YEAR", "YEAR_RANGE", "asked", "calculation_asked", "column_phase", "content_words", "flows", "flows_compatible",
    "Count", "TIME_UNITS", "UNIT_NOUNS", "UNIT_SHORT_FORMS", "duration_asked", "moment_asked", "states_duration", "states_moment", "counts_noun", "states_count", "difference_parts", "find_counts", "fold", "names_money", "has_quantity", "phases", "stem", "taakvelden_named", "taakveld_of_label", "tokenize", "words", "year_span", "years",
]  # fmt: skip

# ----------------------------------------------------------------------------- words

# Frequent Dutch function words: they carry no topic and would dominate short queries.
STOPWORDS = frozenset(
    """
    de het een en van in op te dat die dit deze voor met aan als is zijn was waren wordt worden
    werd er om door bij of ook tot uit naar over dan maar nog niet geen wel al zo zich hij zij
    ze we wij u je jij ik hun hen ons onze mijn uw haar hem men wat wie waar hoe welke welk
    heeft hebben had kan kunnen zal zullen zou zouden moet moeten mag mogen na nu toe tegen
    onder tussen hier daar dus omdat want zoals waarin waarbij waarvan hierin hiervan daarvan
    daarnaast alle meer veel zeer per hoeveel waarom wanneer hoeverre the of and to
    """.split()
)

# Words that frame a question without naming its subject: question words, auxiliaries and
# verbs of asking, comparison and change words (they select an operation, see `asked` and the
# arithmetic), and the words every budget question shares ("bedrag", "gemeente", "jaar"); the
# verbs of taking money out of something frame the onttrekking `FLOWS` names ("haalt … uit de
# reserve"), those of counting something in a sum (`_INCLUDING`: "als je … meetelt").
FRAME_WORDS = STOPWORDS | frozenset(
    """
    hoog hoge groot grote wordt geef noem vertel graag totale gemeente jaar bedrag bedragen
    euro bedraagt bedroeg tijdens via verschil stijging daling toename afname procentuele procent
    percentage deel gedeelte som opgeteld samen elkaar elkaars gezamenlijk gezamenlijke exact exacte nauwkeurig neemt nemen nam namen minder hoger lager groei gestegen gedaald gegroeid veranderd
    verandering veranderen verandert opzichte volgens overzicht staat staan gemeld vermeld genoemd
    waardoor waarmee hoefde hoeven moest kun kunt gaat gaan ging af rond omtrent ongeveer circa
    zit zitten periode kregen krijgt krijgen doet doen deed gebeurt geregeld gedaan ingezet
    gepland kost kostte leveren levert zeg ten eigenlijk precies idem nou daarvoor daaraan daarin
    daarmee daarop daarover daarbij hiervoor hieraan ervoor ervan eraan erin ermee erop erover
    erbij stad geeft geven gaf gegeven aantal hoeveelheid stond wil willen lang gemeenten informatie iets
    laat laten liet binnen weer komt komen kwam kwamen ziet zien zag eruit
    bestaat bestaan bestond telt tellen telde valt vallen viel beschikt beschikken
    haalt halen haal haalde haalden gehaald putten put putte geput
    meetelt meetellen meegeteld meerekent meerekenen meegerekend
    a an what which how why when where who whom are were does do did has have will would can
    could should about also same for in on at by with from this that these those it its they
    them there their much many please tell me show give list year money goes go into
    """.split()
)

# A thousands-grouped number ("1.291", "45.917.564"), optionally with a decimal part ("1.291,5").
_THOUSANDS = re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,\d+)?$")
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[a-z]+(?:\d+[a-z]*)*")
_VOWELS = set("aeiouy")


def _normalise_number(tok: str) -> str:
    if _THOUSANDS.match(tok):
        return tok.replace(".", "")
    return tok.rstrip(".,")


def _undouble(stem: str) -> str:
    """Undo the spelling changes of inflection so all forms share one stem."""
    if len(stem) >= 3 and stem[-1] == stem[-2] and stem[-1] not in _VOWELS:
        stem = stem[:-1]  # "bedd" (bedden) → "bed"
    if stem.endswith("v"):
        stem = stem[:-1] + "f"  # "uitgav" → "uitgaf" (uitgaven / uitgave)
    elif stem.endswith("z"):
        stem = stem[:-1] + "s"  # "huiz" (huizen) → "huis"
    # Collapse a doubled vowel in the final closed syllable: "jaar"/"jar(en)" → "jar".
    if len(stem) >= 4 and stem[-1] not in _VOWELS and stem[-2] == stem[-3] and stem[-2] in "aeou":
        stem = stem[:-2] + stem[-1]
    return stem


def compound_parts(word: str, known: Container[str], shortest: int = 4, links: str = "se") -> tuple[str, str] | None:
    """(first, last) when `word` is two known words glued, as Dutch writes compounds
    ("jongerenaanpak" = jongeren + aanpak), with a linking letter of `links` after the first
    ("investeringsbedrag" = investering + s + bedrag); both glued parts at least `shortest`
    letters, the longest first part tried first. None when it is not."""
    for i in range(len(word) - shortest, shortest - 1, -1):
        head, tail = word[:i], word[i:]
        if tail in known:
            if head in known:
                return head, tail
            if head[-1] in links and head[:-1] in known:
                return head[:-1], tail
    return None


def stem(word: str) -> str:
    """Conservative Dutch suffix stripping; words under 4 letters and numbers are kept.

    One suffix is removed at most (plus a final -e), and only when at least 3 letters remain,
    which keeps short words ("tien", "geen") intact. Over-stemming is harmless for BM25 as long
    as it is consistent; under-stemming only costs recall.
    """
    if len(word) < 4 or not word.isalpha():
        return word
    w = word
    if w.endswith("heden") and len(w) > 7:
        return w[:-5] + "heid"  # mogelijkheden → mogelijkheid
    for suffix in ("tjes", "jes", "tje", "je"):
        # After a vowel "je" is not a diminutive: "vrije" is "vrij" + "e".
        if w.endswith(suffix) and len(w) - len(suffix) >= 4 and w[-len(suffix) - 1] not in _VOWELS:
            return _undouble(w[: -len(suffix)])
    if w.endswith("s") and len(w) >= 5 and w[-3:-1] in ("er", "el", "em", "en"):
        w = w[:-1]  # inwoners → inwoner, inkomens → inkomen (then -en below)
    elif w.endswith("es") and len(w) >= 8 and w[-3] not in _VOWELS or w.endswith("ies") and len(w) >= 7:
        w = w[:-1]  # reserves → reserve, specificaties → specificatie (the plural -s after -e)
    # Only after a consonant: "miljoen", "tien", "geen" are not plurals.
    if w.endswith("en") and len(w) - 2 >= 3 and w[-3] not in _VOWELS:
        return _undouble(w[:-2])
    if w.endswith("e") and len(w) - 1 >= 3 and w[-2] not in _VOWELS:
        return _undouble(w[:-1])
    return _undouble(w)


def tokenize(text: str) -> list[str]:
    """Text → index terms (order kept, duplicates kept: term frequency matters).

    Lowercase, accents folded; words are runs of letters/digits (hyphens and apostrophes
    split, single letters dropped); numbers stay one token and lose thousands dots ("95.225"
    → "95225"); `STOPWORDS` dropped; words stemmed (`stem`).
    """
    out: list[str] = []
    for raw in _TOKEN.findall(fold(text)):
        if raw[0].isdigit():
            tok = _normalise_number(raw)
            if tok:
                out.append(tok)
            continue
        if len(raw) < 2 or raw in STOPWORDS:
            continue
        out.append(stem(raw))
    return out


_WORD = re.compile(r"[a-z][a-z0-9]*")


def words(text: str) -> list[str]:
    """The words of a text, folded, unstemmed, nothing dropped ("Súdwest-Fryslân" -> sudwest, fryslan)."""
    return _WORD.findall(fold(text))


# Budgets number their programmes and tables label them "P2 Mens en Maatschappij": "programma 2"
# and "P2" name the same programme.
_PROGRAMME_NUMBER = re.compile(r"\bprogram(?:ma|me)?\s+(\d{1,2})\b")
# "niet-" before a noun makes another term (OZB niet-woningen, niet-ingezetenen): kept as one
# word, or "niet" is dropped as a function word and "niet-woningen" reads as "woningen". The
# OZB's second category (Gemeentewet art. 220: what is not a dwelling) is also printed without
# the hyphen ("OZB niet woningen"); only there is a bare "niet" part of the noun.
_NEGATED_NOUN = re.compile(r"\bniet(?:-(?=\w)|\s+(?=woning))(\w)")
# A question negates the verb where a table names the negated noun: "wie sportte niet" asks
# for the "niet-sporters" (content words: "nietsporters"). `negated_part` reads the noun back.
NEGATION = re.compile(r"\bniet\b(?!-)|\bnot\b")


_NAME_WORD = re.compile(r"[^\W\d_][\w'’]*(?:-[\w'’]+)*")


def proper_names(question: str) -> list[str]:
    """Names a Dutch question gives: words capitalised inside a sentence, hyphenated parts
    kept together ("de Omgevingsdienst West-Holland" -> Omgevingsdienst, West-Holland; "de
    AOW" -> AOW); of a compound of a name and a common word only the name ("de
    OZB-opbrengst" -> OZB). Dutch capitalises names only (not months, days or nationalities'
    nouns), so these are the question's most specific words. A sentence's first word is no
    name."""
    names = []
    for m in _NAME_WORD.finditer(question):
        word = m.group()
        before = question[: m.start()].rstrip()
        if not before or before[-1] in ".?!:;\"'(“‘":
            continue
        if fold(word) in STOPWORDS:
            continue  # the article of a name ("De Paauw", "Den Haag") names nothing itself
        parts = word.split("-")
        capitalised = [p for p in parts if len(p) >= 2 and p[0].isupper()]
        names.extend([word] if len(capitalised) == len(parts) else capitalised)
    return names


def negated_part(token: str) -> str | None:
    """The noun of a negated-noun content word ("nietsporters" -> "sporters"), else None."""
    return token[4:] if token.startswith("niet") and len(token) >= 8 else None


# What is paid once is incidenteel in the BBV's words (art. 19, the overzicht van incidentele
# baten en lasten; the Commissie BBV: incidenteel is eenmalig or temporary).
_ONE_OFF = re.compile(r"\beenmalige?\b")


@functools.lru_cache(maxsize=50_000)
def _content_words(text: str) -> tuple[str, ...]:
    t = _ASPECT_WORDS.sub(" ", YEAR.sub(" ", _PROGRAMME_NUMBER.sub(r"p\1", fold(text))))
    t = _ONE_OFF.sub("incidentele", t)
    t = _NEGATED_NOUN.sub(r"niet\1", t)
    # A number word counts or sizes a subject ("alle vijf programma's"), it names none: like a
    # figure, it is no content word.
    return tuple(w for w in _WORD.findall(t) if w not in FRAME_WORDS and w not in NUMBER_WORDS and len(w) > 1)


def content_words(text: str) -> list[str]:
    """The subject words of a question or a label, folded and unstemmed: no function or
    framing words, no years or numbers, no phase or flow words (those are constraints, not
    subject); a numbered programme is its code ("programma 2" -> "p2", as tables label it).
    Memoised: the budget lookup reads the same labels again and again."""
    return list(_content_words(text))


# ----------------------------------------------------------------------------- years

# A calendar year as documents and questions print it: not part of an amount ("2.024",
# "€ 2024"), a decimal, or a longer number.
YEAR = re.compile(r"(?<![\d.,€])((?:19[5-9]|20[0-9])\d)(?![\d]|[.,]\d)")
# "2024-2027", "2024/2025", "2024 t/m 2027": a span of years (a multi-year estimate).
YEAR_RANGE = re.compile(
    r"(?<![\d.,€])((?:19|20)\d\d)\s*(?:[-–/]|t/m|tot en met)\s*((?:19|20)\d\d)(?![\d]|[.,]\d)"
)
# "volgend jaar", "vorig jaar", "dit jaar": resolved against the document's year.
RELATIVE_YEAR = re.compile(
    r"\b(?:(volgend|komend|aankomend|vorig|afgelopen|dit|huidig|lopend)e?\s+jaar"
    r"|(next|coming|last|previous|this|current)\s+year)\b",
    re.IGNORECASE,
)
RELATIVE_YEAR_OFFSET = {
    "volgend": 1, "komend": 1, "aankomend": 1, "next": 1, "coming": 1,
    "vorig": -1, "afgelopen": -1, "last": -1, "previous": -1,
    "dit": 0, "huidig": 0, "lopend": 0, "this": 0, "current": 0,
}  # fmt: skip


# "een jaar later", "het jaar daarna", "twee jaar eerder": a year counted from the year the
# conversation is about (a follow-up's), not from the document's as RELATIVE_YEAR.
_SHIFT_COUNT = {"een": 1, "één": 1, "1": 1, "a": 1, "one": 1, "twee": 2, "2": 2, "two": 2, "drie": 3, "3": 3, "three": 3}
_SHIFT_LATER = r"later|daarna|erna|erop|daarop|nadien|after"
YEAR_SHIFT = re.compile(
    r"\b(?:(?P<n>een|één|1|twee|2|drie|3|a|one|two|three)\s+jaa?r(?:s)?\s+(?P<dir>later|daarna|erna|verder|eerder|ervoor|daarvoor|earlier|before|after)"
    r"|het\s+jaar\s+(?P<dir2>daarna|erna|erop|daarop|nadien|daarvoor|ervoor)"
    r"|the\s+(?P<dir3>following|next|previous)\s+year|the\s+year\s+(?P<dir4>after|before))\b",
    re.IGNORECASE,
)


def year_shift(text: str) -> tuple[tuple[int, int], int] | None:
    """(span, offset in years) of a year counted from another one ("een jaar later": +1, "het
    jaar ervoor": -1, "twee jaar later": +2); None when the text has none."""
    m = YEAR_SHIFT.search(text)
    if not m:
        return None
    n = _SHIFT_COUNT[(m.group("n") or "een").lower()]
    direction = (m.group("dir") or m.group("dir2") or m.group("dir3") or m.group("dir4")).lower()
    later = bool(re.fullmatch(_SHIFT_LATER + "|verder|following|next", direction))
    return m.span(), n if later else -n


def years(text: str) -> set[int]:
    """The calendar years printed in text."""
    return {int(y) for y in YEAR.findall(text)}


def year_span(text: str) -> set[int]:
    """Years a label covers: single years and ranges ("Meerjarenbegroting 2023-2026" -> 2023..2026)."""
    found = years(text)
    for a, b in YEAR_RANGE.findall(text):
        lo, hi = int(a), int(b)
        if lo <= hi <= lo + 15:
            found |= set(range(lo, hi + 1))
    return found


# ----------------------------------------------------------------------------- phases and flows

# Budget phases of the BBV planning-and-control cycle, most specific first: a column "Begroting
# na wijziging" is na_wijzigingen, not begroot. "in deze kwartaalrapportage" / "dit kwartaal"
# name the reporting period of an interim report: its "wijzigingen deze periode" column.
# "rekening" is the jaarrekening, except in "rekening houden met", "voor (eigen) rekening
# van" (paid by) and "rekening-courant" (a current account).
_REKENING = r"(?<!voor )(?<!eigen )\brekening\b(?! (?:hou|gehouden|mee\b|met\b))(?!-?courant)"
PHASES: tuple[tuple[str, str], ...] = (
    ("deze_periode", r"(?:\w*wijziging\w* )?(?:in )?deze (?:periode|(?:kwartaal|voortgangs)?rapportage|berap)"
                     r"|dit kwartaal|this (?:period|quarter(?:ly report)?|report)"),
    ("na_wijzigingen", r"na (?:begrotings)?wijziging\w*|gewijzigde begroting|bijgestelde begroting|actuele begroting"
                       r"|after (?:budget )?(?:changes|amendments)|amended budget"),
    ("primitief", r"primitiev\w*|primaire begroting|oorspronkelijke begroting|originele begroting"
                  r"|original budget|initial budget"),
    ("cumulatief", r"cumulatie\w*|cumulative\w*"),
    ("wijzigingen", r"\w*wijziging\w*|mutatie\w*"),
    ("realisatie", r"realisatie|gerealiseerd\w*|werkelijk\w*|besteed|uitgegeven|jaarrekening|" + _REKENING
                   + r"|actual\w*|reali[sz]ed|spent"),
    ("prognose", r"prognose\w*|geprogn\w*|verwacht\w*|forecast\w*|projected|expected"),
    ("begroot", r"begroot|begrote?\w*|begroting\w*|geraamd\w*|raming\w*|budgeted"),
)
# Words that ask for what was realised and nothing else: a budget or forecast cell of the
# year is a different figure ("besteed" and "uitgegeven" are left out: "wordt besteed" is
# said of a budget as well).
REALISED = re.compile(
    r"realisatie|gerealiseerd\w*|werkelijk\w*|jaarrekening|" + _REKENING + r"|\bactual\w*|\breali[sz]ed\b"
)
# "Met hoeveel houdt de gemeente rekening": the idiom "rekening houden (met)" with its verb
# first, as a question or a subordinate clause puts it; no jaarrekening. Up to six words may
# stand between, commas of an inserted clause included ("houdt de gemeente, voorzichtig
# geschat, rekening"). (The idiom's "rekening" has no article and no year: "op de rekening
# 2023" is the jaarrekening.)
_RECKONING = re.compile(
    r"\b(?:houdt|houden|hield|hielden|hou)\b(?:\s+[^\s.?!;]+){0,6}?\s+"
    r"(?<!\bde )(?<!\bhet )(?<!\bdeze )(?<!\bop )(?<!\bin )(?<!\bvolgens )rekening\b(?!\s+(?:19|20)\d\d)"
)


def realised_asked(text: str) -> bool:
    """The text asks for what was realised (REALISED), the idiom "houdt … rekening" aside."""
    return bool(REALISED.search(_RECKONING.sub(" ", fold(text))))


# The order of the phases in the cycle: a difference reads "later minus earlier".
LIFECYCLE = ("primitief", "begroot", "wijzigingen", "na_wijzigingen", "deze_periode", "cumulatief", "prognose", "realisatie")
CHANGE_PHASES = frozenset({"wijzigingen", "deze_periode"})
# "... ten opzichte van de begroting na wijzigingen": the phase named there is the reference
# point of a change, not the column asked for.
REFERENCE = re.compile(
    r"(?:ten opzichte van|t\.?o\.?v\.?|vergeleken met|in vergelijking met|compared (?:to|with)|relative to)\s+(?P<ref>[^?.,;]*)"
)
# Money flows: lasten and baten (BBV art. 17), their saldo, and the mutations of reserves
# (toevoeging/storting, onttrekking/putting); spending (besteding) is lasten seen from a budget.
_SPEND_VERB = r"\buitgeven\b|\buitgeeft\b|\b(?:geven|geeft|gaf|gaven)\b(?:\s+\S+){0,8}?\s+uit\b"
_WE_RECEIVE = (
    r"\b(?:krijgen|ontvangen)\s+(?:we|wij)\b|\b(?:we|wij)\s+(?:krijgen|ontvangen)\b"
    r"|\b(?:krijgt|ontvangt)\s+de\s+gemeente\b|\bde\s+gemeente\s+(?:krijgt|ontvangt)\b"
)
FLOWS: tuple[tuple[str, str], ...] = (
    # Spending is lasten, also as the separable verb ("wat geven we uit aan onderwijs").
    ("lasten", r"\blasten\b|\buitgaven\b|\bkost(?:en|te)?\b|\bexpenditure\w*|\bexpenses\b|\bcosts?\b"
               r"|" + _SPEND_VERB),
    # What the municipality itself receives is its baten ("hoeveel krijgen we van het Rijk").
    ("baten", r"\bbaten\b|\binkomsten\b|\bopbrengst\w*|\brevenues?\b|\bincome\b|" + _WE_RECEIVE),
    # also in compounds (begrotingssaldo, exploitatiesaldo, EMU-saldo); what is left over
    # ("wat houden we over") is the saldo.
    ("saldo", r"saldo\b|\bbalance\b|\boverhouden\b|\b(?:houden|houdt|hield|hielden)\b(?:\s+\S+){0,6}?\s+over\b"),
    # What is taken out of a reserve or a voorziening ("uit de reserve halen", "dekking uit de
    # algemene reserve") is an onttrekking; the staat van reserves en voorzieningen prints the
    # mutations as vermeerderingen and verminderingen.
    ("onttrekking", r"onttrekking\w*|onttrokken|\bonttrekken\b|\bputting\b|\bwithdraw\w*|\bverminderingen?\b"
                    r"|\buit (?:de |het )?(?:\w+ )?\w*(?:reserves?|voorziening(?:en)?)\b"),
    ("storting", r"\bstorting\w*|\bgestort\b|\bstorten\b|\bdotatie\w*|\btoevoeging\w*|\btoegevoegd\b|\btoevoegen\b"
                 r"|\bvermeerderingen?\b|\bdeposit\w*|\badded to\b"),
    ("besteding", r"\bbesteding\w*|\bbesteed\b|\buitgegeven\b|\bspen[dt]\w*"),
    ("reservemutatie", r"\bmutaties? (?:in |van )?(?:de )?reserves?\b|\breservemutatie\w*"),
)
# The mutations of reserves (BBV art. 17: toevoegingen and onttrekkingen, shown apart from a
# programme's lasten and baten).
RESERVE_FLOWS = frozenset({"onttrekking", "storting", "reservemutatie"})
# A position (a stock) is asked, not a flow: "de stand van de reserve eind 2024", "het saldo
# per 31 december", "ultimo 2023". The staat van reserves en voorzieningen (BBV art. 53
# toelichting) prints a position at the start and the end of the year and the mutations in
# between (vermeerderingen, verminderingen, toevoegingen, onttrekkingen, vrijval, aanwending);
# a mutation column does not answer a question about a position.
STOCK = re.compile(
    r"\b(?:eind|begin)?stand\b|\bsaldo (?:per|op)\b|\bper (?:31|1)[ -]|\bultimo\b"
    r"|\b(?:eind|begin|einde|aan het eind van|aan het begin van|(?:aan het )?(?:begin|eind|einde) van) (?:19|20)\d\d\b"
    r"|\b(?:op|per|at|on|as at) (?:1 januari|1 january|january 1|31 december|december 31)\b"
    r"|\bbalance (?:at|on)\b|\b(?:at the )?(?:end|start|beginning) of (?:19|20)\d\d\b"
)
_POSITION_END = re.compile(r"\beind\w*|\beinde\b|\bultimo\b|\b31[-/ ]12\b|\b31 december\b|\bdecember 31\b|\bend of\b|\bclosing\b")
_POSITION_START = re.compile(
    r"\bbegin\w*|\baanvang\w*|\b0?1[-/ ]0?1[-/ ]|\b1 januari\b|\b1 january\b|\bjanuary 1\b|\bstart of\b|\bopening\b"
)


def position(text: str) -> str | None:
    """"end" or "start" when a text names the end or the start of a year ("eind 2024",
    "Saldo 31-12-2024", "Stand 1-1-2024"), None otherwise or when it names both."""
    t = fold(text)
    end, start = bool(_POSITION_END.search(t)), bool(_POSITION_START.search(t))
    return "end" if end and not start else "start" if start and not end else None


# A part of an amount is asked ("welk deel van de investeringen", "hoeveel daarvan"); a
# sentence states one with "waarvan" after the whole (corpus.facts, extra "part").
_SHARE_WORDS = r"\bwelk (?:deel|gedeelte)\b|\bwhich part\b"
PART_ASKED = re.compile(_SHARE_WORDS + r"|\bhoeveel (?:\w+ )?(?:daarvan|hiervan)\b|\bhow much of (?:it|that|this)\b")

# The total of all rows is asked, in whichever words ("de totale lasten", "alle programma's
# samen", "opgeteld", "bij elkaar", "gezamenlijk"): a cue for a total row or Totaal column.
TOTAL_ASKED = re.compile(
    r"\btota(?:a)?le?\b|\bsamen\b|\bopgeteld\b|\bbij elkaar\b|\bgezamenlijke?\b|\bin total\b|\bcombined\b|\baltogether\b"
)
# The amount is asked to the euro ("tot op de euro", "het exacte bedrag"): of one amount printed
# rounded in one table and in whole euros in another (the BBV overviews in thousands, the
# taakveld overview to the euro), the finest print answers.
EXACT_ASKED = re.compile(
    r"\btot op de (?:euro|cent)\b|\bop de euro (?:nauwkeurig|precies)\b|\bin hele euro'?s\b|\bexacte?\b"
    r"|\bto the (?:euro|cent)\b|\bexact(?:ly)?\b"
)

# A relative number is asked: a ratio, a quote (netto schuldquote, belastingquote), a
# percentage, a kengetal (BBV art. 11: all five are ratios or percentages) or a dekkingsgraad.
# Such a number is never an amount of money, whatever words the amount's sentence shares
# (`ratio_asked`).
_RATIO = re.compile(r"ratios?\b|quote\b|\bpercentage\b|\bprocent\b|%|\bper ?cent\b|\bkengetal\w*|dekkingsgraad")
# A percentage the question gives is part of its subject ("de cao-ontwikkeling van 2% naar 4%").
_GIVEN_PERCENTAGE = re.compile(r"\d+(?:[.,]\d+)?\s*(?:%|procent\b|per ?cent\b)")
_MONEY_WORD = re.compile(r"\bkost(?:en|te|ten)?\b|\bbedrag\w*|\bgeld\b|\beuros?\b|€")


# A share of something asked ("welk deel van de kosten wordt gedekt"): an amount or a percentage.
# (The words of a part asked, PART_ASKED, ask a share too.)
_SHARE = re.compile(_SHARE_WORDS + r"|\bwelk aandeel\b|\bwhat share\b")


def money_named(question: str) -> bool:
    """True when the question names money itself ("welk bedrag", "hoeveel geld", "wat kost")
    and no relative number ("welk percentage van de kosten"): then a percentage is no answer,
    whatever else it shares with the question."""
    q = _GIVEN_PERCENTAGE.sub(" ", fold(question))
    return bool(_MONEY_WORD.search(q)) and not _RATIO.search(q) and not _SHARE.search(q)


# The chance a risk occurs is a percentage (the risk table's "Kans", BBV art. 11), unless the
# question weighs an amount by it ("gewogen naar de kans dat …": bedrag x kans, `DEFINED_BY`).
_PROBABILITY = re.compile(r"(?<!\bnaar de )(?<!\bmaal de )\bkans\b(?!\s*(?:x|maal)\b)|\bprobability\b|\blikelihood\b|\bhoe waarschijnlijk\b")


def ratio_asked(question: str) -> bool:
    """True when the question asks for a ratio or a percentage (not for money, nor for the
    change of an amount in percent, which is computed from amounts). The costs a percentage
    of covered costs is about ("voor hoeveel procent worden de kosten gedekt") are its base;
    the chance of a risk is a percentage (`_PROBABILITY`)."""
    q = _GIVEN_PERCENTAGE.sub(" ", fold(question))
    money = _MONEY_WORD.search(q) and not _COST_COVERAGE.search(q)
    return bool(_RATIO.search(q) or _PROBABILITY.search(q)) and not money and calculation_asked(q) is None


MUTATION = re.compile(r"vermeerde|verminde|toevoeging|onttrekking|mutatie|storting|dotatie|vrijval|aanwending|additions|withdrawals")
_FLOW_KIN = {
    "lasten": {"besteding"}, "besteding": {"lasten"},
    "reservemutatie": {"onttrekking", "storting"}, "onttrekking": {"reservemutatie"}, "storting": {"reservemutatie"},
}  # fmt: skip
_ASPECT_WORDS = re.compile("|".join(p for _, p in PHASES + FLOWS))


def phases(text: str) -> set[str]:
    """Budget phases named in text; earlier, more specific patterns consume their words so
    "na begrotingswijzigingen" is not also "wijzigingen"."""
    t = _RECKONING.sub(" ", fold(text))
    found = set()
    for name, pattern in PHASES:
        if re.search(pattern, t):
            found.add(name)
            t = re.sub(pattern, " ", t)
    return found


def column_phase(text: str) -> str | None:
    """The single phase a column header names (first, most specific pattern wins)."""
    t = fold(text)
    for name, pattern in PHASES:
        if re.search(pattern, t):
            return name
    return None


# "Saldo van baten en lasten" (the BBV's line of the overzicht van baten en lasten) names the
# saldo, not the baten and the lasten.
_SALDO_PHRASE = re.compile(
    r"\bsaldo (?:van (?:de )?)?(?:baten en lasten|lasten en baten)\b|\bbalance of (?:income|revenues?) and (?:expenditure|expenses)\b"
)


# A resultaat is a saldo (BBV art. 17: the geraamde resultaat is the saldo of baten and lasten
# after the mutations of reserves; also rekeningresultaat, jaarresultaat). Unlike the flow
# words above it stays a subject word: "Geraamde resultaat" is another line than "Saldo van
# baten en lasten". Beside another flow ("de baten van het resultaat") it names no flow.
_RESULT = re.compile(r"resultaat\b")


def flows(text: str) -> frozenset[str]:
    """Money flows named in text: lasten, baten, saldo, onttrekking, storting, besteding.
    Memoised: the budget lookup reads the same labels for every question."""
    return _flows(text)


@functools.lru_cache(maxsize=100_000)
def _flows(text: str) -> frozenset[str]:
    t = _SALDO_PHRASE.sub(" saldo ", fold(text))
    found = {name for name, pattern in FLOWS if re.search(pattern, t)}
    # "de baten van het geraamde resultaat": the resultaat is the subject of the baten asked.
    return frozenset({"saldo"} if _RESULT.search(t) and not found else found)


# A flow word after a hyphen ends a name of its own ("EMU-saldo": the balance by the EU's
# definition, not baten minus lasten): it says what the subject is, not which side of it.
_NAMED_COMPOUND = re.compile(r"\b\w+-(?:saldo|lasten|baten)\b")


# "Wat kost een extra container?" asks a price, which a sentence states as a tarief or a
# bedrag without naming lasten: the verb of costing names no side (the noun "kosten" does);
# nor do receiving and spending ("hoeveel krijgen we van de provincie": "de provincie draagt
# € 50.000 bij"; "wat geven we uit aan X": "voor X is € 50.000 beschikbaar").
_PRICE_VERB = re.compile(r"\bkost(?:te|ten)?\b|" + _WE_RECEIVE + "|" + _SPEND_VERB)


def sides(text: str) -> frozenset[str]:
    """The flows a text names as a side of its subject: `flows` without those that only end a
    hyphenated name ("het EMU-saldo" names none; "de lasten van het EMU-saldo" names lasten)
    and without the verb of costing (`_PRICE_VERB`)."""
    return _flows(_PRICE_VERB.sub(" ", _NAMED_COMPOUND.sub(" ", fold(text))))


def flows_compatible(asked_flows: set[str] | frozenset[str], named: set[str] | frozenset[str]) -> bool:
    """True when a cell's flows (row and column) agree with the flows a question asks for."""
    return bool(named & asked_flows) or any(named & _FLOW_KIN.get(a, set()) for a in asked_flows)


# ----------------------------------------------------------------------------- Iv3 taakvelden

# The taakvelden of Iv3 (Informatie voor derden), in which every municipality reports its
# budget to the CBS; per-taakveld tables label their rows with these codes and names.
TAAKVELDEN: dict[str, str] = {
    "0.1": "Bestuur", "0.2": "Burgerzaken", "0.3": "Beheer overige gebouwen en gronden",
    "0.4": "Overhead", "0.5": "Treasury", "0.61": "OZB woningen", "0.62": "OZB niet-woningen",
    "0.63": "Parkeerbelasting", "0.64": "Belastingen overig",
    "0.7": "Algemene uitkering en overige uitkeringen gemeentefonds", "0.8": "Overige baten en lasten",
    "0.9": "Vennootschapsbelasting", "0.10": "Mutaties reserves",
    "0.11": "Resultaat van de rekening van baten en lasten",
    "1.1": "Crisisbeheersing en brandweer", "1.2": "Openbare orde en veiligheid",
    "2.1": "Verkeer en vervoer", "2.2": "Parkeren", "2.3": "Recreatieve havens",
    "2.4": "Economische havens en waterwegen", "2.5": "Openbaar vervoer",
    "3.1": "Economische ontwikkeling", "3.2": "Fysieke bedrijfsinfrastructuur",
    "3.3": "Bedrijvenloket en bedrijfsregelingen", "3.4": "Economische promotie",
    "4.1": "Openbaar basisonderwijs", "4.2": "Onderwijshuisvesting", "4.3": "Onderwijsbeleid en leerlingzaken",
    "5.1": "Sportbeleid en activering", "5.2": "Sportaccommodaties",
    "5.3": "Cultuurpresentatie, cultuurproductie en cultuurparticipatie", "5.4": "Musea",
    "5.5": "Cultureel erfgoed", "5.6": "Media", "5.7": "Openbaar groen en (openlucht) recreatie",
    "6.1": "Samenkracht en burgerparticipatie", "6.2": "Wijkteams", "6.3": "Inkomensregelingen",
    "6.4": "Begeleide participatie", "6.5": "Arbeidsparticipatie", "6.6": "Maatwerkvoorzieningen (Wmo)",
    "6.71": "Maatwerkdienstverlening 18+", "6.72": "Maatwerkdienstverlening 18-",
    "6.81": "Geëscaleerde zorg 18+", "6.82": "Geëscaleerde zorg 18-",
    "7.1": "Volksgezondheid", "7.2": "Riolering", "7.3": "Afval", "7.4": "Milieubeheer",
    "7.5": "Begraafplaatsen en crematoria",
    "8.1": "Ruimtelijke ordening", "8.2": "Grondexploitatie (niet bedrijventerreinen)", "8.3": "Wonen en bouwen",
}  # fmt: skip
_TAAKVELD_CODE = re.compile(r"\btaakveld(?:en)?\s+(\d\.\d{1,2})\b", re.IGNORECASE)


def taakvelden_named(text: str) -> list[str]:
    """The names of the Iv3 taakvelden a text names by code ("taakveld 7.2" -> "Riolering")."""
    return [TAAKVELDEN[c] for c in _TAAKVELD_CODE.findall(text) if c in TAAKVELDEN]


# A per-taakveld table labels its rows with the Iv3 code and a name of its own, often shortened
# to fit ("0.7 Alg uitk. & ov. uitk. gemeentefonds").
_LABEL_CODE = re.compile(r"(?:^|›)\s*(\d\.\d{1,2})\s+(?=[^\d\s])")


def taakveld_of_label(label: str) -> str:
    """The Iv3 name of the taakveld a row label's code names ("P3 › 0.7 Alg uitk. …" ->
    "Algemene uitkering en overige uitkeringen gemeentefonds"); "" when it names none."""
    codes = [c for c in _LABEL_CODE.findall(label) if c in TAAKVELDEN]
    return TAAKVELDEN[codes[-1]] if codes else ""


# ----------------------------------------------------------------------------- what is asked

# The verb of a bijdrage, separable in Dutch: "bijdragen", "draagt de provincie … bij" — to pay
# towards, or to contribute to anything ("draagt bij aan de doelen", `names_money`).
_CONTRIBUTE_VERB = r"\bbij(?:dragen|gedragen|draagt)\b|\b(?:draagt|dragen|droeg|droegen)\b(?:\s+\S+){0,8}?\s+bij\b"

# Words that name money. Dutch public-finance words (BBV: lasten, baten, saldo, reserves,
# ramingen, realisatie; the investeringen and kredieten of BBV art. 20 and the staat van
# investeringen; opbrengsten, inkomsten, the uitkering uit het gemeentefonds, leningen and
# kapitaallasten) and general money words; English equivalents for English questions.
_MONEY = re.compile(
    r"€|\beuro|\bbedrag|\bbudget|\blasten\b|\bbaten\b|\bsaldo|\bgeraamd|\braming|\bbegroot"
    r"|\bkosten|\bkost\b|\buitgaven|\buitgegeven|\brealisatie|\bgerealiseerd|\bbesteding|\bbesteed"
    r"|\bgeld\b|\bmiljoen|\bsubsidie|\breserve|\bonttrekking|\bstorting|\bfinancieel|\btekort|\boverschot"
    r"|\bvoordeel|\bnadeel|\boverschrijding|\bbijdrage|\bfonds\b|\bputting|\bbeta(?:len|alt|alde|alden|ald)\b"
    r"|" + _CONTRIBUTE_VERB + "|" + _SPEND_VERB +
    r"|\binvestering|\bgeinvesteerd|\bkrediet|\bopbrengst|\binkomsten\b|\buitkering|\blening|\bkapitaallasten"
    r"|\btarie[fv]\w*|\w*belasting\w*|\w*heffing\w*|\bleges\b|\bozb\b"
    r"|\bhow much\b|\bcosts?\b|\bspend|\bspent\b|\bexpenditure|\brevenue|\bamount\b|\bfunding\b|\bfund\b"
    r"|\binvestment|\bcredit\b|\bincome\b|\bloans?\b"
    # The balance sheet's capital (BBV art. 42-43): what a municipality or a verbonden partij owns.
    r"|\b(?:eigen|vreemd)\s+vermogen\b|\bequity\b|\bborrowed capital\b"
    # A Dutch compound is a kind of its last part: "exploitatiebudget", "woonlasten",
    # "investeringsbedrag", "onderhoudskosten", "rijksbijdrage", "sportsubsidie".
    r"|\w(?:budget|bedrag|kosten|lasten|subsidie|krediet|bijdrage)\w{0,2}\b",
)
# "Wat gaat er in 2023 af?", "Wat komt er bij?": a change in an amount.
AMOUNT_CHANGE = re.compile(
    r"\b(?:gaat|gaan|ging|gingen) er\b[^.?!]*\baf\b|\b(?:komt|komen|kwam|kwamen) er\b[^.?!]*\bbij\b\s*(?:[?.!]|$|in\s)"
)
# "Hoe hoog / hoe groot is het risico": a size; an amount when a fact fits it well.
_SIZE = re.compile(r"\bhoe (?:hoog|groot)\b|\bhow (?:high|large|big)\b")
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


# Covering costs by revenue is the kostendekkendheid the paragraaf lokale heffingen reports
# per levy and tariff (BBV art. 10; Gemeentewet art. 229b): "welk deel van de kosten wordt
# gedekt / terugverdiend" asks for it in the verbs of everyday Dutch.
_COST_COVERAGE = re.compile(r"\b(?:gedekt|dekken|dekt|terugverdien\w*|verdien\w*(?:\s+\w+){0,5}?\s+terug)\b")


def cost_coverage(question: str) -> str:
    """The question with its words for covering costs ("gedekt", "verdient … terug") replaced
    by the BBV's term, "kostendekkendheid", when it asks a share or a percentage."""
    q = fold(question)
    if not (_SHARE.search(q) or _RATIO.search(q)):
        return question
    return _COST_COVERAGE.sub(" kostendekkendheid ", q)


# The phrase a share is of runs to a comma or the clause's verb: "welk deel van de kosten
# voor reisdocumenten | verdient …", "welk deel van wat de begraafplaats kost |, wordt …".
_SHARE_PHRASE = re.compile(
    r"\b(?:procent|percentage|deel|gedeelte|aandeel|share|percent)\s+(?:van|of)\s+(?P<base>[^,?]*?)"
    r"(?=,|\s(?:wordt|worden|werd|werden|is|zijn|was|waren|gaat|komt|verdient|verdienen|dekt|dekken|betaalt|betalen)\b|\?|$)"
)


def share_of(question: str) -> str | None:
    """The phrase a share is asked of ("welk deel van de kosten wordt gedekt" -> "de kosten";
    "welk deel van wat de begraafplaats kost, wordt …" -> "wat de begraafplaats kost"); None
    when no share is asked. Its flow words are its base, not the flow asked."""
    q = fold(question)
    m = _SHARE_PHRASE.search(q)
    return m.group("base") if m and m.group("base") and (_SHARE.search(q) or _RATIO.search(q)) else None


def percentage_base(question: str) -> set[str]:
    """The counted noun a percentage is taken of ("procent van de inwoners" -> {"inwoners"}):
    the base of the percentage, not its subject (what the inwoners do or are is); an
    indicator table names the subject ("Niet-sporters") and leaves the base to its definition."""
    base = [w for w in (share_of(question) or "").split() if w not in ("de", "het", "alle", "onze", "the", "all")]
    return {base[0]} if base and is_counted_noun(base[0]) else set()


# An amount is asked for (not merely money mentioned): "Hoeveel is er begroot voor …",
# "Wat zijn de lasten van …", "Hoe hoog is het budget …", "How much …".
_AMOUNT = re.compile(
    r"\bhoeveel\s+(?:geld|euro)\b"
    r"|\bhoeveel\b(?:\s+\S+){0,5}?\s+(?:begroot|geraamd|besteed|uit|uitgegeven|beschikbaar|gereserveerd"
    r"|ontvangen|kost|kosten|kostte|bedraagt|bedroeg|betaald|opgenomen)\b"
    r"|\bhoe\s+hoog\b|\bwelke?\s+\w*(?:bedrag|budget)\b|\bwat\s+(?:kost|kostte|kosten)\b"
    # "Hoeveel draagt de provincie bij aan …": a bijdrage is an amount of money.
    # ("Hoeveel inwoners dragen bij …" counts people.)
    r"|\bhoeveel\s+(?:geld\s+)?(?:draagt|dragen|droeg|droegen)\b(?:\s+\S+){0,8}?\s+bij\b"
    r"|\bhoeveel\s+(?:geld\s+)?(?:heeft|hebben|had|hadden|zal|zullen|gaat|gaan)\b(?:\s+\S+){0,5}?\s+bij(?:gedragen|dragen)\b"
    # "Wat betaalt de gemeente aan …", "Wat moet Ede jaarlijks betalen om …"
    r"|\bwat\b(?:\s+\S+){0,6}?\s+beta(?:len|alt|alde|alden)\b"
    # Dutch compounds are named by their last part: "het begrotingssaldo", "de personeelslasten".
    r"|\bwat\s+(?:is|zijn|was|waren|wordt|worden)\s+(?:de|het)\s+(?:\S+\s+){0,2}?\w*(?:lasten|baten|saldo|budget|bedrag"
    r"|kosten|uitgaven|raming|storting|onttrekking|putting|begroting)\b"
    r"|\bhow\s+much\b"
    r"|\bwhat\s+(?:is|are|was|were)\s+the\s+(?:\S+\s+){0,2}?(?:budget|costs?|expenses|expenditure|spending|income|revenue)\b",
    re.IGNORECASE,
)
# A number is asked for: "Hoeveel …", "Hoe groot …", "Welk percentage …", "How many …".
_QUANTITY = re.compile(
    r"\b(hoeveel|hoe\s+(?:veel|groot|hoog)|welk\s+(?:percentage|bedrag|aantal)|how\s+(?:many|much)|what\s+(?:percentage|share|amount))\b",
    re.IGNORECASE,
)
# A value a table may hold is asked for: a target, a percentage, a ratio, a rate, a count
# ("Wat is de streefwaarde …", "Welk percentage …", "Hoe hoog is de schuldquote …").
_VALUE = re.compile(
    r"\b(?:wat|welk|welke|hoe hoog|hoe groot)\b[^?]*?(?:streefwaarde\w*|\bwaarde\b|percentage|\bratio\b|quote\b"
    r"|\btarie[fv]\w*|\baantal\b|\bstand\b|\bomvang\b|\bkengetal\w*|\bindicator\w*|\bgemiddeld\w*)"
    # A rank on a list ("Op welke plaats staat Ede op de ranglijst …") is a value a table holds.
    r"|\bop welke (?:plaats|positie|plek)\b|\bwelke (?:positie|plaats|rang)\b[^?]*\b(?:ranglijst|ranking)"
    r"|\b(?:what|which|how high|how large)\b[^?]*?(?:\btargets?\b|\bvalue\b|percentage|\bratio\b|\brate\b"
    r"|\bnumber of\b|\baverage\b|\bindicators?\b|\btariffs?\b)"
)
# Dutch number words: "drie wethouders" states a quantity as much as "3 wethouders".
NUMBER_WORDS = frozenset(
    """
    twee drie vier vijf zes zeven acht negen tien elf twaalf dertien veertien vijftien twintig
    dertig veertig vijftig zestig zeventig tachtig negentig honderd duizend miljoen miljard
    half helft kwart
    """.split()
)
# Years, calendar dates and references to a place in a document (pagina 93, artikel 13 lid 3,
# hoofdstuk 4) are numbers a sentence has for other reasons than counting.
_NOT_A_QUANTITY = re.compile(
    r"\b\d{1,2}\s+(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december)\b"
    r"|\b(?:19|20)\d{2}\b|\b\d{1,2}[-/]\d{1,2}[-/]\d{2,4}\b"
    r"|\b(?:pagina|pag\.|blz\.|bladzijde|p\.|artikel|art\.|lid|hoofdstuk|paragraaf|bijlage|tabel|figuur|page|section)\s*\d+(?:[.:]\d+)*\b",
    re.IGNORECASE,
)


# Arithmetic a question asks for: a difference (between years, columns or phases), a change in
# percent, a sum of named rows.
_PERCENT = re.compile(r"procent|percentage|%|procentuele|\bper ?cent\b")
# A change one way: the Dutch verbs in every form (stijgen, steeg, gestegen; toenemen, neemt
# toe, nam toe; groeien; krimpen, kromp; dalen, daalde, gedaald; afnemen), their nouns, and
# the English words. They ask for a difference; comparatives ("hoger", "minder") and
# verhogen/verlagen only say which way one goes once a difference is asked.
_RISE = (
    r"\bstij(?:g\w*|ging)|\bste(?:eg|gen)\b|gestegen|toename|toegenomen|\btoene(?:em|m)\w*|\btoenam\w*"
    r"|\b(?:neem?t|nemen|nam|namen) (?:\w+ ){0,12}?toe\b|\bgroei\w*|gegroeid"
    r"|\bincrease[sd]?\b|\bris(?:e|es|en)\b|\brose\b|\bgrow(?:s|n)?\b|\bgrew\b"
)
_FALL = (
    r"\bda(?:alt|alde|alden|len|ling)\b|gedaald|afname|afgenomen|\bafne(?:em|m)\w*|\bafnam\w*"
    r"|\b(?:neem?t|nemen|nam|namen) (?:\w+ ){0,12}?af\b|\bkrimp\w*|\bkromp\w*|gekrompen"
    r"|\bdecrease[sd]?\b|\bfall(?:s|en)?\b|\bfell\b|\bdropped\b"
)
_DIFFERENCE = re.compile(
    r"verschil|afwijking|afwijkt|hoeveel (?:meer|minder|hoger|lager)|\bdifference\b|" + _RISE + "|" + _FALL
)
# "het verschil tussen de totale kosten en de opbrengsten": the two things compared, each a
# phrase of its own (a part may be named by its flow alone).
_BETWEEN = re.compile(r"\b(?:verschil|difference)\s+(?:tussen|between)\s+(?P<a>[^?;:]+?)\s+(?:en|and)\s+(?P<b>[^?;:]+)")


def difference_parts(question: str) -> tuple[str, str] | None:
    """The two phrases a question asks the difference between ("verschil tussen A en B",
    "difference between A and B"), folded; None when it names no such pair."""
    m = _BETWEEN.search(fold(question))
    return (m.group("a").strip(), m.group("b").strip()) if m else None


_RISE_RE = re.compile(_RISE + r"|\bhoger\b|\bmeer\b|\berbij\b|\bverho(?:og|g)\w*|\bmore\b|\bhigher\b")
_FALL_RE = re.compile(_FALL + r"|\blager\b|\bminder\b|\bverla(?:ag|g)\w*|bezuinig\w*|\bless\b|\blower\b")


def change_direction(question: str) -> str | None:
    """"up" for a rise ("hoeveel hoger", "met hoeveel stijgen"), "down" for a fall ("met hoeveel
    dalen de lasten", "hoeveel minder"), None for a plain "verschil" or both."""
    q = fold(question)
    up, down = _RISE_RE.search(q), _FALL_RE.search(q)
    if up and not down:
        return "up"
    if down and not up:
        return "down"
    return None


_SUM = re.compile(r"\b(?:totaal|som|samen|opgeteld|bij elkaar|in total|together|combined)\b(?: van| of)?(?P<rest>.*)")
_PARTS = re.compile(r"\ben\b|\band\b|,")


# "als je de aankoop van de grond meetelt", "met de grond erbij": the subject with another
# thing added to it (the thing added is named; "inclusief btw" and "als de reserves zijn
# meegerekend" are left out: a row prints the whole inclusief, a saldo after the reserves).
_INCLUDING = re.compile(
    r"\b(?:als|wanneer)\s+(?:je|u|we|wij|men)\s+(?P<a>[^?,;]+?)\s+(?:meetel\w*|meerekent|meerekenen|erbij\s+(?:optelt|telt|rekent))\b"
    r"|\bmet\s+(?P<b>[^?,;]+?)\s+(?:erbij|meegerekend|meegeteld)\b"
)


def calculation_asked(question: str) -> tuple[str, str] | None:
    """("percent" | "difference", ""), ("sum", the text naming the parts), ("sum_years", "") or
    ("sum_including", the thing added to the subject: `_INCLUDING`) when the question asks for
    arithmetic; None otherwise. A sum needs its parts named: after
    the sum word ("het totaal van A en B"), before it in the same clause ("A en B samen",
    "(sport en cultuur samen)"), or as years ("in 2024 en 2025 samen")."""
    q = fold(question)
    if _PERCENT.search(q) and _DIFFERENCE.search(q) or _PERCENT.search(q) and len(years(q)) >= 2:
        return "percent", ""
    if _DIFFERENCE.search(q):
        return "difference", ""
    including = _INCLUDING.search(q)
    if including:
        return "sum_including", next(g for g in including.groups() if g)
    m = _SUM.search(q)
    if not m:
        return None
    if len(years(q)) >= 2 and m.group(0).split()[0] != "totaal":
        return "sum_years", ""
    if _PARTS.search(m.group("rest")):
        return "sum", m.group("rest")
    clause = re.split(r"[(),;:?]", q[: m.start()])[-1]
    if _PARTS.search(clause) and not years(clause):
        return "sum", clause
    return None


@dataclass(frozen=True)
class Asked:
    """What kind of answer a question asks for.

    money: the question is about money (the budget facts are searched first);
    amount: it asks for an amount of money (only a fact answers it: no fact, no answer);
    quantity: it asks for a number (a passage answer must state one);
    value: it asks for a number a table may hold (a quantity, a target, a percentage, a
        ratio, a rate): the facts are searched too, the passages answer when none fits.
    """

    money: bool
    amount: bool
    quantity: bool
    value: bool = False


_CONTRIBUTE = re.compile(_CONTRIBUTE_VERB)


def names_money(question: str) -> bool:
    """True when a question names money in one of its words (`_MONEY`: "subsidie", "lasten",
    "kosten", "bijdrage" …), not merely by asking "hoeveel" or with the verb "bijdragen",
    which contributes to anything."""
    return bool(_MONEY.search(_CONTRIBUTE.sub(" ", fold(question))))


def _is_money(q: str) -> bool:
    if _MONEY.search(q) or _SIZE.search(q) or AMOUNT_CHANGE.search(q):
        return True
    if re.search(r"\b(?:som|totaal) van\b.*\ben\b", q):
        return True
    if len(years(q)) >= 2 and re.search(r"verschil|\bsom\b|totaal|stijging|daling|toename|afname", q):
        return True
    return bool(re.search(r"\bhoeveel\b", q)) and counted_noun(q) is None


def asked(question: str) -> Asked:
    """The one decision of what a question asks for: money, an amount, a quantity."""
    q = fold(question)
    quantity = bool(_QUANTITY.search(q))
    amount = bool(_AMOUNT.search(q))
    # Asking for an amount of money is asking about money, in whatever words.
    return Asked(money=amount or _is_money(q), amount=amount, quantity=quantity, value=quantity or bool(_VALUE.search(q)))


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
