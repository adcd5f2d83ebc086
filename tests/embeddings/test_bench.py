"""The index benchmark runs end to end (with the fake embedder) and reports a warm start."""

from __future__ import annotations

import pytest

from corpus.models import Document, DocumentMeta
from embeddings import bench
from tests.fakes import FakeEmbedder, OnePassEmbedder


def test_bench_builds_and_reopens_seed_index(tmp_path, seeds_dir, capsys):
    made: list[OnePassEmbedder] = []

    def factory() -> OnePassEmbedder:
        made.append(OnePassEmbedder())
        return made[-1]

    figures = bench.run(seeds_dir, tmp_path / "index", "fake", make_embedder=factory)
    out = capsys.readouterr().out
    assert figures["chunks"] > 0
    assert f"Fragmenten: {int(figures['chunks'])}" in out
    assert figures["sentences"] > figures["chunks"]  # most chunks hold several sentences
    # Embedded once: the build sends every chunk's text through the model once (its
    # sentences' vectors pooled from that pass), exactly the tokens of the reference pass,
    # which then embeds every chunk's text once more.
    assert figures["embedded_texts"] == figures["chunks"] == len(made[0].passes)
    assert made[0].passages_embedded == figures["chunks"]
    assert figures["tokens"] == figures["reference_tokens"] > 0
    assert figures["ratio"] == pytest.approx(figures["build"] / figures["reference_pass"])
    for label in ("fragmenteren", "embedden", "FAISS + BM25", "warme start", "Piekgeheugen", "tokens/s", "Indexbouw"):
        assert label in out


def test_bench_document_reads_and_builds_one_file(tmp_path, seeds_dir, capsys):
    path = next(seeds_dir.glob("*.txt"))
    figures = bench.run_document(path, tmp_path / "work" / "index", "fake", make_embedder=FakeEmbedder)
    out = capsys.readouterr().out
    assert figures["documents"] == 1 and figures["chunks"] > 0
    assert path.name in out and "Piekgeheugen" in out


def test_bench_reopen_indexes_copies_once_and_times_the_restarts(tmp_path, seeds_dir, capsys):
    path = next(seeds_dir.glob("deventer*.txt"))
    figures = bench.run_reopen(path, tmp_path / "work", copies=3, dim=32)
    out = capsys.readouterr().out
    assert figures["documents"] == 3 and figures["facts"] > 0 and figures["sentences"] > figures["chunks"] > 0
    assert 0 < figures["reopen_median"] <= figures["reopen_max"]
    assert "3 kopieën" in out and "heropenen: mediaan" in out
    assert bench.main(["--reopen", str(tmp_path / "weg.pdf")]) == 2
    assert "bestaat niet" in capsys.readouterr().err


def test_scale_reports_every_structure_with_recall_against_exact():
    rows = bench.scale(3_000, n_queries=20)
    assert [r["structure"].split()[0] for r in rows] == ["flat", "HNSW", "IVF"]
    assert rows[0]["recall@10"] == 1.0
    assert all(0.0 <= r["recall@10"] <= 1.0 and r["search p95 ms"] >= r["search p50 ms"] for r in rows)
    assert rows[1]["recall@10"] >= 0.9  # HNSW on 3,000 clustered vectors is all but exact


def test_bench_refuses_existing_index_dir(tmp_path, capsys):
    assert bench.main(["--index-dir", str(tmp_path)]) == 2
    assert "bestaat al" in capsys.readouterr().err


@pytest.mark.parametrize("limit", [50, 1000])
def test_fallback_chunker_slices_exactly_within_limit(limit):
    text = "Kop\n\n" + "woord " * 400 + "\nkort\n" + "x" * 120
    doc = Document("d", "d.txt", text, DocumentMeta(title="d"), "fp")
    chunks = bench._paragraph_chunker(doc, limit=limit)
    assert all(c.text == text[c.start : c.end] and 0 < len(c.text) <= limit for c in chunks)
    covered = "".join(c.text for c in chunks).replace(" ", "").replace("\n", "")
    assert covered == text.replace(" ", "").replace("\n", "")
