"""The figure answer: the best-supported budget fact (or a calculation), its cell cited."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.evidence import TOP_PASSAGES, Evidence
from assistant.grounding import guarded
from assistant.models import Answer, Citation, Filters, Passage

if TYPE_CHECKING:
    from assistant.figures import BudgetResult, FactStore
    from assistant.understanding import QueryPlan


def fact_meaning(facts: "FactStore", units: np.ndarray, sentence_scores: Any) -> dict[int, float]:
    """The question's cosine with each fact's row or sentence vector, keyed by id(fact).

    units: for each fact of the store, its sentence's position in the index (-1: none), from
    `Evidence.sentence_units`; sentence_scores: the index's scores for the query (None: none)."""
    if sentence_scores is None or not len(units):
        return {}
    have = units >= 0
    values = np.where(have, np.asarray(sentence_scores)[np.where(have, units, 0)], np.nan)
    return {id(f): float(v) for f, v, ok in zip(facts.facts, values, have) if ok}


def answer_from_facts(
    evidence: Evidence, facts: "FactStore", question: str, plan: "QueryPlan", scope: Filters,
    passages: Sequence[Passage], meaning: dict[int, float] | None = None,
) -> Answer | None:
    """The figure answer; an abstention saying why when the budget line exists but not for the
    asked year or flow; None when no fact fits (the caller decides what then)."""
    result = facts.lookup(
        plan.norm_reading(plan.resolved_question),
        scope,
        topic_hint=plan.norm_reading(plan.topic),
        context_hint=plan.search_text,
        language=plan.language,
        own_question=plan.norm_reading(question),
        meaning=meaning,
    )
    if not result.found:
        if result.declined:
            return Answer(
                question=question,
                resolved_question=plan.resolved_question,
                text=result.text,
                passages=tuple(passages),
                abstained=True,
                filters=scope,
            )
        return None
    return cited_answer(evidence, result, question, plan.resolved_question, scope, passages)


def cited_answer(
    evidence: Evidence, result: "BudgetResult", question: str, resolved: str, scope: Filters, passages: Sequence[Passage]
) -> Answer:
    """The answer of a lookup result: the chunks holding the used cells are cited first."""
    # The chunks holding the used cells come first: they are the evidence.
    cited: list[Passage] = []
    for fact in result.facts:
        p = evidence.passage_for(fact.doc_id, fact.start)
        if p is not None and all(p.chunk.id != c.chunk.id for c in cited):
            cited.append(p)
    rest = [p for p in passages if all(p.chunk.id != c.chunk.id for c in cited)]
    ordered = [Passage(p.chunk, p.meta, p.score, r) for r, p in enumerate(cited + rest, start=1)][:TOP_PASSAGES]
    citations = []
    for n, p in enumerate(ordered[: len(cited)], start=1):
        fact = next(f for f in result.facts if p.chunk.start <= f.start < p.chunk.end and f.doc_id == p.chunk.doc_id)
        citations.append(Citation(n, p, fact.start, fact.end))
    text = result.text
    if citations and "[1]" not in text:
        text = f"{text} " + " ".join(f"[{c.n}]" for c in citations)
    return guarded(
        Answer(
            question=question,
            resolved_question=resolved,
            text=text,
            citations=tuple(citations),
            passages=tuple(ordered),
            facts=tuple(result.facts),
            ambiguous=result.ambiguous,
            filters=scope,
            calculation=result.calculation,
        ),
        extra_sources=tuple(f.sentence or f.raw for f in result.facts),
    )
