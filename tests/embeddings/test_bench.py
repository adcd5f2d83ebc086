"""The index benchmark runs end to end (with the fake embedder) and reports a warm start."""

from __future__ import annotations

import pytest

from corpus.models import Document, DocumentMeta
from embeddings import bench
from tests.fakes import FakeEmbedder


def test_bench_builds_and_reopens_seed_index(tmp_path, seeds_dir, capsys):
    made: list[FakeEmbedder] = []

    def factory() -> FakeEmbedder:
        made.append(FakeEmbedder())
        return made[-1]

    figures = bench.run(seeds_dir, tmp_path / "index", "fake", make_embedder=factory)
    out = capsys.readouterr().out
    assert figures["chunks"] > 0
    assert f"Fragmenten: {int(figures['chunks'])}" in out
    assert figures["sentences"] > figures["chunks"]  # most chunks hold several sentences
    assert made[0].passages_embedded == figures["chunks"] + figures["sentences"]
    assert made[1].calls == 0  # the warm start embedded nothing
    for label in ("parsen", "embedden", "FAISS + BM25", "warme start", "Piekgeheugen"):
        assert label in out


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
