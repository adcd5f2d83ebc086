"""FeedbackStore (SQLite) and the export of thumbs-down answers as candidate gold questions."""

from __future__ import annotations

import json

import pytest

from assistant.feedback import FeedbackStore, export_candidates, sources_json
from assistant.models import Answer, Citation, Passage
from corpus.models import Chunk, DocumentMeta


def answer() -> Answer:
    chunk = Chunk(id="c1", doc_id="ede", section=("Armoede",), start=10, end=30, text="x" * 20)
    p = Passage(chunk=chunk, meta=DocumentMeta(title="Begroting", municipality="Ede", year=2024), score=1.0, rank=1)
    return Answer("Vraag?", "Vraag opgelost?", "Antwoord [1]", citations=(Citation(1, p, 12, 20),), passages=(p,))


def test_store_is_created_lazily(tmp_path):
    store = FeedbackStore(tmp_path / "sub" / "feedback.sqlite3")
    assert store.all() == [] and store.thumbs_down() == []
    assert not (tmp_path / "sub").exists()
    store.add("v", "v", "a", "[]", 1)
    assert (tmp_path / "sub" / "feedback.sqlite3").exists()


def test_add_update_and_thumbs_down(tmp_path):
    store = FeedbackStore(tmp_path / "f.sqlite3")
    a = answer()
    down = store.add(a.question, a.resolved_question, a.text, sources_json(a), 0, "fout bedrag")
    store.add("andere", "andere", "ok", "[]", 1)
    [row] = store.thumbs_down()
    assert (row["question"], row["comment"], row["rating"]) == ("Vraag?", "fout bedrag", 0)
    assert json.loads(row["sources_json"])[0]["title"] == "Begroting"
    store.update(down, comment="toch goed", rating=1)
    assert store.thumbs_down() == []
    assert [r["comment"] for r in store.all()] == ["toch goed", ""]


@pytest.mark.parametrize("rating", [-1, 2, True, 5])
def test_invalid_rating_is_refused(tmp_path, rating):
    store = FeedbackStore(tmp_path / "f.sqlite3")
    with pytest.raises(ValueError, match="duim omlaag"):
        store.add("v", "v", "a", "[]", rating)
    assert store.all() == []


def test_malformed_sources_json_is_refused(tmp_path):
    store = FeedbackStore(tmp_path / "f.sqlite3")
    with pytest.raises(ValueError):
        store.add("v", "v", "a", "{niet json", 0)
    assert store.all() == []


def test_long_comment_is_cut_not_refused(tmp_path):
    store = FeedbackStore(tmp_path / "f.sqlite3")
    store.add("v", "v", "a", "[]", 0, "x" * 10_000)
    assert len(store.all()[0]["comment"]) == 2_000


def test_sources_json_describes_citations():
    [src] = json.loads(sources_json(answer()))
    assert src == {
        "n": 1, "doc_id": "ede", "chunk_id": "c1", "title": "Begroting", "municipality": "Ede", "year": 2024,
        "section": ["Armoede"], "start": 10, "end": 30, "sentence_start": 12, "sentence_end": 20,
    }


def test_export_candidates_writes_gold_format(tmp_path):
    store = FeedbackStore(tmp_path / "f.sqlite3")
    a = answer()
    store.add(a.question, a.resolved_question, a.text, sources_json(a), 0, "mist bron")
    store.add("goed", "goed", "ok", "[]", 1)
    store.add("Tweede \"fout\"\nvraag", "x", "y", "[]", 0)
    out = tmp_path / "out" / "candidates.jsonl"
    assert export_candidates(store, out) == 2
    items = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [i["question"] for i in items] == ["Vraag?", "Tweede \"fout\"\nvraag"]
    for item in items:
        assert set(item) == {"id", "question", "kind", "evidence", "note"}
        assert item["kind"] == "passage" and item["evidence"] == []
    assert "mist bron" in items[0]["note"] and "Begroting" in items[0]["note"]
    assert len({i["id"] for i in items}) == 2
    # Deterministic: exporting again gives the same file.
    first = out.read_text(encoding="utf-8")
    export_candidates(store, out)
    assert out.read_text(encoding="utf-8") == first


def test_export_candidates_without_database_writes_empty_file(tmp_path):
    out = tmp_path / "c.jsonl"
    assert export_candidates(FeedbackStore(tmp_path / "none.sqlite3"), out) == 0
    assert out.read_text() == ""
