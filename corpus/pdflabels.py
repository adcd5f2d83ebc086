"""Row labels of ruled tables with several text columns, from their cells.

Indicator tables, risk registers and the EMU-saldo table print more than one text column left
of the figures: a number ("Progr.", "Nr."), the name, attributes such as "Eenheid" and "Bron",
or a hierarchy of merged cells ("Mutaties" › "Activa" › "Vlottende activa" › "Liquide
middelen"). Where rules frame the cells, a row's label is read from the cells its line passes
through (`ruled_row_label`):
- a cell that holds only a number or is empty is a numbering, not a label;
- the row's own name is the first other cell that holds this row alone; its lines are one
  wrapped label;
- cells left of it that span several rows (merged vertically) are its parents, outermost first;
- cells right of it are attributes of the row (unit, source, description), not its label.
"""

from __future__ import annotations

import re
from typing import Sequence

from corpus.pdfheader import Box
from corpus.pdfwords import Line

_NUMBERING = re.compile(r"\d+[a-z]?\.?|[ivx]+\.?", re.I)
# Cells narrower than this are the slivers between double rules, not text cells (points).
MIN_CELL_WIDTH = 6.0


def label_cells(ruled: Sequence[Box], body_top: float, label_right: float) -> list[Box]:
    """The ruled cells of the body that end left of the value columns' figures, when they form
    at least two text columns (else []: one label column is read from positions alone)."""
    cells = [
        c for c in ruled
        if c[1] >= body_top - 1 and c[2] <= label_right + 2 and c[2] - c[0] >= MIN_CELL_WIDTH
    ]
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
    return cells if len(columns) >= 2 else []


def _inside(box: Box, x: float, y: float) -> bool:
    return box[0] - 0.5 <= x <= box[2] + 0.5 and box[1] - 0.5 <= y <= box[3] + 0.5


def _cell_text(box: Box, lines: Sequence[Line]) -> str:
    words = [
        w.text for ln in lines for w in ln.words if _inside(box, (w.x0 + w.x1) / 2, (w.top + w.bottom) / 2)
    ]
    return " ".join(words).strip()


def ruled_row_label(
    line: Line, value_lines: Sequence[Line], lines: Sequence[Line], cells: Sequence[Box]
) -> tuple[str, ...] | None:
    """The label path of the row on `line` (a line with figures) from the ruled `cells` (see
    the module docstring); None when the cells do not give this row a name of its own.
    value_lines: the body lines with figures; lines: all body lines (for the cells' text)."""
    cy = (line.top + line.bottom) / 2
    through = sorted(
        (c for c in cells if c[1] - 0.5 <= cy <= c[3] + 0.5), key=lambda c: (c[0], c[2] - c[0])
    )
    # Nested finds of one cell (a shading box inside its rules): the first per left edge.
    distinct: list[Box] = []
    for c in through:
        if not distinct or c[0] >= distinct[-1][2] - 1:
            distinct.append(c)
    parents: list[str] = []
    for c in distinct:
        text = _cell_text(c, lines)
        if not text or _NUMBERING.fullmatch(text):
            continue
        rows = sum(1 for v in value_lines if c[1] - 0.5 <= (v.top + v.bottom) / 2 <= c[3] + 0.5)
        if rows <= 1:
            return (*parents, text)
        parents.append(text)
    return None


def within_row_cells(line: Line, value_lines: Sequence[Line], cells: Sequence[Box]) -> bool:
    """The line (without figures) lies in label cells of a row with figures: a wrapped line of
    that row's cells, read with them, not a heading or a label of its own."""
    cy = (line.top + line.bottom) / 2
    for c in cells:
        if c[1] - 0.5 <= cy <= c[3] + 0.5 and any(
            c[1] - 0.5 <= (v.top + v.bottom) / 2 <= c[3] + 0.5 for v in value_lines
        ):
            return True
    return False
