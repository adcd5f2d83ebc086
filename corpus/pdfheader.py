"""Header paths of a table's value columns from the header lines above its body.

Budget tables print a header of one to three rows: a group such as "Rekening" centred over its
"baten / lasten / saldo" columns, wrapped header cells, years. `header_paths` gives every value
column its path, top first.
"""

from __future__ import annotations

from typing import Sequence

from corpus.pdfwords import Column, Line, Phrase

# Lines of one wrapped cell are closer than this (gap between bottom and next top).
WRAP_GAP = 3.0


def _header_column(w, cols: Sequence[Column]) -> int:
    """The column a header word stands over. Figures and their headers are right-aligned in
    budget tables, and a header is often wider than the figures below it: the word belongs
    to the column whose right edge is nearest to its own. A word that lies wholly inside one
    column's extent belongs to that column."""
    for i, c in enumerate(cols):
        if c.x0 - 1 <= w.x0 and w.x1 <= c.x1 + 1:
            return i
    return min(range(len(cols)), key=lambda i: abs(cols[i].x1 - w.x1))


def header_paths(header: Sequence[Line], cols: Sequence[Column], label_right: float) -> list[tuple[str, ...]]:
    """Header path of every column from the header lines (top first).

    Each word right of the labels belongs to the column whose zone holds its centre. A line
    that names some columns but not their neighbours holds group headers ("Rekening" centred
    over baten / lasten / saldo): a group spreads to the empty neighbours on both sides while
    it stays centred over them. A line that is the first half of a wrapped header cell (the
    next line is closer than WRAP_GAP and continues the same columns) is not a group line,
    and its text joins the next line's in one part of the path.
    """
    parts: list[list[str]] = [[] for _ in cols]
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

            def nearest_group(j: int) -> int:
                return min(centers, key=lambda g: abs(centers[g] - cols[j].center))

            for i, words in groups.items():
                center = centers[i]
                lo = hi = i
                # The widest run of columns without a header of their own in this line over
                # which the group is centred (two, three … columns under one group).
                left = i
                while left - 1 >= 0 and left - 1 not in groups and nearest_group(left - 1) == i:
                    left -= 1
                right = i
                while right + 1 < len(cols) and right + 1 not in groups and nearest_group(right + 1) == i:
                    right += 1
                for a in range(left, i + 1):
                    for b in range(i, right + 1):
                        width = cols[b].x1 - cols[a].x0
                        if b - a > hi - lo and abs((cols[a].x0 + cols[b].x1) / 2 - center) <= 0.15 * width:
                            lo, hi = a, b
                for j in range(lo, hi + 1):
                    owned.setdefault(j, owned[i])
        for i, text in owned.items():
            after_hyphen = bool(parts[i]) and parts[i][-1].endswith("-") and last_line_of[i] == li - 1
            if (joined_prev or after_hyphen) and last_line_of[i] == li - 1 and parts[i]:
                parts[i][-1] = parts[i][-1] + " " + text
            else:
                parts[i].append(text)
            last_line_of[i] = li
    return [tuple(p) for p in parts]

