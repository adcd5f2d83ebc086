"""PDFs the tests make (fpdf2): tables with their cells, units and pages; footers; OCR."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.chunking import chunk_document, document_tables
from corpus.errors import CorpusError
from corpus.facts import extract_facts
from corpus.loaders import load_content
from corpus.models import DocumentMeta
from corpus.pdf import tesseract_available

MB = 20 * 1024 * 1024


def _pdf():
    from fpdf import FPDF

    pdf = FPDF()
    pdf.core_fonts_encoding = "windows-1252"  # the core fonts then have "€"
    pdf.set_auto_page_break(False)
    return pdf


def _footer(pdf, number: int, total: int) -> None:
    pdf.set_font("helvetica", size=8)
    pdf.set_xy(20, 285)
    pdf.cell(0, 5, f"Programmabegroting 2025 - pagina {number} van {total}")


def _unruled_table(pdf, y: float) -> None:
    """Three header rows (group, year, baten/lasten) over right-aligned figures, no rules;
    the unit stands in the header's label cell."""
    pdf.set_font("helvetica", size=9)

    def right(x: float, text: str) -> None:
        pdf.set_xy(x - 30, pdf.get_y())
        pdf.cell(30, 5, text, align="R")

    groups = (("Rekening", "2023", 110), ("Begroting", "2025", 160))
    pdf.set_xy(20, y)
    pdf.cell(60, 5, "Programma")
    for name, _, x in groups:
        pdf.set_xy(x - 32, y)
        pdf.cell(40, 5, name, align="C")
    pdf.set_xy(20, y + 5)
    pdf.cell(60, 5, "bedragen x € 1.000")
    for _, year, x in groups:
        pdf.set_xy(x - 32, y + 5)
        pdf.cell(40, 5, year, align="C")
    pdf.set_y(y + 10)
    for _, _, x in groups:
        right(x - 20, "baten")
        right(x + 8, "lasten")
    rows = (("Sociaal domein", "8.892", "-33.359", "11.652", "-38.934"), ("Wonen", "1.972", "-5.234", "102", "-4.204"))
    for i, (label, *figures) in enumerate(rows):
        pdf.set_xy(20, y + 17 + 6 * i)
        pdf.cell(60, 5, label)
        for (_, _, x), pair in zip(groups, (figures[:2], figures[2:])):
            pdf.set_y(y + 17 + 6 * i)
            right(x - 20, pair[0])
            right(x + 8, pair[1])


def _make(path: Path, pages: int = 2) -> Path:
    pdf = _pdf()
    for n in range(1, pages + 1):
        pdf.add_page()
        pdf.set_font("helvetica", size=11)
        pdf.set_xy(20, 30)
        pdf.multi_cell(170, 6, f"Hoofdstuk {n}. De gemeente Zwolle investeert in het sociaal domein en in wonen.")
        if n == 2:
            pdf.set_xy(20, 60)
            pdf.cell(0, 6, "Tabel 2.1 - Baten en lasten per programma")
            _unruled_table(pdf, 70)
        _footer(pdf, n, pages)
    pdf.output(str(path))
    return path


def _document(path: Path):
    content = load_content(path, MB)
    return content.document(path.stem, path.name, DocumentMeta(title=path.stem), "x"), content


def test_unruled_table_with_three_header_rows_gives_each_cell_its_column_path_unit_and_page(tmp_path: Path) -> None:
    doc, _ = _document(_make(tmp_path / "begroting.pdf"))
    tables = document_tables(doc)
    assert len(tables) == 1
    facts = {(f.row, f.column): f for f in extract_facts(doc, tables) if f.table_id}
    fact = facts[("Sociaal domein", "Rekening › 2023 › lasten")]
    assert (fact.raw, fact.value, fact.unit, fact.page) == ("-33.359", -33_359_000, "x € 1.000", 2)
    assert facts[("Wonen", "Begroting › 2025 › baten")].raw == "102"
    assert len(facts) == 8
    assert doc.text[fact.start:fact.end] == "-33.359"


def test_running_footer_is_dropped_and_chunks_know_their_page(tmp_path: Path) -> None:
    doc, content = _document(_make(tmp_path / "begroting.pdf", pages=3))
    assert "pagina" not in doc.text
    assert len(content.page_starts) == 3
    chunks = chunk_document(doc)
    first = next(c for c in chunks if "Hoofdstuk 1." in c.text)
    table = next(c for c in chunks if "-33.359" in c.text)
    assert (first.page, table.page) == (1, 2)


def test_password_protected_pdf_is_refused_as_protected(tmp_path: Path) -> None:
    pytest.importorskip("cryptography")
    pdf = _pdf()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    pdf.cell(0, 6, "Vertrouwelijk: de begroting van de gemeente Zwolle voor 2025.")
    pdf.set_encryption(owner_password="eigenaar", user_password="geheim")
    path = tmp_path / "beveiligd.pdf"
    pdf.output(str(path))
    with pytest.raises(CorpusError, match="wachtwoord"):
        load_content(path, MB)


def _scanned_pdf(tmp_path: Path) -> Path:
    """A page rendered to an image (pypdfium2, 200 dpi) and put in a PDF without text."""
    import pypdfium2

    source = _pdf()
    source.add_page()
    source.set_font("helvetica", size=16)
    source.set_xy(20, 30)
    source.multi_cell(170, 10, "De rapportagegrens is 400.000 euro.\nDe commissie vergadert op 4 december 2024.")
    text_pdf = tmp_path / "bron.pdf"
    source.output(str(text_pdf))
    image = pypdfium2.PdfDocument(str(text_pdf))[0].render(scale=200 / 72).to_pil()
    image_path = tmp_path / "scan.png"
    image.save(image_path)
    scan = _pdf()
    scan.add_page()
    scan.image(str(image_path), x=0, y=0, w=210)
    path = tmp_path / "brief-scan.pdf"
    scan.output(str(path))
    return path


def test_scanned_page_is_read_with_ocr_and_marked(tmp_path: Path) -> None:
    if not tesseract_available():
        pytest.skip("Tesseract met het Nederlandse model ontbreekt (apt-get install tesseract-ocr tesseract-ocr-nld)")
    doc, content = _document(_scanned_pdf(tmp_path))
    assert content.ocr_pages == (1,)
    assert "rapportagegrens" in doc.text and "4 december 2024" in doc.text
    amounts = [f for f in extract_facts(doc, document_tables(doc)) if f.raw.startswith("400.000")]
    assert amounts and amounts[0].ocr and amounts[0].page == 1


def test_scanned_pdf_without_ocr_says_how_to_install_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The subject is the refusal message when Tesseract is absent, so its absence is simulated.
    import corpus.pdf

    monkeypatch.setattr(corpus.pdf, "tesseract_available", lambda: False)
    with pytest.raises(CorpusError, match="tesseract-ocr"):
        load_content(_scanned_pdf(tmp_path), MB)


def test_a_read_pdf_is_cached_beside_it_and_not_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import corpus.pdf

    path = _make(tmp_path / "begroting.pdf")
    first = load_content(path, MB)
    assert list((tmp_path / ".extracted").glob("*.json"))

    def no_second_read(*args, **kwargs):  # the reader, not the cache, is what must not run
        raise AssertionError("read again")

    monkeypatch.setattr(corpus.pdf, "extract_pdf", no_second_read)
    assert load_content(path, MB) == first
    path.write_bytes(path.read_bytes() + b"\n% changed\n")  # other bytes: read again
    with pytest.raises(AssertionError, match="read again"):
        load_content(path, MB)


def test_a_damaged_cache_file_is_read_again(tmp_path: Path) -> None:
    path = _make(tmp_path / "begroting.pdf")
    first = load_content(path, MB)
    for cache in (tmp_path / ".extracted").glob("*.json"):
        cache.write_text("{kapot", encoding="utf-8")
    assert load_content(path, MB) == first


def test_rows_continued_over_a_page_break_stay_in_their_group_until_its_total() -> None:
    from corpus.pdf import continued_labels

    rows = [(("7.1 Volksgezondheid",), False), (("Saldo programma",), True), (("Reserves",), False),
            (("P3", "0.1 Bestuur"), False)]
    assert continued_labels(("P2", "6.3 Inkomensregelingen"), False, rows) == [
        ("P2", "7.1 Volksgezondheid"), ("P2", "Saldo programma"), ("Reserves",), ("P3", "0.1 Bestuur"),
    ]
    # After a total, or a row without a group, nothing carries over.
    assert continued_labels(("P2", "Saldo programma"), True, rows[:1]) == [("7.1 Volksgezondheid",)]
    assert continued_labels(("Totaal",), False, rows[:1]) == [("7.1 Volksgezondheid",)]


@pytest.mark.parametrize(
    ("pages", "seconds", "expected"),
    [
        (300, 0.3, None),
        (1000, 0.3, "Deze pdf heeft 1000 pagina's; inlezen duurt ongeveer 5 minuten."),
        (5000, 0.3, "Deze pdf heeft 5000 pagina's; inlezen duurt ongeveer 25 minuten."),
        (12000, 0.4, "Deze pdf heeft 12000 pagina's; inlezen duurt ongeveer 1 uur en 20 minuten."),
        (1200, 0.05, "Deze pdf heeft 1200 pagina's; inlezen duurt ongeveer 1 minuut."),
    ],
)
def test_a_pdf_of_thousands_of_pages_is_accepted_with_a_dutch_estimate_of_the_time(pages, seconds, expected) -> None:
    from corpus.pdf import large_pdf_warning

    assert large_pdf_warning(pages, seconds) == expected


def test_a_large_pdf_carries_its_warning_in_the_content(monkeypatch: pytest.MonkeyPatch) -> None:
    import corpus.pdf

    pdf = _pdf()
    for _ in range(3):
        pdf.add_page()
        pdf.set_font("helvetica", size=10)
        pdf.set_xy(20, 30)
        pdf.cell(0, 5, "De gemeente investeert in de sporthal en de bibliotheek.")
    data = bytes(pdf.output())
    assert corpus.pdf.extract_pdf(data, "klein.pdf", ocr=False).warnings == ()
    monkeypatch.setattr(corpus.pdf, "LARGE_PDF_PAGES", 3)
    (warning,) = corpus.pdf.extract_pdf(data, "groot.pdf", ocr=False).warnings
    assert warning.startswith("Deze pdf heeft 3 pagina's; inlezen duurt ongeveer ")
    assert corpus.pdf.pdf_page_count(data) == 3


def _ruled_table(pdf, y: float) -> None:
    """A ruled table: a merged header cell "Indicatoren (%)" over three columns of centred
    figures, a left-aligned header "x kans", and a figure covered by a cell's white fill."""
    pdf.set_font("helvetica", size=9)
    pdf.set_fill_color(255, 255, 255)
    pdf.set_xy(20, y)
    pdf.cell(50, 12, "Kengetallen", border=1)
    pdf.cell(75, 6, "Indicatoren (%)", border=1, align="C")
    pdf.cell(30, 12, "Bedrag x kans", border=1, align="L")
    for i, year in enumerate(("2022", "2023", "2024")):
        pdf.set_xy(70 + 25 * i, y + 6)
        pdf.cell(25, 6, year, border=1, align="C")
    rows = (("Netto schuldquote", "23", "25", "18", "700"), ("Solvabiliteitsratio", "-0,85", "2,63", "0,04", "117"))
    for r, (label, *figures) in enumerate(rows):
        pdf.set_xy(20, y + 12 + 6 * r)
        pdf.cell(50, 6, label, border=1)
        for figure in figures[:3]:
            pdf.cell(25, 6, figure, border=1, align="C")
        pdf.cell(30, 6, figures[3], border=1, align="R")
    # Text in the content stream that the page does not show: a fill drawn over it later.
    pdf.set_xy(150, y + 30)
    pdf.cell(20, 6, "9.999", align="R")
    pdf.rect(145, y + 29, 30, 8, style="F")


def test_ruled_table_reads_merged_header_cells_and_leaves_hidden_text_out(tmp_path: Path) -> None:
    pdf = _pdf()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    pdf.set_xy(20, 30)
    pdf.cell(0, 6, "Tabel 8.3 Overzicht kengetallen")
    _ruled_table(pdf, 40)
    pdf.output(str(tmp_path / "kengetallen.pdf"))
    doc, _ = _document(tmp_path / "kengetallen.pdf")
    facts = {(f.row, f.column): f.raw for f in extract_facts(doc, document_tables(doc)) if f.table_id}
    assert facts == {
        ("Netto schuldquote", "Indicatoren (%) › 2022"): "23",
        ("Netto schuldquote", "Indicatoren (%) › 2023"): "25",
        ("Netto schuldquote", "Indicatoren (%) › 2024"): "18",
        ("Netto schuldquote", "Bedrag x kans"): "700",
        ("Solvabiliteitsratio", "Indicatoren (%) › 2022"): "-0,85",
        ("Solvabiliteitsratio", "Indicatoren (%) › 2023"): "2,63",
        ("Solvabiliteitsratio", "Indicatoren (%) › 2024"): "0,04",
        ("Solvabiliteitsratio", "Bedrag x kans"): "117",
    }
    assert "9.999" not in doc.text


def _ruled_table_document(path: Path, rows, col_widths):  # noqa: ANN001, ANN202
    """The document of a one-page PDF holding one ruled table (fpdf2 draws its rules; it
    centres each cell's text vertically in its row)."""
    pdf = _pdf()
    pdf.add_page()
    pdf.set_font("helvetica", size=8)
    pdf.set_xy(20, 30)
    with pdf.table(col_widths=col_widths, text_align="LEFT") as table:
        for row in rows:
            cells = table.row()
            for text in row:
                cells.cell(text)
    pdf.output(str(path))
    return _document(path)[0]


def test_a_ruled_table_of_prose_is_read_row_by_row_with_every_sentence(tmp_path: Path) -> None:
    # A beheerplan overview: a few quantities beside "Toelichting" cells of several lines. A
    # grid of figures would keep the quantities and lose the sentences.
    prose = (
        ("Oppervlaktewater", "Kademuren 1.051 m'", "Er wordt ingezet op het in stand houden van de waterbouwkundige "
         "kunstwerken en het op diepte houden van de watergangen in de hele gemeente."),
        ("Riolering", "Riool: circa 165 km'", "Voor de riolering is het uitgangspunt om een goed functionerend en "
         "duurzaam rioolstelsel in stand te houden, met gemalen die op afstand worden bewaakt."),
    )
    doc = _ruled_table_document(tmp_path / "beheerplannen.pdf", (("Beheerplan", "Areaal", "Toelichting"), *prose), (35, 35, 100))
    text = " ".join(doc.text.split())
    for label, quantity, sentence in prose:
        assert f"{label} | {quantity} | {sentence}" in text


_DESCRIBED = (30, 25, 80, 35)  # column widths: a name, a figure, a description, a figure
_TASKS = (
    "De regeling voert namens de deelnemers de heffing en invordering van lokale belastingen uit en "
    "bepaalt de WOZ-waarde van alle onroerende zaken; de wethouder Financiën heeft zitting in het "
    "algemeen bestuur met een stemaandeel van 1 van de 12 stemmen."
)


def test_a_table_of_descriptions_whose_figures_share_cells_is_read_row_by_row(tmp_path: Path) -> None:
    # The paragraaf verbonden partijen: per partij a contribution, what it does, and its eigen
    # vermogen at the start and the end of the year in one cell.
    rows = (
        ("Partij", "Bijdrage", "Toelichting", "Eigen vermogen"),
        ("Belastingen Rijnland", "€ 480.915", _TASKS, "01-01-2024: € 782.000 31-12-2024: € 790.000"),
        ("Omgevingsdienst", "€ 524.000", _TASKS.replace("1 van de 12", "4 van de 200"), "01-01-2024: € 1.950.725 31-12-2024: € 2.162.925"),
    )
    doc = _ruled_table_document(tmp_path / "verbonden.pdf", rows, _DESCRIBED)
    text = " ".join(doc.text.split())
    for name, bijdrage, toelichting, vermogen in rows[1:]:  # each cell of figures after its column's header
        assert f"{name} | Bijdrage: {bijdrage} | {toelichting} | Eigen vermogen: {vermogen}" in text
    # A risk table — each figure in a cell of its own beside a long description — stays a grid;
    # its figures stand in the middle of their rows (fpdf2 centres cells vertically), so each
    # description starts above its row's figures and is still that row's, not the header's.
    risks = (
        ("Risico", "Bedrag", "Toelichting", "Kans"),
        ("Jeugdzorg", "1.000", _TASKS, "70%"),
        ("Omgevingswet", "500", _TASKS, "50%"),
    )
    doc = _ruled_table_document(tmp_path / "risicos.pdf", risks, _DESCRIBED)
    cells = {(f.row, f.column): f.raw for f in extract_facts(doc, document_tables(doc)) if f.table_id}
    assert cells == {("Jeugdzorg", "Bedrag"): "1.000", ("Jeugdzorg", "Kans"): "70%",
                     ("Omgevingswet", "Bedrag"): "500", ("Omgevingswet", "Kans"): "50%"}
    assert f"Jeugdzorg | 1.000 | 70% | {_TASKS}" in " ".join(doc.text.split())


def test_a_table_of_descriptions_writes_each_cell_after_its_columns_header_across_pages() -> None:
    from corpus.pdf import _Builder, description_header

    page_one = [
        (0.0, ("Gemeen- schappelijke regeling", "", "Bestuurlijk belang", "Eigen vermogen in €")),
        (9.0, ("", "Financieel", "", "")),  # a header cell printed over ruled rows of its own
        (11.0, ("", "belang", "", "")),
        (20.0, ("Regio Lindeveen", "€ 100.000", "De regio voert taken uit.", "01-01-2024: € 5.000 31-12-2024: € 6.000")),
    ]
    header, body = description_header(page_one)
    assert header == ("Gemeenschappelijke regeling", "Financieel belang", "Bestuurlijk belang", "Eigen vermogen in €")
    assert [cells[0] for _, cells in body] == ["Regio Lindeveen"]
    builder = _Builder()
    builder.add_described(page_one, 7)
    builder.add("\n")
    # The table goes on on the next page without repeating its header.
    builder.add_described([(0.0, ("GGD Lindeveen", "€ 543.000", "", "01-01-2024: € 1.113.000"))], 8)
    assert builder.text.splitlines() == [
        "Regio Lindeveen | Financieel belang: € 100.000 | Bestuurlijk belang: De regio voert taken uit. | "
        "Eigen vermogen in €: 01-01-2024: € 5.000 31-12-2024: € 6.000",
        "GGD Lindeveen | Financieel belang: € 543.000 | Eigen vermogen in €: 01-01-2024: € 1.113.000",
    ]


def test_a_first_row_of_figures_is_no_header_of_a_table_of_descriptions() -> None:
    from corpus.pdf import description_header

    rows = [(0.0, ("Regio Lindeveen", "€ 100.000", "De regio voert taken uit.")), (9.0, ("GGD", "€ 5.000", "Zorg."))]
    assert description_header(rows) == (None, rows)


def test_words_broken_over_two_lines_of_a_table_cell_are_joined_in_headers_and_labels() -> None:
    from corpus.pdf import _Builder
    from corpus.pdftables import GridRow, GridTable

    grid = GridTable(
        columns=(("Saldo 1-1-2024",), ("Vermeerde-", "ringen 2024"), ("Verminde-", "ringen", "2024"), ("Kans op voor- doen",)),
        rows=(
            GridRow(label=("Gemeenschap- pelijke regelingen",), cells=("2.126", "1.232", "-1.502", "10%"), top=20.0, bottom=28.0),
            GridRow(label=("Riool- en waterzorgheffing",), cells=("500", "20", "-30", "5%"), top=30.0, bottom=38.0),
        ),
        header_lines=(), bbox=(0.0, 0.0, 500.0, 40.0),
    )
    builder = _Builder()
    builder.add_table(grid, "Tabel 9.1 Staat van voorzieningen", "", 3)
    table = builder.tables[-1]
    assert table.columns == ("Saldo 1-1-2024", "Vermeerderingen 2024", "Verminderingen › 2024", "Kans op voordoen")
    # ... but a hyphen before a conjunction stays: "Riool- en waterzorgheffing"
    assert [r.label for r in table.rows] == [("Gemeenschappelijke regelingen",), ("Riool- en waterzorgheffing",)]
