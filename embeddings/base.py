"""The seam between chunks and vectors: one small protocol every embedder satisfies."""

from __future__ import annotations

from typing import Protocol, Sequence, runtime_checkable

import numpy as np


@runtime_checkable
class Embedder(Protocol):
    """Turns text into L2-normalised float32 vectors.

    `name` identifies the model in the index's meta.json (a different name means the index
    must be rebuilt); `dim` is the vector length. Queries and passages are embedded
    separately because E5-style models prefix them differently ("query: " / "passage: ").
    """

    name: str
    dim: int

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:  # (n, dim) float32
        ...

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:  # (n, dim) float32
        ...
