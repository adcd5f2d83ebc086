"""Repairs of what OCR typically gets wrong in Dutch text, as pure functions over strings.

Tesseract loses the narrow space after a short capitalised word at the start of a line or
sentence and prints an article glued to its noun: "Derapportagegrens betreft …" for "De
rapportagegrens betreft …". The glued form is no word; the noun is, and a letter about the
rapportagegrens prints it elsewhere. `unglue_articles` separates the article again when the
document itself shows that the rest is a word and the glued form is not one: a word the
document prints in lower case somewhere ("degelijk", "deregulering" inside a sentence) is a
word, whatever it looks like at the start of a sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# The Dutch articles: always followed by a word of their own, so "De" + word is two words.
# Other short words ("In", "Op") start real words too often ("Inkomen", "Opbrengst").
_GLUED = re.compile(r"(?<![A-Za-z\u00c0-\u00ff])(De|Het|Een)([a-z\u00df-\u00ff]{6,})(?![A-Za-z\u00c0-\u00ff])")

# A word printed in lower case: inside a sentence, where OCR glues nothing to it.
_LOWER_WORD = re.compile(r"(?<![A-Za-z\u00c0-\u00ff])[a-z\u00df-\u00ff][A-Za-z\u00c0-\u00ff]*")


def known_words(texts: Iterable[str]) -> set[str]:
    """The words the texts print in lower case (the vocabulary `unglue_articles` trusts)."""
    return {w.lower() for text in texts for w in _LOWER_WORD.findall(text)}


def unglue_articles(text: str, known: set[str]) -> str:
    """`text` with "De|Het|Een" glued to a following word separated again, where that word
    (lower case, at least six letters) is in `known` and the glued form is not. Pure."""

    def split(m: re.Match[str]) -> str:
        glued, rest = m.group(0), m.group(2)
        if glued.lower() in known or rest not in known:
            return glued
        return f"{m.group(1)} {rest}"

    return _GLUED.sub(split, text)


__all__ = ["known_words", "unglue_articles"]
