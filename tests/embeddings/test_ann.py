"""The search structure: exact below the threshold, HNSW above it, same top hits."""

from __future__ import annotations

import json

import numpy as np
import pytest

from embeddings import ann
from embeddings.ann import AnnParams
from embeddings.storage import current_dir
from embeddings.stored import META_FILE
from tests.embeddings.test_index import make_doc, open_index, paragraph_chunker
from tests.fakes import FakeEmbedder


def clustered(n: int, dim: int = 32, seed: int = 7) -> np.ndarray:
    """Unit vectors around 40 centres, like embeddings of texts on a few subjects."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((40, dim))
    x = centres[rng.integers(0, 40, n)] + 0.6 * rng.standard_normal((n, dim))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def exact(x: np.ndarray, q: np.ndarray, k: int, mask: np.ndarray | None = None) -> list[int]:
    scores = x @ q
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    return [int(i) for i in np.argsort(-scores, kind="stable")[:k] if np.isfinite(scores[i])]


PARAMS = AnnParams(threshold=1_000, exact_filter_limit=100)


def test_structure_follows_the_threshold():
    assert ann.kind(ann.build(clustered(999), PARAMS)) == "flat"
    assert ann.kind(ann.build(clustered(1_000), PARAMS)) == "hnsw"


def test_hnsw_returns_the_top_hits_of_exact_search():
    x = clustered(3_000)
    index = ann.build(x, PARAMS)
    assert ann.is_approximate(index)
    queries = clustered(30, seed=11)
    found = [ann.search(index, q, 10, None, PARAMS) for q in queries]
    recall = np.mean([len({i for i, _ in hits} & set(exact(x, q, 10))) / 10 for hits, q in zip(found, queries)])
    assert recall >= 0.97
    assert all(hits[0][0] == exact(x, q, 1)[0] for hits, q in zip(found, queries))
    np.testing.assert_allclose([s for _, s in found[0]], (x @ queries[0])[[i for i, _ in found[0]]], rtol=1e-5)
    np.testing.assert_allclose(ann.all_scores(index, queries[0]), x @ queries[0], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("allowed", [50, 1_500])  # exact within a small subset; graph walk with a selector
def test_filtered_hnsw_search_returns_only_allowed_rows(allowed):
    x = clustered(3_000)
    index = ann.build(x, PARAMS)
    mask = np.zeros(len(x), bool)
    mask[np.random.default_rng(3).choice(len(x), allowed, replace=False)] = True
    for q in clustered(10, seed=5):
        hits = [i for i, _ in ann.search(index, q, 10, mask, PARAMS)]
        assert hits and all(mask[i] for i in hits)
        assert len(set(hits) & set(exact(x, q, 10, mask))) >= 9
    assert ann.search(index, x[0], 10, np.zeros(len(x), bool), PARAMS) == []


def test_index_above_the_threshold_is_stored_as_hnsw_and_answers_like_the_flat_one(tmp_path):
    docs = [
        make_doc(f"d{i}", "\n\n".join(f"Alinea {j} van document {i} over onderwerp {(i * 7 + j) % 13} in de wijk." for j in range(40)))
        for i in range(5)
    ]
    small = AnnParams(threshold=150)
    approx = open_index(tmp_path / "hnsw", docs, FakeEmbedder(), ann_params=small)
    flat = open_index(tmp_path / "flat", docs, FakeEmbedder())
    assert approx.structures == {"chunks": "hnsw", "sentences": "hnsw"}
    assert flat.structures == {"chunks": "flat", "sentences": "flat"}
    meta = json.loads((current_dir(tmp_path / "hnsw") / META_FILE).read_text())
    assert meta["structures"] == {"chunks": "hnsw", "sentences": "hnsw"}

    emb = FakeEmbedder()
    for text in ("onderwerp 3 in de wijk", "document 4 alinea 12"):
        q = emb.embed_queries([text])[0]
        assert [p for p, _ in approx.dense_search(q, 5)] == [p for p, _ in flat.dense_search(q, 5)]
        assert [p for p, _ in approx.sentence_search(q, 5)] == [p for p, _ in flat.sentence_search(q, 5)]
        np.testing.assert_allclose(approx.sentence_scores(q), flat.sentence_scores(q), rtol=1e-5, atol=1e-6)

    # Reopened: the stored graph is used as it is; adding a document embeds only that one.
    again = FakeEmbedder()
    extra = make_doc("extra", "Een nieuw document over het zwembad in de wijk.")
    grown = open_index(tmp_path / "hnsw", docs + [extra], again, ann_params=small)
    assert again.passages_embedded == 1  # its one chunk (its one sentence pooled from that pass)
    assert grown.structures["chunks"] == "hnsw"
    np.testing.assert_allclose(grown.vectors()[: len(approx.chunks)], approx.vectors())


def test_search_parameters_come_from_the_settings():
    from assistant.settings import Settings, SettingsError

    settings = Settings.from_env({"ASSISTANT_ANN_THRESHOLD": "5000", "ASSISTANT_HNSW_EF_SEARCH": "200"})
    assert settings.ann_params == AnnParams(threshold=5000, ef_search=200)
    assert Settings.from_env({}).ann_params == AnnParams()
    with pytest.raises(SettingsError, match="ann_threshold"):
        Settings.from_env({"ASSISTANT_ANN_THRESHOLD": "0"})
    with pytest.raises(SettingsError, match="ASSISTANT_CHUNK_VECTORS"):
        Settings.from_env({"ASSISTANT_CHUNK_VECTORS": "beide"})
    assert Settings.from_env({"ASSISTANT_CHUNK_VECTORS": "derived"}).chunk_vectors == "derived"
