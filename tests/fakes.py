"""Test fakes that satisfy the project's protocols, for tests whose subject is not the model."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from embeddings.hashing import HashEmbedder


class FakeEmbedder(HashEmbedder):
    """Deterministic bag-of-words embedder (`embeddings.hashing.HashEmbedder`) that counts
    calls and embedded texts, so tests can prove what was (not) re-embedded."""

    def __init__(self, dim: int = 64, name: str = "fake-bow") -> None:
        super().__init__(dim, name)
        self.calls = 0
        self.passages_embedded = 0
        self.queries_embedded = 0

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        return super()._embed(texts)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        self.queries_embedded += len(texts)
        return self._embed(texts)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.passages_embedded += len(texts)
        return self._embed(texts)

    def embed_spans(self, texts, spans) -> np.ndarray:
        """One pass per text (its spans pooled from it): counted as the texts embedded."""
        self.passages_embedded += len(texts)
        return super().embed_spans(texts, spans)


class OnePassEmbedder(FakeEmbedder):
    """A fake with token states: its 'pass' over a text yields the text's vector and, per
    span, the vector of the span's words mixed with the text's (context), and records what
    went through it."""

    def __init__(self) -> None:
        super().__init__()
        self.passes: list[str] = []

    def embed_spans(self, texts, spans):
        self.passes.extend(texts)
        rows = []
        for text, own in zip(texts, spans):
            whole = self._vector(text)
            rows.append(whole)
            for a, b in own:
                v = self._vector(text[a:b]) + 0.25 * whole
                rows.append(v / np.linalg.norm(v))
        return np.array(rows, dtype=np.float32)
