"""The service and the command line under faults and hostile input (findings #12.3, 4, 6, 7).

All with the fake embedder: the CLI's model loader is pointed at it, and subprocess tests
(for what only a real terminal encoding shows) load it in the worker.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import embeddings
from assistant.questions import MAX_QUESTION_CHARS
from assistant.service import Assistant
from assistant.settings import Settings
from tests.assistant.test_cli import SMALL_DOC, run, snapshot
from tests.fakes import FakeEmbedder
from tests.workers import FAKE_EMBEDDER, PROJECT_DIR

QUESTION = "Hoe helpt Zwolle inwoners met schulden?"
EDE = "Jaarverslag 2023 gemeente Ede\nBibliotheek\nDe bibliotheek in Ede kreeg meer bezoekers in de wijken.\n"


@pytest.fixture(autouse=True)
def fake_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every model the service loads here is the fake one; settings only from the flags."""
    for key in list(os.environ):
        if key.startswith("ASSISTANT_"):
            monkeypatch.delenv(key)
    monkeypatch.setattr(embeddings, "load_embedder", lambda name: FakeEmbedder())


@pytest.fixture
def tiny(tmp_path: Path) -> dict:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "zwolle-begroting-2024.txt").write_text(SMALL_DOC, encoding="utf-8")
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", data_dir=tmp_path / "data")
    Assistant.load(settings)
    flags = ["--corpus", str(corpus), "--index-dir", str(settings.index_dir), "--quiet"]
    return {"root": tmp_path, "corpus": corpus, "index": settings.index_dir, "settings": settings, "flags": flags}


def full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", fail)


def cli_process(args: list[str], stdin: bytes = b"") -> subprocess.CompletedProcess:
    """The CLI in a real process with a strict UTF-8 terminal encoding (as nl_NL.UTF-8 has)."""
    code = "import sys\n" + FAKE_EMBEDDER + "from assistant.cli import main\nraise SystemExit(main(sys.argv[1:]))\n"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run(
        [sys.executable, "-c", code, *args], cwd=PROJECT_DIR, input=stdin, capture_output=True, env=env, timeout=120
    )


# ------------------------------------------------------------------ 12.3 a failed write
def test_failed_index_write_keeps_the_previous_index_answering(tiny, monkeypatch):
    (tiny["corpus"] / "ede-jaarverslag.txt").write_text(EDE, encoding="utf-8")
    full_disk(monkeypatch)
    assistant = Assistant.load(tiny["settings"])
    assert "kon niet worden bijgewerkt (No space left on device)" in assistant.stale_reason
    answer = assistant.ask(QUESTION)
    assert "Stadsbank" in answer.text and not answer.abstained
    assert not answer.notice  # said once per session by the interface, not per answer
    assert [d.id for d in assistant.documents()] == ["zwolle-begroting-2024"]  # what the index holds


def test_cli_says_once_that_the_index_is_stale(tiny, monkeypatch, capsys, tmp_path):
    (tiny["corpus"] / "ede-jaarverslag.txt").write_text(EDE, encoding="utf-8")
    full_disk(monkeypatch)
    questions = tmp_path / "vragen.jsonl"
    questions.write_text("\n".join(json.dumps({"id": n, "question": QUESTION}) for n in range(3)) + "\n", encoding="utf-8")
    code, out, err = run(capsys, "batch", str(questions), *tiny["flags"])
    assert code == 0, err
    assert len(out.splitlines()) == 3 and all("Stadsbank" in json.loads(line)["answer"] for line in out.splitlines())
    assert err.count("Let op: De index kon niet worden bijgewerkt") == 1
    code, out, err = run(capsys, "index", *tiny["flags"])  # a writer is told it failed
    assert code == 1 and "kon niet worden weggeschreven" in err


# ------------------------------------------------------------------ 12.4 read paths change nothing
def test_empty_corpus_folder_leaves_the_index_alone(tiny, capsys, tmp_path):
    empty = tmp_path / "leeg"
    empty.mkdir()
    before = snapshot(tiny["index"])
    code, out, err = run(capsys, "ask", QUESTION, "--corpus", str(empty), "--index-dir", str(tiny["index"]), "--quiet")
    assert code == 1 and out == ""
    assert "bevat geen bruikbare documenten; de bestaande index (1 documenten) is niet gewijzigd" in err
    assert snapshot(tiny["index"]) == before
    code, out, err = run(capsys, "ask", QUESTION, *tiny["flags"])
    assert code == 0 and "Stadsbank" in out


def test_missing_corpus_folder_leaves_everything_alone(tiny, capsys, tmp_path):
    before = snapshot(tiny["index"], tmp_path)
    code, out, err = run(capsys, "ask", QUESTION, "--corpus", str(tmp_path / "weg"), "--index-dir", str(tiny["index"]))
    assert code == 1 and "bestaat niet" in err
    assert snapshot(tiny["index"], tmp_path) == before


def test_damaged_manifest_is_kept_and_its_metadata_still_answers(tiny, capsys):
    from corpus.store import add_documents

    upload = tiny["root"] / "ede.txt"
    upload.write_text(EDE, encoding="utf-8")
    add_documents(tiny["corpus"], [upload], {"municipality": "Wageningen", "year": 2021})  # the user's correction
    Assistant.load(tiny["settings"])
    manifest = tiny["corpus"] / "manifest.json"
    damaged = manifest.read_bytes().replace(b'"Wageningen"', b'"Wageningen\xff', 1)  # one broken byte
    manifest.write_bytes(damaged)
    index_before = snapshot(tiny["index"])

    embedder = FakeEmbedder()
    assistant = Assistant.load(tiny["settings"], embedder=embedder)
    assert embedder.passages_embedded == 0  # nothing re-embedded under detected metadata
    assert "manifest.json in corpus is beschadigd" in assistant.stale_reason
    assert {d.meta.municipality for d in assistant.documents()} == {"Zwolle", "Wageningen"}
    assert manifest.read_bytes() == damaged  # kept as it was
    [copy] = tiny["corpus"].glob(".manifest.beschadigd-*.json")
    assert copy.read_bytes() == damaged
    assert snapshot(tiny["index"]) == index_before
    code, out, err = run(capsys, "ask", "Wat zegt Wageningen over de bibliotheek?", "--municipality", "Wageningen", *tiny["flags"])
    assert code == 0 and "bibliotheek" in out and "Let op: manifest.json in corpus is beschadigd" in err


def test_writers_refuse_a_damaged_manifest_and_may_empty_the_index(tiny, capsys):
    from embeddings.index import HybridIndex

    manifest = tiny["corpus"] / "manifest.json"
    manifest.write_bytes(b'{"documents": [\xff')
    before = snapshot(tiny["index"])
    code, out, err = run(capsys, "index", *tiny["flags"])
    assert code == 1 and "manifest.json in corpus is beschadigd" in err and "De index is niet bijgewerkt" in err
    assert snapshot(tiny["index"]) == before
    manifest.unlink()
    # Removing the last document is a deliberate write: the index follows the corpus.
    code, out, err = run(capsys, "remove", "zwolle-begroting-2024", *tiny["flags"])
    assert code == 0, err
    assert HybridIndex.stored_document_count(tiny["index"]) == 0


def test_index_path_that_is_a_file_is_refused_and_left_alone(tiny, capsys):
    path = tiny["root"] / "aantekeningen.txt"
    path.write_text("niet overschrijven", encoding="utf-8")
    code, out, err = run(capsys, "ask", QUESTION, "--corpus", str(tiny["corpus"]), "--index-dir", str(path))
    assert code == 1 and out == ""
    assert f"De indexmap {path} is geen map maar een bestand" in err
    assert path.read_text(encoding="utf-8") == "niet overschrijven"
    assert sorted(p.name for p in tiny["root"].iterdir()) == ["aantekeningen.txt", "corpus", "index"]


# ------------------------------------------------------------------ 12.6 hostile characters
class RecordingEmbedder(FakeEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.queries: list[str] = []

    def embed_queries(self, texts):  # noqa: ANN001, ANN201
        self.queries.extend(texts)
        return super().embed_queries(texts)


def test_nul_and_control_characters_never_reach_the_engine(tiny):
    embedder = RecordingEmbedder()
    assistant = Assistant.load(tiny["settings"], embedder=embedder)
    clean = assistant.ask(QUESTION)
    dirty = assistant.ask("Hoe helpt\x00 Zwolle\x07 inwoners\u200b met schulden?\x1b[31m", history=["\x00"])
    assert embedder.queries and not any(ch in q for q in embedder.queries for ch in "\x00\x07\x1b\u200b")
    assert dirty.question == "Hoe helpt Zwolle inwoners met schulden?[31m"
    assert dirty.text == clean.text


def test_ask_with_undecodable_bytes_answers(tiny):
    result = cli_process(["ask", "Hoe helpt Zwolle inwoners met schulden\udcff?", "--json", *tiny["flags"]])
    assert result.returncode == 0, result.stderr.decode()
    answer = json.loads(result.stdout)
    assert answer["question"] == "Hoe helpt Zwolle inwoners met schulden\ufffd?" and "Stadsbank" in answer["answer"]


def test_chat_survives_a_line_that_is_not_utf8(tiny):
    result = cli_process(["chat", *tiny["flags"]], stdin=b"Hoe helpt Zwolle inwoners met\xff schulden?\n" + QUESTION.encode() + b"\nstop\n")
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode().count("Stadsbank") == 2
    assert b"onverwachts" not in result.stderr


def test_batch_answers_every_valid_line_and_reports_each_bad_one(tiny, tmp_path, capsys):
    lines = [
        json.dumps({"id": "a", "question": QUESTION}).encode(),
        b"niet json",
        b'{"id": "c", "question": "Hoe helpt Zwolle\\ud800 inwoners met schulden?"}',  # lone surrogate
        b'{"id": "d", "question": "Hoe helpt Zwolle\\u0000 inwoners met schulden?"}',  # NUL
        b'{"id": "e", "question": "Hoe helpt Zwolle\xff inwoners met schulden?"}',  # invalid UTF-8
        json.dumps({"id": "f", "question": "x" * (MAX_QUESTION_CHARS + 1)}).encode(),
        json.dumps({"id": "g", "question": QUESTION, "history": "geen lijst"}).encode(),
        json.dumps({"id": "h", "question": QUESTION}, ensure_ascii=False).replace("?", "\u2028?").encode(),
    ]
    path = tmp_path / "vragen.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    code, out, err = run(capsys, "batch", str(path), *tiny["flags"])
    items = [json.loads(line) for line in out.splitlines()]
    assert [i["id"] for i in items] == ["a", None, "c", "d", "e", "f", "g", "h"]  # one line out per line in
    by_line = dict(zip(range(1, 9), items))
    for n in (1, 3, 4, 5, 8):
        assert "Stadsbank" in by_line[n]["answer"], (n, by_line[n])
    for n, needle in ((2, "geen geldige JSON"), (6, "het maximum is 2.000 tekens"), (7, '"history"')):
        assert by_line[n]["line"] == n and f"Regel {n} " in by_line[n]["error"] and needle in by_line[n]["error"]
    assert code == 1
    assert err.strip() == 'Fout: 3 van de 8 regels zijn niet beantwoord (regel 2, 6, 7); zie het veld "error".'


# ------------------------------------------------------------------ 12.7 too long
def test_too_long_question_is_refused_with_its_limit(tiny, capsys):
    assistant = Assistant.load(tiny["settings"])
    long_question = QUESTION + " " + "schulden " * 300
    answer = assistant.ask(long_question)
    assert answer.abstained and answer.text.startswith(f"De vraag is {len(long_question.strip()):,} tekens lang".replace(",", "."))
    assert "het maximum is 2.000 tekens" in answer.text and not answer.citations
    assert assistant.ask(long_question[: MAX_QUESTION_CHARS]).abstained is False  # at the limit: answered
    code, out, err = run(capsys, "ask", long_question, *tiny["flags"])
    assert code == 1 and out == "" and "het maximum is 2.000 tekens" in err
