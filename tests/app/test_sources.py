"""Opening a source in the page (AppTest, fake assistant): a PDF figure shows its page with
the cell framed, a text passage shows in its surrounding text, the candidate figures answer
when clicked, the export carries pages, and a moved or locked original gives Dutch text."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from assistant.export import conversation_markdown
from assistant.pageview import cache_path
from tests.app import fake_assistant as fa
from tests.app.test_app import APP, ask, at, env, fake, last_answer, plain  # noqa: F401 - fixtures

FIGURE_QUESTION = "Wat zijn de lasten voor jeugd in 2025?"


def open_source(at: AppTest, turn: int, n: int = 1) -> None:
    """Open citation [n] of turn `turn` as a click on its expander does (it reruns the page)."""
    at.session_state[f"source_{turn}_{n}"] = True
    at.run()
    assert not at.exception, at.exception


def images(element) -> list[tuple[str, str]]:
    """(caption, url) of every st.image inside `element`."""
    return [(img.proto.imgs[0].caption, img.proto.imgs[0].url) for img in element.get("image")]


def test_pdf_figure_answer_names_its_page_and_opens_the_page_image(at, env):
    answer = ask(at, FIGURE_QUESTION) and last_answer(at)
    shown = [plain(m.value) for m in answer.markdown]
    assert "**p. 1, Tabel 2.3, rij Lasten, kolom Begroting 2025**" in shown
    [source] = answer.expander
    assert plain(source.label).endswith("— p. 1")
    assert images(answer) == []  # rendering waits for the click
    assert not (env / "data" / "pages").exists()

    open_source(at, 1)
    answer = last_answer(at)
    captions = [c for c, _ in images(answer)]
    assert captions == ["Uitsnede rond de markering", "Pagina 1 van 2"]
    assert not answer.info and not answer.warning  # the cell was found and framed
    pdf = (env / "corpus" / f"{fa.PDF_ID}.pdf").read_bytes()
    assert cache_path(env / "data" / "pages", fa.PDF_ID, pdf, 1).is_file()
    [download] = answer.get("download_button")
    assert plain(download.proto.label) == f"Origineel downloaden ({fa.PDF_ID}.pdf)"


def test_pdf_passage_opens_on_its_own_page(at):
    ask(at, "Waarom stijgen de lasten voor jeugd?")
    open_source(at, 1)
    answer = last_answer(at)
    assert [c for c, _ in images(answer)] == ["Uitsnede rond de markering", "Pagina 2 van 2"]
    assert not answer.info


def test_text_answer_shows_the_passage_in_its_surrounding_text(at):
    ask(at, "Wat doet Zuiderveen tegen armoede?")
    answer = last_answer(at)
    assert "Armoedebeleid" not in answer.expander[0].markdown[0].value  # the passage leaves out the heading
    open_source(at, 1)
    answer = last_answer(at)
    context = [m.value for m in answer.expander[0].markdown if "bron-context" in m.value]
    assert len(context) == 1
    assert context[0].startswith('<div class="bron-tekst bron-context">Armoedebeleid<br>')
    assert "<mark>Daarom verhogen we in 2024 het bereik van het kindpakket naar 80 procent.</mark>" in context[0]
    assert images(answer) == []
    [download] = answer.get("download_button")
    assert "zuiderveen-beleid.txt" in plain(download.proto.label)


def test_candidate_buttons_answer_with_the_chosen_figure(at):
    ask(at, FIGURE_QUESTION)
    buttons = [b for b in last_answer(at).button if b.key and b.key.startswith("candidate_1_")]
    labels = [plain(b.label) for b in buttons]
    assert labels == [
        "€ -5.678.000 — p. 1, Tabel 2.3, rij Lasten, kolom Begroting 2024",
        "€ -4.500.000 — p. 1, Tabel 2.3, rij Saldo, kolom Begroting 2025",
    ]
    asked = len(fake().calls)
    buttons[1].click().run()
    assert not at.exception
    assert len(fake().calls) == asked  # the chosen figure is shown, not looked up again
    answer = last_answer(at)
    [metric] = answer.metric
    assert metric.value == "€ -4.500.000" and "Saldo" in metric.label and "Begroting 2025" in metric.label
    assert "**p. 1, Tabel 2.3, rij Saldo, kolom Begroting 2025**" in [plain(m.value) for m in answer.markdown]
    user = [m for m in at.chat_message if m.name == "user"][-1]
    assert "rij Saldo" in plain(user.markdown[0].value)
    # The chosen figure's source opens on its page too.
    open_source(at, 2)
    assert [c for c, _ in images(last_answer(at))][-1] == "Pagina 1 van 2"


def test_equally_fitting_figures_are_all_offered(at):
    ask(at, "Wat zijn ongeveer de lasten voor jeugd?")
    answer = last_answer(at)
    assert any("kies hieronder" in w.value for w in answer.warning)
    assert len([b for b in answer.button if b.key and b.key.startswith("candidate_1_")]) == 3


def test_export_carries_the_pages_of_sources_and_figures(at):
    ask(at, FIGURE_QUESTION)
    ask(at, "Waarom stijgen de lasten voor jeugd?")
    text = conversation_markdown([c.turn for c in at.session_state["turns"]])
    assert "programmabegroting — sectie: Programma 2 Jeugd — p\\. 1" in text
    assert "tabel: Tabel 2\\.3 \\- Baten en lasten Jeugd; p\\. 1)" in text
    assert "sectie: Toelichting — p\\. 2" in text


def test_moved_original_gives_a_dutch_message_not_a_trace(at, env):
    ask(at, FIGURE_QUESTION)
    (env / "corpus" / f"{fa.PDF_ID}.pdf").unlink()
    open_source(at, 1)
    answer = last_answer(at)
    assert any("staat niet meer in de documentenmap" in plain(w.value) for w in answer.warning)
    assert images(answer) == [] and not answer.get("download_button")
    assert answer.expander[0].markdown  # the passage itself is still shown


def test_password_protected_original_gives_a_dutch_message(at, env):
    from tests.corpus.test_pages import table_pdf

    ask(at, FIGURE_QUESTION)
    (env / "corpus" / f"{fa.PDF_ID}.pdf").write_bytes(table_pdf(password="geheim"))
    open_source(at, 1)
    answer = last_answer(at)
    assert any("wachtwoord" in plain(w.value) for w in answer.warning)
    assert images(answer) == []


def test_page_the_original_no_longer_has_gives_a_dutch_message(at, env):
    from tests.corpus.test_pages import table_pdf

    ask(at, "Waarom stijgen de lasten voor jeugd?")  # cites page 2
    (env / "corpus" / f"{fa.PDF_ID}.pdf").write_bytes(table_pdf())  # replaced by a one-page PDF
    open_source(at, 1)
    answer = last_answer(at)
    assert any("Pagina 2 bestaat niet" in plain(w.value) and "1 pagina's" in plain(w.value) for w in answer.warning)
    assert images(answer) == []
