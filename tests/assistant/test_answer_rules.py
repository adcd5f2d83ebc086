"""The answering rules of Assistant.ask on small made-up documents (fake embedder): when it
answers with a figure, when it abstains, comparisons, and years as cues."""

from __future__ import annotations

import re

import pytest

ZWOLLE = (
    "Programmabegroting 2024 gemeente Zwolle\n"
    "Programma Wonen\n"
    "Wonen (bedragen x € 1.000)\n"
    "Omschrijving | 2024 | 2025 |\n"
    "Lasten | 1.250 | 1.300 |\n"
    "Baten | 400 | 420 |\n"
    "Schuldhulpverlening\n"
    "Zwolle helpt inwoners met schulden via een vast aanspreekpunt in elke wijk.\n"
    "In 2022 zijn 310 huishoudens geholpen bij het maken van een schuldregeling.\n"
    "Mantelzorg\n"
    "Mantelzorgers krijgen een jaarlijkse waardering en kunnen terecht bij het steunpunt.\n"
    "Riolering\n"
    "Zwolle vervangt de riolering in de binnenstad en koppelt het regenwater af.\n"
)
KAMPEN = (
    "Programmabegroting 2024 gemeente Kampen\n"
    "Schuldhulpverlening\n"
    "Kampen biedt budgetcoaching aan inwoners met schulden en werkt samen met de kredietbank.\n"
    "Sport\n"
    "De gemeente Kampen renoveert het sportpark aan de IJssel voor de lokale verenigingen.\n"
    "Riolering\n"
    "Kampen legt in de wijk Brunnepe een gescheiden rioolstelsel aan.\n"
)
DOCS = {"zwolle-begroting-2024.txt": ZWOLLE, "kampen-begroting-2024.txt": KAMPEN}


def test_amount_question_is_answered_with_the_cell(small_assistant):
    assistant = small_assistant(DOCS)
    answer = assistant.ask("Wat zijn de lasten van programma Wonen in 2025 in Zwolle?")
    assert not answer.abstained, answer.text
    fact = answer.facts[0]
    assert (fact.raw, fact.value, fact.column) == ("1.300", 1_300_000, "2025")
    assert answer.citations and fact.raw in answer.citations[0].passage.chunk.text


def test_amount_question_without_a_matching_figure_abstains(small_assistant):
    assistant = small_assistant(DOCS)
    # Debt help is in the documents, but no amount for it: the table is about housing.
    answer = assistant.ask("Hoeveel is er in 2025 begroot voor schuldhulpverlening in Zwolle?")
    assert answer.abstained, answer.text
    assert answer.facts == () and answer.citations == ()
    assert not re.search(r"\d", answer.text)  # no figure from somewhere else


def test_quantity_question_is_answered_by_a_sentence_with_a_number(small_assistant):
    assistant = small_assistant(DOCS)
    answer = assistant.ask("Hoeveel huishoudens zijn in Zwolle geholpen met een schuldregeling?")
    assert not answer.abstained, answer.text
    assert "310 huishoudens" in answer.text


def test_quantity_question_without_a_number_in_the_documents_abstains(small_assistant):
    assistant = small_assistant(DOCS)
    # The documents talk about the sports park's clubs but never count them.
    answer = assistant.ask("Hoeveel verenigingen gebruiken het sportpark in Kampen?")
    assert answer.abstained, answer.text


def test_a_question_whose_subject_the_documents_never_name_is_declined(small_assistant):
    assistant = small_assistant(DOCS)
    # "lokale" and "wijk" occur, "bibliotheek" and "openingstijden" nowhere.
    answer = assistant.ask("Wat zijn de openingstijden van de lokale bibliotheek in de wijk?")
    assert answer.abstained and not answer.citations, answer.text
    # Most of the subject known, one word not: answered.
    answer = assistant.ask("Hoe worden lokale verenigingen in het vernieuwde sportpark geholpen?")
    assert not answer.abstained, answer.text
    # English words the glossary cannot translate say nothing about what the documents hold.
    answer = assistant.ask("Why is the sportpark along the IJssel being refurbished for the local clubs?")
    assert not answer.abstained, answer.text


def test_a_table_s_caption_and_column_headers_are_no_answer(small_assistant):
    doc = (
        "Programmabegroting 2024 gemeente Zwolle\n"
        "Groen (bedragen x € 1.000)\n"
        "Omschrijving | Rekening 2022 | Begroting 2024 |\n"
        "Bomenonderhoud | 410 | 450 |\n"
    )
    assistant = small_assistant({"zwolle-begroting-2024.txt": doc})
    # The caption and the header line name these words, but state nothing about why.
    answer = assistant.ask("Waarom wijkt de rekening af van de begroting bij het groen?")
    assert "Rekening 2022 | Begroting 2024" not in answer.text and "bedragen x" not in answer.text, answer.text


def test_a_year_in_the_question_does_not_hide_a_document_of_another_year(small_assistant):
    assistant = small_assistant(DOCS)
    answer = assistant.ask("Hoeveel huishoudens zijn in 2022 geholpen met een schuldregeling?")
    assert answer.filters.year is None
    assert not answer.abstained and "310" in answer.text


def test_an_explicit_year_filter_does_restrict(small_assistant):
    from assistant.models import Filters

    assistant = small_assistant(DOCS)
    answer = assistant.ask("Hoe helpt de gemeente inwoners met schulden?", filters=Filters(year=2021))
    assert answer.passages == () and answer.abstained


def test_comparison_gives_one_cited_line_per_municipality_with_evidence(small_assistant):
    assistant = small_assistant(DOCS)
    answer = assistant.ask("Welke plannen hebben de gemeenten voor de riolering?")
    assert not answer.abstained, answer.text
    lines = answer.text.splitlines()[1:]
    assert [line.split(":")[0] for line in lines] == ["Kampen", "Zwolle"]
    for n, (line, citation) in enumerate(zip(lines, answer.citations), start=1):
        assert line.endswith(f"[{n}]")
        assert citation.passage.meta.municipality == line.split(":")[0]
    assert {p.meta.municipality for p in answer.passages[:2]} == {"Kampen", "Zwolle"}


def test_comparison_leaves_out_a_municipality_without_evidence(small_assistant):
    assistant = small_assistant(DOCS)
    # Only Kampen writes about its sports park.
    answer = assistant.ask("Welke gemeenten knappen hun sportpark op?")
    towns = [line.split(":")[0] for line in answer.text.splitlines()[1:]]
    assert towns == ["Kampen"]


def test_a_partner_without_documents_is_answered_from_documents_that_name_it(small_assistant):
    shared = (
        "Programmabegroting 2024 gemeente Wassenaar\n"
        "Samenwerking\n"
        "Wassenaar en Voorschoten ontvlechten in 2024 hun gezamenlijke sociale dienst; "
        "Wassenaar neemt de uitvoering van de bijstand zelf ter hand.\n"
    )
    assistant = small_assistant({"wassenaar-begroting-2024.txt": shared, **DOCS})
    about = assistant.ask("Wat gebeurt er met de gezamenlijke sociale dienst met Voorschoten?")
    assert not about.abstained, about.text
    assert "geen documenten van Voorschoten" in about.notice
    assert "ontvlechten" in about.citations[0].passage.chunk.text
    # Asked about in its own right, it is not answered from another organization's documents.
    own = assistant.ask("Hoe groot is de algemene reserve van Voorschoten?")
    assert own.abstained and "Over Voorschoten zijn geen documenten geladen" in own.text
    # A place no document names is still declined, naming the loaded organizations.
    none = assistant.ask("Wat gebeurt er met de sociale dienst van Leiden?")
    assert none.abstained and "Over Leiden zijn geen documenten geladen" in none.text
    assert "Wassenaar" in none.text and "Zwolle" in none.text


def test_a_value_question_is_answered_from_the_cell_that_holds_it(small_assistant):
    indicators = (
        "Programmabegroting 2025 gemeente Kampen\n"
        "Cultuur\n"
        "Effectindicatoren cultuur\n"
        "Indicator | Peilwaarde 2023 | Streefwaarde 2025 |\n"
        "---|---|---|\n"
        "Bezoekers bibliotheek | 38.500 | 42.000 |\n"
        "Leden muziekschool | 610 | 650 |\n"
    )
    assistant = small_assistant({"kampen-begroting-2025.txt": indicators})
    answer = assistant.ask("Wat is de streefwaarde voor het aantal bezoekers van de bibliotheek in 2025?")
    assert not answer.abstained, answer.text
    assert answer.facts and answer.facts[0].raw == "42.000"
    assert answer.citations  # the row is cited


def test_a_partner_is_told_from_the_organization_asked_about():
    from assistant.understanding import named_as_partner

    assert named_as_partner("Wat kost de ontvlechting met Voorschoten?", "Voorschoten")
    assert named_as_partner("Wat spreken Wassenaar en Voorschoten af?", "Voorschoten")
    assert not named_as_partner("Wat is de reserve van Voorschoten?", "Voorschoten")
    assert not named_as_partner("What is Voorschoten's general reserve?", "Voorschoten")
    assert not named_as_partner("Hoeveel inwoners heeft Voorschoten?", "Voorschoten")


# A summary table per programme with baten/lasten columns, as the BBV's overview of baten en
# lasten prints it: reserve mutations are booked as baten (onttrekking) or lasten (toevoeging).
LEIDEN = (
    "Programmabegroting 2025 gemeente Leiden\n"
    "Overzicht baten en lasten (bedragen x € 1.000)\n"
    "Omschrijving | 2025 baten | 2025 lasten |\n"
    "Programma Cultuur | 300 | -2.100 |\n"
    "Toevoeging aan reserves | 0 | -640 |\n"
    "Onttrekking aan reserves | 910 | 0 |\n"
)


def test_a_reserve_mutation_is_read_from_the_side_it_is_booked_on(small_assistant):
    assistant = small_assistant({"leiden-begroting-2025.txt": LEIDEN})
    added = assistant.ask("Hoeveel is er in 2025 aan de reserves toegevoegd in Leiden?")
    assert not added.abstained and not added.ambiguous, added.text
    assert added.facts[0].raw == "-640"
    taken = assistant.ask("Hoeveel wordt er in 2025 aan de reserves onttrokken in Leiden?")
    assert not taken.abstained and not taken.ambiguous, taken.text
    assert taken.facts[0].raw == "910"


def test_what_is_taken_out_of_a_reserve_is_an_onttrekking(small_assistant):
    assistant = small_assistant({"leiden-begroting-2025.txt": LEIDEN})
    taken = assistant.ask("Welk bedrag putten we in 2025 in Leiden uit de reserves?")
    assert not taken.abstained and not taken.ambiguous, taken.text
    assert taken.facts[0].raw == "910"


STAAT_VAN_VOORZIENINGEN = (
    "Programmabegroting 2024 gemeente Oss\n"
    "Staat van voorzieningen\n"
    "Voorziening | Saldo 1-1-2024 | Vermeerderingen 2024 | Verminderingen 2024 | Saldo 31-12-2024 |\n"
    "Voorziening onderhoud gebouwen | 2.126 | 1.232 | -1.502 | 1.856 |\n"
    "Voorziening wegen | 800 | 71 | -200 | 671 |\n"
)


def test_the_mutations_of_a_staat_van_voorzieningen_are_stortingen_and_onttrekkingen(small_assistant):
    assistant = small_assistant({"oss-begroting-2024.txt": STAAT_VAN_VOORZIENINGEN})
    added = assistant.ask("Hoeveel storten we in 2024 in de voorziening onderhoud gebouwen?")
    assert not added.ambiguous and added.facts and added.facts[0].raw == "1.232", added.text
    taken = assistant.ask("Welk bedrag halen we in 2024 uit de voorziening onderhoud gebouwen?")
    assert not taken.ambiguous and taken.facts and taken.facts[0].raw == "-1.502", taken.text


def test_a_price_asked_with_the_verb_of_costing_is_answered_by_the_tarief_a_sentence_states(small_assistant):
    doc = (
        "Programmabegroting 2024 gemeente Oss\n"
        "Afval\n"
        "Wie oud papier apart houdt, kan een rolcontainer voor oud papier krijgen; daarvoor geldt een tarief van € 35,-.\n"
        "De afvalstoffenheffing stijgt in 2024 met 4%.\n"
    )
    answer = small_assistant({"oss-begroting-2024.txt": doc}).ask("Wat kost een rolcontainer voor oud papier?")
    assert not answer.abstained and answer.facts and answer.facts[0].raw == "€ 35,-", answer.text


def test_a_row_coded_with_an_iv3_taakveld_is_named_by_the_taakvelds_name(small_assistant):
    doc = (
        "Programmabegroting 2024 gemeente Oss\n"
        "Baten en lasten per taakveld\n"
        "Taakveld | Begroting 2024 baten | Begroting 2024 lasten |\n"
        "0.5 Treasury | 1.200.000 | -300.000 |\n"
        "5.7 Openb. groen & (openl.) recr. | 42.700.000 | -179 |\n"
        "0.8 Overige baten en lasten | 500.000 | -2.000.000 |\n"
    )
    assistant = small_assistant({"oss-begroting-2024.txt": doc})
    answer = assistant.ask("Hoe hoog zijn de baten uit openbaar groen en recreatie in 2024?")
    assert answer.facts and answer.facts[0].raw == "42.700.000", answer.text
    # What the municipality receives is its baten: no choice between the row's baten and lasten.
    answer = assistant.ask("Hoeveel ontvangt de gemeente in 2024 voor openbaar groen en recreatie?")
    assert not answer.ambiguous and answer.facts and answer.facts[0].raw == "42.700.000", answer.text


def test_a_position_is_not_answered_with_a_row_of_mutations(small_assistant):
    doc = (
        "Programmabegroting 2024 gemeente Oss\n"
        "Incidentele baten en lasten (bedragen x € 1.000)\n"
        "Omschrijving | Baten 2025 | Lasten 2025 |\n"
        "Mutaties reserves › Onttrekking reserve sociaal domein | 200 | 0 |\n"
        "Staat van reserves (bedragen x € 1.000)\n"
        "Reserve | Begroting 2024 | Vermeerderingen 2025 | Verminderingen 2025 | Begroting 2025 |\n"
        "Reserve sociaal domein | 1.645 | 0 | -200 | 1.445 |\n"
    )
    answer = small_assistant({"oss-begroting-2024.txt": doc}).ask("Welk bedrag heeft de reserve sociaal domein eind 2025?")
    assert answer.facts and answer.facts[0].raw == "1.445", answer.text


def test_the_difference_between_two_named_things_is_computed_from_their_cells(small_assistant):
    doc = (
        "Programmabegroting 2024 gemeente Oss\n"
        "Programma's (bedragen x € 1.000)\n"
        "Programma | Lasten 2024 | Baten 2024 |\n"
        "Sport | -4.980 | 610 |\n"
        "Cultuur | -3.100 | 450 |\n"
    )
    assistant = small_assistant({"oss-begroting-2024.txt": doc})
    answer = assistant.ask("Wat is het verschil tussen de lasten van sport en de lasten van cultuur?")
    assert answer.calculation is not None, answer.text
    assert {f.raw for f in answer.facts} == {"-4.980", "-3.100"} and answer.calculation.result == 1_880_000
    # Lasten printed negative beside baten: the amounts are compared.
    answer = assistant.ask("Wat is het verschil tussen de lasten en de baten van cultuur?")
    assert answer.calculation is not None, answer.text
    assert {f.raw for f in answer.facts} == {"-3.100", "450"} and answer.calculation.result == 2_650_000


def test_a_thing_counted_in_is_added_to_the_subject(small_assistant):
    doc = (
        "Programmabegroting 2024 gemeente Oss\n"
        "Investeringen 2024\n"
        "Investering | Krediet 2024 |\n"
        "Nieuw zwembad | 7.200.000 |\n"
        "Parkeerterrein nieuw zwembad | 800.000 |\n"
        "Sporthal Oost | 2.100.000 |\n"
    )
    answer = small_assistant({"oss-begroting-2024.txt": doc}).ask(
        "Welk krediet is er voor het nieuwe zwembad als je het parkeerterrein meerekent?"
    )
    assert answer.calculation is not None, answer.text
    assert {f.raw for f in answer.facts} == {"7.200.000", "800.000"} and answer.calculation.result == 8_000_000


def test_what_is_paid_once_is_read_from_the_overview_of_incidentele_lasten(small_assistant):
    doc = (
        "Programmabegroting 2024 gemeente Oss\n"
        "Structurele lasten bedrijfsvoering (bedragen x € 1.000)\n"
        "Omschrijving | Lasten 2024 |\n"
        "Nieuw zaaksysteem | 40 |\n"
        "Overzicht incidentele baten en lasten (bedragen x € 1.000)\n"
        "Omschrijving | Lasten 2024 |\n"
        "Nieuw zaaksysteem | 150 |\n"
    )
    answer = small_assistant({"oss-begroting-2024.txt": doc}).ask("Wat kost het nieuwe zaaksysteem eenmalig?")
    assert not answer.ambiguous and answer.facts and answer.facts[0].raw == "150", answer.text


def test_an_english_question_printing_an_abbreviation_is_not_held_to_its_long_form(small_assistant):
    doc = (
        "Programmabegroting 2024 gemeente Oss\n"
        "Baten en lasten per taakveld\n"
        "Taakveld | Begroting 2024 lasten |\n"
        "6.71a Hulp bij het huishouden (Wmo) | -1.891.000 |\n"
        "6.71b Begeleiding (Wmo) | -655.000 |\n"
        "6.71c Dagbesteding (Wmo) | -250.000 |\n"
        "6.3 Inkomensregelingen | -9.400.000 |\n"
    )
    answer = small_assistant({"oss-begroting-2024.txt": doc}).ask(
        "What is the 2024 budget of Oss for day care for adults (dagbesteding under the Wmo act)?"
    )
    assert answer.facts and answer.facts[0].raw == "-250.000", answer.text


def test_what_we_spend_on_a_taakveld_is_its_lasten(small_assistant):
    doc = (
        "Programmabegroting 2024 gemeente Oss\n"
        "Baten en lasten per taakveld\n"
        "Taakveld | Begroting 2024 baten | Begroting 2024 lasten | Begroting 2024 saldo |\n"
        "5.2 Sportaccommodaties | 0 | -1.371.931 | -1.371.931 |\n"
        "5.1 Sportbeleid | 783.671 | -2.103.847 | -1.320.176 |\n"
    )
    answer = small_assistant({"oss-begroting-2024.txt": doc}).ask("Hoeveel geeft de gemeente in 2024 uit aan sportaccommodaties?")
    assert not answer.ambiguous and answer.facts and answer.facts[0].column == "Begroting 2024 lasten", answer.text


def test_a_follow_up_counting_a_unit_ending_in_e_is_answered_with_that_unit(small_assistant):
    doc = (
        "Programmabegroting 2024 gemeente Oss\n"
        "Beheerareaal\n"
        "Bossen | Areaal: bos 64 ha, paden 12 km | basis | De bossen worden sober onderhouden.\n"
        "Taakvelden\n"
        "Taakveld | Begroting 2024 baten | Begroting 2024 lasten |\n"
        "5.7 Bossen en natuur | 199.847 | -4.954.444 |\n"
    )
    answer = small_assistant({"oss-begroting-2024.txt": doc}).ask(
        "En hoeveel hectare bos?", history=["Hoeveel kilometer wandelpad onderhoudt Oss?"]
    )
    assert not answer.ambiguous and answer.facts and answer.facts[0].raw == "64", answer.text


def test_a_levy_no_document_names_is_declined_by_its_name(small_assistant):
    doc = (
        "Programmabegroting 2024 gemeente Oss\n"
        "Lokale heffingen\n"
        "De rioolheffing stijgt in 2024 met 3%. Woningbouw: voor de inzet op woningbouw is € 40.000 beschikbaar.\n"
        "Heffing | Tarief 2024 |\n"
        "Rioolheffing woning | € 212,40 |\n"
        "Totaal secretarieleges | 72% |\n"
    )
    assistant = small_assistant({"oss-begroting-2024.txt": doc})
    answer = assistant.ask("Hoe hoog is de motorrijtuigenbelasting voor een bestelbus in 2024?")
    assert answer.abstained and "motorrijtuigenbelasting" in answer.text, answer.text
    # The kind names the levy: "rioolbelasting" is the rioolheffing the document prints.
    answer = assistant.ask("Wat is het tarief van de rioolbelasting voor een woning in 2024?")
    assert not answer.abstained and answer.facts and answer.facts[0].raw == "€ 212,40", answer.text
    assert not assistant.ask("Hoe kostendekkend zijn de secretarieleges?").abstained


def test_the_chance_of_a_risk_is_its_percentage_not_the_amount_weighed_by_it(small_assistant):
    doc = (
        "Programmabegroting 2024 gemeente Oss\n"
        "Weerstandsvermogen en risicobeheersing\n"
        "Tabel 8.1 Risico's (x € 1.000)\n"
        "Risico | Bedrag | Kans | Bedrag x kans |\n"
        "Gemeentefonds | 450 | 90% | 405 |\n"
        "Jeugdzorg | 1.000 | 50% | 500 |\n"
    )
    answer = small_assistant({"oss-begroting-2024.txt": doc}).ask(
        "Wat is de kans dat het risico op hogere jeugdzorgkosten werkelijkheid wordt?"
    )
    assert not answer.ambiguous and answer.facts and answer.facts[0].raw == "50%", answer.text


def test_a_jaarrekening_named_in_a_question_is_a_column_when_none_is_loaded(small_assistant):
    # Only a programmabegroting is loaded; its table has the realisation of an earlier year.
    doc = (
        "Programmabegroting 2024 gemeente Tiel\n"
        "Programma Sport (bedragen x € 1.000)\n"
        "Omschrijving | Rekening 2022 | Begroting 2024 |\n"
        "Lasten | 4.410 | 4.980 |\n"
    )
    answer = small_assistant({"tiel-begroting-2024.txt": doc}).ask("Wat waren de lasten van Sport in de jaarrekening 2022 in Tiel?")
    assert not answer.abstained, answer.text
    assert answer.facts[0].raw == "4.410"


def test_a_passage_answer_is_not_a_sentence_without_a_question_term(small_assistant):
    doc = (
        "Programmabegroting 2024 gemeente Buren\n"
        "Een eerste inschatting laat zien dat de kosten stijgen.\n"
        "Buren bouwt in 2024 een nieuwe brede school in Maurik.\n"
    )
    answer = small_assistant({"buren-begroting-2024.txt": doc}).ask("Hoe laat is het?")
    assert answer.abstained, answer.text


BUDGET_ONLY = (
    "Programmabegroting 2024 gemeente Oss\n"
    "Programma Wonen (bedragen x € 1.000)\n"
    "Omschrijving | Rekening 2022 | Begroting 2024 | Begroting 2025 |\n"
    "Lasten | 2.210 | 2.480 | 2.530 |\n"
    "Staat van reserves (bedragen x € 1.000)\n"
    "Reserve | Saldo 1-1-2024 | Vermeerderingen 2024 | Verminderingen 2024 | Saldo 31-12-2024 |\n"
    "Reserve woningbouw | 1.200 | 0 | -300 | 900 |\n"
)


def test_a_realisation_is_not_answered_with_a_budget_cell(small_assistant):
    assistant = small_assistant({"oss-begroting-2024.txt": BUDGET_ONLY})
    # The realisation of 2022 is there; of 2025 only the budget.
    realised = assistant.ask("Wat waren de gerealiseerde lasten van Wonen in 2022 in Oss?")
    assert realised.facts and realised.facts[0].raw == "2.210", realised.text
    answer = assistant.ask("Wat waren de lasten van Wonen volgens de jaarrekening 2025 in Oss?")
    assert answer.abstained, answer.text
    assert "gerealiseerd" in answer.text and not answer.facts


def test_a_position_is_not_answered_with_a_mutation_column(small_assistant):
    assistant = small_assistant({"oss-begroting-2024.txt": BUDGET_ONLY})
    answer = assistant.ask("Wat is de stand van de reserve woningbouw eind 2024 in Oss?")
    assert not answer.abstained and not answer.ambiguous, answer.text
    assert answer.facts[0].raw == "900"


def test_a_number_for_a_year_is_not_answered_from_a_sentence_about_other_years(small_assistant):
    doc = (
        "Kadernota 2025 gemeente Borne\n"
        "Afval\n"
        "Borne wil het restafval terugbrengen naar 100 kilo per inwoner in 2027.\n"
        "In 2023 was dat nog 160 kilo per inwoner.\n"
    )
    assistant = small_assistant({"borne-kadernota-2025.txt": doc})
    known = assistant.ask("Hoeveel kilo restafval per inwoner wil Borne in 2027?")
    assert not known.abstained and "100 kilo" in known.text, known.text
    unknown = assistant.ask("Hoeveel kilo restafval per inwoner wil Borne in 2030?")
    assert unknown.abstained, unknown.text


def test_a_cell_is_about_the_year_printed_beside_it(small_assistant):
    # Indicator tables print each figure with the year it was measured in; a 2024 budget
    # reports 2021 and 2022 figures.
    doc = (
        "Programmabegroting 2024 gemeente Zwolle\n"
        "Beleidsindicatoren\n"
        "Indicator | Eenheid | Zwolle (jaartal) | Nederland (jaartal) |\n"
        "Jongeren met jeugdhulp | % | 9,8% (2021) | 9,9% (2021) |\n"
        "Niet-sporters | % | 48,1% (2022) | 46,4% (2022) |\n"
    )
    assistant = small_assistant({"zwolle-begroting-2024.txt": doc})
    answer = assistant.ask("Hoeveel procent niet-sporters telde Zwolle in 2022?")
    assert not answer.abstained, answer.text
    assert answer.facts[0].raw == "48,1%"
    answer = assistant.ask("Hoeveel procent van de jongeren had in 2023 jeugdhulp in Zwolle?")
    assert not answer.facts or answer.facts[0].raw != "9,8%", answer.text  # measured in 2021


def test_a_name_no_document_prints_is_declined_with_the_name(small_assistant):
    doc = (
        "Programmabegroting 2024 gemeente Zwolle\n"
        "Verbonden partijen\n"
        "Zwolle betaalt in 2024 een bijdrage van € 1.250.000 aan de Omgevingsdienst IJsselland.\n"
        "De GGD Hollands Midden voert de jeugdgezondheidszorg uit voor € 640.000.\n"
        "Zwolle werkt daarin samen met Kampen.\n"
    )
    assistant = small_assistant({"zwolle-begroting-2024.txt": doc})
    answer = assistant.ask("Welke bijdrage betaalt Zwolle in 2024 aan de Omgevingsdienst Twente?")
    assert answer.abstained and "‘Twente’" in answer.text and not answer.citations, answer.text
    # The names it does print are answered, however the question hyphenates them.
    answer = assistant.ask("Welke bijdrage betaalt Zwolle in 2024 aan de Omgevingsdienst IJsselland?")
    assert not answer.abstained and answer.facts[0].raw == "€ 1.250.000", answer.text
    answer = assistant.ask("Wat doet de GGD Hollands-Midden voor de jeugd?")
    assert "nergens" not in answer.text, answer.text
    # An adjective of a name is that name.
    answer = assistant.ask("Werkt Zwolle met de Kampense gemeente samen?")
    assert "nergens" not in answer.text, answer.text
    # English capitalises more than names: not held to this.
    answer = assistant.ask("What does Zwolle contribute to the Omgevingsdienst IJsselland in 2024?")
    assert "nergens" not in answer.text, answer.text


def test_proper_names_of_a_dutch_question():
    from corpus.lexicon import proper_names

    assert proper_names("Welke bijdrage gaat naar de Omgevingsdienst West-Holland?") == ["Omgevingsdienst", "West-Holland"]
    assert proper_names("Hoe hoog is de OZB-opbrengst?") == ["OZB"]  # the name of a compound
    assert proper_names("Wat doet de gemeente. En de Raad?") == ["Raad"]  # "En" opens a sentence
    assert proper_names("Wat kost het onderhoud van De Paauw?") == ["Paauw"]  # a name's article names nothing


def test_only_the_first_names_of_a_question_are_looked_up(small_assistant):
    from assistant.evidence import MAX_NAMES_CHECKED

    doc = "Programmabegroting 2024 gemeente Zwolle\nZwolle werkt samen met Kampen aan de riolering.\n"
    assistant = small_assistant({"zwolle-begroting-2024.txt": doc})
    many = " en ".join(["Kampen"] * MAX_NAMES_CHECKED)
    # Repeated names count once: the unknown name after them is still looked up.
    assert assistant.evidence.absent_names(f"Wat doet de gemeente met {many} en Twente?") == ["Twente"]
    distinct = " en ".join(f"Naam{chr(65 + i)}" for i in range(MAX_NAMES_CHECKED))
    assert len(assistant.evidence.absent_names(f"Wat doet de gemeente met {distinct} en Twente?")) == MAX_NAMES_CHECKED


LEIDERDORP = (
    "Programmabegroting 2024 gemeente Leiderdorp\n"
    "Paragraaf weerstandsvermogen en risicobeheersing\n"
    "Financiële kengetallen\n"
    "Kengetal | Rekening 2022 | Begroting 2024 |\n"
    "Netto schuldquote | 42% | 55% |\n"
    "Solvabiliteitsratio | 31% | 28% |\n"
    "Structurele exploitatieruimte | 1,2% | 0,8% |\n"
    "Belastingcapaciteit | 98% | 101% |\n"
    "Paragraaf financiering\n"
    "Renterisico (bedragen x € 1.000)\n"
    "Omschrijving | 2024 |\n"
    "Kasgeldlimiet | 6.100 |\n"
    "Renterisiconorm | 14.300 |\n"
    "Langlopende schulden | 38.000 |\n"
    "Totale baten | 72.000 |\n"
)


@pytest.mark.parametrize(
    "question, raw",
    [
        # The BBV defines each kengetal as one quantity measured against another, and the Wet
        # fido its limits by the kind of debt: a question may describe the norm instead of naming it.
        ("Hoe groot is de schuldenlast in verhouding tot de baten in de begroting 2024?", "55%"),
        ("Hoe verhoudt het eigen vermogen zich in 2024 tot het totale vermogen?", "28%"),
        ("Hoe groot zijn de structurele baten min de structurele lasten als aandeel van de totale baten in 2024?", "0,8%"),
        ("Wat is in 2024 het maximum van de netto vlottende schuld?", "6.100"),
    ],
)
def test_a_norm_described_by_its_definition_is_answered_with_the_norm(small_assistant, question, raw):
    answer = small_assistant({"leiderdorp-begroting-2024.txt": LEIDERDORP}).ask(question)
    assert not answer.abstained, answer.text
    assert answer.facts and answer.facts[0].raw == raw, answer.text


def test_an_amount_asked_to_the_euro_is_answered_with_its_print_in_whole_euros(small_assistant):
    # The BBV overviews print in thousands, the taakveld overview to the euro: one amount twice.
    doc = (
        "Programmabegroting 2024 gemeente Voorschoten\n"
        "Overzicht van baten en lasten (bedragen x € 1.000)\n"
        "Omschrijving | Begroting 2024 | Begroting 2025 |\n"
        "Totaal baten | 88.353 | 86.120 |\n"
        "Totaal lasten | 88.320 | 87.776 |\n"
        "Overzicht per taakveld (bedragen in euro's)\n"
        "Taakveld | Baten | Lasten |\n"
        "0.1 Bestuur | 1.200.000 | 3.400.000 |\n"
        "Totaal | 88.352.660 | 88.319.540 |\n"
    )
    assistant = small_assistant({"voorschoten-begroting-2024.txt": doc})
    rounded = assistant.ask("Hoeveel bedragen de totale baten in de begroting 2024?")
    exact = assistant.ask("Hoeveel bedragen de totale baten in de begroting 2024, tot op de euro?")
    assert rounded.facts and rounded.facts[0].raw == "88.353", rounded.text
    assert exact.facts and exact.facts[0].raw == "88.352.660", exact.text
    assert "88.353" in exact.text  # the rounded print is listed under it


def test_a_total_row_naming_what_it_totals_answers_the_total_of_those(small_assistant):
    # The recapitulation of a budget: the programmes' total, then the result. "Totaal
    # programma's" says itself what it is the total of; "bij elkaar" only asks for a total.
    doc = (
        "Programmabegroting 2024 gemeente Noordwijk\n"
        "Recapitulatie van de programma's (bedragen x € 1.000)\n"
        "Programma | Begroting 2025 › Baten | Begroting 2025 › Lasten |\n"
        "P1 Bestuur | 1.200 | -9.800 |\n"
        "P2 Sociaal domein | 9.716 | -33.410 |\n"
        "Totaal programma's | 10.916 | -43.210 |\n"
        "Geraamde resultaat | 63.216 | -44.410 |\n"
    )
    answer = small_assistant({"noordwijk-begroting-2024.txt": doc}).ask(
        "Wat zijn de lasten van de programma's bij elkaar in de begroting 2025?"
    )
    assert not answer.ambiguous and answer.facts and answer.facts[0].raw == "-43.210", answer.text


def test_what_a_party_contributes_is_an_amount_of_money(small_assistant):
    # "bijdragen" is separable in Dutch: "Hoeveel draagt de provincie bij" asks a bijdrage, in
    # euros; a sentence that counts the bridges does not answer it.
    counted = (
        "Programmabegroting 2024 gemeente Leiden\n"
        "Erfgoed\n"
        "De provincie en de gemeente werken samen aan het herstel van de drie historische bruggen in het park.\n"
    )
    question = "Hoeveel draagt de provincie bij aan het herstel van de historische bruggen?"
    answer = small_assistant({"leiden-begroting-2024.txt": counted}).ask(question)
    assert answer.abstained and "drie" not in answer.text, answer.text
    paid = counted + "De provincie draagt € 45.000 bij aan het herstel van de historische bruggen.\n"
    answer = small_assistant({"leiden-begroting-2024.txt": paid}).ask(question)
    assert answer.facts and answer.facts[0].raw == "€ 45.000", answer.text


def test_a_separable_verb_of_change_asks_for_the_difference_however_far_its_particle(small_assistant):
    # Dutch puts the particle of "afnemen" / "toenemen" at the end of the clause.
    doc = (
        "Programmabegroting 2024 gemeente Leiden\n"
        "Staat van reserves per 31 december (bedragen x € 1.000)\n"
        "Reserve | Stand 2024 | Vermeerderingen 2025 | Verminderingen 2025 | Stand 2025 |\n"
        "Reserve riolering en afval | 9.047 | 637 | -3.355 | 6.329 |\n"
        "Algemene reserve | 12.100 | 0 | -400 | 11.700 |\n"
    )
    answer = small_assistant({"leiden-begroting-2024.txt": doc}).ask(
        "Met hoeveel neemt de reserve voor riolering en afval tussen eind 2024 en eind 2025 af?"
    )
    assert answer.calculation is not None and "2.718" in answer.text, answer.text


def test_a_count_is_not_answered_with_an_amount_of_money(small_assistant):
    doc = (
        "Programmabegroting 2024 gemeente Delft\n"
        "Verbonden partijen\n"
        "Waterbedrijf Delfland NV\n"
        "De gemeente bezit 12.500 aandelen van het waterbedrijf, met een nominale waarde van € 5 per aandeel.\n"
        "Het dividend over 2023 bedroeg € 40.000.\n"
        "Baten en lasten per taakveld\n"
        "Taakveld | Baten | Lasten |\n"
        "Aandelen waterbedrijf | 40.000 | -1.200 |\n"  # a flow's cell, its unit unstated: money
    )
    answer = small_assistant({"delft-begroting-2024.txt": doc}).ask("Hoeveel aandelen van het waterbedrijf bezit de gemeente?")
    assert not answer.abstained, answer.text
    assert all(f.unit not in ("€", "%") for f in answer.facts)
    assert "12.500 aandelen" in answer.text


def test_a_part_of_the_previous_answer_is_not_that_answer_again(small_assistant):
    doc = (
        "Programmabegroting 2024 gemeente Delft\n"
        "Wijkteams\n"
        "Voor de wijkteams in de buurten wordt vanaf 2024 jaarlijks € 250.000 geraamd.\n"
        "Voor de wijkteams wordt een coördinator aangesteld; daarvoor is jaarlijks € 60.000 beschikbaar.\n"
    )
    assistant = small_assistant({"delft-begroting-2024.txt": doc})
    first = "Hoeveel wordt er vanaf 2024 jaarlijks geraamd voor de wijkteams in de buurten?"
    assert assistant.ask(first).facts[0].raw == "€ 250.000"
    answer = assistant.ask("Hoeveel daarvan is voor de coördinator?", history=[first])
    assert not answer.abstained, answer.text
    assert answer.facts[0].raw == "€ 60.000"


@pytest.mark.parametrize(
    "text, question, result",
    [
        # old and new level in one sentence
        ("De schuld van het grondbedrijf daalt in de loop van 2025 van € 9,5 miljoen naar € 7 miljoen.",
         "Met hoeveel daalt de schuld van het grondbedrijf?", 2_500_000),
        # the new level in the next sentence, which refers back to the old one; a PDF line
        # wrapped before the amount
        ("De reserve sociaal domein bedraagt begin 2025 € 4.200.000. In de loop van 2025 zal deze toenemen tot\n"
         "€ 4.950.000 door de verwachte onderuitputting.",
         "Met hoeveel neemt de reserve sociaal domein toe?", 750_000),
        # positions at the start and the end of the year, side by side (verbonden partijen)
        ("Regio Delfland | Eigen vermogen in €: 01-01-2025: € 1.787.000 31-12-2025: € 1.667.000 | "
         "De regio voert taken uit op het gebied van de openbare gezondheid.",
         "Met hoeveel daalt het eigen vermogen van de Regio Delfland in de loop van 2025?", 120_000),
    ],
)
def test_a_change_stated_in_the_text_is_computed_from_its_two_levels(small_assistant, text, question, result):
    doc = "Programmabegroting 2025 gemeente Delft\nFinanciële positie\n" + text + "\n"
    answer = small_assistant({"delft-begroting-2025.txt": doc}).ask(question)
    assert not answer.abstained, answer.text
    assert answer.calculation is not None, answer.text
    assert answer.calculation.result == result
    assert len(answer.facts) == 2


def test_a_number_of_a_unit_comes_from_a_sentence_counting_that_unit(small_assistant):
    assistant = small_assistant({
        "vergunningen.txt": "Vergunningen\n\nHet college beslist over ongeveer 17 aanvragen voor een vergunning per maand.",
    })
    assert assistant.ask("Binnen hoeveel weken beslist het college over een vergunning?").abstained
    assistant = small_assistant({
        "vergunningen.txt": "Vergunningen\n\nHet college beslist binnen acht weken over een aanvraag voor een vergunning.",
    })
    answer = assistant.ask("Binnen hoeveel weken beslist het college over een vergunning?")
    assert not answer.abstained and "acht weken" in answer.text


def test_a_number_of_things_comes_from_a_sentence_that_counts_things(small_assistant):
    question = "Hoeveel kinderen spelen in de speeltuin aan de Parkweg?"
    assistant = small_assistant({
        "jeugd.txt": "Speelruimte\n\nDe speeltuin aan de Parkweg is 3x per week open voor kinderen. "
                     "De proef is begonnen in de tweede helft van 2023.",
    })
    assert assistant.ask(question).abstained
    assistant = small_assistant({
        "jeugd.txt": "Speelruimte\n\nDe speeltuin aan de Parkweg wordt elke week door ongeveer 40 kinderen "
                     "bezocht.",
    })
    answer = assistant.ask(question)
    assert not answer.abstained and "40 kinderen" in answer.text


def test_the_start_or_end_of_the_year_asked_picks_the_amount_dated_so_in_a_sentence(small_assistant):
    assistant = small_assistant({
        "verbonden.txt": (
            "Verbonden partijen\n\n"
            "Veiligheidsregio Lindeveen | Financieel belang in €: € 2.207.160 | "
            "Eigen vermogen in €: 01-01-2024: € 1.787.000 31-12-2024: € 1.667.000\n"
            "Omgevingsdienst Lindeveen | Financieel belang in €: € 524.000 | "
            "Eigen vermogen in €: 01-01-2024: € 950.000 31-12-2024: € 900.000\n"
        ),
    })
    end = assistant.ask("Wat is het eigen vermogen van de Veiligheidsregio Lindeveen per 31-12-2024?")
    start = assistant.ask("Wat is het eigen vermogen van de Veiligheidsregio Lindeveen per 1-1-2024?")
    assert end.text.startswith("€ 1.667.000"), end.text
    assert start.text.startswith("€ 1.787.000"), start.text
    # A follow-up's own moment wins over the previous question's.
    again = assistant.ask("En op 1 januari 2024?", history=["Wat is het eigen vermogen van de Veiligheidsregio Lindeveen eind 2024?"])
    assert again.text.startswith("€ 1.787.000"), again.text


def test_a_counting_question_is_answered_with_the_number_of_what_it_counts(small_assistant):
    assistant = small_assistant({
        "regio.txt": (
            "Regionale samenwerking\n\nDe Regio Lindeveen is een samenwerkingsverband van 14 gemeenten. "
            "Het algemeen bestuur van de regio telt 30 leden en vergadert zes keer per jaar.\n"
        ),
    })
    gemeenten = assistant.ask("Hoeveel gemeenten werken samen in de Regio Lindeveen?")
    leden = assistant.ask("Hoeveel leden telt het algemeen bestuur van de regio?")
    assert gemeenten.text.startswith("14 gemeenten") and gemeenten.facts, gemeenten.text
    assert leden.text.startswith("30 leden") and leden.facts, leden.text
    # A number of things is no amount of money.
    assert not assistant.ask("Hoeveel kost het algemeen bestuur van de regio?").facts


def test_a_length_asked_in_kilometres_or_metres_is_the_count_in_that_unit(small_assistant):
    assistant = small_assistant({
        "riolering.txt": "Riolering\n\nDe gemeente beheert circa 165 km' riolering, 1.051 m' kademuren en 141 stuks gemalen.\n",
    })
    assert assistant.ask("Hoeveel kilometer riolering beheert de gemeente?").text.startswith("165 km")
    assert assistant.ask("How many metres of quay walls (kademuren) does the municipality manage?").text.startswith("1.051 m")


def test_an_amount_of_money_asked_is_not_answered_with_a_number_of_other_things(small_assistant):
    assistant = small_assistant({
        "regio.txt": "Verkeer en vervoer\n\nDe vervoerregio is een samenwerkingsverband van 21 gemeenten voor verkeer en vervoer.\n",
    })
    answer = assistant.ask("Hoeveel subsidie ontvangt de gemeente van de vervoerregio voor verkeer en vervoer?")
    assert answer.abstained, answer.text


def test_a_money_question_about_a_year_is_not_answered_from_a_sentence_about_another(small_assistant):
    assistant = small_assistant({
        "partijen.txt": (
            "Verbonden partijen\n\n"
            "Regio Delfland | Eigen vermogen in €: 01-01-2024: € 1.787.000 31-12-2024: € 1.667.000 | "
            "De regio voert taken uit op het gebied van brandweerzorg en rampenbestrijding.\n"
        ),
    })
    assert assistant.ask("Wat is het eigen vermogen van de Regio Delfland eind 2026?").abstained
    assert assistant.ask("Wat is het eigen vermogen van de Regio Delfland eind 2024?").text.startswith("€ 1.667.000")


def test_how_long_is_answered_by_a_sentence_that_states_a_time(small_assistant):
    docs = {"woz.txt": "Belastingen\n\nTegen de WOZ-waarde kunt u bezwaar maken bij de belastingsamenwerking.\n"}
    assert small_assistant(docs).ask("Hoe lang heb ik de tijd om bezwaar te maken tegen de WOZ-waarde?").abstained
    docs["woz.txt"] += "\nTegen de WOZ-waarde kunt u binnen zes weken bezwaar maken.\n"
    answer = small_assistant(docs).ask("Hoe lang heb ik de tijd om bezwaar te maken tegen de WOZ-waarde?")
    assert not answer.abstained and "zes weken" in answer.text


def test_when_is_answered_by_a_sentence_that_names_a_moment(small_assistant):
    docs = {"zorg.txt": "Gezondheid\n\nHet initiatief van de huisartsen om een gezondheidscentrum te openen bezien we positief.\n"}
    assert small_assistant(docs).ask("Wanneer gaat het gezondheidscentrum van de huisartsen open?").abstained
    docs["zorg.txt"] += "\nHet gezondheidscentrum van de huisartsen gaat in het najaar van 2025 open.\n"
    answer = small_assistant(docs).ask("Wanneer gaat het gezondheidscentrum van de huisartsen open?")
    assert not answer.abstained and "najaar van 2025" in answer.text


def test_an_english_question_giving_a_dutch_term_no_document_prints_is_declined(small_assistant):
    assistant = small_assistant({
        "zorg.txt": "Zorg\n\nDe gemeente investeert in zorg voor ouderen. De lasten van de zorg stijgen.\n",
    })
    answer = assistant.ask("How much healthcare allowance (zorgtoeslag) can residents get?")
    assert answer.abstained and "zorgtoeslag" in answer.text
    answer = assistant.ask("Why do the expenses (lasten) of elderly care rise?")
    assert "nergens" not in answer.text


def test_a_question_naming_something_is_answered_from_a_passage_that_names_it(small_assistant):
    docs = {
        "omgevingsdienst.txt": "Omgevingsdienst\n\nHet algemeen bestuur van de omgevingsdienst vergadert elk kwartaal over de nieuwe taken.\n",
        "klimaat.txt": "Klimaat\n\nDe Klimaattafel adviseert het college over de energietransitie in de gemeente.\n",
    }
    question = "Wanneer vergadert het algemeen bestuur van de Klimaattafel?"
    assert small_assistant(docs).ask(question).abstained
    docs["klimaat.txt"] += "\nHet algemeen bestuur van de Klimaattafel vergadert in maart en oktober.\n"
    answer = small_assistant(docs).ask(question)
    assert not answer.abstained and "maart en oktober" in answer.text


def test_a_name_in_a_compound_is_still_the_name(small_assistant):
    docs = {
        "scholen.txt": "Scholen\n\nDe Den Deijl was een basisschool in het centrum van het dorp.\n",
        "school.txt": "Onderwijs\n\nDe herontwikkeling van de oude Den Deijlschoollocatie is gegund aan Bouwbedrijf Duin.\n",
    }
    answer = small_assistant(docs).ask("Aan welke partij is de herontwikkeling van de Den Deijl-locatie gegund?")
    assert not answer.abstained and "Bouwbedrijf Duin" in answer.text


def test_a_number_listed_after_its_label_in_one_cell_answers_for_that_label(small_assistant):
    # A beheerareaal printed in one merged cell: each number follows its label.
    assistant = small_assistant({
        "areaal.txt": (
            "Beheerareaal\n\n"
            "Kunstwerken 2022-2026 | Bruggen 45 Viaducten 3 Tunnels 2 Duikers | basis | "
            "De kunstwerken worden sober en doelmatig onderhouden, 8 bruggen worden vervangen.\n"
        ),
    })
    answer = assistant.ask("Hoeveel viaducten heeft de gemeente volgens het beheerplan kunstwerken?")
    assert answer.facts and answer.facts[0].raw == "3", answer.text
    answer = assistant.ask("Hoeveel tunnels zijn er?")
    assert answer.facts and answer.facts[0].raw == "2", answer.text
    # ... and a listed number is no number of weeks, nor an answer to a question that counts nothing
    assert not any(f.raw in {"45", "3", "2"} for f in assistant.ask("Binnen hoeveel weken worden de tunnels onderhouden?").facts)


def test_a_count_in_a_row_of_descriptions_is_read_with_the_rows_other_cells(small_assistant):
    assistant = small_assistant({
        "areaal.txt": (
            "Beheerareaal\n\n"
            "Voertuigen | Areaal: 46 objecten | sober | De voertuigen van het wagenpark ondersteunen de gemeentelijke taken.\n"
            "Openbare verlichting | Areaal: 4.100 stuks | basis | Masten en armaturen langs wegen en paden.\n"
        ),
    })
    answer = assistant.ask("Hoeveel voertuigen telt het wagenpark?")
    assert answer.text.startswith("46 objecten"), answer.text
