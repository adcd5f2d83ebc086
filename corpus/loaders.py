"""Read a document file into the text the assistant cites from.

`load_text(path, max_bytes)` supports .txt/.md (decoded as-is), .html/.htm (visible text),
.pdf (pdfplumber text layer) and .docx (python-docx). Tables in html/pdf/docx become
pipe-table lines (`cell | cell | cell |`), the format corpus.tables parses. Every refusal is a
`CorpusError` with one Dutch sentence naming the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable

from corpus.errors import CorpusError
from corpus.models import Document, DocumentMeta, Table, stable_id

TEXT_SUFFIXES = (".txt", ".md")
HTML_SUFFIXES = (".html", ".htm")
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + (".pdf", ".docx")

# Characters a Dutch document plausibly contains beyond ASCII; used to choose between
# single-byte decodings (charset-normalizer alone tends to pick mac_latin2/cp1250 for short
# Dutch cp1252 text, turning "één" into "ťťn").
_WESTERN_CHARS = set(
    "àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿÀÁÂÄÇÈÉÊËÌÍÎÏÑÒÓÔÖØÙÚÛÜß"
    "€‘’“”„–—…•°²³½¼¾×·«»©®™§¶µ\u00a0"
)
# Basic Latin up to Latin Extended-B: every letter of Dutch (and English) text.
_LATIN_END = 0x250
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_CID = re.compile(r"\(cid:\d+\)")
_PRIVATE_USE = re.compile("[\ue000-\uf8ff\ufffd]")


def _mb(n_bytes: int) -> str:
    """Bytes as Dutch-formatted megabytes ("20", "2,5")."""
    value = n_bytes / (1024 * 1024)
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


@dataclass(frozen=True)
class Content:
    """What a loader read from a file: the text all offsets refer to and, for a PDF, where each
    page starts, the tables read from its pages and the pages read with OCR."""

    text: str
    page_starts: tuple[int, ...] = ()
    tables: tuple[Table, ...] = ()
    ocr_pages: tuple[int, ...] = ()
    unreadable_pages: tuple[int, ...] = ()
    skipped_tables: int = 0
    # Dutch notes for the user about reading this file ("inlezen duurt ongeveer 40 minuten").
    warnings: tuple[str, ...] = ()

    def document(self, doc_id: str, path: str, meta: DocumentMeta, fingerprint: str) -> Document:
        """The Document of this content; the tables get the document's id."""
        tables = tuple(
            replace(t, doc_id=doc_id, id=stable_id(doc_id, t.start, t.end, t.caption)) for t in self.tables
        )
        return Document(
            id=doc_id, path=path, text=self.text, meta=meta, fingerprint=fingerprint,
            page_starts=self.page_starts, tables=tables, ocr_pages=self.ocr_pages,
            skipped_tables=self.skipped_tables,
        )


def load_text(path: Path, max_bytes: int) -> str:
    """The text of a document file (see `load_content`)."""
    return load_content(path, max_bytes).text


def load_content(path: Path, max_bytes: int) -> Content:
    """Read a document file: its text and, for a PDF, its pages and tables.

    path: the file; max_bytes: size limit in bytes (settings.max_file_mb × 1024²).
    Raises CorpusError (Dutch) when the file is missing, of an unsupported type, empty or
    whitespace-only, over the limit, undecodable, malformed, or a PDF without usable text.
    """
    path = Path(path)
    name = path.name
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        shown = suffix or "zonder extensie"
        hint = " (sla een .doc op als .docx of pdf)" if suffix == ".doc" else ""
        raise CorpusError(
            f"Bestandstype {shown} van {name} wordt niet ondersteund; gebruik txt, md, html, "
            f"pdf of docx{hint}."
        )
    if not path.exists():
        raise CorpusError(f"Bestand {name} bestaat niet.")
    if not path.is_file():
        raise CorpusError(f"{name} is geen bestand.")
    size = path.stat().st_size
    if size == 0:
        raise CorpusError(f"Bestand {name} is leeg.")
    if size > max_bytes:
        raise CorpusError(
            f"Bestand {name} is {_mb(size)} MB en daarmee groter dan de limiet van "
            f"{_mb(max_bytes)} MB."
        )
    data = path.read_bytes()
    if suffix == ".pdf":
        from corpus.extracted import cached

        return cached(path, data, lambda: _load_pdf(data, name))
    loader: Callable[[bytes, str], str]
    if suffix in TEXT_SUFFIXES:
        loader = _load_plain
    elif suffix in HTML_SUFFIXES:
        loader = _load_html
    else:
        loader = _load_docx
    text = loader(data, name)
    if not text.strip():
        raise CorpusError(f"Bestand {name} bevat alleen witruimte en geen leesbare tekst.")
    return Content(text)


def _load_pdf(data: bytes, name: str) -> Content:
    from corpus.pdf import extract_pdf

    content = extract_pdf(data, name)
    if not content.text.strip():
        raise CorpusError(f"Bestand {name} bevat alleen witruimte en geen leesbare tekst.")
    return content


# --- plain text -----------------------------------------------------------------------------


def decode_bytes(data: bytes, name: str) -> str:
    """Decode txt/md bytes: utf-8 (BOM stripped), utf-16 with BOM, else a single-byte encoding
    chosen with charset-normalizer (cp1252 preferred when it reads as Western text).
    Raises CorpusError for binary or undecodable content."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return _checked_text(data[3:].decode("utf-8"), name)
        except UnicodeDecodeError:
            raise _undecodable(name) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _checked_text(data.decode("utf-16"), name)
        except UnicodeDecodeError:
            raise _undecodable(name) from None
    if b"\x00" in data:
        raise CorpusError(f"Bestand {name} lijkt een binair bestand en geen tekst.")
    try:
        return _checked_text(data.decode("utf-8"), name)
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    candidates: list[str] = []
    for match in from_bytes(data):
        try:
            candidates.append(data.decode(match.encoding))
        except (UnicodeDecodeError, LookupError):
            continue
    if not candidates:
        raise _undecodable(name)
    try:
        candidates.append(data.decode("cp1252"))
    except UnicodeDecodeError:
        pass
    return _checked_text(max(candidates, key=_western_score), name)


def _western_score(text: str) -> float:
    non_ascii = [c for c in text if ord(c) > 127]
    if not non_ascii:
        return 1.0
    return sum(c in _WESTERN_CHARS for c in non_ascii) / len(non_ascii)


def _checked_text(text: str, name: str) -> str:
    # Control characters other than tab/newline/form feed mean the bytes were not text.
    if len(_CONTROL.findall(text)) > max(2, len(text) // 200):
        raise CorpusError(f"Bestand {name} lijkt een binair bestand en geen tekst.")
    # Bytes decoded with the wrong encoding (a stray UTF-16 byte-order mark, say) come out
    # as letters of another script; a Dutch document is written in the Latin alphabet.
    letters = [c for c in text if c.isalpha()]
    if letters and sum(ord(c) < _LATIN_END for c in letters) < 0.5 * len(letters):
        raise CorpusError(
            f"Bestand {name} bevat geen leesbare Nederlandse tekst; controleer de tekencodering "
            "(sla het op als UTF-8)."
        )
    return text


def _undecodable(name: str) -> CorpusError:
    return CorpusError(
        f"De tekencodering van {name} is niet te herkennen; sla het bestand op als UTF-8."
    )


def _load_plain(data: bytes, name: str) -> str:
    return decode_bytes(data, name)


# --- shared helpers -------------------------------------------------------------------------


def _cell_text(text: str | None) -> str:
    """One table cell on one line; a literal '|' would split the cell, so it becomes '/'."""
    if not text:
        return ""
    return re.sub(r"\s+", " ", text.replace("|", "/")).strip()


def pipe_row(cells: Iterable[str | None]) -> str:
    """Render one table row as `a | b | c |` (an empty cell leaves `| |`)."""
    parts = [f"{c} |" if c else "|" for c in (_cell_text(x) for x in cells)]
    return " ".join(parts)


def grid_table_lines(grid: list[list[tuple[str, object]]]) -> list[str]:
    """Pipe lines of a DOCX or HTML table given as a grid: per row, per grid column, (text,
    identity of the cell), a merged cell repeating its identity in every column it spans.

    Header rows (the leading rows without figures other than years) keep their structure as in
    a PDF: over two or three rows they become one header line whose cells are column paths
    ("Rekening › 2022 › baten"), a group header naming every column it spans. A leading row
    that is one cell over the whole width is the table's title, a line of its own. Other rows
    have each merged cell once."""
    from corpus.numbers import is_year_like
    from corpus.tables import is_value_cell

    def once(row: list[tuple[str, object]]) -> list[str]:
        out, seen = [], set()
        for text, ident in row:
            if id(ident) not in seen:
                seen.add(id(ident))
                out.append(text)
        return out

    def is_header(row: list[tuple[str, object]]) -> bool:
        return not any(is_value_cell(t) and not is_year_like(_cell_text(t)) for t, _ in row[1:])

    lines: list[str] = []
    k = 0
    while k < len(grid) and len({id(i) for _, i in grid[k]}) == 1 and len(grid[k]) > 1:
        lines.extend(_rows_to_lines([once(grid[k])]))  # a title over the whole width
        k += 1
    header = []
    while k < len(grid) and is_header(grid[k]) and k + 1 < len(grid):
        header.append(grid[k])
        k += 1
    if len(header) >= 2 and k < len(grid):
        width = max(len(r) for r in header)
        paths = []
        for j in range(width):
            parts: list[str] = []
            for r in header:
                text = _cell_text(r[j][0]) if j < len(r) else ""
                if text and (not parts or parts[-1] != text):
                    parts.append(text)
            paths.append(" › ".join(parts))
        lines.extend(_rows_to_lines([paths]))
    else:
        lines.extend(_rows_to_lines(once(r) for r in header))
    lines.extend(_rows_to_lines(once(r) for r in grid[k:]))
    return lines


def _rows_to_lines(rows: Iterable[Iterable[str | None]]) -> list[str]:
    lines = []
    for row in rows:
        cells = [_cell_text(c) for c in row]
        if any(cells):
            lines.append(pipe_row(cells))
    return lines


def _tidy_lines(text: str) -> str:
    """Collapse runs of spaces per line and runs of blank lines to one."""
    out: list[str] = []
    for raw in text.split("\n"):
        line = re.sub(r"[ \t\u00a0]+", " ", raw).strip()
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    return "\n".join(out).strip()


# --- html -----------------------------------------------------------------------------------

_DROP_TAGS = (
    "script", "style", "noscript", "template", "head", "iframe", "object", "embed", "svg",
    "canvas", "form", "button", "select", "input", "textarea", "meta", "link",
)
_BLOCK_TAGS = {
    "p", "div", "section", "article", "main", "header", "footer", "aside", "nav", "ul", "ol",
    "dl", "dt", "dd", "blockquote", "pre", "figure", "figcaption", "address", "hr", "body",
    "caption", "details", "summary",
}
_HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


def _is_hidden(tag) -> bool:
    # Hidden text is not what a reader sees, and is a classic carrier of injected instructions.
    if tag.attrs is None:
        return False
    if tag.has_attr("hidden") or str(tag.get("aria-hidden", "")).lower() == "true":
        return True
    style = str(tag.get("style", "")).replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def _load_html(data: bytes, name: str) -> str:
    from bs4 import BeautifulSoup

    try:
        soup = BeautifulSoup(data, "html.parser")
    except Exception:  # noqa: BLE001 - any parser failure is a malformed file to the user
        raise CorpusError(f"Bestand {name} is geen leesbare HTML.") from None
    try:
        return _html_text(soup)
    except RecursionError:
        raise CorpusError(f"Bestand {name} is te diep genest om als HTML te lezen.") from None


def _html_text(soup) -> str:
    from bs4 import Comment, NavigableString, Tag

    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(_is_hidden):
        tag.decompose()
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()

    out: list[str] = []
    # An explicit stack instead of recursion: hostile HTML can nest thousands of levels deep.
    # Items are nodes to render or ("close", text) markers written after a node's children.
    stack: list[object] = [soup]
    while stack:
        item = stack.pop()
        if isinstance(item, tuple):
            out.append(item[1])
            continue
        if isinstance(item, NavigableString):
            if type(item) is NavigableString:
                out.append(re.sub(r"\s+", " ", str(item)))
            continue
        if not isinstance(item, Tag):
            continue
        tag = item.name
        if tag == "br":
            out.append("\n")
            continue
        if tag == "table":
            out.append("\n" + "\n".join(_html_table_lines(item)) + "\n")
            continue
        if tag in _HEADING_TAGS:
            out.append("\n\n")
            stack.append(("close", "\n\n"))
        elif tag == "li":
            parent = item.parent.name if item.parent is not None else "ul"
            out.append("\n" + ("- " if parent != "ol" else ""))
            stack.append(("close", "\n"))
        elif tag in _BLOCK_TAGS:
            out.append("\n")
            stack.append(("close", "\n"))
        stack.extend(reversed(list(item.children)))
    return _tidy_lines("".join(out))


def _html_table_lines(table) -> list[str]:
    trs = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]  # nested: text of their cell
    caption = table.find("caption")
    lines = [_cell_text(caption.get_text(" "))] if caption is not None else []
    return lines + grid_table_lines(_html_grid(trs))


def _html_grid(trs) -> list[list[tuple[str, object]]]:
    """The rows of an HTML table on its grid: colspan and rowspan repeat a cell (see
    `grid_table_lines`)."""
    grid: list[list[tuple[str, object]]] = []
    pending: dict[int, tuple[tuple[str, object], int]] = {}  # column -> (cell, rows still spanned)
    for tr in trs:
        row: list[tuple[str, object]] = []
        cells = list(tr.find_all(["td", "th"], recursive=False))
        col = 0

        def fill_spanned() -> None:
            nonlocal col
            while col in pending:
                cell, left = pending[col]
                row.append(cell)
                if left <= 1:
                    del pending[col]
                else:
                    pending[col] = (cell, left - 1)
                col += 1

        for c in cells:
            fill_spanned()
            entry = (c.get_text(" ", strip=True), c)
            span = _span(c.get("colspan"))
            down = _span(c.get("rowspan"))
            for _ in range(span):
                row.append(entry)
                if down > 1:
                    pending[col] = (entry, down - 1)
                col += 1
        fill_spanned()
        grid.append(row)
    return grid


def _span(value) -> int:
    try:
        return max(1, min(int(str(value)), 100))
    except (TypeError, ValueError):
        return 1


# --- pdf ------------------------------------------------------------------------------------


def text_layer_problem(text: str) -> str | None:
    """Why extracted PDF text is unusable, or None when it reads as text.

    Scanned pages give no text; fonts without a Unicode map give '(cid:12)' codes,
    private-use characters or runs of symbols; indexing that would only add noise.
    Thresholds: at least 20 letters or digits; under 5 % of the visible characters in
    cid/private-use codes; at least half of them letters or digits (budget tables full of
    numbers pass, symbol soup does not).
    """
    visible = re.sub(r"\s+", "", text)
    cid_chars = sum(len(m) for m in _CID.findall(visible))
    odd = cid_chars + len(_PRIVATE_USE.findall(visible))
    readable = sum(ch.isalnum() for ch in _CID.sub("", visible))
    if readable < 20 and odd == 0:
        return (
            "heeft geen bruikbare tekstlaag (gescand of alleen afbeeldingen); "
            "maak er eerst met OCR doorzoekbare tekst van"
        )
    if odd > 0.05 * len(visible) or readable < 0.5 * len(visible):
        return (
            "bevat tekst die niet goed uit de pdf te halen is (lettertype zonder "
            "tekenkoppeling); exporteer de pdf opnieuw of gebruik een andere versie"
        )
    return None


# --- docx -----------------------------------------------------------------------------------


def _load_docx(data: bytes, name: str) -> str:
    import io
    import zipfile

    import docx
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise CorpusError(f"Bestand {name} is geen geldig Word-document (docx).")
    try:
        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        # Walk the body's children so paragraphs and tables keep their document order.
        for element in document.element.body.iterchildren():
            tag = element.tag.rsplit("}", 1)[-1]
            if tag == "p":
                para = Paragraph(element, document)
                text = para.text.strip()
                if not text:
                    continue
                style = (para.style.name if para.style is not None else "") or ""
                if re.match(r"(heading|kop|title|titel)\b", style, re.IGNORECASE):
                    lines.extend(["", text, ""])
                else:
                    lines.append(text)
            elif tag == "tbl":
                table = DocxTable(element, document)
                lines.append("")
                lines.extend(grid_table_lines(_docx_grid(table)))
                lines.append("")
    except CorpusError:
        raise
    except Exception:  # noqa: BLE001 - broken zip members, bad XML, missing parts
        raise CorpusError(f"Word-document {name} is beschadigd of niet te lezen.") from None
    return _tidy_lines("\n".join(lines))


def _docx_grid(table) -> list[list[tuple[str, object]]]:
    """The rows of a Word table on its grid: a merged cell comes back once per grid column
    (and per row it spans downwards) with the same identity (see `grid_table_lines`)."""
    return [[(cell.text, cell._tc) for cell in row.cells] for row in table.rows]
