"""The vocabulary of Dutch public finance (BBV, Iv3); where each term comes from: docs/DOMAIN.md.

Budget phases (`PHASES`, `phases`, `column_phase`, `realised_asked`, `LIFECYCLE`), the
reference point of a change (`REFERENCE`), money flows (`FLOWS`, `flows`, `sides`,
`flows_compatible`, `RESERVE_FLOWS`, `MUTATION`), a position at the start or the end of a year
(`STOCK`, `position`) and the Iv3 taakvelden (`TAAKVELDEN`, `taakvelden_named`,
`taakveld_of_label`).
"""

from __future__ import annotations

import functools
import re

from corpus.text import fold


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
_SIDELESS_VERBS = re.compile(r"\bkost(?:te|ten)?\b|" + _WE_RECEIVE + "|" + _SPEND_VERB)


def sides(text: str) -> frozenset[str]:
    """The flows a text names as a side of its subject: `flows` without those that only end a
    hyphenated name ("het EMU-saldo" names none; "de lasten van het EMU-saldo" names lasten)
    and without the verbs of costing, receiving and spending (`_SIDELESS_VERBS`)."""
    return _flows(_SIDELESS_VERBS.sub(" ", _NAMED_COMPOUND.sub(" ", fold(text))))


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
