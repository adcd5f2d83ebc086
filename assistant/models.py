"""The values that flow out of the assistant: filters, passages, citations and answers."""

from __future__ import annotations

from dataclasses import dataclass, field

from corpus.models import BudgetFact, Chunk, DocumentMeta


@dataclass(frozen=True)
class Filters:
    """Restrictions on which documents may answer. None means "any"."""

    municipality: str | None = None
    year: int | None = None
    doc_type: str | None = None

    def is_empty(self) -> bool:
        return self.municipality is None and self.year is None and self.doc_type is None

    def merged_over(self, other: "Filters") -> "Filters":
        """Self wins where set; other fills the gaps (explicit user filters over detected ones)."""
        return Filters(
            municipality=self.municipality if self.municipality is not None else other.municipality,
            year=self.year if self.year is not None else other.year,
            doc_type=self.doc_type if self.doc_type is not None else other.doc_type,
        )


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its document's metadata, fused score and 1-based rank."""

    chunk: Chunk
    meta: DocumentMeta
    score: float
    rank: int


@dataclass(frozen=True)
class Citation:
    """A passage the answer relies on, marked [n] in the answer text.

    sentence_start / sentence_end: offsets in the document text of the sentence the answer
    took from this passage (inside chunk.start..chunk.end).
    """

    n: int
    passage: Passage
    sentence_start: int
    sentence_end: int


@dataclass(frozen=True)
class Calculation:
    """Arithmetic on cited facts, shown to the user: e.g. "2.503 − 542 = 1.961 (× € 1.000)"."""

    description: str
    expression: str
    result: float
    facts: tuple[BudgetFact, ...]


@dataclass(frozen=True)
class Answer:
    """What `Assistant.ask` returns.

    text: Dutch answer with inline markers [1], [2] … that refer to `citations`.
    resolved_question: the question as searched after follow-up resolution.
    passages: the top retrieved passages in rank order (at most 10).
    facts: budget facts the answer uses (empty for passage answers).
    abstained: True when the documents do not hold the answer; `passages` then holds the
        closest ones ("mogelijk relevant").
    ambiguous: True when several cells fit a budget question equally; `facts` lists them.
    """

    question: str
    resolved_question: str
    text: str
    citations: tuple[Citation, ...] = ()
    passages: tuple[Passage, ...] = ()
    facts: tuple[BudgetFact, ...] = ()
    abstained: bool = False
    ambiguous: bool = False
    filters: Filters = field(default_factory=Filters)
    calculation: Calculation | None = None
    notice: str = ""
