"""Finding #12.1 at the index: builds at the same moment in one process (the app's sessions
share a process id) and in two processes never destroy each other's work."""

from __future__ import annotations

from pathlib import Path

from embeddings.index import HybridIndex
from tests.embeddings.test_index import DOCS, make_doc, paragraph_chunker
from tests.fakes import FakeEmbedder
from tests.workers import run_processes, run_threads

ROUNDS = 20

OPEN_LOOP = """
from embeddings.index import HybridIndex
from tests.embeddings.test_index import DOCS, make_doc, paragraph_chunker
from tests.fakes import FakeEmbedder
index, tag, rounds = ARGS
start()
for i in range(int(rounds)):
    docs = DOCS + [make_doc(f"{tag}{i}", f"Alinea {tag} {i} over schulden.\\n\\nTweede alinea {i}.")]
    idx = HybridIndex.open(pathlib.Path(index), docs, FakeEmbedder(), paragraph_chunker)
    assert {c.doc_id for c in idx.chunks} == {d.id for d in docs}, (i, sorted({c.doc_id for c in idx.chunks}))
"""


def _docs(tag: str, i: int):
    return DOCS + [make_doc(f"{tag}{i}", f"Alinea {tag} {i} over schulden.\n\nTweede alinea {i}.")]


def test_threads_building_one_index_at_once_each_get_their_index(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"

    def build(n: int) -> None:
        tag = "ab"[n]
        for i in range(ROUNDS):
            docs = _docs(tag, i)
            idx = HybridIndex.open(index_dir, docs, FakeEmbedder(), paragraph_chunker)
            assert {c.doc_id for c in idx.chunks} == {d.id for d in docs}

    run_threads(build)
    final = _docs("a", ROUNDS - 1)
    emb = FakeEmbedder()
    assert len(HybridIndex.open(index_dir, final, emb, paragraph_chunker).chunks) == 2 * len(final)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index"]
    assert not list(index_dir.glob(".build-*"))  # no build left behind


def test_processes_building_one_index_at_once_each_get_their_index(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    results = run_processes(OPEN_LOOP, [[index_dir, tag, ROUNDS] for tag in "ab"], tmp_path)
    for result in results:
        assert result.returncode == 0, result.stderr
    docs = _docs("b", ROUNDS - 1)
    assert {c.doc_id for c in HybridIndex.open(index_dir, docs, FakeEmbedder(), paragraph_chunker).chunks} == {
        d.id for d in docs
    }
    assert not list(index_dir.glob(".build-*"))
