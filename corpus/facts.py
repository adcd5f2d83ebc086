"""Budget facts: every figure in a table cell or in a sentence, with what is needed to cite it.

`table_frame` turns a Table into a pandas DataFrame for display; `extract_facts` turns tables
and in-text amounts into `BudgetFact` values, with the numbers of things and the listed numbers
of corpus.countfacts. Pandas is imported inside `table_frame` only.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING, Iterable

from corpus.countfacts import count_facts, listed_facts
from corpus.factcontext import PARAGRAPH_CHARS, UNIT_UNKNOWN, row_line, row_name, sentence_bounds, subject_phrase
from corpus.lexicon import words
from corpus.models import BudgetFact, Document, Table, TableRow
from corpus.numbers import find_amounts, parse_dutch_number, split_footnote, split_year_note
from corpus.sentences import LINE_END, SENTENCE_END_MARK
from corpus.tables import cell_footnote, parse_unit

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from corpus.derived import DerivedCache

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


def is_money_unit(unit: str) -> bool:
    """True for the unit of an amount of money ("€", "x € 1.000", "x € 1 mln")."""
    return unit == "€" or unit.startswith("x € ")


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
    if multiplier is None and "€" in raw:
        return "€"  # the cell states its own unit ("€ 334")
    return unit_label(multiplier)


def row_multiplier(printed: str, table_multiplier: int | None) -> tuple[int | None, bool]:
    """(euros per printed unit, is a percentage) of a row's cells: what the row's unit column
    states ("Duizend euro" -> 1000, "%" -> percent), else the table's unit. A row that states
    a unit that is no amount of euros ("Aantal per 1.000 inwoners") is not read in the
    table's money unit."""
    if not printed.strip():
        return table_multiplier, False
    text, multiplier = parse_unit(printed)
    return multiplier, text is not None and multiplier is None


def _row_note(text: str, row: TableRow) -> str:
    """The description a PDF table row carries after its cells ("Riolering | 1.548 | … |
    Reparaties, verhelpen storingen"), "" when none."""
    ends = [e for s, e in row.cell_spans if s >= 0]
    if not ends:
        return ""
    bar = text.find("|", max(ends), row.end)
    return " ".join(text[bar + 1 : row.end].split())[:400] if bar >= 0 else ""


def table_facts(doc: Document, table: Table) -> list[BudgetFact]:
    """One fact per numeric cell. value is euros (number × multiplier) when the unit is known;
    the unit is the column's, else the row's (its unit column), else the table's."""
    facts = []
    # The printed header line names the label columns too ("Programma | Besloten via | …"),
    # which Table.columns leaves out: kept as context words for the cells.
    hs, he = table.header_span
    header = " ".join(doc.text[hs:he].replace("|", " ").split())[:300] if 0 <= hs < he <= len(doc.text) else ""
    # The header line names the value columns too; text above a table continued from the
    # previous page (the wrapped cells of its last row) shares none of their words.
    column_words = {w for c in table.columns for w in words(c)}
    if header and column_words and not column_words & set(words(header)):
        header = ""
    column_units = table.column_units or (None,) * len(table.columns)
    for r in table.rows:
        note = _row_note(doc.text, r)
        for col, col_unit, raw, (start, end) in zip(table.columns, column_units, r.cells, r.cell_spans):
            if not raw:
                continue
            number = parse_dutch_number(raw)
            if number is None:
                continue
            # "44,2% (2022)": the figure is the cell, the note the year it was measured in.
            raw, measured = split_year_note(raw)
            multiplier, percent = row_multiplier(r.unit, table.multiplier)
            unit = col_unit or ("%" if percent else _fact_unit(multiplier, raw))
            value = number * multiplier if multiplier and unit != "%" else number
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
                    extra=((("is_total", "1"),) if r.is_total else ()) + ((("header", header),) if header else ())
                    + ((("unit", r.unit),) if r.unit else ())
                    + ((("year", str(measured)),) if measured else ())
                    + ((("note", note),) if note else ()),
                )
            )
    return facts


# A year printed right after an amount belongs to it: "van 44.000 euro in 2019 naar 21.300
# euro in 2022". A range ("2022-2025") is a period, not the amount's year.
_YEAR_AFTER_RE = re.compile(r"\s*(?:in|voor|over|per|vanaf|tot en met|t/m)?\s*((?:19|20)\d\d)(?![\d]|\s*[-–/]\s*\d)")
_YEAR_IN_RE = re.compile(r"(?<![\d.,])(?<![-–/])(?<![-–/]\s)((?:19|20)\d\d)(?![\d.,]|\s*[-–/]\s*\d)")
_BLOCK_END_RE = re.compile(LINE_END + r"|\|")
SUBJECT_CHARS = 80  # the words just before an amount that may name its year


# Years joined into one period ("2025 en 2026", "2024 t/m 2027", "2023, 2024 en 2025"): an
# amount about such a period is about each of its years. Not a period: alternatives ("2024 of
# 2025"), a bare comma ("in 2025, 2026 blijft …"), two years compared ("tussen 2022 en 2024",
# "het verschil tussen …"), or years matched one by one to amounts ("respectievelijk").
_YEAR = r"(?:19|20)\d\d"
_PERIOD_RE = re.compile(
    r"(?<!\d)(" + _YEAR + r")(?:\s*,\s*" + _YEAR + r")*\s*(?:en|t/m|tot en met|tot)\s*" + _YEAR + r"(?!\d|[.,]\d)"
)
_NOT_A_PERIOD = re.compile(r"\btussen\s*$")
_RANGE_JOIN = re.compile(r"t/m|tot")


def _period(match: re.Match[str], before: str) -> tuple[int, ...]:
    """The years of a period match; () when the words before it make it a comparison."""
    if _NOT_A_PERIOD.search(before):
        return ()
    found = [int(y) for y in re.findall(_YEAR, match.group(0))]
    if _RANGE_JOIN.search(match.group(0)) and len(found) == 2 and 0 < found[1] - found[0] <= 30:
        return tuple(range(found[0], found[1] + 1))
    return tuple(dict.fromkeys(found))


def amount_year(text: str, subject: str, end: int) -> tuple[int, ...]:
    """The years an in-text amount is about: the year printed right after it ("21.300 euro
    in 2022"), else the last year in its subject phrase ("Het nadeel 2023 bedraagt
    €1.093.480"); every year of a period joined there ("€ 300.000 voor 2025 en 2026", "kost in
    2025 t/m 2027 € 420.000"); () when none, or when the years go with the amounts one by one
    ("respectievelijk")."""
    m = _YEAR_AFTER_RE.match(text, end)
    if m:
        period = _PERIOD_RE.match(text, m.start(1))
        if period:
            return _period(period, text[max(0, m.start(1) - 20) : m.start(1)])
        return (int(m.group(1)),)
    if "respectievelijk" in subject.lower():
        return ()
    found = list(_YEAR_IN_RE.finditer(subject))
    if not found:
        return ()
    periods = [p for p in _PERIOD_RE.finditer(subject) if p.end() == found[-1].end()]
    if periods:
        return _period(periods[-1], subject[: periods[-1].start()])
    return (int(found[-1].group(1)),)


def paragraph_before(text: str, start: int, limit: int = PARAGRAPH_CHARS) -> str:
    """The text of the same line or table cell before `start` (at most `limit` characters):
    the earlier sentences that say what an amount is about ("Per 1 mei 2022 is het BAD ...")."""
    left = max(0, start - limit)
    for m in _BLOCK_END_RE.finditer(text, left, start):
        left = m.end()
    return text[left:start].strip()


# A sentence that opens by pointing back ("Hiervoor is € 80.000 beschikbaar", "Daarmee is
# € 1,2 miljoen gemoeid", "Dit bedrag …") is about what the sentence before it names: that
# sentence is the amount's context (extra "context").
_ANAPHORIC_OPENER = re.compile(
    r"(?:hier|daar)(?:voor|mee|bij|van|in|door|naast|toe|om|op|aan|uit)\b"
    r"|(?:dit|dat|deze|die)\s+(?:bedrag|geld|budget|middelen|krediet|kosten)\b",
    re.IGNORECASE,
)


def previous_sentence(paragraph: str) -> str:
    """The last sentence of the text before a sentence (all of it when it is one)."""
    body = paragraph.rstrip()
    ends = [m.end() for m in SENTENCE_END_MARK.finditer(body) if m.end() < len(body)]
    return " ".join((body[ends[-1]:] if ends else body).split())


# A date or year followed by a colon right before an amount: the amount's label.
_DATE_LABEL_RE = re.compile(r"(?<!\d)(?:\d{1,2}[-/.]\d{1,2}[-/.])?((?:19|20)\d\d)\s*:\s*$")


# The word that makes an amount a part of the one before it in its sentence.
_PART_RE = re.compile(r"\b(?:waarvan|daarvan|hiervan)\b", re.IGNORECASE)


def text_facts(doc: Document, tables: Iterable[Table] = (), skip: Iterable[tuple[int, int]] = ()) -> list[BudgetFact]:
    """Facts for amounts written in sentences (€45.917.564, 0,5 miljoen euro, 10%).

    An amount inside an explanation cell of a table gets that row's label as context
    (extra "context"), so "het voorlopig budget" is findable under its item "Buig budget".
    The subject phrase (row) stops at an earlier amount of the same sentence, so "21.300 euro"
    in "van 44.000 euro in 2019 naar 21.300 euro in 2022" is not described by the first
    amount's words; extra "year" is the amount's own year (see `amount_year`), extra
    "paragraph" the earlier text of its line or cell, and extra "part" is "part" for an amount
    a sentence gives as part of an earlier one ("waarvan") and "whole" for that earlier one;
    a sentence opening by pointing back ("Hiervoor …") gets the sentence before it as context;
    an amount in a later cell of a line of cells (a table of descriptions read row by row) gets
    the row's name, its first cell, as context and the whole line as its paragraph; both kinds
    of row name are also extra "row_name".
    """
    skip = list(skip)
    rows = [(r.start, r.end, row_label(r.label), t.caption) for t in tables for r in t.rows]
    facts = []
    amounts = find_amounts(doc.text)
    for i, a in enumerate(amounts):
        if any(a.start < e and s < a.end for s, e in skip):
            continue
        s0, s1 = sentence_bounds(doc.text, a.start, a.end)
        sentence = doc.text[s0:s1].strip().replace("\n", " ")  # a wrapped line is one sentence (same length)
        lead = len(doc.text[s0:s1]) - len(doc.text[s0:s1].lstrip())
        subject_from = 0
        part = False
        if i > 0 and amounts[i - 1].end > s0 + lead and amounts[i - 1].end <= a.start:
            prev = amounts[i - 1]
            m = _YEAR_AFTER_RE.match(doc.text, prev.end)
            subject_from = (m.end() if m else prev.end) - (s0 + lead)
            # "€ 5,5 miljoen, waarvan € 1,5 miljoen van de gemeente": a part of the earlier
            # amount, described by the whole's subject; both are marked (extra "part").
            part = bool(_PART_RE.search(doc.text, prev.end, a.start))
            if part:
                subject_from = 0
                if facts and facts[-1].start == prev.start:
                    facts[-1] = replace(facts[-1], extra=facts[-1].extra + (("part", "whole"),))
        offset = a.start - (s0 + lead)
        subject = subject_phrase(sentence[subject_from:], offset - subject_from) if 0 <= subject_from <= offset else subject_phrase(sentence, offset)
        extra: list[tuple[str, str]] = []
        # A date printed as the amount's label ("01-01-2024: € 1.787.000 31-12-2024: € 1.667.000")
        # is its own year, and a list of dated amounts shares the subject before its first date.
        labelled = _DATE_LABEL_RE.search(doc.text, max(0, a.start - 16), a.start)
        if labelled:
            extra.append(("label", labelled.group(0).rstrip(": ")))
            previous = facts[-1] if facts and i > 0 and facts[-1].start == amounts[i - 1].start else None
            if previous and not part and s0 <= previous.start and not doc.text[previous.end : labelled.start()].strip():
                subject = previous.row
        # A year in the subject phrase after an earlier amount of the same sentence belongs to
        # that amount's clause ("€200.000 over te hevelen naar 2026 en €55.000 toe te voegen").
        own_years = (int(labelled.group(1)),) if labelled else amount_year(
            doc.text, "" if subject_from else sentence[max(0, offset - SUBJECT_CHARS) : max(0, offset)], a.end
        )
        if own_years:
            extra.append(("year", " ".join(str(y) for y in own_years)))
        if part:
            extra.append(("part", "part"))
        paragraph = paragraph_before(doc.text, s0)
        if paragraph:
            extra.append(("paragraph", paragraph))
            if _ANAPHORIC_OPENER.match(sentence):
                extra.append(("context", previous_sentence(paragraph)))
        for rs, re_, label, caption in rows:
            if rs <= a.start < re_ and label:
                extra += [("context", label), ("row_name", label)]
                if caption:
                    extra.append(("table", caption))
                break
        else:
            name = row_name(doc.text, a.start)
            if name:  # what the row is about, before what its sentence points back to; its other cells
                told = [v for k, v in extra if k == "context"]
                extra = [(k, v) for k, v in extra if k not in ("context", "paragraph")] + [
                    ("context", " ".join([name, *told])), ("row_name", name), ("paragraph", row_line(doc.text, a.start))]
        value = a.value_euros if a.value_euros is not None else a.number
        facts.append(
            BudgetFact(
                value=value,
                number=a.number,
                raw=a.raw,
                unit=a.unit or UNIT_UNKNOWN,
                row=subject,
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
    listed = listed_facts(doc)
    spans += [(f.start, f.end) for f in listed]
    in_text = text_facts(doc, tables, skip=spans)
    counted = count_facts(doc, skip=spans + [(f.start, f.end) for f in in_text])
    facts = sorted(cell_facts, key=lambda f: f.start) + sorted(listed + in_text + counted, key=lambda f: f.start)
    if not doc.page_starts:
        return facts
    ocr = set(doc.ocr_pages)
    return [replace(f, page=doc.page_at(f.start), ocr=doc.page_at(f.start) in ocr) for f in facts]


def tables_and_facts(documents: Iterable[Document], cache: "DerivedCache | None" = None) -> tuple[list[Table], list[BudgetFact]]:
    """Every table (with its section path, as the chunker sees it) and every fact of the
    documents: what the budget layer and the cell evaluation read; from `cache` (the corpus
    folder's, see corpus.derived) when it holds them."""
    from corpus.chunking import document_tables

    def derive(doc: Document) -> tuple[list[Table], list[BudgetFact]]:
        doc_tables = document_tables(doc)
        return doc_tables, extract_facts(doc, doc_tables)

    tables: list[Table] = []
    facts: list[BudgetFact] = []
    for doc in documents:
        doc_tables, doc_facts = cache.tables_and_facts(doc, lambda: derive(doc)) if cache else derive(doc)
        tables.extend(doc_tables)
        facts.extend(doc_facts)
    return tables, facts


def fact_footnote_marker(raw: str) -> str:
    """The footnote marker of a raw cell ("-1.291*" -> "*")."""
    return split_footnote(raw)[1]
