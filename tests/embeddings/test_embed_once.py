"""Embed once: every text goes through the model one time, chunk vectors are derived from
the sentence vectors, and an interrupted build resumes with the documents it finished."""

from __future__ import annotations

import json

import numpy as np
import pytest

from corpus.sentences import split_sentences
from embeddings.index import HybridIndex
from embeddings.plan import embedding_plan, passage_text, sentence_text
from embeddings.storage import EMBEDDED_DIR, current_dir
from embeddings.stored import META_FILE
from tests.embeddings.test_index import DOCS, RaisingEmbedder, make_doc, paragraph_chunker
from tests.embeddings.test_index import open_index as open_any


def open_index(index_dir, docs, embedder, events=None, **kwargs):
    """Embedding once (chunk_vectors="derived") unless a test says otherwise."""
    kwargs.setdefault("chunk_vectors", "derived")
    return open_any(index_dir, docs, embedder, events, **kwargs)
from tests.fakes import FakeEmbedder


class RecordingEmbedder(FakeEmbedder):
    """Keeps every passage text it was given, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []

    def embed_passages(self, texts):
        self.texts.extend(texts)
        return super().embed_passages(texts)


MIXED = make_doc(
    "gemengd",
    "Het armoedebeleid helpt gezinnen met een laag inkomen. Daarnaast is er schuldhulp voor jongeren.\n\n"
    "Lasten | 75.334\n\n"
    "De wijkteams werken samen met de scholen in de wijk.",
)


def test_each_text_is_embedded_once_and_no_chunk_twice(tmp_path):
    emb = RecordingEmbedder()
    idx = open_index(tmp_path / "index", [MIXED], emb)
    assert len(emb.texts) == len(set(emb.texts))
    chunks = idx.chunks
    expected = {sentence_text(chunks[p], a, b) for p, a, b in idx.sentences}
    # "Lasten | 75.334" has no sentence long enough for a vector of its own: its chunk is
    # embedded whole, the only chunk that is.
    with_sentences = {p for p, _, _ in idx.sentences}
    bare = [c for i, c in enumerate(chunks) if i not in with_sentences]
    assert [c.text for c in bare] == ["Lasten | 75.334"]
    expected.add(passage_text(bare[0]))
    assert set(emb.texts) == expected
    # The two-sentence chunk is not embedded as a whole.
    assert passage_text(chunks[0]) not in emb.texts
    assert len(split_sentences(chunks[0].text, chunks[0].start)) == 2


def test_chunk_vector_is_the_length_weighted_mean_of_its_sentence_vectors(tmp_path):
    emb = FakeEmbedder()
    idx = open_index(tmp_path / "index", [MIXED], emb)
    vectors = idx.vectors()
    for pos, chunk in enumerate(idx.chunks):
        texts = [sentence_text(chunk, a, b) for p, a, b in idx.sentences if p == pos] or [passage_text(chunk)]
        weights = np.array([len(t) for t in texts], dtype=np.float32)[:, None]
        mean = (emb.embed_passages(texts) * weights).sum(axis=0)
        np.testing.assert_allclose(vectors[pos], mean / np.linalg.norm(mean), atol=1e-5)
    # The sentence a question is about still ranks its chunk first by meaning.
    query = emb.embed_queries(["schuldhulp voor jongeren"])[0]
    assert idx.dense_search(query, 1)[0][0] == 0


def test_batches_are_ordered_by_length(tmp_path):
    emb = RecordingEmbedder()
    text = "\n\n".join(
        ("Een korte zin over de wijk." if i % 2 else "Een veel langere zin over de schuldhulpverlening en de wijkteams in de stad, met meer woorden.")
        for i in range(8)
    )
    open_index(tmp_path / "index", [make_doc("lang", text)], emb)
    lengths = [len(t) for t in emb.texts]
    assert lengths == sorted(lengths, reverse=True)


def test_interrupted_build_resumes_with_the_documents_it_finished(tmp_path):
    index_dir = tmp_path / "index"
    # Each small document is one embed call: the crash on the third call comes after two
    # documents are completely embedded.
    with pytest.raises(RuntimeError, match="embedder crashed"):
        open_index(index_dir, DOCS, RaisingEmbedder(fail_on_call=3))
    assert current_dir(index_dir) is None  # nothing published
    assert len(list((index_dir / EMBEDDED_DIR).iterdir())) == 2

    emb = RecordingEmbedder()
    idx = open_index(index_dir, DOCS, emb)
    third = embedding_plan(paragraph_chunker(DOCS[2]), "derived").texts
    assert emb.texts == sorted(third, key=len, reverse=True)  # only the unfinished document
    assert not (index_dir / EMBEDDED_DIR).exists()  # published: nothing kept aside any more

    fresh = open_index(tmp_path / "fresh", DOCS, FakeEmbedder())
    np.testing.assert_allclose(idx.vectors(), fresh.vectors(), atol=1e-6)
    assert [c.id for c in idx.chunks] == [c.id for c in fresh.chunks]


def test_kept_vectors_of_another_model_are_not_used(tmp_path):
    index_dir = tmp_path / "index"
    with pytest.raises(RuntimeError):
        open_index(index_dir, DOCS, RaisingEmbedder(fail_on_call=3))
    other = FakeEmbedder(name="ander-model")
    open_index(index_dir, DOCS, other)
    assert other.passages_embedded == sum(len(embedding_plan(paragraph_chunker(d), "derived").texts) for d in DOCS)


def test_index_of_the_previous_format_is_rebuilt_with_a_clear_message(tmp_path):
    index_dir = tmp_path / "index"
    open_index(index_dir, DOCS, FakeEmbedder())
    meta_path = current_dir(index_dir) / META_FILE
    meta = json.loads(meta_path.read_text())
    meta["format_version"] = 2
    meta_path.write_text(json.dumps(meta))
    assert HybridIndex.status(index_dir, DOCS, "fake-bow") == "stale"
    events = []
    emb = FakeEmbedder()
    open_index(index_dir, DOCS, emb, events)
    messages = [e.message for e in events if e.stage == "melding"]
    assert any("formaat 2" in m and "formaat 3" in m and "opnieuw opgebouwd" in m for m in messages)
    assert emb.passages_embedded > 0


def test_a_document_that_will_take_long_is_announced_with_an_estimate(tmp_path):
    big = make_doc("groot", "\n\n".join(f"Alinea {i} over de schuldhulpverlening in de wijk {i}." for i in range(300)))
    events = []
    # 300 sentences of ~55 characters are ~5,000 estimated tokens: 50 s at 100 tokens/s.
    open_index(tmp_path / "index", [DOCS[0], big], FakeEmbedder(), events, warn_seconds=30, tokens_per_second=100)
    warnings = [e.message for e in events if e.stage == "melding" and "Let op" in e.message]
    assert len(warnings) == 1 and "groot" in warnings[0] and "schatting" in warnings[0]
    first_embedding = next(i for i, e in enumerate(events) if e.stage == "embedden")
    assert events.index(next(e for e in events if e.message == warnings[0])) < first_embedding

    quiet = []
    open_index(tmp_path / "other", [DOCS[0], big], FakeEmbedder(), quiet, warn_seconds=60, tokens_per_second=100)
    assert not [e for e in quiet if "Let op" in e.message]


def test_embedded_chunk_vectors_embed_every_chunk_whole_and_switching_derives_from_them(tmp_path):
    index_dir = tmp_path / "index"
    emb = RecordingEmbedder()
    idx = open_index(index_dir, [MIXED], emb, chunk_vectors="embedded")
    whole = [passage_text(c) for c in idx.chunks]
    assert set(whole) <= set(emb.texts)  # each chunk's text, besides its sentences
    assert len(emb.texts) == len(whole) + len(idx.sentences)
    np.testing.assert_allclose(idx.vectors(), FakeEmbedder().embed_passages(whole), atol=1e-6)

    again = FakeEmbedder()
    open_index(index_dir, [MIXED], again, chunk_vectors="embedded")
    assert again.calls == 0
    # The other mode needs no text the embedded build did not embed: derived from those vectors.
    derived = RecordingEmbedder()
    switched = open_index(index_dir, [MIXED], derived)
    assert derived.texts == [] and len(embedding_plan(idx.chunks, "derived").texts) < len(emb.texts)
    fresh = open_index(tmp_path / "fresh", [MIXED], FakeEmbedder())
    np.testing.assert_allclose(switched.vectors(), fresh.vectors(), atol=1e-6)
    with pytest.raises(ValueError, match="chunk_vectors"):
        open_index(index_dir, [MIXED], FakeEmbedder(), chunk_vectors="beide")
