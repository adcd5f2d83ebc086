"""Read tables of a PDF page from the positions of its words: ruled and unruled alike.

Budget tables made with Word or budgeting software print figures right-aligned in columns,
labels left of them, and a header of one to three rows above them (a group such as
"Rekening" centred over its "baten / lasten / saldo" columns). Grid lines are unreliable
(shaded cells without rules, rules only under totals), so the reading works on words:

1. `corpus.pdfwords`: `group_lines` puts words on lines; `phrases` joins the words of a line that belong together
   (a label, "x € 1.000"), never two figures.
2. Value columns are the figures of the body lines whose extents overlap (`columns`).
3. Each body line becomes a row: label phrases left of the first column (a label that wraps
   over two lines is joined; a label line without figures followed by rows is their parent),
   figures in the column they overlap.
4. Each column's header path comes from the lines above the body: per header line the phrase
   over the column, or the phrase centred over a run of columns that includes it
   (`corpus.pdfheader.header_paths`).

`read_table(words)` returns a `GridTable` or None when the words do not read as a table
(validation: at least two rows with figures, figures aligned in columns, no two figures of one
row in one column). Coordinates are PDF points, top-down (pdfplumber's `top`/`bottom`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Sequence

from corpus.numbers import is_year_like
from corpus.pdfheader import WRAP_GAP, Box, cell_of, header_paths
from corpus.pdflabels import label_grid, row_unit, ruled_row_label, unit_column, within_row_cells
from corpus.pdfwords import Column, Line, Phrase, Word, is_placeholder, make_lines
from corpus.tables import parse_unit

# What callers read tables with: words in, lines, a table out.
__all__ = ["GridRow", "GridTable", "Line", "Word", "make_lines", "read_table"]

_TOTAL = re.compile(r"^(sub)?\s?totaa?l|^saldo\b|^generaal totaal|^eindtotaal|^geraamd(e)? resultaat|^netto\b|^total\b", re.I)


@dataclass(frozen=True)
class GridRow:
    label: tuple[str, ...]
    cells: tuple[str, ...]  # aligned with GridTable.columns; "" for an empty cell
    top: float
    bottom: float
    is_total: bool = False
    unit: str = ""  # the row's unit as its unit column prints it ("Duizend euro"), else ""
    # Its description: text beside or below its figures that is no label and no cell (a
    # "Toelichting" column), as (x0, top, text) phrases (`corpus.pdf.note_paragraphs`).
    notes: tuple[tuple[float, float, str], ...] = ()


@dataclass(frozen=True)
class GridTable:
    """A table read from word positions. columns: header path per value column."""

    columns: tuple[tuple[str, ...], ...]
    rows: tuple[GridRow, ...]
    header_lines: tuple[str, ...]  # header text left of the value columns ("Programma", unit lines)
    bbox: tuple[float, float, float, float]
    # Prose of the table that describes no row (above its first row, or beside a label line
    # of its own), as (x0, top, text) phrases; what describes a row is in `GridRow.notes`.
    # The reader keeps it as text after the table.
    notes: tuple[tuple[float, float, str], ...] = ()


def _is_header_line(line: Line, under_header: bool = False) -> bool:
    """No figures other than years: a header line ("Rekening", "2022", "baten lasten saldo").
    Under another header line, the numbers 1, 2, 3 … of the columns in order are no figures
    either ("Kwartaal" over "1 2 3 4"); a table's first line of 1, 2, 3 is a row of counts."""
    figures = [p.text for p in line.phrases if p.is_value and not is_year_like(p.text)]
    numbering = under_header and len(figures) >= 2 and figures == [str(n) for n in range(1, len(figures) + 1)]
    return not figures or numbering


# Right edges of right-aligned figures in one column differ by less than this (points).
RIGHT_EDGE_TOLERANCE = 6.0


def columns(body: Sequence[Line], min_label_x: float = 0.0, by: str = "right") -> list[Column]:
    """Value columns from the figures (and placeholders) of the body lines.

    by="right": figures whose right edges lie within RIGHT_EDGE_TOLERANCE form a column (the
    right alignment of budget tables; robust when a wide total bleeds into its neighbour).
    by="overlap": figures whose horizontal extents overlap form a column (left-aligned or
    centred figures). `read_table` tries both and keeps the better reading."""
    spans = sorted(
        (p.x0, p.x1) for line in body for p in line.phrases
        if (p.is_value or is_placeholder(p.text)) and p.x0 >= min_label_x
    )
    merged: list[list[float]] = []
    if by == "right":
        for x0, x1 in sorted(spans, key=lambda s: s[1]):
            if merged and x1 - merged[-1][2] <= RIGHT_EDGE_TOLERANCE:
                merged[-1][0] = min(merged[-1][0], x0)
                merged[-1][1] = max(merged[-1][1], x1)
                merged[-1][2] = x1
            else:
                merged.append([x0, x1, x1])
        return [Column(x0, x1) for x0, x1, _ in merged]
    for x0, x1 in spans:
        if merged and x0 < merged[-1][1] - 0.5:
            merged[-1][1] = max(merged[-1][1], x1)
        else:
            merged.append([x0, x1])
    return [Column(x0, x1) for x0, x1 in merged]


def ruled_row(ruled: Sequence[Box], line: "Line | GridRow") -> tuple[float, float] | None:
    """(top, bottom) of the ruled row whose cells hold the middle of a line (or of a row's line
    of figures), None without rules there."""
    centre = (line.top + line.bottom) / 2
    around = [c for c in ruled if c[1] <= centre <= c[3]]
    if not around:
        return None
    return round(max(c[1] for c in around), 1), round(min(c[3] for c in around), 1)


def _column_of(p: Phrase, cols: Sequence[Column], by: str = "overlap") -> int | None:
    """The column of a body phrase: by="right", the one whose right edge is nearest (within
    twice RIGHT_EDGE_TOLERANCE); otherwise, or failing that, the one it overlaps most."""
    if by == "right" and cols:
        i = min(range(len(cols)), key=lambda j: abs(cols[j].x1 - p.x1))
        if abs(cols[i].x1 - p.x1) <= 2 * RIGHT_EDGE_TOLERANCE:
            return i
    overlaps = [(min(p.x1, c.x1) - max(p.x0, c.x0), i) for i, c in enumerate(cols)]
    size, i = max(overlaps, default=(0.0, None))
    return i if size > 0 else None  # text beside the columns is not a cell


def read_table(lines: Sequence[Line], cells: Sequence[Box] = ()) -> GridTable | None:
    """A table from the lines of one table region (see the module docstring), or None.
    cells: the region's ruled cells (pdfplumber), which place header words where given.

    Columns are found by right edges and, when that reading fails validation, by overlap
    (`columns`): right alignment is the convention of budget tables."""
    for by in ("right", "overlap"):
        reading = _read_table(lines, by, cells)
        if reading is not None:
            return reading[0]
    return None


def _read_table(lines: Sequence[Line], by: str, ruled: Sequence[Box] = ()) -> tuple[GridTable, int] | None:
    """One reading of a table with columns found `by` "right" or "overlap"; (table, collisions)."""
    first_body = next((i for i, ln in enumerate(lines) if not _is_header_line(ln, under_header=i > 0)), None)
    if first_body is None:
        return None
    # Lines in the ruled row of the first line of figures are that row's, not the header's:
    # a row whose figures stand in the middle of its cells, beside a description wrapped
    # over several lines, starts above its figures.
    centre = (lines[first_body].top + lines[first_body].bottom) / 2
    row_top = min((c[1] for c in ruled if c[1] <= centre <= c[3]), default=None)
    while row_top is not None and first_body > 1 and lines[first_body - 1].top >= row_top - 0.5:
        first_body -= 1
    header, body = list(lines[:first_body]), list(lines[first_body:])
    # Labels start at the left; the first column must lie right of the leftmost label text.
    left = min((p.x0 for ln in body for p in ln.phrases), default=0.0)
    value_lines = [ln for ln in body if any(p.is_value and p.x0 > left + 1 for p in ln.phrases)]
    if len(value_lines) < (1 if ruled else 2):  # one ruled row may do: see min_rows below
        return None
    cols = columns(value_lines, min_label_x=left + 1, by=by)
    if not cols:
        return None
    if by == "right" and any(
        min(a.x1, b.x1) - max(a.x0, b.x0) > 0.5 * min(a.x1 - a.x0, b.x1 - b.x0) for a, b in zip(cols, cols[1:])
    ):
        return None  # columns that lie on top of each other: the figures are not right-aligned
    label_right = cols[0].x0 - 1
    # Label-only lines below the last line with text over the value columns are the body's
    # headings ("ACTIVA", "Materiële vaste activa" above the first row with figures), not
    # column headers; a unit line ("bedragen x € 1.000") and the later lines of a wrapped
    # header cell (in the same ruled cell, or starting in lower case) stay in the header.
    over = [i for i, ln in enumerate(header) if any(p.x1 > label_right + 1 for p in ln.phrases)]
    while (
        over and len(header) - 1 > over[-1] and not parse_unit(header[-1].text)[0]
        and not header[-1].text[:1].islower() and not _continues_cell(header[-1], header[-2], ruled)
    ):
        body.insert(0, header.pop())
    # Label-only lines at the foot of the header are the first row's label when close above
    # it, or when that row's label starts in lower case (it continues them).
    def first_label() -> str:
        return _text([p for p in body[0].phrases if p.x1 <= label_right + 1])

    while header and all(p.x1 <= label_right + 1 for p in header[-1].phrases) and (
        body[0].top - header[-1].bottom < WRAP_GAP
        or (first_label()[:1].islower() and not all(p.bold for p in header[-1].phrases))
    ):
        body.insert(0, header.pop())
    label_limit = _first_label_column_right(body, label_right)
    # The body's cells start below the last header line over the value columns (a row's
    # cells may start above its line of figures: "Aantal per 1.000" over "10 (2022)").
    columns_header = [ln for ln in header if any(p.x1 > label_right + 1 for p in ln.phrases)]
    ruled_labels = label_grid(
        ruled, columns_header[-1].bottom if columns_header else lines[0].top, label_right, value_lines, body
    )
    unit_k = unit_column(ruled_labels, header) if ruled_labels else None
    rows: list[GridRow] = []
    pending: list[Line] = []  # label-only lines waiting for their figures or children
    parent: str | None = None
    parent_bold = False
    # When the body repeats the header as a band per group, the header's own label line is
    # the first group's name (per-taakveld overviews: "Programma: P1 …" above its rows).
    def column_text(ln: Line) -> str:
        return " ".join(p.text for p in ln.phrases if p.x1 > label_right + 1).casefold()

    header_texts = {column_text(ln) for ln in header} - {""}
    has_bands = any(
        column_text(ln) in header_texts and any(p.x1 <= label_right + 1 for p in ln.phrases) for ln in body
    )
    header_labels = [_text([p for p in ln.phrases if p.x1 <= label_right + 1]) for ln in header]
    header_labels = [h for h in header_labels if h]
    if has_bands and header_labels:
        parent = header_labels[0]
    collisions = 0
    notes: list[tuple[float, float, str]] = []
    ahead: list[tuple[float, float, str]] = []  # prose of the ruled row of the next line of figures
    for li, ln in enumerate(body):
        in_label = [p for p in ln.phrases if p.x1 <= label_right + 1 and not (p.is_value and p.x0 > left + 1)]
        labels = [p for p in in_label if p.x0 < label_limit]
        values = [p for p in ln.phrases if p not in in_label]
        # A second text column (a description beside the label) is no label, and no cell.
        described = tuple((p.x0, p.top, p.text) for p in in_label if p not in labels)
        if not any(p.is_value or is_placeholder(p.text) for p in values):
            if not labels:
                # Prose between rows goes on describing the row above it; above the first
                # row it belongs to the table. Where rules draw the rows, the row whose ruled
                # cells hold it: in a row whose figures stand in the middle of its cells, the
                # description starts above them.
                prose = described + tuple((p.x0, p.top, p.text) for p in values)
                here = ruled_row(ruled, ln)
                if here is not None and not (rows and ruled_row(ruled, rows[-1]) == here):
                    ahead.extend(prose)
                elif rows and not pending:
                    rows[-1] = replace(rows[-1], notes=rows[-1].notes + prose)
                else:
                    notes.extend(prose)
                continue
            # A wrapped line of a row's cells or label: its text over the value columns (the
            # description's next line) describes that row too. (A heading's, or a header
            # band's, does not: "Baten Lasten Saldo" over a group.)
            wrapped = described + tuple((p.x0, p.top, p.text) for p in values if not is_placeholder(p.text))
            if ruled_labels and within_row_cells(ln, ruled_labels):
                if rows and not pending and ln.top > rows[-1].top:
                    rows[-1] = replace(rows[-1], notes=rows[-1].notes + wrapped)
                else:
                    notes.extend(described)
                continue
            nxt = body[li + 1] if li + 1 < len(body) else None
            gap_before = ln.top - rows[-1].bottom if rows else None
            gap_after = nxt.top - ln.bottom if nxt is not None else None
            # A label line between two rows wraps the closer one.
            heads_next = gap_after is not None and gap_after < WRAP_GAP and any(
                p.is_value for p in nxt.phrases
            ) and (gap_before is None or gap_after < gap_before)
            # Dutch row labels start with a capital or a digit: a label line that starts in
            # lower case continues the label above ("Wegen en" / "kunstwerken").
            continues = _text(labels)[:1].islower()
            if rows and not pending and rows[-1].label and not heads_next and (
                continues or (gap_before is not None and gap_before < WRAP_GAP)
            ):
                # The tail of a label that wrapped below its row's figures.
                last = rows[-1]
                label = last.label[:-1] + (last.label[-1] + " " + _text(labels),)
                rows[-1] = GridRow(label, last.cells, last.top, ln.bottom, last.is_total, last.unit, last.notes + wrapped)
                continue
            notes.extend(described)
            pending.append(ln)
            continue
        cells = [""] * len(cols)
        for p in values:
            i = _column_of(p, cols, by)
            if i is None:
                if not p.is_value and not is_placeholder(p.text):
                    # Text beside the figures in no column of figures: the first line of
                    # the row's description ("Specificatie werkzaamheden"), whose later
                    # lines are prose below the row.
                    described += ((p.x0, p.top, p.text),)
                continue
            if cells[i]:
                collisions += 1
                cells[i] = cells[i] + " " + p.text
            else:
                cells[i] = p.text
        label_text = _text(labels)
        row_bold = bool(labels) and all(p.bold for p in labels)
        lead, pending = pending, []
        # Label lines right above (closer than WRAP_GAP) are this row's wrapped label.
        # One wrapped cell is set in one style: a bold heading right above a plain label is
        # the heading of its group, not the label's first line.
        tight: list[Line] = []
        style = row_bold if labels else None
        while lead and (tight[0] if tight else ln).top - lead[-1].bottom < WRAP_GAP:
            if style is not None and _is_bold_label(lead[-1], label_right) != style:
                break
            style = _is_bold_label(lead[-1], label_right)
            tight.insert(0, lead.pop())
        # A row label that starts in lower case continues the plain label line above it
        # ("% inwoners met" / "schuldenproblematiek"), however the rows are spaced.
        if lead and not tight and label_text[:1].islower() and not all(p.bold for p in lead[-1].phrases):
            tight.insert(0, lead.pop())
        if tight:
            head = " ".join(_text([p for p in t.phrases if p.x0 < label_limit]) for t in tight)
            label_text = f"{head} {label_text}".strip()
        if lead:
            # A repeated header band inside the body ("Programma: P2 …" over "Baten Lasten
            # Saldo") names its group in its first line; otherwise the nearest heading does.
            band = [pl for pl in lead if any(p.x1 > label_right + 1 for p in pl.phrases)]
            heading = band[0] if band else lead[-1]
            parent = _text([p for p in heading.phrases if p.x0 < label_limit and p.x1 <= label_right + 1])
            parent_bold = all(p.bold for p in lead[-1].phrases)
            if row_bold and not parent_bold and not band:
                parent = None  # a bold row under a plain label line is not its child
        elif parent is not None and row_bold and (parent_bold or not has_bands):
            # A bold row of its own after the rows of a group ends the group: emphasis marks
            # a total or a heading of its own, never a member.
            parent = None
        if label_text and parent:
            label: tuple[str, ...] = (parent, label_text)
        elif label_text:
            label = (label_text,)
        else:
            label = (parent,) if parent else ()
        from_cells = ruled_row_label(ln, ruled_labels) if ruled_labels else None
        if from_cells:
            label, label_text = from_cells, from_cells[-1]
        is_total = bool(label_text and _TOTAL.match(label_text))
        unit = row_unit(ln, ruled_labels, unit_k) if ruled_labels and unit_k is not None else ""
        rows.append(GridRow(label, tuple(cells), ln.top, ln.bottom, is_total, unit, tuple(ahead) + described))
        ahead = []
        if is_total:
            parent = None
    notes.extend(ahead)
    # Header cells end above the body; a cell reaching into it is a frame, not a header cell.
    header_cells = [c for c in ruled if c[3] <= lines[first_body].top + 1]
    paths = header_paths(header, cols, label_right, header_cells)
    filled = sum(1 for r in rows for c in r.cells if c)
    # One row of figures is a table when rules frame it and every column has a header (a
    # comparison of one tariff across municipalities); unruled, it is a sentence with amounts.
    min_rows = 1 if header_cells and all(paths) else 2
    if len(rows) < min_rows or filled == 0 or collisions > 0.1 * filled:
        return None
    header_left = tuple(_text([p for p in ln.phrases if p.x1 <= label_right + 1]) for ln in header)
    bbox = (
        min(p.x0 for ln in lines for p in ln.phrases),
        lines[0].top,
        max(p.x1 for ln in lines for p in ln.phrases),
        lines[-1].bottom,
    )
    return GridTable(tuple(paths), tuple(rows), tuple(h for h in header_left if h), bbox, tuple(notes)), collisions


def _is_bold_label(line: Line, label_right: float) -> bool:
    """The line's label text (left of the value columns) is all bold."""
    labels = [p for p in line.phrases if p.x1 <= label_right + 1]
    return bool(labels) and all(p.bold for p in labels)


def _continues_cell(line: Line, above: Line, ruled: Sequence[Box]) -> bool:
    """The line continues a cell of the line above: its words share a ruled cell with that
    line's, or (without rules) it follows closer than WRAP_GAP."""
    if not ruled:
        return line.top - above.bottom < WRAP_GAP
    cells_of = lambda ln: {cell_of(w, ruled) for w in ln.words} - {None}  # noqa: E731
    return bool(cells_of(line) & cells_of(above))


def _first_label_column_right(body: Sequence[Line], label_right: float) -> float:
    """Where the first label column ends. Tables such as a risk register print several text
    columns left of the figures (risk, description, measures); the row label is the first.
    Text columns are found as clusters of phrase starts with a gap of at least 30 pt; a
    later text column of short phrases (a sub-label such as "Lasten") stays part of the label."""
    starts = sorted({round(p.x0) for ln in body for p in ln.phrases if p.x1 <= label_right + 1})
    if not starts:
        return label_right
    clusters = [[starts[0]]]
    for x in starts[1:]:
        if x - clusters[-1][-1] >= 30:
            clusters.append([x])
        else:
            clusters[-1].append(x)
    for cluster in clusters[1:]:
        texts = [p.text for ln in body for p in ln.phrases if round(p.x0) in cluster and p.x1 <= label_right + 1]
        if texts and sum(len(t.split()) for t in texts) / len(texts) > 3:
            return cluster[0] - 1
    return label_right + 1


def _text(items: Sequence[Phrase]) -> str:
    return " ".join(p.text for p in items).strip()
