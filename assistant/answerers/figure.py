"""The figure answer: the best-supported budget fact (or a calculation), its cell cited."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from assistant.evidence import TOP_PASSAGES, Evidence
from assistant.grounding import guarded
from assistant.models import Answer, Citation, Filters, Passage

if TYPE_CHECKING:
    from assistant.figures import FactStore
    from assistant.understanding import QueryPlan


def answer_from_facts(
    evidence: Evidence, facts: "FactStore", question: str, plan: "QueryPlan", scope: Filters, passages: Sequence[Passage]
) -> Answer | None:
    """The figure answer; an abstention saying why when the budget line exists but not for the
    asked year or flow; None when no fact fits (the caller decides what then)."""
    result = facts.lookup(
        plan.resolved_question,
        scope,
        topic_hint=plan.topic,
        context_hint=plan.search_text,
        language=plan.language,
        own_question=question,
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
            resolved_question=plan.resolved_question,
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
