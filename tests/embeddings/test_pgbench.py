"""The pgvector benchmark runs end to end on a real server and measures against exact search."""

from __future__ import annotations

from embeddings import pgbench


def test_pgbench_measures_both_engines_against_exact_search(pg_url, capsys):
    assert pgbench.main(["--n", "2000", "--queries", "20", "--clusters", "20", "--ef", "40", "--kinds", "halfvec", "--url", pg_url]) == 0
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line.startswith("| ") and "engine" not in line]
    engines = [r.split("|")[1].strip() for r in rows]
    assert engines == [
        "PostgreSQL HNSW (halfvec, m=16, ef_construction=64, ef_search=40)",
        "FAISS IndexFlatIP (exact)",
        "FAISS IndexHNSWFlat (M=16, efConstruction=64, efSearch=40)",
    ]
    recalls = [float(r.split("|")[6]) for r in rows]
    assert recalls[1] == 1.0 and all(0.0 <= x <= 1.0 for x in recalls)


def test_pgbench_refuses_an_unknown_kind(capsys):
    assert pgbench.main(["--n", "100", "--kinds", "float16"]) == 2
    assert "--kinds" in capsys.readouterr().err
