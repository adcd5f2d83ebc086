"""What question understanding knows about the loaded corpus: its municipalities, years and the abbreviations its documents define."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Iterable, Protocol, Sequence


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
    type_years: document type → the document years it has (sorted).
    abbreviations: abbreviation → expansion defined by the documents themselves.
    """

    municipalities: frozenset[str] = frozenset()
    years: dict[str, tuple[int, ...]] = field(default_factory=dict, compare=False, hash=False)
    doc_types: frozenset[str] = frozenset()
    type_years: dict[str, tuple[int, ...]] = field(default_factory=dict, compare=False, hash=False)
    abbreviations: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @classmethod
    def from_documents(cls, docs: Iterable["Document"]) -> "CorpusInfo":
        """Collect municipalities, years, doc types and document-defined abbreviations."""
        munis: set[str] = set()
        years: dict[str, set[int]] = {}
        types: set[str] = set()
        type_years: dict[str, set[int]] = {}
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
                if meta.year is not None:
                    type_years.setdefault(meta.doc_type, set()).add(meta.year)
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
            type_years={t: tuple(sorted(ys)) for t, ys in type_years.items()},
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
