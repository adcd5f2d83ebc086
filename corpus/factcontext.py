"""Where a fact stands in a document's text, as the facts of sentences (corpus.facts) and of
numbers of things (corpus.countfacts) both read it: the sentence around a number
(`sentence_bounds`), the words before it (`subject_phrase`), the line of cells it stands on
(`row_name`, `row_line`); and `UNIT_UNKNOWN`, the unit of a fact that prints none.
"""

from __future__ import annotations

import re

from corpus.sentences import LINE_END, SENTENCE_END_MARK

UNIT_UNKNOWN = "eenheid niet vermeld"
PARAGRAPH_CHARS = 600

# A line break ends a sentence unless a PDF wrapped the line (corpus.sentences.LINE_END); so
# does a table cell.
_SENT_END_RE = re.compile(SENTENCE_END_MARK.pattern + "|" + LINE_END + r"|\|")
_WORD_RE = re.compile(r"[^\W\d_][\w'’\-]*|\d[\d.,]*", re.UNICODE)


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets of the sentence around text[start:end]; a line (unless the next one goes on in
    lower case: a wrapped line) or a table cell bounds it too."""
    left = 0
    for m in _SENT_END_RE.finditer(text, max(0, start - 2000)):
        if m.start() >= start:  # (not endpos=start: "$" would match there)
            break
        left = m.end()
    m = _SENT_END_RE.search(text, end)
    right = m.end() if m and m.group(0).strip(" \t\n|") else (m.start() if m else len(text))
    while left < right and text[left].isspace():
        left += 1
    return left, right


def subject_phrase(sentence: str, offset: int, max_words: int = 8) -> str:
    """The words before position `offset` in the sentence (at most max_words), else after it."""
    before = _WORD_RE.findall(sentence[:offset])
    if len(before) >= 2:
        return " ".join(before[-max_words:])
    after = _WORD_RE.findall(sentence[offset:])[1 : 1 + max_words]
    return " ".join(before + after)


# A row's name is a short first cell (the partij of a table of descriptions).
MAX_ROW_NAME = 120


def row_name(text: str, offset: int) -> str:
    """The first cell of the line of cells ("name | cell | cell", a ruled row read as text)
    that holds `offset` beyond its first cell: what the row is about ("Veiligheidsregio
    Haaglanden (VRH)" for its "Eigen vermogen …: € 1.787.000"). "" on other lines."""
    start = text.rfind("\n", 0, offset) + 1
    cut = text.find(" | ", start, offset)
    name = text[start:cut].strip() if cut != -1 else ""
    return name if len(name) <= MAX_ROW_NAME else ""


def row_line(text: str, offset: int, limit: int = 2 * PARAGRAPH_CHARS) -> str:
    """The whole line of cells that holds `offset` (at most `limit` characters): what a row of
    a table of descriptions says about its subject in its other cells."""
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return text[start : end if end != -1 else len(text)][:limit]
