"""Budget facts: every figure in a table cell or in a sentence, with what is needed to cite it.

`table_frame` turns a Table into a pandas DataFrame for display; `extract_facts` turns tables
and in-text amounts into `BudgetFact` values. Pandas is imported inside `table_frame` only.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterable

from corpus.models import BudgetFact, Document, Table
from corpus.numbers import find_amounts, parse_dutch_number, split_footnote
from corpus.tables import cell_footnote

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

UNIT_UNKNOWN = "eenheid niet vermeld"
LABEL_SEP = " › "
# Label for a total row that prints no label of its own (the Utrecht table's last row).
UNLABELED_TOTAL = "Totaal"


def unit_label(multiplier: int | None) -> str:
    """Human unit for a table multiplier: 1000 -> "x € 1.000", 1 -> "€", None -> unknown."""
    if multiplier is None:
        return UNIT_UNKNOWN
    if multiplier == 1:
        return "€"
    if multiplier == 1_000_000:
        return "x € 1 mln"
    return "x € " + f"{multiplier:,}".replace(",", ".")


def row_label(label: tuple[str, ...], is_total: bool = False) -> str:
    """Row label path joined for display: ("Armoedebeleid", "Lasten") -> "Armoedebeleid › Lasten"."""
    if not label:
        return UNLABELED_TOTAL if is_total else ""
    return LABEL_SEP.join(label)


def table_frame(table: Table) -> "pd.DataFrame":
    """The table as a DataFrame: index = row labels, columns = column headers, values = parsed
    numbers (float) where the cell is a figure, else the raw text (None for an empty cell).

    frame.attrs holds "raw" (a DataFrame of the cells exactly as printed), "caption",
    "unit_text", "multiplier", "table_id" and "spans" (cell offsets, same shape as raw).
    """
    import pandas as pd

    index = [row_label(r.label, r.is_total) for r in table.rows]
    columns = list(table.columns)
    values, raws, spans = [], [], []
    for r in table.rows:
        cells = list(r.cells) + [""] * (len(columns) - len(r.cells))
        row_spans = list(r.cell_spans) + [(-1, -1)] * (len(columns) - len(r.cell_spans))
        raws.append(cells[: len(columns)])
        spans.append(row_spans[: len(columns)])
        parsed = []
        for c in cells[: len(columns)]:
            n = parse_dutch_number(c) if c else None
            parsed.append(n if n is not None else (c or None))
        values.append(parsed)
    frame = pd.DataFrame(values, index=pd.Index(index, name="rij"), columns=columns, dtype=object)
    raw = pd.DataFrame(raws, index=pd.Index(index, name="rij"), columns=columns, dtype=object)
    frame.attrs.update(
        raw=raw,
        spans=spans,
        caption=table.caption,
        unit_text=table.unit_text,
        multiplier=table.multiplier,
        table_id=table.id,
    )
    return frame


def _fact_unit(multiplier: int | None, raw: str) -> str:
    if raw.rstrip().endswith("%"):
        return "%"
    return unit_label(multiplier)


def table_facts(doc: Document, table: Table) -> list[BudgetFact]:
    """One fact per numeric cell. value is euros (number × multiplier) when the unit is known."""
    facts = []
    for r in table.rows:
        for col, raw, (start, end) in zip(table.columns, r.cells, r.cell_spans):
            if not raw:
                continue
            number = parse_dutch_number(raw)
            if number is None:
                continue
            unit = _fact_unit(table.multiplier, raw)
            value = number * table.multiplier if table.multiplier and unit != "%" else number
            facts.append(
                BudgetFact(
                    value=value,
                    number=number,
                    raw=raw,
                    unit=unit,
                    row=row_label(r.label, r.is_total),
                    column=col,
                    table=table.caption,
                    table_id=table.id,
                    doc_id=doc.id,
                    municipality=doc.meta.municipality,
                    year=doc.meta.year,
                    start=start,
                    end=end,
                    footnote=cell_footnote(table, raw),
                    extra=(("is_total", "1"),) if r.is_total else (),
                )
            )
    return facts


_SENT_END_RE = re.compile(r"[.!?](?=\s|$)|\n|\|")
_WORD_RE = re.compile(r"[^\W\d_][\w'’\-]*|\d[\d.,]*", re.UNICODE)


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets of the sentence around text[start:end]; a line or a table cell bounds it too."""
    left = 0
    for m in _SENT_END_RE.finditer(text, max(0, start - 2000), start):
        left = m.end()
    m = _SENT_END_RE.search(text, end)
    right = m.end() if m and m.group(0) not in ("\n", "|") else (m.start() if m else len(text))
    while left < right and text[left].isspace():
        left += 1
    return left, right


def subject_phrase(sentence: str, offset: int, max_words: int = 8) -> str:
    """The words before position `offset` in the sentence (at most max_words), else after it."""
    before = _WORD_RE.findall(sentence[:offset])
    if len(before) >= 2:
        return " ".join(before[-max_words:])
    after = _WORD_RE.findall(sentence[offset:])[1 : 1 + max_words]
    return " ".join(before + after)


def text_facts(doc: Document, tables: Iterable[Table] = (), skip: Iterable[tuple[int, int]] = ()) -> list[BudgetFact]:
    """Facts for amounts written in sentences (€45.917.564, 0,5 miljoen euro, 10%).

    An amount inside an explanation cell of a table gets that row's label as context
    (extra "context"), so "het voorlopig budget" is findable under its item "Buig budget".
    """
    skip = list(skip)
    rows = [(r.start, r.end, row_label(r.label), t.caption) for t in tables for r in t.rows]
    facts = []
    for a in find_amounts(doc.text):
        if any(a.start < e and s < a.end for s, e in skip):
            continue
        s0, s1 = sentence_bounds(doc.text, a.start, a.end)
        sentence = doc.text[s0:s1].strip()
        extra: list[tuple[str, str]] = []
        for rs, re_, label, caption in rows:
            if rs <= a.start < re_ and label:
                extra.append(("context", label))
                if caption:
                    extra.append(("table", caption))
                break
        value = a.value_euros if a.value_euros is not None else a.number
        facts.append(
            BudgetFact(
                value=value,
                number=a.number,
                raw=a.raw,
                unit=a.unit,
                row=subject_phrase(sentence, a.start - s0),
                column="",
                table="",
                table_id="",
                doc_id=doc.id,
                municipality=doc.meta.municipality,
                year=doc.meta.year,
                start=a.start,
                end=a.end,
                sentence=sentence,
                extra=tuple(extra),
            )
        )
    return facts


def extract_facts(doc: Document, tables: Iterable[Table]) -> list[BudgetFact]:
    """All facts of a document: numeric table cells first, then in-text amounts (document order)."""
    tables = list(tables)
    cell_facts = [f for t in tables for f in table_facts(doc, t)]
    spans = [(f.start, f.end) for f in cell_facts]
    in_text = text_facts(doc, tables, skip=spans)
    return sorted(cell_facts, key=lambda f: f.start) + in_text


def fact_footnote_marker(raw: str) -> str:
    """The footnote marker of a raw cell ("-1.291*" -> "*")."""
    return split_footnote(raw)[1]
