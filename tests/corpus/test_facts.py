"""Budget facts and DataFrames from the seed tables, checked cell by cell against the text."""

from __future__ import annotations


import pytest

from corpus.countfacts import listed_numbers
from corpus.facts import UNIT_UNKNOWN, extract_facts, table_frame
from corpus.models import Document, DocumentMeta
from corpus.numbers import parse_dutch_number
from corpus.tables import find_tables
from tests.builders import indicator_table


@pytest.fixture(scope="module")
def extracted(seed_documents):
    out = {}
    for doc in seed_documents:
        tables = find_tables(doc.id, doc.text)
        out[doc.id.split("-")[0]] = (doc, tables, extract_facts(doc, tables))
    return out


def test_every_table_frame_matches_the_source_cell_by_cell(extracted):
    for doc, tables, _ in extracted.values():
        for t in tables:
            frame = table_frame(t)
            assert frame.shape == (len(t.rows), len(t.columns))
            assert list(frame.columns) == list(t.columns)
            raw = frame.attrs["raw"]
            for i, row in enumerate(t.rows):
                for j, cell in enumerate(row.cells):
                    s, e = frame.attrs["spans"][i][j]
                    assert raw.iat[i, j] == cell
                    if cell:
                        assert doc.text[s:e] == cell
                    number = parse_dutch_number(cell) if cell else None
                    expected = number if number is not None else (cell or None)
                    assert frame.iat[i, j] == expected


def test_frame_index_joins_parent_and_sub_row(extracted):
    _, tables, _ = extracted["deventer"]
    spec = next(t for t in tables if "Specificaties" in t.caption)
    frame = table_frame(spec)
    assert frame.loc["Armoedebeleid › Lasten", "2024"] == 110.0
    assert frame.attrs["multiplier"] == 1000


def test_table_facts_carry_cell_row_column_and_unit(extracted):
    for doc, tables, facts in extracted.values():
        table_ids = {t.id: t for t in tables}
        for f in facts:
            assert doc.text[f.start : f.end] == f.raw
            assert f.municipality == doc.meta.municipality and f.year == doc.meta.year
            if not f.table_id:
                continue
            t = table_ids[f.table_id]
            assert f.number == parse_dutch_number(f.raw)
            assert f.column in t.columns and f.table == t.caption
            if t.multiplier:
                assert f.value == f.number * t.multiplier and f.unit == "x € 1.000"
            else:
                assert f.value == f.number and f.unit == UNIT_UNKNOWN


def test_every_numeric_cell_is_a_fact(extracted):
    for _, tables, facts in extracted.values():
        cells = {(s, e) for t in tables for r in t.rows for c, (s, e) in zip(r.cells, r.cell_spans)
                 if c and parse_dutch_number(c) is not None}
        assert cells == {(f.start, f.end) for f in facts if f.table_id}


def test_utrecht_footnote_and_unknown_unit(extracted):
    _, _, facts = extracted["utrecht"]
    marked = next(f for f in facts if f.raw == "-1.291*")
    assert marked.value == -1291 and marked.unit == UNIT_UNKNOWN
    assert marked.footnote.startswith("* De verwachte onttrekking")
    assert marked.row == "Schulden voorkomen en versneld oplossen"
    total = [f for f in facts if f.table_id and f.row == "Totaal"]
    assert len(total) == 5


def test_in_text_amounts_keep_their_sentence_and_context(extracted):
    doc, _, facts = extracted["deventer"]
    f = next(f for f in facts if f.raw == "€45.917.564")
    assert f.table_id == "" and f.value == 45917564 and f.unit == "€"
    assert f.sentence.startswith("Het voorlopig budget 2024 bedraagt €45.917.564")
    assert f.sentence in doc.text
    assert "voorlopig budget 2024" in f.row
    assert dict(f.extra)["context"] == "Definitief Buig budget 2023 en voorlopig Buig 2024"
    # The unit in a caption is no amount, and table cells are not counted twice.
    assert not any(f.raw.startswith("€1.000") or f.raw == "€ 1.000" for f in facts)
    starts = [f.start for f in facts]
    assert len(starts) == len(set(starts))


def test_an_abbreviation_does_not_end_an_amounts_sentence():
    from corpus.facts import sentence_bounds

    text = "Herinrichting. De kosten bedragen ca. € 2.100.000, waarvan o.a. € 300.000 voor groen. Daarna meer."
    at = text.index("€ 300.000")
    start, end = sentence_bounds(text, at, at + 9)
    assert text[start:end] == "De kosten bedragen ca. € 2.100.000, waarvan o.a. € 300.000 voor groen."


def test_enschede_scaled_amount(extracted):
    _, _, facts = extracted["enschede"]
    f = next(f for f in facts if f.raw == "0,5 miljoen euro")
    assert f.value == 500_000 and f.number == 0.5
    assert "drugsbestrijdingsfonds" in f.row


# ------------------------------------------------------------------ in-text amounts: year, subject, paragraph

from corpus.facts import amount_year, paragraph_before  # noqa: E402


def _text_facts(text: str):
    doc = Document("x", "x.txt", text, DocumentMeta("Begroting Lindeveen 2025", "Lindeveen", 2025), "fp")
    tables = find_tables(doc.id, doc.text)
    return {f.raw: f for f in extract_facts(doc, tables) if not f.table_id}


@pytest.mark.parametrize(
    "text, raw, year",
    [
        ("De huurachterstand daalde van 2.400 euro in 2022 naar 1.900 euro in 2024.", "2.400 euro", "2022"),
        ("De huurachterstand daalde van 2.400 euro in 2022 naar 1.900 euro in 2024.", "1.900 euro", "2024"),
        ("Het nadeel 2025 bedraagt €310.000 volgens de prognose.", "€310.000", "2025"),
        # 2026 belongs to the first clause, not to the second amount.
        ("Er is €40.000 overgeheveld naar 2026 en €12.500 toegevoegd aan het budget.", "€12.500", None),
        # A period is not the amount's year.
        ("Voor 2023-2026 is €80.000 beschikbaar.", "€80.000", None),
        # An amount about a period is about each of its years.
        ("De aanpak kost in 2025 en 2026 naar verwachting €90.000.", "€90.000", "2025 2026"),
        ("Er is €60.000 voor 2025 t/m 2027 gereserveerd.", "€60.000", "2025 2026 2027"),
        ("Er is €75.000 voor 2025 en 2026 nodig.", "€75.000", "2025 2026"),
        ("De aanpak kost €90.000 in 2025 en 2026.", "€90.000", "2025 2026"),
        ("In 2024, 2025 en 2026 kost de aanpak jaarlijks €15.000.", "€15.000", "2024 2025 2026"),
        # Not a period: alternatives, a bare comma, a comparison, years one by one.
        ("Het gaat om €40.000 in 2024 of 2025.", "€40.000", "2024"),
        ("Er is €25.000 in 2025, 2026 blijft gelijk.", "€25.000", "2025"),
        ("Het budget stijgt tussen 2022 en 2024 met €300.000.", "€300.000", None),
        ("In 2025, 2026 en 2027 is respectievelijk €50.000 beschikbaar.", "€50.000", None),
        # Amounts each with their own year in one sentence keep theirs.
        ("De lasten zijn €25.000 in 2025 en €5.000 in 2026.", "€25.000", "2025"),
        ("De lasten zijn €25.000 in 2025 en €5.000 in 2026.", "€5.000", "2026"),
    ],
)
def test_in_text_amount_year(text, raw, year):
    fact = _text_facts(text)[raw]
    assert dict(fact.extra).get("year") == year


def test_subject_phrase_stops_at_the_previous_amount():
    facts = _text_facts("De huurachterstand daalde van 2.400 euro in 2022 naar 1.900 euro in 2024.")
    assert "2.400" not in facts["1.900 euro"].row and "2022" not in facts["1.900 euro"].row
    assert "huurachterstand" in facts["2.400 euro"].row


def test_paragraph_before_keeps_to_its_line_or_cell():
    text = "Kop\nItem | Per 1 mei is het BAD ontslagen. Er is een risico gemeld van €200.000. |"
    start = text.index("Er is")
    assert paragraph_before(text, start) == "Per 1 mei is het BAD ontslagen."
    assert "BAD" in dict(_text_facts(text)["€200.000"].extra)["paragraph"]


def test_amount_year_prefers_the_year_right_after():
    text = "Het budget 2023 is €5.000 in 2024."
    assert amount_year(text, "Het budget 2023 is", text.index("€5.000") + len("€5.000")) == (2024,)


def test_table_cells_carry_the_printed_header_with_label_columns():
    text = (
        "Overzicht besluiten (bedragen x €1.000)\n"
        "Programma | Besloten via | Lasten | Baten |\n"
        "---|---|---|---|\n"
        "Wonen | Meerjarenbegroting | 12.000 | 4.000 |\n"
    )
    doc = Document("x", "x.txt", text, DocumentMeta("t", "Lindeveen", 2025), "fp")
    cells = [f for f in extract_facts(doc, find_tables(doc.id, text)) if f.table_id]
    assert cells and all("Besloten via" in dict(f.extra)["header"] for f in cells)


def test_text_above_a_continued_table_is_no_header():
    # A table continued from the previous page: the lines above its first row are the wrapped
    # cells of the last row there, not column headers.
    from corpus.models import Table, TableRow

    text = "in de regio is sprake van een tekort aan plekken voor de jeugdzorg\nInvoering Omgevingswet | 500 | 250 |\n"
    row_start = text.index("Invoering")
    cells = ((row_start + 25, row_start + 28), (row_start + 31, row_start + 34))
    table = Table(
        id="t", doc_id="x", caption="Risico's", section=(), columns=("Bedrag impact", "Bedrag x kans"),
        rows=(TableRow(("Invoering Omgevingswet",), ("500", "250"), row_start, len(text) - 1, cells),),
        start=0, end=len(text), header_span=(0, row_start - 1), unit_text="x € 1.000", multiplier=1000,
    )
    doc = Document("x", "x.txt", text, DocumentMeta("t", "Lindeveen", 2025), "fp")
    facts = [f for f in extract_facts(doc, [table]) if f.table_id]
    assert [f.raw for f in facts] == ["500", "250"]
    assert all("header" not in dict(f.extra) for f in facts)


def _indicator_facts(multiplier: int | None, rows: list[tuple[str, str, str]]):
    """Facts of a one-column indicator table built inline: rows are (label, unit, cell)."""
    text, table = indicator_table("x", rows, "Cijfer Lindeveen", multiplier)
    doc = Document("x", "x.txt", text, DocumentMeta("t", "Lindeveen", 2025), "fp")
    return {f.row: f for f in extract_facts(doc, [table]) if f.table_id}


def test_a_row_unit_column_gives_the_unit_of_its_row():
    facts = _indicator_facts(None, [
        ("Gemiddelde WOZ waarde", "Duizend euro", "731"),
        ("Woonlasten", "In Euro's", "1323"),
        ("Demografische druk", "%", "95,1"),
        ("Winkeldiefstallen", "Aantal per 1.000 inwoners", "0,6"),
        ("Bezetting", "", "12"),
    ])
    assert (facts["Gemiddelde WOZ waarde"].unit, facts["Gemiddelde WOZ waarde"].value) == ("x € 1.000", 731_000)
    assert (facts["Woonlasten"].unit, facts["Woonlasten"].value) == ("€", 1323)
    assert (facts["Demografische druk"].unit, facts["Demografische druk"].value) == ("%", 95.1)
    assert ("unit", "Duizend euro") in facts["Gemiddelde WOZ waarde"].extra
    assert facts["Bezetting"].unit == UNIT_UNKNOWN


def test_a_cell_s_year_note_is_the_fact_s_year():
    facts = _indicator_facts(None, [("Niet-sporters", "%", "44,2% (2020)"), ("Banen", "Aantal per 1.000 inwoners", "663,6")])
    sport = facts["Niet-sporters"]
    assert (sport.raw, sport.value, sport.unit) == ("44,2%", 44.2, "%")
    assert ("year", "2020") in sport.extra
    assert sport.year == 2025  # the document's year stays the document's
    assert "year" not in dict(facts["Banen"].extra)


def test_a_count_per_population_is_not_money():
    # The table states thousands of euros, but the row's own unit says it is a count: the
    # "1.000" of "per 1.000 inwoners" is no multiplier and the table's unit does not apply.
    facts = _indicator_facts(1000, [
        ("Winkeldiefstallen", "Aantal per 1.000 inwoners", "0,6"),
        ("Lasten", "", "250"),
    ])
    assert facts["Winkeldiefstallen"].unit == UNIT_UNKNOWN
    assert facts["Winkeldiefstallen"].value == 0.6
    assert ("unit", "Aantal per 1.000 inwoners") in facts["Winkeldiefstallen"].extra
    assert (facts["Lasten"].unit, facts["Lasten"].value) == ("x € 1.000", 250_000)


def test_an_amount_after_waarvan_is_a_part_of_the_amount_before_it():
    from corpus.facts import text_facts
    from corpus.models import Document, DocumentMeta

    text = "De renovatie van de sporthal kost € 900.000, waarvan € 150.000 uit de reserve sport.\n"
    doc = Document("d", "d.txt", text, DocumentMeta(title="d", municipality="Ede", year=2025), "d")
    whole, part = text_facts(doc)
    assert (whole.raw, dict(whole.extra).get("part")) == ("€ 900.000", "whole")
    assert (part.raw, dict(part.extra).get("part")) == ("€ 150.000", "part")
    assert "sporthal" in part.row  # described by the whole's subject
    single = Document("e", "e.txt", "Het project, waarvan de kosten € 80.000 bedragen, start in mei.\n", doc.meta, "e")
    assert [dict(f.extra).get("part") for f in text_facts(single)] == [None]


def test_an_amount_in_a_wrapped_line_keeps_its_whole_sentence():
    from corpus.facts import text_facts
    from corpus.models import Document, DocumentMeta

    text = (
        "Voor de nieuwe straatcoach in de wijk Noord is jaarlijks\n"
        "een bedrag van € 65.000 beschikbaar gesteld.\n"
        "Kosten | 2025 |\n"
        "Overig € 10.000\n"
    )
    doc = Document("d", "d.txt", text, DocumentMeta(title="d", municipality="Ede", year=2025), "d")
    first, second = text_facts(doc)
    assert first.sentence == "Voor de nieuwe straatcoach in de wijk Noord is jaarlijks een bedrag van € 65.000 beschikbaar gesteld."
    assert "straatcoach" in first.row or "straatcoach" in first.sentence
    assert second.sentence == "Overig € 10.000"  # a line in upper case starts anew


def test_a_sentence_pointing_back_takes_the_sentence_before_as_context():
    from corpus.facts import text_facts
    from corpus.models import Document, DocumentMeta

    text = (
        "Het jongerenwerk krijgt er een straatcoach bij. De inzet richt zich op de\n"
        "avonduren in de wijk Noord. Hiervoor is jaarlijks € 65.000 beschikbaar.\n"
    )
    doc = Document("d", "d.txt", text, DocumentMeta(title="d", municipality="Ede", year=2025), "d")
    [fact] = text_facts(doc)
    assert dict(fact.extra)["context"] == "De inzet richt zich op de avonduren in de wijk Noord."
    plain = Document("e", "e.txt", "De straatcoach start in mei. Er is jaarlijks € 65.000 beschikbaar.\n", doc.meta, "e")
    assert "context" not in dict(text_facts(plain)[0].extra)


def test_an_amount_in_a_row_of_cells_is_described_by_the_rows_name():
    # A table of descriptions read row by row (a paragraaf verbonden partijen): the partij is
    # the first cell, the amount stands in a later one after its column's header.
    text = (
        "Verbonden partijen\n\n"
        "Veiligheidsregio Lindeveen | Financieel belang in €: € 2.207.160 | "
        "Eigen vermogen in €: 01-01-2024: € 1.787.000 31-12-2024: € 1.667.000\n"
        "Omgevingsdienst Lindeveen | Financieel belang in €: € 524.000 | "
        "Eigen vermogen in €: 01-01-2024: € 950.000 31-12-2024: € 900.000\n"
    )
    facts = _text_facts(text)
    assert dict(facts["€ 1.667.000"].extra)["context"] == "Veiligheidsregio Lindeveen"
    assert dict(facts["€ 524.000"].extra)["context"] == "Omgevingsdienst Lindeveen"
    assert "context" not in dict(_text_facts("De bijdrage is € 45.000 hoger.")["€ 45.000"].extra)


def test_a_number_of_things_is_described_by_what_follows_it():
    facts = _text_facts(
        "Vastgoed\n\nHet gaat hier om 21 objecten waar maatschappelijke functies worden gehuisvest "
        "en 30 objecten ter bevordering van de kwaliteit van de leefomgeving.\n"
    )
    assert facts["21"].row == "objecten waar maatschappelijke functies worden gehuisvest en"
    assert facts["30"].row.startswith("objecten ter bevordering van de kwaliteit")
    assert dict(facts["21"].extra)["counts"] == "objecten"


def test_a_measure_in_a_list_is_of_the_label_before_it():
    facts = _text_facts("Areaal\n\nRiolering | Riool: circa 165 km' Gemalen 141 stuks | -\n")
    assert (facts["165"].row, dict(facts["165"].extra)["counts"]) == ("Riool circa", "km")
    assert (facts["141"].row, dict(facts["141"].extra)["counts"]) == ("Gemalen", "stuks")


@pytest.mark.parametrize(
    ("cell", "items"),
    [
        ("Sport & bewegen 4 Eigen huisvesting 3 Woningen 12 Bijzondere objecten",
         [("Sport & bewegen", "4"), ("Eigen huisvesting", "3"), ("Woningen", "12")]),
        ("Bruggen 45 Viaducten 3 Tunnels 2", [("Bruggen", "45"), ("Viaducten", "3"), ("Tunnels", "2")]),
        ("Fase 1 Fase 2 Fase 3", []),  # numbered items, not numbers of things
        ("Begroting 2024 Begroting 2025 Rekening 2022", []),  # years
        ("Bruggen 45 Viaducten 3", []),  # a label or two with figures is no list
        ("In 2020 is een beheerplan opgesteld met 21 objecten waar functies worden gehuisvest", []),  # prose
    ],
)
def test_listed_numbers_reads_a_cell_of_labelled_numbers(cell, items):
    assert [(label, m.group("number")) for label, m in listed_numbers(cell)] == items
