"""Which FAISS structure holds a set of vectors, and searching it with an optional mask.

Exact search (IndexFlatIP) below `AnnParams.threshold` vectors; above it an HNSW graph
(IndexHNSWFlat), whose search cost grows about with log n instead of n (measured with
`python -m embeddings.bench --scale N`, figures in the README). IndexHNSWFlat keeps the
vectors themselves in a flat storage in insertion order, so the exact paths stay available
without a second copy: `flat_view` is a zero-copy view of them (all scores, exact search
inside a small filtered subset, reading vectors back for an incremental build).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class AnnParams:
    """threshold: vectors from which an index is built as HNSW instead of flat.
    hnsw_m, ef_construction: graph degree and build-time beam (FAISS's M, efConstruction).
    ef_search: search-time beam (efSearch); higher is slower and closer to exact.
    exact_filter_limit: a filtered search that allows at most this many vectors scores them
        exactly (a small subset is cheap, and a graph walk that must skip most nodes loses
        recall); a wider filter walks the graph restricted to the allowed ids.
    Measured at 100,000 synthetic vectors of dim 384 (README, "Search at scale"); HNSW at
    1,000,000 (target p95 <= 10 ms, recall@10 >= 0.95) is not measured yet."""

    threshold: int = 100_000
    hnsw_m: int = 32
    ef_construction: int = 80
    ef_search: int = 96
    exact_filter_limit: int = 20_000

    def __post_init__(self) -> None:
        for name in ("threshold", "hnsw_m", "ef_construction", "ef_search", "exact_filter_limit"):
            if int(getattr(self, name)) < 1:
                raise ValueError(f"{name} must be >= 1")


def build(vectors: np.ndarray, params: AnnParams) -> Any:
    """A FAISS inner-product index over L2-normalised `vectors` (n, dim): flat below the
    threshold, HNSW from it."""
    import faiss

    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    dim = int(vectors.shape[1])
    if len(vectors) >= params.threshold:
        index = faiss.IndexHNSWFlat(dim, int(params.hnsw_m), faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = int(params.ef_construction)
        index.hnsw.efSearch = int(params.ef_search)
    else:
        index = faiss.IndexFlatIP(dim)
    if len(vectors):
        index.add(vectors)
    return index


def prepare(index: Any, params: AnnParams) -> Any:
    """A loaded index made ready to search with these parameters (efSearch)."""
    if is_approximate(index):
        index.hnsw.efSearch = int(params.ef_search)
    return index


def is_approximate(index: Any) -> bool:
    return hasattr(index, "hnsw")


def kind(index: Any) -> str:
    return "hnsw" if is_approximate(index) else "flat"


def flat_view(index: Any) -> np.ndarray:
    """The stored vectors (ntotal, d) as a read-only view into FAISS's memory (no copy);
    valid while `index` lives."""
    import faiss

    flat = faiss.downcast_index(index.storage) if is_approximate(index) else index
    n, d = int(flat.ntotal), int(flat.d)
    if n == 0:
        return np.zeros((0, d), dtype=np.float32)
    view = faiss.rev_swig_ptr(flat.get_xb(), n * d).reshape(n, d)
    view.flags.writeable = False
    return view


def all_scores(index: Any, query: np.ndarray) -> np.ndarray:
    """Inner product of `query` (dim,) with every stored vector, in row order."""
    return flat_view(index) @ np.asarray(query, dtype=np.float32).reshape(-1)


def search(
    index: Any, query: np.ndarray, k: int, mask: np.ndarray | None, params: AnnParams
) -> list[tuple[int, float]]:
    """Top-k rows by inner product, [(row, score)] best first (ties by row).

    mask: optional boolean array over the rows; only allowed rows are returned. On a flat
    index every search is exact (the whole index is scored and masked afterwards, as
    before). On HNSW: no mask -> a graph search; a mask allowing at most
    `exact_filter_limit` rows -> those rows scored exactly; a wider mask -> a graph search
    restricted to the allowed ids (FAISS IDSelectorBitmap).
    """
    import faiss

    n = int(index.ntotal)
    if k <= 0 or n == 0:
        return []
    q = np.ascontiguousarray(np.asarray(query, dtype=np.float32).reshape(1, -1))
    if mask is not None and not mask.any():
        return []
    if not is_approximate(index):
        search_k = n if mask is not None else min(k, n)
        scores, ids = index.search(q, search_k)
        hits = [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0 and (mask is None or mask[i])]
    elif mask is not None and int(mask.sum()) <= params.exact_filter_limit:
        rows = np.flatnonzero(mask)
        scores = flat_view(index)[rows] @ q[0]
        top = np.argsort(-scores, kind="stable")[:k]
        hits = [(int(rows[i]), float(scores[i])) for i in top]
    else:
        search_params = faiss.SearchParametersHNSW()
        search_params.efSearch = max(int(params.ef_search), k)
        bitmap = None
        if mask is not None:
            bitmap = np.packbits(np.asarray(mask, dtype=bool), bitorder="little")
            selector = faiss.IDSelectorBitmap(n, faiss.swig_ptr(bitmap))
            search_params.sel = selector
        scores, ids = index.search(q, min(k, n), params=search_params)
        del bitmap  # referenced by the selector until the search is done
        hits = [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]
    hits.sort(key=lambda h: (-h[1], h[0]))
    return hits[:k]
