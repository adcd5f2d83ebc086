"""The SQL pieces of the PostgreSQL store's searches (`PostgresIndex` runs them).

Lexical search is the file index's BM25 computed in SQL: the same tokens, the same
idf/saturation/length formula (embeddings.bm25) and the same compound expansion against the
store's vocabulary, so both backends rank alike. `body_nl` (Postgres' own Dutch stemmer) is
kept for SQL users and ad-hoc search; it ranks differently from the measured tokenizer.

Vector searches read the HNSW indexes with a search breadth (`EF_SEARCH`) wider than any k
asked, and re-score `OVERFETCH` times k candidates in float32.

Helpers that take `conn` take a live connection (`_Connection.run` supplies it
and retries).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["BM25_B", "BM25_K1", "EF_SEARCH", "OVERFETCH"]

BM25_K1, BM25_B = 1.5, 0.75  # the defaults of embeddings.bm25.BM25
# HNSW search breadth: larger than any k asked here, so on small corpora the index search is
# exact in practice; iterative scans keep filtered searches from running out of candidates.
EF_SEARCH = 200
# The HNSW indexes are built over halfvec (16-bit) casts of the float32 vectors: half the
# memory, the same recall@10 in embeddings/pgbench.py. Their candidates are re-scored with the
# float32 vectors, so scores (and ties) are those of the file index; this many times k
# candidates leave room for the few that 16-bit rounding moves across the k-th place.
OVERFETCH = 2


def _tsquery(terms: Iterable[str]) -> str:
    return " | ".join("'" + t.replace("\\", "\\\\").replace("'", "''") + "'" for t in terms)


def _like_prefix(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _search_settings(conn: Any) -> None:
    conn.execute(f"SET LOCAL hnsw.ef_search = {EF_SEARCH}")
    conn.execute("SET LOCAL hnsw.iterative_scan = relaxed_order")


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
