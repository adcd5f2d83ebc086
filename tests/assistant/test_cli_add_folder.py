"""`assistant add DIR`: a folder taken recursively, file by file, and an interrupted add
that resumes keeping what was already embedded."""

from __future__ import annotations

from pathlib import Path

import pytest

import embeddings
from assistant.cli import main
from corpus.chunking import chunk_document
from corpus.store import load_corpus
from embeddings.plan import embedding_plan
from embeddings.storage import EMBEDDED_DIR
from tests.fakes import FakeEmbedder, OnePassEmbedder

TOWNS = ["Almelo", "Breda", "Delft", "Emmen"]


def _text(town: str) -> str:
    return (
        f"Programmabegroting 2024 gemeente {town}\nSchuldhulpverlening\n"
        f"De gemeente {town} helpt inwoners met schulden. Wie zich meldt, krijgt snel een gesprek.\n"
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Four documents in nested folders, one unsupported file and a hidden cache folder."""
    root = tmp_path / "nieuw"
    (root / "sub" / "dieper").mkdir(parents=True)
    (root / ".extracted").mkdir()
    for town, where in zip(TOWNS, [root, root / "sub", root / "sub", root / "sub" / "dieper"]):
        (where / f"{town.lower()}-begroting-2024.txt").write_text(_text(town), encoding="utf-8")
    (root / "sub" / "tabel.xlsx").write_bytes(b"PK\x03\x04")
    (root / ".extracted" / "verborgen.txt").write_text("niet meenemen", encoding="utf-8")
    return root


class CrashingEmbedder(OnePassEmbedder):
    """Raises KeyboardInterrupt (Ctrl-C) on its n-th pass over a batch of texts."""

    def __init__(self, on_call: int) -> None:
        super().__init__()
        self.on_call = on_call
        self.batches = 0

    def embed_spans(self, texts, spans):
        self.batches += 1
        if self.batches >= self.on_call:
            raise KeyboardInterrupt
        return super().embed_spans(texts, spans)


def _run(capsys, monkeypatch, embedder, *argv: str) -> tuple[int, str, str]:
    monkeypatch.setattr(embeddings, "load_embedder", lambda name: embedder)
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _flags(tmp_path: Path) -> list[str]:
    return ["--corpus", str(tmp_path / "corpus"), "--index-dir", str(tmp_path / "index")]


@pytest.fixture(autouse=True)
def _no_assistant_env(monkeypatch):
    import os

    for key in list(os.environ):
        if key.startswith("ASSISTANT_"):
            monkeypatch.delenv(key)


def test_folder_is_added_recursively_file_by_file(tmp_path, folder, capsys, monkeypatch):
    (tmp_path / "corpus").mkdir()
    code, out, err = _run(capsys, monkeypatch, FakeEmbedder(), "add", str(folder), *_flags(tmp_path))
    assert code == 0, err
    assert "[1/4] almelo-begroting-2024.txt: lezen" in err and "[4/4]" in err
    for town in TOWNS:
        assert f"toegevoegd: {town.lower()}-begroting-2024" in out
    assert "tabel.xlsx" in out and "verborgen" not in out
    assert "Klaar: 4 van de 4 bestanden staan in de index." in out
    assert sorted(d.id for d in load_corpus(tmp_path / "corpus").documents) == [f"{t.lower()}-begroting-2024" for t in TOWNS]

    # Again: everything is already there and nothing is embedded.
    again = FakeEmbedder()
    code, out, _ = _run(capsys, monkeypatch, again, "add", str(folder), *_flags(tmp_path))
    assert code == 0 and out.count("al aanwezig") == 4
    assert again.passages_embedded == 0


def test_interrupted_add_resumes_and_keeps_what_was_embedded(tmp_path, folder, capsys, monkeypatch):
    (tmp_path / "corpus").mkdir()
    # Each small document is one embed call: Ctrl-C on the third call comes after two
    # documents were embedded completely.
    code, _, err = _run(capsys, monkeypatch, CrashingEmbedder(on_call=3), "add", str(folder), *_flags(tmp_path), "--quiet")
    assert code == 130 and "Afgebroken" in err
    assert len(list((tmp_path / "index" / EMBEDDED_DIR).iterdir())) == 2

    resumed = OnePassEmbedder()
    code, out, err = _run(capsys, monkeypatch, resumed, "add", str(folder), *_flags(tmp_path), "--quiet")
    assert code == 0, err
    assert out.count("al aanwezig") == 4
    docs = sorted(load_corpus(tmp_path / "corpus").documents, key=lambda d: d.id)
    unfinished = docs[2:]  # built in id order: the first two were finished
    assert sorted(resumed.passes) == sorted(t for d in unfinished for t in embedding_plan(chunk_document(d)).texts)
    assert not (tmp_path / "index" / EMBEDDED_DIR).exists()

    from assistant.service import Assistant
    from assistant.settings import Settings

    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index", data_dir=tmp_path / "data")
    check = FakeEmbedder()
    assistant = Assistant.load(settings, embedder=check)
    assert check.passages_embedded == 0
    assert sorted(assistant.index.documents) == [d.id for d in docs]
    answer = assistant.ask("Hoe helpt de gemeente Emmen inwoners met schulden?")
    assert not answer.abstained and "Emmen" in answer.text


def test_folder_with_a_bad_file_adds_the_others_and_says_which(tmp_path, folder, capsys, monkeypatch):
    (tmp_path / "corpus").mkdir()
    (folder / "sub" / "leeg.txt").write_bytes(b"")
    code, out, _ = _run(capsys, monkeypatch, FakeEmbedder(), "add", str(folder), *_flags(tmp_path), "--quiet")
    assert code == 1
    assert "leeg.txt: overgeslagen:" in out and "Klaar: 4 van de 5 bestanden staan in de index; 1 overgeslagen." in out
    assert len(load_corpus(tmp_path / "corpus").documents) == 4
