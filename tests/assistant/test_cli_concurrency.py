"""Finding #12.2 through the command line: two `assistant add` loops at once (real processes,
fake embedder) leave every document, with the metadata given as options, in the manifest and
in an index that opens without embedding anything."""

from __future__ import annotations

from pathlib import Path

from corpus.manifest import read_manifest
from corpus.store import load_corpus
from tests.corpus.test_store_concurrency import ROUNDS, TOWNS, write_uploads
from tests.fakes import FakeEmbedder
from tests.workers import FAKE_EMBEDDER, run_processes

CLI_ADD_LOOP = FAKE_EMBEDDER + """
from assistant.cli import main
corpus, index, uploads, tag, town, rounds = ARGS
start()
for i in range(int(rounds)):
    path = str(pathlib.Path(uploads) / f"{tag}-{i}.txt")
    code = main(["add", path, "--municipality", town, "--year", str(2000 + i),
                 "--corpus", corpus, "--index-dir", index, "--quiet"])
    if code != 0:
        sys.exit(f"ronde {i}: exit {code}")
"""


def test_two_add_commands_at_once_lose_nothing(tmp_path: Path) -> None:
    from corpus.chunking import CHUNKER_VERSION, chunk_document
    from embeddings.index import HybridIndex

    corpus, index, uploads = tmp_path / "corpus", tmp_path / "index", tmp_path / "uploads"
    for tag in TOWNS:
        write_uploads(uploads, tag)
    results = run_processes(
        CLI_ADD_LOOP, [[corpus, index, uploads, tag, town, ROUNDS] for tag, town in TOWNS.items()], tmp_path
    )
    for result in results:
        assert result.returncode == 0, result.stderr
        assert "Fout" not in result.stderr, result.stderr

    manifest = read_manifest(corpus)
    expected = {f"{tag}-{i}": (town, 2000 + i) for tag, town in TOWNS.items() for i in range(ROUNDS)}
    assert {Path(name).stem: (e.municipality, e.year) for name, e in manifest.items()} == expected

    docs = list(load_corpus(corpus))
    embedder = FakeEmbedder()
    opened = HybridIndex.open(index, docs, embedder, chunk_document, chunker_version=CHUNKER_VERSION)
    assert embedder.calls == 0  # up to date: the last build saw every document
    assert {doc_id: (m.municipality, m.year) for doc_id, m in opened.documents.items()} == expected
    assert {c.doc_id for c in opened.chunks} == set(expected)
