"""Box accuracy: does the box the page view draws for a cell hold that cell's printed text?

For every hand-checked cell with a page (`eval/real/cells.jsonl`), the page view's locator
(`corpus.pages.locate_cell`) is given what a citation carries — page, the cell as printed,
row label path, column header path — and the words pdfplumber finds inside the returned box
are compared with the printed cell. The words are read from the PDF again here; the corpus
layer's extraction is not involved.

`python -m eval boxes` prints the figures. Also reported, stricter than the text check: the
share of boxes with the row label found on their line and every column-header word above
them (a figure printed twice on a page is then also put in the right place).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from corpus.pages import CellMatch, PageWords, locate_cell, locate_text, read_page_words, squash, tokens, words_in
from eval.cells import GoldCell


@dataclass(frozen=True)
class BoxOutcome:
    cell: GoldCell
    match: CellMatch | None
    inside: str  # the text of the words inside the box ("" without a box)

    @property
    def ok(self) -> bool:
        return self.match is not None and squash(self.cell.raw).rstrip("*") in squash(self.inside)

    @property
    def placed(self) -> bool:
        return self.ok and self.match.row_score >= 0.95 and self.match.column_score >= 1.0

    @property
    def unambiguous(self) -> bool:
        """The box cannot be in the wrong place: the page prints the figure once, or the
        row and column labels confirm the chosen one of several."""
        return self.ok and (self.match.candidates == 1 or self.placed)


def check_box(cell: GoldCell, page: PageWords) -> BoxOutcome:
    """Locate `cell` on its page and read back the words inside the box."""
    match = locate_cell(page.words, cell.raw, cell.row, cell.column)
    inside = " ".join(w.text for w in words_in(page.words, match.box)) if match else ""
    return BoxOutcome(cell, match, inside)


def box_accuracy(cells: Sequence[GoldCell], documents_dir: Path) -> list[BoxOutcome]:
    """Check every cell that names its document and page; each page is read once."""
    pages: dict[tuple[str, int], PageWords] = {}
    data: dict[str, bytes] = {}
    out = []
    for cell in cells:
        if not cell.document or not cell.page:
            continue
        if cell.document not in data:
            data[cell.document] = (documents_dir / f"{cell.document}.pdf").read_bytes()
        key = (cell.document, cell.page)
        if key not in pages:
            pages[key] = read_page_words(data[cell.document], cell.page, cell.document)
        out.append(check_box(cell, pages[key]))
    return out


def boxes_markdown(outcomes: Sequence[BoxOutcome], seconds: float, max_failures: int = 20) -> str:
    n = len(outcomes)
    ok = sum(o.ok for o in outcomes)
    placed = sum(o.placed for o in outcomes)
    sure = sum(o.unambiguous for o in outcomes)
    lines = [
        "| cells with a page | box holds the printed cell | row label + column header found beside it | printed once on the page, or confirmed by row + column |",
        "|---|---|---|---|",
        f"| {n} | {ok / n:.3f} ({ok}) | {placed / n:.3f} ({placed}) | {sure / n:.3f} ({sure}) |" if n else "| 0 | – | – | – |",
        "",
        f"{seconds:.1f} s, {seconds / max(n, 1) * 1000:.0f} ms per cell (pages read once).",
    ]
    doubtful = [o for o in outcomes if o.ok and not o.unambiguous]
    if doubtful:
        lines.append("")
    for o in doubtful[:max_failures]:
        c = o.cell
        lines.append(f"- possibly the other place: {c.id} p. {c.page} `{c.raw}` (printed {o.match.candidates}×) row “{' › '.join(c.row)}”, "
                     f"column “{' › '.join(c.column)}”: row {o.match.row_score:.2f}, column {o.match.column_score:.2f}")
    failed = [o for o in outcomes if not o.ok]
    if failed:
        lines += ["", f"Boxes without the printed cell ({len(failed)}), first {min(len(failed), max_failures)}:", ""]
    for o in failed[:max_failures]:
        c = o.cell
        lines.append(f"- {c.id} p. {c.page} `{c.raw}` row “{' › '.join(c.row)}”: "
                     + ("not printed on the page" if o.match is None else f"box holds “{o.inside}”"))
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class QuoteOutcome:
    """A gold evidence quote marked on its page: the share of its words inside the boxes
    (`covered`) and the share of the words inside the boxes that are not the quote's (`extra`)."""

    document: str
    page: int
    quote: str
    covered: float
    extra: float
    ocr: bool = False

    @property
    def ok(self) -> bool:
        return self.covered >= QUOTE_COVERED and self.extra <= QUOTE_EXTRA


# A quote counts as marked when nine in ten of its words are inside its boxes and at most a
# quarter of what the boxes hold is other text (a line mark holds whole printed lines).
QUOTE_COVERED = 0.9
QUOTE_EXTRA = 0.25


def check_quote(document: str, page: PageWords, quote: str) -> QuoteOutcome:
    from collections import Counter

    wanted = Counter(tokens(quote))
    inside = Counter(t for box in locate_text(page.words, quote) for w in words_in(page.words, box) for t in tokens(w.text))
    common = sum((wanted & inside).values())
    covered = common / max(sum(wanted.values()), 1)
    extra = 1 - common / sum(inside.values()) if inside else 0.0
    return QuoteOutcome(document, page.page, quote, covered, extra, page.ocr)


def quote_accuracy(questions: Sequence, documents_dir: Path) -> list[QuoteOutcome]:
    """Mark every evidence quote with a page (the questions' own quotes, written from the
    rendered pages) on its page, as the page view marks a cited sentence."""
    pages: dict[tuple[str, int], PageWords | None] = {}
    out = []
    for q in questions:
        for ev in q.evidence:
            if ev.page is None:
                continue
            key = (ev.document, ev.page)
            if key not in pages:
                path = documents_dir / f"{ev.document}.pdf"
                pages[key] = read_page_words(path.read_bytes(), ev.page, path.name) if path.is_file() else None
            page = pages[key]
            if page is not None and page.words:  # a scan without Tesseract has nothing to mark on
                out.append(check_quote(ev.document, page, ev.quote))
    return out


def quotes_markdown(outcomes: Sequence[QuoteOutcome], max_failures: int = 10) -> str:
    lines = [
        f"| evidence quotes | n | marked (≥ {QUOTE_COVERED:.0%} of the words inside, ≤ {QUOTE_EXTRA:.0%} other text) | mean words covered |",
        "|---|---|---|---|",
    ]
    for label, group in (("text layer", [o for o in outcomes if not o.ocr]), ("scan (Tesseract's word boxes)", [o for o in outcomes if o.ocr])):
        n, ok = len(group), sum(o.ok for o in group)
        lines.append(f"| {label} | {n} | {ok / n:.3f} ({ok}) | {sum(o.covered for o in group) / n:.3f} |" if n else f"| {label} | 0 | – | – |")
    failed = [o for o in outcomes if not o.ok]
    if failed:
        lines += ["", f"Quotes not marked ({len(failed)}), first {min(len(failed), max_failures)}:", ""]
    for o in failed[:max_failures]:
        lines.append(f"- p. {o.page}{' (scan)' if o.ocr else ''} “{o.quote[:80]}”: covered {o.covered:.2f}, other text {o.extra:.2f}")
    return "\n".join(lines) + "\n"


def main(cells_file: Path, documents_dir: Path, split: str | None = None, failures: int = 20,
         question_files: Sequence[Path] = ()) -> int:
    from eval.cells import load_cells
    from eval.gold import load_gold

    cells = [c for c in load_cells(cells_file) if split is None or c.split == split]
    started = time.perf_counter()
    outcomes = box_accuracy(cells, documents_dir)
    print("## Table cells\n\n" + boxes_markdown(outcomes, time.perf_counter() - started, failures))
    questions = [q for f in question_files for q in load_gold(f) if split is None or q.split == split]
    if questions:
        print("## Cited sentences (evidence quotes)\n\n" + quotes_markdown(quote_accuracy(questions, documents_dir), failures))
    return 0
