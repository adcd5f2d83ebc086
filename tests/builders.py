"""Inline documents for tests: tables built the way a PDF reader hands them over."""

from __future__ import annotations

from corpus.models import Table, TableRow


def indicator_table(doc_id: str, rows: list[tuple[str, str, str]], column: str,
                    multiplier: int | None = None) -> tuple[str, Table]:
    """(text, table) of a one-column indicator table: rows are (label, the row's unit as its
    Eenheid column prints it, the cell as printed); one "label | cell |" line per row."""
    text, table_rows = "", []
    for label, unit, cell in rows:
        start = len(text) + len(label) + 3
        text += f"{label} | {cell} |\n"
        table_rows.append(TableRow((label,), (cell,), start - len(label) - 3, len(text) - 1,
                                   ((start, start + len(cell)),), unit=unit))
    table = Table(
        id="t", doc_id=doc_id, caption="Beleidsindicatoren", section=(), columns=(column,),
        rows=tuple(table_rows), start=0, end=len(text), header_span=(0, 0),
        unit_text="x € 1.000" if multiplier else None, multiplier=multiplier,
    )
    return text, table
