"""Read tables of a PDF page from the positions of its words: ruled and unruled alike.

Budget tables made with Word or budgeting software print figures right-aligned in columns,
labels left of them, and a header of one to three rows above them (a group such as
"Rekening" centred over its "baten / lasten / saldo" columns). Grid lines are unreliable
(shaded cells without rules, rules only under totals), so the reading works on words:

1. `group_lines` puts words on lines; `phrases` joins the words of a line that belong together
   (a label, "x € 1.000"), never two figures.
2. Value columns are clusters of the figures' right edges over the body lines (`columns`).
3. Each body line becomes a row: label phrases left of the first column (a label that wraps
   over two lines is joined; a label line without figures followed by rows is their parent),
   figures in the column whose right edge they share.
4. Each column's header path comes from the lines above the body: per header line the phrase
   over the column, or the phrase centred over a run of columns that includes it (`header_paths`).

`read_table(words)` returns a `GridTable` or None when the words do not read as a table
(validation: at least two rows with figures, figures aligned in columns, no two figures of one
row in one column). Coordinates are PDF points, top-down (pdfplumber's `top`/`bottom`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from corpus.numbers import parse_dutch_number

# Words whose tops differ by less than this share a line (points; body text is 8-10 pt).
LINE_TOLERANCE = 2.5
# Words on a line closer than this belong to one phrase (a space is ~2-3 pt at 9 pt).
PHRASE_GAP = 4.0
# Right edges of figures in one column differ by less than this (right alignment).
COLUMN_TOLERANCE = 6.0
# Lines of one wrapped cell are closer than this (gap between bottom and next top).
WRAP_GAP = 3.0
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_YEAR_NOTE = re.compile(r"^\((?:19|20)\d\d(?:[-/]\d{2,4})?\)$")
_PLACEHOLDER = {"-", "–", "—", "n.v.t.", "nvt", "pm", "p.m.", "nihil", "x", "n.b."}
_TOTAL = re.compile(r"^(sub)?\s?totaa?l|^saldo\b|^generaal totaal|^eindtotaal|^geraamd(e)? resultaat|^netto\b|^total\b", re.I)


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float


@dataclass(frozen=True)
class Phrase:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    is_value: bool

    @property
    def center(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass(frozen=True)
class Line:
    top: float
    bottom: float
    phrases: tuple[Phrase, ...]

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


@dataclass(frozen=True)
class GridRow:
    label: tuple[str, ...]
    cells: tuple[str, ...]  # aligned with GridTable.columns; "" for an empty cell
    top: float
    bottom: float
    is_total: bool = False


@dataclass(frozen=True)
class GridTable:
    """A table read from word positions. columns: header path per value column."""

    columns: tuple[tuple[str, ...], ...]
    rows: tuple[GridRow, ...]
    header_lines: tuple[str, ...]  # header text left of the value columns ("Programma", unit lines)
    bbox: tuple[float, float, float, float]


def is_value_text(text: str) -> bool:
    t = text.strip()
    return parse_dutch_number(t) is not None and not _YEAR_NOTE.match(t)


def is_placeholder(text: str) -> bool:
    return text.strip().lower() in _PLACEHOLDER


def group_lines(words: Iterable[Word]) -> list[list[Word]]:
    """Words in reading order, grouped by line (similar `top`), each line sorted by x."""
    out: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.top, w.x0)):
        if out and abs(out[-1][0].top - w.top) <= LINE_TOLERANCE:
            out[-1].append(w)
        else:
            out.append([w])
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
            value_then_note = is_value_text(joined) and _YEAR_NOTE.match(w.text)
            value_then_scale = is_value_text(joined) and w.text.lower() in ("mln", "mln.", "miljoen", "miljard", "%")
            if gap < PHRASE_GAP and not both_values or sign_then_value or value_then_note or value_then_scale:
                if not (gap >= PHRASE_GAP * 3 and not (sign_then_value or value_then_note)):
                    prev.append(w)
                    continue
        out.append([w])
    result = []
    for group in out:
        text = " ".join(w.text for w in group)
        value_part = _YEAR_NOTE.sub("", text.rsplit(" (", 1)[0] if _YEAR_NOTE.search(text.split()[-1]) else text)
        result.append(Phrase(
            text=text,
            x0=min(w.x0 for w in group),
            x1=max(w.x1 for w in group),
            top=min(w.top for w in group),
            bottom=max(w.bottom for w in group),
            is_value=is_value_text(value_part),
        ))
    return result


def make_lines(words: Iterable[Word]) -> list[Line]:
    lines = []
    for group in group_lines(words):
        ph = phrases(group)
        lines.append(Line(min(p.top for p in ph), max(p.bottom for p in ph), tuple(ph)))
    return lines


def _is_header_line(line: Line) -> bool:
    """No figures other than years: a header line ("Rekening", "2022", "baten lasten saldo")."""
    return not any(p.is_value and not _YEAR.match(p.text) for p in line.phrases)


def columns(body: Sequence[Line], min_label_x: float = 0.0) -> list[Column]:
    """Value columns: clusters of the right edges of the body's figures and placeholders
    (right-aligned figures of one column share their right edge within COLUMN_TOLERANCE)."""
    edges: list[tuple[float, float]] = sorted(
        (p.x1, p.x0) for line in body for p in line.phrases
        if (p.is_value or is_placeholder(p.text)) and p.x0 >= min_label_x
    )
    clusters: list[list[tuple[float, float]]] = []
    for x1, x0 in edges:
        if clusters and x1 - clusters[-1][-1][0] <= COLUMN_TOLERANCE:
            clusters[-1].append((x1, x0))
        else:
            clusters.append([(x1, x0)])
    return [Column(min(x0 for _, x0 in c), max(x1 for x1, _ in c)) for c in clusters]


def _column_of(p: Phrase, cols: Sequence[Column]) -> int | None:
    best, best_d = None, None
    for i, c in enumerate(cols):
        d = abs(p.x1 - c.x1)
        if best_d is None or d < best_d:
            best, best_d = i, d
    if best is None or best_d is None or best_d > COLUMN_TOLERANCE * 2:
        # Not right-aligned with a column: take the column it overlaps most, if any.
        overlaps = [(min(p.x1, c.x1) - max(p.x0, c.x0), i) for i, c in enumerate(cols)]
        size, i = max(overlaps, default=(0.0, None))
        return i if size > 0 else None
    return best


def header_paths(header: Sequence[Line], cols: Sequence[Column], label_right: float) -> list[tuple[str, ...]]:
    """Header path of every column from the header lines (top first).

    In each line a phrase names the columns it overlaps; a phrase that overlaps some columns
    and is centred over a longer run of columns that have no phrase of their own in that line
    names the whole run (a group header such as "Rekening" over baten/lasten/saldo). Lines of
    one wrapped header cell (closer than WRAP_GAP) form one part of the path.
    """
    parts: list[list[str]] = [[] for _ in cols]
    prev_bottom: float | None = None
    last_part_line: list[int] = [-1] * len(cols)
    for li, line in enumerate(header):
        wrapped = prev_bottom is not None and line.top - prev_bottom < WRAP_GAP
        prev_bottom = line.bottom
        owned: dict[int, str] = {}
        items = [p for p in line.phrases if p.x1 > label_right]
        direct: dict[int, list[int]] = {}
        for pi, p in enumerate(items):
            direct[pi] = [i for i, c in enumerate(cols) if min(p.x1, c.x1 + 2) - max(p.x0, c.x0 - 2) > 0]
            if not direct[pi]:
                nearest = min(range(len(cols)), key=lambda i: abs(cols[i].center - p.center), default=None)
                if nearest is not None:
                    direct[pi] = [nearest]
        taken = {i for v in direct.values() for i in v}
        for pi, p in enumerate(items):
            run = sorted(direct[pi])
            if not run:
                continue
            lo, hi = run[0], run[-1]
            # Grow symmetrically while the run stays centred under the phrase.
            while lo - 1 >= 0 and hi + 1 < len(cols) and lo - 1 not in taken and hi + 1 not in taken:
                span_center = (cols[lo - 1].x0 + cols[hi + 1].x1) / 2
                width = cols[hi + 1].x1 - cols[lo - 1].x0
                if abs(span_center - p.center) > 0.15 * width:
                    break
                lo, hi = lo - 1, hi + 1
            for i in range(lo, hi + 1):
                owned[i] = (owned[i] + " " + p.text) if i in owned else p.text
        for i, text in owned.items():
            if wrapped and last_part_line[i] == li - 1 and parts[i]:
                parts[i][-1] = parts[i][-1] + " " + text
            else:
                parts[i].append(text)
            last_part_line[i] = li
    return [tuple(p) for p in parts]


def read_table(lines: Sequence[Line]) -> GridTable | None:
    """A table from the lines of one table region (see the module docstring), or None."""
    first_body = next((i for i, ln in enumerate(lines) if not _is_header_line(ln)), None)
    if first_body is None:
        return None
    header, body = list(lines[:first_body]), list(lines[first_body:])
    # Labels start at the left; the first column must lie right of the leftmost label text.
    left = min((p.x0 for ln in body for p in ln.phrases), default=0.0)
    value_lines = [ln for ln in body if any(p.is_value and p.x0 > left + 1 for p in ln.phrases)]
    if len(value_lines) < 2:
        return None
    cols = columns(value_lines, min_label_x=left + 1)
    if not cols:
        return None
    label_right = cols[0].x0 - 1
    rows: list[GridRow] = []
    pending: list[Line] = []  # label-only lines waiting for their figures or children
    parent: str | None = None
    collisions = 0
    for ln in body:
        labels = [p for p in ln.phrases if p.x1 <= label_right + 1 and not (p.is_value and p.x0 > left + 1)]
        values = [p for p in ln.phrases if p not in labels]
        if not any(p.is_value or is_placeholder(p.text) for p in values):
            if labels and rows and not rows[-1].label[-1:] == () and pending == [] and ln.top - rows[-1].bottom < WRAP_GAP \
                    and _wrapped_after_values(rows[-1]):
                # The tail of a label wrapped around vertically centred figures.
                last = rows[-1]
                rows[-1] = GridRow(last.label[:-1] + (last.label[-1] + " " + _text(labels),), last.cells, last.top, ln.bottom, last.is_total or bool(_TOTAL.match(last.label[-1] + " " + _text(labels))))
                continue
            if labels:
                pending.append(ln)
            continue
        cells = [""] * len(cols)
        for p in values:
            i = _column_of(p, cols)
            if i is None:
                continue
            if cells[i]:
                collisions += 1
                cells[i] = cells[i] + " " + p.text
            else:
                cells[i] = p.text
        label_text = _text(labels)
        lead = [pl for pl in pending]
        pending = []
        if lead and lead[-1].bottom + WRAP_GAP > ln.top and not label_text:
            # Figures centred beside a wrapped label: the label lines above are this row's.
            label_text = " ".join(_text([p for p in pl.phrases]) for pl in lead)
            lead = []
        elif lead and label_text and lead[-1].bottom + WRAP_GAP > ln.top:
            label_text = " ".join([_text(list(lead[-1].phrases)), label_text])
            lead = lead[:-1]
        if lead:
            parent = _text(list(lead[-1].phrases))
        if not label_text and parent is None and rows:
            label = ()
        else:
            label = (parent, label_text) if parent and label_text else ((label_text,) if label_text else ((parent,) if parent else ()))
        is_total = bool(label_text and _TOTAL.match(label_text))
        rows.append(GridRow(tuple(label), tuple(cells), ln.top, ln.bottom, is_total))
        if is_total:
            parent = None
    filled = sum(1 for r in rows for c in r.cells if c)
    if len(rows) < 2 or filled == 0 or collisions > 0.1 * filled:
        return None
    paths = header_paths(header, cols, label_right)
    header_left = tuple(_text([p for p in ln.phrases if p.x1 <= label_right + 1]) for ln in header)
    bbox = (
        min(p.x0 for ln in lines for p in ln.phrases),
        lines[0].top,
        max(p.x1 for ln in lines for p in ln.phrases),
        lines[-1].bottom,
    )
    return GridTable(tuple(paths), tuple(rows), tuple(h for h in header_left if h), bbox)


def _wrapped_after_values(row: GridRow) -> bool:
    return bool(row.label)


def _text(items: Sequence[Phrase]) -> str:
    return " ".join(p.text for p in items).strip()
