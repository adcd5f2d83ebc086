"""The Streamlit page, driven with AppTest on the fake assistant (tests/app/fake_assistant.py).

The page is the subject here: what it sends to the assistant (history, filters), what it
shows (citations, figures, tables, abstentions, errors), what it stores (feedback) and that
document text is never rendered as HTML or Markdown.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from assistant.export import conversation_markdown
from assistant.feedback import FeedbackStore
from tests.app import factories, fake_assistant
from tests.app.uploads import indexing, until_indexed

APP = Path(__file__).resolve().parents[2] / "streamlit_app.py"
OUR_TAGS = {"div", "mark", "b", "br"}


@pytest.fixture
def env(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("ASSISTANT_APP_FACTORY", "tests.app.fake_assistant:create")
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    # Distinct dirs per test give distinct Settings, hence a fresh cached assistant slot.
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(tmp_path / "corpus"))
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(tmp_path / "index"))
    return tmp_path


@pytest.fixture
def at(env) -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=30)
    app.run()
    assert not app.exception, app.exception
    return app


def fake() -> fake_assistant.FakeAssistant:
    return fake_assistant.CREATED[-1]


def ask(at: AppTest, question: str) -> AppTest:
    at.chat_input[0].set_value(question).run()
    assert not at.exception, at.exception
    return at


def last_answer(at: AppTest):
    messages = [m for m in at.chat_message if m.name == "assistant"]
    assert messages, "no assistant message on the page"
    return messages[-1]


def plain(markdown: str) -> str:
    """Markdown text as a reader sees it (backslash escapes removed)."""
    return re.sub(r"\\(.)", r"\1", markdown)


def html_tags(markup: str) -> set[str]:
    return {m.lower() for m in re.findall(r"</?\s*([A-Za-z][A-Za-z0-9]*)", markup)}


def test_empty_chat_offers_example_questions_that_ask_when_clicked(at):
    labels = [b.label for b in at.main.button]
    assert 3 <= len(labels) <= 4
    assert not at.chat_message
    example = labels[0]
    at.main.button[0].click().run()
    assert fake().calls[0][0] == example
    assert [m.name for m in at.chat_message] == ["user", "assistant"]


def test_question_gets_cited_answer_with_highlighted_passage(at):
    ask(at, "Wat doet Zuiderveen tegen armoede?")
    answer = last_answer(at)
    assert "[1]" in answer.markdown[0].value
    assert "kindpakket" in answer.markdown[0].value
    assert any(c.value.startswith("Gezocht op: ") for c in answer.caption)
    [expander] = answer.expander
    # Label: [n] title — municipality year — section path (Markdown-escaped).
    assert expander.label.startswith("\\[1\\] Programma Sociaal")
    assert "Zuiderveen 2024" in expander.label and "Sociaal" in expander.label
    passage = expander.markdown[0].value
    assert "<mark>Daarom verhogen we in 2024 het bereik van het kindpakket naar 80 procent.</mark>" in passage
    assert "Zuiderveen wil dat minder kinderen" in passage  # the rest of the passage, unmarked
    assert not at.main.get("vega_lite_chart")  # no chart for a passage answer


def test_budget_question_shows_figure_table_and_chart(at):
    ask(at, "Hoeveel heeft Zuiderveen begroot voor armoedebeleid in 2024?")
    answer = last_answer(at)
    [metric] = answer.metric
    assert metric.value == "€ 2.710.000"  # 2.710 × € 1.000
    assert "Armoedebeleid › Lasten" in metric.label and "2024" in metric.label
    [frame] = answer.dataframe
    assert list(frame.value.columns) == ["2023", "2024", "2025", "Toelichting"]
    assert "Armoedebeleid › Lasten" in list(frame.value.index)
    assert len(answer.get("vega_lite_chart")) == 1  # row has three year columns


def test_budget_calculation_is_shown(at):
    ask(at, "Hoeveel is begroot voor armoede, lasten min baten?")
    texts = " ".join(m.value for m in last_answer(at).markdown)
    assert "Berekening" in texts and "2\\.710 − 560" in texts


def test_unanswerable_question_abstains_with_closest_passages(at):
    ask(at, "Hoeveel kost een reis naar de maan?")
    answer = last_answer(at)
    assert fake_assistant.ABSTAIN_TEXT in answer.markdown[0].value
    shown = [m.value for m in answer.markdown]
    assert "**Mogelijk relevant**" in shown and "**Bronnen**" not in shown
    assert len(answer.expander) == 1 and "<mark>" not in answer.expander[0].markdown[0].value


def test_follow_up_sends_earlier_questions_as_history(at):
    ask(at, "Wat doet Zuiderveen tegen armoede?")
    ask(at, "En in 2027?")
    first, second = fake().calls
    assert first[1] == []
    assert second[1] == ["Wat doet Zuiderveen tegen armoede?"]
    # Both turns stay on the page, and the resolved question of the follow-up is visible.
    assert [m.name for m in at.chat_message] == ["user", "assistant", "user", "assistant"]
    captions = [c.value for c in last_answer(at).caption]
    assert any("Wat doet Zuiderveen tegen armoede" in c and c.startswith("Gezocht op") for c in captions)


def test_sidebar_filter_restricts_next_question(at):
    box = next(s for s in at.sidebar.selectbox if s.label == "Gemeente")
    assert box.options == ["Alle", "Noorderhaven (1)", "Zuiderveen (4)"]
    year_box = next(s for s in at.sidebar.selectbox if s.label == "Jaar")
    assert year_box.options == ["Alle", "2024 (4)", "2023 (1)"]
    box.select("Noorderhaven").run()
    year_box = next(s for s in at.sidebar.selectbox if s.label == "Jaar")
    year_box.select("2023").run()
    ask(at, "Wat wordt er gedaan aan bijstand?")
    _, _, filters = fake().calls[-1]
    assert filters.municipality == "Noorderhaven" and filters.year == 2023 and filters.doc_type is None
    answer = last_answer(at)
    assert "Noorderhaven" in answer.expander[0].label
    assert any("Filters: gemeente Noorderhaven, jaar 2023" in plain(c.value) for c in answer.caption)


def test_feedback_is_stored_with_comment_and_updated_not_duplicated(at, env):
    ask(at, "Wat doet Zuiderveen tegen armoede?")
    store = FeedbackStore(env / "data" / "feedback.sqlite3")
    assert store.all() == []
    at.feedback[0].set_value(0).run()
    [row] = store.thumbs_down()
    assert row["question"] == "Wat doet Zuiderveen tegen armoede?"
    assert "kindpakket" in row["answer_text"]
    assert "Programma Sociaal" in row["sources_json"]
    at.text_input(key="feedback_comment_1").set_value("Bron klopt niet").run()
    assert store.thumbs_down()[0]["comment"] == "Bron klopt niet"
    at.feedback[0].set_value(1).run()
    rows = store.all()
    assert len(rows) == 1 and rows[0]["rating"] == 1 and store.thumbs_down() == []


def test_export_holds_questions_answers_and_sources(at):
    ask(at, "Wat doet Zuiderveen tegen armoede?")
    ask(at, "Hoeveel is begroot voor armoede?")
    assert [b.label for b in at.sidebar.get("download_button")] == ["Gesprek exporteren (Markdown)"]
    turns = [c.turn for c in at.session_state["turns"]]
    text = conversation_markdown(turns)
    assert "## Vraag 1: Wat doet Zuiderveen tegen armoede\\?" in text
    assert "Programma Sociaal" in text and "Financiën Sociaal" in text
    assert "gemeente Zuiderveen" in text and "jaar 2024" in text
    assert "> Zuiderveen wil dat minder kinderen" in text


def test_document_html_and_markdown_render_as_text(at):
    ask(at, "Laat het script-document zien")
    answer = last_answer(at)
    for markup in [answer.markdown[0].value, answer.expander[0].markdown[0].value]:
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup
        assert "<script" not in markup.lower()
        assert html_tags(markup) <= OUR_TAGS
        # A single raw HTML block: no line break, so no Markdown (bold, links) applies inside.
        assert "\n" not in markup and markup.startswith("<div")
        assert "**vet**" in markup and "[klik](javascript:alert(1))" in markup
    # The title "Testdocument <b>" arrives escaped in the Markdown label.
    assert "Testdocument \\<b\\>" in answer.expander[0].label


def test_user_question_is_shown_literally(at):
    ask(at, "**vet** <i>x</i> [a](javascript:alert(1))")
    user = [m for m in at.chat_message if m.name == "user"][-1]
    value = user.markdown[0].value
    assert "\\*\\*vet\\*\\*" in value and "\\<i\\>" in value and "\\[a\\]\\(javascript" in value


def test_assistant_failure_shows_dutch_error_not_trace(at):
    ask(at, "crash graag")
    answer = last_answer(at)
    [error] = answer.error
    assert "Er ging iets mis" in error.value
    assert "traceback" not in error.value.lower()
    assert not at.exception


def test_load_failure_shows_dutch_error(env, monkeypatch):
    monkeypatch.setenv("ASSISTANT_APP_FACTORY", "tests.app.fake_assistant:create_failing")
    app = AppTest.from_file(str(APP), default_timeout=30)
    app.run()
    assert not app.exception
    [error] = app.error
    assert "kon niet worden gestart" in error.value and "truncated" not in error.value
    assert not app.chat_input  # the page stops before the chat


def test_invalid_setting_shows_dutch_error(env, monkeypatch):
    monkeypatch.setenv("ASSISTANT_MAX_FILE_MB", "veel")
    app = AppTest.from_file(str(APP), default_timeout=30)
    app.run()
    assert not app.exception
    # The message is Markdown-escaped (it may hold file names); it reads as the plain text.
    assert "ASSISTANT_MAX_FILE_MB" in app.error[0].value.replace("\\", "")


def test_new_conversation_clears_turns(at):
    ask(at, "Wat doet Zuiderveen tegen armoede?")
    assert at.chat_message
    next(b for b in at.sidebar.button if b.label == "Nieuw gesprek").click().run()
    assert not at.chat_message
    assert len(at.main.button) >= 3  # examples are back


def test_upload_prefills_detected_metadata_and_adds(at):
    uploader = at.sidebar.file_uploader[0]
    text = "Kadernota 2026 van de gemeente Westerbroek.\nWe investeren in jeugdzorg.".encode()
    uploader.set_value([("../../etc/Kadernota Wésterbroek.txt", text, "text/plain")]).run()
    assert not at.exception
    assert at.text_input(key="up_title_0").value == "Kadernota-Westerbroek"
    assert at.text_input(key="up_mun_0").value == "Westerbroek"
    assert at.text_input(key="up_year_0").value == "2026"
    assert at.selectbox(key="up_type_0").value == "kadernota"
    at.text_input(key="up_mun_0").set_value("Westerbroek-Oost")
    next(b for b in at.sidebar.button if b.label == "Toevoegen").click().run()
    until_indexed(at)
    [(paths, overrides)] = fake().added
    assert paths[0].name == "Kadernota-Westerbroek.txt"  # sanitised: no directories, no accents
    assert overrides == {"title": "Kadernota-Westerbroek", "municipality": "Westerbroek-Oost", "year": 2026, "doc_type": "kadernota"}
    assert any("toegevoegd" in s.value for s in at.sidebar.success)
    assert "Kadernota-Westerbroek" in {d.meta.title for d in fake().documents()}


def test_upload_rejection_shows_corpus_error_message(at):
    at.sidebar.file_uploader[0].set_value([("slecht.txt", b"WEIGER dit bestand", "text/plain")]).run()
    next(b for b in at.sidebar.button if b.label == "Toevoegen").click().run()
    until_indexed(at)
    assert any("is geweigerd" in e.value for e in at.sidebar.error)
    assert not any("toegevoegd" in s.value for s in at.sidebar.success)


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([(f"d{i}.txt", b"tekst", "text/plain") for i in range(4)], "maximaal 3 bestanden"),
        ([("groot.txt", b"x" * (1024 * 1024 + 1), "text/plain")], "te groot"),
        ([("leeg.txt", b"", "text/plain")], "is leeg"),
    ],
)
def test_upload_limits_are_enforced(env, monkeypatch, files, message):
    monkeypatch.setenv("ASSISTANT_MAX_FILE_MB", "1")
    monkeypatch.setenv("ASSISTANT_MAX_FILES_PER_UPLOAD", "3")
    app = AppTest.from_file(str(APP), default_timeout=30)
    app.run()
    app.sidebar.file_uploader[0].set_value(files).run()
    assert not app.exception
    assert any(message in e.value for e in app.sidebar.error)
    assert not [b for b in app.sidebar.button if b.label == "Toevoegen"]
    assert fake_assistant.CREATED[-1].added == []


def test_startup_shows_progress_then_loads_once(env):
    app = AppTest.from_file(str(APP), default_timeout=30)
    app.run()
    [status] = app.status
    assert status.state == "complete" and status.label == "De assistent is klaar."
    assert [t.value for t in status.text] == ["Nepindex geladen"]  # the factory's progress message
    created = len(fake_assistant.CREATED)
    app.run()
    assert not app.status  # loaded once: no second load, no status on later runs
    assert len(fake_assistant.CREATED) == created
    # A second session on the same server shares the loaded assistant.
    other = AppTest.from_file(str(APP), default_timeout=30)
    other.run()
    assert not other.status and len(fake_assistant.CREATED) == created


@pytest.fixture
def slow_env(env, monkeypatch):
    monkeypatch.setenv("ASSISTANT_APP_FACTORY", "tests.app.factories:slow_upload")
    factories.RELEASE.clear()
    factories.STARTED.clear()
    yield env
    factories.RELEASE.set()  # never leave a job thread waiting


def _start_slow_upload() -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=30)
    app.run()
    text = "Kadernota 2026 van de gemeente Westerbroek.\nWe investeren in jeugdzorg.".encode()
    app.sidebar.file_uploader[0].set_value([("kadernota.txt", text, "text/plain")]).run()
    next(b for b in app.sidebar.button if b.label == "Toevoegen").click().run()
    assert not app.exception, app.exception
    assert factories.STARTED.wait(10)
    return app


def test_chat_answers_while_an_upload_is_indexed_in_the_background(slow_env):
    app = _start_slow_upload()
    app.run()
    assert indexing(app)  # the click returned while the document is still being embedded
    assert any("Embedden: 3/10" in t.value for t in app.sidebar.text)
    assert any("Resterende tijd: nog ~40 s" in c.value for c in app.sidebar.caption)
    assert not [b for b in app.sidebar.button if b.label == "Toevoegen"]

    ask(app, "Wat doet Zuiderveen tegen armoede?")
    answer = last_answer(app)
    assert any("kindpakket" in m.value for m in answer.markdown)  # answered from the index it has
    # ... and says a document is still being indexed.
    assert any("nog een document geïndexeerd" in i.value and "kadernota" in i.value for i in answer.info), [i.value for i in answer.info]
    assert indexing(app)
    assert fake().added == []  # the upload has not finished

    factories.RELEASE.set()
    until_indexed(app)
    assert [s.value for s in app.sidebar.success] == ["1 document(en) toegevoegd. Ze doen mee vanaf de volgende vraag."]
    assert "kadernota" in {d.id for d in fake().documents()}
    assert len([m for m in app.chat_message if m.name == "assistant"]) == 1  # the conversation stayed


def test_an_upload_in_progress_can_be_cancelled(slow_env):
    app = _start_slow_upload()
    app.run()
    next(b for b in app.sidebar.button if b.label == "Annuleren").click().run()
    until_indexed(app)
    assert any("geannuleerd" in i.value for i in app.sidebar.info)
    assert not app.sidebar.success
    assert "kadernota" not in {d.id for d in fake().documents()}
