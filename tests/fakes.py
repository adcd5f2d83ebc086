"""Test fakes that satisfy the project's protocols, for tests whose subject is not the model."""

from __future__ import annotations

import hashlib
import re
from typing import Sequence

import numpy as np


class FakeEmbedder:
    """Deterministic bag-of-words embedder.

    Each lower-cased word gets a fixed random vector seeded from sha256 of the word (not
    `hash()`, which changes between processes); a text is the normalised sum. Texts that
    share words are therefore close, which is enough to test ranking plumbing. Counts calls
    and embedded texts so tests can prove what was (not) re-embedded.
    """

    def __init__(self, dim: int = 64, name: str = "fake-bow") -> None:
        self.dim = dim
        self.name = name
        self.calls = 0
        self.passages_embedded = 0
        self.queries_embedded = 0

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
        self.calls += 1
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._vector(t) for t in texts]).astype(np.float32)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        self.queries_embedded += len(texts)
        return self._embed(texts)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.passages_embedded += len(texts)
        return self._embed(texts)
