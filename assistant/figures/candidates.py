"""What a fact is and whether it can answer a question at all: pure readers of a fact (its
years, phase and flows) and the filters applied before ranking (`kind_fits`, `names_bodies`)
and to the best candidate (`fits_constraints`). `scoring.score_fact` orders what passes.
"""

from __future__ import annotations

from assistant.figures.terms import QueryTerms, token_match, tokens
from corpus.facts import UNIT_UNKNOWN, is_money_unit
from corpus.lexicon import RESERVE_FLOWS, UNIT_NOUNS, column_phase, flows, flows_compatible, same_counted, year_span, years
from corpus.models import BudgetFact
from corpus.text import fold


def fact_years(fact: BudgetFact) -> tuple[str, set[int]]:
    """The most specific years a fact is about and where they come from: ("column", …) for a
    year column; ("own", …) for an in-text amount's own year or the year note printed beside a
    cell ("44,2% (2022)"); ("row", …) for years in the row label; ("sentence", …) for years
    elsewhere in an amount's sentence; ("document", …) for the document's year; ("none",
    set()) when nothing says."""
    col = year_span(fact.column)
    if col:
        return "column", col
    own = dict(fact.extra).get("year")  # one year, or the years of a period ("2025 2026")
    if own:
        return "own", {int(y) for y in own.split()}
    if fact.table_id:
        row = year_span(fact.row)
        if row:
            return "row", row
    elif fact.sentence:
        sent = year_span(fact.sentence)
        if sent:
            return "sentence", sent | ({fact.year} if fact.year else set())
    if fact.year:
        return "document", {fact.year}
    return "none", set()


# Phases a row label may carry for its cells ("Meerjarenbegroting 2023-2026", "Realisatie"); a
# row item named "Technische wijziging" or "Budget bijzondere bijstand" names an item, not a phase.
_ROW_PHASES = ("primitief", "na_wijzigingen", "cumulatief", "realisatie", "prognose")


def fact_phase_source(fact: BudgetFact) -> tuple[str | None, str]:
    """(phase, where it comes from: "column", "row", "caption", "sentence" or "")."""
    if not fact.table_id:
        phase = column_phase(fact.row)
        if phase:
            return phase, "row"
        phase = column_phase(fact.sentence)
        # Elsewhere in the sentence only a specific phase counts ("besteed", "prognose").
        return (phase, "sentence") if phase in _ROW_PHASES else (None, "")
    phase = column_phase(fact.column) if fact.column else None
    if phase:
        return phase, "column"
    row_phase = column_phase(fact.row) if fact.row else None
    if row_phase in _ROW_PHASES or (row_phase == "begroot" and "begroting" in fold(fact.row)):
        return row_phase, "row"
    phase = column_phase(fact.table) if fact.table else None
    return (phase, "caption") if phase else (None, "")


_COLUMN_FLOWS = frozenset({"lasten", "baten", "saldo"})


def fact_flows(fact: BudgetFact) -> frozenset[str]:
    """Money flows a fact names: column and row label; for an in-text amount its sentence too.

    A column that names lasten, baten or saldo decides the cell's flow: the row "Overige baten
    en lasten" has a baten, a lasten and a saldo cell. Only a reserve mutation the row names
    stays with it ("Toevoeging aan reserves" in the lasten column). A cell whose row and column
    name no flow takes the one flow its caption names."""
    column = flows(fact.column)
    if column & _COLUMN_FLOWS:
        return column | (flows(fact.row) & RESERVE_FLOWS)
    named = column | flows(fact.row)
    if not fact.table_id:
        named |= flows(fact.sentence)
    elif not named:
        # A caption naming one flow says what the whole table holds ("Opbrengst uit
        # belastingen", "Lasten per programma").
        caption = flows(fact.table)
        if len(caption) == 1:
            named = caption
    return named


def _fact_years(fact: BudgetFact) -> tuple[set[int], set[int]]:
    """(years in the column header, years in the row label or sentence)."""
    return years(fact.column), years(fact.row) | years(fact.sentence)


# BBV art. 17 (Iv3 taakveld 0.10): a toevoeging aan een reserve is booked as lasten, an
# onttrekking as baten. In a table with baten and lasten columns the mutation asked for stands
# in that column ("Toevoeging aan reserves | baten 0 | lasten -5.542").
_RESERVE_SIDE = {"storting": "lasten", "onttrekking": "baten"}


def reserve_side(asked_flows: frozenset[str] | set[str], fact: BudgetFact) -> int:
    """+1 when the fact's column is the side a reserve mutation asked for is booked on, -1
    when it is the other side, 0 when the question asks no such mutation or the column names
    neither baten nor lasten. Pure."""
    sides = {_RESERVE_SIDE[f] for f in asked_flows if f in _RESERVE_SIDE}
    column = flows(fact.column) & {"lasten", "baten"}
    if len(sides) != 1 or len(column) != 1:
        return 0
    return 1 if column == sides else -1


_BUDGET_PHASES = frozenset({"begroot", "primitief", "na_wijzigingen", "prognose"})


RATIO_LIMIT = 1000  # no ratio or percentage of a budget reaches this


def kind_fits(q: QueryTerms, fact: BudgetFact) -> bool:
    """Whether a fact is the kind of number asked for at all (a candidate, before any ranking):
    a ratio or a percentage is never an amount of money, nor an amount a percentage. A figure
    whose unit the table does not state is no ratio or percentage either when it runs into
    the thousands ("Totale opbrengsten 2.847.000"): the kengetallen, the ratio
    weerstandsvermogen and coverage percentages are small numbers. A number of things
    ("hoeveel aandelen") is no amount of money and no percentage, nor a cell of a flow (a
    baten, lasten or saldo column is money whether the table states its unit or not); a number
    of things in a sentence (extra "counts") or in a list of labelled numbers (extra "listed")
    answers nothing but such a question, and a listed number no number of a unit. Pure."""
    if q.ratio and (is_money_unit(fact.unit) or fact.unit == UNIT_UNKNOWN and abs(fact.value) >= RATIO_LIMIT):
        return False
    if q.counted and (is_money_unit(fact.unit) or fact.unit == "%" or fact.table_id and flows(f"{fact.column} {fact.row}")):
        return False
    counts = dict(fact.extra).get("counts")
    listed = ("listed", "1") in fact.extra  # a number after its label in a list ("Woningen 12")
    if (counts or listed) and not q.counted:
        return False  # a number of things ("21 gemeenten") answers only a question that counts
    if (counts or listed) and fold(q.counted_word) in UNIT_NOUNS and not (counts and same_counted(fold(q.counted_word), counts)):
        return False  # "binnen hoeveel weken": "17 aanvragen" is no number of weeks
    return not (q.money and fact.unit == "%")


def names_bodies(q: QueryTerms, fact: BudgetFact) -> bool:
    """Whether a fact can be about the public body the question names (`QueryTerms.bodies`):
    one of its words stands in the fact's row, column, table, sentence or context ("het eigen
    vermogen van de Veiligheidsregio Haaglanden" is not the municipality's own balance). Pure."""
    if not q.bodies:
        return True
    extra = dict(fact.extra)
    printed = tokens(" ".join((fact.row, fact.column, fact.table, fact.sentence, extra.get("context", ""),
                               extra.get("table", ""), extra.get("paragraph", ""), extra.get("note", ""))))
    return any(token_match(b, printed) >= 0.7 for b in q.bodies)


def fits_constraints(q: QueryTerms, fact: BudgetFact) -> bool:
    """Hard constraints a best candidate must meet to be an answer at all. Pure.

    - a year the question names must be the cell's year (its column, its own year, its row
      label's years, else its sentence's or document's year): "lasten in 2019" is never
      answered from a table of 2023-2026;
    - a flow the question names (lasten, baten, ...) must not contradict the cell's flow:
      "de baten van X" is never answered with the lasten row of X, nor with a sentence about X
      that names no flow at all (a percentage is no side of anything); a toevoeging aan
      reserves is not read from a baten column, an onttrekking not from a lasten column
      (`reserve_side`);
    - a question for what was realised ("volgens de jaarrekening", "gerealiseerd") is not
      answered with a budget or forecast cell.
    """
    if q.years:
        _, ys = fact_years(fact)
        if not ys & q.years:
            return False
    named = fact_flows(fact)
    if q.flows and named and not flows_compatible(q.flows, named):
        return False
    if q.sides and not named and not fact.table_id and fact.unit != "%" and not {"baten", "lasten"} <= q.sides:
        # A sentence that names no lasten/baten/… does not answer "de baten van X"; "baten en
        # lasten" together name the whole (the overview of incidentele baten en lasten), no side.
        return False
    if q.realised and fact_phase_source(fact)[0] in _BUDGET_PHASES:
        return False
    return reserve_side(q.flows, fact) >= 0
