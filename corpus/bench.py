"""`python -m corpus.bench PDF…`: what reading a PDF takes and finds (no index, no model).

Prints per document: pages, table regions found per method (ruled: pdfplumber's line
detection; unruled: runs of lines with figures), tables read and rejected by validation,
cells, OCR pages, and seconds per page for text, tables and OCR.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path


def bench(path: Path) -> dict:
    from corpus.pdf import ExtractStats, extract_pdf

    stats = ExtractStats()
    started = time.perf_counter()
    content = extract_pdf(Path(path).read_bytes(), Path(path).name, stats=stats)
    total = time.perf_counter() - started
    pages = max(stats.pages, 1)
    return {
        "document": Path(path).name,
        "pages": stats.pages,
        "regions ruled / unruled": f"{stats.regions['ruled']} / {stats.regions['unruled']}",
        "tables read ruled / unruled": f"{stats.tables_read['ruled']} / {stats.tables_read['unruled']}",
        "rejected by validation": stats.tables_rejected,
        "cells": stats.cells,
        "OCR pages": stats.ocr_pages,
        "s/page text": round(stats.seconds["text"] / pages, 3),
        "s/page tables": round(stats.seconds["tables"] / pages, 3),
        "s/page OCR (OCR pages only)": round(stats.seconds["ocr"] / max(stats.ocr_pages, 1), 2),
        "seconds total": round(total, 1),
        "characters": len(content.text),
    }


def main(argv: list[str] | None = None) -> int:
    paths = [Path(a) for a in (sys.argv[1:] if argv is None else argv)]
    if not paths:
        print("Gebruik: python -m corpus.bench BESTAND.pdf …", file=sys.stderr)
        return 2
    from corpus.errors import CorpusError

    rows = []
    for p in paths:
        try:
            rows.append(bench(p))
        except CorpusError as exc:
            print(str(exc), file=sys.stderr)
        except OSError:
            print(f"Bestand {p.name} bestaat niet of is niet leesbaar.", file=sys.stderr)
    if not rows:
        return 1
    keys = list(rows[0])
    print("| " + " | ".join(keys) + " |")
    print("|" + "---|" * len(keys))
    for r in rows:
        print("| " + " | ".join(str(r[k]) for k in keys) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
