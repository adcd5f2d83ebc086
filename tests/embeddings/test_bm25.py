"""Dutch tokenization and BM25 scoring."""

from __future__ import annotations

import numpy as np
import pytest

from embeddings.bm25 import BM25, stem, tokenize


@pytest.mark.parametrize(
    "a, b",
    [
        ("financiële", "financiele"),  # accents folded
        ("Financiële", "FINANCIELE"),  # case folded
        ("schulden", "schuld"),  # plural -en
        ("inwoners", "inwoner"),  # plural -s after -er
        ("jaren", "jaar"),  # long vowel restored
        ("bedden", "bed"),  # doubled consonant undone
        ("uitgaven", "uitgave"),  # v/f alternation and final -e
        ("sociale", "sociaal"),  # adjective inflection
        ("mogelijkheden", "mogelijkheid"),  # -heden / -heid
        ("huisjes", "huis"),  # diminutive plural
        ("miljoenen", "miljoen"),
        ("95.225", "95225"),  # thousands dot removed
        ("€45.917.564", "45917564"),
    ],
)
def test_forms_that_should_meet(a, b):
    assert tokenize(a) == tokenize(b) != []


@pytest.mark.parametrize(
    "a, b",
    [
        ("0,5", "05"),  # a decimal comma is meaningful
        ("01.02", "0102"),  # a section number is not a thousands group
        ("armoede", "arm"),
        ("miljoen", "miljo"),  # -en after a vowel is not a plural ending
    ],
)
def test_forms_that_should_stay_apart(a, b):
    assert tokenize(a) != tokenize(b)


@pytest.mark.parametrize("text", ["", "   ", "de het een en van", "’ ' - | € %", "a b c"])
def test_nothing_left(text):
    assert tokenize(text) == []


def test_stopwords_dropped_content_kept_in_order():
    toks = tokenize("Wat is het budget voor de schuldhulpverlening in 2024?")
    assert toks == [stem("budget"), "schuldhulpverlening", "2024"]


def test_hyphen_and_apostrophe_split():
    assert tokenize("sociaal-domein") == tokenize("sociaal domein")
    assert tokenize("euro's") == tokenize("euro")


def test_short_words_not_stemmed():
    assert stem("tien") == "tien"
    assert stem("wet") == "wet"


def test_idf_orders_rare_above_common_terms():
    docs = [tokenize("armoede schulden"), tokenize("armoede sport"), tokenize("armoede cultuur")]
    bm = BM25(docs)
    assert bm.idf(stem("schulden")) > bm.idf(stem("armoede")) > 0
    scores = bm.scores(tokenize("armoede schulden"))
    assert scores.shape == (3,) and scores.dtype == np.float32
    assert scores[0] > scores[1] == scores[2] > 0
    assert bm.scores(tokenize("onbekendwoord")).tolist() == [0.0, 0.0, 0.0]


def test_term_frequency_saturates_and_length_normalises():
    docs = [tokenize("schulden"), tokenize("schulden schulden schulden schulden"), tokenize("schulden sport cultuur wonen werk")]
    s = BM25(docs).scores(tokenize("schulden"))
    assert s[1] > s[0] > s[2]
    assert s[1] < 4 * s[0]  # k1 saturation: four times the word is not four times the score
    s_b0 = BM25(docs, b=0.0).scores(tokenize("schulden"))
    assert s_b0[0] == pytest.approx(s_b0[2])  # b=0 disables length normalisation


def test_compound_expansion_is_weaker_than_exact_match():
    docs = [tokenize("schuldhulpverlening"), tokenize("schulden"), tokenize("sport")]
    bm = BM25(docs)
    s = bm.scores(tokenize("schulden"))
    assert s[1] > s[0] > 0 and s[2] == 0
    # A compound query word finds its parts in the vocabulary.
    parts = BM25([tokenize("schuld"), tokenize("hulpverlening"), tokenize("sport")])
    s2 = parts.scores(tokenize("schuldhulpverlening"))
    assert s2[0] > 0 and s2[1] > 0 and s2[2] == 0


def test_empty_corpus_and_bad_parameters():
    assert BM25([]).scores(["x"]).shape == (0,)
    assert BM25([[]]).scores(["x"]).tolist() == [0.0]
    with pytest.raises(ValueError, match="k1"):
        BM25([["a"]], b=2.0)


@pytest.mark.parametrize("a, b", [("schuldenvrije", "schuldenvrij"), ("nieuwe", "nieuw"), ("boekje", "boek")])
def test_inflected_e_is_not_a_diminutive(a, b):
    assert tokenize(a) == tokenize(b)


def test_scores_follow_the_bm25_formula_term_by_term():
    """Every score equals the textbook sum over query terms, counted per document here by
    hand, including documents without any token and terms in several documents."""
    docs = [["schuld", "hulp", "schuld"], [], ["hulp"], ["wijk", "schuld", "wijk", "wijk"], ["hulp", "wijk"]]
    bm = BM25(docs, compound_weight=0.0)
    k1, b = bm.k1, bm.b
    avgdl = sum(map(len, docs)) / len(docs)
    for query in (["schuld"], ["hulp", "wijk"], ["schuld", "hulp", "wijk"]):
        expected = []
        for d in docs:
            total = 0.0
            for t in query:
                tf, df = d.count(t), sum(t in other for other in docs)
                total += bm.idf(t) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(d) / avgdl)) if df else 0.0
            expected.append(total)
        np.testing.assert_allclose(bm.scores(query), expected, rtol=1e-5)
    assert bm.idf("schuld") == bm.idf("wijk") < bm.idf("onbekend")  # two documents each
