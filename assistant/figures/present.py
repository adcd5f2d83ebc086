"""How a figure and its source are written for the user, and the result of a lookup."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.models import Calculation
from corpus.models import BudgetFact, DocumentMeta
from corpus.numbers import format_dutch_number, parse_dutch_number

@dataclass(frozen=True)
class BudgetResult:
    """Outcome of a lookup.

    facts: the fact(s) used: one for a plain answer, all candidates when ambiguous, the operands
        of a calculation.
    text: the Dutch answer (figure in words people read, source named); empty when not found.
    score: the best candidate's score (see score_fact); found False means: do not answer.
    """

    facts: tuple[BudgetFact, ...]
    ambiguous: bool
    calculation: Calculation | None
    text: str
    score: float
    found: bool
    candidates: tuple[tuple[float, BudgetFact], ...] = field(default=(), repr=False)
    # True when the question clearly names a budget line but asks for a year or flow the
    # documents do not give for it: the caller abstains (with `text`) instead of searching passages.
    declined: bool = False


NOT_FOUND_TEXT = "Ik heb in de documenten geen bedrag gevonden dat duidelijk bij deze vraag past."

_MULTIPLIERS = {"x € 1.000": 1000, "x € 1 mln": 1_000_000, "€": 1}


def fact_multiplier(fact: BudgetFact) -> int | None:
    """Euros per printed unit of a fact, from its unit; None when unknown or a percentage."""
    return _MULTIPLIERS.get(fact.unit)


def format_figure(fact: BudgetFact) -> str:
    """The figure as a person reads it: "€ 95.225.000 (95.225 × € 1.000)", "€ 45.917.564",
    "-1.100 (eenheid niet vermeld)", "4%", "21 gemeenten"."""
    if fact.unit == "%":
        return f"{format_dutch_number(fact.number)}%"
    counts = dict(fact.extra).get("counts")
    if counts:  # a number of things says what it counts: "21 gemeenten", "165 km"
        return f"{fact.raw.strip()} {counts}"
    m = fact_multiplier(fact)
    if m is None:
        return f"{fact.raw.strip()} (eenheid niet vermeld)"
    euros = f"€ {format_dutch_number(fact.value)}"
    if m > 1:
        return f"{euros} ({format_dutch_number(fact.number)} × € {'1.000' if m == 1000 else '1 mln'})"
    if fact.table_id or parse_dutch_number(fact.raw) == fact.value:
        return euros
    return f"{euros} ({fact.raw})"


def describe_source(fact: BudgetFact, meta: DocumentMeta | None) -> str:
    """ "tabel ‘Exploitatie’, rij ‘Lasten’, kolom ‘Begroting na wijzigingen’ in ‘…’ (Deventer)"."""
    doc = f"‘{meta.title}’" if meta else f"‘{fact.doc_id}’"
    town = f" ({fact.municipality})" if fact.municipality else ""
    if fact.table_id:
        parts = [f"tabel ‘{fact.table}’" if fact.table else "tabel", f"rij ‘{fact.row}’"]
        if fact.column:
            parts.append(f"kolom ‘{fact.column}’")
        return ", ".join(parts) + f" in {doc}{town}"
    return f"de zin ‘{fact.sentence}’ in {doc}{town}"


# Words for reports whose following year names the document, not a column.


def _scale(f: BudgetFact) -> float:
    """Euros per printed unit of one fact (1000 for a "x € 1.000" cell, 1e6 for "0,5 miljoen")."""
    return round(f.value / f.number, 6) if f.number else float(fact_multiplier(f) or 1)


def _num_value(v: float) -> str:
    s = format_dutch_number(v)
    return f"({s})" if v < 0 else s


def _num(f: BudgetFact) -> str:
    """A printed operand; negatives in parentheses so "−" stays readable."""
    s = format_dutch_number(f.number)
    return f"({s})" if f.number < 0 else s


def _abs_num(f: BudgetFact) -> str:
    return format_dutch_number(abs(f.number))


def _slot_name(f: BudgetFact) -> str:
    """How an operand is named: its column, or for an in-text amount the amount and its year."""
    if f.column:
        return f"‘{f.column}’"
    if not f.table_id:
        years = dict(f.extra).get("year", "").split()  # one year, or a period's years
        period = years[0] if len(years) == 1 else f"{years[0]}–{years[-1]}" if years else ""
        return f"{f.raw.strip()}" + (f" ({period})" if period else "")
    return f"‘{f.row}’"
