"""The page under concurrent use and faults (findings #12.1, 3, 8, 9).

Most tests run the real assistant with the fake embedder (tests/app/factories.py): the
subject is what reaches the corpus folder and the index, not what a model answers.
"""

from __future__ import annotations

import errno
import os
import re
import tempfile
import threading
from pathlib import Path

import pytest
from streamlit.runtime.scriptrunner import script_cache
from streamlit.testing.v1 import AppTest

from corpus.manifest import read_manifest
from corpus.store import load_corpus
from tests.fakes import FakeEmbedder
from tests.workers import run_threads

PROJECT_DIR = Path(__file__).resolve().parents[2]
APP = PROJECT_DIR / "streamlit_app.py"
ZWOLLE = "Programmabegroting 2024 gemeente Zwolle\nSchuldhulp\nDe gemeente Zwolle helpt inwoners met schulden via de Stadsbank.\n"


@pytest.fixture
def real_env(tmp_path, monkeypatch) -> dict[str, Path]:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "zwolle-begroting.txt").write_text(ZWOLLE, encoding="utf-8")
    monkeypatch.setenv("ASSISTANT_APP_FACTORY", "tests.app.factories:real_with_fake_embedder")
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    return {"corpus": corpus, "index": tmp_path / "index"}


def page() -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.run()
    assert not app.exception, app.exception
    return app


def upload(app: AppTest, name: str, data: bytes) -> AppTest:
    app.run()  # after an upload the page has a fresh uploader; this run draws it
    app.sidebar.file_uploader[0].set_value([(name, data, "text/plain")]).run()
    assert not app.exception, app.exception
    return app


def submit_button(app: AppTest):
    return next(b for b in app.sidebar.button if b.label == "Toevoegen")


def document_count(app: AppTest) -> int:
    label = next(e.label for e in app.sidebar.expander if e.label.startswith("Documenten ("))
    return int(re.search(r"\((\d+)\)", label).group(1))


def index_is_complete(corpus: Path, index: Path) -> dict:
    """The index on disk holds every corpus document as it is now (opening embeds nothing)."""
    from corpus.chunking import CHUNKER_VERSION, chunk_document
    from embeddings.index import HybridIndex

    embedder = FakeEmbedder()
    opened = HybridIndex.open(index, list(load_corpus(corpus)), embedder, chunk_document, chunker_version=CHUNKER_VERSION)
    assert embedder.calls == 0
    return opened.documents


@pytest.fixture
def one_compile_at_a_time(monkeypatch):
    """AppTest compiles the script on every run; CPython 3.11's compiler is not safe to run
    in two threads at once ("AST constructor recursion depth mismatch"). A real server
    compiles once; the test harness gets a lock. The page itself runs concurrently."""
    original = script_cache.ScriptCache.get_bytecode
    lock = threading.Lock()

    def locked(self, path):  # noqa: ANN001, ANN202
        with lock:
            return original(self, path)

    monkeypatch.setattr(script_cache.ScriptCache, "get_bytecode", locked)


# ------------------------------------------------------------------ 12.1 two uploads at once
def test_two_sessions_uploading_at_once_both_land(real_env, one_compile_at_a_time):
    sessions = [page(), page()]
    towns = ["Deventer", "Ede"]
    rounds = 5
    for r in range(rounds):
        for app, town in zip(sessions, towns):
            # Long enough that the two index builds overlap (the moment the old code lost one).
            body = "\n\n".join(f"Ronde {r}, punt {k}: {town} investeert in armoedebestrijding." for k in range(20))
            upload(app, f"{town}-{r}.txt", f"Kadernota 2025 gemeente {town}\n{body}\n".encode())

        def press(n: int) -> AppTest:
            return submit_button(sessions[n]).click().run()

        for app in run_threads(press):
            assert not app.exception, app.exception
            assert not app.sidebar.error, [e.value for e in app.sidebar.error]
            assert [s.value for s in app.sidebar.success] == ["1 document(en) toegevoegd. Ze doen mee vanaf de volgende vraag."]
    expected = {"zwolle-begroting"} | {f"{t.lower()}-{r}" for t in towns for r in range(rounds)}
    assert {Path(name).stem for name in read_manifest(real_env["corpus"])} == expected - {"zwolle-begroting"}
    assert set(index_is_complete(real_env["corpus"], real_env["index"])) == expected
    # The page every session now shares has both sessions' documents.
    assert document_count(page()) == len(expected)


# ------------------------------------------------------------------ 12.8 re-upload corrects metadata
def test_reupload_with_changed_metadata_updates_manifest_and_index(real_env):
    app = page()
    text = "Kadernota 2025 gemeente Deventer\nWe investeren in armoedebestrijding voor gezinnen.\n".encode()
    upload(app, "kadernota.txt", text)
    submit_button(app).click().run()
    assert read_manifest(real_env["corpus"])["kadernota.txt"].municipality == "Deventer"

    # The same file again: the form starts from its current metadata; the user corrects it.
    upload(app, "kadernota-kopie.txt", text)
    assert app.text_input(key="up_mun_0").value == "Deventer"
    app.text_input(key="up_mun_0").set_value("Zwolle")
    app.text_input(key="up_year_0").set_value("2026")
    submit_button(app).click().run()
    assert not app.exception and not app.sidebar.error
    assert [s.value for s in app.sidebar.success] == ["1 document(en) bijgewerkt. Ze doen mee vanaf de volgende vraag."]
    entry = read_manifest(real_env["corpus"])["kadernota.txt"]
    assert (entry.municipality, entry.year) == ("Zwolle", 2026)
    assert sorted(p.name for p in real_env["corpus"].iterdir() if not p.name.startswith(".")) == [
        "kadernota.txt", "manifest.json", "zwolle-begroting.txt",
    ]  # no second copy
    meta = index_is_complete(real_env["corpus"], real_env["index"])["kadernota"]
    assert (meta.municipality, meta.year) == ("Zwolle", 2026)

    # Unchanged metadata: said so, nothing reported as added.
    upload(app, "kadernota.txt", text)
    submit_button(app).click().run()
    assert not app.sidebar.success
    assert any("er is niets gewijzigd" in i.value for i in app.sidebar.info)


# ------------------------------------------------------------------ 12.9 staging is removed
@pytest.fixture
def own_tempdir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_upload_staging_is_removed_in_every_outcome(real_env, own_tempdir):
    app = page()
    # Added.
    upload(app, "goed.txt", "Kadernota 2025 gemeente Ede\nDe bibliotheek krijgt meer geld.\n".encode())
    submit_button(app).click().run()
    assert app.sidebar.success
    # Refused at detection (empty file) and refused when adding (invalid year).
    upload(app, "leeg.txt", b"   \n")
    assert app.sidebar.error
    upload(app, "ander.txt", "Jaarverslag 2023 gemeente Ede\nMeer bezoekers in de wijk.\n".encode())
    app.text_input(key="up_year_0").set_value("20x3")
    submit_button(app).click().run()
    assert any("vier cijfers" in e.value for e in app.sidebar.error)
    # Refused by the corpus store (already there is fine; a file it cannot read is refused).
    upload(app, "binair.txt", bytes(range(256)) * 64)
    assert app.sidebar.error
    assert list(own_tempdir.iterdir()) == []


# ------------------------------------------------------------------ 12.3 stale index, said once
def test_failed_index_write_keeps_answering_and_says_so_once_per_session(real_env, monkeypatch):
    from assistant.service import Assistant
    from assistant.settings import Settings

    Assistant.load(Settings.from_env(), embedder=FakeEmbedder())  # the previous index
    (real_env["corpus"] / "ede.txt").write_text("Jaarverslag 2023 gemeente Ede\nMeer bezoekers in de bibliotheek.\n", encoding="utf-8")

    def full_disk(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    app = page()
    [warning] = app.warning
    assert "kon niet worden bijgewerkt (No space left on device)" in warning.value.replace("\\", "")
    app.chat_input[0].set_value("Hoe helpt Zwolle inwoners met schulden?").run()
    answer = [m for m in app.chat_message if m.name == "assistant"][-1]
    assert "Stadsbank" in answer.markdown[0].value  # the previous index answers
    assert not app.warning  # not repeated with the answer
    app.chat_input[0].set_value("En de Stadsbank?").run()
    assert not app.warning
    assert len(page().warning) == 1  # another session is told too, once


def test_page_started_during_another_update_answers_then_picks_up_the_new_index(real_env):
    """Readers never wait: a session that starts while another process builds the index is
    served the previous version, told so, and gets the new version once it is published."""
    from assistant.service import Assistant
    from assistant.settings import Settings
    from corpus.locks import writer_lock

    settings = Settings.from_env()
    Assistant.load(settings, embedder=FakeEmbedder())
    (real_env["corpus"] / "ede.txt").write_text("Jaarverslag 2023 gemeente Ede\nMeer bezoekers in de bibliotheek.\n", encoding="utf-8")
    holding, release = threading.Event(), threading.Event()

    def other_writer() -> None:
        with writer_lock(real_env["index"]):
            holding.set()
            release.wait(30)

    thread = threading.Thread(target=other_writer)
    thread.start()
    holding.wait(10)
    try:
        app = page()
    finally:
        release.set()
        thread.join()
    assert "door een andere gebruiker of een ander proces bijgewerkt" in app.warning[0].value.replace("\\", "")
    assert document_count(app) == 1
    Assistant.load(settings, embedder=FakeEmbedder(), writer=True)  # the other process finishes
    app.run()
    assert document_count(app) == 2 and not app.warning
