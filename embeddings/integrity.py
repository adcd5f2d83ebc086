"""The content check on load: damage that keeps the files well-formed.

The structural checks (every file present and parseable, counts and dimensions agreeing)
live with the reader in embeddings/stored.py. These catch what they cannot: a chunk whose
text or offsets were edited, and vectors that were zeroed or overwritten with NaN. Damage is
reported per document, so only that document is chunked and embedded again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from corpus.models import Chunk, Document

# Stored vectors are L2-normalised (the Embedder protocol), so a row with a norm far below 1
# was zeroed; this threshold leaves ordinary float rounding alone.
MIN_NORM = 0.5


def bad_rows(index: Any) -> np.ndarray:
    """Positions of the rows of a FAISS index (flat or HNSW) that are zero (or mostly zero) or not finite."""
    from embeddings.ann import flat_view

    if int(index.ntotal) == 0:
        return np.zeros(0, dtype=np.int64)
    norms = np.linalg.norm(flat_view(index), axis=1)
    return np.flatnonzero(~np.isfinite(norms) | (norms < MIN_NORM))


def chunk_matches(chunk: Chunk, doc: Document) -> bool:
    """The chunk is the slice of the document it claims: same text, and its id (the hash of
    document, offsets and text) is the hash of that slice."""
    if not 0 <= chunk.start < chunk.end <= len(doc.text):
        return False
    piece = doc.text[chunk.start : chunk.end]
    return chunk.text == piece and chunk.id == Chunk.make_id(doc.id, chunk.start, chunk.end, piece)


def damaged_documents(
    chunks: Sequence[Chunk],
    documents: Mapping[str, Document],
    chunk_index: Any,
    sentence_index: Any,
    sentence_rows: Sequence[tuple[int, int, int]],
) -> dict[str, str]:
    """{doc id: Dutch reason} for the documents in `documents` whose stored chunks or vectors
    are damaged. `documents` holds only the documents whose stored version is reused (same
    fingerprint); `sentence_rows[j][0]` is the chunk position of sentence vector j."""
    damaged: dict[str, str] = {}
    for chunk in chunks:
        doc = documents.get(chunk.doc_id)
        if doc is not None and chunk.doc_id not in damaged and not chunk_matches(chunk, doc):
            damaged[chunk.doc_id] = "een fragment klopt niet met de tekst van het document"
    for pos in bad_rows(chunk_index):
        doc_id = chunks[int(pos)].doc_id
        if doc_id in documents:
            damaged.setdefault(doc_id, "een fragmentvector is leeg of onleesbaar")
    for row in bad_rows(sentence_index):
        doc_id = chunks[sentence_rows[int(row)][0]].doc_id
        if doc_id in documents:
            damaged.setdefault(doc_id, "een zinsvector is leeg of onleesbaar")
    return damaged
