"""Find tables in document text: pipe tables and tables flattened to one cell per line.

Input is the document text all offsets refer to; output is `corpus.models.Table` values whose
every row and non-empty cell carries exact (start, end) offsets (text[start:end] == cell).

Pipe tables are what web exports and our PDF/DOCX loaders produce (`a | b | c |` per row). One
run of pipe lines may hold several tables: a short single-cell line ("Exploitatie | |||||",
"(bedragen x€1.000) | |||||") followed by a multi-cell line starts a new one. Long single-cell
lines are explanation text that belongs to the row above (kept as a "Toelichting" cell).

Column alignment: a row is label cells followed by value cells (numbers or placeholders such as
"-" or "n.v.t."). Headers may name only the value columns, one label column, or all label
columns; the header's label part is however many header cells exceed the value columns.
Rows that leave out a group label (history tables where only the first row names the programme)
inherit it from the row above.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

from corpus.models import Table, TableRow, stable_id
from corpus.numbers import is_year_like, parse_dutch_number, split_footnote

NOTE_COLUMN = "Toelichting"

_SEPARATOR_RE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*(:?-{2,}:?)?\s*)*\|?\s*$")
_PLACEHOLDERS = {"-", "–", "—", "n.v.t.", "nvt", "n.v.t", "pm", "p.m.", "nihil", "x"}
_TOTAL_RE = re.compile(r"^(sub)?totaa?l|^saldo\b|^generaal totaal|^eindtotaal|^total\b", re.I)
# Units as printed in captions and unit lines; order matters (millions before thousands).
_UNIT_PATTERNS: tuple[tuple[re.Pattern[str], int | None], ...] = (
    (re.compile(r"(?:bedragen\s*)?(?:x|×)\s*(?:€|eur(?:o)?)\s*1\s*(?:mln|miljoen)\.?", re.I), 1_000_000),
    (re.compile(r"(?:bedragen\s*)?(?:x|×)\s*(?:€|eur(?:o)?)\s*1\.?000\.?000", re.I), 1_000_000),
    (re.compile(r"(?:bedragen\s*)?(?:x|×)\s*(?:€|eur(?:o)?)\s*1\.?000\b", re.I), 1_000),
    (re.compile(r"(?:bedragen\s*)?(?:x|×)\s*1\.?000\.?000\s*(?:€|euro)", re.I), 1_000_000),
    (re.compile(r"(?:bedragen\s*)?(?:x|×)\s*1\.?000\s*(?:€|euro)", re.I), 1_000),
    (re.compile(r"(?:€|euro)\s*(?:x|×)\s*1\.?000\.?000", re.I), 1_000_000),
    (re.compile(r"(?:€|euro)\s*(?:x|×)\s*1\.?000\b", re.I), 1_000),
    (re.compile(r"(?:bedragen\s+)?in\s+miljoenen(?:\s+euro's?)?", re.I), 1_000_000),
    (re.compile(r"(?:bedragen\s+)?in\s+duizenden(?:\s+euro's?)?", re.I), 1_000),
    (re.compile(r"(?:bedragen\s+)?in\s+(?:hele\s+)?(?:euro's|euro|€)", re.I), 1),
    # A unit stated on its own, as a unit column or a unit line prints it ("Duizend euro",
    # "Miljoen euro", "Euro", "%"). Anchored to the whole text: inside a sentence or caption
    # "meer dan 50 duizend euro" is an amount, not a unit. A percentage is a unit but no
    # amount of euros: multiplier None.
    (re.compile(r"^\(?\s*(?:bedragen\s+)?(?:in\s+|x\s*)?miljoen(?:en)?\s+(?:euro(?:['’]s)?|€)\s*\)?$", re.I), 1_000_000),
    (re.compile(r"^\(?\s*(?:bedragen\s+)?(?:in\s+|x\s*)?duizend(?:en)?\s+(?:euro(?:['’]s)?|€)\s*\)?$", re.I), 1_000),
    (re.compile(r"^\(?\s*(?:bedragen\s+)?(?:in\s+)?(?:euro(?:['’]s)?|€)\s*\)?$", re.I), 1),
    (re.compile(r"^\(?\s*(?:in\s+)?(?:%|procent(?:en)?)\s*\)?$", re.I), None),
)
# What a unit column of an indicator table prints: a money unit, a percentage of a group
# ("% van alle jongeren tot 18 jaar"), or a count or measure per unit of population — the
# forms of the BBV's mandatory beleidsindicatoren (Regeling beleidsindicatoren, published on
# waarstaatjegemeente.nl: "Aantal per 1.000 inwoners", "Fte per 1.000 inwoners", "Kosten per
# inwoner", "Kg/inwoner"). Only the money units and "%" carry a unit a figure is read in.
_UNIT_PHRASE_RE = re.compile(
    r"^(?:%|(?:aantal|fte|kosten|kg|ton|km|uren|dagen|euro(?:'s)?|€)\b.*?(?:\bper\b|/|%))", re.I
)


def parse_unit(text: str) -> tuple[str | None, int | None]:
    """Unit stated in a caption, unit line or unit cell: ("bedragen x€1.000", 1000),
    ("%", None) for a percentage, or (None, None) when the text states no unit."""
    for pattern, multiplier in _UNIT_PATTERNS:
        m = pattern.search(text.strip())
        if m:
            return m.group(0).strip(), multiplier
    return None, None


def money_unit(sources: Iterable[str | None]) -> tuple[str | None, int | None]:
    """The first amount unit (one with a multiplier) any of the sources states — a table's
    unit from its caption, unit line and headers; a "%" column does not make it a table of
    percentages. (None, None) when none does."""
    for source in sources:
        unit_text, multiplier = parse_unit(source or "")
        if multiplier is not None:
            return unit_text, multiplier
    return None, None


def is_unit_phrase(text: str) -> bool:
    """A cell that states a unit ("Duizend euro", "%", "Aantal per 1.000 inwoners"), as a
    unit column of an indicator table holds: see _UNIT_PHRASE_RE."""
    t = " ".join(text.split())
    return bool(t) and (parse_unit(t)[0] is not None or bool(_UNIT_PHRASE_RE.match(t)))


def strip_unit(caption: str) -> str:
    """Caption without its unit: "Exploitatie (bedragen x €1.000)" -> "Exploitatie"."""
    unit, _ = parse_unit(caption)
    if not unit:
        return caption.strip()
    out = caption.replace(unit, "")
    out = re.sub(r"\(\s*\)", "", out)
    return out.strip(" \t:-–(),")


def is_value_cell(cell: str) -> bool:
    """A cell that holds a figure (or a placeholder for one) rather than a label."""
    c = cell.strip()
    return bool(c) and (parse_dutch_number(c) is not None or c.lower() in _PLACEHOLDERS)


@dataclass(frozen=True)
class _Cell:
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class _Line:
    text: str
    start: int
    end: int
    cells: tuple[_Cell, ...] = ()  # pipe lines only, trailing empty cells dropped

    @property
    def filled(self) -> list[_Cell]:
        return [c for c in self.cells if c.text]


def _lines(text: str) -> list[_Line]:
    out = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        out.append(_Line(body, pos, pos + len(body)))
        pos += len(raw)
    return out


def _split_pipe(line: _Line, markdown: bool = False) -> _Line:
    cells: list[_Cell] = []
    pos = line.start
    for part in line.text.split("|"):
        stripped = part.strip()
        lead = len(part) - len(part.lstrip())
        s = pos + lead
        cells.append(_Cell(stripped, s if stripped else -1, s + len(stripped) if stripped else -1))
        pos += len(part) + 1
    if markdown and cells and not cells[0].text:
        cells = cells[1:]  # "| a | b |" markdown style: the empty cell before the first pipe
    while cells and not cells[-1].text:
        cells.pop()
    return _Line(line.text, line.start, line.end, tuple(cells))


def _is_caption_line(line: _Line) -> bool:
    filled = line.filled
    if len(filled) != 1 or len(line.cells) > 1 and line.cells[0].text == "":
        return False
    t = filled[0].text
    return len(t) <= 100 and not t.endswith((".", ":")) and not is_value_cell(t)


def _is_header_like(line: _Line) -> bool:
    """A row without figures (years count as headers, not figures)."""
    filled = line.filled
    return len(filled) >= 2 and all(not is_value_cell(c.text) or is_year_like(c.text) for c in filled)


def find_tables(
    doc_id: str, text: str, section_of: Callable[[int], Sequence[str]] | None = None
) -> list[Table]:
    """All tables in `text`, in document order. section_of(offset) gives the heading path."""
    lines = _lines(text)
    tables: list[Table] = []
    i = 0
    used: set[int] = set()
    while i < len(lines):
        if "|" not in lines[i].text:
            i += 1
            continue
        j = i
        run: list[tuple[int, _Line]] = []
        while j < len(lines) and ("|" in lines[j].text or not lines[j].text.strip()):
            if lines[j].text.strip():
                run.append((j, lines[j]))
            j += 1
        # Markdown tables open every line with "|"; elsewhere a leading "|" is an empty cell.
        markdown = all(l.text.lstrip().startswith("|") for _, l in run)
        for seg in _segments([(k, _split_pipe(l, markdown)) for k, l in run]):
            table = _pipe_table(doc_id, text, lines, seg, section_of)
            if table is not None:
                tables.append(table)
                used.update(k for k, _ in seg)
        i = j
    tables.extend(_flattened_tables(doc_id, text, lines, used, section_of))
    tables.sort(key=lambda t: t.start)
    return tables


def _segments(run: list[tuple[int, _Line]]) -> list[list[tuple[int, _Line]]]:
    """Split a run of pipe lines into tables at caption groups and at separator-led headers."""
    segments: list[list[tuple[int, _Line]]] = []
    current: list[tuple[int, _Line]] = []
    k = 0
    while k < len(run):
        idx, line = run[k]
        if _is_caption_line(line):
            # A group of short single-cell lines right before a multi-cell line opens a table.
            g = k
            while g < len(run) and _is_caption_line(run[g][1]):
                g += 1
            if g < len(run) and len(run[g][1].filled) >= 2 and g - k <= 3:
                if current:
                    segments.append(current)
                current = list(run[k:g])
                k = g
                continue
        current.append((idx, line))
        k += 1
    if current:
        segments.append(current)
    return segments


def _pipe_table(doc_id, text, lines, seg, section_of) -> Table | None:
    captions = [l for _, l in seg if _is_caption_line(l) and l is seg[0][1]]
    # leading caption group
    lead: list[_Line] = []
    body: list[_Line] = []
    for _, line in seg:
        if not body and _is_caption_line(line):
            lead.append(line)
        elif not _SEPARATOR_RE.match(line.text):
            body.append(line)
    del captions
    multi = [l for l in body if len(l.filled) >= 2]
    if len(multi) < 2:
        return None  # a stray "|" or a one-line fragment is no table
    # Header rows: leading figure-free rows, but only the first when no row holds figures.
    header: list[_Line] = []
    rest = list(body)
    has_figures = any(not _is_header_like(l) and len(l.filled) >= 2 for l in body)
    while rest and _is_header_like(rest[0]) and (has_figures or not header):
        header.append(rest.pop(0))
        if not has_figures:
            break
    # Caption: the caption group inside the run, else the nearest short line above the table.
    first_idx = seg[0][0]
    above = _lines_above(lines, first_idx)
    caption_texts = [l.filled[0].text for l in lead]
    unit_text, multiplier = money_unit(caption_texts + [l.text.strip() for l in (header[:1] or [])] + above)
    caption = ""
    for candidate in caption_texts + ([] if caption_texts else above):
        stripped = strip_unit(candidate)
        if stripped:
            caption = stripped
            break
    start = (lead[0] if lead else body[0]).start
    rows, columns = _pipe_rows(text, header, rest)
    end = body[-1].end
    footnotes, end = _footnotes_after(lines, text, end)
    header_span = (header[0].start, header[-1].end) if header else (start, start)
    return _make_table(
        doc_id, start, end, caption, section_of,
        columns=columns, rows=tuple(rows), header_span=header_span,
        unit_text=unit_text, multiplier=multiplier, footnotes=footnotes,
    )  # fmt: skip


def _make_table(
    doc_id: str, start: int, end: int, caption: str, section_of: Callable[[int], Sequence[str]] | None, **fields
) -> Table:
    """A Table with its deterministic id and section; without a caption of its own a table is
    named after the heading it stands under."""
    section = tuple(section_of(start)) if section_of is not None else ()
    if not caption and section:
        caption = section[-1]
    return Table(id=stable_id(doc_id, start), doc_id=doc_id, caption=caption, section=section, start=start, end=end, **fields)


def _lines_above(lines: list[_Line], idx: int, limit: int = 2) -> list[str]:
    """Up to `limit` short non-pipe lines directly above line idx (blank lines skipped)."""
    out: list[str] = []
    k = idx - 1
    while k >= 0 and len(out) < limit:
        t = lines[k].text.strip()
        if not t:
            k -= 1
            continue
        if "|" in t or len(t) > 150:
            break
        out.append(t)
        k -= 1
    return out


def _footnotes_after(lines: list[_Line], text: str, end: int) -> tuple[tuple[tuple[str, str], ...], int]:
    """Footnote lines ("* De verwachte ...") right after a table: ((marker, text), ...), new end."""
    notes: list[tuple[str, str]] = []
    for line in lines:
        if line.start < end:
            continue
        t = line.text.strip()
        if not t:
            continue
        m = re.match(r"^(\*+|[¹²³⁴⁵⁶⁷⁸⁹])\s+(.+)$", t)
        if not m:
            break
        notes.append((m.group(1), m.group(2)))
        end = line.end
    return tuple(notes), end


def _split_row(line: _Line) -> tuple[list[_Cell], list[_Cell]]:
    """(label cells, value cells) of a pipe row; interior empty cells kept as values."""
    cells = list(line.cells)
    k = 0
    while k < len(cells) and not is_value_cell(cells[k].text) and cells[k].text:
        k += 1
    if k == 0 and cells and not cells[0].text:
        k = 1  # "| 12 | 13" or " | 12": an empty label cell, i.e. no label
    return cells[:k], cells[k:]


def _pipe_rows(text: str, header: list[_Line], rest: list[_Line]) -> tuple[list[TableRow], tuple[str, ...]]:
    parsed = []
    for line in rest:
        labels, values = _split_row(line)
        parsed.append((line, labels, values))
    n_values = max((len(v) for _, _, v in parsed if v), default=0)
    depth = max((len([c for c in lab if c.text]) for _, lab, v in parsed if v), default=1)
    # Header: joined per position over multi-row headers.
    header_cells: list[str] = []
    for h in header:
        for pos, c in enumerate(h.cells):
            while len(header_cells) <= pos:
                header_cells.append("")
            if c.text:
                header_cells[pos] = (header_cells[pos] + " " + c.text).strip()
    while header_cells and not header_cells[-1]:
        header_cells.pop()
    if n_values == 0:
        # A text table: first cell is the label, the others are aligned with the header.
        columns = header_cells[1:] if header_cells else []
        width = max([len(columns)] + [len(l.cells) - 1 for l, _, _ in parsed])
        columns = columns + [f"kolom {k + 1}" for k in range(len(columns), width)]
        label_header_count = 1
    else:
        label_header_count = max(0, min(depth, len(header_cells) - n_values))
        columns = header_cells[label_header_count:]
        columns = columns + [f"kolom {k + 1}" for k in range(len(columns), n_values)]
    # Rows as (line, label, cells, spans, is_total, notes); notes are explanation lines below.
    built: list[tuple[_Line, tuple[str, ...], list[str], list[tuple[int, int]], bool, list[_Cell]]] = []
    parent: tuple[str, ...] = ()
    for line, labels, values in parsed:
        if len(line.filled) <= 1 and built and not any(is_value_cell(c.text) for c in line.filled):
            built[-1][5].extend(line.filled)  # explanation text belonging to the row above
            continue
        if n_values == 0:
            labels, values = list(line.cells[:1]), list(line.cells[1:])
        label = tuple(c.text for c in labels if c.text)
        is_total = (not label and bool(values)) or bool(label and _TOTAL_RE.match(label[0]))
        if label and len(label) < depth and not is_total and parent and n_values:
            label = parent[: depth - len(label)] + label
        elif len(label) == depth and depth > 1:
            parent = label
        cells = [c.text for c in values] + [""] * (len(columns) - len(values))
        spans = [(c.start, c.end) for c in values] + [(-1, -1)] * (len(columns) - len(values))
        built.append((line, label, cells, spans, is_total, []))
    has_notes = any(b[5] for b in built)
    if has_notes:
        columns = list(columns) + [NOTE_COLUMN]
    rows: list[TableRow] = []
    for line, label, cells, spans, is_total, notes in built:
        end = line.end
        if has_notes:
            if notes:
                # Several explanation lines: the cell is the whole slice from the first to the last.
                cells = cells + [text[notes[0].start : notes[-1].end]]
                spans = spans + [(notes[0].start, notes[-1].end)]
                end = max(end, notes[-1].end)
            else:
                cells, spans = cells + [""], spans + [(-1, -1)]
        rows.append(TableRow(label, tuple(cells), line.start, end, tuple(spans), is_total))
    return rows, tuple(columns)


# --- tables flattened to one cell per line ------------------------------------------------


def _flattened_tables(doc_id, text, lines, used, section_of) -> list[Table]:
    """Tables exported as one cell per line: N header lines, then (label + N figures) rows,
    an optional unlabeled total row of N figures, and optional footnote lines."""
    nb = [
        (k, l)
        for k, l in enumerate(lines)
        if l.text.strip() and "|" not in l.text and k not in used
    ]

    def stripped(pos: int) -> _Cell:
        line = nb[pos][1]
        lead = len(line.text) - len(line.text.lstrip())
        t = line.text.strip()
        return _Cell(t, line.start + lead, line.start + lead + len(t))

    def numeric(pos: int) -> bool:
        return pos < len(nb) and is_value_cell(nb[pos][1].text)

    def label_like(pos: int) -> bool:
        return pos < len(nb) and not numeric(pos) and len(nb[pos][1].text.strip()) <= 120

    tables: list[Table] = []
    p = 0
    while p < len(nb):
        if not label_like(p) or not numeric(p + 1):
            p += 1
            continue
        n = 0
        while numeric(p + 1 + n):
            n += 1
        # The column headers are the n short lines right above the first label.
        if n < 2 or p - n < 0 or not all(
            label_like(q) and len(nb[q][1].text.strip()) <= 80 for q in range(p - n, p)
        ):
            p += 1 + n
            continue
        groups: list[tuple[_Cell | None, list[_Cell]]] = []
        q = p
        while label_like(q) and all(numeric(q + 1 + k) for k in range(n)):
            groups.append((stripped(q), [stripped(q + 1 + k) for k in range(n)]))
            q += 1 + n
            if numeric(q) and all(numeric(q + k) for k in range(n)) and not numeric(q + n):
                groups.append((None, [stripped(q + k) for k in range(n)]))
                q += n
                break
        if sum(1 for g in groups if g[0] is not None) < 2 and len(groups) < 2:
            p += 1
            continue
        header_pos = list(range(p - n, p))
        columns = tuple(stripped(h).text for h in header_pos)
        first = p - n
        caption = ""
        label_header_pos = first - 1
        if label_header_pos >= 0 and label_like(label_header_pos) and len(nb[label_header_pos][1].text.strip()) <= 40:
            first = label_header_pos
            if label_header_pos - 1 >= 0 and label_like(label_header_pos - 1):
                caption = stripped(label_header_pos - 1).text
        start = nb[first][1].start
        header_span = (nb[first][1].start, nb[p - 1][1].end)
        rows = []
        for label_cell, values in groups:
            label = (label_cell.text,) if label_cell else ()
            row_start = label_cell.start if label_cell else values[0].start
            rows.append(
                TableRow(
                    label=label,
                    cells=tuple(v.text for v in values),
                    start=row_start,
                    end=values[-1].end,
                    cell_spans=tuple((v.start, v.end) for v in values),
                    is_total=label_cell is None or bool(_TOTAL_RE.match(label[0])),
                )
            )
        end = rows[-1].end
        footnotes, end = _footnotes_after(lines, text, end)
        unit_text, multiplier = money_unit([caption, *columns])
        caption = strip_unit(caption) if caption else ""
        tables.append(
            _make_table(
                doc_id, start, end, caption, section_of,
                columns=columns, rows=tuple(rows), header_span=header_span,
                unit_text=unit_text, multiplier=multiplier, footnotes=footnotes,
            )  # fmt: skip
        )
        p = q
    return tables


def cell_footnote(table: Table, raw: str) -> str:
    """The footnote text a cell's marker refers to ("-1.291*" -> "* De verwachte ..."), or ""."""
    _, marker = split_footnote(raw)
    if not marker:
        return ""
    for m, note in getattr(table, "footnotes", ()):
        if m == marker:
            return f"{m} {note}"
    return ""
