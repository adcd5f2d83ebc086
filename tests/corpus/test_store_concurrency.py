"""Finding #12.2: concurrent changes to one corpus folder lose nothing (real processes)."""

from __future__ import annotations

from pathlib import Path

from corpus.manifest import read_manifest
from corpus.store import add_documents, load_corpus, update_metadata
from tests.workers import run_processes, run_threads

ROUNDS = 20
TOWNS = {"a": "Zwolle", "b": "Deventer"}

ADD_LOOP = """
from corpus.store import add_documents
corpus, uploads, tag, town, rounds = ARGS
start()
for i in range(int(rounds)):
    add_documents(corpus, [pathlib.Path(uploads) / f"{tag}-{i}.txt"], {"municipality": town, "year": 2000 + i})
"""


def write_uploads(folder: Path, tag: str, rounds: int = ROUNDS) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(rounds):
        (folder / f"{tag}-{i}.txt").write_text(
            f"Notitie {tag} nummer {i}\nDe gemeente werkt in ronde {i} aan schuldhulp voor groep {tag}.\n",
            encoding="utf-8",
        )


def test_two_processes_adding_at_once_keep_every_entry_and_its_metadata(tmp_path: Path) -> None:
    corpus, uploads = tmp_path / "corpus", tmp_path / "uploads"
    for tag in TOWNS:
        write_uploads(uploads, tag)
    results = run_processes(ADD_LOOP, [[corpus, uploads, tag, town, ROUNDS] for tag, town in TOWNS.items()], tmp_path)
    for result in results:
        assert result.returncode == 0, result.stderr
    manifest = read_manifest(corpus)
    assert len(manifest) == 2 * ROUNDS
    for tag, town in TOWNS.items():
        for i in range(ROUNDS):
            entry = manifest[f"{tag}-{i}.txt"]
            assert (entry.municipality, entry.year) == (town, 2000 + i)
    assert len(load_corpus(corpus)) == 2 * ROUNDS


def test_two_threads_correcting_metadata_at_once_keep_both_corrections(tmp_path: Path) -> None:
    corpus, uploads = tmp_path / "corpus", tmp_path / "uploads"
    write_uploads(uploads, "c", 2)
    add_documents(corpus, [uploads / "c-0.txt", uploads / "c-1.txt"])

    def correct(n: int) -> None:
        for i in range(1, ROUNDS + 1):
            update_metadata(corpus, f"c-{n}", year=2000 + 30 * n + i)

    run_threads(correct)
    manifest = read_manifest(corpus)
    assert (manifest["c-0.txt"].year, manifest["c-1.txt"].year) == (2000 + ROUNDS, 2030 + ROUNDS)
