"""The evaluation suites: which documents, which questions, which checked table cells.

- `seeds`: the five shipped seed excerpts (the settings' corpus) and `eval/gold.jsonl`; a
  regression check, since the gold set was written from those excerpts.
- `real`: complete real documents as published (`eval/real/documents/`: a 121-page
  programmabegroting and a scanned letter), questions written from the rendered pages
  (`questions.jsonl`), questions no municipal document answers (`offtopic.jsonl`) and
  hand-checked table cells (`cells.jsonl`). Every line carries a fixed `split` (dev/test).

`page_texts(pdf)` and `check_page_quotes(...)` check the real questions against the PDF's own
text layer (pdfplumber), independent of the project's extraction, which is what is measured.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from eval.gold import GoldQuestion, load_gold
from eval.metrics import normalise

EVAL_DIR = Path(__file__).resolve().parent
REAL_DIR = EVAL_DIR / "real"


@dataclass(frozen=True)
class Suite:
    """corpus_dir None: the settings' corpus (the seeds suite runs on the working corpus)."""

    name: str
    question_files: tuple[Path, ...]
    corpus_dir: Path | None = None
    cells_file: Path | None = None

    def questions(self, split: str | None = None) -> list[GoldQuestion]:
        out = [q for path in self.question_files for q in load_gold(path)]
        return [q for q in out if split is None or q.split == split]


SUITES: dict[str, Suite] = {
    "seeds": Suite("seeds", (EVAL_DIR / "gold.jsonl",)),
    "real": Suite(
        "real",
        (REAL_DIR / "questions.jsonl", REAL_DIR / "offtopic.jsonl"),
        corpus_dir=REAL_DIR / "documents",
        cells_file=REAL_DIR / "cells.jsonl",
    ),
}


def page_texts(pdf_path: Path) -> list[str]:
    """The text layer of every page (index 0 = page 1), as pdfplumber extracts it."""
    import pdfplumber

    with pdfplumber.open(str(pdf_path)) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def _squash(text: str) -> str:
    """Whitespace removed: text layers differ in where they put spaces and line breaks."""
    return re.sub(r"\s+", "", normalise(text))


def check_page_quotes(
    questions: Sequence[GoldQuestion], pages_by_document: Mapping[str, Sequence[str]]
) -> list[str]:
    """Problems with real-document questions, checked against each PDF's text layer.

    Every evidence quote must occur on its stated page (whitespace ignored), and a figure's
    raw text (or each operand) on the figure's page and inside one of the question's quotes.
    Questions marked `ocr` (a scanned page, no text layer) are only checked for their shape.
    """
    problems: list[str] = []
    for q in questions:
        if q.ocr:
            continue
        for e in q.evidence:
            pages = pages_by_document.get(e.document)
            if pages is None:
                problems.append(f"{q.id}: document {e.document!r} bestaat niet.")
            elif e.page is None or not 1 <= e.page <= len(pages):
                problems.append(f"{q.id}: citaat zonder geldige pagina: {e.quote[:60]!r}.")
            elif _squash(e.quote) not in _squash(pages[e.page - 1]):
                problems.append(f"{q.id}: citaat niet gevonden op p. {e.page}: {e.quote[:60]!r}.")
        b = q.budget
        if b is None:
            continue
        pages = pages_by_document.get(b.document)
        if pages is None or b.page is None or not 1 <= b.page <= len(pages):
            problems.append(f"{q.id}: bedrag zonder geldig document of geldige pagina.")
            continue
        for cell in list(b.operands_raw) + ([b.raw] if b.raw else []):
            operand_pages = [e.page for e in q.evidence if _squash(cell) in _squash(e.quote)]
            if not operand_pages:
                problems.append(f"{q.id}: bedrag {cell!r} staat in geen van de citaten.")
            elif not any(_squash(cell) in _squash(pages[p - 1]) for p in operand_pages if p):
                problems.append(f"{q.id}: bedrag {cell!r} staat niet op de pagina van zijn citaat.")
        if b.raw and _squash(b.raw) not in _squash(pages[b.page - 1]):
            problems.append(f"{q.id}: bedrag {b.raw!r} staat niet op p. {b.page}.")
    return problems
