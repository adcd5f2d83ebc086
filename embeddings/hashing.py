"""A model-free embedder: each word a fixed random vector, a text the normalised sum.

For measurements whose subject is not the model (reopening an index, table extraction) and
for tests: texts sharing words are close, which is enough for ranking plumbing, and nothing
is loaded. Words are seeded from sha256 (not `hash()`, which changes between processes), so
vectors are the same in every run.
"""

from __future__ import annotations

import hashlib
import re
from typing import Sequence

import numpy as np


class HashEmbedder:
    def __init__(self, dim: int = 64, name: str = "fake-bow") -> None:
        self.dim = dim
        self.name = name

    def _vector(self, text: str) -> np.ndarray:
        acc = np.zeros(self.dim, dtype=np.float32)
        for word in re.findall(r"\w+", text.lower()):
            seed = int.from_bytes(hashlib.sha256(word.encode("utf-8")).digest()[:8], "little")
            acc += np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)
        norm = float(np.linalg.norm(acc))
        if norm == 0.0:
            acc[0] = 1.0
            norm = 1.0
        return acc / norm

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._vector(t) for t in texts]).astype(np.float32)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts)

    # A bag of words has context-free token states: a span's pooled vector is its words' own.
    pools_spans = True

    def embed_spans(self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]]) -> np.ndarray:
        """`embeddings.spans.embed_spans`' layout: each text's vector, then its spans'."""
        rows = [[t, *(t[a:b] for a, b in s)] for t, s in zip(texts, spans)]
        return self._embed([r for row in rows for r in row])
