"""Opening a cited source: the PDF page with the cited cell or passage marked, or, for a
text document, the passage in its surrounding text.

Pages are rendered with pypdfium2 when a source is opened, never for every answer, and the
plain rendering and the page's words are kept on disk per document and page
(`<cache>/<doc>/<sha of the file>-p<N>-x2.png`, `…-p<N>.words.json`, written atomically), so the
second opening only locates and draws the boxes. Positions come from
`corpus.pages` at view time. Every failure a user can cause or meet — the original moved
away, a page the file does not have, a password — is a CorpusError with one Dutch sentence.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.models import Citation
from assistant.render import cited_fact
from corpus.errors import CorpusError
from corpus.files import atomic_write
from corpus.models import BudgetFact, Document, Table
from corpus.pages import (
    Box,
    PageWords,
    unreadable,
    locate_cell,
    locate_text,
    read_page_words,
    words_from_json,
    words_to_json,
)

# 2× the PDF's 72 points per inch: 144 dpi, figures in a 9-point table stay readable.
SCALE = 2.0
MARK_LINE = (200, 30, 30, 255)
MARK_FILL = (255, 214, 0, 70)
OUTLINE = (40, 90, 200, 110)
# Points of page kept above and below the marks in the close-up.
DETAIL_MARGIN = 110.0
PATH_SEPARATOR = " › "
OCR_NOTE = "Deze pagina is gescand: de markering komt uit tekstherkenning en kan iets naast de tekst liggen."


@dataclass(frozen=True)
class PageView:
    """A rendered page with its marks.

    png: the whole page, marks drawn in; detail: a full-width strip around the marks (None
    when nothing is marked); marked: how many boxes were drawn for the cited cell or passage;
    note: Dutch sentence when the cited place could not be marked ("" otherwise).
    """

    png: bytes
    detail: bytes | None
    page: int
    pages: int
    marked: int
    outlined: int = 0
    note: str = ""


def original_bytes(corpus_dir: Path, document: Document) -> bytes:
    """The original file of `document` from the corpus folder."""
    path = Path(corpus_dir) / document.path
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise CorpusError(
            f"Het oorspronkelijke bestand '{document.path}' staat niet meer in de documentenmap; "
            "het is verplaatst of verwijderd."
        ) from None
    except OSError as exc:
        raise CorpusError(f"Het oorspronkelijke bestand '{document.path}' kon niet worden gelezen.") from exc


def cache_path(cache_dir: Path, doc_id: str, data: bytes, page: int, kind: str = "png") -> Path:
    """Where the plain rendering ("png") or the words ("json") of `page` of these bytes are
    kept; a changed file gets new names."""
    digest = hashlib.sha256(data).hexdigest()[:16]
    safe_id = re.sub(r"[^A-Za-z0-9._-]+", "-", doc_id)[:100] or "document"
    suffix = f"-x{SCALE:g}.png" if kind == "png" else ".words.json"
    return Path(cache_dir) / safe_id / f"{digest}-p{page}{suffix}"


def _keep(path: Path, data: bytes | str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, data)
    except OSError:  # a full or read-only disk costs the cache, not the view
        pass


def page_words(data: bytes, page: int, cache_dir: Path, doc_id: str, name: str = "") -> PageWords:
    """The page's words (pdfplumber, or Tesseract on a scan: most of the time of a first
    opening), cached like the rendering; a damaged cache file is read again from the PDF."""
    path = cache_path(cache_dir, doc_id, data, page, "json")
    if path.is_file():
        try:
            return words_from_json(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            pass
    words = read_page_words(data, page, name)
    _keep(path, json.dumps(words_to_json(words)))
    return words


def rendered_page(data: bytes, page: int, cache_dir: Path, doc_id: str, name: str = "") -> tuple[bytes, int]:
    """(PNG of the plain page, number of pages); rendered once, then read from the cache."""
    import pypdfium2 as pdfium

    label = f"'{name}' " if name else ""
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise unreadable(exc, label) from exc
    try:
        count = len(pdf)
        if not 1 <= page <= count:
            raise CorpusError(f"Pagina {page} bestaat niet in {label or 'dit document '}(het heeft {count} pagina's).")
        path = cache_path(cache_dir, doc_id, data, page)
        if path.is_file():
            return path.read_bytes(), count
        image = pdf[page - 1].render(scale=SCALE).to_pil()
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=False)
        png = buffer.getvalue()
        _keep(path, png)
        return png, count
    finally:
        pdf.close()


def draw_marks(png: bytes, marks: Sequence[Box], outlines: Sequence[Box] = (), scale: float = SCALE) -> tuple[bytes, bytes | None]:
    """(the page with the boxes drawn, a full-width strip around the marks or None).

    marks: the cited cell or the lines of the cited passage, a red frame over a light
    yellow fill; outlines: the table's other cells, a thin faint blue frame.
    """
    from PIL import Image, ImageDraw

    base = Image.open(io.BytesIO(png)).convert("RGBA")
    layer = Image.new("RGBA", base.size, (0, 0, 0, 0))
    pen = ImageDraw.Draw(layer)

    def px(box: Box) -> tuple[float, float, float, float]:
        return box.x0 * scale, box.top * scale, box.x1 * scale, box.bottom * scale

    for box in outlines:
        pen.rectangle(px(box), outline=OUTLINE, width=1)
    for box in marks:
        pen.rectangle(px(box), fill=MARK_FILL, outline=MARK_LINE, width=3)
    page = Image.alpha_composite(base, layer).convert("RGB")
    out = io.BytesIO()
    # Drawn on every opening and never stored: fast compression beats small files here.
    page.save(out, format="PNG", compress_level=1)
    detail = None
    if marks:
        top = max(0.0, min(b.top for b in marks) - DETAIL_MARGIN) * scale
        bottom = min(page.height, (max(b.bottom for b in marks) + DETAIL_MARGIN) * scale)
        strip = io.BytesIO()
        page.crop((0, int(top), page.width, int(bottom))).save(strip, format="PNG", compress_level=1)
        detail = strip.getvalue()
    return out.getvalue(), detail


def _path(label: str) -> tuple[str, ...]:
    return tuple(p for p in label.split(PATH_SEPARATOR) if p.strip())


def table_outlines(words: PageWords, table: Table | None, skip: Box | None) -> list[Box]:
    """Boxes of the table's other cells on this page, each located like the cited one."""
    if table is None or table.page not in (None, words.page):
        return []
    boxes: list[Box] = []
    for row in table.rows:
        for i, raw in enumerate(row.cells):
            if not raw.strip() or i >= len(table.columns):
                continue
            match = locate_cell(words.words, raw, row.label, _path(table.columns[i]))
            if match is not None and match.box != skip:
                boxes.append(match.box)
    return boxes


def fact_view(data: bytes, document: Document, fact: BudgetFact, cache_dir: Path) -> PageView:
    """The page of a table cell or in-text amount with the cell marked and the table's
    other cells outlined."""
    if fact.page is None:
        raise CorpusError("Bij dit bedrag is geen pagina bekend.")
    png, count = rendered_page(data, fact.page, cache_dir, document.id, document.path)
    words = page_words(data, fact.page, cache_dir, document.id, document.path)
    if fact.sentence and not fact.table_id:
        marks = list(locate_text(words.words, fact.sentence))
        match = None
    else:
        match = locate_cell(words.words, fact.raw, _path(fact.row), _path(fact.column))
        marks = [match.box] if match else []
    table = next((t for t in document.tables if t.id == fact.table_id), None) if fact.table_id else None
    outlines = table_outlines(words, table, match.box if match else None)
    note = "" if marks else f"De plek van ‘{fact.raw}’ kon op deze pagina niet worden gevonden; de pagina staat hieronder zonder markering."
    if not words.words:
        note = "Deze pagina is gescand; de plek van het bedrag kan er niet op worden gemarkeerd."
    elif marks and words.ocr:
        note = OCR_NOTE
    page_png, detail = draw_marks(png, marks, outlines)
    return PageView(page_png, detail, fact.page, count, len(marks), len(outlines), note)


def passage_view(data: bytes, document: Document, page: int, sentence: str, cache_dir: Path) -> PageView:
    """The page of a cited passage with the supporting sentence marked, line by line."""
    png, count = rendered_page(data, page, cache_dir, document.id, document.path)
    words = page_words(data, page, cache_dir, document.id, document.path)
    marks = list(locate_text(words.words, sentence))
    note = "" if marks else "De geciteerde zin kon op deze pagina niet worden gevonden; de pagina staat hieronder zonder markering."
    if not words.words:
        note = "Deze pagina is gescand; de zin kan er niet op worden gemarkeerd."
    elif marks and words.ocr:
        note = OCR_NOTE
    page_png, detail = draw_marks(png, marks)
    return PageView(page_png, detail, page, count, len(marks), 0, note)


def citation_view(data: bytes, document: Document, citation: Citation, facts: Sequence[BudgetFact], cache_dir: Path) -> PageView:
    """The page a citation opens on: its figure's cell marked when it cites one of the
    answer's figures, else its sentence marked on the page the sentence stands on."""
    fact = cited_fact(citation, facts)
    if fact is not None and fact.page is not None:
        return fact_view(data, document, fact, cache_dir)
    page = document.page_at(citation.sentence_start) or citation.passage.chunk.page
    if page is None:
        raise CorpusError("Bij deze passage is geen pagina bekend.")
    sentence = document.text[citation.sentence_start : citation.sentence_end]
    return passage_view(data, document, page, sentence, cache_dir)


def text_context(text: str, start: int, end: int, before: int = 700, after: int = 700) -> tuple[str, int, int, bool, bool]:
    """The passage text[start:end] in its surroundings: (snippet, start and end of the
    passage in the snippet, cut before, cut after). The window is widened to whole lines
    when that costs at most a line, so the context starts and ends at a line break."""
    start = max(0, min(len(text), start))
    end = max(start, min(len(text), end))
    lo, hi = max(0, start - before), min(len(text), end + after)
    if lo > 0:
        brk = text.rfind("\n", 0, lo)
        lo = brk + 1 if brk != -1 and lo - brk < 200 else lo
    if hi < len(text):
        brk = text.find("\n", hi)
        hi = brk if brk != -1 and brk - hi < 200 else hi
    return text[lo:hi], start - lo, end - lo, lo > 0, hi < len(text)
