"""A document in the PostgreSQL store: embedded, written, removed, and read back.

Writing a document (add, replace, remove) is one transaction holding an advisory lock on that
document only: readers see the old or the new version, never half (MVCC), and writers of
different documents never wait for each other. Chunking and embedding happen before the
transaction, so it is short.

`_embed_document` embeds a document exactly as the file index build does; `_write_document`
and `_remove_document` are its one transaction; `replace_document` does it all for one
document; `_snapshot` reads documents and chunks back as one consistent read, into a
`PostgresIndex`.

Helpers that take `conn` take a live connection (`_Connection.run` supplies it
and retries).
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, fields
from typing import TYPE_CHECKING, Any

import numpy as np

from corpus.models import BudgetFact, Chunk, Document, DocumentMeta
from embeddings import DEFAULT_CHUNK_VECTORS
from embeddings.base import Embedder
from embeddings.bm25 import tokenize
from embeddings.pgconnection import _Connection
from embeddings.pgschema import TABLES, _create_schema, _ensure_partitions, _lock_key, _store_info, org_of
from embeddings.plan import EMBED_BATCH, _prepare, embed_texts, embedding_plan, embedding_version, passage_text, usable_way
from embeddings.progress import ProgressEvent, ProgressFn

if TYPE_CHECKING:
    from embeddings.postgres import PostgresIndex

__all__ = ["Chunker", "replace_document"]

Chunker = Callable[[Document], list[Chunk]]


def _tsvector(tokens: Sequence[str]) -> str:
    """A tsvector literal holding each token with its term frequency as its position count,
    so tf = array_length(positions). Tokens come from embeddings.bm25.tokenize."""
    counts: dict[str, int] = {}
    for t in tokens:
        counts[t] = counts.get(t, 0) + 1
    parts = []
    for term, tf in counts.items():
        quoted = "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"
        # A tsvector keeps at most 256 positions per lexeme; no chunk of ≤ 1,000 characters
        # comes near that.
        parts.append(quoted + ":" + ",".join(str(i) for i in range(1, min(tf, 256) + 1)))
    return " ".join(parts)


def _meta_from_json(d: dict[str, Any]) -> DocumentMeta:
    names = {f.name for f in fields(DocumentMeta)}
    return DocumentMeta(**{k: v for k, v in d.items() if k in names})


def _fact_json(fact: BudgetFact) -> str:
    return json.dumps(asdict(fact), ensure_ascii=False)


def replace_document(
    url: str,
    doc: Document,
    embedder: Embedder,
    chunker: Chunker,
    chunker_version: str = "",
    wait: bool = True,
    after_chunks: Callable[[], None] | None = None,
    chunk_vectors: str = DEFAULT_CHUNK_VECTORS,
) -> bool:
    """Add or replace one document in one transaction (what `open` does per document).

    False when `wait` is False and another writer holds that document. `after_chunks` runs
    inside the transaction once the chunk rows are written (fault tests stop the writer there).
    """
    chunk_vectors = usable_way(chunk_vectors, embedder)
    (doc,) = _prepare([doc], embedding_version(chunker_version, chunk_vectors))
    conn = _Connection(url)
    try:
        info = conn.run(_store_info)
        if not info:
            conn.run(lambda c: _create_schema(c, embedder.name, int(embedder.dim)))
            conn.close()
            info = conn.run(_store_info)
        rows = _embed_document(doc, list(chunker(doc)), embedder, int(info["dim"]), lambda event: None, chunk_vectors)
        return bool(conn.run(lambda c: _write_document(c, rows, wait=wait, after_chunks=after_chunks)))
    finally:
        conn.close()


def _generation(conn: _Connection) -> int:
    return int(conn.run(lambda c: c.execute("SELECT last_value FROM store_generation").fetchone()[0]))


def _count_documents(conn: Any) -> int:
    if not conn.execute("SELECT to_regclass('documents') IS NOT NULL").fetchone()[0]:
        return 0
    return conn.execute("SELECT count(*) FROM documents").fetchone()[0]


def _fingerprints(conn: Any) -> dict[str, str]:
    return dict(conn.execute("SELECT doc_id, fingerprint FROM documents").fetchall())


class _DocumentRows:
    """What one document writes: chunks with tokens and vectors, sentences, terms, facts."""

    def __init__(self, doc: Document, chunks: list[Chunk], tokens: list[list[str]], chunk_vecs: np.ndarray,
                 units: list[tuple[int, int, int]], sentence_vecs: np.ndarray, facts: list[BudgetFact]) -> None:
        self.doc, self.chunks, self.tokens = doc, chunks, tokens
        self.chunk_vecs, self.units, self.sentence_vecs, self.facts = chunk_vecs, units, sentence_vecs, facts


def _embed_document(
    doc: Document, chunks: list[Chunk], embedder: Embedder, dim: int, report: ProgressFn, chunk_vectors: str = DEFAULT_CHUNK_VECTORS
) -> _DocumentRows:
    """Embed a document's chunks and sentences exactly as the file index build does
    (`embedding_plan`, `embed_texts`)."""
    from corpus.facts import tables_and_facts

    plan = embedding_plan(chunks, chunk_vectors)
    vecs = np.zeros((plan.rows, dim), dtype=np.float32)
    started = time.monotonic()
    for lo in range(0, len(plan.texts), EMBED_BATCH):
        hi = min(lo + EMBED_BATCH, len(plan.texts))
        targets, part = embed_texts(embedder, plan, range(lo, hi), dim)
        vecs[targets] = part
        elapsed = time.monotonic() - started
        report(ProgressEvent("embedden", hi, len(plan.texts), 0, 1, elapsed / hi * (len(plan.texts) - hi)))
    tokens = [tokenize(passage_text(c, doc.meta)) for c in chunks]
    _, facts = tables_and_facts([doc])
    chunk_vecs, sentence_vecs = plan.split(vecs, dim)
    return _DocumentRows(doc, chunks, tokens, chunk_vecs, plan.units, sentence_vecs, facts)


def _delete_document(conn: Any, doc_id: str) -> None:
    for table in TABLES:
        conn.execute(f"DELETE FROM {table} WHERE doc_id = %s", [doc_id])


def _take_document(conn: Any, doc_id: str, wait: bool) -> bool:
    """The advisory lock of one document for this transaction; False when busy and not waiting."""
    key = _lock_key("document", doc_id)
    if wait:
        conn.execute("SELECT pg_advisory_xact_lock(%s)", [key])
        return True
    return bool(conn.execute("SELECT pg_try_advisory_xact_lock(%s)", [key]).fetchone()[0])


def _write_document(conn: Any, rows: _DocumentRows, wait: bool = True, after_chunks: Callable[[], None] | None = None) -> bool:
    """Replace one document in one transaction. False when another writer holds it and
    `wait` is False (that writer's version will be the new one). `after_chunks` runs inside
    the transaction after the chunk rows (fault tests kill the writer there)."""
    doc = rows.doc
    org = org_of(doc.meta)
    _ensure_partitions(conn, org)
    with conn.transaction():
        if not _take_document(conn, doc.id, wait):
            return False
        current = conn.execute("SELECT fingerprint FROM documents WHERE doc_id = %s", [doc.id]).fetchone()
        if current is not None and current[0] == doc.fingerprint:
            return True  # another writer stored this very version meanwhile
        _delete_document(conn, doc.id)
        generation = conn.execute("SELECT nextval('store_generation')").fetchone()[0]
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO chunks (org, doc_id, ord, chunk_id, section, start_at, end_at, text, kind, context, page, "
                "n_tokens, lexemes, embedding) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s::tsvector, %s)",
                [
                    (org, doc.id, i, c.id, list(c.section), c.start, c.end, c.text, c.kind, c.context, c.page,
                     len(toks), _tsvector(toks), vec)
                    for i, (c, toks, vec) in enumerate(zip(rows.chunks, rows.tokens, rows.chunk_vecs))
                ],
            )
            if after_chunks is not None:
                after_chunks()
            cur.executemany(
                "INSERT INTO sentences (org, doc_id, chunk_ord, start_at, end_at, embedding) VALUES (%s, %s, %s, %s, %s, %s)",
                [(org, doc.id, p, a, b, vec) for (p, a, b), vec in zip(rows.units, rows.sentence_vecs)],
            )
            df: dict[str, int] = {}
            for toks in rows.tokens:
                for t in set(toks):
                    df[t] = df.get(t, 0) + 1
            cur.executemany(
                "INSERT INTO terms (org, doc_id, term, n) VALUES (%s, %s, %s, %s)",
                [(org, doc.id, t, n) for t, n in df.items()],
            )
            cur.executemany(
                "INSERT INTO facts (org, doc_id, ord, fact) VALUES (%s, %s, %s, %s::jsonb)",
                [(org, doc.id, i, _fact_json(f)) for i, f in enumerate(rows.facts)],
            )
        conn.execute(
            "INSERT INTO documents (org, doc_id, fingerprint, path, meta, n_chunks, n_tokens, generation) "
            "VALUES (%s, %s, %s, %s, %s::jsonb, %s, %s, %s)",
            [org, doc.id, doc.fingerprint, doc.path, json.dumps(asdict(doc.meta), ensure_ascii=False),
             len(rows.chunks), sum(len(t) for t in rows.tokens), generation],
        )
    return True


def _remove_document(conn: Any, doc_id: str, wait: bool = True) -> bool:
    with conn.transaction():
        if not _take_document(conn, doc_id, wait):
            return False
        conn.execute("SELECT nextval('store_generation')")
        _delete_document(conn, doc_id)
    return True


def _snapshot(cls: type[PostgresIndex], conn: _Connection, order: list[str] | None, info: dict[str, str],
              stale_reason: str | None) -> PostgresIndex:
    """Documents and chunks as one consistent read; documents in `order` first (the corpus
    order, so positions match the file index), any others after them by id."""

    def read(c: Any) -> tuple[Any, Any, int]:
        if not info:
            return [], [], 0
        with c.transaction():
            c.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            docs = c.execute("SELECT doc_id, org, path, meta FROM documents").fetchall()
            chunks = c.execute(
                "SELECT doc_id, ord, chunk_id, section, start_at, end_at, text, kind, context, page FROM chunks"
            ).fetchall()
            generation = c.execute("SELECT last_value FROM store_generation").fetchone()[0]
        return docs, chunks, int(generation)

    doc_rows, chunk_rows, generation = conn.run(read)
    rank = {d: i for i, d in enumerate(order or [])}
    doc_rows.sort(key=lambda r: (rank.get(r[0], math.inf), r[0]))
    chunk_rows.sort(key=lambda r: (rank.get(r[0], math.inf), r[0], r[1]))
    chunks = [
        Chunk(id=r[2], doc_id=r[0], section=tuple(r[3]), start=r[4], end=r[5], text=r[6], kind=r[7], context=r[8], page=r[9])
        for r in chunk_rows
    ]
    metas = {r[0]: _meta_from_json(r[3]) for r in doc_rows}
    return cls(
        conn, chunks, metas, {r[0]: r[2] for r in doc_rows}, {r[0]: r[1] for r in doc_rows},
        info.get("model", ""), int(info.get("dim", 0) or 0), generation, stale_reason,
    )
