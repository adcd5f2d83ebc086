"""Small text normalisations shared by every stage that compares words."""

from __future__ import annotations

import unicodedata


def strip_accents(text: str) -> str:
    """Accents removed, case kept: "Súdwest-Fryslân" -> "Sudwest-Fryslan"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Lower-case with accents removed, for comparing words: "Financiële" -> "financiele"."""
    return strip_accents(text.lower())
