"""Budget lookups: the right cell for many phrasings, ambiguity, arithmetic, grounding guard."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.figures import (
    FactStore,
    QueryTerms,
    format_figure,
    score_fact,
)
from assistant.grounding import ungrounded_numbers
from assistant.models import Filters
from corpus.facts import extract_facts
from corpus.models import Document, DocumentMeta
from corpus.numbers import format_dutch_number, parse_dutch_number
from corpus.tables import find_tables
from tests.builders import indicator_table


def _store(docs: list[Document]) -> FactStore:
    facts, tables = [], []
    for doc in docs:
        found = find_tables(doc.id, doc.text)
        tables += found
        facts += extract_facts(doc, found)
    return FactStore(facts, tables, {d.id: d.meta for d in docs})


@pytest.fixture(scope="module")
def store(seed_documents) -> FactStore:
    return _store(seed_documents)


# (question, filters, expected row substring, expected column; "" for an in-text amount)
LOOKUPS = [
    ("Wat zijn de lasten na begrotingswijzigingen?", Filters(), "Lasten", "Begroting na wijzigingen"),
    ("Hoeveel bedragen de lasten in de begroting na wijziging?", Filters(municipality="Deventer"), "Lasten", "Begroting na wijzigingen"),
    ("Wat waren de baten in de primitieve begroting?", Filters(), "Baten", "Primitieve begroting"),
    ("Wat is de raming 2023 van de jongerenaanpak?", Filters(), "Integrale jongeren aanpak", "2023"),
    ("Wat is in 2024 begroot voor de jongeren aanpak?", Filters(), "Integrale jongeren aanpak", "2024"),
    ("Hoeveel geld gaat in 2025 naar de Human Capital Agenda?", Filters(), "Human Capital Agenda", "2025"),
    ("Wat kost armoedebeleid in 2024?", Filters(), "Armoedebeleid › Lasten", "2024"),
    ("Hoeveel lasten heeft Leergeld in 2024?", Filters(), "Leergeld", "2024"),
    ("Wat is de wijziging deze periode van de baten?", Filters(), "Baten", "Wijzigingen deze periode"),
    ("Hoeveel is de storting in de reserves deze periode?", Filters(), "Storting", "Wijzigingen deze periode"),
    ("Hoe hoog is de putting uit de reserve begroot cumulatief?", Filters(), "Putting", "Begroot cumulatief"),
    ("Wat was de totale gerealiseerde besteding in 2022?", Filters(), "Totaal", "Besteding realisatie 2022"),
    ("Hoeveel was begroot voor de besteding aan kansrijke start?", Filters(municipality="Utrecht"), "Kansrijke start", "Besteding begroot 2022"),
    ("Wat is de prognose van de besteding bij de 2e berap voor overlast en criminaliteit?", Filters(), "overlast", "Geprogn. besteding bij 2e berap 2022"),
    ("Hoeveel werd er onttrokken aan de corona reserve voor schulden in 2022?", Filters(), "Schulden", "Onttrekking corona reserve 2022"),
    ("Hoe hoog is het voorlopige BUIG-budget 2024?", Filters(), "voorlopig budget 2024", ""),
    ("Hoeveel euro ESF-middelen is beschikt?", Filters(), "ESF-middelen", ""),
    ("Hoeveel geld is er voor het drugsbestrijdingsfonds?", Filters(municipality="Enschede"), "drugsbestrijdingsfonds", ""),
    ("Wat is de rijksbijdrage voor gemeentelijk schuldenbeleid?", Filters(), "rijksbijdrage", ""),
    ("Lasten Technische wijziging 2027", Filters(year=2023), "Technische wijziging › Lasten", "2027"),
    ("Hoeveel zijn de totale lasten van de wijzigingen in 2025?", Filters(), "Totaal lasten", "2025"),
]


@pytest.mark.parametrize("question, filters, row, column", LOOKUPS)
def test_lookup_finds_the_right_cell(store, question, filters, row, column):
    result = store.lookup(question, filters)
    assert result.found and not result.ambiguous, result.text
    fact = result.facts[0]  # the answer; other fitting cells may follow it
    assert row.lower() in fact.row.lower()
    assert fact.column == column
    assert format_figure(fact) in result.text
    if fact.table_id:
        assert f"‘{fact.table}’" in result.text and f"‘{fact.row}’" in result.text
    if filters.municipality:
        assert fact.municipality == filters.municipality


def test_figure_in_words_people_read(store):
    result = store.lookup("Wat zijn de lasten na begrotingswijzigingen?")
    fact = result.facts[0]  # the answer; other fitting cells may follow it
    printed = fact.raw
    euros = format_dutch_number(parse_dutch_number(printed) * 1000)
    assert f"€ {euros} ({printed} × € 1.000)" in result.text


def test_unknown_unit_is_said_not_invented(store):
    result = store.lookup("Wat was de geprognosticeerde besteding bij de 2e berap voor kansrijke start?")
    fact = result.facts[0]  # the answer; other fitting cells may follow it
    assert "eenheid niet vermeld" in result.text and fact.unit == "eenheid niet vermeld"
    assert "€" not in result.text.split("Bron")[0]


@pytest.mark.parametrize(
    "question, filters",
    [
        ("Hoeveel kost het ruimtevaartprogramma in 2024?", Filters()),
        ("Wat is het budget voor de schaatsbaan?", Filters()),
        ("Wat zijn de lasten na begrotingswijzigingen?", Filters(municipality="Amersfoort")),
        ("Wat was de gerealiseerde besteding voor schulden?", Filters(municipality="Deventer")),
        ("", Filters()),
    ],
)
def test_weak_or_missing_match_is_not_found(store, question, filters):
    result = store.lookup(question, filters)
    assert not result.found and result.facts == ()


def test_year_filter_may_be_the_document_year_or_a_column_year(store):
    by_doc_year = store.lookup("Wat zijn de lasten na begrotingswijzigingen?", Filters(year=2023))
    assert by_doc_year.found and by_doc_year.facts[0].municipality == "Deventer"
    by_column = store.lookup("Wat kost armoedebeleid?", Filters(year=2025))
    assert by_column.found and by_column.facts[0].column == "2025"
    assert not store.lookup("Wat zijn de lasten na begrotingswijzigingen?", Filters(year=2019)).found


def test_ambiguity_is_reported_with_all_candidates(store):
    result = store.lookup("Hoeveel is er begroot voor de lasten?")
    assert result.found and result.ambiguous
    assert len(result.facts) >= 2 and len({f.value for f in result.facts}) == len(result.facts)
    assert "Welke bedoelt u?" in result.text
    for f in result.facts:
        assert format_figure(f) in result.text and f"‘{f.column}’" in result.text


def test_difference_between_two_years_is_shown(store):
    result = store.lookup("Wat is het verschil tussen 2023 en 2024 voor de Buig lasten?")
    calc = result.calculation
    assert result.found and calc is not None
    a, b = calc.facts
    assert (a.column, b.column) == ("2023", "2024") and a.row == b.row and "Buig" in a.row
    assert calc.result == pytest.approx(b.value - a.value)
    assert a.raw in calc.expression and b.raw in calc.expression
    assert format_dutch_number(b.number - a.number) in calc.expression
    assert calc.expression in result.text


def test_realisation_minus_budget(store):
    result = store.lookup("Hoeveel meer is de gerealiseerde besteding dan begroot voor kansrijke start?")
    a, b = result.calculation.facts
    assert "begroot" in a.column and "realisatie" in b.column
    # Spending is printed negative in this table: "hoeveel meer besteed" compares amounts, so
    # the magnitudes are subtracted (and the expression says so).
    assert a.number < 0 and b.number < 0
    assert result.calculation.result == pytest.approx(abs(b.value) - abs(a.value))
    assert "zonder minteken" in result.calculation.expression


def test_percentage_change(store):
    result = store.lookup("Wat is de procentuele stijging van de lasten van Technische wijziging tussen 2023 en 2024?")
    a, b = result.calculation.facts
    expected = (b.value - a.value) / abs(a.value) * 100
    assert result.calculation.result == pytest.approx(expected)
    assert f"{format_dutch_number(round(expected, 1))}%" in result.text


def test_sum_over_rows(store):
    result = store.lookup("Wat is het totaal van armoedebeleid en impuls integraal werken in 2024?")
    calc = result.calculation
    assert calc is not None and len(calc.facts) == 2
    assert {f.column for f in calc.facts} == {"2024"}
    assert calc.result == pytest.approx(sum(f.value for f in calc.facts))
    assert " + " in calc.expression


@pytest.mark.parametrize("printed", ["OZB niet-woningen", "OZB niet woningen"])
def test_sum_of_parts_named_before_the_sum_word_shares_the_subject(printed):
    store = _store([_doc("ede-begroting-2024",
        "Opbrengst belastingen (bedragen x € 1.000)\n"
        "Belasting | Raming 2024 |\n"
        "OZB woningen | 6.100 |\n"
        f"{printed} | 2.450 |\n"
        "Hondenbelasting | 310 |\n"
    )])
    result = store.lookup("Hoeveel levert de OZB in 2024 op, woningen en niet-woningen samen?")
    assert result.calculation is not None, result.text
    assert sorted(f.raw for f in result.calculation.facts) == ["2.450", "6.100"]
    assert result.calculation.result == 8_550_000


def test_sum_of_one_subjects_years_adds_amounts_in_different_units():
    store = _store([_doc("ede-begroting-2024",
        "Aanpak laaggeletterdheid (hogere lasten € 120.000 in 2024).\n\n"
        "Incidentele lasten (bedragen x € 1.000)\n"
        "Omschrijving | 2024 | 2025 |\n"
        "Aanpak laaggeletterdheid | 120 | 80 |\n"
    )])
    result = store.lookup("Hoeveel kost de aanpak van laaggeletterdheid in 2024 en 2025 samen?")
    assert result.calculation is not None, result.text
    assert result.calculation.result == 200_000
    assert len(result.calculation.facts) == 2


def test_a_cell_that_shares_only_aspects_does_not_beat_one_that_names_the_subject():
    store = _store([_doc("ede-begroting-2024",
        "Geprognosticeerde balans (bedragen x € 1.000)\n"
        "Post | 2026 |\n"
        "Financieringssaldo | 0 |\n\n"
        "Financieel meerjarenbeeld (bedragen x € 1.000)\n"
        "Omschrijving | 2026 |\n"
        "Begrotingssaldo | -4.310 |\n"
    )])
    result = store.lookup("Welk saldo verwacht de gemeente voor 2026 in het financieel meerjarenbeeld?")
    assert result.found and not result.ambiguous, result.text
    assert result.facts[0].raw == "-4.310"


# A summary per programme and a per-taakveld table in whole euros, as a jaarrekening prints
# them: the programme row answers a question about the programme; its taakvelden, the
# reserves booked on it, and another flow's column of a row naming both flows do not.
PER_TAAKVELD = (
    "Baten en lasten per programma (bedragen x € 1.000)\n"
    "Programma | 2023 baten | 2023 lasten |\n"
    "P2 Sociaal domein | 14.210 | -38.400 |\n"
    "\n"
    "Baten en lasten per taakveld (bedragen in euro)\n"
    "Taakveld | 2023 Baten | 2023 Lasten |\n"
    "P2 Sociaal domein › 6.1 Samenkracht en burgerparticipatie | 310.000 | -2.900.000 |\n"
    "P2 Sociaal domein › 0.8 Overige baten en lasten | 95.000 | -120.000 |\n"
    "Reserves › P2 Sociaal domein | 1.250.000 | 0 |\n"
)


def test_a_programmes_figure_comes_from_its_own_row_not_its_parts():
    store = _store([_doc("ede-jaarrekening-2023", PER_TAAKVELD, year=2023)])
    result = store.lookup("Wat waren de baten van Sociaal domein in 2023?")
    assert result.found and not result.ambiguous, result.text
    assert result.facts[0].raw == "14.210"


def test_the_column_decides_the_flow_of_a_row_naming_both():
    from assistant.figures.candidates import fact_flows

    store = _store([_doc("ede-jaarrekening-2023", PER_TAAKVELD, year=2023)])
    cells = [f for f in store.facts if "Overige baten en lasten" in f.row]
    assert {f.column: fact_flows(f) for f in cells} == {"2023 Baten": {"baten"}, "2023 Lasten": {"lasten"}}


def test_a_caption_naming_one_flow_gives_it_to_its_cells():
    from assistant.figures.candidates import fact_flows

    text = (
        "Opbrengst belastingen (bedragen x € 1.000)\nBelasting | Raming 2024 |\nOZB woningen | 6.100 |\n\n"
        "Baten en lasten wonen (bedragen x € 1.000)\nOmschrijving | 2024 |\nOnderhoud | 300 |\n"
    )
    store = _store([_doc("ede-begroting-2024", text)])
    by_row = {f.row: fact_flows(f) for f in store.facts}
    assert by_row == {"OZB woningen": {"baten"}, "Onderhoud": set()}


def test_a_numbered_programmes_result_comes_from_its_own_table_not_the_total():
    text = (
        "Baten en lasten P4 Wonen (bedragen x € 1.000)\n"
        "Omschrijving | Begroting 2025 |\n"
        "Saldo van baten en lasten | -5.100 |\n"
        "Geraamde resultaat | -4.900 |\n"
        "\n"
        "Meerjarenperspectief alle programma's (bedragen x € 1.000)\n"
        "Omschrijving | Begroting 2025 saldo |\n"
        "Geraamde resultaat | 350 |\n"
    )
    store = _store([_doc("ede-begroting-2025", text, year=2025)])
    result = store.lookup("Wat is het geraamde resultaat van programma 4 in 2025?")
    assert result.found and not result.ambiguous, result.text
    assert result.facts[0].raw == "-4.900"


def test_a_total_asked_for_is_read_from_the_totaal_column():
    # A staat van investeringen: the credit per year and their total in one row.
    text = (
        "Investeringen programma Verkeer\n"
        "Investering | Beschikbaar gesteld krediet | 2025 | 2026 | Totaal |\n"
        "Fietspad Dorpsstraat | 400.000 | 600.000 | 200.000 | 1.200.000 |\n"
    )
    store = _store([_doc("ede-begroting-2025", text, year=2025)])
    total = store.lookup("Hoeveel wordt er in totaal geïnvesteerd in het fietspad aan de Dorpsstraat?")
    assert total.found and total.facts[0].raw == "1.200.000", total.text
    one_year = store.lookup("Hoeveel wordt er in 2026 geïnvesteerd in het fietspad aan de Dorpsstraat?")
    assert one_year.found and one_year.facts[0].raw == "200.000", one_year.text


def test_generalises_to_another_municipality():
    text = (
        "Financiën jeugd\n"
        "Begroting (bedragen x € 1.000)\n"
        "Taakveld | Begroting 2025 | Realisatie 2024 |\n"
        "Jeugdhulp | 12.500 | 11.950 |\n"
        "Wmo-voorzieningen | 8.300 | 8.100 |\n"
        "Totaal | 20.800 | 20.050 |\n"
    )
    doc = Document("zwolle", "zwolle.pdf", text, DocumentMeta("Begroting Zwolle 2025", "Zwolle", 2025), "fp")
    store = _store([doc])
    result = store.lookup("Hoeveel is in 2025 begroot voor de jeugdhulp in Zwolle?", Filters(municipality="Zwolle"))
    fact = result.facts[0]  # the answer; other fitting cells may follow it
    assert fact.row == "Jeugdhulp" and fact.column == "Begroting 2025" and fact.value == 12_500_000
    real = store.lookup("Wat was de realisatie van de wmo voorzieningen?")
    assert real.facts[0].raw == "8.100"


def test_score_prefers_matching_year_and_phase(store):
    q = QueryTerms.parse("Wat kost armoedebeleid in 2024?")
    row = [f for f in store.facts if f.row == "Armoedebeleid › Lasten"]
    by_col = {f.column: score_fact(q, f)[0] for f in row}
    assert by_col["2024"] == max(by_col.values()) and by_col["2024"] > by_col["2025"]
    q2 = QueryTerms.parse("Wat zijn de lasten na wijzigingen?")
    lasten = {f.column: score_fact(q2, f)[0] for f in store.facts if f.row == "Lasten"}
    assert max(lasten, key=lasten.get) == "Begroting na wijzigingen"


# ------------------------------------------------------------------ grounding of lookup answers


def test_lookup_answers_are_grounded_in_their_cells(store):
    for question, filters, _, _ in LOOKUPS:
        result = store.lookup(question, filters)
        sources = [f.sentence or f.raw for f in result.facts] + [question]
        assert ungrounded_numbers(result.text, sources) == [], question


# ------------------------------------------------------------------ general rules on a made-up municipality

_WONEN = (
    "Programma Wonen\n"
    "Overzicht baten en lasten\n"
    "(bedragen x €1.000) | | | | |\n"
    "Primitieve begroting | Begrotingswijzigingen | Begroting na wijzigingen | Wijzigingen deze periode | Begroot cumulatief |\n"
    "Lasten | 12.000 | 1.500 | 13.500 | -250 | 13.250 |\n"
    "Baten | 4.000 | 300 | 4.300 | 120 | 4.420 |\n"
    "Saldo | -8.000 | -1.200 | -9.200 | 370 | -8.830 |\n"
    "Reserves (bedragen x €1.000) | | | | |\n"
    "Primitieve begroting | Begrotingswijzigingen | Begroting na wijzigingen | Wijzigingen deze periode | Begroot cumulatief |\n"
    "Storting | 10 | 20 | 30 | 77 | 107 |\n"
    "Putting | 500 | 60 | 560 | -90 | 470 |\n"
    "Specificaties wijzigingen deze periode (bedragen x €1.000)\n"
    "Onderwerp | 2025 | 2026 | 2027 |\n"
    "Huurtoeslagloket | Lasten | -40 | 40 | 0 |\n"
    "Technische wijziging | Lasten | 15 | 25 | 35 |\n"
    "Totaal lasten | -25 | 65 | 35 |\n"
    "Overzicht besluiten (bedragen x €1.000)\n"
    "Programma | Besloten via | Lasten | Baten | Saldo |\n"
    "---|---|---|---|---|\n"
    "Wonen | Meerjarenbegroting 2025-2028 | 12.000 | 4.000 | -8.000 |\n"
    "1e kwartaalrapportage 2025 | 900 | 100 | -800 |\n"
    "Totaal programma | 13.500 | 4.300 | -9.200 |\n"
    "\n"
    "Het aantal starterswoningen groeit. De gemiddelde huurachterstand daalde van 2.400 euro in 2022 "
    "naar 1.900 euro in 2024. Voor het Huurtoeslagloket is €40.000 overgeheveld naar 2026 en €12.500 "
    "toegevoegd aan het budget voor 2025. Het nadeel 2025 op de bouwleges bedraagt €310.000.\n"
)


@pytest.fixture(scope="module")
def wonen() -> FactStore:
    meta = DocumentMeta("2e kwartaalrapportage 2025, programma Wonen", "Lindeveen", 2025, "kwartaalrapportage", program="Wonen")
    return _store([Document("lindeveen-wonen", "lindeveen-wonen.txt", _WONEN, meta, "fp")])


@pytest.mark.parametrize(
    "question, row, column",
    [
        # The programme is the document's: its bare "Lasten" row, not the row naming the programme.
        ("Wat zijn de lasten na begrotingswijzigingen van het programma Wonen?", "Lasten", "Begroting na wijzigingen"),
        ("Wat is het saldo begroot cumulatief van het programma Wonen?", "Saldo", "Begroot cumulatief"),
        # The report type is the document's: no row named "1e kwartaalrapportage" wins.
        ("Hoeveel baten staan er na wijzigingen in de kwartaalrapportage?", "Baten", "Begroting na wijzigingen"),
        # "ten opzichte van X": the change column right after X.
        ("Met hoeveel veranderen de baten ten opzichte van de begroting na wijzigingen?", "Baten", "Wijzigingen deze periode"),
        ("Hoeveel verandert er deze kwartaalrapportage aan de putting?", "Putting", "Wijzigingen deze periode"),
        ("Hoeveel wordt er deze periode in de reserves gestort?", "Storting", "Wijzigingen deze periode"),
        # A row item called "… wijziging" is an item, not the phase "wijzigingen".
        ("Hoeveel bedragen de lasten in totaal voor 2025 volgens de specificatie van de wijzigingen?", "Totaal lasten", "2025"),
        # Label-column headers ("Besloten via") are context words.
        ("Welk totaal aan lasten staat in het overzicht van besluiten?", "Totaal programma", "Lasten"),
    ],
)
def test_general_rules_on_another_programme(wonen, question, row, column):
    result = wonen.lookup(question, Filters(municipality="Lindeveen"))
    assert result.found and not result.ambiguous, result.text
    assert (result.facts[0].row, result.facts[0].column) == (row, column)


def test_in_text_amounts_take_the_year_printed_next_to_them(wonen):
    result = wonen.lookup("Wat was de gemiddelde huurachterstand in 2024?")
    assert result.facts[0].raw == "1.900 euro"
    result = wonen.lookup("Wat was de gemiddelde huurachterstand in 2022?")
    assert result.facts[0].raw == "2.400 euro"
    nadeel = wonen.lookup("Hoe groot is het nadeel op de bouwleges in 2025?")
    assert nadeel.facts[0].raw == "€310.000"


def test_a_year_of_another_clause_is_not_the_amounts_year(wonen):
    # "€40.000 overgeheveld naar 2026 en €12.500 toegevoegd aan het budget voor 2025": 2026 is
    # not the €12.500's year; the 2026 figure is 40 (x €1.000) = €40.000 in table and sentence.
    result = wonen.lookup("Hoeveel is er in 2026 geraamd voor het huurtoeslagloket?")
    assert result.found and not result.ambiguous
    assert result.facts[0].value == 40_000


@pytest.mark.parametrize(
    "question, expected",
    [
        ("Met hoeveel euro is de gemiddelde huurachterstand gedaald tussen 2022 en 2024?", 500.0),
        # -25 and 65 (x €1.000): a plain "verschil" is the larger minus the smaller, across zero
        ("Hoe groot is het verschil in de totale lasten tussen 2025 en 2026 in de specificatie?", 90_000.0),
        ("Hoeveel hoger zijn de lasten van de technische wijziging in 2026 dan in 2025?", 10_000.0),
    ],
)
def test_difference_direction_follows_the_question(wonen, question, expected):
    result = wonen.lookup(question)
    assert result.calculation is not None, result.text
    assert result.calculation.result == pytest.approx(expected)
    assert result.calculation.expression in result.text


@pytest.mark.parametrize(
    "question",
    [
        "Wat waren de lasten van het programma Wonen in 2019?",  # year not in any table
        "Wat zijn de baten van het huurtoeslagloket in 2026?",  # only a lasten row exists
    ],
)
def test_named_line_without_the_asked_year_or_flow_is_declined(wonen, question):
    result = wonen.lookup(question, Filters(municipality="Lindeveen"))
    assert not result.found and result.declined
    assert "geen bedrag" in result.text


def test_follow_up_own_flow_wins_over_the_carried_one(wonen):
    resolved = "Wat is de storting deze periode aan de reserves onttrokken?"
    result = wonen.lookup(resolved, own_question="En de storting?")
    assert (result.facts[0].row, result.facts[0].column) == ("Storting", "Wijzigingen deze periode")


def test_follow_up_without_topic_uses_the_conversation_topic(wonen):
    result = wonen.lookup(
        "Wat gaat er in 2025 af?", context_hint="Wat gaat er in 2025 af? geraamd voor het huurtoeslagloket"
    )
    assert (result.facts[0].row, result.facts[0].column) == ("Huurtoeslagloket › Lasten", "2025")


def test_english_question_uses_glosses_and_budget_vocabulary(wonen):
    result = wonen.lookup(
        "What are the expenses after budget changes for the housing programme?",
        context_hint="What are the expenses after budget changes for the housing programme? wonen",
        language="en",
    )
    assert (result.facts[0].row, result.facts[0].column) == ("Lasten", "Begroting na wijzigingen")


@pytest.mark.parametrize(
    "q, candidates, low",
    [("ondermijning", ["ondermijnende"], 0.6), ("schulden", ["schuldenlast"], 0.7)],
)
def test_token_match_relates_derivations(q, candidates, low):
    from assistant.figures import token_match

    assert token_match(q, candidates) >= low
    assert token_match(q, ["wegenonderhoud"]) == 0.0


def test_figures_search_with_only_an_aspect_lists_cells_that_have_it(store):
    facts = store.search("lasten", Filters(municipality="Deventer"), limit=10)
    assert facts
    assert sum("Lasten" in f.row or "Lasten" in f.column for f in facts[:5]) >= 3
    assert all(f.municipality == "Deventer" for f in facts)


def _doc(doc_id: str, text: str, municipality: str = "Zwolle", year: int = 2024) -> Document:
    meta = DocumentMeta(title=doc_id, municipality=municipality, year=year, doc_type="programmabegroting")
    return Document(doc_id, doc_id + ".txt", text, meta, doc_id)


def test_best_supported_cell_answers_and_lists_the_other_fitting_cells_under_it():
    # "Wonen" names the row exactly; the "Wonen en bouwen" row also fits, less well.
    store = _store([_doc("zwolle-begroting-2024", (
        "Lasten (bedragen x € 1.000)\nProgramma | Begroting 2024 |\nWonen | 1.250 |\nWonen en bouwen | 80 |\n"
    ))])
    result = store.lookup("Wat zijn de lasten van Wonen?")
    assert result.found and not result.ambiguous, result.text
    assert [f.raw for f in result.facts] == ["1.250", "80"]
    assert result.text.index("€ 1.250.000") < result.text.index("Andere bedragen die ook passen")
    assert format_figure(result.facts[1]) in result.text


def test_two_equally_fitting_cells_with_different_values_ask_which_is_meant():
    # Two documents of two years print the same row; a question naming neither year ties.
    store = _store([
        _doc("zwolle-begroting-2024", "Lasten (bedragen x € 1.000)\nProgramma | Begroting |\nWonen | 1.250 |\n", year=2024),
        _doc("zwolle-begroting-2025", "Lasten (bedragen x € 1.000)\nProgramma | Begroting |\nWonen | 1.400 |\n", year=2025),
    ])
    result = store.lookup("Wat is de begroting van Wonen?")
    assert result.found and result.ambiguous, result.text
    assert {f.raw for f in result.facts} == {"1.250", "1.400"}
    assert "Welke bedoelt u?" in result.text


def test_one_line_printed_in_two_tables_of_a_document_is_answered_not_asked_back():
    # A programme's own table and the summary table print the same line (here with a
    # correction in one): the same thing twice, so the first answers and the other is listed.
    store = _store([_doc("zwolle-begroting-2024", (
        "Lasten (bedragen x € 1.000)\nProgramma | Begroting 2024 |\nWonen | 1.250 |\n\n"
        "Overzicht lasten (bedragen x € 1.000)\nProgramma | Begroting 2024 |\nWonen | 1.260 |\n"
    ))])
    result = store.lookup("Wat is de begroting van Wonen in 2024?")
    assert result.found and not result.ambiguous, result.text
    assert {f.raw for f in result.facts} == {"1.250", "1.260"}
    assert "Andere bedragen die ook passen" in result.text


def test_a_programmes_baten_are_not_its_reserve_mutations():
    text = (
        "Meerjarenperspectief per programma (bedragen x € 1.000)\n"
        "Programma | Begroting 2025 baten | Begroting 2025 lasten |\n"
        "---|---|---|\n"
        "P1 Cultuur en Sport | 2.400 | -9.100 |\n"
        "Mutaties reserves › P1 Cultuur en Sport | 310 | -120 |\n"
    )
    meta = DocumentMeta("Programmabegroting 2025", "Lindeveen", 2025, "programmabegroting")
    store = _store([Document("pb", "pb.md", text, meta, "fp")])
    # Even when the reserve row's vector is the closer one (both name the programme):
    closer = {id(f): 0.90 if f.row.startswith("Mutaties") else 0.86 for f in store.facts}
    plain = store.lookup("Wat zijn de baten van Cultuur en Sport in 2025?", meaning=closer)
    assert plain.found and plain.facts[0].raw == "2.400", plain.text
    reserves = store.lookup("Hoeveel wordt in 2025 aan de reserves onttrokken voor Cultuur en Sport?")
    assert reserves.found and reserves.facts[0].raw == "310", reserves.text


def test_a_ratio_is_never_answered_with_an_amount_of_money():
    # The formula of the paragraaf weerstandsvermogen names the ratio beside two amounts in
    # euros; the ratio itself stands in the table under it, without a unit.
    store = _store([_doc("ede-begroting-2024", (
        "De ratio weerstandsvermogen is de beschikbare weerstandscapaciteit van € 12.500.000 "
        "gedeeld door de benodigde weerstandscapaciteit van € 5.000.000.\n\n"
        "Ratio weerstandsvermogen\n"
        "Kengetal | 2024 |\n"
        "Uitkomst | 2,5 |\n"
    ))])
    result = store.lookup("Hoe hoog is de ratio weerstandsvermogen?")
    assert result.found and result.facts[0].raw == "2,5", result.text
    # An amount question about the same lines still gets the amount.
    amount = store.lookup("Hoeveel bedraagt de beschikbare weerstandscapaciteit?")
    assert amount.found and amount.facts[0].raw == "€ 12.500.000", amount.text


def test_baten_and_lasten_named_together_ask_for_no_one_side():
    # "incidentele baten en lasten" names the whole overview (BBV art. 19), not one flow: a
    # sentence that names neither answers it.
    store = _store([_doc("ede-begroting-2024", (
        "De financiële verordening bepaalt dat incidentele posten vanaf € 25.000 worden toegelicht.\n"
    ))])
    result = store.lookup("Vanaf welk bedrag worden incidentele baten en lasten toegelicht volgens de financiële verordening?")
    assert result.found and result.facts[0].raw == "€ 25.000", result.text
    # One side named: a sentence naming no flow does not answer it.
    assert not store.lookup("Wat zijn de incidentele baten volgens de financiële verordening?").found


def test_a_ratio_printed_in_a_sentence_answers_the_ratio_question():
    store = _store([_doc("ede-begroting-2024", (
        "Beschikbare weerstandscapaciteit | € 12.500.000 |\n"
        "Benodigde weerstandscapaciteit | € 5.000.000 |\n\n"
        "De berekende ratio van 2,5 valt in categorie B en staat voor een ruim voldoende weerstandsvermogen.\n"
    ))])
    result = store.lookup("Hoe hoog is de ratio weerstandsvermogen?")
    assert result.found and result.facts[0].raw == "2,5", result.text


def test_a_flow_word_ending_a_hyphenated_name_is_no_side_of_it():
    # The EMU-saldo is the balance by the EU's definition: a sentence about its reference
    # value answers without naming a saldo of its own.
    store = _store([_doc("ede-begroting-2024", (
        "In 2024 bedraagt de referentiewaarde voor Ede bij benadering € 4,2 miljoen.\n"
    ))])
    result = store.lookup("Hoe hoog is de referentiewaarde van het EMU-saldo in 2024?")
    assert result.found and result.facts[0].raw == "€ 4,2 miljoen", result.text
    # A side named on its own still needs a sentence that names it.
    assert not store.lookup("Wat is het saldo van de referentiewaarde in 2024?").found


def test_a_fact_about_every_year_asked_beats_the_cells_of_one_year():
    store = _store([_doc("ede-begroting-2025", (
        "Incidentele lasten (bedragen x € 1.000)\n"
        "Omschrijving | 2025 | 2026 |\n"
        "Invoering bibliotheekpas | 300 | 120 |\n\n"
        "De invoering van de bibliotheekpas kost in 2025 en 2026 naar verwachting € 420.000.\n"
    ), year=2025)])
    result = store.lookup("Hoeveel kost de invoering van de bibliotheekpas in 2025 en 2026?")
    assert result.found and not result.ambiguous, result.text
    assert result.facts[0].raw == "€ 420.000"
    # One year asked: its cell.
    assert store.lookup("Hoeveel kost de invoering van de bibliotheekpas in 2026?").facts[0].raw == "120"


def test_an_amount_with_its_own_year_is_not_about_the_other_years_of_its_sentence():
    # "€ 250.000 in 2025 en € 50.000 in 2026": each amount is about its own year; the amount
    # "voor 2025 en 2026" is about both.
    store = _store([_doc("ede-begroting-2025", (
        "Verbouwing bibliotheek (hogere lasten € 250.000 in 2025 en € 50.000 in 2026).\n\n"
        "Voor de verbouwing van de bibliotheek is naar verwachting € 300.000 nodig voor 2025 en 2026.\n"
    ), year=2025)])
    result = store.lookup("Hoeveel is er nodig voor de verbouwing van de bibliotheek in 2025 en 2026?")
    assert result.found and result.facts[0].raw == "€ 300.000", result.text
    assert store.lookup("Hoeveel kost de verbouwing van de bibliotheek in 2026?").facts[0].raw == "€ 50.000"


def test_a_risk_weighted_by_its_probability_is_the_bedrag_x_kans_column():
    store = _store([_doc("ede-begroting-2025", (
        "De belangrijkste risico's (bedragen x € 1.000)\n"
        "Risico | Bedrag impact | Kans | Bedrag x kans |\n"
        "Hogere energieprijzen | 400 | 50% | 200 |\n"
        "Uitval van de afvalinzameling | 900 | 10% | 90 |\n"
    ), year=2025)])
    from assistant.understanding.plan import read_norms
    from assistant.understanding.search_text import described_norms

    question = "Welk bedrag, vermenigvuldigd met de waarschijnlijkheid dat het zich voordoet, staat er voor hogere energieprijzen?"
    result = store.lookup(read_norms(question, described_norms(question)))
    assert result.found and result.facts[0].raw == "200", result.text


def test_a_part_asked_for_is_the_amount_after_waarvan():
    store = _store([_doc("ede-begroting-2025", (
        "De herinrichting van het Stationsplein kost ca. € 2.400.000, waarvan € 600.000 van de gemeente Ede.\n"
    ), municipality="Ede", year=2025)])
    part = store.lookup("Welk deel van de herinrichting van het Stationsplein komt voor rekening van Ede?")
    assert part.found and part.facts[0].raw == "€ 600.000", part.text
    whole = store.lookup("Wat kost de herinrichting van het Stationsplein?")
    assert whole.found and not whole.ambiguous and whole.facts[0].raw == "€ 2.400.000", whole.text


def test_money_named_is_never_answered_with_a_percentage():
    # A risk table prints the impact, the chance and their product side by side (paragraaf
    # weerstandsvermogen); "welk bedrag" asks for an amount, never for the chance.
    store = _store([_doc("ede-begroting-2024", (
        "Tabel 8.1 Risico's (x € 1.000)\n"
        "Risico | Bedrag impact | Kans | Bedrag x kans |\n"
        "Open einde regeling Wmo | 800 | 60% | 480 |\n"
    ))])
    result = store.lookup("Met welk bedrag, gewogen naar de kans, houdt Ede rekening voor de open einde regeling Wmo?")
    assert result.found and all(f.unit != "%" for f in result.facts), result.text
    assert result.facts[0].raw == "480", result.text
    chance = store.lookup("Hoe groot is de kans dat het risico van de open einde regeling Wmo zich voordoet, in procenten?")
    assert chance.found and chance.facts[0].raw == "60%", chance.text


def test_all_rows_together_ask_for_the_total_row():
    store = _store([_doc("ede-begroting-2024", (
        "Overzicht van baten en lasten (x € 1.000)\n"
        "Programma | Lasten 2025 |\n"
        "P1 Veiligheid | 4.100 |\n"
        "P2 Sociaal domein | 38.200 |\n"
        "P3 Ruimte | 12.900 |\n"
        "Totaal programma's | 55.200 |\n"
    ))])
    for question in (
        "Hoeveel bedragen de lasten van alle drie programma's samen in 2025?",
        "Wat zijn de lasten van de programma's opgeteld in 2025?",
    ):
        result = store.lookup(question)
        assert result.found and result.facts[0].raw == "55.200", (question, result.text)


def _indicator_store(rows: list[tuple[str, str, str]]) -> FactStore:
    """A fact store of one beleidsindicatoren table as a PDF reads it: rows are (label, the
    row's unit as its Eenheid column prints it, the cell with its year note)."""
    text, table = indicator_table("ede-begroting-2024", rows, "Cijfer Ede (jaartal)")
    doc = _doc("ede-begroting-2024", text)
    return FactStore(extract_facts(doc, [table]), [table], {doc.id: doc.meta})


def test_a_row_s_unit_describes_what_its_figure_counts():
    store = _indicator_store([
        ("Formatie", "Fte per 1.000 inwoners", "7,9 (2022)"),
        ("Apparaatskosten", "Kosten per inwoner", "712 (2022)"),
    ])
    result = store.lookup("Hoeveel fte per 1.000 inwoners telde de formatie van de gemeente in 2022?")
    assert result.found and result.facts[0].raw == "7,9", result.text


def test_a_negated_question_names_the_negated_noun_of_a_row():
    store = _indicator_store([
        ("Niet-sporters", "%", "47,0% (2022)"),
        ("Inwoners met overgewicht", "%", "39,5% (2022)"),
    ])
    result = store.lookup("Welk percentage sportte in 2022 niet?")
    assert result.found and result.facts[0].raw == "47,0%", result.text
    # The base of the percentage is not what the row must name: the table leaves it out.
    result = store.lookup("Hoeveel procent van de inwoners sportte in 2022 niet?")
    assert result.found and result.facts[0].raw == "47,0%", result.text
    # Without the negation the question is not about the non-sporters.
    assert not store.lookup("Welk percentage sportte in 2022?").found


def test_the_column_of_the_organization_asked_about_answers():
    # Indicator tables print the municipality's figure beside the national one.
    store = _store([_doc("ede-begroting-2024", (
        "Beleidsindicatoren\n"
        "Indicator | Ede | Nederland |\n"
        "Jongeren met jeugdhulp | 9,8% | 9,9% |\n"
    ), municipality="Ede")])
    result = store.lookup("Welk percentage jongeren in Ede heeft jeugdhulp?", Filters(municipality="Ede"))
    assert result.found and not result.ambiguous and result.facts[0].raw == "9,8%", result.text


def test_one_amount_printed_rounded_and_exact_is_answered_with_the_exact_print():
    # The overview prints the total in thousands, the per-taakveld table to the euro.
    store = _store([_doc("ede-begroting-2024", (
        "Overzicht baten en lasten (x € 1.000)\n"
        "Omschrijving | Baten |\n"
        "Totaal resultaat | 88.353 |\n\n"
        "Baten en lasten per taakveld\n"
        "Omschrijving | Baten |\n"
        "Totaal resultaat | 88.352.660 |\n"
    ))])
    result = store.lookup("Wat zijn de baten van het totaal resultaat?")
    assert result.found and not result.ambiguous, result.text
    assert [f.raw for f in result.facts[:2]] == ["88.352.660", "88.353"], result.text


def test_a_share_asked_of_the_costs_is_the_percentage_not_the_costs():
    # The paragraaf lokale heffingen prints costs, revenues and the cost coverage per levy.
    store = _store([_doc("ede-begroting-2024", (
        "Kostendekkendheid leges\n"
        "Leges | Kosten | Baten | Dekking |\n"
        "Rijbewijzen | 120.000 | 96.000 | 80% |\n"
        "Evenementen | 40.000 | 10.000 | 25% |\n"
    ))])
    result = store.lookup("Welk deel van de kosten van rijbewijzen verdient de gemeente terug met de leges?")
    assert result.found and result.facts[0].raw == "80%", result.text
    costs = store.lookup("Wat zijn de kosten van rijbewijzen?")
    assert costs.found and costs.facts[0].raw == "120.000", costs.text


def test_a_percentage_is_never_a_figure_in_the_thousands_of_an_unstated_unit():
    # The cost-coverage table of a levy prints whole euros without a unit, and the coverage.
    store = _store([_doc("ede-begroting-2024", (
        "Berekening kostendekkendheid rioolheffing\n"
        "Omschrijving | Bedrag |\n"
        "Totale kosten | 2.875.000 |\n"
        "Totale opbrengsten | 2.847.000 |\n"
        "Kostendekkendheid | 99,0% |\n"
    ))])
    result = store.lookup("Voor hoeveel procent dekt de opbrengst van de rioolheffing de kosten van de riolering?")
    assert result.found and result.facts[0].raw == "99,0%", result.text
    assert all(abs(f.value) < 1000 for f in result.facts), result.text


def test_the_flow_in_the_base_of_a_share_asks_no_side():
    # "wat de begraafplaats kost" is what the share is of; the sentence's percentage answers.
    store = _store([_doc("ede-begroting-2024", (
        "Begraafplaatsrechten\n"
        "De tarieven voor begraven dekken in 2024 naar verwachting 31,5% van wat de begraafplaats vraagt.\n"
    ))])
    result = store.lookup("Welk deel van wat de begraafplaats de gemeente kost, wordt terugverdiend met de tarieven voor begraven?")
    assert result.found and result.facts[0].raw == "31,5%", result.text


def test_a_row_s_description_finds_its_figure():
    # A kapitaalgoederen table names the category in its label and the work in its
    # description column: the question names the work.
    from corpus.models import Table, TableRow

    lines = [("Wegen", "1.707", "Herstel van asfalt en bestrating"), ("Verkeersregelinstallaties", "950", "Doseerlichten tegen sluipverkeer")]
    text, rows = "", []
    for label, cell, note in lines:
        start = len(text)
        text += f"{label} | {cell} | {note}\n"
        cs = start + len(label) + 3
        rows.append(TableRow((label,), (cell,), start, len(text) - 1, ((cs, cs + len(cell)),)))
    table = Table(id="t", doc_id="ede-begroting-2024", caption="Investeringen 2024 (x € 1.000)", section=(),
                  columns=("2024",), rows=tuple(rows), start=0, end=len(text), header_span=(0, 0),
                  unit_text="x € 1.000", multiplier=1000)
    doc = _doc("ede-begroting-2024", text)
    store = FactStore(extract_facts(doc, [table]), [table], {doc.id: doc.meta})
    assert ("note", "Doseerlichten tegen sluipverkeer") in store.facts[1].extra
    result = store.lookup("Hoeveel wordt in 2024 geïnvesteerd in doseerlichten tegen sluipverkeer?")
    assert result.found and result.facts[0].raw == "950", result.text


def test_a_question_word_the_facts_never_use_is_read_as_their_compound():
    from assistant.figures.store import split_compound

    vocabulary = {"jeugdzorg", "budget", "investering", "bedrag", "sportpark"}
    assert split_compound("jeugdzorgbudget", vocabulary) == ("jeugdzorg", "budget")
    assert split_compound("investeringsbedrag", vocabulary) == ("investering", "bedrag")  # linking s
    assert split_compound("sportpark", vocabulary) == ("sportpark",)  # a word they use
    assert split_compound("overschrijding", vocabulary) == ("overschrijding",)  # no known parts


def test_an_amount_in_a_partijs_row_scores_lower_unless_the_question_names_the_partij():
    doc = Document("x", "x.txt", (
        "Verbonden partijen\n\n"
        "Werkvoorziening Kust en Duin (WKD) | Financieel belang in €: € 962.000 | "
        "De ratio weerstandsvermogen van de WKD bedraagt 1,89 dit is ruim voldoende.\n"
    ), DocumentMeta("Begroting Lindeveen 2025", "Lindeveen", 2025), "fp")
    fact = next(f for f in extract_facts(doc, find_tables(doc.id, doc.text)) if f.raw == "1,89")
    assert dict(fact.extra)["row_name"] == "Werkvoorziening Kust en Duin (WKD)"
    outside = replace(fact, extra=tuple(kv for kv in fact.extra if kv[0] != "row_name"))
    own = QueryTerms.parse("Hoe hoog is de ratio weerstandsvermogen?")
    assert score_fact(own, fact)[0] < score_fact(own, outside)[0]
    named = QueryTerms.parse("Hoe hoog is de ratio weerstandsvermogen van de WKD?")
    assert score_fact(named, fact)[0] == score_fact(named, outside)[0]


def test_a_question_about_a_public_body_is_answered_only_by_figures_that_name_it():
    from assistant.figures.candidates import names_bodies
    from assistant.figures.terms import named_bodies

    doc = Document("x", "x.txt", (
        "Geprognosticeerde balans (bedragen x € 1.000)\n"
        "Omschrijving | 2024 | 2025 |\n"
        "Eigen vermogen | 5.003 | 4.781 |\n"
        "Vaste schulden | 12.000 | 11.500 |\n\n"
        "Verbonden partijen\n\n"
        "Veiligheidsregio Lindeveen | Eigen vermogen in €: 01-01-2024: € 1.787.000 31-12-2024: € 1.667.000 | "
        "De regio voert taken uit op het gebied van brandweerzorg.\n"
    ), DocumentMeta("Begroting Lindeveen 2025", "Lindeveen", 2025), "fp")
    facts = {f.raw: f for f in extract_facts(doc, find_tables(doc.id, doc.text))}
    question = "Wat is het eigen vermogen van de Veiligheidsregio Hollandse Kust (VRHK) eind 2024?"
    assert {"veiligheidsregio", "hollandse", "kust", "vrhk"} <= named_bodies(question)
    q = replace(QueryTerms.parse(question), bodies=named_bodies(question))
    assert names_bodies(q, facts["€ 1.667.000"])  # its kind is printed (a municipality takes part in one veiligheidsregio)
    assert not names_bodies(q, facts["4.781"])  # the municipality's own balance
    assert names_bodies(QueryTerms.parse("Wat is het eigen vermogen eind 2025?"), facts["4.781"])
