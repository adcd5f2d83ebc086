"""Small text normalisations shared by every stage that compares words."""

from __future__ import annotations

import re
import unicodedata


def strip_accents(text: str) -> str:
    """Accents removed, case kept: "Súdwest-Fryslân" -> "Sudwest-Fryslan"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Lower-case with accents removed, for comparing words: "Financiële" -> "financiele"."""
    return strip_accents(text.lower())


# A word broken at the end of a line in a narrow cell: "Gemeen- schappelijke", "Verminde- ringen"
# ("Zuid- en Noord-Holland", "riool- en waterzorgheffing" keep their hyphen: a conjunction follows).
_BROKEN_WORD = re.compile(r"(\w)- (?!(?:en|of|tot)\b)(?=[a-z])")


def unbreak(text: str) -> str:
    """The text with words broken over two lines of a cell joined again ("Kans op voor- doen" ->
    "Kans op voordoen")."""
    return _BROKEN_WORD.sub(r"\1", text)


def unbroken_path(parts: tuple[str, ...]) -> tuple[str, ...]:
    """A header or label path with broken words joined, also where a reader put the two halves
    on two levels ("Verminde-" over "ringen 2024" -> "Verminderingen 2024")."""
    out: list[str] = []
    for part in parts:
        if out and out[-1].endswith("-") and part[:1].islower():
            out[-1] = out[-1][:-1] + part
        else:
            out.append(part)
    return tuple(unbreak(p) for p in out)
