"""Where a cited cell or passage stands on its PDF page, from the page's own words.

Positions are computed when a source is opened, from pdfplumber's words on that one page and
what a citation already carries (page number, the cell as printed, its row and column labels,
or the cited sentence). That keeps the page view independent of how tables were read at
indexing time: a change in the table reader never invalidates a stored position.

Everything here except `read_page_words` is a pure function over `PageWord` values.
Coordinates are PDF points with the origin at the top left of the page (pdfplumber's `top`).
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from corpus.errors import CorpusError

# Words whose vertical centres are closer than this share of the word height share a line.
LINE_OVERLAP = 0.5
# A printed cell is at most this many words ("€ 1.234", "- 22 %").
MAX_CELL_WORDS = 4
# Space (points) added around a box so the mark does not cover the glyphs' edges.
PAD = 1.5
# Words closer than this (points) belong to one cell of a line; wider gaps separate cells.
PHRASE_GAP = 4.5
# A header cell further than this (points) beside a figure is another column's.
MAX_HEADER_OFFSET = 60.0
# Footnote markers printed against a figure ("-1.291*"); the citation may carry them or not.
_FOOTNOTE = "*¹²³⁴⁵⁶⁷⁸⁹⁰)"
_TOKEN = re.compile(r"[^\W_]+")
_DASHES = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2014": "-", "\u00a0": " ", "\u202f": " "})


@dataclass(frozen=True)
class PageWord:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True)
class Box:
    """A rectangle on the page in PDF points (origin top left)."""

    x0: float
    top: float
    x1: float
    bottom: float

    def contains_centre_of(self, word: PageWord) -> bool:
        cx, cy = (word.x0 + word.x1) / 2, word.middle
        return self.x0 <= cx <= self.x1 and self.top <= cy <= self.bottom


@dataclass(frozen=True)
class PageWords:
    """The words of one page and the page's size in points; ocr: read with Tesseract from
    the scanned page (the page has no text layer)."""

    page: int
    pages: int
    width: float
    height: float
    words: tuple[PageWord, ...]
    ocr: bool = False


@dataclass(frozen=True)
class CellMatch:
    """A located cell: its box, and whether the row and column labels were found beside it.

    row_score / column_score: share of the label's words found on the cell's line left of it
    (row) and in the header words above it (column); 1.0 means every word was found.
    candidates: how many places on the page print the same figure.
    """

    box: Box
    row_score: float
    column_score: float
    candidates: int


@lru_cache(maxsize=16384)
def squash(text: str) -> str:
    """Comparable form of printed text: NFKC, dashes as '-', no spaces, case-folded."""
    text = unicodedata.normalize("NFKC", text).translate(_DASHES)
    return "".join(text.split()).casefold()


@lru_cache(maxsize=16384)
def tokens(text: str) -> tuple[str, ...]:
    """Letters-and-digits tokens, case- and accent-folded, soft hyphens dropped."""
    text = unicodedata.normalize("NFKD", text.replace("\u00ad", ""))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return tuple(t.casefold() for t in _TOKEN.findall(text))


def union(words: Iterable[PageWord], pad: float = PAD) -> Box:
    words = list(words)
    return Box(
        min(w.x0 for w in words) - pad, min(w.top for w in words) - pad,
        max(w.x1 for w in words) + pad, max(w.bottom for w in words) + pad,
    )


def lines_of(words: Sequence[PageWord]) -> list[list[PageWord]]:
    """Words grouped into lines (top to bottom), each line left to right."""
    lines: list[list[PageWord]] = []
    for w in sorted(words, key=lambda w: (w.middle, w.x0)):
        if lines:
            last = lines[-1]
            ref = last[0]
            if abs(w.middle - ref.middle) < LINE_OVERLAP * max(ref.bottom - ref.top, w.bottom - w.top, 1.0):
                last.append(w)
                continue
        lines.append([w])
    for line in lines:
        line.sort(key=lambda w: w.x0)
    return lines


def words_in(words: Iterable[PageWord], box: Box) -> list[PageWord]:
    """The words whose centre lies inside `box`, in reading order."""
    inside = [w for w in words if box.contains_centre_of(w)]
    return [w for line in lines_of(inside) for w in line]


def _containment(wanted: Sequence[str], found: Iterable[str]) -> float:
    """Share of `wanted` tokens present in `found` (1.0 when nothing is wanted)."""
    if not wanted:
        return 1.0
    pool = set(found)
    return sum(t in pool for t in wanted) / len(wanted)


def _figure_runs(lines: Sequence[Sequence[PageWord]], raw: str) -> list[tuple[int, list[PageWord]]]:
    """Runs of adjacent words on one line that print `raw` (spacing and footnote markers aside)."""
    target = squash(raw).rstrip(_FOOTNOTE)
    if not target:
        return []
    runs: list[tuple[int, list[PageWord]]] = []
    for li, line in enumerate(lines):
        for i in range(len(line)):
            joined = ""
            for j in range(i, min(len(line), i + MAX_CELL_WORDS)):
                joined += squash(line[j].text)
                if joined.rstrip(_FOOTNOTE) == target:
                    runs.append((li, line[i : j + 1]))
                    break
                if len(joined) >= len(target) + 2:
                    break
    return runs


def _row_score(lines: Sequence[Sequence[PageWord]], li: int, left_of: float, label: Sequence[str]) -> float:
    """How well the text left of the figure on its line (and, for a wrapped label, the lines
    right above and below) names the row. The innermost label level counts: the outer levels
    are headings printed elsewhere."""
    if not label:
        return 1.0
    wanted = tokens(label[-1])

    def left(k: int) -> list[str]:
        if not 0 <= k < len(lines):
            return []
        return [t for w in lines[k] if w.x1 <= left_of + 0.5 for t in tokens(w.text)]

    own = _containment(wanted, left(li))
    if own >= 1.0:
        return own
    wrapped = _containment(wanted, left(li - 1) + left(li) + left(li + 1))
    # A label found only with the neighbouring lines counts slightly less than one on its own line.
    return max(own, wrapped - 0.05)


def _phrases(line: Sequence[PageWord]) -> list[list[PageWord]]:
    """A line cut where the gap between words is wider than a space: the line's cells."""
    out: list[list[PageWord]] = []
    for w in line:
        if out and w.x0 - out[-1][-1].x1 <= PHRASE_GAP:
            out[-1].append(w)
        else:
            out.append([w])
    return out


def _column_score(lines: Sequence[Sequence[PageWord]], li: int, run: Sequence[PageWord], column: Sequence[str]) -> float:
    """Share of the column path's words in the header above the figure: on every line above
    it, the cell (phrase) horizontally nearest to the figure. Nearest rather than overlapping,
    because a header may be left-aligned over a right-aligned figure; a group header spanning
    several columns is nearest to each of them."""
    wanted = [t for part in column for t in tokens(part)]
    if not wanted:
        return 1.0
    x0, x1 = min(w.x0 for w in run), max(w.x1 for w in run)

    def distance(phrase: Sequence[PageWord]) -> float:
        return max(phrase[0].x0 - x1, x0 - phrase[-1].x1, 0.0)

    above: list[str] = []
    for line in lines[:li]:
        nearest = min(_phrases(line), key=distance)
        if distance(nearest) <= MAX_HEADER_OFFSET:
            above += [t for w in nearest for t in tokens(w.text)]
    return _containment(wanted, above)


def locate_cell(
    words: Sequence[PageWord], raw: str, row: Sequence[str] = (), column: Sequence[str] = ()
) -> CellMatch | None:
    """The box of the cell printing `raw` in row `row` (label path, outermost first) and
    column `column` (header path). Among the places that print the same figure, the one with
    the row label on its line and the column header above it wins; ties go to the first in
    reading order. None when the page does not print `raw`."""
    lines = lines_of(words)
    runs = _figure_runs(lines, raw)
    if not runs:
        return None
    best: tuple[float, float, float, list[PageWord]] | None = None
    for li, run in runs:
        r = _row_score(lines, li, min(w.x0 for w in run), row)
        c = _column_score(lines, li, run, column)
        if best is None or r + c > best[0] + 1e-9:
            best = (r + c, r, c, run)
    assert best is not None
    _, r, c, run = best
    return CellMatch(union(run), r, c, len(runs))


def locate_text(words: Sequence[PageWord], text: str, min_share: float = 0.5) -> tuple[Box, ...]:
    """Boxes (one per printed line) around the passage `text` on the page, or () when fewer
    than `min_share` of its words are found there in order.

    The page's words in reading order are aligned with the passage's words (difflib's
    longest matching blocks); the span from the first to the last aligned word of the densest
    stretch is marked. Hyphenation and line breaks only cost the words they split.
    """
    wanted = tokens(text)
    if not wanted:
        return ()
    ordered = [w for line in lines_of(words) for w in line]
    flat: list[str] = []
    owner: list[int] = []
    for i, w in enumerate(ordered):
        for t in tokens(w.text):
            flat.append(t)
            owner.append(i)
    blocks = [b for b in SequenceMatcher(None, flat, wanted, autojunk=False).get_matching_blocks() if b.size]
    if not blocks:
        return ()
    # Keep the blocks near the largest one: a passage is printed in one place, and a common
    # word matched elsewhere on the page must not stretch the mark over half the page.
    anchor = max(blocks, key=lambda b: b.size)
    reach = len(wanted) * 1.5
    kept = [b for b in blocks if abs(b.a - anchor.a) <= reach]
    if sum(b.size for b in kept) < min_share * len(wanted):
        return ()
    first, last = min(b.a for b in kept), max(b.a + b.size for b in kept) - 1
    chosen = ordered[owner[first] : owner[last] + 1]
    return tuple(union(line) for line in lines_of(chosen))


def read_page_words(data: bytes, page: int, name: str = "", ocr: bool = True) -> PageWords:
    """The words of page `page` (1-based) of a PDF, as pdfplumber reads them; for a page
    without a text layer (a scan), with `ocr` and Tesseract installed, Tesseract's word boxes.

    Raises CorpusError with a Dutch sentence for a password-protected or unreadable PDF and
    for a page the document does not have.
    """
    import pdfplumber

    label = f"'{name}' " if name else ""
    count = page_count(data, name)
    if not 1 <= page <= count:
        raise CorpusError(f"Pagina {page} bestaat niet in {label or 'dit document '}(het heeft {count} pagina's).")
    try:
        # Only the one page is parsed: a 121-page budget costs what its page costs.
        pdf = pdfplumber.open(io.BytesIO(data), pages=[page])
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many types; the user needs one sentence
        raise unreadable(exc, label) from exc
    with pdf:
        p = pdf.pages[0]
        raw = p.extract_words(x_tolerance=1.5, y_tolerance=2, keep_blank_chars=False, use_text_flow=False)
        words = tuple(
            PageWord(w["text"], float(w["x0"]), float(w["x1"]), float(w["top"]), float(w["bottom"])) for w in raw
        )
        width, height = float(p.width), float(p.height)
    if not words and ocr:
        scanned = ocr_words(data, page)
        if scanned:
            return PageWords(page, count, width, height, scanned, ocr=True)
    return PageWords(page, count, width, height, words)


# The resolution the corpus layer reads scans at (corpus.pdf.OCR_DPI), so the same words come back.
OCR_DPI = 300
# Tesseract's confidence (0–100) below which a "word" is noise from the scan.
OCR_MIN_CONFIDENCE = 30


def ocr_words(data: bytes, page: int) -> tuple[PageWord, ...]:
    """Tesseract's (Dutch) word boxes on a scanned page, in points; () when Tesseract or its
    Dutch model is not installed or reads nothing."""
    from corpus.pdf import tesseract_available

    if not tesseract_available():
        return ()
    import pypdfium2 as pdfium
    import pytesseract

    scale = OCR_DPI / 72
    pdf = pdfium.PdfDocument(data)
    try:
        image = pdf[page - 1].render(scale=scale).to_pil()
    finally:
        pdf.close()
    try:
        found = pytesseract.image_to_data(image, lang="nld", config="--psm 3", output_type=pytesseract.Output.DICT)
    except Exception:  # noqa: BLE001 - a page OCR cannot read is shown without marks
        return ()
    out = []
    for text, left, top, w, h, conf in zip(found["text"], found["left"], found["top"], found["width"], found["height"], found["conf"]):
        if str(text).strip() and float(conf) >= OCR_MIN_CONFIDENCE:
            out.append(PageWord(str(text).strip(), left / scale, (left + w) / scale, top / scale, (top + h) / scale))
    return tuple(out)


def unreadable(exc: Exception, label: str) -> CorpusError:
    if re.search(r"password|encrypt", repr(exc), re.I):  # PdfminerException(PDFPasswordIncorrect()), PdfiumError
        return CorpusError(f"Het PDF-bestand {label}is met een wachtwoord beveiligd; de pagina kan niet worden getoond.")
    return CorpusError(f"Het PDF-bestand {label}kon niet worden gelezen.")


def page_count(data: bytes, name: str = "") -> int:
    """Number of pages of a PDF (pypdfium2: milliseconds, also for a long budget)."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except Exception as exc:  # noqa: BLE001
        raise unreadable(exc, f"'{name}' " if name else "") from exc
    try:
        return len(pdf)
    finally:
        pdf.close()


def words_to_json(words: PageWords) -> dict:
    return {"page": words.page, "pages": words.pages, "width": words.width, "height": words.height, "ocr": words.ocr,
            "words": [[w.text, w.x0, w.x1, w.top, w.bottom] for w in words.words]}


def words_from_json(obj: dict) -> PageWords:
    return PageWords(int(obj["page"]), int(obj["pages"]), float(obj["width"]), float(obj["height"]),
                     tuple(PageWord(str(t), float(a), float(b), float(c), float(d)) for t, a, b, c, d in obj["words"]),
                     ocr=bool(obj.get("ocr", False)))
