"""The index in PostgreSQL with pgvector: the same searches as `HybridIndex`, on a server.

Chosen with ASSISTANT_STORE=postgresql://… (see assistant/settings.py).
`PostgresIndex.open` brings the store up to date with a corpus, `PostgresIndex.read` takes it
as it is.

An instance is a snapshot of the chunk list (positions index it, as in HybridIndex); the
searches run in SQL. A lost connection is retried once on a fresh connection; when the
server stays away, `StoreUnavailable` carries one Dutch sentence.

The tables: embeddings/pgschema.py. Connections: embeddings/pgconnection.py. Writing and
reading back documents: embeddings/pgdocuments.py. The searches' SQL pieces:
embeddings/pgsearch.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from corpus.models import Chunk, Document, DocumentMeta
from embeddings import DEFAULT_CHUNK_VECTORS
from embeddings.base import Embedder
from embeddings.bm25 import expand_term, idf, query_weights, tokenize
from embeddings.pgconnection import StoreUnavailable, _Connection
from embeddings.pgdocuments import (
    Chunker,
    _count_documents,
    _embed_document,
    _fingerprints,
    _generation,
    _remove_document,
    _snapshot,
    _write_document,
)
from embeddings.pgschema import SCHEMA_VERSION, _create_schema, _drop_all, _half, _store_info
from embeddings.pgsearch import BM25_B, BM25_K1, OVERFETCH, _containing, _known, _search_settings, _tsquery
from embeddings.plan import POOLING_UNAVAILABLE, _prepare, embedding_version, sentence_units, usable_way
from embeddings.progress import STALE_BUSY, ProgressEvent, ProgressFn

__all__ = ["PostgresIndex"]


class PostgresIndex:
    """A snapshot of the store's chunks with SQL searches; satisfies embeddings.protocols.

    Use `PostgresIndex.open` (build/update for a corpus) or `PostgresIndex.read` (as it is).
    """

    # How the vectors were made (`EmbeddingPlan`); `open` sets the way it embedded with.
    chunk_vectors: str = DEFAULT_CHUNK_VECTORS

    def __init__(
        self,
        conn: _Connection,
        chunks: list[Chunk],
        documents: dict[str, DocumentMeta],
        paths: dict[str, str],
        orgs: dict[str, str],
        embedder_name: str,
        dim: int,
        version: int,
        stale_reason: str | None = None,
    ) -> None:
        self._conn = conn
        self._chunks = chunks
        self._documents = documents
        self._paths = paths
        self._orgs = orgs
        self._embedder_name = embedder_name
        self._dim = dim
        self._pos = {(c.doc_id, i): p for i, p, c in self._ordinals(chunks)}
        self._sentences = sentence_units(chunks)
        self._sentence_at = {(chunks[p].doc_id, s): i for i, (p, s, _) in enumerate(self._sentences)}
        self.version = version
        self.stale_reason = stale_reason

    @staticmethod
    def _ordinals(chunks: list[Chunk]) -> Iterable[tuple[int, int, Chunk]]:
        """(ordinal within its document, position, chunk)."""
        ord_in_doc: dict[str, int] = {}
        for pos, c in enumerate(chunks):
            i = ord_in_doc.get(c.doc_id, 0)
            ord_in_doc[c.doc_id] = i + 1
            yield i, pos, c

    # -- the ChunkStore seam -----------------------------------------------------------------
    @property
    def chunks(self) -> list[Chunk]:
        return self._chunks

    @property
    def documents(self) -> dict[str, DocumentMeta]:
        return self._documents

    @property
    def document_paths(self) -> dict[str, str]:
        return self._paths

    @property
    def sentences(self) -> list[tuple[int, int, int]]:
        return self._sentences

    @property
    def embedder_name(self) -> str:
        return self._embedder_name

    @property
    def dim(self) -> int:
        return self._dim

    def __len__(self) -> int:
        return len(self._chunks)

    def changed(self) -> bool:
        """True when a write was committed (or attempted) since this snapshot was read."""
        try:
            return _generation(self._conn) > self.version
        except StoreUnavailable:
            return False

    def close(self) -> None:
        self._conn.close()

    # -- scope -------------------------------------------------------------------------------
    def _scope(self, allowed: np.ndarray | None) -> tuple[str, list[Any], np.ndarray | None]:
        """SQL condition, its parameters, and the mask to apply to the rows afterwards.

        A mask that takes whole documents becomes `org = ANY(...) AND doc_id = ANY(...)` (the
        org list prunes partitions); any other mask is applied to the rows in Python.
        """
        if allowed is None:
            return "TRUE", [], None
        mask = np.asarray(allowed, dtype=bool)
        if mask.shape != (len(self._chunks),):
            raise ValueError(f"allowed mask has shape {mask.shape}, expected ({len(self._chunks)},)")
        docs_in = {c.doc_id for c, m in zip(self._chunks, mask) if m}
        whole = all(m == (c.doc_id in docs_in) for c, m in zip(self._chunks, mask))
        orgs = sorted({self._orgs[d] for d in docs_in})
        cond = "org = ANY(%s) AND doc_id = ANY(%s)"
        return cond, [orgs, sorted(docs_in)], (None if whole else mask)

    def _hits(self, rows: Iterable[tuple[str, int, float]], mask: np.ndarray | None, k: int) -> list[tuple[int, float]]:
        hits = []
        for doc_id, ord_, score in rows:
            pos = self._pos.get((doc_id, int(ord_)))
            if pos is not None and (mask is None or mask[pos]):
                hits.append((pos, float(score)))
        hits.sort(key=lambda h: (-h[1], h[0]))
        return hits[:k]

    def _vector(self, query_vec: np.ndarray) -> np.ndarray:
        q = np.asarray(query_vec, dtype=np.float32).reshape(-1)
        if q.shape[0] != self._dim:
            raise ValueError(f"query vector has dim {q.shape[0]}, index has {self._dim}")
        return q

    # -- the VectorStore seam ----------------------------------------------------------------
    def dense_search(self, query_vec: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Top-k chunks by cosine (HNSW, cosine ops). Same contract as HybridIndex.dense_search."""
        if k <= 0 or not self._chunks or (allowed is not None and not np.asarray(allowed).any()):
            return []
        q = self._vector(query_vec)
        cond, params, mask = self._scope(allowed)
        limit = k if mask is None else len(self._chunks)

        def search(conn: Any) -> list[tuple[str, int, float]]:
            with conn.transaction():
                _search_settings(conn)
                return conn.execute(
                    "SELECT doc_id, ord, 1 - (embedding <=> %s) AS score FROM ("
                    f" SELECT doc_id, ord, embedding FROM chunks WHERE {cond}"
                    f" ORDER BY {_half('embedding', self._dim)} <=> {_half('%s', self._dim)} LIMIT %s) c "
                    "ORDER BY score DESC LIMIT %s",
                    [q, *params, q, OVERFETCH * limit, limit],
                ).fetchall()

        return self._hits(self._conn.run(search), mask, k)

    def sentence_scores(self, query_vec: np.ndarray) -> np.ndarray:
        """Cosine of the query to every sentence of this snapshot, aligned with `sentences`
        (exact: every sentence row of the snapshot's documents is read)."""
        out = np.zeros(len(self._sentences), dtype=np.float32)
        if not self._sentences:
            return out
        q = self._vector(query_vec)
        orgs, docs = sorted(set(self._orgs.values())), sorted(self._documents)

        def scores(conn: Any) -> list[tuple[str, int, float]]:
            return conn.execute(
                "SELECT doc_id, start_at, 1 - (embedding <=> %s) FROM sentences WHERE org = ANY(%s) AND doc_id = ANY(%s)",
                [q, orgs, docs],
            ).fetchall()

        for doc_id, start, score in self._conn.run(scores):
            i = self._sentence_at.get((doc_id, int(start)))
            if i is not None:
                out[i] = score
        return out

    def sentence_search(
        self, query_vec: np.ndarray, k: int, allowed: np.ndarray | None = None, scores: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """Top-k chunks by their best sentence's cosine. With `scores` (from sentence_scores)
        no query is sent; without, the HNSW index finds the nearest sentences."""
        if k <= 0 or not self._chunks or (allowed is not None and not np.asarray(allowed).any()):
            return []
        mask = None if allowed is None else np.asarray(allowed, dtype=bool)
        if scores is not None:
            best: dict[int, float] = {}
            for (pos, _, _), score in zip(self._sentences, scores):
                if (mask is None or mask[pos]) and score > best.get(pos, -2.0):
                    best[pos] = float(score)
            return sorted(best.items(), key=lambda h: (-h[1], h[0]))[:k]
        q = self._vector(query_vec)
        cond, params, mask = self._scope(allowed)
        # Sentences per chunk vary; ten times k nearest sentences give k distinct chunks
        # except in pathological corpora.
        limit = 10 * k if mask is None else len(self._sentences)

        def search(conn: Any) -> list[tuple[str, int, float]]:
            with conn.transaction():
                _search_settings(conn)
                return conn.execute(
                    "SELECT doc_id, chunk_ord, max(1 - (embedding <=> %s)) FROM ("
                    f" SELECT doc_id, chunk_ord, embedding FROM sentences WHERE {cond}"
                    f" ORDER BY {_half('embedding', self._dim)} <=> {_half('%s', self._dim)} LIMIT %s) s "
                    "GROUP BY doc_id, chunk_ord",
                    [q, *params, q, OVERFETCH * limit],
                ).fetchall()

        return self._hits(self._conn.run(search), mask, k)

    # -- the LexicalIndex seam ---------------------------------------------------------------
    def lexical_search(self, query_text: str, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Top-k chunks by BM25 (embeddings.bm25's formula and expansion), computed in SQL;
        only chunks with a positive score."""
        if k <= 0 or not self._chunks or (allowed is not None and not np.asarray(allowed).any()):
            return []
        tokens = tokenize(query_text)
        if not tokens:
            return []
        cond, params, mask = self._scope(allowed)
        limit = k if mask is None else len(self._chunks)

        def search(conn: Any) -> list[tuple[str, int, float]]:
            with conn.transaction():  # one snapshot for the statistics and the scores
                conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                expansions: dict[str, tuple[tuple[str, float], ...]] = {}
                for term in set(tokens):
                    expansions[term] = expand_term(
                        term, lambda t: _containing(conn, t), lambda ts: _known(conn, ts), 0.5
                    )
                weights = query_weights(tokens, expansions.__getitem__)
                n_docs, n_tokens = conn.execute(
                    "SELECT coalesce(sum(n_chunks), 0), coalesce(sum(n_tokens), 0) FROM documents"
                ).fetchone()
                if not n_docs:
                    return []
                avgdl = float(n_tokens) / float(n_docs) if n_tokens else 1.0
                df = dict(
                    conn.execute(
                        "SELECT term, sum(n) FROM terms WHERE term = ANY(%s) GROUP BY term", [list(weights)]
                    ).fetchall()
                )
                terms = [t for t in weights if df.get(t)]
                if not terms:
                    return []
                w = [weights[t] * idf(int(n_docs), int(df[t])) for t in terms]
                return conn.execute(
                    "WITH q(term, w) AS (SELECT * FROM unnest(%s::text[], %s::float8[])) "
                    "SELECT c.doc_id, c.ord, sum(q.w * tf.n * %s / (tf.n + %s * (1 - %s + %s * c.n_tokens / %s))) AS score "
                    "FROM chunks c CROSS JOIN LATERAL unnest(c.lexemes) AS l(lexeme, positions, weights) "
                    "JOIN q ON q.term = l.lexeme "
                    "CROSS JOIN LATERAL (SELECT coalesce(array_length(l.positions, 1), 1)::float8 AS n) tf "
                    f"WHERE c.lexemes @@ %s::tsquery AND {cond} "
                    "GROUP BY c.doc_id, c.ord ORDER BY score DESC, c.doc_id, c.ord LIMIT %s",
                    [terms, w, BM25_K1 + 1.0, BM25_K1, BM25_B, BM25_B, avgdl, _tsquery(terms), *params, limit],
                ).fetchall()

        rows = self._conn.run(search)
        return self._hits(((d, o, s) for d, o, s in rows if s > 0.0), mask, k)

    # -- opening -----------------------------------------------------------------------------
    @classmethod
    def read(
        cls, url: str, embedder_name: str, stale_reason: str | None = None, **file_index_options: object
    ) -> "PostgresIndex | None":
        """The store as it is (no writes), marked with `stale_reason`; None when it holds no
        index for this embedder."""
        conn = _Connection(url)
        info = conn.run(_store_info)
        if info.get("model") != embedder_name:
            conn.close()
            return None
        return _snapshot(cls, conn, None, info, stale_reason)

    @staticmethod
    def stored_document_count(url: str) -> int:
        conn = _Connection(url)
        try:
            return int(conn.run(lambda c: _count_documents(c)))
        except StoreUnavailable:
            return 0
        finally:
            conn.close()

    @classmethod
    def open(
        cls,
        url: str,
        documents: Sequence[Document],
        embedder: Embedder,
        chunker: Chunker,
        progress: ProgressFn | None = None,
        chunker_version: str = "",
        stale_ok: bool = False,
        reread: Callable[[], Sequence[Document]] | None = None,
        chunk_vectors: str = DEFAULT_CHUNK_VECTORS,
        **file_index_options: object,
    ) -> "PostgresIndex":
        """Bring the store up to date with `documents` and return a snapshot of it.

        Same contract as HybridIndex.open: unchanged documents are not touched (nothing is
        embedded when nothing changed), new and changed ones are chunked, embedded and written
        one transaction per document, removed ones deleted. stale_ok (readers): a document
        another writer is writing right now is left to that writer, and the snapshot says so
        in `stale_reason`. `reread` is not needed (writes are per document, not per corpus)
        and accepted for the same signature, as are the file index's search and build options
        (`ann_params`, …: the database has its own HNSW indexes); `chunk_vectors` is the way
        of embedding, as in the file index. Raises StoreUnavailable when the server is away.
        """
        report = progress or (lambda event: None)
        requested, chunk_vectors = chunk_vectors, usable_way(chunk_vectors, embedder)
        docs = _prepare(documents, embedding_version(chunker_version, chunk_vectors))
        conn = _Connection(url)
        info = conn.run(_store_info)
        if info and (info.get("model") != embedder.name or info.get("schema") != SCHEMA_VERSION):
            report(
                ProgressEvent(
                    "melding",
                    message=(
                        f"De database bevat een index van embeddingmodel '{info.get('model')}' in plaats van "
                        f"'{embedder.name}'; hij wordt opnieuw opgebouwd."
                    ),
                )
            )
            conn.run(_drop_all)
            info = {}
        stored = conn.run(_fingerprints) if info else {}
        todo = [d for d in docs if stored.get(d.id) != d.fingerprint]
        removed = sorted(set(stored) - {d.id for d in docs})
        if not info and (todo or not docs):
            dim = int(embedder.dim)
            conn.run(lambda c: _create_schema(c, embedder.name, dim))
            info = {"model": embedder.name, "dim": str(dim), "schema": SCHEMA_VERSION}
            conn.close()  # reconnect so the vector type is registered
        dim = int(info["dim"]) if info else int(embedder.dim)
        busy = False
        if todo and requested != chunk_vectors:
            report(ProgressEvent("melding", message=POOLING_UNAVAILABLE))
        for i, doc in enumerate(todo):
            chunks = list(chunker(doc))
            report(ProgressEvent("fragmenteren", i + 1, len(todo), i + 1, len(todo)))
            rows = _embed_document(doc, chunks, embedder, dim, report, chunk_vectors)
            written = conn.run(lambda c: _write_document(c, rows, wait=not stale_ok))
            busy |= not written
        for doc_id in removed:
            busy |= not conn.run(lambda c: _remove_document(c, doc_id, wait=not stale_ok))
        if todo or removed:
            report(ProgressEvent("klaar", message=f"Database bijgewerkt: {len(todo)} document(en) ingebed, {len(removed)} verwijderd."))
        index = _snapshot(cls, conn, [d.id for d in docs], info, STALE_BUSY if busy else None)
        index.chunk_vectors = chunk_vectors
        return index
