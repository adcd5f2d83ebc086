"""The words of a text: function and framing words (`STOPWORDS`, `FRAME_WORDS`), Dutch number
words (`NUMBER_WORDS`), the index terms (`tokenize`, `stem`), `words`, Dutch compounds
(`compound_parts`), `proper_names`, and `content_words` (the subject words of a question or a
label: no function words, no framing words, no years or numbers, no phase or flow words).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Container

from corpus.lexicon.finance import _ASPECT_WORDS
from corpus.lexicon.calendar_years import YEAR
from corpus.text import fold


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


# Dutch number words: "drie wethouders" states a quantity as much as "3 wethouders".
NUMBER_WORDS = frozenset(
    """
    twee drie vier vijf zes zeven acht negen tien elf twaalf dertien veertien vijftien twintig
    dertig veertig vijftig zestig zeventig tachtig negentig honderd duizend miljoen miljard
    half helft kwart
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
