"""Questions across organizations: one short cited line per organization with evidence."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assistant import answer as compose
from assistant.answerers.passage import MIN_EVIDENCE
from assistant.evidence import TOP_PASSAGES, Evidence
from assistant.grounding import guarded
from assistant.models import Answer, Citation, Filters, Passage

if TYPE_CHECKING:
    from assistant.understanding import QueryPlan

# "de gemeenten" is the comparison, not the subject: searched, it favours any passage that
# happens to mention municipalities.
_ALL_TOWNS = re.compile(r"\b(?:welke\s+|de\s+|alle\s+|the\s+)?(?:gemeenten|gemeentes|municipalities)\b", re.IGNORECASE)
_MARKER_AT_END = re.compile(r"\[\d+\]$")


def answer_per_organization(
    evidence: Evidence, question: str, plan: "QueryPlan", scope: Filters, organizations: list[str]
) -> Answer:
    q_tokens = evidence.query_tokens(plan)
    lines: list[str] = []
    citations: list[Citation] = []
    answered: list[list[Passage]] = []
    unanswered: list[list[Passage]] = []
    vectors: dict = {}
    for town in sorted(organizations):
        town_scope = Filters(municipality=town, year=scope.year, doc_type=scope.doc_type)
        text = " ".join(_ALL_TOWNS.sub(" ", evidence.search_text(plan, town_scope)).split()) or plan.search_text
        search = evidence.search(text, town_scope, k=3, vectors=vectors)
        town_passages = search.passages
        if not town_passages:
            continue
        if evidence.strength(plan, town_passages) < MIN_EVIDENCE:
            unanswered.append(town_passages)
            continue
        dense = evidence.sentence_similarity(search.sentence_scores, town_passages)
        found = compose.best_sentences(q_tokens, town_passages, evidence.tokenize, evidence.stats, dense=dense)
        line, cites = compose.compose(found, max_sentences=1)
        if not cites:
            unanswered.append(town_passages)
            continue
        answered.append(town_passages)
        n = len(citations) + 1
        cite = cites[0]
        citations.append(Citation(n, cite.passage, cite.sentence_start, cite.sentence_end))
        lines.append(f"{town}: {_MARKER_AT_END.sub(f'[{n}]', line)}")
    # Interleave the towns' passages so every municipality appears in the top 10, the towns
    # that answer first.
    merged: list[Passage] = []
    for group in (answered, unanswered):
        for i in range(3):
            merged.extend(ps[i] for ps in group if len(ps) > i)
    passages = tuple(Passage(p.chunk, p.meta, p.score, rank) for rank, p in enumerate(merged[:TOP_PASSAGES], start=1))
    if not lines:
        return Answer(question, plan.resolved_question, compose.ABSTAIN_TEXT, passages=passages, abstained=True, filters=scope)
    text = "Per gemeente:\n" + "\n".join(lines)
    return guarded(Answer(question, plan.resolved_question, text, citations=tuple(citations), passages=passages, filters=scope))
