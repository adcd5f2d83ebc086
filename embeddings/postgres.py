"""The index in PostgreSQL with pgvector: the same searches as `HybridIndex`, on a server.

Chosen with ASSISTANT_STORE=postgresql://… (see assistant/settings.py). Tables, each LIST
partitioned by organization (the municipality; documents without one go to the default
partition), so a question about one municipality reads one partition of each:

    documents  org, doc_id, fingerprint, path, meta (jsonb), n_chunks, n_tokens
    chunks     org, doc_id, ord, the Chunk fields, n_tokens, lexemes (tsvector of the
               project's Dutch tokens, GIN), body_nl (to_tsvector('dutch', …), GIN),
               embedding vector(dim) (HNSW over embedding::halfvec, cosine)
    sentences  org, doc_id, chunk_ord, start_at, end_at, embedding vector(dim) (HNSW, halfvec)
    terms      org, doc_id, term, n (chunks of the document holding the term): the BM25
               document frequencies and the vocabulary for compound expansion
    facts      org, doc_id, ord, fact (jsonb BudgetFact): every table cell and in-text amount

The vectors are what the file index build embeds (`embedding_plan`: by default each chunk's
`passage_text` once, its sentences' vectors pooled from that pass), stored as float32 `vector`; the
HNSW indexes are over their halfvec cast (half the memory; recall measured in
embeddings/pgbench.py) and their candidates re-scored in float32.

Lexical search is the file index's BM25 computed in SQL: the same tokens, the same
idf/saturation/length formula (embeddings.bm25) and the same compound expansion against the
store's vocabulary, so both backends rank alike. `body_nl` (Postgres' own Dutch stemmer) is
kept for SQL users and ad-hoc search; it ranks differently from the measured tokenizer.

Writing a document (add, replace, remove) is one transaction holding an advisory lock on that
document only: readers see the old or the new version, never half (MVCC), and writers of
different documents never wait for each other. Chunking and embedding happen before the
transaction, so it is short.

An instance is a snapshot of the chunk list (positions index it, as in HybridIndex); the
searches run in SQL. A lost connection is retried once on a fresh connection; when the
server stays away, `StoreUnavailable` carries one Dutch sentence.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, fields
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from corpus.errors import CorpusError
from corpus.models import BudgetFact, Chunk, Document, DocumentMeta
from embeddings import DEFAULT_CHUNK_VECTORS
from embeddings.base import Embedder
from embeddings.bm25 import expand_term, idf, query_weights, tokenize
from embeddings.plan import (
    POOLING_UNAVAILABLE,
    EMBED_BATCH,
    _prepare,
    embed_texts,
    embedding_plan,
    embedding_version,
    passage_text,
    sentence_units,
    usable_way,
)
from embeddings.progress import STALE_BUSY, ProgressEvent, ProgressFn

# 2: HNSW over the halfvec cast of the vectors.
SCHEMA_VERSION = "2"
BM25_K1, BM25_B = 1.5, 0.75  # the defaults of embeddings.bm25.BM25
# HNSW search breadth: larger than any k asked here, so on small corpora the index search is
# exact in practice; iterative scans keep filtered searches from running out of candidates.
EF_SEARCH = 200
# The HNSW indexes are built over halfvec (16-bit) casts of the float32 vectors: half the
# memory, the same recall@10 in embeddings/pgbench.py. Their candidates are re-scored with the
# float32 vectors, so scores (and ties) are those of the file index; this many times k
# candidates leave room for the few that 16-bit rounding moves across the k-th place.
OVERFETCH = 2
TABLES = ("documents", "chunks", "sentences", "terms", "facts")

Chunker = Callable[[Document], list[Chunk]]


class StoreUnavailable(CorpusError):
    """The database cannot be reached (or was lost twice in a row); nothing was changed."""


def _unavailable(url: str, exc: Exception) -> StoreUnavailable:
    where = _where(url)
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return StoreUnavailable(
        f"De database {where} is niet bereikbaar ({reason}); probeer het over enkele ogenblikken opnieuw."
    )


def _where(url: str) -> str:
    """host:port/database of a URL, never its password."""
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    port = f":{parts.port}" if parts.port else ""
    return f"{host}{port}{parts.path or ''}"


def org_of(meta: DocumentMeta) -> str:
    """The partition key of a document: its municipality ('' for none: the default partition)."""
    return meta.municipality or ""


def _partition(table: str, org: str) -> str:
    return f"{table}_{hashlib.sha256(org.encode('utf-8')).hexdigest()[:12]}"


def _lock_key(*parts: str) -> int:
    """A signed 64-bit advisory-lock key for a name."""
    return int.from_bytes(hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()[:8], "big", signed=True)


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


def _tsquery(terms: Iterable[str]) -> str:
    return " | ".join("'" + t.replace("\\", "\\\\").replace("'", "''") + "'" for t in terms)


def _like_prefix(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _half(expr: str, dim: int) -> str:
    return f"({expr}::halfvec({int(dim)}))"


def _schema_sql(dim: int) -> list[str]:
    v = f"vector({int(dim)})"
    return [
        "CREATE TABLE IF NOT EXISTS store_info (key text PRIMARY KEY, value text NOT NULL)",
        "CREATE SEQUENCE IF NOT EXISTS store_generation",
        """CREATE TABLE IF NOT EXISTS documents (
            org text NOT NULL, doc_id text NOT NULL, fingerprint text NOT NULL, path text NOT NULL,
            meta jsonb NOT NULL, n_chunks int NOT NULL, n_tokens bigint NOT NULL,
            generation bigint NOT NULL) PARTITION BY LIST (org)""",
        f"""CREATE TABLE IF NOT EXISTS chunks (
            org text NOT NULL, doc_id text NOT NULL, ord int NOT NULL, chunk_id text NOT NULL,
            section text[] NOT NULL, start_at int NOT NULL, end_at int NOT NULL, text text NOT NULL,
            kind text NOT NULL, context text NOT NULL, page int, n_tokens int NOT NULL,
            lexemes tsvector NOT NULL,
            body_nl tsvector GENERATED ALWAYS AS (to_tsvector('dutch', context || ' ' || text)) STORED,
            embedding {v} NOT NULL) PARTITION BY LIST (org)""",
        f"""CREATE TABLE IF NOT EXISTS sentences (
            org text NOT NULL, doc_id text NOT NULL, chunk_ord int NOT NULL, start_at int NOT NULL,
            end_at int NOT NULL, embedding {v} NOT NULL) PARTITION BY LIST (org)""",
        """CREATE TABLE IF NOT EXISTS terms (
            org text NOT NULL, doc_id text NOT NULL, term text NOT NULL, n int NOT NULL)
            PARTITION BY LIST (org)""",
        """CREATE TABLE IF NOT EXISTS facts (
            org text NOT NULL, doc_id text NOT NULL, ord int NOT NULL, fact jsonb NOT NULL)
            PARTITION BY LIST (org)""",
        "CREATE INDEX IF NOT EXISTS chunks_doc ON chunks (doc_id)",
        f"CREATE INDEX IF NOT EXISTS chunks_embedding ON chunks USING hnsw ({_half('embedding', dim)} halfvec_cosine_ops)",
        "CREATE INDEX IF NOT EXISTS chunks_lexemes ON chunks USING gin (lexemes)",
        "CREATE INDEX IF NOT EXISTS chunks_body_nl ON chunks USING gin (body_nl)",
        "CREATE INDEX IF NOT EXISTS sentences_doc ON sentences (doc_id)",
        f"CREATE INDEX IF NOT EXISTS sentences_embedding ON sentences USING hnsw ({_half('embedding', dim)} halfvec_cosine_ops)",
        "CREATE INDEX IF NOT EXISTS terms_term ON terms (term text_pattern_ops)",
        "CREATE INDEX IF NOT EXISTS terms_reversed ON terms (reverse(term) text_pattern_ops)",
        "CREATE INDEX IF NOT EXISTS terms_doc ON terms (doc_id)",
        "CREATE INDEX IF NOT EXISTS facts_doc ON facts (doc_id)",
        "CREATE INDEX IF NOT EXISTS documents_doc ON documents (doc_id)",
    ] + [f"CREATE TABLE IF NOT EXISTS {t}_default PARTITION OF {t} DEFAULT" for t in TABLES] + [
        _unique_sql(f"{t}_default", t) for t in TABLES
    ]


# The key of each table, unique per partition (and so overall: org leads every key). Kept per
# partition instead of as a primary key on the parent, because PostgreSQL allows no foreign
# partition (postgres_fdw, another node) under a parent with a unique index. Only
# `_write_document` writes, deleting a document's rows before inserting them under its lock.
KEYS = {
    "documents": "org, doc_id",
    "chunks": "org, doc_id, ord",
    "sentences": "org, doc_id, start_at",
    "terms": "org, doc_id, term",
    "facts": "org, doc_id, ord",
}


def _unique_sql(partition: str, table: str) -> str:
    return f"CREATE UNIQUE INDEX IF NOT EXISTS {partition}_key ON {partition} ({KEYS[table]})"


class _Connection:
    """psycopg connections, one per thread (the app serves sessions from several threads with
    one assistant, and a transaction must not mix two threads' statements), with the retry
    rule: an operation that loses its connection is run once more on a fresh one; a second
    loss raises StoreUnavailable."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._local = threading.local()
        self._all: list[Any] = []
        self._lock = threading.Lock()

    def get(self) -> Any:
        import psycopg

        conn = getattr(self._local, "conn", None)
        if conn is None or conn.closed:
            try:
                conn = psycopg.connect(self.url, autocommit=True, connect_timeout=10)
            except psycopg.Error as exc:
                raise _unavailable(self.url, exc) from None
            try:
                from pgvector.psycopg import register_vector

                register_vector(conn)
            except psycopg.ProgrammingError:  # the extension is not there yet (fresh database)
                pass
            self._local.conn = conn
            with self._lock:
                self._all = [c for c in self._all if not c.closed] + [conn]
        return conn

    def run(self, fn: Callable[[Any], Any]) -> Any:
        import psycopg

        for attempt in (1, 2):
            conn = self.get()
            try:
                return fn(conn)
            except psycopg.OperationalError as exc:
                # Server restarted, connection terminated or network gone: try once more.
                self._drop(conn)
                if attempt == 2:
                    raise _unavailable(self.url, exc) from None
        raise AssertionError("unreachable")

    def _drop(self, conn: Any) -> None:
        try:
            conn.close()
        except Exception:  # noqa: BLE001 - closing a broken connection may fail any way
            pass
        self._local.conn = None

    def close(self) -> None:
        """Close every thread's connection (the next use opens a new one)."""
        with self._lock:
            conns, self._all = self._all, []
        for conn in conns:
            try:
                conn.close()
            except Exception:  # noqa: BLE001
                pass
        self._local.conn = None


def _meta_from_json(d: dict[str, Any]) -> DocumentMeta:
    names = {f.name for f in fields(DocumentMeta)}
    return DocumentMeta(**{k: v for k, v in d.items() if k in names})


def _fact_json(fact: BudgetFact) -> str:
    return json.dumps(asdict(fact), ensure_ascii=False)


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


def attach_remote_organization(url: str, org: str, remote_url: str, server: str) -> None:
    """Scale-out: keep the partitions of organization `org` on another PostgreSQL node.

    Creates the five partition tables (with their keys and HNSW/GIN indexes) on the node at
    `remote_url`, and on this store (`url`, schema already created) foreign-table partitions
    for `org` through postgres_fdw server `server`. Writes of `org`'s documents are then
    routed to that node and every search reads it as part of the same tables. Run once per
    organization, before its first document; the local user needs a user mapping that may
    connect (a superuser needs no password; other users give one in the mapping).
    """
    import psycopg

    remote = urlsplit(remote_url)
    names = {t: _partition(t, org) for t in TABLES}
    with psycopg.connect(url, autocommit=True) as local:
        columns = {
            t: local.execute(
                "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
                "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
                [t],
            ).fetchall()
            for t in TABLES
        }
        dim = int(dict(local.execute("SELECT key, value FROM store_info").fetchall())["dim"])
        with psycopg.connect(remote_url, autocommit=True) as node:
            node.execute("CREATE EXTENSION IF NOT EXISTS vector")
            for t, name in names.items():
                cols = ", ".join(f"{c} {typ}" for c, typ in columns[t])
                node.execute(f"CREATE TABLE IF NOT EXISTS {name} ({cols})")
                node.execute(_unique_sql(name, t))
            half = _half("embedding", dim)
            node.execute(f"CREATE INDEX IF NOT EXISTS {names['chunks']}_embedding ON {names['chunks']} USING hnsw ({half} halfvec_cosine_ops)")
            node.execute(f"CREATE INDEX IF NOT EXISTS {names['chunks']}_lexemes ON {names['chunks']} USING gin (lexemes)")
            node.execute(f"CREATE INDEX IF NOT EXISTS {names['sentences']}_embedding ON {names['sentences']} USING hnsw ({half} halfvec_cosine_ops)")
            node.execute(f"CREATE INDEX IF NOT EXISTS {names['terms']}_term ON {names['terms']} (term text_pattern_ops)")
        local.execute("CREATE EXTENSION IF NOT EXISTS postgres_fdw")
        options = {"host": remote.hostname or "localhost", "port": str(remote.port or 5432),
                   "dbname": (remote.path or "/").lstrip("/") or "postgres", "extensions": "vector"}
        local.execute(
            f"CREATE SERVER IF NOT EXISTS {server} FOREIGN DATA WRAPPER postgres_fdw OPTIONS ("
            + ", ".join(f"{k} {_literal(v)}" for k, v in options.items()) + ")"
        )
        mapping = {"user": remote.username or "postgres"}
        if remote.password:
            mapping["password"] = remote.password
        local.execute(
            f"CREATE USER MAPPING IF NOT EXISTS FOR CURRENT_USER SERVER {server} OPTIONS ("
            + ", ".join(f"{k} {_literal(v)}" for k, v in mapping.items()) + ")"
        )
        with local.transaction():
            local.execute("SELECT pg_advisory_xact_lock(%s)", [_lock_key("partition", org)])
            for t, name in names.items():
                local.execute(
                    f"CREATE FOREIGN TABLE IF NOT EXISTS {name} PARTITION OF {t} FOR VALUES IN ({_literal(org)}) "
                    f"SERVER {server} OPTIONS (table_name {_literal(name)})"
                )


# ---------------------------------------------------------------------------------------------
# SQL helpers (each takes a live connection; `_Connection.run` supplies it and retries)


def _search_settings(conn: Any) -> None:
    conn.execute(f"SET LOCAL hnsw.ef_search = {EF_SEARCH}")
    conn.execute("SET LOCAL hnsw.iterative_scan = relaxed_order")


def _generation(conn: _Connection) -> int:
    return int(conn.run(lambda c: c.execute("SELECT last_value FROM store_generation").fetchone()[0]))


def _store_info(conn: Any) -> dict[str, str]:
    exists = conn.execute("SELECT to_regclass('store_info') IS NOT NULL").fetchone()[0]
    if not exists:
        return {}
    return dict(conn.execute("SELECT key, value FROM store_info").fetchall())


def _count_documents(conn: Any) -> int:
    if not conn.execute("SELECT to_regclass('documents') IS NOT NULL").fetchone()[0]:
        return 0
    return conn.execute("SELECT count(*) FROM documents").fetchone()[0]


def _fingerprints(conn: Any) -> dict[str, str]:
    return dict(conn.execute("SELECT doc_id, fingerprint FROM documents").fetchall())


def _create_schema(conn: Any, model: str, dim: int) -> None:
    with conn.transaction():
        # One creator at a time; a second one finds everything there (IF NOT EXISTS).
        conn.execute("SELECT pg_advisory_xact_lock(%s)", [_lock_key("schema")])
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        for sql in _schema_sql(dim):
            conn.execute(sql)
        for key, value in (("model", model), ("dim", str(dim)), ("schema", SCHEMA_VERSION)):
            conn.execute(
                "INSERT INTO store_info VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                [key, value],
            )


def _drop_all(conn: Any) -> None:
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", [_lock_key("schema")])
        for t in (*TABLES, "store_info"):
            conn.execute(f"DROP TABLE IF EXISTS {t} CASCADE")


def _ensure_partitions(conn: Any, org: str) -> None:
    """The partitions of `org` in every table. Created in a short transaction of their own,
    before the document's, so creating one never holds a lock while a document is written."""
    names = {t: _partition(t, org) for t in TABLES}
    have = {r[0] for r in conn.execute("SELECT relname FROM pg_class WHERE relname = ANY(%s)", [list(names.values())])}
    if len(have) == len(names):
        return
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", [_lock_key("partition", org)])
        for table, name in names.items():
            if name not in have:
                conn.execute(f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF {table} FOR VALUES IN ({_literal(org)})")
                conn.execute(_unique_sql(name, table))


def _literal(text: str) -> str:
    """A SQL string literal (DDL takes no parameters)."""
    return "'" + text.replace("'", "''") + "'"


def _containing(conn: Any, term: str) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT term FROM terms WHERE (term LIKE %s OR reverse(term) LIKE %s) AND length(term) >= %s",
            [_like_prefix(term), _like_prefix(term[::-1]), len(term) + 3],
        ).fetchall()
    ]


def _known(conn: Any, terms: Iterable[str]) -> set[str]:
    terms = sorted(set(terms))
    if not terms:
        return set()
    return {r[0] for r in conn.execute("SELECT DISTINCT term FROM terms WHERE term = ANY(%s)", [terms]).fetchall()}


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


__all__ = ["PostgresIndex", "StoreUnavailable", "attach_remote_organization", "org_of", "replace_document"]
