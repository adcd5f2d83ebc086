"""Pure display helpers: escaping, highlighting, filter labels, tables, upload checks."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from assistant.models import Filters
from corpus.models import DocumentMeta
from assistant.render import (
    UploadLimits,
    answer_html,
    dutch_number,
    escape_markdown,
    example_questions,
    filters_text,
    highlighted_table,
    option_label,
    option_values,
    passage_html,
    safe_file_name,
    upload_count_problem,
    upload_file_problem,
    year_series,
)

HOSTILE = [
    "<script>alert(1)</script>",
    "**vet** en _schuin_",
    "[klik](javascript:alert(1))",
    "<img src=x onerror=alert(1)>",
    "# Kop\n- lijst\n| a | b |",
    "&amp; &lt;b&gt;",
]


def unescape_md(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


@pytest.mark.parametrize("text", HOSTILE)
def test_escape_markdown_leaves_no_unescaped_punctuation(text):
    escaped = escape_markdown(text, keep_newlines=True)
    # Every ASCII punctuation char is preceded by a backslash, so none can start syntax...
    assert not re.search(r"(?<!\\)[*_\[\]()<>#|`!]", escaped.replace("\\\\", ""))
    # ...and removing the escapes gives back exactly the original text.
    assert unescape_md(escaped) == text


def test_escape_markdown_folds_whitespace_for_labels():
    assert escape_markdown("a\n\n  b\tc") == "a b c"


@pytest.mark.parametrize("text", HOSTILE)
def test_passage_html_contains_only_our_tags(text):
    markup = passage_html(text, (0, 3))
    tags = set(re.findall(r"</?([a-zA-Z]+)", markup))
    assert tags <= {"div", "mark", "br"}
    assert "\n" not in markup  # one raw HTML block: Markdown is not applied inside


def test_passage_html_marks_exactly_the_sentence():
    text = "Eerste zin. Tweede <zin> hier. Derde."
    start = text.index("Tweede")
    end = text.index("Derde") - 1
    markup = passage_html(text, (start, end))
    assert "<mark>Tweede &lt;zin&gt; hier.</mark>" in markup
    assert markup.startswith('<div class="bron-tekst">Eerste zin. <mark>')


@pytest.mark.parametrize(("span", "marked"), [((-5, 3), "abc"), ((4, 99), "ef"), ((5, 2), "")])
def test_passage_html_clamps_offsets(span, marked):
    assert f"<mark>{marked}</mark>" in passage_html("abc\nef", span)


def test_answer_html_bolds_markers_and_escapes_the_rest():
    markup = answer_html("Zie <b>hier</b> [1] en [12].")
    assert "<b>[1]</b>" in markup and "<b>[12]</b>" in markup
    assert "&lt;b&gt;hier&lt;/b&gt;" in markup


def test_filter_options_labels_and_order():
    counts = {"2023": 1, "2021": 2, "2024": 3}
    assert option_values(counts) == [None, "2024", "2023", "2021"]
    assert option_label(None, counts) == "Alle"
    assert option_label("2021", counts) == "2021 (2)"
    assert option_values({"zwolle": 1, "Amersfoort": 1}) == [None, "Amersfoort", "zwolle"]


@pytest.mark.parametrize(
    ("filters", "text"),
    [
        (Filters(), ""),
        (Filters(municipality="Ede"), "gemeente Ede"),
        (Filters(year=2022, doc_type="jaarverslag"), "jaar 2022, soort jaarverslag"),
    ],
)
def test_filters_text(filters, text):
    assert filters_text(filters) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [(1234567.0, "1.234.567"), (-1291, "-1.291"), (0.5, "0,5"), (1234.25, "1.234,25"), (float("nan"), "")],
)
def test_dutch_number(value, text):
    assert dutch_number(value) == text


def frame():
    return pd.DataFrame(
        [[1.0, 2.0, None], [3.0, None, None]],
        index=["A › Lasten", "A › Baten"],
        columns=["Rekening 2022", "Begroting 2023", "Toelichting"],
    )


def test_year_series_takes_the_row_over_year_columns():
    series = year_series(frame(), "A › Lasten")
    assert list(series.index) == ["Rekening 2022", "Begroting 2023"]
    assert list(series.values) == [1.0, 2.0]


@pytest.mark.parametrize("row", ["A › Baten", "onbekend"])
def test_year_series_none_without_two_values(row):
    assert year_series(frame(), row) is None


def test_highlighted_table_marks_the_fact_cell_only():
    styler = highlighted_table(frame(), "A › Baten", "Rekening 2022")
    html = styler.to_html()
    strong = re.findall(r"#T_\w+_(row\d+_col\d+)[^{]*\{[^}]*#ffd54f", html)
    assert strong == ["row1_col0"]
    assert "1.234" not in html and ">3<" in html  # Dutch formatting applied


def test_highlighted_table_falls_back_on_duplicate_labels():
    dup = pd.DataFrame([[1.0], [2.0]], index=["x", "x"], columns=["2024"])
    plain = highlighted_table(dup, "x", "2024")
    assert isinstance(plain, pd.DataFrame) and plain.equals(dup)


def test_example_questions_pair_municipality_with_its_own_year():
    metas = [
        DocumentMeta(title="a", municipality="Ede", year=2022),
        DocumentMeta(title="b", municipality="Almere", year=2019),
        DocumentMeta(title="c", municipality="Almere", year=2021),
        DocumentMeta(title="d", municipality="Zwolle", year=2025),
    ]
    questions = example_questions(metas)
    assert 3 <= len(questions) <= 4
    # The budget example names Almere with Almere's newest year, not another document's year.
    assert any("Almere in 2021" in q for q in questions)
    assert not any("2025" in q or "2019" in q for q in questions)
    assert any("Ede" in q for q in questions)


def test_example_questions_without_metadata_are_generic():
    assert len(example_questions([DocumentMeta(title="x")])) >= 2
    assert len(example_questions([])) >= 2


LIMITS = UploadLimits(max_file_mb=2, max_files=3)


@pytest.mark.parametrize(
    ("name", "size", "message"),
    [
        ("a.exe", 10, "geen toegestaan bestandstype"),
        ("zonder-extensie", 10, "geen toegestaan bestandstype"),
        ("leeg.pdf", 0, "is leeg"),
        ("groot.docx", 2 * 1024 * 1024 + 1, "te groot"),
    ],
)
def test_upload_file_problem(name, size, message):
    assert message in upload_file_problem(name, size, LIMITS)


@pytest.mark.parametrize("name", ["a.pdf", "b.DOCX", "c.html", "d.txt", "e.md"])
def test_upload_file_accepted(name):
    assert upload_file_problem(name, 2 * 1024 * 1024, LIMITS) is None


def test_upload_count_problem():
    assert upload_count_problem(3, LIMITS) is None
    assert "maximaal 3 bestanden" in upload_count_problem(4, LIMITS)


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\x\\Begroting 2024 (def).PDF", "Begroting-2024-def.pdf"),
        ("Één café.md", "Een-cafe.md"),
        (".verborgen.txt", "verborgen.txt"),
        ("<script>.html", "script.html"),
        ("...", "document"),
        ("a" * 300 + ".txt", "a" * 116 + ".txt"),
    ],
)
def test_safe_file_name(name, safe):
    assert safe_file_name(name) == safe


def test_a_pdf_source_names_its_page_and_an_ocr_page_says_so() -> None:
    from assistant.models import Passage
    from assistant.render import page_label, source_label
    from corpus.models import Chunk, DocumentMeta

    chunk = Chunk("c1", "d1", ("Financiën",), 0, 5, "Baten", page=29)
    label = source_label(Passage(chunk, DocumentMeta(title="Begroting", municipality="Wassenaar", year=2024), 1.0, 1), 2)
    assert label == "\\[2\\] Begroting — Wassenaar 2024 — Financiën — p\\. 29"  # Markdown-escaped
    assert page_label(2, ocr=True) == "p. 2, via tekstherkenning"
    assert page_label(None) == ""


# ---------------------------------------------------------------- figure cards and candidates
def _fact(row="Lasten", column="Begroting 2024", raw="-39.007", start=10, page=29, table="Tabel 2.3 - Baten en lasten P2"):
    from corpus.models import BudgetFact

    return BudgetFact(
        value=-39_007_000.0, number=-39007.0, raw=raw, unit="x € 1.000", row=row, column=column, table=table,
        table_id="t" if table else "", doc_id="d", municipality="Wassenaar", year=2024, start=start, end=start + len(raw),
        page=page,
    )


@pytest.mark.parametrize(
    ("fact", "card"),
    [
        (_fact(), "p. 29, Tabel 2.3, rij Lasten, kolom Begroting 2024"),
        (_fact(table="Overzicht baten"), "p. 29, Overzicht baten, rij Lasten, kolom Begroting 2024"),
        (_fact(page=None, column=""), "Tabel 2.3, rij Lasten"),
    ],
)
def test_figure_card_names_page_table_row_and_column(fact, card):
    from assistant.render import figure_card

    assert figure_card(fact) == card


def test_candidates_and_the_chosen_answer():
    from assistant.models import Answer, Calculation, Citation, Passage
    from assistant.render import candidate_facts, chosen_answer
    from corpus.models import Chunk

    best, other = _fact(start=10), _fact(row="Baten", raw="9.874", start=40)
    chunk = Chunk(id="c", doc_id="d", section=(), start=0, end=80, text="x" * 80, page=29)
    passage = Passage(chunk, DocumentMeta(title="Begroting"), 1.0, 1)
    answer = Answer("q", "q opgelost", "tekst [1]", citations=(Citation(1, passage, 10, 17),), facts=(best, other))
    assert candidate_facts(answer) == [other]
    assert candidate_facts(Answer("q", "q", "t", facts=(best, other), ambiguous=True)) == [best, other]
    calc = Calculation("verschil", "a − b", 1.0, (best, other))
    assert candidate_facts(Answer("q", "q", "t", facts=(best, other), calculation=calc)) == []
    chosen = chosen_answer(answer, other)
    assert chosen.facts == (other,) and chosen.resolved_question == "q opgelost"
    assert "9.874" in chosen.text and "rij Baten" in chosen.text and chosen.text.endswith("[1]")
    [cite] = chosen.citations
    assert (cite.sentence_start, cite.sentence_end) == (40, 45) and cite.passage is passage


def test_source_label_names_the_page_the_citation_opens_on():
    from assistant.models import Passage
    from assistant.render import source_label, source_text
    from corpus.models import Chunk

    chunk = Chunk(id="c", doc_id="d", section=("Financiën",), start=0, end=10, text="x" * 10, page=28)
    passage = Passage(chunk, DocumentMeta(title="Begroting", municipality="Wassenaar", year=2024), 1.0, 1)
    assert source_text(passage) == "Begroting — Wassenaar 2024 — Financiën — p. 28"
    assert source_label(passage, 2, page=29) == "\\[2\\] Begroting — Wassenaar 2024 — Financiën — p\\. 29"
