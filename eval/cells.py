"""Table-cell accuracy: hand-checked cells of real PDF tables against what the corpus layer makes.

A cells file (`eval/real/cells.jsonl`) holds one checked table cell per line (format in
eval/FORMAT.md): page, table caption, layout tags, row label path, column header path, the
value as printed and its unit. `cell_accuracy(cells, facts)` scores the budget facts the corpus
layer extracted from the same document: a cell is *found* when a table fact on its page has
its printed number, and *exact* when that fact also has the same row path, column path and
unit. Matching is a pure function of the two lists, so it is tested on hand-made facts.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from corpus.numbers import parse_dutch_number
from corpus.text import unbreak
from eval.gold import SPLITS, GoldFormatError, json_lines
from eval.metrics import same_unit

PATH_SEPARATOR = " › "
_FIELDS = {"id", "page", "table", "layout", "row", "column", "raw", "value", "unit", "split", "document"}


@dataclass(frozen=True)
class GoldCell:
    """One hand-checked cell. row / column: label paths, outermost first."""

    id: str
    page: int
    table: str
    layout: tuple[str, ...]
    row: tuple[str, ...]
    column: tuple[str, ...]
    raw: str
    value: float
    unit: str
    split: str | None = None
    document: str | None = None

    @property
    def number(self) -> float:
        """The number as printed ("-1.291" -> -1291.0)."""
        number = parse_dutch_number(self.raw)
        return float("nan") if number is None else number


class FactLike(Protocol):
    """What cell matching reads of a corpus.models.BudgetFact."""

    number: float
    doc_id: str
    row: str
    column: str
    unit: str
    table_id: str
    page: int | None


def _path(obj: Mapping, key: str, line_no: int, allow_empty: bool = False) -> tuple[str, ...]:
    value = obj.get(key)
    if not isinstance(value, list) or not (value or allow_empty) or not all(isinstance(x, str) and x.strip() for x in value):
        raise GoldFormatError(f"Regel {line_no}: '{key}' moet een lijst van teksten zijn.")
    return tuple(value)


def load_cells(path: str | Path) -> list[GoldCell]:
    """Read a cells file; GoldFormatError (Dutch, with the line number) on a malformed line."""
    path = Path(path)
    cells: list[GoldCell] = []
    seen: set[str] = set()
    for line_no, obj in json_lines(path, "cellenbestand"):
        if not isinstance(obj, dict):
            raise GoldFormatError(f"Regel {line_no}: elke regel moet één JSON-object zijn.")
        unknown = set(obj) - _FIELDS
        if unknown:
            raise GoldFormatError(f"Regel {line_no}: onbekend veld {sorted(unknown)[0]!r}.")
        cid, raw, unit, table = obj.get("id"), obj.get("raw"), obj.get("unit"), obj.get("table")
        if not all(isinstance(x, str) and x.strip() for x in (cid, raw, unit, table)):
            raise GoldFormatError(f"Regel {line_no}: 'id', 'table', 'raw' en 'unit' moeten tekst zijn.")
        page, value = obj.get("page"), obj.get("value")
        if isinstance(page, bool) or not isinstance(page, int) or page < 1:
            raise GoldFormatError(f"Regel {line_no}: 'page' moet een paginanummer zijn.")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise GoldFormatError(f"Regel {line_no}: 'value' moet een getal zijn.")
        if parse_dutch_number(raw) is None:
            raise GoldFormatError(f"Regel {line_no}: {raw!r} is geen getal zoals gedrukt.")
        split = obj.get("split")
        if split is not None and split not in SPLITS:
            raise GoldFormatError(f"Regel {line_no}: 'split' moet 'dev' of 'test' zijn.")
        if cid in seen:
            raise GoldFormatError(f"Regel {line_no}: id {cid!r} komt twee keer voor.")
        seen.add(cid)
        layout = obj.get("layout", [])
        if not isinstance(layout, list) or not all(isinstance(x, str) for x in layout):
            raise GoldFormatError(f"Regel {line_no}: 'layout' moet een lijst van teksten zijn.")
        cells.append(GoldCell(
            id=cid, page=page, table=table, layout=tuple(layout), row=_path(obj, "row", line_no),
            column=_path(obj, "column", line_no, allow_empty=True), raw=raw, value=float(value), unit=unit, split=split,
            document=obj.get("document"),
        ))
    if not cells:
        raise GoldFormatError(f"Het cellenbestand {path.name} bevat geen cellen.")
    return cells


def label_key(label: str | Sequence[str]) -> str:
    """A row or column path in comparable form: its words in order, NFKC, case-folded, soft
    hyphens dropped, words broken over two lines joined. Where a path splits into levels is not compared: a header printed as
    "Rekening" over "2022" is one wrapped cell to one reader and two header rows to another,
    and both name the same column; "Rekening › 2022 › baten" == "Rekening 2022 › baten".
    A table without column headers has the empty path (and the placeholder "kolom N")."""
    text = label if isinstance(label, str) else PATH_SEPARATOR.join(label)
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "")
    if re.fullmatch(r"\s*kolom \d+\s*", text):
        return ""
    # A broken word is one word whichever reader joins it ("Verminde- ringen" / "Verminderingen").
    return unbreak(" ".join(re.sub(r"[›:]", " ", text).casefold().split()))


@dataclass(frozen=True)
class CellOutcome:
    cell: GoldCell
    found: bool  # a table fact on the page with the printed number
    row_ok: bool
    column_ok: bool
    unit_ok: bool
    exact: bool  # one fact with the number, row path, column path and unit all right
    closest: Any = None  # the best candidate fact, for the report


def match_cell(cell: GoldCell, facts: Sequence[FactLike]) -> CellOutcome:
    """Score one checked cell against the facts of its document (see the module docstring).

    Candidates are table facts of the cell's document whose page is the cell's page and whose printed number equals
    the cell's. Of those, the one with the most parts right is reported as the closest.
    """
    candidates = [
        f for f in facts
        if f.table_id
        and (cell.document is None or f.doc_id == cell.document)
        and getattr(f, "page", None) == cell.page
        and abs(f.number - cell.number) < 1e-9
    ]
    if not candidates:
        return CellOutcome(cell, False, False, False, False, False)
    row, column = label_key(cell.row), label_key(cell.column)

    def parts(f: FactLike) -> tuple[bool, bool, bool]:
        return label_key(f.row) == row, label_key(f.column) == column, same_unit(f.unit, cell.unit)

    best = max(candidates, key=lambda f: sum(parts(f)))
    row_ok, column_ok, unit_ok = parts(best)
    return CellOutcome(cell, True, row_ok, column_ok, unit_ok, row_ok and column_ok and unit_ok, best)


def cell_accuracy(cells: Iterable[GoldCell], facts: Sequence[FactLike]) -> dict[str, Any]:
    """Accuracy overall, per split and per layout tag: value-only ("found"), row, column,
    unit and exact (all four). Returns {"overall": block, "by_split": {...}, "by_layout":
    {...}, "outcomes": [CellOutcome]} where a block is {"n", "value", "row", "column",
    "unit", "exact"}."""
    outcomes = [match_cell(c, facts) for c in cells]

    def block(items: Sequence[CellOutcome]) -> dict[str, float | int]:
        n = len(items)
        if not n:
            return {"n": 0}
        return {
            "n": n,
            "value": sum(o.found for o in items) / n,
            "row": sum(o.row_ok for o in items) / n,
            "column": sum(o.column_ok for o in items) / n,
            "unit": sum(o.unit_ok for o in items) / n,
            "exact": sum(o.exact for o in items) / n,
        }

    by_split: dict[str, list[CellOutcome]] = {}
    by_layout: dict[str, list[CellOutcome]] = {}
    for o in outcomes:
        if o.cell.split:
            by_split.setdefault(o.cell.split, []).append(o)
        for tag in o.cell.layout:
            by_layout.setdefault(tag, []).append(o)
    return {
        "overall": block(outcomes),
        "by_split": {k: block(v) for k, v in sorted(by_split.items())},
        "by_layout": {k: block(v) for k, v in sorted(by_layout.items())},
        "outcomes": outcomes,
    }


def cells_markdown(result: Mapping[str, Any], max_failures: int = 40) -> str:
    """The accuracy table (overall, per split, per layout) and the first failures."""
    names = ("value", "row", "column", "unit", "exact")
    lines = ["| cells | n | value only | row path | column path | unit | exact (all four) |", "|---|---|---|---|---|---|---|"]
    rows = [("all", result["overall"])]
    rows += [(f"split: {k}", v) for k, v in result["by_split"].items()]
    rows += [(f"layout: {k}", v) for k, v in result["by_layout"].items()]
    for label, b in rows:
        cells = [f"{b[n]:.3f}" if n in b else "–" for n in names]
        lines.append(f"| {label} | {b.get('n', 0)} | " + " | ".join(cells) + " |")
    failed = [o for o in result["outcomes"] if not o.exact]
    if failed:
        lines += ["", f"Cells not exact ({len(failed)}), first {min(len(failed), max_failures)}:", ""]
    for o in failed[:max_failures]:
        c = o.cell
        want = f"p. {c.page} {c.table}: row “{PATH_SEPARATOR.join(c.row)}”, column “{PATH_SEPARATOR.join(c.column)}”, `{c.raw}` {c.unit}"
        if o.closest is None:
            lines.append(f"- {c.id} {want} → not found")
        else:
            f = o.closest
            lines.append(f"- {c.id} {want} → row “{f.row}”, column “{f.column}”, unit {f.unit}")
    return "\n".join(lines) + "\n"
