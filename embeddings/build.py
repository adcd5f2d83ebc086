"""A new version of the file index: chunk and embed what cannot be reused, write it, publish it.

`build_version` is what `HybridIndex.open` runs under the writer lock when the current
version does not match the documents and embedder: unchanged, undamaged documents reuse
their stored vectors (read back from the flat FAISS index); new, changed and damaged ones
are chunked and embedded (`embedding_plan`), except the texts the stored version of a
changed document already embedded (`_stored_text_vectors`); removed ones are dropped. Each
document's vectors are kept aside as soon as they are done (`_resume_key`,
embeddings/storage.py), so an interrupted build resumes. The version is written to its own
directory and made current atomically, so a crash, an exception or a full disk leaves the
previous version answering.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

import numpy as np

from corpus.models import Chunk, Document
from embeddings import DEFAULT_CHUNK_VECTORS, ann
from embeddings.ann import AnnParams
from embeddings.base import Embedder
from embeddings.bm25 import tokenize
from embeddings.integrity import chunk_matches
from embeddings.plan import (
    EMBED_BATCH,
    POOLING_UNAVAILABLE,
    EmbeddingPlan,
    _length_batches,
    chunk_spans,
    embed_texts,
    embedding_plan,
    passage_text,
    sentence_text,
    sentence_units,
)
from embeddings.progress import (
    DEFAULT_TOKENS_PER_SECOND,
    ProgressEvent,
    ProgressFn,
    _write_error,
    estimate_tokens,
    long_embedding_warning,
)
from embeddings.storage import clear_embedded, load_embedded, new_build, publish, save_embedded, version_number
from embeddings.stored import (
    CHUNKS_FILE,
    DOCUMENTS_FILE,
    FAISS_FILE,
    FORMAT_VERSION,
    META_FILE,
    SENTENCES_FAISS_FILE,
    SENTENCES_FILE,
    TOKENS_FILE,
    _chunk_to_json,
    _Stored,
    _write_file,
)

if TYPE_CHECKING:
    from embeddings.index import HybridIndex

__all__ = ["Chunker", "build_version", "corpus_fingerprint"]

Chunker = Callable[[Document], list[Chunk]]


def _plan_keys(plan: EmbeddingPlan) -> list[tuple[str, tuple]]:
    """(text, spans) of each text of a plan: what its block of vectors is known by."""
    return [(t, plan.spans[r] if plan.pooled else ()) for r, t in enumerate(plan.texts)]


def _resume_key(doc: Document, model: str, dim: int, chunk_vectors: str = DEFAULT_CHUNK_VECTORS) -> str:
    """The name under which an unpublished build keeps this document's vectors."""
    raw = f"{FORMAT_VERSION}\x1f{model}\x1f{dim}\x1f{chunk_vectors}\x1f{doc.id}\x1f{doc.fingerprint}"
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def corpus_fingerprint(fingerprints: dict[str, str], model: str) -> str:
    """sha256 over the model name and the sorted (doc id, fingerprint) pairs."""
    h = hashlib.sha256(model.encode("utf-8"))
    for doc_id in sorted(fingerprints):
        h.update(f"\x1f{doc_id}\x1e{fingerprints[doc_id]}".encode("utf-8"))
    return h.hexdigest()


def _stored_text_vectors(
    stored: _Stored | None, units: Sequence[tuple[int, int, int]], doc_ids: set[str], model: str
) -> dict[tuple[str, tuple], np.ndarray]:
    """The vectors the stored index holds for the texts it embedded of these documents, by
    (text, spans) as `embedding_plan` makes them: a block of rows, the text's vector and its
    spans'. `sentence_text` of each sentence unit and, when chunks were embedded whole or
    pooled, `passage_text` of each chunk (alone, and with its sentence spans when pooled).
    Empty when the stored vectors are another model's."""
    if stored is None or not doc_ids or stored.meta.get("embedding_model") != model:
        return {}
    known: dict[tuple[str, tuple], np.ndarray] = {}
    mode = stored.meta.get("chunk_vectors", "embedded")
    sentence_vecs = ann.flat_view(stored.sentence_index)
    by_chunk: dict[int, list[int]] = {}
    for row, (pos, start, end) in enumerate(units):
        chunk = stored.chunks[pos]
        if chunk.doc_id in doc_ids:
            by_chunk.setdefault(pos, []).append(row)
            if mode != "pooled":
                known.setdefault((sentence_text(chunk, start, end), ()), np.array(sentence_vecs[row : row + 1]))
    if mode in ("embedded", "pooled"):
        chunk_vecs = ann.flat_view(stored.faiss_index)
        for pos, chunk in enumerate(stored.chunks):
            if chunk.doc_id in doc_ids:
                text = passage_text(chunk)
                known.setdefault((text, ()), np.array(chunk_vecs[pos : pos + 1]))
                if mode == "pooled":
                    rows = by_chunk.get(pos, [])
                    spans = chunk_spans(chunk, [units[r] for r in rows])
                    block = np.vstack([chunk_vecs[pos : pos + 1], sentence_vecs[rows]]) if rows else np.array(chunk_vecs[pos : pos + 1])
                    known.setdefault((text, spans), block)
    return known


def build_version(
    cls: type[HybridIndex],
    index_dir: Path,
    docs: list[Document],
    embedder: Embedder,
    chunker: Chunker,
    stored: _Stored | None,
    report: ProgressFn,
    damaged: frozenset[str] | set[str] = frozenset(),
    ann_params: AnnParams | None = None,
    warn_seconds: float | None = None,
    tokens_per_second: float = DEFAULT_TOKENS_PER_SECOND,
    chunk_vectors: str = DEFAULT_CHUNK_VECTORS,
    requested: str | None = None,
) -> "HybridIndex":
    """Chunk and embed what cannot be reused, write a new version and publish it; a `cls`
    (HybridIndex) over it. Caller holds the writer lock of `index_dir`."""
    import faiss

    ann_params = ann_params or AnnParams()

    # What can be reused: per document, its stored chunk positions (same fingerprint,
    # and no damage found by the content check).
    reusable: dict[str, list[int]] = {}
    if stored is not None:
        current = {d.id: d.fingerprint for d in docs}
        by_doc: dict[str, list[int]] = {}
        for pos, chunk in enumerate(stored.chunks):
            by_doc.setdefault(chunk.doc_id, []).append(pos)
        for doc_id, info in stored.meta["documents"].items():
            if current.get(doc_id) == info.get("fingerprint") and doc_id not in damaged:
                reusable[doc_id] = by_doc.get(doc_id, [])
    todo = [d for d in docs if d.id not in reusable]

    # The model is only asked for its dimension (which may load it) when there is
    # something to embed; removing a document needs no model.
    if todo or stored is None:
        dim = int(embedder.dim)
        if stored is not None and int(stored.meta["dim"]) != dim:
            report(
                ProgressEvent(
                    "melding",
                    message=(
                        "De vectorlengte van het embeddingmodel is veranderd; de index "
                        "wordt opnieuw opgebouwd."
                    ),
                )
            )
            stored, reusable, todo = None, {}, list(docs)
    else:
        dim = int(stored.meta["dim"])

    # 1. Chunk the new and changed documents.
    new_chunks: dict[str, list[Chunk]] = {}
    for i, doc in enumerate(todo):
        chunks = list(chunker(doc))
        for c in chunks:
            if c.doc_id != doc.id:
                raise ValueError(f"chunker returned a chunk of {c.doc_id!r} for {doc.id!r}")
            # The content check on load holds every chunk to this; a chunker that broke
            # it would have its documents rebuilt on every start.
            if not chunk_matches(c, doc):
                raise ValueError(f"chunker returned chunk {c.id!r} that is not the slice of {doc.id!r} it claims")
        new_chunks[doc.id] = chunks
        report(ProgressEvent("fragmenteren", i + 1, len(todo), i + 1, len(todo)))

    # 2. Embed once: each document's sentence units and bare chunks (see `embedding_plan`),
    #    one document after the other, each document's vectors kept aside as soon as it
    #    is done so an interrupted build resumes there.
    plans = {d.id: embedding_plan(new_chunks[d.id], chunk_vectors) for d in todo}
    if todo and requested not in (None, chunk_vectors):
        report(ProgressEvent("melding", message=POOLING_UNAVAILABLE))
    # A text the stored version of a changed document already embedded keeps its vector:
    # a corrected PDF, or a better reader of the same PDF, re-embeds what changed only.
    stored_units = stored.units or sentence_units(stored.chunks) if stored is not None else []
    known = _stored_text_vectors(stored, stored_units, {d.id for d in todo} - set(damaged), embedder.name)
    keys = {d.id: _plan_keys(plans[d.id]) for d in todo}
    missing = {d.id: [r for r, key in enumerate(keys[d.id]) if key not in known] for d in todo}
    if warn_seconds is not None:
        for doc in todo:
            seconds = estimate_tokens([plans[doc.id].texts[r] for r in missing[doc.id]]) / max(tokens_per_second, 1.0)
            if seconds > warn_seconds:
                report(ProgressEvent("melding", message=long_embedding_warning(doc, seconds)))
    doc_vecs: dict[str, np.ndarray] = {}
    total = sum(len(rows) for rows in missing.values())
    embedded = 0  # texts the model embedded in this build (not read back from a resume)
    embed_seconds = 0.0
    embedded_tokens = 0
    done = 0
    started = time.monotonic()
    if total:
        report(ProgressEvent("embedden", 0, total, 0, len(todo)))
    for i, doc in enumerate(todo):
        plan = plans[doc.id]
        key = _resume_key(doc, embedder.name, dim, chunk_vectors)
        vecs = load_embedded(index_dir, key, (plan.rows, dim)) if plan.texts else None
        todo_rows = missing[doc.id]
        starts = plan.starts
        if vecs is None:
            vecs = np.zeros((plan.rows, dim), dtype=np.float32)
            for r, text_key in enumerate(keys[doc.id]):
                if text_key in known:
                    block = known[text_key]
                    vecs[starts[r] : starts[r] + len(block)] = block
            to_embed = [plan.texts[r] for r in todo_rows]
            for lo, hi, batch_rows in _length_batches(to_embed, EMBED_BATCH):
                rows = [todo_rows[r] for r in batch_rows]
                batch = [plan.texts[r] for r in rows]
                t_batch = time.monotonic()
                targets, out = embed_texts(embedder, plan, rows, dim)
                embed_seconds += time.monotonic() - t_batch
                embedded_tokens += estimate_tokens(batch)
                vecs[targets] = out
                embedded += hi - lo
                elapsed = time.monotonic() - started
                left = total - done - hi
                eta = elapsed / embedded * left if embedded else None
                report(ProgressEvent("embedden", done + hi, total, i, len(todo), eta, doc_id=doc.id))
            if plan.texts:
                try:
                    save_embedded(index_dir, key, vecs)
                except OSError:
                    pass  # only resuming is lost; the build itself goes on
        done += len(todo_rows)
        doc_vecs[doc.id] = vecs
        report(ProgressEvent("embedden", done, total, i + 1, len(todo), None))

    # 3. Assemble in document order: reused vectors are read back from the stored index.
    report(ProgressEvent("schrijven", message="Index wegschrijven ..."))
    stored_vecs = stored_sent_vecs = None
    stored_sent_by_doc: dict[str, list[int]] = {}
    if stored is not None and reusable:
        stored_vecs = ann.flat_view(stored.faiss_index)
        stored_sent_vecs = ann.flat_view(stored.sentence_index)
        for i, (pos, _, _) in enumerate(stored_units):
            stored_sent_by_doc.setdefault(stored.chunks[pos].doc_id, []).append(i)
    chunks: list[Chunk] = []
    units: list[tuple[int, int, int]] = []  # the sentence vectors' units, in index order
    tokens: list[list[str]] = []
    vec_parts: list[np.ndarray] = []
    sent_parts: list[np.ndarray] = []
    doc_info: dict[str, dict[str, Any]] = {}
    for doc in docs:
        if doc.id in reusable:
            assert stored is not None and stored_vecs is not None
            positions = reusable[doc.id]
            doc_chunks = [stored.chunks[p] for p in positions]
            tokens.extend(stored.tokens[p] for p in positions)
            vec_parts.append(stored_vecs[positions] if positions else np.zeros((0, dim), np.float32))
            assert stored_sent_vecs is not None
            sent_rows = stored_sent_by_doc.get(doc.id, [])
            sent_parts.append(stored_sent_vecs[sent_rows] if sent_rows else np.zeros((0, dim), np.float32))
            moved = {old: len(chunks) + new for new, old in enumerate(positions)}
            units.extend((moved[stored_units[r][0]], stored_units[r][1], stored_units[r][2]) for r in sent_rows)
        else:
            doc_chunks = new_chunks[doc.id]
            tokens.extend(tokenize(passage_text(c, doc.meta)) for c in doc_chunks)
            chunk_vecs, sent_vecs = plans[doc.id].split(doc_vecs[doc.id], dim)
            vec_parts.append(chunk_vecs)
            sent_parts.append(sent_vecs)
            units.extend((len(chunks) + p, a, b) for p, a, b in plans[doc.id].units)
        chunks.extend(doc_chunks)
        doc_info[doc.id] = {"fingerprint": doc.fingerprint, "chunks": len(doc_chunks)}
    vectors = np.vstack(vec_parts) if vec_parts else np.zeros((0, dim), np.float32)
    faiss_index = ann.build(vectors, ann_params)
    sentence_vectors = np.vstack(sent_parts) if sent_parts else np.zeros((0, dim), np.float32)
    sentence_index = ann.build(sentence_vectors, ann_params)

    measured_speed = tokens_per_second
    if embed_seconds > 1.0:
        measured_speed = round(embedded_tokens / embed_seconds, 1)
    fingerprint = corpus_fingerprint({d.id: d.fingerprint for d in docs}, embedder.name)
    meta = {
        "format_version": FORMAT_VERSION,
        "embedding_model": embedder.name,
        "dim": dim,
        "chunk_count": len(chunks),
        "corpus_fingerprint": fingerprint,
        "structures": {"chunks": ann.kind(faiss_index), "sentences": ann.kind(sentence_index)},
        "chunk_vectors": chunk_vectors,
        # The model's measured speed in this build (estimated tokens), for the next
        # build's time estimates; the previous figure when nothing was embedded.
        "tokens_per_second": measured_speed,
        "documents": doc_info,
    }
    documents_json = {d.id: {"path": d.path, "meta": asdict(d.meta)} for d in docs}

    # 4. Write a complete new version in a directory of its own, then make it current.
    try:
        with new_build(index_dir) as build:
            _write_file(
                build / CHUNKS_FILE,
                "".join(json.dumps(_chunk_to_json(c), ensure_ascii=False) + "\n" for c in chunks),
            )
            _write_file(build / TOKENS_FILE, json.dumps(tokens, ensure_ascii=False))
            _write_file(build / DOCUMENTS_FILE, json.dumps(documents_json, ensure_ascii=False, indent=1))
            # Serialised here so a full disk surfaces as an OSError like the other files.
            _write_file(build / FAISS_FILE, faiss.serialize_index(faiss_index).tobytes())
            _write_file(build / SENTENCES_FAISS_FILE, faiss.serialize_index(sentence_index).tobytes())
            _write_file(build / SENTENCES_FILE, json.dumps(units))
            # meta.json last: a directory without it is never taken for an index.
            _write_file(build / META_FILE, json.dumps(meta, ensure_ascii=False, indent=1))
            version = version_number(publish(index_dir, build))
    except OSError as exc:
        raise _write_error(index_dir, exc) from exc
    clear_embedded(index_dir)
    report(
        ProgressEvent(
            "klaar",
            total,
            total,
            len(docs),
            len(docs),
            message=(
                f"Index klaar: {len(chunks)} fragmenten uit {len(docs)} documenten "
                f"({embedded} teksten nieuw ingebed)."
            ),
        )
    )
    return cls(
        chunks,
        faiss_index,
        tokens,
        {d.id: d.meta for d in docs},
        {d.id: d.path for d in docs},
        embedder.name,
        fingerprint,
        sentence_index,
        version=version,
        sentences=units,
        ann_params=ann_params,
        chunk_vectors=chunk_vectors,
    )
