"""Arithmetic on cited cells: differences between years or phases, changes in percent, sums.

Every calculation names its operands' cells and shows its expression; the grounding guard
accepts its result because the calculation is part of the answer.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Sequence

from assistant.figures.present import (
    BudgetResult,
    _abs_num,
    _num,
    _num_value,
    _scale,
    _slot_name,
    describe_source,
    fact_multiplier,
)
from assistant.figures.candidates import fact_flows
from assistant.figures.terms import QueryTerms, tokens
from assistant.models import Calculation, Filters
from corpus.lexicon import LIFECYCLE, TOTAL_ASKED, calculation_asked, change_direction, difference_parts, flows, position, sides
from corpus.numbers import format_dutch_number

if TYPE_CHECKING:
    from assistant.figures.store import FactStore
    from corpus.models import BudgetFact


def calculation(store: "FactStore", question: str, q: QueryTerms, filters: Filters) -> BudgetResult | None:
    """A difference, percentage change or sum the question asks for, computed from cited cells; None when it asks none."""
    asked_for = calculation_asked(question)
    if asked_for is None:
        return None
    kind, rest = asked_for
    if kind == "sum":
        return _sum(store, rest, q, filters)
    if kind == "sum_years":
        return _sum_years(store, q, filters)
    if kind == "sum_including":
        return _sum_including(store, rest, q, filters)
    return _difference(store, question, q, filters, kind == "percent")


def _difference(store: "FactStore", question: str, q: QueryTerms, filters: Filters, percent: bool) -> BudgetResult | None:
    ys = sorted(q.years)
    slots: list[QueryTerms] = []
    if len(ys) >= 2:
        slots = [_replace(q, years=frozenset({y})) for y in (ys[0], ys[-1])]
    elif len(q.phases) >= 2:
        # Earlier stage first, so the difference reads "later minus earlier" (realisatie − begroot).
        ordered = [p for p in LIFECYCLE if p in q.phases]
        slots = [_replace(q, phases=frozenset({p})) for p in (ordered[0], ordered[-1])] if len(ordered) >= 2 else []
    parts = difference_parts(question) if len(slots) < 2 else None
    if parts:
        # "het verschil tussen de totale kosten en de opbrengsten van de afvalstoffenheffing":
        # two things of one subject, each found by its own words and flow.
        pair = _compared_pair(store, [_part_terms(part, q) for part in parts], filters)
        if pair:
            return _difference_result(store, question, pair[0][2], pair[1][2], percent, min(pair[0][0], pair[1][0]))
    if len(slots) < 2:
        # One subject, no two years or phases: a change the text states ("daalt van € 5
        # miljoen naar € 3 miljoen", "… € 18,7 miljoen. Dit zal afnemen tot € 12,5 miljoen").
        best = store.best(q, filters)
        pair = stated_change(store.facts, best[2]) if best else None
        if pair is None:
            return None
        return _difference_result(store, question, pair[0], pair[1], percent, best[0])
    first = store.best(slots[0], filters)
    if first is None:
        return None
    # The second operand comes from the same row of the same table when possible.
    same_row = [f for f in store.facts if f.table_id == first[2].table_id and f.row == first[2].row and f.table_id]
    second = None
    if same_row:
        sub = store.restricted(same_row)
        second = sub.best(slots[1], filters)
    if second is None:
        second = store.best(slots[1], filters)
    if second is None or second[2] is first[2]:
        return None
    return _difference_result(store, question, first[2], second[2], percent, min(first[0], second[0]))


# A change stated in prose: its new level follows "naar"/"tot" ("daalt naar € 3 miljoen",
# "afnemen tot € 12,5 miljoen"), its old level "van" ("van € 5 miljoen"), in the same
# sentence or, when the sentence refers back to it ("dit", "dat", "deze"), the amount just
# before it.
_TO_LEVEL = re.compile(r"\b(?:naar|tot)\s*$")
_FROM_LEVEL = re.compile(r"\bvan\s*$")
_REFERS_BACK = re.compile(r"\b(?:dit|dat|deze|die)\b")
# How far back the old level may stand when the new one refers to it: the sentence before.
STATED_CHANGE_REACH = 400


def _part_terms(part: str, q: QueryTerms) -> QueryTerms:
    """The terms of one of two things compared: its own words (the question's others as
    context) and its own flow ("de totale kosten": lasten; "de opbrengsten van X": baten of X),
    a level, not a change."""
    own = tuple(tokens(part))
    shared = tuple(t for t in q.topic if t not in own)
    return _replace(
        q, topic=own or q.topic, context=(shared + q.context) if own else q.context,
        flows=frozenset(flows(part)) or q.flows, sides=frozenset(sides(part)), wants_change=False,
        wants_total=bool(TOTAL_ASKED.search(part)), meaning={},
    )


# Two things of one subject are compared within one table when one of the best candidates of
# each shares it (a calculation of the kostendekkendheid prints the costs and the revenue).
PAIR_CANDIDATES = 10


Ranked = tuple[float, float, "BudgetFact"]  # (score, coverage, fact), as FactStore.rank gives them


def _compared_pair(store: "FactStore", terms: list[QueryTerms], filters: Filters) -> tuple[Ranked, Ranked] | None:
    """The facts of two things compared: the best pair from one table among each one's best
    candidates, else each one's best; None when either has none or both are one fact."""
    (best_a, first), (best_b, second) = (store.best_and_candidates(t, filters, PAIR_CANDIDATES) for t in terms)
    if not best_a or not best_b:
        return None
    pairs = []
    for table in {r[2].table_id for r in first if r[2].table_id} & {r[2].table_id for r in second}:
        a = next(r for r in first if r[2].table_id == table)
        b = next((r for r in second if r[2].table_id == table and r[2] is not a[2]), None)
        if b:
            pairs.append((a, b))
    if pairs:
        return max(pairs, key=lambda ab: ab[0][0] + ab[1][0])
    return (best_a, best_b) if best_a[2] is not best_b[2] else None


def _before(fact: "BudgetFact") -> str:
    at = fact.sentence.find(fact.raw)
    return fact.sentence[:at] if at >= 0 else ""


def stated_change(facts: "Sequence[BudgetFact]", fact: "BudgetFact") -> tuple["BudgetFact", "BudgetFact"] | None:
    """(old level, new level) of a change stated in the text around `fact`, which may be
    either of them: "van € X naar € Y", "€ X. Dit zal afnemen tot € Y", or a sentence's
    amounts dated at the start and the end of a year; None when the text states no change there. Only sentence amounts (a
    table's cells change by their columns). Pure."""
    if fact.table_id:
        return None
    prose = sorted((f for f in facts if f.doc_id == fact.doc_id and not f.table_id and abs(f.start - fact.start) <= 2 * STATED_CHANGE_REACH),
                   key=lambda f: f.start)
    # A position at the start of a year beside the one at its end ("01-01-2024: € 1.787.000
    # 31-12-2024: € 1.667.000", as the paragraaf verbonden partijen prints equity and debt).
    dated = [(f, position(dict(f.extra).get("label", ""))) for f in prose if f.sentence == fact.sentence]
    starts, ends = [f for f, p in dated if p == "start"], [f for f, p in dated if p == "end"]
    if len(starts) == 1 and len(ends) == 1 and fact in (starts[0], ends[0]) and starts[0].start < ends[0].start:
        return starts[0], ends[0]
    for new in prose:
        if not _TO_LEVEL.search(_before(new)) or (change_direction(new.sentence) is None and not re.search(r"\bvan\b", _before(new))):
            continue  # no new level, or "naar" without a change ("overgeheveld naar …")
        olds = [f for f in prose if f.sentence == new.sentence and f.start < new.start and _FROM_LEVEL.search(_before(f))]
        if not olds and _REFERS_BACK.search(_before(new).lower()):
            olds = [f for f in prose if f.sentence != new.sentence and new.start - STATED_CHANGE_REACH <= f.start < new.start]
        if olds and fact in (olds[-1], new) and (fact_multiplier(olds[-1]) is None) == (fact_multiplier(new) is None):
            return olds[-1], new
    return None


def _difference_result(store: "FactStore", question: str, a: "BudgetFact", b: "BudgetFact", percent: bool,
                       score: float) -> BudgetResult | None:
    """b minus a (or the other way, as the question asks), shown with both cells."""
    unit_m = fact_multiplier(a)
    same_unit = a.unit == b.unit
    if percent:
        if a.value == 0:
            return None
        result = (b.value - a.value) / abs(a.value) * 100
        expr = f"({_num(b)} − {_num(a)}) / {_abs_num(a)} × 100% = {format_dutch_number(round(result, 1))}%"
        desc = f"Procentuele verandering van {_slot_name(a)} naar {_slot_name(b)}"
        figure = ""
    else:
        direction = change_direction(question)
        # Both operands printed negative (spending shown as minus): "hoeveel minder besteed"
        # compares amounts, so the magnitudes are subtracted; so are lasten printed negative
        # beside baten printed positive (the BBV overviews' sign convention): "het verschil
        # tussen de kosten en de opbrengsten".
        sides_apart = (a.number < 0) != (b.number < 0) and {"lasten", "baten"} <= fact_flows(a) | fact_flows(b)
        magnitudes = (a.number < 0 and b.number < 0) or sides_apart
        pick = abs if magnitudes else (lambda v: v)
        sign = difference_sign(pick(a.number), pick(b.number), direction)
        first_f, second_f = (b, a) if sign > 0 else (a, b)
        result = pick(first_f.value) - pick(second_f.value)
        same_scale = same_unit and _scale(a) == _scale(b)
        if same_scale:
            printed = pick(first_f.number) - pick(second_f.number)
            shown = (pick(first_f.number), pick(second_f.number))
        else:
            printed = result
            shown = (pick(first_f.value), pick(second_f.value))
        suffix = f" (× € {'1.000' if unit_m == 1000 else '1 mln'})" if same_scale and unit_m and unit_m > 1 else ""
        expr = f"{_num_value(shown[0])} − {_num_value(shown[1])} = {format_dutch_number(printed)}{suffix}"
        if magnitudes:
            expr += " (bedragen zonder minteken vergeleken)"
        desc = {
            "up": f"Toename van {_slot_name(a)} naar {_slot_name(b)}",
            "down": f"Afname van {_slot_name(a)} naar {_slot_name(b)}",
        }.get(direction or "", f"Verschil tussen {_slot_name(first_f)} en {_slot_name(second_f)}")
        if unit_m is None or not same_unit:
            figure = format_dutch_number(result) + (" (eenheid niet vermeld)" if unit_m is None else "")
        else:
            figure = f"€ {format_dutch_number(result)}"
    calc = Calculation(desc, expr, result, (a, b))
    srcs = "; ".join(describe_source(f, store.documents.get(f.doc_id)) for f in (a, b))
    text = f"{desc}: {expr}{', dus ' + figure if figure else ''}. Bronnen: {srcs}."
    return BudgetResult((a, b), False, calc, text, score, True)

def _sum(store: "FactStore", rest: str, q: QueryTerms, filters: Filters) -> BudgetResult | None:
    parts = [p for p in re.split(r"\s+(?:en|and)\s+|,", rest) if tokens(p)]
    if len(parts) < 2:
        return None
    named = {t for p in parts for t in tokens(p)}
    # The question's other subject words are shared by the parts: "de OZB-opbrengst
    # (woningen en niet-woningen samen)" sums the OZB-opbrengst of both.
    shared = tuple(t for t in q.topic if t not in named)
    picked = []
    for part in parts:
        # The whole question's meaning names no single part.
        best = store.best(_replace(q, topic=tuple(tokens(part)), context=shared + q.context, meaning={}), filters)
        if best is None:
            return None
        picked.append(best)
    return _total(store, picked)


def _sum_including(store: "FactStore", added: str, q: QueryTerms, filters: Filters) -> BudgetResult | None:
    """The subject plus the thing the question adds to it ("de nieuwe gemeentewerf, als je de
    aankoop van de grond meetelt"): each found by its own words, the subject's as context of
    the added thing."""
    own = tuple(tokens(added))
    subject = tuple(t for t in q.topic if t not in own)
    if not own or not subject:
        return None
    picked = [store.best(_replace(q, topic=subject, meaning={}), filters),
              store.best(_replace(q, topic=own, context=subject + q.context, meaning={}), filters)]
    if picked[0] is None or picked[1] is None:
        return None
    return _total(store, picked)


def _sum_years(store: "FactStore", q: QueryTerms, filters: Filters) -> BudgetResult | None:
    """The same subject's figures of each named year added up ("in 2024 en 2025 samen")."""
    picked = []
    for year in sorted(q.years):
        best = store.best(_replace(q, years=frozenset({year})), filters)
        if best is None:
            return None
        picked.append(best)
    return _total(store, picked)


def _total(store: "FactStore", picked: list[tuple[float, float, "BudgetFact"]]) -> BudgetResult | None:
    facts = tuple(p[2] for p in picked)
    if len({id(f) for f in facts}) != len(facts):
        return None
    total = sum(f.value for f in facts)
    if len({f.unit for f in facts}) == 1:
        m = fact_multiplier(facts[0])
        printed = sum(f.number for f in facts)
        suffix = f" (× € {'1.000' if m == 1000 else '1 mln'})" if m and m > 1 else ""
        expr = " + ".join(_num(f) for f in facts) + f" = {format_dutch_number(printed)}{suffix}"
    elif all(fact_multiplier(f) for f in facts):
        # Amounts in different units ("€ 500.000" in a sentence, "200" in a table x € 1.000)
        # are added in euros.
        m = 1
        expr = " + ".join(f"€ {format_dutch_number(f.value)}" for f in facts) + f" = € {format_dutch_number(total)}"
    else:
        return None
    figure = f"€ {format_dutch_number(total)}" if m else format_dutch_number(total) + " (eenheid niet vermeld)"
    desc = "Som van " + ", ".join(f"‘{f.row}’" for f in facts)
    calc = Calculation(desc, expr, total, facts)
    srcs = "; ".join(describe_source(f, store.documents.get(f.doc_id)) for f in facts)
    return BudgetResult(facts, False, calc, f"{desc}: {expr}, dus {figure}. Bronnen: {srcs}.",
                        min(p[0] for p in picked), True)


def difference_sign(first: float, second: float, direction: str | None) -> int:
    """+1: report second − first (a rise from the earlier to the later operand); -1: first −
    second. A "down" question reports the fall as a positive amount; a plain "verschil"
    question reports the size of the difference (larger minus smaller); magnitudes are
    compared when both operands are printed negative."""
    if direction == "up":
        return 1
    if direction == "down":
        return -1
    if first < 0 and second < 0:
        return 1 if abs(second) >= abs(first) else -1
    return 1 if second >= first else -1


def _replace(q: QueryTerms, **changes) -> QueryTerms:
    from dataclasses import replace

    return replace(q, **changes)
