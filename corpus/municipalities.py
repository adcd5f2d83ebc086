"""Recognise Dutch municipalities in text: names, variants, demonyms and adjectives.

`Municipalities.load()` reads corpus/reference/gemeenten.csv once (cached). `find(text)` scans
with one compiled trie-shaped regex (fast on long documents; the greedy trie gives the
longest surface at each position, so "Utrechtse Heuvelrug" beats "Utrechtse").
`canonical(name)` maps any surface form, case-insensitively, to the CSV name.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from corpus.text import fold as text_fold
from corpus.text import strip_accents

REFERENCE_CSV = Path(__file__).resolve().parent / "reference" / "gemeenten.csv"

# Variant names as people write them, keyed by the CSV name.
VARIANTS: dict[str, tuple[str, ...]] = {
    "'s-Gravenhage": ("Den Haag", "’s-Gravenhage", "s-Gravenhage", "Gravenhage", "The Hague"),
    "'s-Hertogenbosch": ("Den Bosch", "’s-Hertogenbosch", "s-Hertogenbosch", "Hertogenbosch"),
    "Bergen (L.)": ("Bergen (L)", "Bergen L", "Bergen (Limburg)", "Bergen (LB)"),
    "Bergen (NH.)": ("Bergen (NH)", "Bergen NH", "Bergen (N.H.)", "Bergen (Noord-Holland)"),
    "Nuenen, Gerwen en Nederwetten": ("Nuenen", "Nuenen c.a."),
    "Dordrecht": ("Dordt",),
    "Súdwest-Fryslân": ("Súdwest Fryslân",),
    "Noardeast-Fryslân": ("Noardeast Fryslân",),
}

# Irregular demonyms and adjectives; regular ones come from `_generic_forms`.
DEMONYMS: dict[str, tuple[str, ...]] = {
    "'s-Gravenhage": ("Hagenaars", "Hagenaar", "Hagenezen", "Hagenees", "Haagse", "Haags"),
    "'s-Hertogenbosch": ("Bosschenaren", "Bosschenaar", "Bossche"),
    "Amsterdam": ("Amsterdammers", "Amsterdammer", "Amsterdamse", "Amsterdams"),
    "Rotterdam": ("Rotterdammers", "Rotterdammer", "Rotterdamse", "Rotterdams"),
    "Arnhem": ("Arnhemmers", "Arnhemmer"),
    "Haarlem": ("Haarlemmers", "Haarlemmer"),
    "Schiedam": ("Schiedammers", "Schiedammer"),
    "Deventer": ("Deventenaren", "Deventenaar"),
    "Groningen": ("Groningers", "Groninger", "Groningse"),
    "Leiden": ("Leidenaars", "Leidenaar", "Leidse"),
    "Leeuwarden": ("Leeuwarders", "Leeuwarder"),
    "Zwolle": ("Zwollenaren", "Zwollenaar", "Zwolse"),
    "Almere": ("Almeerders", "Almeerder", "Almeerse"),
    "Nijmegen": ("Nijmegenaren", "Nijmegenaar", "Nijmeegse"),
    "Breda": ("Bredanaars", "Bredanaar", "Bredase"),
    "Delft": ("Delftenaren", "Delftenaar", "Delftse"),
    "Gouda": ("Gouwenaars", "Gouwenaar", "Goudse"),
    "Dordrecht": ("Dordtenaren", "Dordtenaar", "Dordtse"),
    "Maastricht": ("Maastrichtenaren", "Maastrichtenaar", "Maastrichtse"),
    "Zoetermeer": ("Zoetermeerders", "Zoetermeerder"),
    "Tilburg": ("Tilburgers", "Tilburger"),
    "Eindhoven": ("Eindhovenaren", "Eindhovenaar"),
    "Enschede": ("Enschedeërs", "Enschedeër", "Enschedese"),
}

# Names that are also ordinary Dutch (or English) words ("Best", "Buren" = neighbours,
# "Leiden" = to lead, "Kampen" = to struggle). Capitalised at the start of a sentence they are
# usually the word, so there they only count after "gemeente".
AMBIGUOUS = frozenset(
    {
        "Assen", "Beek", "Best", "Buren", "Delft", "Duiven",
        "Emmen", "Epe", "Goes", "Hoorn", "Huizen", "Hulst", "Kampen", "Laren", "Leiden",
        "Losser", "Putten", "Sluis", "Stein", "Voorst", "Weert", "Wierden",
    }
)

# Text before a match that makes it the first word of a sentence, heading or list item.
_SENTENCE_START = re.compile(r"(?:[.!?•*|]\s*|\n\s*|\n\s*(?:[-–]|\d+[.)])\s+)$")
_GEMEENTE_BEFORE = re.compile(r"gemeenten?\s+$", re.IGNORECASE)
_PROVINCE_BEFORE = re.compile(r"(?:provincie|prov\.)\s+$", re.IGNORECASE)


@dataclass(frozen=True)
class MunicipalityMention:
    """One mention: canonical CSV name, character offsets into the text, the surface form."""

    name: str
    start: int
    end: int
    surface: str


def fold(text: str) -> str:
    """Lower-case, accents folded, curly apostrophes straightened: for lookups only."""
    return text_fold(text.replace("’", "'").replace("‘", "'")).strip()


def _generic_forms(name: str) -> list[str]:
    """Regular demonyms/adjectives: Utrecht → Utrechters, Utrechter, Utrechtse; Houten →
    Houtenaren, Houtense; Hengelo → Hengeloërs, Hengelose. Only for one-word names; a wrong
    form that no one writes costs nothing, and all forms must be capitalised to match."""
    if not re.fullmatch(r"[A-Z][a-zà-ÿ]+", name):
        return []
    forms = [name + "se"]
    if name.endswith("en"):
        forms += [name + "aren", name + "aar"]
    elif name[-1] in "aeiouy":
        forms += [name + "ërs", name + "ër", name + "ers", name + "naren", name + "naar"]
    else:
        forms += [name + "ers", name + "enaren", name + "enaar"]
        if name not in AMBIGUOUS:
            forms.append(name + "er")
    return forms


def _trie_pattern(words: list[str]) -> str:
    """Regex equivalent to an alternation of `words` but shaped as a trie, so matching costs
    one pass per position instead of one try per word; greedy optionals prefer the longest."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node: dict) -> str:
        terminal = "" in node
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if terminal:
            return "(?:" + body + ")?"
        return body

    return build(trie)


class Municipalities:
    """The known municipalities with their surface forms; use `Municipalities.load()`."""

    def __init__(self, names: list[str]) -> None:
        self._names = tuple(names)
        self._surface: dict[str, str] = {}  # exact surface -> canonical
        self._lookup: dict[str, str] = {}  # folded surface -> canonical
        for name in names:
            surfaces = [name]
            surfaces += VARIANTS.get(name, ())
            if "-" in name or " " in name:
                surfaces += [name.replace("-", " "), name.replace(" ", "-")]
            folded_ascii = fold(name)
            if folded_ascii != name.lower():
                # "Sudwest-Fryslan": accents dropped, capitals kept.
                surfaces.append(strip_accents(name))
            surfaces += DEMONYMS.get(name, ())
            surfaces += _generic_forms(name)
            for surface in surfaces:
                # A real name always wins over a generated form of another name.
                if surface in self._surface and surface not in (name, *VARIANTS.get(name, ())):
                    continue
                self._surface[surface] = name
                self._lookup.setdefault(fold(surface), name)
        for name in names:
            self._lookup[fold(name)] = name
        # Before: not a letter, digit or hyphen ("Oost-Groningen" is a region, "bede" not Ede).
        # After: not a letter or digit, so "Bestuur" is not Best.
        body = _trie_pattern(sorted(self._surface))
        self._regex = re.compile(r"(?<![\w-])" + body + r"(?!\w)")
        self._regex_ci: re.Pattern[str] | None = None

    @classmethod
    def load(cls, csv_path: Path | None = None) -> "Municipalities":
        """The municipalities of `csv_path` (default: the shipped reference list), cached."""
        return _load_cached(str(csv_path or REFERENCE_CSV))

    def names(self) -> tuple[str, ...]:
        """All canonical names, as in the CSV."""
        return self._names

    def canonical(self, name: str) -> str | None:
        """The CSV name for any name, variant, demonym or adjective (case-insensitive), or None."""
        if not name:
            return None
        key = fold(re.sub(r"\s+", " ", name))
        key = re.sub(r"^gemeente\s+", "", key)
        return self._lookup.get(key)

    def find(self, text: str, ignore_case: bool = False) -> list[MunicipalityMention]:
        """Mentions in `text`, in order. Matching is case-sensitive (capitalised names only), so
        "mede" is not Ede; `ignore_case=True` is for file names and slugs, where common-word
        names (AMBIGUOUS) are then skipped unless preceded by "gemeente"."""
        if ignore_case:
            if self._regex_ci is None:
                self._regex_ci = re.compile(self._regex.pattern, re.IGNORECASE)
            regex = self._regex_ci
        else:
            regex = self._regex
        mentions = []
        for match in regex.finditer(text):
            surface = match.group(0)
            name = self._surface.get(surface) or self._lookup.get(fold(surface))
            if name is None:
                continue
            before = text[max(0, match.start() - 40) : match.start()]
            if _PROVINCE_BEFORE.search(before):
                continue  # "provincie Utrecht", "provincie Groningen"
            is_plain_name = fold(surface) == fold(name) or surface in VARIANTS.get(name, ())
            if name in AMBIGUOUS and is_plain_name and not _GEMEENTE_BEFORE.search(before):
                at_start = not text[: match.start()].strip() or _SENTENCE_START.search(before)
                if ignore_case or at_start:
                    continue
            mentions.append(MunicipalityMention(name, match.start(), match.end(), surface))
        return mentions


@lru_cache(maxsize=4)
def _load_cached(csv_path: str) -> Municipalities:
    names: list[str] = []
    with open(csv_path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            name = (row.get("gemeente") or "").strip()
            # The national total row ("Nederland") has no province.
            if name and (row.get("provincie") or "").strip():
                names.append(name)
    return Municipalities(names)
