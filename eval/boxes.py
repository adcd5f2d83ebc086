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

from corpus.pages import CellMatch, PageWords, locate_cell, read_page_words, words_in, _squash
from eval.cells import GoldCell


@dataclass(frozen=True)
class BoxOutcome:
    cell: GoldCell
    match: CellMatch | None
    inside: str  # the text of the words inside the box ("" without a box)

    @property
    def ok(self) -> bool:
        return self.match is not None and _squash(self.cell.raw).rstrip("*") in _squash(self.inside)

    @property
    def placed(self) -> bool:
        return self.ok and self.match.row_score >= 0.95 and self.match.column_score >= 1.0


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
    lines = [
        "| cells with a page | box holds the printed cell | … and row label + column header found beside it |",
        "|---|---|---|",
        f"| {n} | {ok / n:.3f} ({ok}) | {placed / n:.3f} ({placed}) |" if n else "| 0 | – | – |",
        "",
        f"{seconds:.1f} s, {seconds / max(n, 1) * 1000:.0f} ms per cell (pages read once).",
    ]
    failed = [o for o in outcomes if not o.ok]
    if failed:
        lines += ["", f"Boxes without the printed cell ({len(failed)}), first {min(len(failed), max_failures)}:", ""]
    for o in failed[:max_failures]:
        c = o.cell
        lines.append(f"- {c.id} p. {c.page} `{c.raw}` row “{' › '.join(c.row)}”: "
                     + ("not printed on the page" if o.match is None else f"box holds “{o.inside}”"))
    return "\n".join(lines) + "\n"


def main(cells_file: Path, documents_dir: Path, split: str | None = None, failures: int = 20) -> int:
    from eval.cells import load_cells

    cells = [c for c in load_cells(cells_file) if split is None or c.split == split]
    started = time.perf_counter()
    outcomes = box_accuracy(cells, documents_dir)
    print(boxes_markdown(outcomes, time.perf_counter() - started, failures))
    return 0
