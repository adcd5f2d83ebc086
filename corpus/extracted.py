"""A cache of what the PDF reader extracted, so a document is read once, not at every start.

Reading a 121-page budget (word positions, tables, OCR of scanned pages) takes a minute; the
result depends only on the file's bytes and the reader's version. It is kept as plain JSON in
a hidden `.extracted/` folder beside the document, named by the sha256 of the bytes and
the reader version, written atomically. A folder that cannot be written just means no cache;
a damaged cache file is ignored and read again.

The reader's version is a hash of its own source files, so any change to how PDFs are read
invalidates the cache without anyone having to remember to bump a number.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path
from typing import Callable

from corpus.models import Table, TableRow

CACHE_DIR = ".extracted"
# The modules whose code decides what a PDF reads as.
# (`reader_modules_are_all_listed` in tests/corpus/test_derived.py checks it against their imports.)
_READER_SOURCES = (
    "pdf.py", "pdftables.py", "pdfwords.py", "pdfheader.py", "pdfink.py", "pdflabels.py", "numbers.py", "tables.py",
    "loaders.py", "extracted.py", "models.py", "ocrtext.py", "text.py", "errors.py", "files.py",
)


@lru_cache(maxsize=1)
def reader_version() -> str:
    """sha256 (12 hex digits) over the reader's source files."""
    return source_version(_READER_SOURCES)


def source_version(names: tuple[str, ...]) -> str:
    """sha256 (12 hex digits) over files of the corpus package (paths relative to it)."""
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for name in names:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:12]


def table_from_json(d: dict) -> Table:
    """A Table from its `dataclasses.asdict` form."""
    rows = tuple(
        TableRow(
            label=tuple(r["label"]), cells=tuple(r["cells"]), start=r["start"], end=r["end"],
            cell_spans=tuple(tuple(s) for s in r["cell_spans"]), is_total=r["is_total"],
            unit=r.get("unit", ""),
        )
        for r in d["rows"]
    )
    return Table(
        id=d["id"], doc_id=d["doc_id"], caption=d["caption"], section=tuple(d["section"]),
        columns=tuple(d["columns"]), rows=rows, start=d["start"], end=d["end"],
        header_span=tuple(d["header_span"]), unit_text=d["unit_text"], multiplier=d["multiplier"],
        footnotes=tuple(tuple(f) for f in d["footnotes"]), page=d["page"],
        column_units=tuple(d["column_units"]),
    )


def cached(path: Path, data: bytes, read: Callable[[], "Content"]) -> "Content":  # noqa: F821
    """The content of `path` (bytes `data`) from the cache, else `read()` and cache it."""
    from corpus.files import read_json, write_json_quietly
    from corpus.loaders import Content

    digest = hashlib.sha256(data).hexdigest()
    cache = Path(path).parent / CACHE_DIR / f"{digest}-{reader_version()}.json"
    d = read_json(cache)
    try:
        return Content(
            text=d["text"], page_starts=tuple(d["page_starts"]),
            tables=tuple(table_from_json(t) for t in d["tables"]),
            ocr_pages=tuple(d["ocr_pages"]), unreadable_pages=tuple(d["unreadable_pages"]),
            skipped_tables=int(d["skipped_tables"]), warnings=tuple(d.get("warnings", ())),
        )
    except (KeyError, TypeError):
        pass
    content = read()
    write_json_quietly(cache, asdict(content))  # a read-only folder: no cache, still read
    return content
