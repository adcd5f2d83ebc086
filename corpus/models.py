"""The values that flow out of the corpus stage: documents, chunks, tables and budget facts.

All are frozen dataclasses. Offsets (`start`, `end`) are character offsets into
`Document.text`, the text the assistant cites from (for .txt/.md that is the file's
text byte-for-byte decoded; for html/pdf/docx the extracted text).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

# Document types the assistant knows; detection and filters use these exact strings.
DOC_TYPES = (
    "programmabegroting",
    "kwartaalrapportage",
    "jaarverslag",
    "voortgangsrapportage",
    "kadernota",
    "beleidsnota",
    "raadsbrief",
    "onbekend",
)


def stable_id(*parts: object, length: int = 16) -> str:
    """Deterministic id: sha256 over the parts, so re-indexing the same text gives the same id."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()
    return digest[:length]


@dataclass(frozen=True)
class DocumentMeta:
    """What a user sees of a document and filters on."""

    title: str
    municipality: str | None = None
    year: int | None = None
    doc_type: str = "onbekend"
    program: str | None = None
    # Date the page export states ("Deze pagina is gebouwd op ..."), ISO yyyy-mm-dd, if any.
    export_date: str | None = None


@dataclass(frozen=True)
class Document:
    """One source document.

    id: stable slug from the file name (what `assistant remove DOC` takes).
    path: file name inside the corpus folder.
    text: the text all offsets refer to.
    fingerprint: sha256 of the file's bytes plus its metadata, so a metadata correction
        re-indexes the document too.
    """

    id: str
    path: str
    text: str
    meta: DocumentMeta
    fingerprint: str
    # PDF only: offset in `text` where each page starts (page_starts[0] is page 1), the tables
    # the loader read from word positions (offsets into `text`), and pages read with OCR.
    page_starts: tuple[int, ...] = ()
    tables: tuple["Table", ...] = ()
    ocr_pages: tuple[int, ...] = ()
    # Table regions the PDF reader could not read reliably (kept as text, no figures).
    skipped_tables: int = 0

    def page_at(self, offset: int) -> int | None:
        """1-based page of a text offset; None for documents without pages."""
        if not self.page_starts:
            return None
        import bisect

        return max(1, bisect.bisect_right(self.page_starts, offset))


@dataclass(frozen=True)
class Chunk:
    """A citable passage: always an exact slice of its document's text.

    section: heading path, outermost first.
    text: == document.text[start:end] (tests hold this).
    kind: "text", "list" or "table".
    context: what is needed to read the slice on its own but is not part of it: for a
        piece of a long table, its caption and header row. Embedded and shown, never cited.
    """

    id: str
    doc_id: str
    section: tuple[str, ...]
    start: int
    end: int
    text: str
    kind: str = "text"
    context: str = ""
    page: int | None = None

    @staticmethod
    def make_id(doc_id: str, start: int, end: int, text: str) -> str:
        return stable_id(doc_id, start, end, text)


@dataclass(frozen=True)
class TableRow:
    """One row of a table: its label path and its cells as printed.

    label: the row label; for a sub-row the parent comes first ("Armoedebeleid", "Lasten").
    cells: raw cell texts aligned with Table.columns ("" for an empty cell).
    cell_spans: (start, end) offsets of each cell in the document text; (-1, -1) for an
        empty or missing cell.
    unit: the unit the row's own unit column prints ("Duizend euro", "%", "Aantal per 1.000
        inwoners"), "" when the table has no unit column.
    """

    label: tuple[str, ...]
    cells: tuple[str, ...]
    start: int
    end: int
    cell_spans: tuple[tuple[int, int], ...] = ()
    is_total: bool = False
    unit: str = ""


@dataclass(frozen=True)
class Table:
    """A table found in a document, kept whole for the budget layer.

    caption: nearest caption or section title ("Exploitatie", "Stand van zaken financieel").
    unit_text: the unit as printed ("bedragen x€1.000") or None when the table states none.
    multiplier: euros per printed unit (1000 for "x €1.000"), None when no unit is stated.
    columns: column headers (multi-line headers joined with " ").
    header_span: offsets of the header line(s) in the document text.
    footnotes: (marker, text) of footnote lines right under the table; cells refer to them
        with the marker ("-1.291*").
    """

    id: str
    doc_id: str
    caption: str
    section: tuple[str, ...]
    columns: tuple[str, ...]
    rows: tuple[TableRow, ...]
    start: int
    end: int
    header_span: tuple[int, int]
    unit_text: str | None = None
    multiplier: int | None = None
    # Footnotes printed under the table: (marker, text), e.g. ("*", "De verwachte onttrekking ...").
    footnotes: tuple[tuple[str, str], ...] = ()
    page: int | None = None
    # Per column, a unit its header states ("%" for "Wassenaar (%)"), else None; () when none do.
    column_units: tuple[str | None, ...] = ()


@dataclass(frozen=True)
class BudgetFact:
    """One number in a document, with everything needed to cite it.

    value: the amount in euros when the unit is known (raw number × multiplier);
        otherwise the number as printed (unit then says "eenheid niet vermeld").
    number: the number as printed, parsed Dutch-style ("95.225" -> 95225.0).
    raw: the cell or phrase exactly as printed ("-1.291*", "€45.917.564", "0,5 miljoen euro").
    unit: human unit: "x € 1.000", "€", "%", or "eenheid niet vermeld".
    row / column: labels ("Armoedebeleid › Lasten", "2024"); for in-text amounts, row is the
        sentence's subject phrase and column is "".
    table_id: the Table id, or "" for an amount inside a sentence.
    start / end: offsets of `raw` in the document text.
    sentence: the sentence an in-text amount stands in, else "".
    """

    value: float
    number: float
    raw: str
    unit: str
    row: str
    column: str
    table: str
    table_id: str
    doc_id: str
    municipality: str | None
    year: int | None
    start: int
    end: int
    sentence: str = ""
    footnote: str = ""
    extra: tuple[tuple[str, str], ...] = field(default=())
    page: int | None = None
    ocr: bool = False
