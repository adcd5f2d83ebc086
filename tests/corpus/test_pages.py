"""corpus.pages on PDFs made here (fpdf2): a figure printed in several cells is located in
the cell its row and column name; a sentence is marked line by line; bad input is refused in
Dutch. The box accuracy check (eval.boxes) runs on the same page."""

from __future__ import annotations

import pytest

from corpus.errors import CorpusError
from corpus.pages import PageWord, locate_cell, locate_text, read_page_words, words_in
from eval.boxes import check_box
from eval.cells import GoldCell

COLUMNS = ("Rekening 2022", "Begroting 2024", "Totaal")
# "100" is printed four times, "-5.800" twice: only row and column tell the cells apart.
ROWS = (
    ("Baten", ("100", "250", "100")),
    ("Lasten", ("-5.800", "100", "-5.800")),
    ("Saldo", ("100", "-4.500", "-4.400")),
)
SENTENCE = "De lasten voor jeugdhulp stijgen in 2025 door meer gebruik van specialistische zorg in de regio."
X0, LABEL_W, CELL_W, TOP, ROW_H = 20, 60, 35, 40, 8  # millimetres


def _pdf():
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    return pdf


def table_pdf(password: str | None = None) -> bytes:
    pdf = _pdf()
    if password:
        pdf.set_encryption(owner_password=password, user_password=password)
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    pdf.text(X0, 30, "Tabel 1.1 - Baten en lasten")
    for i, line in enumerate((("bedragen x 1.000", *COLUMNS), *((label, *cells) for label, cells in ROWS))):
        pdf.set_xy(X0, TOP + ROW_H * i)
        for j, text in enumerate(line):
            pdf.cell(LABEL_W if j == 0 else CELL_W, ROW_H, text, border=1, align="L" if j == 0 else "R")
    pdf.set_xy(X0, 120)
    pdf.multi_cell(90, 6, "Een inleidende zin over het programma. " + SENTENCE + " Dit volgen wij elk kwartaal.")
    return bytes(pdf.output())


@pytest.fixture(scope="module")
def page():
    return read_page_words(table_pdf(), 1, "tabel.pdf")


def column_x(index: int) -> tuple[float, float]:
    """The points between which column `index` of COLUMNS is printed."""
    mm = 72 / 25.4
    left = (X0 + LABEL_W + CELL_W * index) * mm
    return left, left + CELL_W * mm


def row_y(index: int) -> tuple[float, float]:
    mm = 72 / 25.4
    top = (TOP + ROW_H * (index + 1)) * mm
    return top, top + ROW_H * mm


@pytest.mark.parametrize(
    ("row", "column"),
    [(r, c) for r, (label, cells) in enumerate(ROWS) for c in range(len(COLUMNS)) if cells[c] in ("100", "-5.800")],
)
def test_repeated_figure_is_located_in_the_named_row_and_column(page, row, column):
    label, cells = ROWS[row]
    match = locate_cell(page.words, cells[column], (label,), (COLUMNS[column],))
    assert match is not None and match.candidates >= 2
    assert match.row_score == 1.0 and match.column_score == 1.0
    (left, right), (top, bottom) = column_x(column), row_y(row)
    centre_x, centre_y = (match.box.x0 + match.box.x1) / 2, (match.box.top + match.box.bottom) / 2
    assert left < centre_x < right and top < centre_y < bottom
    assert [w.text for w in words_in(page.words, match.box)] == [cells[column]]


def test_row_path_uses_its_innermost_label_and_a_figure_not_printed_is_none(page):
    match = locate_cell(page.words, "-4.500", ("Programma 1", "Saldo"), ("Begroting 2024",))
    assert [w.text for w in words_in(page.words, match.box)] == ["-4.500"]
    assert locate_cell(page.words, "7.777", ("Saldo",), ("Totaal",)) is None


def test_spacing_dashes_and_footnote_markers_do_not_matter():
    words = [PageWord("€", 10, 16, 100, 110), PageWord("1.234*", 18, 50, 100, 110), PageWord("\u22125", 60, 70, 100, 110)]
    assert locate_cell(words, "€ 1.234", (), ()) is not None
    assert locate_cell(words, "€1.234", (), ()) is not None
    assert locate_cell(words, "-5", (), ()) is not None


def test_sentence_is_marked_on_each_of_its_lines_and_nowhere_else(page):
    boxes = locate_text(page.words, SENTENCE)
    assert len(boxes) >= 2  # the sentence wraps in a 90 mm column
    inside = [w.text for b in boxes for w in words_in(page.words, b)]
    assert "jeugdhulp" in inside and "specialistische" in inside
    assert "Tabel" not in inside and "Baten" not in inside
    assert locate_text(page.words, "Een zin die nergens op deze pagina staat, over iets heel anders.") == ()


def test_box_check_reads_the_printed_cell_back(page):
    def cell(raw, row, column):
        return GoldCell(id="x", page=1, table="Tabel 1.1", layout=(), row=(row,), column=(column,), raw=raw, value=0.0, unit="")

    good = check_box(cell("-5.800", "Lasten", "Totaal"), page)
    assert good.ok and good.placed and good.inside == "-5.800"
    missing = check_box(cell("9.999", "Lasten", "Totaal"), page)
    assert not missing.ok and missing.inside == ""


def test_page_out_of_range_and_password_are_refused_in_dutch():
    with pytest.raises(CorpusError, match=r"Pagina 3 bestaat niet in 'tabel.pdf' \(het heeft 1 pagina's\)"):
        read_page_words(table_pdf(), 3, "tabel.pdf")
    with pytest.raises(CorpusError, match="met een wachtwoord beveiligd"):
        read_page_words(table_pdf(password="geheim"), 1, "slot.pdf")
    with pytest.raises(CorpusError, match="kon niet worden gelezen"):
        read_page_words(b"%PDF-1.4 kapot", 1, "kapot.pdf")


def test_quote_check_measures_what_the_marks_hold(page):
    from eval.boxes import check_quote

    marked = check_quote("d", page, SENTENCE)
    assert marked.ok and marked.covered == 1.0
    # The sentence shares its first and last line with its neighbours; the marks start and
    # end at its own words.
    assert marked.extra == 0.0
    absent = check_quote("d", page, "Geen van deze woorden staat op de pagina, zeker niet hier.")
    assert not absent.ok and absent.covered < 0.5


def test_a_scanned_page_is_marked_with_tesseracts_word_boxes(tmp_path):
    from corpus.pdf import tesseract_available
    from tests.corpus.test_pdf import _scanned_pdf

    if not tesseract_available():
        pytest.skip("Tesseract met het Nederlandse model ontbreekt (apt-get install tesseract-ocr tesseract-ocr-nld)")
    data = _scanned_pdf(tmp_path).read_bytes()
    assert read_page_words(data, 1, ocr=False).words == ()  # no text layer
    page = read_page_words(data, 1)
    assert page.ocr
    match = locate_cell(page.words, "400.000", (), ())
    assert match is not None and [w.text for w in words_in(page.words, match.box)] == ["400.000"]
    [line] = locate_text(page.words, "De commissie vergadert op 4 december 2024.")
    assert "december" in [w.text for w in words_in(page.words, line)]
    assert "rapportagegrens" not in [w.text for w in words_in(page.words, line)]
