"""The PostgreSQL store's tables: their columns, partitions, keys and indexes.

Tables, each LIST partitioned by organization (the municipality; documents without one go to
the default partition), so a question about one municipality reads one partition of each:

    documents  org, doc_id, fingerprint, path, meta (jsonb), n_chunks, n_tokens
    chunks     org, doc_id, ord, the Chunk fields, n_tokens, lexemes (tsvector of the
               project's Dutch tokens, GIN), body_nl (to_tsvector('dutch', …), GIN),
               embedding vector(dim) (HNSW over embedding::halfvec, cosine)
    sentences  org, doc_id, chunk_ord, start_at, end_at, embedding vector(dim) (HNSW, halfvec)
    terms      org, doc_id, term, n (chunks of the document holding the term): the BM25
               document frequencies and the vocabulary for compound expansion
    facts      org, doc_id, ord, fact (jsonb BudgetFact): every table cell and in-text amount

The vectors are what the file index build embeds (`embedding_plan`: by default each chunk's
`passage_text` once, its sentences' vectors pooled from that pass), stored as float32
`vector`; the HNSW indexes are over their halfvec cast (half the memory; recall measured in
embeddings/pgbench.py) and their candidates re-scored in float32.

`_create_schema` creates them (once, under an advisory lock), `_ensure_partitions` an
organization's partitions, `attach_remote_organization` puts one organization's partitions
on another node (scale-out).

Helpers that take `conn` take a live connection (`_Connection.run` supplies it
and retries).
"""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlsplit

from corpus.models import DocumentMeta

__all__ = ["KEYS", "SCHEMA_VERSION", "TABLES", "attach_remote_organization", "org_of"]

# 2: HNSW over the halfvec cast of the vectors.
SCHEMA_VERSION = "2"
TABLES = ("documents", "chunks", "sentences", "terms", "facts")


def org_of(meta: DocumentMeta) -> str:
    """The partition key of a document: its municipality ('' for none: the default partition)."""
    return meta.municipality or ""


def _partition(table: str, org: str) -> str:
    return f"{table}_{hashlib.sha256(org.encode('utf-8')).hexdigest()[:12]}"


def _lock_key(*parts: str) -> int:
    """A signed 64-bit advisory-lock key for a name."""
    return int.from_bytes(hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()[:8], "big", signed=True)


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


def _store_info(conn: Any) -> dict[str, str]:
    exists = conn.execute("SELECT to_regclass('store_info') IS NOT NULL").fetchone()[0]
    if not exists:
        return {}
    return dict(conn.execute("SELECT key, value FROM store_info").fetchall())


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
