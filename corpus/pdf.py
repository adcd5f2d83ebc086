"""PDF pages in, citable text with pages and tables out.

`extract_pdf(data, name) -> corpus.loaders.Content` reads every page with pdfplumber: its
text lines in reading order, its tables read from word positions (`corpus.pdftables`) and rendered as pipe lines
(`label | cell | cell |`), running headers and footers dropped. Pages without a usable text
layer are read with Tesseract (Dutch) when it is installed. The result keeps each page's
start offset in the text and every table with exact cell offsets, so a chunk, a table cell and
an amount all know their page.
"""

from __future__ import annotations

import io
import re
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from corpus.errors import CorpusError
from corpus.models import Table, TableRow, stable_id
from corpus.numbers import is_year_like
from corpus.ocrtext import known_words, unglue_articles
from corpus.pdfheader import Box
from corpus.pdfink import inked_share, render_gray, visible_words
from corpus.pdftables import GridTable, Line, Word, make_lines, read_table
from corpus.text import unbreak, unbroken_path

# Lines in the top or bottom band of the page (share of its height) that recur on at least
# this share of the pages (digits ignored) are running headers and footers.
MARGIN_BAND = 0.08
RUNNING_SHARE = 0.3
OCR_DPI = 300
PAGE_SEPARATOR = "\n\n"
_CAPTION = re.compile(r"^(tabel|table|overzicht|tab\.)\s*\d", re.I)
_DIGITS = re.compile(r"\d+")
_PASSWORD = re.compile(r"password|encrypt", re.I)
_BOLD = re.compile(r"bold|black|heavy|,b\b", re.I)


def _words(page, gray=None) -> list[Word]:
    """The page's words; with `gray` (the rendered page, `corpus.pdfink`) only visible ones."""
    raw = page.extract_words(
        x_tolerance=1.5, y_tolerance=2, keep_blank_chars=False, use_text_flow=False, extra_attrs=["fontname"],
        return_chars=gray is not None,
    )
    if gray is not None:
        stream = {id(c): i for i, c in enumerate(page.chars)}
        order = [min((stream.get(id(c), len(stream)) for c in w["chars"]), default=0) for w in raw]
        raw = visible_words(raw, [inked_share(gray, w["chars"]) for w in raw], order)
    return [
        Word(w["text"], float(w["x0"]), float(w["x1"]), float(w["top"]), float(w["bottom"]),
             bold=bool(_BOLD.search(str(w.get("fontname", "")))))
        for w in raw
    ]


def _running_key(line: Line) -> str:
    return _DIGITS.sub("#", line.text.strip().casefold())


RuledRows = list[tuple[float, tuple[str, ...]]]  # a ruled table's rows: (top, cell texts)


def _table_regions(
    page, lines: list[Line]
) -> tuple[list[tuple[float, float, str]], list[Box], list[tuple[float, float, RuledRows]]]:
    """Vertical extents (top, bottom, method) of table regions: pdfplumber's ruled tables
    ("ruled"), plus runs of lines with figures in two or more columns ("unruled"). A region
    is extended upwards over the header lines right above it. Also the ruled cells found,
    and each ruled table's (top, bottom, rows) (`_ruled_rows`)."""
    ruled: list[tuple[float, float]] = []
    cells: list[Box] = []
    texts: list[tuple[float, float, RuledRows]] = []
    try:
        found = page.find_tables()
    except Exception:  # noqa: BLE001 - a malformed drawing on one page must not stop the document
        found = []
    for t in found:
        x0, top, x1, bottom = t.bbox
        if bottom - top > 10:
            ruled.append((top, bottom))
            cells.extend(tuple(float(v) for v in c) for c in t.cells if c is not None)
            texts.append((top, bottom, _ruled_rows(t)))
    unruled: list[tuple[float, float]] = []
    run: list[Line] = []

    def close_run() -> None:
        # Two lines of figures already make a table; one line is a sentence with amounts.
        if len(run) >= 2 and sum(p.is_value for ln in run for p in ln.phrases) >= 4:
            unruled.append((run[0].top, run[-1].bottom))
        run.clear()

    for line in lines:
        values = sum(p.is_value for p in line.phrases)
        has_label_and_values = values >= 2 or (values >= 1 and len(line.phrases) >= 2 and line.phrases[-1].is_value)
        if has_label_and_values and (not run or line.top - run[-1].bottom < 14):
            run.append(line)
        else:
            close_run()
            if has_label_and_values:
                run.append(line)
    close_run()
    merged: list[list] = []
    found_by = [(t, b, "ruled") for t, b in ruled] + [(t, b, "unruled") for t, b in unruled]
    for top, bottom, method in sorted(found_by):
        if merged and top <= merged[-1][1] + 2:
            merged[-1][1] = max(merged[-1][1], bottom)
            if method == "ruled":
                merged[-1][2] = "ruled"
        else:
            merged.append([top, bottom, method])
    out = []
    for top, bottom, method in merged:
        # Header lines right above (no figures but years, several cells, closely stacked).
        above = [ln for ln in lines if ln.bottom <= top + 1]
        while above:
            ln = above[-1]
            if top - ln.bottom <= 12 and _CAPTION.match(ln.text) and sum(is_year_like(p.text) for p in ln.phrases) >= 2:
                top = ln.top  # a caption that carries the year columns' headers on its line
                break
            # A header line holds short cells; running text is one long phrase.
            short = all(len(p.text) <= 40 for p in ln.phrases) and (len(ln.phrases) >= 2 or len(ln.text) <= 25)
            if top - ln.bottom > 12 or _CAPTION.match(ln.text) or not short or any(
                p.is_value and not is_year_like(p.text) for p in ln.phrases
            ):
                break
            top = ln.top
            above.pop()
        out.append((top, bottom, method))
    return out, cells, texts


def _ruled_rows(table) -> RuledRows:  # noqa: ANN001 - a pdfplumber Table
    """A ruled table's rows, each ruled cell's whole text in reading order: (top, cells). A
    row without text is left out, and so is an empty cell."""
    out = []
    try:
        rows = table.extract()
        tops = [r.bbox[1] for r in table.rows]
    except Exception:  # noqa: BLE001 - as find_tables: a malformed drawing stays unread
        return []
    for top, row in zip(tops, rows):
        cells = tuple(unbreak(" ".join((c or "").split())) for c in row)
        if any(cells):
            out.append((float(top), cells))
    return out


def description_header(rows: RuledRows) -> tuple[tuple[str, ...] | None, RuledRows]:
    """(header cells by position, body rows) of a table of descriptions. The first ruled row
    is the header when it holds no amount and no prose; a header cell printed over several
    ruled rows (pdfplumber reads "Financieel", "belang", "(omvang …" as rows of one cell,
    where the header row's cell is empty) is joined again. (None, rows) when there is no header."""
    if not rows:
        return None, rows
    first = rows[0][1]
    if sum(1 for c in first if c) < 2 or any(_AMOUNT.search(c) or len(_WORD.findall(c)) >= PROSE_CELL_WORDS for c in first):
        return None, rows
    header = list(first)
    empty = {k for k, c in enumerate(first) if not c}
    i = 1
    while i < len(rows) and len(rows[i][1]) == len(header):
        filled = {k for k, c in enumerate(rows[i][1]) if c}
        if not filled <= empty or any(_AMOUNT.search(rows[i][1][k]) for k in filled):
            break
        for k in filled:
            header[k] = f"{header[k]} {rows[i][1][k]}".strip()
        i += 1
    return tuple(unbreak(h) for h in header), rows[i:]


def described_line(cells: tuple[str, ...], header: tuple[str, ...] | None) -> str:
    """A row of a table of descriptions as one line: its name, then its cells, each cell of
    figures after its column's header ("Eigen vermogen aan begin en einde begrotingsjaar in €:
    01-01-2024: € 1.787.000 …"), so that the line says what each figure is. A cell of prose
    says what it is about itself: its column's words before every one would make each row
    match them."""
    if header is None or len(header) != len(cells):
        return " | ".join(c for c in cells if c)
    named = [cells[0]] if cells[0] else []
    named += [
        f"{h}: {c}" if h and len(_WORD.findall(c)) < PROSE_CELL_WORDS else c
        for h, c in zip(header[1:], cells[1:]) if c
    ]
    return " | ".join(named)


# A grid reading of a ruled table that keeps less than this share of the words in its region
# is read as text instead, row by ruled row: a table of prose ("Toelichting" cells of many
# lines beside a few figures) loses its sentences to a grid of figures. (On the Wassenaar
# budget the grids of figure tables keep 77–100 % of their words, of prose tables 34–36 %.)
MIN_GRID_WORDS = 0.6
_WORD = re.compile(r"[^\W\d_]{2,}")


# A ruled cell of at least this many words is prose (a "Toelichting"), not a label or a figure.
PROSE_CELL_WORDS = 20
_AMOUNT = re.compile(r"€\s?-?\d[\d.,]*|\b\d{1,3}(?:\.\d{3})+(?:,\d+)?\b")


def _table_of_descriptions(rows: RuledRows) -> bool:
    """Most of a ruled table's words stand in cells of prose (PROSE_CELL_WORDS) and its
    figures share cells (two or more short cells holding several amounts: "01-01-2024:
    € 782.000 31-12-2024: € 782.000"): a table of descriptions, as the paragraaf verbonden
    partijen prints one per partij, not a grid of figures with a description column."""
    cells = [c for _, row in rows for c in row]
    counts = [len(_WORD.findall(c)) for c in cells]
    prose = sum(n for n in counts if n >= PROSE_CELL_WORDS) >= 0.5 * sum(counts) > 0
    shared = sum(1 for c, n in zip(cells, counts) if n < PROSE_CELL_WORDS and len(_AMOUNT.findall(c)) >= 2)
    return prose and shared >= 2


def _grid_words(grid: GridTable) -> list[str]:
    """The words a grid reading keeps: labels, cells, notes, column headers and header lines."""
    parts = [" ".join(h) for h in grid.columns] + list(grid.header_lines) + [t for _, _, t in grid.notes]
    for r in grid.rows:
        parts += list(r.label) + list(r.cells) + [t for _, _, t in r.notes] + [r.unit]
    return _WORD.findall(" ".join(parts))


def lost_phrases(grid: GridTable, lines: Sequence[Line]) -> list[tuple[float, float, str]]:
    """(x0, top, text) of the phrases of a table's lines whose words its grid reading does not
    keep (a line of a description cell that shares its line with figures of another row).
    Their text follows the table, so that nothing of a page is lost."""
    have = Counter(_grid_words(grid))
    lost = []
    for ln in lines:
        for p in ln.phrases:
            words = _WORD.findall(p.text)
            if not words:
                continue
            need = Counter(words)
            if all(have[w] >= n for w, n in need.items()):
                have.subtract(need)
            else:
                lost.append((p.x0, p.top, p.text))
    return lost


def _caption_for(lines: list[Line], top: float) -> str:
    """The line right above a table (within 40 pt), when it reads as a caption."""
    above = [ln for ln in lines if ln.bottom <= top + 0.5 and top - ln.bottom < 40]
    if above:
        text = above[-1].text.strip()
        if _CAPTION.match(text) or len(text) < 120:
            return text
    return ""


def continued_labels(
    last: tuple[str, ...], last_is_total: bool, rows: list[tuple[tuple[str, ...], bool]]
) -> list[tuple[str, ...]]:
    """Row labels of a table part that continues another, given the label path of the last
    row before the break and whether it was a total: (label, is_total) per row in.

    A group (a programme over its taakvelden) that runs over a page break has its heading on
    the first page only: the rows above the next heading of their own, up to and including a
    total row that closes the group, stay under that heading."""
    parent = last[:-1] if len(last) >= 2 and not last_is_total else ()
    out = []
    for label, is_total in rows:
        if parent and len(label) == 1:
            out.append(parent + label)
            if is_total:
                parent = ()
            continue
        parent = ()
        out.append(label)
    return out


class _Builder:
    """Accumulates the document text and the tables with their offsets."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.tables: list[Table] = []
        # The header of the last table of descriptions and its page: a table continued on
        # the next page repeats no header.
        self._described: tuple[tuple[str, ...], int] | None = None

    def add_described(self, rows: RuledRows, page_no: int) -> None:
        """A table of descriptions, one line per ruled row (`described_line`)."""
        header, body = description_header(rows)
        if header is not None:
            self._described = (header, page_no)
        elif self._described is not None and self._described[1] in (page_no - 1, page_no):
            header = self._described[0]
            self._described = (header, page_no)
        lines = [described_line(cells, header) for _, cells in body]
        self.add("\n".join(line for line in lines if line))

    def add(self, text: str) -> tuple[int, int]:
        start = self.length
        self.parts.append(text)
        self.length += len(text)
        return start, self.length

    def add_table(self, grid: GridTable, caption: str, unit_line: str, page_no: int) -> None:
        from corpus.tables import money_unit

        previous = self.tables[-1] if self.tables else None
        labels = [unbroken_path(r.label) for r in grid.rows]
        if (
            not any(grid.columns) and previous is not None and previous.page in (page_no - 1, page_no)
            and len(previous.columns) == len(grid.columns)
        ):
            # A table continued on the next page, or after a gap on the same page, repeats
            # no header: it keeps the previous part's columns, caption and unit, and its
            # first rows stay in the group the previous part ended in.
            labels = continued_labels(previous.rows[-1].label if previous.rows else (),
                                      previous.rows[-1].is_total if previous.rows else True,
                                      [(unbroken_path(r.label), r.is_total) for r in grid.rows])
            columns = previous.columns
            caption = caption if _CAPTION.match(caption or "") else previous.caption
            unit_text, multiplier = previous.unit_text, previous.multiplier
        else:
            columns = tuple(" › ".join(unbroken_path(p)) if p else f"kolom {i + 1}" for i, p in enumerate(grid.columns))
            unit_text, multiplier = money_unit((*grid.header_lines, caption, unit_line, *(" ".join(c) for c in grid.columns)))
        # A column whose header says "%" ("Wassenaar (%)") holds percentages.
        column_units = tuple("%" if re.search(r"%|\bprocent\b", c, re.I) else None for c in columns)
        start = self.length
        head = " | ".join([" ".join(grid.header_lines) or "", *columns]) + " |"
        hs, he = self.add(head)
        rows = []
        for r, row_label in zip(grid.rows, labels):
            self.add("\n")
            label = " › ".join(row_label)
            row_start = self.length
            # A row's own unit ("Fte per 1.000 inwoners") is part of what its line says.
            shown = f"{label} ({r.unit})" if label and r.unit else label
            self.add(shown + " | " if shown else "| ")
            spans = []
            for i, cell in enumerate(r.cells):
                spans.append(self.add(cell) if cell else (-1, -1))
                self.add(" |" if i == len(r.cells) - 1 else " | ")
            if r.notes:  # the row's description, after its cells (`table_facts`: extra "note")
                self.add(" " + " ".join(note_paragraphs(r.notes)))
            rows.append(TableRow(label=row_label, cells=r.cells, start=row_start, end=self.length,
                                 cell_spans=tuple(spans), is_total=r.is_total, unit=r.unit))
        end = self.length
        self.tables.append(Table(
            id=stable_id(page_no, start, caption), doc_id="", caption=caption or "Tabel", section=(),
            columns=columns, rows=tuple(rows), start=start, end=end, header_span=(hs, he),
            unit_text=unit_text, multiplier=multiplier, page=page_no,
            column_units=column_units if any(column_units) else (),
        ))

    @property
    def text(self) -> str:
        return "".join(self.parts)


@dataclass
class ExtractStats:
    """What reading a PDF took and found, for `python -m corpus.bench` (mutable: counters)."""

    pages: int = 0
    regions: dict = field(default_factory=lambda: {"ruled": 0, "unruled": 0})
    tables_read: dict = field(default_factory=lambda: {"ruled": 0, "unruled": 0})
    tables_rejected: int = 0
    tables_as_text: int = 0  # ruled tables of prose read row by row as text (MIN_GRID_WORDS)
    cells: int = 0
    ocr_pages: int = 0
    seconds: dict = field(default_factory=lambda: {"text": 0.0, "tables": 0.0, "ocr": 0.0})


# Phrases of one prose column of a table start within this many points of each other.
NOTE_COLUMN_TOLERANCE = 12.0


def note_paragraphs(notes: Sequence[tuple[float, float, str]]) -> list[str]:
    """Prose phrases of a table as paragraphs, left column first: a description column
    wrapped over many lines reads as its sentences, not interleaved with its neighbours ("De
    ratio weerstandsvermogen van de Gr KDB bedraagt 1,89 dit is ruim" / "voldoende.").
    notes: (x0, top, text) phrases (`GridRow.notes`, `GridTable.notes`)."""
    columns: list[tuple[float, list[tuple[float, str]]]] = []
    for x0, top, text in sorted(notes):
        for cx, items in columns:
            if abs(x0 - cx) <= NOTE_COLUMN_TOLERANCE:
                items.append((top, text))
                break
        else:
            columns.append((x0, [(top, text)]))
    return [" ".join(t for _, t in sorted(items)) for _, items in sorted(columns, key=lambda c: c[0])]


def _page_items(page, lines: list[Line], stats: ExtractStats):
    """(top, kind, payload) of a page in reading order: "line" items and "table" items. A
    region that does not read as a table stays text (searchable, no figures)."""
    started = time.perf_counter()
    regions, ruled_cells, ruled_texts = _table_regions(page, lines)
    items = []
    used: set[int] = set()
    for top, bottom, method in regions:
        stats.regions[method] += 1
        inside = [i for i, ln in enumerate(lines) if ln.top >= top - 1 and ln.bottom <= bottom + 1]
        cells = [c for c in ruled_cells if c[1] >= top - 1 and c[3] <= bottom + 1]
        grid = read_table([lines[i] for i in inside], cells) if inside else None
        as_text = [t for t in ruled_texts if t[0] >= top - 1 and t[1] <= bottom + 1]
        region_words = len(_WORD.findall(" ".join(lines[i].text for i in inside)))
        described = any(_table_of_descriptions(rows) for _, _, rows in as_text)
        if as_text and (grid is None or described or len(_grid_words(grid)) < MIN_GRID_WORDS * region_words):
            # A table of prose or of descriptions, or a ruled table that reads as no grid:
            # each ruled row is a line of text, its cells in order (its lines one by one would
            # interleave the lines of cells side by side).
            stats.tables_as_text += 1
            used.update(
                i for i in inside if any(t0 - 1 <= lines[i].top and lines[i].bottom <= t1 + 1 for t0, t1, _ in as_text)
            )
            if described:
                items.extend((t0, "described", rows) for t0, _, rows in as_text)
            else:
                items.extend((row_top, "line", " | ".join(c for c in cells if c)) for _, _, rows in as_text for row_top, cells in rows)
            continue
        if grid is None:
            stats.tables_rejected += 1
            continue
        stats.tables_read[method] += 1
        stats.cells += sum(1 for r in grid.rows for c in r.cells if c)
        first = lines[inside[0]]
        above = [i for i, ln in enumerate(lines) if ln.bottom <= top + 0.5]
        if _CAPTION.match(first.text):
            # The caption shares its line with the year headers: its words left of them.
            caption = " ".join(p.text for p in first.phrases if not is_year_like(p.text))
        elif above and above[-1] in used and items:
            # Right below another table (a tariff table split in two by the layout): one
            # caption for both; a row of the table above is no caption.
            caption = items[-1][2][1]
        else:
            caption = _caption_for(lines, top)
        used.update(inside)
        below = [ln for ln in lines if ln.top >= bottom and ln.top - bottom < 20]
        items.append((top, "table", (grid, caption, below[0].text if below else "")))
        # The table's prose that describes no row follows it as text, a paragraph per column,
        # and so does any text of its lines the grid did not keep.
        prose = grid.notes + tuple(lost_phrases(grid, [lines[i] for i in inside]))
        for k, paragraph in enumerate(note_paragraphs(prose)):
            items.append((bottom + 0.001 * (k + 1), "line", paragraph))
    for i, ln in enumerate(lines):
        if i not in used:
            items.append((ln.top, "line", ln.text))
    items.sort(key=lambda item: (item[0], item[1] != "line"))
    stats.seconds["tables"] += time.perf_counter() - started
    return items


def extract_pdf(data: bytes, name: str, ocr: bool = True, stats: ExtractStats | None = None) -> "Content":
    """Read a PDF's bytes (see the module docstring). Raises CorpusError (Dutch) for a file
    that is not a PDF, is password protected or damaged, or has no readable page at all.
    stats: filled with counts and timings when given (the benchmark)."""
    stats = stats if stats is not None else ExtractStats()
    import pdfplumber

    from corpus.loaders import Content, text_layer_problem

    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise CorpusError(f"Bestand {name} is geen geldige pdf.")
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many types for broken files
        raise _unreadable(exc, name) from None
    try:
        with pdf:
            pages = list(pdf.pages)
            stats.pages = len(pages)
            per_page: list[tuple[float, list[Line]]] = []
            started = time.perf_counter()
            rendered = _pdfium(data)
            for index, page in enumerate(pages):
                try:
                    # A page without a text layer (a scan) has nothing to check: no render.
                    gray = render_gray(rendered[index]) if rendered is not None and page.chars else None
                    per_page.append((float(page.height), make_lines(_words(page, gray))))
                except Exception:  # noqa: BLE001 - one broken page is reported, the rest is read
                    per_page.append((float(page.height), []))
            if rendered is not None:
                rendered.close()
            stats.seconds["text"] += time.perf_counter() - started
            running = _running_lines(per_page)
            kept_lines = [[ln for ln in lines if not _is_running(ln, height, running)] for height, lines in per_page]
            # Scanned pages first: OCR's glued words are repaired with the whole document's words.
            started = time.perf_counter()
            scanned = {
                number: _ocr_page(page) if ocr else None
                for number, (page, kept) in enumerate(zip(pages, kept_lines), start=1)
                if text_layer_problem(" ".join(ln.text for ln in kept))
            }
            stats.seconds["ocr"] += time.perf_counter() - started
            if any(scanned.values()):
                known = known_words([t for t in scanned.values() if t] + [ln.text for kept in kept_lines for ln in kept])
                scanned = {n: t and unglue_articles(t, known) for n, t in scanned.items()}
            builder = _Builder()
            page_starts: list[int] = []
            ocr_pages: list[int] = []
            unreadable: list[int] = []
            for number, (page, kept) in enumerate(zip(pages, kept_lines), start=1):
                if number > 1:
                    builder.add(PAGE_SEPARATOR)
                page_starts.append(builder.length)
                if number in scanned:
                    text = scanned[number]
                    if text:
                        ocr_pages.append(number)
                        stats.ocr_pages += 1
                        builder.add(text)
                    else:
                        unreadable.append(number)
                    continue
                first = True
                for _top, kind, payload in _page_items(page, kept, stats):
                    if not first:
                        builder.add("\n")
                    first = False
                    if kind == "line":
                        builder.add(payload)
                    elif kind == "described":
                        builder.add_described(payload, number)
                    else:
                        builder.add_table(payload[0], payload[1], payload[2], number)
    except CorpusError:
        raise
    except Exception as exc:  # noqa: BLE001 - an encrypted page raises only when it is read
        raise _unreadable(exc, name) from None
    text = builder.text
    if len(unreadable) == len(page_starts):
        problem = text_layer_problem(text) or "heeft geen leesbare pagina's"
        hint = "" if tesseract_available() else " (installeer tesseract-ocr en tesseract-ocr-nld voor tekstherkenning)"
        raise CorpusError(f"Pdf {name} {problem}{hint}.")
    # Tables leave doc_id empty: the corpus store gives them the document's id.
    elapsed = sum(stats.seconds.values())
    warning = large_pdf_warning(len(page_starts), elapsed / max(len(page_starts), 1))
    return Content(
        text, tuple(page_starts), tuple(builder.tables), tuple(ocr_pages), tuple(unreadable),
        skipped_tables=stats.tables_rejected, warnings=(warning,) if warning else (),
    )


# From this many pages on a PDF is accepted with a warning of how long reading it takes (a
# programmabegroting or jaarstukken has 100-300 pages; thousands are a bundle of documents).
LARGE_PDF_PAGES = 1000
# Seconds per text page as `python -m corpus.bench` measured on the Wassenaar begroting
# (121 pages: words, visibility, tables; 0.3 s on a loaded machine), for an estimate before
# reading; after reading, the document's own rate is used.
SECONDS_PER_PAGE = 0.3


def large_pdf_warning(pages: int, seconds_per_page: float = SECONDS_PER_PAGE) -> str | None:
    """The Dutch warning for a PDF of LARGE_PDF_PAGES pages or more: how long reading it takes
    (pages × seconds per page, in minutes); None for a PDF of usual size."""
    if pages < LARGE_PDF_PAGES:
        return None
    minutes = max(1, round(pages * seconds_per_page / 60))
    hours, rest = divmod(minutes, 60)
    if hours:
        duration = f"{hours} uur" + (f" en {rest} {'minuut' if rest == 1 else 'minuten'}" if rest else "")
    else:
        duration = f"{minutes} {'minuut' if minutes == 1 else 'minuten'}"
    return f"Deze pdf heeft {pages} pagina's; inlezen duurt ongeveer {duration}."


def pdf_page_count(data: bytes) -> int | None:
    """The number of pages of a PDF without reading them (for `large_pdf_warning` before
    reading); None when pypdfium2 cannot open it."""
    document = _pdfium(data)
    if document is None:
        return None
    try:
        return len(document)
    finally:
        document.close()


def _pdfium(data: bytes):
    """The document opened with pypdfium2 to render pages (visibility of text), or None when
    it cannot be opened: then every character of the text layer counts as visible."""
    try:
        import pypdfium2

        return pypdfium2.PdfDocument(data)
    except Exception:  # noqa: BLE001 - rendering is a refinement; pdfplumber reads the text
        return None


def _unreadable(exc: Exception, name: str) -> CorpusError:
    """The Dutch refusal for a PDF pdfminer cannot read: protected, else damaged."""
    if _PASSWORD.search(repr(exc)):
        return CorpusError(f"Pdf {name} is beveiligd met een wachtwoord; verwijder de beveiliging en probeer opnieuw.")
    return CorpusError(f"Pdf {name} is beschadigd of niet te lezen.")


def _running_lines(per_page: list[tuple[float, list[Line]]]) -> set[str]:
    counts: Counter[str] = Counter()
    for height, lines in per_page:
        keys = {_running_key(ln) for ln in lines if _in_margin(ln, height)}
        counts.update(keys)
    n = len(per_page)
    if n < 2:
        return set()
    return {k for k, c in counts.items() if c >= max(2, RUNNING_SHARE * n)}


def _in_margin(line: Line, height: float) -> bool:
    return line.bottom < MARGIN_BAND * height or line.top > (1 - MARGIN_BAND) * height


def _is_running(line: Line, height: float, running: set[str]) -> bool:
    if not _in_margin(line, height):
        return False
    key = _running_key(line)
    # A bare page number ("12", "- 12 -", "Pagina 12 van 121") in the margin is a footer too.
    return key in running or bool(re.fullmatch(r"[-–\s]*(pagina|page|blz\.?)?\s*#(\s*(van|of|/)\s*#)?[-–\s]*", key))


def tesseract_available() -> bool:
    try:
        import pytesseract

        pytesseract.get_tesseract_version()
        return "nld" in pytesseract.get_languages(config="")
    except Exception:  # noqa: BLE001 - missing binding, binary or language model
        return False


def _ocr_page(page) -> str | None:
    """Text of a scanned page via Tesseract (Dutch), lines in reading order; None when OCR is
    not installed or reads nothing usable."""
    if not tesseract_available():
        return None
    import pytesseract

    from corpus.loaders import text_layer_problem

    try:
        image = page.to_image(resolution=OCR_DPI).original
        text = pytesseract.image_to_string(image, lang="nld", config="--psm 3")
    except Exception:  # noqa: BLE001 - a page OCR cannot read is reported by the caller
        return None
    lines = [re.sub(r"[ \t]+", " ", ln).strip() for ln in text.splitlines()]
    out: list[str] = []
    for ln in lines:
        if not ln and (not out or not out[-1]):
            continue
        out.append(ln)
    result = "\n".join(out).strip()
    return result if result and not text_layer_problem(result) else None
