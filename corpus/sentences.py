"""Sentence boundaries with offsets: the unit an answer quotes and the index embeds."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Sentence boundaries: end punctuation followed by whitespace and an upper-case letter,
# digit or quote, or a line break. Common Dutch abbreviations ("o.a.", "bijv.", "ca.", "jl.")
# end in a period followed by a lower-case word and are therefore not split.
_NEXT_SENTENCE = r"[A-ZÀ-Ý0-9\"'‘“(•-]"
# A single line break ends a sentence, except where a PDF wrapped its prose line mid-sentence:
# the next line goes on in lower case ("Hiervoor is een jaarlijks\nbedrag van € 80.000"), or
# with an amount after a line that stopped on a word ("zal dit afnemen tot\n€ 12,5 miljoen").
# An empty line always ends one.
LINE_END = r"\n\s*\n|(?<![a-zà-öø-ÿ])\n(?![a-zà-öø-ÿ])|\n(?![a-zà-öø-ÿ€])"
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=" + _NEXT_SENTENCE + r")|(?:" + LINE_END + r")\n*")
# The punctuation that ends a sentence by the same rule, for finding the sentence around one
# offset (corpus.facts): "ca. € 1.500.000" does not end at "ca.".
SENTENCE_END_MARK = re.compile(r"[.!?](?=\s+" + _NEXT_SENTENCE + r"|\s*$)")


@dataclass(frozen=True)
class Sentence:
    """A sentence of a passage; start/end are offsets in the document text."""

    text: str
    start: int
    end: int


def split_sentences(text: str, base: int = 0) -> list[Sentence]:
    """Split `text` (which starts at document offset `base`) into stripped sentences."""
    out: list[Sentence] = []
    pos = 0
    for m in list(_SENTENCE_END.finditer(text)) + [None]:
        end = m.start() if m else len(text)
        piece = text[pos:end]
        stripped = piece.strip(" \t|")
        if stripped:
            lead = piece.index(stripped)
            s = pos + lead
            # A wrapped line reads as one line (same length, so the offsets hold).
            out.append(Sentence(stripped.replace("\n", " "), base + s, base + s + len(stripped)))
        if m:
            pos = m.end()
    return out
