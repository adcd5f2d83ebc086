"""Header paths of a table's value columns from the header lines above its body.

Budget tables print a header of one to three rows: a group such as "Rekening" centred over its
"baten / lasten / saldo" columns, wrapped header cells, years. `header_paths` gives every value
column its path, top first.

In a ruled table the rules say which columns a header cell spans (a merged cell over three
columns, a cell whose centred text reaches left of its figures): words inside a ruled cell
(`Box`, from pdfplumber's table finder) name every column whose figures lie under that cell.
Words outside any ruled cell are placed by their positions alone.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from corpus.pdfwords import Column, Line, Phrase, Word

# Lines of one wrapped cell are closer than this (gap between bottom and next top).
WRAP_GAP = 3.0
# A ruled cell: (x0, top, x1, bottom) in points, top-down.
Box = tuple[float, float, float, float]


def _header_column(w, cols: Sequence[Column]) -> int:
    """The column a header word stands over. Figures and their headers are right-aligned in
    budget tables, and a header is often wider than the figures below it: the word belongs
    to the column whose right edge is nearest to its own. A word that lies wholly inside one
    column's extent belongs to that column."""
    for i, c in enumerate(cols):
        if c.x0 - 1 <= w.x0 and w.x1 <= c.x1 + 1:
            return i
    return min(range(len(cols)), key=lambda i: abs(cols[i].x1 - w.x1))


def header_paths(
    header: Sequence[Line], cols: Sequence[Column], label_right: float, cells: Sequence[Box] = ()
) -> list[tuple[str, ...]]:
    """Header path of every column from the header lines (top first); `cells`: the ruled
    header cells, if any (see the module docstring)."""
    boxed, used = _cell_parts(header, cols, cells, label_right)
    free_lines = [replace(ln, words=tuple(w for w in ln.words if id(w) not in used)) for ln in header]
    free = _position_parts(free_lines, cols, label_right)
    return [tuple(text for _, text in sorted(b + f, key=lambda part: part[0])) for b, f in zip(boxed, free)]


def spread_groups(centers: dict[int, float], cols: Sequence[Column]) -> dict[int, int]:
    """Columns without a header of their own on a header line that a group header of that
    line spans: {column: group's column}. `centers`: the centre of the text over each column
    that has one. A group ("Rekening" over baten / lasten / saldo) spans the widest run of
    neighbouring columns without a header of their own over which it is centred (within 15 %
    of the run's width), each of them nearer to it than to any other group."""

    def nearest_group(j: int) -> int:
        return min(centers, key=lambda g: abs(centers[g] - cols[j].center))

    out: dict[int, int] = {}
    for i, center in centers.items():
        lo = hi = i
        left = i
        while left - 1 >= 0 and left - 1 not in centers and nearest_group(left - 1) == i:
            left -= 1
        right = i
        while right + 1 < len(cols) and right + 1 not in centers and nearest_group(right + 1) == i:
            right += 1
        for a in range(left, i + 1):
            for b in range(i, right + 1):
                width = cols[b].x1 - cols[a].x0
                if b - a > hi - lo and abs((cols[a].x0 + cols[b].x1) / 2 - center) <= 0.15 * width:
                    lo, hi = a, b
        for j in range(lo, hi + 1):
            if j != i:
                out[j] = i
    return out


def cell_of(w: Word, cells: Sequence[Box]) -> Box | None:
    """The smallest ruled cell that holds the word's centre."""
    cx, cy = (w.x0 + w.x1) / 2, (w.top + w.bottom) / 2
    inside = [c for c in cells if c[0] - 0.5 <= cx <= c[2] + 0.5 and c[1] - 0.5 <= cy <= c[3] + 0.5]
    return min(inside, key=lambda c: (c[2] - c[0]) * (c[3] - c[1]), default=None)


def _cell_parts(
    header: Sequence[Line], cols: Sequence[Column], cells: Sequence[Box], label_right: float
) -> tuple[list[list[tuple[int, str]]], set[int]]:
    """Path parts (first line index, text) per column from words inside ruled cells, and the
    ids of the words used. A cell's lines are one part; a cell names the columns whose centre
    lies inside it. A cell holding words of one line far apart (two headers under one rule,
    as when a band has no vertical rules) is left to the positional reading. A cell over the
    label column and every value column is the table's title band, not a column's header."""
    parts: list[list[tuple[int, str]]] = [[] for _ in cols]
    used: set[int] = set()
    texts: dict[Box, list[str]] = {}
    first_line: dict[Box, int] = {}
    lines_of: dict[Box, list[int]] = {}
    centre_of: dict[Box, float] = {}
    for li, line in enumerate(header):
        in_cell: dict[Box, list[Word]] = {}
        for w in line.words:
            box = cell_of(w, cells)
            if box is not None:
                in_cell.setdefault(box, []).append(w)
        for box, words in in_cell.items():
            height = max(w.bottom - w.top for w in words)
            if any(b.x0 - a.x1 > 2 * height for a, b in zip(words, words[1:])):
                continue  # far apart: separate texts under one rule
            used.update(id(w) for w in words)
            texts.setdefault(box, []).append(" ".join(w.text for w in words))
            first_line.setdefault(box, li)
            lines_of.setdefault(box, []).append(li)
            centre_of[box] = (min(w.x0 for w in words) + max(w.x1 for w in words)) / 2
    spans = {box: [i for i, c in enumerate(cols) if box[0] <= c.center <= box[2]] for box in texts}
    for box in [b for b in texts if b[0] < label_right and len(spans[b]) == len(cols)]:
        del texts[box]
    # A wrapped cell drawn as one box per line (shading per line) is one part: a box right
    # below one of the same width whose first line follows closer than WRAP_GAP.
    previous: dict[int, Box] = {}
    for box in sorted(texts, key=lambda b: first_line[b]):
        text = " ".join(texts[box])
        for i in spans[box]:
            above = previous.get(i)
            li = first_line[box]
            if (
                above is not None and abs(above[0] - box[0]) <= 1 and abs(above[2] - box[2]) <= 1
                and lines_of[above][-1] == li - 1 and header[li].top - header[li - 1].bottom < WRAP_GAP
            ):
                parts[i][-1] = (parts[i][-1][0], parts[i][-1][1] + " " + text)
            else:
                parts[i].append((li, text))
            previous[i] = box
    # Word tables often centre a group header in the middle one of its unmerged cells: on a
    # line of several one-line cells, a cell's text spreads to its empty neighbours as a
    # group header placed by position does (`spread_groups`), but never out of the cell
    # above it, and not from the first halves of hyphenated words ("Stijgings-").
    spread_to: list[frozenset[Box]] = [frozenset()] * len(cols)
    for li in sorted(set(first_line.values())):
        on_line = [b for b in texts if li in lines_of[b]]
        single = [b for b in on_line if len(spans[b]) == 1 and lines_of[b] == [li]]
        if len(single) < 2 or all(texts[b][0].endswith("-") for b in single):
            continue
        above = [
            frozenset(b for b in texts if first_line[b] < li and j in spans[b]) | spread_to[j] for j in range(len(cols))
        ]
        centers = {spans[b][0]: centre_of[b] for b in single}
        taken = {i for b in on_line for i in spans[b]}
        blocked = {i: cols[i].center for i in taken - set(centers)}
        by_column = {spans[b][0]: b for b in single}
        for j, i in spread_groups({**centers, **blocked}, cols).items():
            if i in by_column and j not in taken and above[j] == above[i]:
                parts[j].append((li, texts[by_column[i]][0]))
                spread_to[j] = spread_to[j] | {by_column[i]}
    return parts, used


def _position_parts(header: Sequence[Line], cols: Sequence[Column], label_right: float) -> list[list[tuple[int, str]]]:
    """Path parts (line index, text) per column from word positions alone.

    Each word right of the labels belongs to the column whose zone holds its centre. A line
    that names some columns but not their neighbours holds group headers ("Rekening" centred
    over baten / lasten / saldo): a group spreads to the empty neighbours on both sides while
    it stays centred over them. A line that is the first half of a wrapped header cell (the
    next line is closer than WRAP_GAP and continues the same columns) is not a group line,
    and its text joins the next line's in one part of the path.
    """
    parts: list[list[tuple[int, str]]] = [[] for _ in cols]
    groups_per_line: list[dict[int, list[Phrase]]] = []
    for line in header:
        groups: dict[int, list[Phrase]] = {}
        for w in line.words:
            if w.x1 <= label_right + 1:
                continue
            groups.setdefault(_header_column(w, cols), []).append(w)
        groups_per_line.append(groups)
    last_line_of: list[int] = [-1] * len(cols)
    for li, (line, groups) in enumerate(zip(header, groups_per_line)):
        nxt = header[li + 1] if li + 1 < len(header) else None
        wraps_on = nxt is not None and nxt.top - line.bottom < WRAP_GAP and all(
            i in groups_per_line[li + 1] for i in groups
        )
        # A line whose every cell ends in a hyphen ("Stijgings-") is the first half of
        # hyphenated header cells, however far below the rest follows.
        hyphenated = bool(groups) and all(ws[-1].text.endswith("-") for ws in groups.values())
        wraps_on = wraps_on or hyphenated
        joined_prev = li > 0 and line.top - header[li - 1].bottom < WRAP_GAP
        owned: dict[int, str] = {}
        for i, words in groups.items():
            owned[i] = " ".join(w.text for w in words)
        if len(groups) >= 2 and not wraps_on:
            centers = {i: (min(w.x0 for w in ws) + max(w.x1 for w in ws)) / 2 for i, ws in groups.items()}
            for j, i in spread_groups(centers, cols).items():
                owned.setdefault(j, owned[i])
        for i, text in owned.items():
            after_hyphen = bool(parts[i]) and parts[i][-1][1].endswith("-") and last_line_of[i] == li - 1
            if (joined_prev or after_hyphen) and last_line_of[i] == li - 1 and parts[i]:
                parts[i][-1] = (parts[i][-1][0], parts[i][-1][1] + " " + text)
            else:
                parts[i].append((li, text))
            last_line_of[i] = li
    return parts

