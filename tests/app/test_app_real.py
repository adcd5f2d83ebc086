"""The Streamlit page on the real assistant and the real corpus (slow).

The assistant is the shared session one (tests/conftest.py `real_assistant`): its index is
built once, and the app, pointed at the same folders, loads that up-to-date index. Every
expectation is derived from the real system: the same question asked of `real_assistant`
directly, the document text the answer cites, and the table the figure comes from.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from assistant.render import example_questions
from corpus.models import DocumentMeta

APP = Path(__file__).resolve().parents[2] / "streamlit_app.py"

# Our own questions (not the gold set's wording), each checked by hand to be one the
# current system answers in the expected way; the tests re-check that first.
PASSAGE_QUESTION = "Wat doet Nieuwegein samen met de regio Lekstroom?"
BUDGET_QUESTION = "Hoeveel lasten staan er in 2027 voor de technische wijziging bij Deventer?"
ABSENT_WORD = "kabelbaan"
UNANSWERABLE_QUESTION = f"Wat kost een nieuwe {ABSENT_WORD} in Utrecht?"


@pytest.fixture
def at(real_assistant, real_settings, monkeypatch) -> AppTest:
    """The app on the real corpus folders; `real_assistant` first, so the index is built."""
    monkeypatch.delenv("ASSISTANT_APP_FACTORY", raising=False)
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(real_settings.corpus_dir))
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(real_settings.index_dir))
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(real_settings.data_dir))
    st.cache_resource.clear()
    app = AppTest.from_file(str(APP), default_timeout=120)
    app.run()
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    yield app
    st.cache_resource.clear()


def ask(at: AppTest, question: str):
    """Type `question`, run the page, and return the last assistant message."""
    at.chat_input[0].set_value(question).run()
    assert not at.exception, at.exception
    messages = [m for m in at.chat_message if m.name == "assistant"]
    assert messages, "no assistant message on the page"
    return messages[-1]


def plain(markdown: str) -> str:
    """Markdown text as a reader sees it (backslash escapes removed)."""
    return re.sub(r"\\(.)", r"\1", markdown)


def html_text(markup: str) -> str:
    """The text a reader sees in our one-line HTML block (tags dropped, <br> as newline)."""
    text = re.sub(r"<br>", "\n", markup)
    text = re.sub(r"</?(div|mark|b)\b[^>]*>", "", text)
    return html.unescape(text)


def marked(markup: str) -> list[str]:
    return [html.unescape(m).replace("<br>", "\n") for m in re.findall(r"<mark>(.*?)</mark>", markup)]


@pytest.mark.slow
def test_question_gets_the_real_cited_answer_with_its_passage(at, real_assistant):
    expected = real_assistant.ask(PASSAGE_QUESTION)
    assert not expected.abstained and expected.citations, "precondition: the system answers this"
    first = expected.citations[0]
    chunk = first.passage.chunk
    document = real_assistant.document(chunk.doc_id)
    sentence = document.text[first.sentence_start : first.sentence_end]

    answer = ask(at, PASSAGE_QUESTION)

    shown = answer.markdown[0].value
    assert html_text(shown) == expected.text
    assert "<b>[1]</b>" in shown
    assert any(plain(c.value).startswith(f"Gezocht op: {expected.resolved_question}") for c in answer.caption)
    assert "**Bronnen**" in [m.value for m in answer.markdown]
    assert len(answer.expander) == len(expected.citations)
    expander = answer.expander[0]
    label = plain(expander.label)
    assert label.startswith("[1] ")
    meta = first.passage.meta
    for part in (meta.title, meta.municipality, str(meta.year), *chunk.section):
        assert part in label
    # The passage shown is the cited chunk, character for character, escaped; the
    # supporting sentence (taken from the document by its offsets) is highlighted.
    passage = next(m.value for m in expander.markdown if m.value.startswith("<div"))
    assert html_text(passage) == chunk.text == document.text[chunk.start : chunk.end]
    assert marked(passage) == [sentence]


@pytest.mark.slow
def test_budget_question_shows_the_cell_and_its_table(at, real_assistant):
    expected = real_assistant.ask(BUDGET_QUESTION)
    assert expected.facts and not expected.abstained and not expected.ambiguous, "precondition"
    fact = expected.facts[0]
    # The figure is a cell of the document, exactly as printed there.
    assert real_assistant.document(fact.doc_id).text[fact.start : fact.end] == fact.raw
    table = real_assistant.table_frame(fact.table_id)
    assert table is not None and fact.row in table.index and fact.column in table.columns

    answer = ask(at, BUDGET_QUESTION)

    [metric] = answer.metric
    assert fact.row in plain(metric.label) and fact.column in plain(metric.label)
    euros = metric.value.replace("€", "").replace(" ", "").replace(".", "").replace(",", ".")
    assert float(euros) == fact.value
    assert any(f"Zoals gedrukt: {fact.raw} ({fact.unit})" in plain(c.value) for c in answer.caption)
    [frame] = answer.dataframe
    shown = frame.value
    assert list(shown.columns) == [str(c) for c in table.columns]
    assert list(shown.index) == list(table.index)
    assert float(shown.loc[fact.row, fact.column]) == fact.number
    # Exactly the used cell is highlighted (the Styler's CSS addresses it by position).
    css = frame.proto.arrow_data.styler.styles
    strong = {
        (int(r), int(c))
        for rule in css.split("}")
        if "#ffd54f" in rule
        for r, c in re.findall(r"row(\d+)_col(\d+)", rule)
    }
    assert strong == {(list(table.index).index(fact.row), list(table.columns).index(fact.column))}
    # The row has several year columns, so its course over the years is charted.
    assert len(answer.get("vega_lite_chart")) == 1
    # The cited table passage is listed under the sources.
    labels = [plain(e.label) for e in answer.expander]
    assert len(labels) == len(expected.citations) >= 1 and labels[0].startswith("[1] ")


@pytest.mark.slow
def test_question_about_an_absent_topic_abstains(at, real_assistant):
    documents = [real_assistant.document(d.id) for d in real_assistant.documents()]
    assert len(documents) >= 5
    assert all(ABSENT_WORD not in d.text.lower() for d in documents)
    expected = real_assistant.ask(UNANSWERABLE_QUESTION)
    assert expected.abstained and not expected.citations and not expected.facts

    answer = ask(at, UNANSWERABLE_QUESTION)

    assert html_text(answer.markdown[0].value) == expected.text
    headings = [m.value for m in answer.markdown]
    assert "**Bronnen**" not in headings and not answer.metric and not answer.dataframe
    if expected.passages:
        assert "**Mogelijk relevant**" in headings
        shown = [plain(e.label) for e in answer.expander]
        assert len(shown) == min(3, len(expected.passages))
        for label, passage in zip(shown, expected.passages):
            assert label.startswith(passage.meta.title)
        for expander in answer.expander:  # closest passages, nothing claimed as support
            assert "<mark>" not in expander.markdown[0].value


@pytest.mark.slow
def test_empty_page_offers_examples_the_real_assistant_answers(at, real_assistant):
    examples = [b.label for b in at.main.button]
    assert len(examples) >= 3
    for question in examples:
        answer = real_assistant.ask(question)
        assert not answer.abstained, question
    budget = [q for q in examples if real_assistant.ask(q).facts]
    assert budget, "one example shows a budget figure"


@pytest.mark.slow
def test_sidebar_lists_every_document_with_its_metadata(at, real_assistant):
    docs = real_assistant.documents()
    shown = " ".join(plain(m.value) for m in at.sidebar.markdown)
    captions = [plain(c.value) for c in at.sidebar.caption]
    for d in docs:
        assert d.meta.title in shown
        assert any(d.meta.municipality in c and str(d.meta.year) in c for c in captions), d.id


def test_budget_example_names_a_municipality_whose_document_has_tables():
    # Fast: the rule behind the real examples above, on metadata of other municipalities.
    ede = DocumentMeta(title="a", municipality="Ede", year=2022, program="Zorg")
    zwolle_old = DocumentMeta(title="b", municipality="Zwolle", year=2019)
    zwolle = DocumentMeta(title="c", municipality="Zwolle", year=2024)
    questions = example_questions([ede, zwolle_old, zwolle], with_tables=[zwolle_old])
    budget = [q for q in questions if "lasten" in q]
    assert len(budget) == 1 and "Zwolle in 2019" in budget[0]
    assert "Welke doelen heeft Ede voor Zorg?" in questions
    assert not any("lasten" in q for q in example_questions([ede], with_tables=[]))
