"""Words of a PDF page on lines and in phrases: the values `corpus.pdftables` reads tables from.

`group_lines` puts words on lines; `phrases` joins the words of a line that belong together
(a label, "x € 1.000"), never two figures. Coordinates are PDF points, top-down (pdfplumber's
`top`/`bottom`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from corpus.numbers import YEAR_NOTE, parse_dutch_number

LINE_TOLERANCE = 2.5
# Words on a line closer than this belong to one phrase (a space is ~2-3 pt at 9 pt).
PHRASE_GAP = 4.0
# Lines of one wrapped cell are closer than this (gap between bottom and next top).
_PLACEHOLDER = {"-", "–", "—", "n.v.t.", "nvt", "pm", "p.m.", "nihil", "x", "n.b."}


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    bold: bool = False


@dataclass(frozen=True)
class Phrase:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    is_value: bool
    bold: bool = False

    @property
    def center(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass(frozen=True)
class Line:
    top: float
    bottom: float
    phrases: tuple[Phrase, ...]
    words: tuple[Word, ...]

    @property
    def text(self) -> str:
        return " ".join(p.text for p in self.phrases)


@dataclass(frozen=True)
class Column:
    x0: float
    x1: float

    @property
    def center(self) -> float:
        return (self.x0 + self.x1) / 2



def is_value_text(text: str) -> bool:
    t = text.strip()
    return parse_dutch_number(t) is not None and not YEAR_NOTE.fullmatch(t)


def is_placeholder(text: str) -> bool:
    return text.strip().lower() in _PLACEHOLDER


def group_lines(words: Iterable[Word]) -> list[list[Word]]:
    """Words in reading order, grouped by line, each line sorted by x.

    A word joins the current line when its top is within LINE_TOLERANCE of the line's, or
    when it overlaps the line vertically by more than half its height (figures set in another
    font size sit a little higher or lower than the label they belong to)."""
    out: list[list[Word]] = []
    span: list[float] = []
    for w in sorted(words, key=lambda w: (w.top, w.x0)):
        if out:
            top, bottom = span
            overlap = min(bottom, w.bottom) - max(top, w.top)
            height = min(w.bottom - w.top, bottom - top) or 1.0
            if abs(out[-1][0].top - w.top) <= LINE_TOLERANCE or overlap > 0.5 * height:
                out[-1].append(w)
                span[:] = [min(top, w.top), max(bottom, w.bottom)]
                continue
        out.append([w])
        span = [w.top, w.bottom]
    return [sorted(line, key=lambda w: w.x0) for line in out]


def phrases(words: Sequence[Word]) -> list[Phrase]:
    """Join neighbouring words of one line into phrases; a figure is always a phrase of its
    own (two figures side by side are two cells), but a currency sign or a year note such as
    "(2021)" stays with its figure."""
    out: list[list[Word]] = []
    for w in words:
        if out:
            prev = out[-1]
            gap = w.x0 - prev[-1].x1
            joined = " ".join(x.text for x in prev)
            both_values = is_value_text(joined) and is_value_text(w.text)
            sign_then_value = joined in ("€", "-€", "- €") and is_value_text(w.text)
            value_then_note = is_value_text(joined) and YEAR_NOTE.fullmatch(w.text)
            value_then_scale = is_value_text(joined) and w.text.lower() in ("mln", "mln.", "miljoen", "miljard", "%")
            # Neighbours join unless both are figures; a sign or a year note always joins its
            # figure, a scale word ("mln", "%") within three gaps.
            if (
                sign_then_value or value_then_note
                or (gap < PHRASE_GAP and not both_values)
                or (value_then_scale and gap < PHRASE_GAP * 3)
            ):
                prev.append(w)
                continue
        out.append([w])
    result = []
    for group in out:
        # A figure's year note ("6,1% (2021)": the year the figure was measured) stays in its
        # cell: the fact takes it as its year (`corpus.facts.table_facts`).
        text = " ".join(w.text for w in group)
        result.append(Phrase(
            text=text,
            x0=min(w.x0 for w in group),
            x1=max(w.x1 for w in group),
            top=min(w.top for w in group),
            bottom=max(w.bottom for w in group),
            is_value=is_value_text(text),
            bold=all(w.bold for w in group),
        ))
    return result


def make_lines(words: Iterable[Word]) -> list[Line]:
    lines = []
    for group in group_lines(words):
        ph = phrases(group)
        lines.append(Line(min(p.top for p in ph), max(p.bottom for p in ph), tuple(ph), tuple(group)))
    return lines

