"""The real-document suite: its files, their fixed split, and that every quote, figure and
checked cell stands on its stated page of the PDF's own text layer (not our extraction)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pytest

from eval.cells import cell_accuracy, label_key, load_cells, match_cell
from eval.gold import GoldBudget, GoldEvidence, GoldQuestion
from eval.metrics import covers_quote
from eval.suites import REAL_DIR, SUITES, _squash, check_page_quotes, page_texts

SUITE = SUITES["real"]


@pytest.fixture(scope="module")
def pages() -> dict[str, list[str]]:
    return {pdf.stem: page_texts(pdf) for pdf in sorted((REAL_DIR / "documents").glob("*.pdf"))}


def test_real_suite_has_the_counts_the_issue_asks_for() -> None:
    questions = [q for q in SUITE.questions() if q.kind != "offtopic"]
    offtopic = [q for q in SUITE.questions() if q.kind == "offtopic"]
    kinds = Counter(q.kind for q in questions)
    assert len(questions) >= 100
    assert kinds["budget"] + sum(1 for q in questions if q.kind == "followup" and q.budget) >= 60
    assert sum(1 for q in questions if q.budget and q.budget.calculation) >= 4
    assert sum(1 for q in questions if q.ocr) >= 5
    assert kinds["unanswerable"] >= 10 and kinds["followup"] >= 4
    assert {q.language for q in questions} == {"nl", "en"} and any(q.paraphrased for q in questions)
    assert len(offtopic) >= 40
    cells = load_cells(SUITE.cells_file)
    assert len(cells) >= 300 and len({c.table for c in cells}) >= 15


def test_every_line_has_a_fixed_split_of_about_sixty_forty() -> None:
    items = [q.split for q in SUITE.questions()] + [c.split for c in load_cells(SUITE.cells_file)]
    assert None not in items
    share = items.count("dev") / len(items)
    assert 0.5 <= share <= 0.7


def test_quotes_and_figures_stand_on_their_page_of_the_text_layer(pages) -> None:
    assert check_page_quotes(SUITE.questions(), pages) == []


def test_scanned_letter_questions_are_marked_as_needing_ocr(pages) -> None:
    scan = "emmen-brief-toezeggingen-financien-2024-scan"
    assert not "".join(pages[scan]).strip()  # no text layer at all
    on_scan = [q for q in SUITE.questions() if any(e.document == scan for e in q.evidence)]
    assert on_scan and all(q.ocr for q in on_scan)


def test_checked_cells_stand_on_their_page(pages) -> None:
    missing = [
        c.id for c in load_cells(SUITE.cells_file)
        if _squash(c.raw) not in _squash(pages[c.document][c.page - 1])
    ]
    # Three cells of one table sit under hidden clipped text that pdfplumber interleaves
    # with them (p. 93); they were read from the rendered page.
    assert len(missing) <= 3, missing


def test_check_page_quotes_reports_a_quote_on_the_wrong_page() -> None:
    q = GoldQuestion(
        id="x1", kind="budget", question="?", language="nl",
        evidence=(GoldEvidence("doc", "Lasten 1.234 5.678", page=2),),
        budget=GoldBudget(value=1234, unit="€", document="doc", raw="1.234", page=2),
    )
    pages_by_doc = {"doc": ["Lasten 1.234 5.678", "Baten 99"]}
    problems = check_page_quotes([q], pages_by_doc)
    assert any("niet gevonden op p. 2" in p for p in problems)
    assert any("1.234" in p for p in problems)


# ---------------------------------------------------------------- matching used by the suite
def test_covers_quote_forgives_separators_and_order_but_not_a_missing_figure() -> None:
    quote = "Afvalstoffenheffing 5.380 5.716 336"
    assert covers_quote("Afvalstoffenheffing | 5.380 | 5.716 | 336 |", quote)
    assert covers_quote("5.380 5.716 336 Afvalstoffenheffing", quote)
    assert not covers_quote("Afvalstoffenheffing | 5.380 |", quote)
    assert not covers_quote("", quote)


@dataclass(frozen=True)
class _Fact:
    number: float
    doc_id: str
    row: str
    column: str
    unit: str
    table_id: str
    page: int | None


def _cell(**kw):
    from eval.cells import GoldCell

    base = dict(id="c", page=3, table="Tabel 1", layout=("ruled",), row=("P2 Mens", "Lasten"),
                column=("Rekening 2022", "baten"), raw="-1.291", value=-1291000.0, unit="x € 1.000",
                document="doc")
    base.update(kw)
    return GoldCell(**base)


def test_a_cell_is_exact_only_with_page_number_row_column_and_unit_right() -> None:
    right = _Fact(-1291.0, "doc", "P2 Mens › Lasten", "Rekening › 2022 › baten", "x €1.000", "t1", 3)
    assert match_cell(_cell(), [right]).exact
    for wrong in (
        _Fact(-1291.0, "doc", "P2 Mens › Lasten", "Rekening › 2022 › baten", "x €1.000", "t1", 4),  # page
        _Fact(-1291.0, "other", "P2 Mens › Lasten", "Rekening › 2022 › baten", "x €1.000", "t1", 3),  # document
        _Fact(-1291.0, "doc", "P2 Mens › Lasten", "Rekening › 2022 › baten", "x €1.000", "", 3),  # not a table
    ):
        assert not match_cell(_cell(), [wrong]).found
    wrong_column = _Fact(-1291.0, "doc", "P2 Mens › Lasten", "Begroting 2024 › baten", "x € 1.000", "t1", 3)
    outcome = match_cell(_cell(), [wrong_column])
    assert outcome.found and outcome.row_ok and outcome.unit_ok and not outcome.column_ok and not outcome.exact


def test_cell_accuracy_breaks_down_by_layout() -> None:
    facts = [_Fact(-1291.0, "doc", "P2 Mens › Lasten", "Rekening 2022 › baten", "x € 1.000", "t1", 3)]
    result = cell_accuracy([_cell(id="a"), _cell(id="b", raw="7", layout=("unruled",))], facts)
    assert result["overall"]["exact"] == 0.5
    assert result["by_layout"]["ruled"]["exact"] == 1.0 and result["by_layout"]["unruled"]["value"] == 0.0


def test_label_key_ignores_case_spacing_and_where_a_path_splits() -> None:
    assert label_key(["Rekening", "2022", "baten"]) == label_key("Rekening 2022 › Baten")
    assert label_key("kolom 3") == label_key([])
    assert label_key("Lasten") != label_key("Baten")
