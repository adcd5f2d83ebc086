"""Fusion and filtering as pure functions on tiny inputs."""

import pytest

from assistant.models import Filters
from assistant.retrieval import document_mask, reciprocal_rank_fusion, soft_year
from corpus.models import DocumentMeta


def test_rrf_prefers_items_ranked_well_by_both_lists():
    bm25 = [1, 2, 3]
    dense = [3, 2, 4]
    fused = [i for i, _ in reciprocal_rank_fusion([bm25, dense])]
    # 2 is second in both lists; 1 and 3 are first in only one and third in the other.
    assert fused[0] in (2, 3)
    assert fused.index(2) < fused.index(4)
    assert set(fused) == {1, 2, 3, 4}


def test_rrf_scores_follow_the_formula():
    fused = dict(reciprocal_rank_fusion([[7, 8], [8]], k=10))
    assert fused[7] == pytest.approx(1 / 11)
    assert fused[8] == pytest.approx(1 / 12 + 1 / 11)


def test_rrf_ties_are_broken_deterministically_by_id():
    fused = reciprocal_rank_fusion([[5], [4]])
    assert [i for i, _ in fused] == [4, 5]


def test_rrf_weights_shift_the_order():
    a, b = [1, 2], [2, 1]
    assert reciprocal_rank_fusion([a, b], weights=[2.0, 1.0])[0][0] == 1
    assert reciprocal_rank_fusion([a, b], weights=[1.0, 2.0])[0][0] == 2
    with pytest.raises(ValueError, match="one weight per ranking"):
        reciprocal_rank_fusion([a, b], weights=[1.0])


def test_rrf_of_nothing_is_empty():
    assert reciprocal_rank_fusion([[], []]) == []


DOCS = {
    "dev": DocumentMeta(title="Kwartaalrapportage", municipality="Deventer", year=2023, doc_type="kwartaalrapportage"),
    "ens": DocumentMeta(title="Begroting", municipality="Enschede", year=2024, doc_type="programmabegroting"),
    "ame": DocumentMeta(title="Begroting", municipality="Amersfoort", year=2021, doc_type="programmabegroting"),
}
CHUNK_DOCS = ["dev", "dev", "ens", "ame", "ens"]


@pytest.mark.parametrize(
    "filters, expected",
    [
        (Filters(municipality="Deventer"), [True, True, False, False, False]),
        (Filters(doc_type="programmabegroting"), [False, False, True, True, True]),
        (Filters(year=2021), [False, False, False, True, False]),
        (Filters(municipality="Enschede", year=2021), [False] * 5),
        (Filters(municipality="Zwolle"), [False] * 5),
    ],
)
def test_document_mask(filters, expected):
    assert document_mask(CHUNK_DOCS, DOCS, filters).tolist() == expected


def test_no_filters_means_no_mask():
    assert document_mask(CHUNK_DOCS, DOCS, Filters()) is None


def test_soft_year_keeps_a_year_some_document_in_scope_has():
    assert soft_year(Filters(municipality="Deventer", year=2023), DOCS).year == 2023


def test_soft_year_drops_a_column_year_no_document_has():
    # "de lasten in 2025" in Deventer's 2023 report: 2025 is a table column, not a document year.
    assert soft_year(Filters(municipality="Deventer", year=2025), DOCS) == Filters(municipality="Deventer")


def test_soft_year_respects_the_other_filters():
    # 2024 exists, but not for Amersfoort.
    assert soft_year(Filters(municipality="Amersfoort", year=2024), DOCS).year is None
