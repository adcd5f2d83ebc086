"""Row labels of ruled tables with several text columns, from their cells.

Indicator tables, risk registers and the EMU-saldo table print more than one text column left
of the figures: a number ("Progr.", "Nr."), the name, attributes such as "Eenheid" and "Bron",
or a hierarchy ("Mutaties" › "Activa" › "Vlottende activa" › "Liquide middelen") in which a
group's name is printed once, in a cell merged over its rows or on its first row only. Where
rules frame the cells, a row's label is read from the cells its line passes through
(`ruled_row_label`), left to right:
- a cell that holds only a number is a numbering, not a label;
- a cell merged over several rows, and a cell in a sparse column (one left empty on some rows
  while the columns right of it are filled: the first-row-only group names), is a parent; an
  empty cell of a sparse column carries the name above it in that column down;
- the first other cell is the row's own name (with the lines of its cell, and of a split cell
  right below it that holds no row of its own); cells right of it are attributes of the row
  (unit, source, description), not its label.
A cell over several rows with one text line on each of them is several unruled cells, read per
row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from corpus.pdfheader import Box
from corpus.pdfwords import Line

_NUMBERING = re.compile(r"\d+[a-z]?\.?|[ivx]+\.?", re.I)
# Cells narrower than this are the slivers between double rules, not text cells (points).
MIN_CELL_WIDTH = 6.0


@dataclass(frozen=True)
class LabelGrid:
    """The ruled label cells of a table body and what is known of them."""

    cells: tuple[Box, ...]
    columns: tuple[tuple[float, float], ...]  # x-ranges of the text columns, left to right
    value_lines: tuple[Line, ...]  # body lines with figures: one per row
    lines: tuple[Line, ...]  # all body lines (the cells' text)
    sparse: frozenset[int]  # columns left empty on some rows where a column right of them is filled


def label_grid(ruled: Sequence[Box], body_top: float, label_right: float,
               value_lines: Sequence[Line], lines: Sequence[Line]) -> LabelGrid | None:
    """The label grid of the ruled cells of a body that end left of the value columns'
    figures, when they form at least two text columns (else None: one label column is read
    from positions alone)."""
    cells = tuple(
        c for c in ruled
        if c[1] >= body_top - 1 and c[2] <= label_right + 2 and c[2] - c[0] >= MIN_CELL_WIDTH
    )
    # Text columns: the x-ranges of the narrowest cells; a cell over others (a frame, a row
    # merged across the label columns) is no column of its own.
    spans = {(round(c[0]), round(c[2])) for c in cells}
    narrow = [
        (a, b) for a, b in spans
        if not any((x0, x1) != (a, b) and a - 1 <= x0 and x1 <= b + 1 for x0, x1 in spans)
    ]
    columns: list[list[float]] = []
    for x0, x1 in sorted(narrow):
        if columns and x0 < columns[-1][1] - 1:
            columns[-1][1] = max(columns[-1][1], x1)
        else:
            columns.append([x0, x1])
    if len(columns) < 2:
        return None
    grid = LabelGrid(cells, tuple((a, b) for a, b in columns), tuple(value_lines), tuple(lines), frozenset())
    filled = [[bool(_text_on_row(grid, k, v)) for k in range(len(columns))] for v in value_lines]
    sparse = frozenset(
        k for k in range(len(columns))
        if any(not row[k] and any(row[k + 1:]) for row in filled) and any(row[k] for row in filled)
    )
    return LabelGrid(cells, grid.columns, grid.value_lines, grid.lines, sparse)


def _centre(line: Line) -> float:
    return (line.top + line.bottom) / 2


def _covers(box: Box, y: float) -> bool:
    return box[1] - 0.5 <= y <= box[3] + 0.5


def _words_in(box: Box, lines: Sequence[Line]) -> list:
    return [
        w for ln in lines for w in ln.words
        if box[0] - 0.5 <= (w.x0 + w.x1) / 2 <= box[2] + 0.5 and _covers(box, (w.top + w.bottom) / 2)
    ]


def _column_of(grid: LabelGrid, box: Box) -> int | None:
    """The text column a cell lies in; None for a cell over several columns."""
    inside = [k for k, (a, b) in enumerate(grid.columns) if box[0] - 1 <= a and b <= box[2] + 1]
    if len(inside) == 1:
        return inside[0]
    if not inside:
        return next((k for k, (a, b) in enumerate(grid.columns) if a - 1 <= box[0] and box[2] <= b + 1), None)
    return None


def _rows_of(grid: LabelGrid, box: Box) -> list[Line]:
    return [v for v in grid.value_lines if _covers(box, _centre(v))]


def _unruled_rows(grid: LabelGrid, box: Box) -> bool:
    """A cell over several rows with words on each of their lines: unruled cells under one rule."""
    rows = _rows_of(grid, box)
    words = _words_in(box, grid.lines)
    return len(rows) >= 2 and all(
        any(v.top - 1 <= (w.top + w.bottom) / 2 <= v.bottom + 1 for w in words) for v in rows
    )


def _cell_text(grid: LabelGrid, box: Box, row: Line) -> str:
    """The text of a cell for one row: all its words, or, for unruled cells under one rule,
    the words nearest the row's line."""
    words = _words_in(box, grid.lines)
    if _unruled_rows(grid, box):
        rows = _rows_of(grid, box)
        words = [w for w in words if min(rows, key=lambda v: abs(_centre(v) - (w.top + w.bottom) / 2)) is row]
    return " ".join(w.text for w in words).strip()


def _text_on_row(grid: LabelGrid, k: int, row: Line) -> str:
    cells = [c for c in grid.cells if _covers(c, _centre(row)) and _column_of(grid, c) == k]
    return " ".join(t for t in (_cell_text(grid, c, row) for c in cells) if t)


def _per_row(grid: LabelGrid, box: Box) -> bool:
    """The cell holds one row's text: it spans one row, or is unruled cells under one rule."""
    return len(_rows_of(grid, box)) <= 1 or _unruled_rows(grid, box)


def _carried(grid: LabelGrid, box: Box, k: int) -> str:
    """The name above an empty cell in its column: the nearest cell above it in the column
    with text, unless a cell over several columns lies between (another block)."""
    above = sorted((c for c in grid.cells if c[3] <= box[1] + 1 and c[0] < box[2] - 1 and c[2] > box[0] + 1),
                   key=lambda c: -c[3])
    for c in above:
        if _column_of(grid, c) != k:
            return ""
        text = " ".join(w.text for w in _words_in(c, grid.lines)).strip()
        if text:
            return text
    return ""


def _continued(grid: LabelGrid, box: Box, text: str) -> str:
    """A name cell split by a rule: the cells right below it in its column that hold no row."""
    bottom = box[3]
    while True:
        below = [c for c in grid.cells if abs(c[1] - bottom) <= 1 and abs(c[0] - box[0]) <= 1 and abs(c[2] - box[2]) <= 1]
        if not below or _rows_of(grid, below[0]):
            return text
        more = " ".join(w.text for w in _words_in(below[0], grid.lines)).strip()
        if not more:
            return text
        text, bottom = f"{text} {more}", below[0][3]


def ruled_row_label(line: Line, grid: LabelGrid) -> tuple[str, ...] | None:
    """The label path of the row on `line` (a line with figures) from the grid's cells (see
    the module docstring); None when the cells give this row no name of its own."""
    through = sorted((c for c in grid.cells if _covers(c, _centre(line))), key=lambda c: (c[0], c[2] - c[0]))
    # Nested finds of one cell (a shading box inside its rules): the first per left edge.
    distinct: list[Box] = []
    for c in through:
        if not distinct or c[0] >= distinct[-1][2] - 1:
            distinct.append(c)
    parents: list[str] = []
    for c in distinct:
        k = _column_of(grid, c)
        text = _cell_text(grid, c, line)
        if not text and k in grid.sparse:
            text = _carried(grid, c, k)
            if text:
                parents.append(text)
            continue
        if not text or _NUMBERING.fullmatch(text):
            continue
        if not _per_row(grid, c) or k in grid.sparse:
            parents.append(text)
            continue
        return (*parents, _continued(grid, c, text))
    return None


def within_row_cells(line: Line, grid: LabelGrid) -> bool:
    """The line (without figures) lies in label cells of a row with figures: a wrapped line of
    that row's cells, read with them, not a heading or a label of its own."""
    cy = _centre(line)
    return any(_covers(c, cy) and _rows_of(grid, c) for c in grid.cells)
