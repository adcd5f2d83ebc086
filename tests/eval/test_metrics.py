"""Metric functions on tiny hand-made rankings."""

from __future__ import annotations

import math

import pytest

from eval.metrics import (
    MAX_PASSAGE_CHARS,
    QuestionResult,
    abstention_rates,
    answer_contains_fact,
    budget_exact,
    citation_precision,
    cross_coverage_at_k,
    cross_hit_at_k,
    evidence_matches,
    followup_success,
    ndcg_at_k,
    normalise,
    passage_hits,
    recall_at_k,
    reciprocal_rank,
    summarise,
)

QUOTE = "De uitstroom naar werk loopt achter."
OTHER = "Het aantal uitkeringsgerechtigden is gestegen."
FILLER = "Een passage over iets heel anders."


# ---------------------------------------------------------------- normalise


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  a \n\n\t b  ", "a b"),
        ("zo\u2019n", "zo'n"),
        ("\u2018grip op jeugdhulp\u2019", "'grip op jeugdhulp'"),
        ("\u201cherstel\u201d en \u201evoorbeeld\u201d", '"herstel" en "voorbeeld"'),
        ("bedrag\u00a0€\u00a0100", "bedrag € 100"),  # non-breaking spaces
        ("schuld\u200bhulp", "schuldhulp"),  # zero-width space from PDF extraction
        ("ge\u00adinformeerd", "geinformeerd"),  # soft hyphen
        ("ge\u0301i\u0308nformeerd", "gé\u00efnformeerd"),  # decomposed accents -> NFC
        ("Hoofdletters Blijven", "Hoofdletters Blijven"),
        ("", ""),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


# ---------------------------------------------------------------- hits


def test_passage_hits_any_of_several_quotes_counts() -> None:
    passages = [FILLER, f"Inleiding. {OTHER} Meer tekst.", f"{QUOTE}"]
    assert passage_hits(passages, [QUOTE, OTHER]) == [False, True, True]
    assert evidence_matches(passages, [QUOTE, OTHER]) == [frozenset(), {1}, {0}]


def test_passage_hits_tolerates_whitespace_and_quote_characters() -> None:
    passage = "We zetten in op extra acties m.b.t.\n  \u2018grip op\njeugdhulp\u2019 en meer."
    assert passage_hits([passage], ["acties m.b.t. 'grip op jeugdhulp'"]) == [True]


def test_passage_hits_is_case_sensitive() -> None:
    assert passage_hits([QUOTE.upper()], [QUOTE]) == [False]


def test_passage_over_length_limit_never_counts() -> None:
    exact = (QUOTE + " " + "x" * MAX_PASSAGE_CHARS)[:MAX_PASSAGE_CHARS]
    over = exact + "y"
    assert len(exact) == MAX_PASSAGE_CHARS
    assert passage_hits([exact, over], [QUOTE]) == [True, False]
    assert passage_hits([over], [QUOTE], max_len=5000) == [True]


def test_length_limit_ignores_indentation_whitespace() -> None:
    padded = QUOTE + " " * 5000
    assert passage_hits([padded], [QUOTE]) == [True]


def test_no_quotes_or_empty_quotes_match_nothing() -> None:
    assert passage_hits([QUOTE], []) == [False]
    assert passage_hits([QUOTE], ["", "   "]) == [False]


def test_missing_answer_has_no_hits() -> None:
    assert passage_hits([], [QUOTE]) == []


# ---------------------------------------------------------------- recall / MRR


@pytest.mark.parametrize(("k", "expected"), [(1, 0.0), (2, 0.0), (3, 1.0), (10, 1.0)])
def test_recall_at_k_first_hit_at_rank_3(k: int, expected: float) -> None:
    assert recall_at_k([False, False, True, False], k) == expected


@pytest.mark.parametrize(
    ("hits", "k", "expected"),
    [
        ([True], 10, 1.0),
        ([False, True, True], 10, 0.5),
        ([False, False, False, True], 10, 0.25),
        ([False] * 10 + [True], 10, 0.0),  # beyond k
        ([False] * 4 + [True], 4, 0.0),
        ([], 10, 0.0),  # missing answer
    ],
)
def test_reciprocal_rank(hits: list[bool], k: int, expected: float) -> None:
    assert reciprocal_rank(hits, k) == pytest.approx(expected)


def test_ties_use_the_order_given() -> None:
    # Two passages with the same retrieval score: the irrelevant one happens to come first.
    ranked = [(FILLER, 0.5), (QUOTE, 0.5)]
    hits = passage_hits([text for text, _ in ranked], [QUOTE])
    assert reciprocal_rank(hits) == 0.5
    assert recall_at_k(hits, 1) == 0.0


def test_recall_and_mrr_of_empty_ranking_are_zero() -> None:
    assert recall_at_k([], 5) == 0.0
    assert ndcg_at_k([], 10) == 0.0


@pytest.mark.parametrize("k", [0, -1])
def test_invalid_k_is_rejected(k: int) -> None:
    with pytest.raises(ValueError, match="k moet minstens 1"):
        recall_at_k([True], k)


# ---------------------------------------------------------------- nDCG


def _d(rank: int) -> float:
    return 1.0 / math.log2(rank + 1)


@pytest.mark.parametrize(
    ("matches", "expected"),
    [
        ([{0}], 1.0),
        ([set(), {0}], _d(2)),
        ([set(), set(), {0}], _d(3)),
        # A repeated paragraph (same quote twice) adds nothing and cannot exceed 1.
        ([{0}, {0}], 1.0),
        ([set(), {0}, {0}], _d(2)),
        # Two alternative quotes found in different passages, best order = ranks 1 and 2.
        ([{0}, {1}], 1.0),
        ([{0}, set(), {1}], (_d(1) + _d(3)) / (_d(1) + _d(2))),
        # Both quotes inside one passage: one gain is the best possible.
        ([{0, 1}], 1.0),
        ([set(), {0, 1}], _d(2)),
        # A later passage with both quotes after one with only the first: still novel.
        ([{0}, set(), {0, 1}], (_d(1) + _d(3)) / (_d(1) + _d(2))),
        ([set(), set()], 0.0),
        ([], 0.0),
    ],
)
def test_ndcg_at_10(matches: list[set[int]], expected: float) -> None:
    assert ndcg_at_k(matches, 10) == pytest.approx(expected)


def test_ndcg_ignores_passages_beyond_k() -> None:
    assert ndcg_at_k([set(), set(), {0}], 2) == 0.0
    assert ndcg_at_k([{0}, set(), {1}], 2) == 1.0


def test_ndcg_from_passage_texts() -> None:
    matches = evidence_matches([FILLER, QUOTE, QUOTE + " " + OTHER], [QUOTE, OTHER])
    # Rank 2 finds quote 0, rank 3 adds quote 1; ideal would have them at ranks 1 and 2.
    assert ndcg_at_k(matches, 10) == pytest.approx((_d(2) + _d(3)) / (_d(1) + _d(2)))


# ---------------------------------------------------------------- cross-municipality

EVIDENCE = {
    "Enschede": ["We gaan mantelzorgers extra ondersteunen."],
    "Amersfoort": ["We blijven aandacht vragen voor de mantelzorger."],
}
ENS = ("Tekst. We gaan mantelzorgers extra ondersteunen. Meer.", "Enschede")
AMF = ("We blijven aandacht vragen voor de mantelzorger.", "Amersfoort")
NOISE = (FILLER, "Nieuwegein")


def test_cross_hit_needs_every_municipality() -> None:
    assert cross_hit_at_k([ENS, NOISE, AMF], EVIDENCE, 10) is True
    assert cross_coverage_at_k([ENS, NOISE, AMF], EVIDENCE, 10) == 1.0


def test_cross_partial_coverage_is_a_miss() -> None:
    assert cross_hit_at_k([ENS, NOISE], EVIDENCE, 10) is False
    assert cross_coverage_at_k([ENS, NOISE], EVIDENCE, 10) == 0.5


def test_cross_evidence_beyond_k_is_a_miss() -> None:
    assert cross_hit_at_k([ENS, NOISE, AMF], EVIDENCE, 2) is False


def test_cross_quote_in_other_municipalitys_passage_does_not_count() -> None:
    misattributed = (AMF[0], "Enschede")
    assert cross_coverage_at_k([ENS, misattributed], EVIDENCE, 10) == 0.5


def test_cross_municipality_comparison_ignores_case() -> None:
    assert cross_hit_at_k([(ENS[0], "enschede"), (AMF[0], "AMERSFOORT")], EVIDENCE, 10) is True


def test_cross_missing_answer_and_missing_evidence() -> None:
    assert cross_hit_at_k([], EVIDENCE, 10) is False
    with pytest.raises(ValueError, match="bewijs per gemeente"):
        cross_hit_at_k([ENS], {}, 10)


# ---------------------------------------------------------------- answers


def test_citation_precision() -> None:
    cited = [QUOTE, FILLER, "Zie: " + OTHER]
    assert citation_precision(cited, [QUOTE, OTHER]) == pytest.approx(2 / 3)
    assert citation_precision([], [QUOTE]) == 0.0
    assert citation_precision([QUOTE + " " + "x" * 2000], [QUOTE]) == 0.0


@pytest.mark.parametrize(
    ("answer", "facts", "expected"),
    [
        ("De doorlooptijd is 4,8 maanden [1].", ["4,8 maanden"], True),
        ("de   doorlooptijd is 4,8\nMAANDEN", ["4,8 maanden"], True),
        ("Het kost zo\u2019n 40% [1].", ["zo'n 40%"], True),
        ("De doorlooptijd is 4,9 maanden.", ["4,8 maanden"], False),
        ("Zilveren Kruis doet mee.", ["Zilveren Kruis", "GGDrU"], False),
        ("", ["4,8 maanden"], False),
        (None, ["4,8 maanden"], False),
    ],
)
def test_answer_contains_fact(answer: str | None, facts: list[str], expected: bool) -> None:
    assert answer_contains_fact(answer, facts) is expected


def test_answer_contains_fact_rejects_empty_fact_list() -> None:
    with pytest.raises(ValueError, match="minstens één feit"):
        answer_contains_fact("tekst", ["  "])


@pytest.mark.parametrize(
    ("pred", "gold", "expected"),
    [
        (95225000.0, 95225000, True),
        (95225 * 1000, 95225000.0, True),
        (0.1 + 0.2, 0.3, True),  # float noise below a cent
        (1093480.004, 1093480, True),
        (1093480.01, 1093480, False),  # one cent off
        (95225.0, 95225000, False),  # unit forgotten
        (1291, -1291, False),  # sign lost
        (-1291.0, -1291, True),
        (None, 0, False),
        (float("nan"), 0, False),
        (float("inf"), 0, False),
        (True, 1, False),
        ("95225000", 95225000, True),
    ],
)
def test_budget_exact(pred: object, gold: float, expected: bool) -> None:
    assert budget_exact(pred, gold) is expected  # type: ignore[arg-type]


def test_abstention_rates() -> None:
    outcomes = [(False, True), (False, True), (False, False), (True, False), (True, True), (True, False), (True, False)]
    rates = abstention_rates(outcomes)
    assert rates["abstention_rate"] == pytest.approx(2 / 3)
    assert rates["false_abstention_rate"] == pytest.approx(1 / 4)


def test_abstention_rates_without_a_kind_are_none() -> None:
    assert abstention_rates([(True, False)]) == {"abstention_rate": None, "false_abstention_rate": 0.0}
    assert abstention_rates(iter([])) == {"abstention_rate": None, "false_abstention_rate": None}


@pytest.mark.parametrize(
    ("hits", "abstained", "budget_ok", "expected"),
    [
        ([False, True], False, None, True),
        ([False, True], True, None, False),  # abstained
        ([False] * 5 + [True], False, None, False),  # evidence only at rank 6
        ([], False, None, False),  # missing answer
        ([True], False, True, True),
        ([True], False, False, False),  # right passage, wrong figure
    ],
)
def test_followup_success(hits: list[bool], abstained: bool, budget_ok: bool | None, expected: bool) -> None:
    assert followup_success(hits, abstained, k=5, budget_ok=budget_ok) is expected


# ---------------------------------------------------------------- summarise


def test_summarise_means_and_breakdowns() -> None:
    results = [
        QuestionResult("q1", "passage", "Deventer", False, "nl", {"recall@5": 1.0, "budget_exact": None}),
        QuestionResult("q2", "passage", "Utrecht", True, "en", {"recall@5": 0.0}),
        QuestionResult("q3", "budget", "Deventer", False, "nl", {"recall@5": 1.0, "budget_exact": False}),
        QuestionResult("q4", "cross", None, True, "nl", {"recall@5": True}),
    ]
    s = summarise(results)
    assert s["overall"]["n"] == 4
    assert s["overall"]["recall@5"] == pytest.approx(0.75)
    # Not applicable (None) is left out of the mean, False counts as 0.
    assert s["overall"]["budget_exact"] == 0.0
    assert s["by_kind"]["passage"] == {"n": 2, "recall@5": 0.5}
    assert s["by_municipality"]["Deventer"]["recall@5"] == 1.0
    assert s["by_municipality"]["-"]["n"] == 1
    assert s["by_phrasing"]["paraphrased"] == {"n": 2, "recall@5": 0.5}
    assert s["by_phrasing"]["literal"]["recall@5"] == 1.0
    assert s["by_language"]["en"] == {"n": 1, "recall@5": 0.0}
    assert "budget_exact" not in s["by_kind"]["passage"]


def test_summarise_empty() -> None:
    assert summarise([])["overall"] == {"n": 0}
