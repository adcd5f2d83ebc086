"""Pooled sentence vectors: a chunk goes through the model once, and its sentences' vectors
are the means of their tokens' states in that pass (embeddings.spans, chunk_vectors="pooled")."""

from __future__ import annotations

import json

import numpy as np
import pytest

from embeddings.plan import embedding_plan, passage_text
from embeddings.storage import current_dir
from embeddings.spans import embed_spans, piece_tokens, pool, rows_of, windows
from embeddings.stored import META_FILE
from tests.embeddings.test_index import make_doc, open_index
from tests.fakes import FakeEmbedder, OnePassEmbedder


def subwords(text: str) -> list[str]:
    """A toy subword tokenizer: each word in pieces of at most three characters, the first
    piece marked with the word-start sign, as SentencePiece does (which reads a text of
    whitespace only as one such sign)."""
    if not text.strip():
        return ["▁"]
    out = []
    for word in text.split():
        marked = "▁" + word
        out.extend(marked[i : i + 3] for i in range(0, len(marked), 3))
    return out


def test_pieces_cut_at_sentence_edges_tokenize_as_the_whole_text():
    vocab: dict[str, int] = {}

    def tokenize(text):
        return [vocab.setdefault(p, len(vocab)) for p in subwords(text)]

    text = "Sociaal domein\nDe lasten van de jeugdhulp stijgen.  Dit komt door meer cliënten."
    first = (text.index("De"), text.index("stijgen.") + len("stijgen."))
    second = (text.index("Dit"), len(text))
    ids, ranges = piece_tokens(text, [first, second], tokenize, prefix="passage: ")
    assert ids == tokenize("passage: " + text)
    # Each range holds exactly its sentence's tokens.
    assert [ids[a:b] for a, b in ranges] == [tokenize(text[slice(*first)]), tokenize(text[slice(*second)])]
    # The prefix and the path are outside both ranges.
    assert ranges[0][0] == len(tokenize("passage: Sociaal domein"))


def test_a_text_longer_than_the_model_reads_is_read_in_windows_without_overlap():
    assert windows(0, 510) == [(0, 0)]
    assert windows(5, 2) == [(0, 2), (2, 4), (4, 5)]
    with pytest.raises(ValueError):
        windows(3, 0)


def test_pooling_averages_the_states_of_a_range_and_normalises():
    states = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 3.0]], dtype=np.float32)
    fallback = np.array([1.0, 0.0], dtype=np.float32)
    out = pool(states, [(0, 2), (2, 3), (1, 1)], fallback)
    np.testing.assert_allclose(out, [[0.70710677, 0.70710677], [0.0, 1.0], [1.0, 0.0]], atol=1e-6)


class PassagesOnly:
    """An embedder with no token states: it embeds whole texts only."""

    def __init__(self) -> None:
        self.inner = FakeEmbedder()
        self.name, self.dim = self.inner.name, self.inner.dim
        self.texts: list[str] = []

    def embed_queries(self, texts):
        return self.inner.embed_queries(texts)

    def embed_passages(self, texts):
        self.texts.extend(texts)
        return self.inner.embed_passages(texts)


def test_a_model_without_token_states_embeds_the_spans_text_on_its_own():
    emb = PassagesOnly()
    texts = ["Armoede en schulden. Het zwembad gaat open.", "Lasten"]
    spans = [[(0, 20), (21, 43)], []]
    rows = embed_spans(emb, texts, spans)
    assert rows_of(spans) == [0, 3]
    expected = emb.inner.embed_passages([texts[0], "Armoede en schulden.", "Het zwembad gaat open.", "Lasten"])
    np.testing.assert_allclose(rows, expected, atol=1e-6)


DOC = make_doc(
    "pooled",
    "Het armoedebeleid helpt gezinnen met een laag inkomen. Daarnaast is er schuldhulp voor jongeren.\n\n"
    "Lasten | 75.334\n\n"
    "De wijkteams werken samen met de scholen in de wijk.",
)


def test_pooled_index_sends_each_chunk_through_the_model_once_and_nothing_else(tmp_path):
    emb = OnePassEmbedder()
    idx = open_index(tmp_path / "index", [DOC], emb, chunk_vectors="pooled")
    assert sorted(emb.passes) == sorted(passage_text(c) for c in idx.chunks)
    assert emb.passages_embedded == 0
    # Chunk vectors are the pass's own vector; every sentence unit has one of its own.
    np.testing.assert_allclose(idx.vectors(), np.stack([emb._vector(passage_text(c)) for c in idx.chunks]), atol=1e-6)
    plan = embedding_plan(idx.chunks, "pooled")
    assert len(idx.sentences) == len(plan.units) == sum(len(s) for s in plan.spans) >= 2
    # The sentence about schuldhulp ranks its chunk first by its sentence vector.
    query = emb.embed_queries(["schuldhulp voor jongeren"])[0]
    best_chunk, _ = idx.sentence_search(query, 1)[0]
    assert "schuldhulp" in idx.chunks[best_chunk].text


def test_a_changed_document_sends_only_its_changed_chunks_through_the_model(tmp_path):
    emb = OnePassEmbedder()
    open_index(tmp_path / "index", [DOC], emb, chunk_vectors="pooled")
    changed = make_doc("pooled", DOC.text + "\n\nNieuw: de bibliotheek krijgt een nieuw gebouw in het centrum.")
    again = OnePassEmbedder()
    idx = open_index(tmp_path / "index", [changed], again, chunk_vectors="pooled")
    assert again.passes == [passage_text(c) for c in idx.chunks if "bibliotheek" in c.text]
    # Chunk and sentence vectors, kept and new, are those of a build from scratch.
    fresh = open_index(tmp_path / "fresh", [changed], OnePassEmbedder(), chunk_vectors="pooled")
    np.testing.assert_allclose(idx.vectors(), fresh.vectors(), atol=1e-6)
    assert idx.sentences == fresh.sentences
    for probe in ("schuldhulp voor jongeren", "een nieuw gebouw voor de bibliotheek"):
        q = again.embed_queries([probe])[0]
        np.testing.assert_allclose(idx.sentence_scores(q), fresh.sentence_scores(q), atol=1e-6)


def test_a_build_with_a_model_that_cannot_pool_embeds_sentences_on_their_own_and_says_so(tmp_path):
    emb = PassagesOnly()
    events = []
    idx = open_index(tmp_path / "index", [DOC], emb, events, chunk_vectors="pooled")
    plan = embedding_plan(idx.chunks, "embedded")
    assert sorted(emb.texts) == sorted(plan.texts)  # each sentence after its path, each chunk whole
    assert any(e.stage == "melding" and "apart ingebed" in e.message for e in events)
    # The index records the way it was built; a model that can pool rebuilds it pooled,
    # keeping the vector of a chunk without sentences (its whole text's, either way).
    meta = json.loads((current_dir(tmp_path / "index") / META_FILE).read_text(encoding="utf-8"))
    assert meta["chunk_vectors"] == "embedded"
    pooling = OnePassEmbedder()
    open_index(tmp_path / "index", [DOC], pooling, chunk_vectors="pooled")
    with_sentences = {p for p, _, _ in idx.sentences}
    assert sorted(pooling.passes) == sorted(passage_text(c) for i, c in enumerate(idx.chunks) if i in with_sentences)
    assert len(with_sentences) < len(idx.chunks)
