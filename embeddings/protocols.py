"""The seams of the index: what the assistant needs from a store, as narrow protocols.

Two implementations satisfy all three: `embeddings.index.HybridIndex` (FAISS + BM25 files)
and `embeddings.postgres.PostgresIndex` (PostgreSQL + pgvector). Searches return
(chunk position, score) pairs, positions into `chunks` of the same object, best first.
`allowed` is an optional boolean mask over those chunks (the municipality/year filters).
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

from corpus.models import Chunk, DocumentMeta


@runtime_checkable
class ChunkStore(Protocol):
    """The documents and chunks one version of the index holds."""

    @property
    def chunks(self) -> list[Chunk]: ...

    @property
    def documents(self) -> dict[str, DocumentMeta]: ...

    @property
    def sentences(self) -> list[tuple[int, int, int]]:
        """(chunk position, start, end) of every sentence with a vector, in a fixed order."""
        ...

    # How the vectors were made ("pooled", "embedded", "derived": embeddings.plan.EmbeddingPlan);
    # the scale of their cosines depends on it.
    chunk_vectors: str
    # Dutch reason when this is a previous version that could not be brought up to date.
    stale_reason: str | None
    # Grows with every change of the store, so the newest of two loaded versions is known.
    version: int


@runtime_checkable
class VectorStore(Protocol):
    """Chunk and sentence vectors (L2-normalised; scores are cosines)."""

    def dense_search(self, query_vec: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]: ...

    def sentence_scores(self, query_vec: np.ndarray) -> np.ndarray:
        """Cosine of the query to every sentence vector, aligned with `sentences`."""
        ...

    def sentence_search(
        self, query_vec: np.ndarray, k: int, allowed: np.ndarray | None = None, scores: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """Chunks ranked by their best sentence's cosine."""
        ...


@runtime_checkable
class LexicalIndex(Protocol):
    """Keyword search over the chunks (BM25 with the project's Dutch tokenizer)."""

    def lexical_search(self, query_text: str, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]: ...


class SearchIndex(ChunkStore, VectorStore, LexicalIndex, Protocol):
    """Everything `assistant.retrieval.Retriever` and the service use."""


def conforms(index: object) -> bool:
    """True when `index` satisfies all three seams (used by tests of both backends)."""
    return all(isinstance(index, p) for p in (ChunkStore, VectorStore, LexicalIndex))


__all__ = ["ChunkStore", "LexicalIndex", "SearchIndex", "VectorStore", "conforms"]

