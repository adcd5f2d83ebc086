"""Question understanding: a user question (+ earlier questions) → a search plan.

`understand(question, history, info, explicit)` returns a `QueryPlan`: the question resolved
against the conversation, a search text (abbreviations expanded, English glossed with Dutch
terms), detected filters (municipality, year, document type), and flags for the caller.
Pure and fast: regular expressions and dictionary look-ups, no model calls.

Years: a year in a question may be the document year ("begroting 2024") or a COLUMN year of a
multi-year table ("de lasten in 2025" asked of a 2023 report). Both land in `filters.year`; a
year bound to a document type ("begroting 2024") is preferred when both occur. Callers should
treat `filters.year` as a soft constraint (boost documents of that year, but also look in
tables with a column of that year), unlike the municipality, which is a hard filter.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from assistant.models import Filters
from assistant.understanding.corpus_info import CorpusInfo, Gazetteer, _default_gazetteer, find_defined_abbreviations
from assistant.understanding.followup import _Turn, _base_year, _is_followup, _new_turn, _resolve_followup, _shift_year, _swap_programme
from assistant.understanding.plan import QueryPlan, read_norms
from assistant.understanding.search_text import (
    described_norms, expand_abbreviations, gloss_english, merged_abbreviations, unglossed_english,
)
from assistant.understanding.slots import _analyse, detect_language, extract_topic, named_as_partner
from corpus.lexicon import asked, taakvelden_named

__all__ = [
    "CorpusInfo", "QueryPlan", "detect_language", "expand_abbreviations", "extract_topic",
    "find_defined_abbreviations", "gloss_english", "merged_abbreviations", "named_as_partner", "understand", "unglossed_english",
]  # fmt: skip

# --------------------------------------------------------------------------- entry point


def understand(
    question: str,
    history: Sequence[str] = (),
    info: CorpusInfo | None = None,
    explicit: Filters = Filters(),
    *,
    gazetteer: Gazetteer | None = None,
) -> QueryPlan:
    """Turn a question and the earlier user questions (oldest first) into a `QueryPlan`.

    Each history question is resolved against the ones before it; the last one's resolution is
    the context of `question`. Explicit filters win over detected ones. `gazetteer` defaults to
    `corpus.municipalities.Municipalities.load()`.
    """
    info = info or CorpusInfo()
    gaz = gazetteer if gazetteer is not None else _default_gazetteer()
    prev: _Turn | None = None
    turn: _Turn | None = None
    for q in [*history, question]:
        q = q if isinstance(q, str) else ""
        if not q.strip():
            continue
        q = _shift_year(q, prev)
        q, prev = _swap_programme(q, prev, info, gaz)
        slots = _analyse(q, info, gaz)
        if _is_followup(q, slots, prev):
            turn = _resolve_followup(q, slots, prev, info, gaz, explicit)  # type: ignore[arg-type]
        else:
            turn = _new_turn(q, info, gaz, explicit)
        prev = turn
    if turn is None or not question.strip():
        return QueryPlan(question=question, resolved_question=question.strip(), search_text=question.strip(), asked=asked(question))
    final_slots = _analyse(question, info, gaz)
    filters = explicit.merged_over(turn.filters)
    if turn.filters.year is None and (final_slots.relative is not None or (turn.is_followup and turn.relative is not None)):
        # A relative year is resolved against the municipality in scope, which may be explicit.
        base = _base_year(filters.municipality, info)
        if base is not None and explicit.year is None:
            offset = final_slots.relative if final_slots.relative is not None else turn.relative
            filters = replace(filters, year=base + offset)  # type: ignore[operator]
    compare = turn.compare and explicit.municipality is None
    search = expand_abbreviations(turn.resolved, merged_abbreviations(info))
    named = [name for name in taakvelden_named(turn.resolved) if name.lower() not in search.lower()]
    if named:
        search = f"{search} {' '.join(named)}"  # "taakveld 7.2": rows may carry only the name
    if turn.context and turn.context.lower() not in turn.resolved.lower():
        search = f"{search} {turn.context}"
    norms = described_norms(turn.resolved)
    reading = read_norms(turn.resolved, norms)
    if norms:
        search = f"{search} {' '.join(n.name for n in norms)}"  # a kengetal described, not named
    if turn.language == "en":
        terms = gloss_english(turn.resolved)
        if terms:
            search = f"{search} {' '.join(terms)}"
    return QueryPlan(
        question=question,
        resolved_question=turn.resolved,
        search_text=search,
        filters=filters,
        unknown_municipality=turn.unknown if explicit.municipality is None else None,
        year_is_relative=final_slots.relative is not None or (turn.is_followup and turn.relative is not None and final_slots.year is None),
        language=turn.language,
        topic=turn.topic,
        is_followup=turn.is_followup,
        compare_all=compare,
        unknown_is_partner=bool(turn.unknown) and named_as_partner(turn.resolved, turn.unknown),
        # A norm described asks for its value: a kengetal or a limit is a number a table holds.
        asked=replace(asked(reading), value=True) if norms else asked(reading),
        norms=norms,
    )
