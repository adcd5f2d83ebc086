"""The lexicon: the one place for words, years, phases, flows and what a question asks for."""

from __future__ import annotations

import pytest

from corpus.lexicon import (
    STOCK,
    moment_asked,
    states_moment,
    duration_asked,
    states_duration,
    names_money,
    find_counts,
    counts_noun,
    states_count,
    difference_parts,
    taakveld_of_label,
    year_shift,
    fold,
    asked,
    counted_noun,
    realised_asked,
    calculation_asked,
    change_direction,
    column_phase,
    content_words,
    flows,
    flows_compatible,
    has_quantity,
    money_named,
    phases,
    position,
    ratio_asked,
    sides,
    taakvelden_named,
    tokenize,
    year_span,
    years,
)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Begroting 2025", {2025}),
        ("Rekening 2022 en begroting 2024", {2022, 2024}),
        ("een bedrag van € 2.024 en 2.0245", set()),  # amounts, not years
        ("2024,5 procent", set()),
        ("artikel 12345", set()),
    ],
)
def test_years_are_calendar_years_not_amounts(text, expected):
    assert years(text) == expected


def test_a_year_range_covers_every_year_in_it():
    assert year_span("Meerjarenraming 2025-2028") == {2025, 2026, 2027, 2028}
    assert year_span("periode 2024 t/m 2025") == {2024, 2025}
    assert year_span("2020-2050") == {2020, 2050}  # not a budget horizon: only the end points


@pytest.mark.parametrize(
    "header, phase",
    [
        ("Begroting na wijziging 2025", "na_wijzigingen"),
        ("Primitieve begroting 2025", "primitief"),
        ("Rekening 2023", "realisatie"),
        ("Realisatie t/m september", "realisatie"),
        ("Begroting 2026", "begroot"),
        ("Wijzigingen deze periode", "deze_periode"),
        ("Omschrijving", None),
    ],
)
def test_a_column_header_names_one_phase(header, phase):
    assert column_phase(header) == phase


def test_a_specific_phase_consumes_its_words():
    assert phases("de begroting na begrotingswijzigingen") == {"na_wijzigingen", "begroot"}


@pytest.mark.parametrize(
    "text, realisation",
    [
        ("Wat waren de lasten volgens de rekening 2021?", True),
        ("Wat staat in de jaarrekening over de reserves?", True),
        ("Welk deel komt voor rekening van het Rijk?", False),  # paid by
        ("Wat komt voor eigen rekening van de inwoner?", False),
        ("Hoe hoog is de rekening-courantverhouding met het Rijk?", False),  # a current account
        ("Daar houden we rekening mee.", False),
        # The idiom with its verb first, as a question or a subordinate clause puts it.
        ("Met welk bedrag houdt de gemeente rekening voor tegenvallers?", False),
        # ... also around a clause set off by commas.
        ("Met hoeveel houdt het college, voorzichtig geschat, rekening voor hogere energieprijzen?", False),
        ("Hoeveel houdt de gemeente over op de rekening 2023?", True),
    ],
)
def test_rekening_is_the_accounts_only_as_a_document(text, realisation):
    assert ("realisatie" in phases(text)) is realisation
    assert realised_asked(text) is realisation


def test_flows_of_the_bbv_and_of_reserves():
    assert flows("Totaal lasten") == {"lasten"}
    assert flows("Wat kost het onderhoud van de bruggen?") == {"lasten"}  # what something costs is its lasten
    assert flows("Toevoeging aan de algemene reserve") == {"storting"}
    assert flows("Onttrekking reserve sociaal domein") == {"onttrekking"}
    assert flows("Welk begrotingssaldo verwacht de gemeente?") == {"saldo"}  # a compound names its flow
    assert flows("Wat is het saldo van baten en lasten van programma 2?") == {"saldo"}
    assert flows("Wat zijn de baten en lasten van programma 2?") == {"baten", "lasten"}
    assert flows("Wat is het geraamde resultaat van programma 2?") == {"saldo"}  # BBV: a resultaat is a saldo
    assert "resultaat" in content_words("Geraamde resultaat")  # ... and still names its line
    assert flows("Wat zijn de baten van het geraamde resultaat?") == {"baten"}  # beside a flow: the subject
    assert flows_compatible({"lasten"}, {"besteding"})
    assert not flows_compatible({"baten"}, {"lasten"})
    # Taken out of a reserve or a voorziening is an onttrekking; the staat van reserves en
    # voorzieningen prints its mutations as vermeerderingen and verminderingen.
    assert flows("Hoeveel haalt de gemeente in 2025 uit de algemene reserve?") == {"onttrekking"}
    assert flows("Dekking uit de voorziening onderhoud wegen") == {"onttrekking"}
    assert flows("Vermeerderingen 2024") == {"storting"}
    assert flows("Verminderingen 2024") == {"onttrekking"}
    assert flows("Hoeveel inwoners uit de regio werken hier?") == frozenset()
    # What the municipality receives is its baten (a side only a flow word names).
    assert flows("Hoeveel krijgen we van het Rijk?") == {"baten"} and sides("Hoeveel krijgen we van het Rijk?") == frozenset()
    assert flows("Hoeveel krijgt de GGD van de gemeente?") == frozenset()
    # Spending as the separable verb is lasten, and no side a sentence must name.
    assert flows("Hoeveel geeft de stad in 2026 uit aan cultuur?") == {"lasten"} and sides("Wat gaven zij uit aan cultuur?") == frozenset()
    assert flows("Wat doet de gemeente binnen het sociaal domein?") == frozenset()
    assert flows("Hoeveel houdt de gemeente in 2027 over?") == {"saldo"}  # what is left over


@pytest.mark.parametrize(
    "question, ratio",
    [
        ("Wat is de solvabiliteitsratio in 2025?", True),
        ("Hoe hoog is de netto schuldquote?", True),
        ("Welk percentage van de jongeren sport?", True),
        ("Wat is de structurele exploitatieruimte als kengetal?", True),
        ("Hoeveel bedraagt de beschikbare weerstandscapaciteit?", False),
        ("Wat kost de sportparkrenovatie?", False),
        ("Wat kost de indexatie van de subsidies (3% in plaats van 2%) in 2026?", False),  # percentages in the subject
        ("Welk bedrag is gemoeid met de korting van 5 procent?", False),
        ("Met hoeveel procent stijgen de lasten?", False),  # a change in percent, computed from amounts
        ("Voor hoeveel procent worden de kosten gedekt door de leges?", True),  # the costs are its base
        ("Hoe groot is de kans dat het risico zich voordoet?", True),  # a chance is a percentage
        ("Hoe groot acht de ambtenaar de kans dat het misgaat?", True),  # not "naar de kans"
        ("Hoe groot is het risico, gewogen naar de kans dat het zich voordoet?", False),  # bedrag x kans
        ("Wat is het bedrag x kans van het risico?", False),
    ],
)
def test_a_relative_number_is_asked(question, ratio):
    assert ratio_asked(question) is ratio


@pytest.mark.parametrize(
    "question, money",
    [
        ("Met welk bedrag houdt de gemeente rekening?", True),
        ("Hoeveel geld gaat naar het zwembad?", True),
        ("Welk percentage van de kosten wordt gedekt door de leges?", False),  # a relative number of money
        ("Welk deel van de kosten wordt terugverdiend met de tarieven?", False),  # a share: either kind
        ("Welk bedrag is gemoeid met de korting van 5 procent?", True),  # the percentage is the subject
        ("Hoeveel inwoners sporten?", False),
    ],
)
def test_money_itself_is_named(question, money):
    assert money_named(question) is money


def test_number_words_are_no_content_words():
    assert content_words("de lasten van alle vijf programma's") == ["programma"]


def test_the_verb_of_costing_asks_a_price_and_names_no_side():
    assert sides("Wat kost een parkeervergunning?") == frozenset()
    assert sides("Wat kostte de brandweer in 2022?") == frozenset()
    assert sides("Wat zijn de kosten van de brandweer?") == {"lasten"}  # the noun names the lasten
    assert flows("Wat kost de brandweer?") == {"lasten"}  # ... and the flow still ranks lasten first


def test_a_flow_ending_a_hyphenated_name_is_no_side():
    assert flows("het EMU-saldo in 2025") == {"saldo"} and sides("het EMU-saldo in 2025") == set()
    assert sides("de lasten van het EMU-saldo") == {"lasten"}
    assert sides("het begrotingssaldo") == {"saldo"}  # a compound without hyphen is a saldo


def test_the_ozb_category_of_non_dwellings_is_one_word_with_or_without_hyphen():
    assert content_words("OZB niet-woningen") == content_words("OZB niet woningen") == ["ozb", "nietwoningen"]
    assert "woningen" in content_words("OZB woningen")
    assert content_words("Welke wegen zijn niet veilig?") == ["wegen", "veilig"]  # elsewhere "niet" is no part of a noun


def test_content_words_drop_framing_years_and_aspects():
    assert content_words("Wat zijn de lasten van het zwembad in 2025?") == ["zwembad"]
    assert content_words("Hoeveel geeft de gemeente uit aan leerlingenvervoer?") == ["leerlingenvervoer"]


def test_a_numbered_programme_is_its_code():
    assert content_words("Wat is het saldo van programma 3 in 2025?") == ["p3"]
    assert content_words("P3 Bestuur en middelen") == ["p3", "bestuur", "middelen"]


def test_a_numbered_programme_is_its_code_in_dutch_and_english():
    assert content_words("de lasten van programma 3") == content_words("the expenses of programme 3") == ["p3"]


def test_index_terms_are_stemmed_and_numbers_ungrouped():
    assert tokenize("De uitgaven 45.917.564 aan sportvelden") == ["uitgaf", "45917564", "sportveld"]


@pytest.mark.parametrize(
    "question",
    [
        "Wat is de streefwaarde voor het aantal jongeren met jeugdhulp in 2026?",
        "What is the 2026 target for the share of young people in youth care?",
        "Which ratio does the council require for the resistance capacity?",
    ],
)
def test_a_value_a_table_may_hold_is_asked_in_dutch_and_english(question):
    assert asked(question).value


@pytest.mark.parametrize(
    "question, money, amount, quantity",
    [
        ("Wat kost het onderhoud van de bruggen?", True, True, False),
        ("Hoeveel geld gaat naar cultuur?", True, True, True),
        ("Hoe hoog is de toeristenbelasting?", True, True, True),
        ("Wat zijn de baten van het parkeren?", True, True, False),
        ("Hoeveel is er begroot voor sportaccommodaties?", True, True, True),
        ("How much does the city spend on libraries?", True, True, True),
        ("Hoeveel leerlingen krijgen vervoer?", False, False, True),
        ("Hoeveel procent van de wegen is in goede staat?", False, False, True),
        ("Wat is het tekort op het grondbedrijf?", True, False, False),
        ("Waarom stijgen de lasten van de jeugdhulp?", True, False, False),
        ("Wat doet de gemeente voor eenzame ouderen?", False, False, False),
        # Investments and credits (BBV art. 20), revenues, the general grant, loans.
        ("Welk deel van de investering in de sporthal betaalt de provincie?", True, False, False),
        ("Welk krediet is beschikbaar voor de nieuwe brandweerkazerne?", True, False, False),
        ("Wat levert de opbrengst van de parkeervergunningen op?", True, False, False),
        ("Hoe verandert de algemene uitkering?", True, False, False),
        ("Which credit was granted for the town hall?", True, False, False),
        # An amount asked for is money, whichever words name it.
        ("What were the library's expenses in 2019?", True, True, False),
        # ... also as the last part of a compound.
        ("Wat is het geraamde exploitatiesaldo in 2026?", True, True, False),
        ("Wat zijn de personeelslasten van de afdeling?", True, True, False),
        ("Wat is het doel van de begrotingsregel?", False, False, False),
        ("Welk exploitatiebudget is er voor het onderhoud van de wegen?", True, True, False),
        ("Waarom stijgen de woonlasten?", True, False, False),
        # Paying is money; "wat … betalen" asks how much.
        ("Wat moet de gemeente jaarlijks betalen voor het lidmaatschap?", True, True, False),
        ("Waarom betaalt de gemeente mee aan het zwembad?", True, False, False),
        # The balance sheet's capital (BBV art. 42-43).
        ("Wat is het eigen vermogen van de omgevingsdienst eind 2025?", True, False, False),
        ("Hoe ontwikkelt het vreemd vermogen van de regio zich?", True, False, False),
        ("Wat is het vermogen van de raad om te sturen?", False, False, False),
        ("", False, False, False),
    ],
)
def test_what_a_question_asks_for(question, money, amount, quantity):
    a = asked(question)
    assert (a.money, a.amount, a.quantity) == (money, amount, quantity)


@pytest.mark.parametrize(
    "question, noun",
    [
        ("Hoeveel bomen plant de gemeente langs de dijk?", "bomen"),
        ("Hoeveel nieuwe sociale huurwoningen worden er gebouwd?", "huurwoningen"),  # adjectives skipped
        ("Hoeveel meer leerlingen telt de school?", "leerlingen"),
        ("Wat is het aantal Wmo-cliënten?", "wmo-clienten"),
        ("How many permits were issued?", "permits"),
        ("Hoeveel uitkeringen verstrekt de gemeente?", "uitkeringen"),  # counted, although money
        ("Hoeveel kilometer fietspad komt erbij?", "kilometer"),
        ("Hoeveel gezinnen zijn in 2023 geholpen?", "gezinnen"),  # "zijn" after a plural: its verb
        # Money in its own nouns, also compounded; verbs that look like a plural; no noun at all.
        ("Hoeveel rijksmiddelen ontvangt de gemeente?", None),
        ("Hoeveel personeelskosten zijn er begroot?", None),
        ("Hoeveel miljoen kost de brug?", None),
        ("Hoeveel krijgen de verenigingen aan subsidie?", None),
        ("Hoeveel betaalden de inwoners aan afvalstoffenheffing?", None),
        ("Hoeveel is er begroot voor sport?", None),
        ("Met hoeveel veranderen de baten?", None),  # a verb, followed by its subject
        ("Hoeveel hoger zijn de lasten?", None),
        ("Hoeveel geld gaat er naar het aantal nieuwe woningen?", None),  # the first "hoeveel" decides
        ("Wat doet de gemeente voor ouderen?", None),
    ],
)
def test_the_noun_a_question_counts(question, noun):
    assert counted_noun(question) == noun


@pytest.mark.parametrize(
    "question, money",
    [
        ("Hoeveel bomen plant de gemeente langs de dijk?", False),
        ("Hoeveel nieuwe sociale huurwoningen worden er gebouwd?", False),
        ("Hoeveel rijksmiddelen ontvangt de gemeente?", True),
        ("Hoeveel krijgen de verenigingen?", True),
        ("Hoeveel betaalden de inwoners?", True),
    ],
)
def test_hoeveel_asks_money_unless_it_counts_something(question, money):
    assert asked(question).money is money


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Er doen 120 huishoudens mee.", True),
        ("Het aandeel steeg tot 12,5%.", True),
        ("Drie wethouders delen de portefeuille.", True),
        ("Vanaf 1 januari 2026 geldt de nieuwe regeling.", False),
        ("Dat is besloten in 2024.", False),
        ("Op 01-02-2025 is de brief verstuurd.", False),
        ("Daarover is nog niets bekend.", False),
        ("Dat staat in de begroting op pagina 93 en in artikel 13 lid 3.", False),  # places in a document
        ("Zie hoofdstuk 4 en tabel 2.3.", False),
    ],
)
def test_a_quantity_is_a_number_other_than_a_year_or_date(text, expected):
    assert has_quantity(text) is expected


def test_iv3_taakvelden_are_named_by_their_code():
    assert taakvelden_named("Wat zijn de lasten van taakveld 7.2 in 2025?") == ["Riolering"]
    assert taakvelden_named("taakveld 6.71") == ["Maatwerkdienstverlening 18+"]
    assert taakvelden_named("paragraaf 7.2 van de nota") == []  # a code only counts after "taakveld"


@pytest.mark.parametrize(
    "question, kind",
    [
        ("Met hoeveel stijgen de lasten van cultuur van 2025 naar 2026?", "difference"),
        ("Hoeveel daalt de opbrengst parkeren tussen 2024 en 2027?", "difference"),
        ("By how much does spending on parks rise between 2025 and 2026?", "difference"),
        ("Wat is de procentuele stijging van de baten?", "percent"),
        ("Hoeveel procent nemen de lasten toe van 2024 naar 2025?", "percent"),
        ("Wat is de som van sport en cultuur in 2025?", "sum"),
        ("Welk percentage van de wegen is op orde?", None),
        ("Wat zijn de totale lasten in 2025?", None),  # a total row, not a sum of named rows
        ("Wat veranderen de baten in deze rapportage?", None),  # the change column, no arithmetic
    ],
)
def test_the_arithmetic_a_question_asks_for(question, kind):
    found = calculation_asked(question)
    assert (found[0] if found else None) == kind


@pytest.mark.parametrize(
    "question, direction",
    [
        ("Met hoeveel dalen de subsidies van 2025 naar 2026?", "down"),
        ("Hoeveel daalde het aantal bijstandsgerechtigden?", "down"),
        ("Met hoeveel nemen de lasten af in 2026?", "down"),
        ("Hoeveel kromp het budget voor groen?", "down"),
        ("Hoeveel minder gaat er naar sport?", "down"),
        ("How much did spending on roads fall?", "down"),
        ("Met hoeveel stijgen de leges van 2025 naar 2026?", "up"),
        ("Hoeveel steeg de opbrengst parkeren?", "up"),
        ("Met hoeveel neemt het budget toe?", "up"),
        ("Hoeveel hoger is de begroting na wijziging?", "up"),
        ("By how much does the subsidy increase?", "up"),
        ("Wat is het verschil tussen de lasten van 2025 en 2026?", None),
        ("Hoeveel hoger of lager is de rekening dan de begroting?", None),
    ],
)
def test_which_way_a_change_is_asked(question, direction):
    assert change_direction(question) == direction
    assert calculation_asked(question)  # each asks for a difference


@pytest.mark.parametrize("question", ["Is het budget hoger dan vorig jaar begroot?", "Wat doet de gemeente meer dan verplicht?"])
def test_a_comparative_alone_is_no_difference(question):
    assert calculation_asked(question) is None


@pytest.mark.parametrize(
    "question, money, value",
    [
        ("Wat is het tarief van de afvalstoffenheffing in 2025?", True, True),
        ("Hoeveel bedraagt de toeristenbelasting per nacht?", True, True),
        ("Wat is de streefwaarde voor het aantal bezoekers van de bibliotheek?", False, True),
        ("Welk percentage van de inwoners sport wekelijks?", False, True),
        ("Hoe hoog is de solvabiliteitsratio?", True, True),
        ("Hoeveel leerlingen krijgen vervoer?", False, True),
        ("Wat doet de gemeente aan eenzaamheid?", False, False),
        ("Op welke plaats staat de gemeente in de ranglijst van woonlasten?", True, True),  # a rank (of money)
    ],
)
def test_a_value_a_table_may_hold(question, money, value):
    a = asked(question)
    assert (a.money, a.value) == (money, value)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Wat is de stand van de reserve eind 2024?", "end"),
        ("Saldo 31-12-2024", "end"),
        ("Stand per 1-1-2024", "start"),
        ("beginsaldo 2023", "start"),
        ("Begroting 2024", None),
        ("Saldo 1-1-2024 en 31-12-2024", None),
        ("What was the debt at 1 January 2024?", "start"),
    ],
)
def test_the_end_or_start_of_a_year(text, expected):
    assert position(text) == expected


@pytest.mark.parametrize(
    "question, stock",
    [
        ("Hoe groot is het eigen vermogen aan het begin van 2025?", True),
        ("What was the borrowed capital of the region at 1 January 2024?", True),
        ("Wat is de schuld op 31 december 2024?", True),
        ("Wat gebeurt er aan het begin van de zomer?", False),
    ],
)
def test_a_position_at_a_moment_is_asked(question, stock):
    assert bool(STOCK.search(fold(question))) is stock


def test_the_base_of_a_percentage_is_its_counted_noun():
    from corpus.lexicon import percentage_base

    assert percentage_base("Hoeveel procent van de inwoners is tevreden over de bibliotheek?") == {"inwoners"}
    assert percentage_base("Welk deel van de jongeren sport wekelijks?") == {"jongeren"}
    assert percentage_base("Welk deel van de investering betaalt de provincie?") == set()  # no counted noun


def test_covering_costs_is_asked_as_kostendekkendheid_only_in_a_share_question():
    from corpus.lexicon import cost_coverage

    assert "kostendekkendheid" in cost_coverage("Welk deel van de kosten wordt gedekt door de leges?")
    assert "kostendekkendheid" in cost_coverage("Hoeveel procent van de kosten verdient de gemeente terug?")
    assert cost_coverage("Hoe worden de kosten van de sporthal gedekt?") == "Hoe worden de kosten van de sporthal gedekt?"


@pytest.mark.parametrize(
    ("text", "noun", "counts"),
    [
        ("Het college beslist binnen zes weken.", "weken", True),
        ("Er komen drie nieuwe locaties bij.", "locaties", True),  # adjectives between
        ("Er worden 120 sociale huurwoningen gebouwd.", "woningen", True),  # a compound ending in it
        ("Kademuren 1.051 m' en beschoeiingen 25,8 km'", "kilometer", True),  # the unit's printed form
        ("Het college beslist over 17 aanvragen per maand.", "weken", False),
        ("In 2024 worden woningen gebouwd.", "woningen", False),  # a year counts nothing
        ("Het bestuur telt 13 leden.", "deelnemers", False),
        ("De meldingen stegen met 44,2% ten opzichte van 2019.", "procent", True),  # a percentage
        ("De meldingen stegen met 44 gevallen.", "procent", False),
    ],
)
def test_counts_noun_finds_a_number_of_the_noun(text, noun, counts):
    assert counts_noun(text, noun) is counts


@pytest.mark.parametrize(
    ("text", "noun", "counts"),
    [
        ("Er komen drie nieuwe locaties bij.", "vestigingen", True),  # another noun for the things
        ("Aantal leerlingen | 1.200", "leerlingen", True),  # a number beside the noun itself
        ("Jongeren kunnen elkaar 2x per week ontmoeten.", "jongeren", False),  # how often
        ("Jongeren kunnen elkaar drie keer per week ontmoeten.", "jongeren", False),
        ("Trainees werken voor zes maanden aan projecten.", "trainees", False),  # a number of units
        ("2.1 Trainees zijn ingezet voor de organisatie", "trainees", False),  # a heading's number
        ("Trainees inzetten voor de organisatie (hogere lasten € 100.000)", "trainees", False),  # money
        ("De pilot is gestart in de tweede helft van 2023.", "jongeren", False),
    ],
)
def test_states_count_needs_a_number_of_things(text, noun, counts):
    assert states_count(text, noun) is counts


@pytest.mark.parametrize(
    ("text", "counts"),
    [
        ("De regio is een samenwerkingsverband van 14 gemeenten.", [(14, "gemeenten")]),
        ("Er komen twaalf nieuwe sociale huurwoningen bij.", [(12, "huurwoningen")]),  # adjectives between
        ("Het rioolnet is circa 120 km' lang en heeft 85 stuks gemalen.", [(120, "km"), (85, "stuks")]),
        ("In 2024 worden woningen gebouwd volgens artikel 13 lid 3.", []),  # years and references
        ("Dat kost € 400.000, 3 miljoen euro of 12% van de lasten.", []),  # money and per cents
        ("De 10 grootste risico's staan in de tabel.", [(10, "risico's")]),
        ("Het aantal steeg met 10 ten opzichte van vorig jaar.", []),  # no counted noun right after
    ],
)
def test_find_counts_finds_numbers_of_things(text, counts):
    assert [(c.number, c.noun) for c in find_counts(text)] == counts


@pytest.mark.parametrize(
    ("question", "money"),
    [
        ("Hoeveel subsidie krijgt de vereniging?", True),
        ("Hoeveel draagt de gemeente bij aan de nieuwe sporthal?", False),  # the verb alone: contributing
        ("Aan hoeveel doelen draagt de begroting bij?", False),
        ("Hoeveel huishoudens zijn geholpen?", False),
    ],
)
def test_a_question_names_money_in_its_words(question, money):
    assert names_money(question) is money


@pytest.mark.parametrize(
    ("question", "duration"),
    [
        ("Hoe lang heb ik de tijd om bezwaar te maken?", True),
        ("Hoe lang blijven de trainees bij de gemeente?", True),
        ("Binnen welke termijn beslist het college?", True),
        ("How long does the procedure take?", True),
        ("Hoe lang is het fietspad langs de Rijn?", False),  # the length of a thing
    ],
)
def test_a_duration_is_asked(question, duration):
    assert duration_asked(question) is duration


@pytest.mark.parametrize(
    ("text", "states"),
    [("Zij blijven zes maanden aan de slag.", True), ("U kunt binnen 6 weken bezwaar maken.", True),
     ("De pilot loopt een jaar.", True), ("In 2023 is de regeling vastgesteld.", False),
     ("De gemeente telt 26.000 inwoners.", False)],
)
def test_a_text_states_a_duration(text, states):
    assert states_duration(text) is states


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("Wanneer wordt de nieuwe sporthal geopend?", True),
        ("Op welke datum is het convenant getekend?", True),
        ("When will the plan be adopted?", True),
        ("Wanneer heeft een inwoner recht op bijzondere bijstand?", False),  # conditions, not a moment
        ("Wat gebeurt er wanneer de reserve op is?", False),
    ],
)
def test_a_moment_is_asked(question, asked):
    assert moment_asked(question) is asked


@pytest.mark.parametrize(
    ("text", "states"),
    [("Het plan wordt in het najaar van 2025 vastgesteld.", True), ("De opening is gepland in het tweede kwartaal.", True),
     ("Het convenant is op 1 september getekend.", True), ("Wij bezien het initiatief positief.", False)],
)
def test_a_text_states_a_moment(text, states):
    assert states_moment(text) is states


def test_verbs_that_frame_a_count_are_no_content_words():
    assert content_words("Uit hoeveel voertuigen bestaat het wagenpark?") == ["voertuigen", "wagenpark"]
    assert content_words("Hoeveel leden telt het bestuur?") == ["leden", "bestuur"]
    assert content_words("Hoeveel kilometer fietspad valt onder het beheerplan?") == ["kilometer", "fietspad", "beheerplan"]


@pytest.mark.parametrize(
    ("text", "offset"),
    [("Hoe zit dat een jaar later?", 1), ("En het jaar erna?", 1), ("En drie jaar eerder?", -3), ("And the following year?", 1),
     ("Wat is het plan voor volgend jaar?", None), ("En voor 2031?", None)],
)
def test_year_shift_counts_from_another_year(text, offset):
    shift = year_shift(text)
    assert (shift[1] if shift else None) == offset


@pytest.mark.parametrize(
    ("label", "name"),
    [("P3 Bestuur › 0.7 Alg uitk. & ov. uitk. gemfonds", "Algemene uitkering en overige uitkeringen gemeentefonds"),
     ("7.2 Riool", "Riolering"), ("Formatie 7,3 fte", ""), ("Lasten", ""), ("9.9 Onbekend", "")],
)
def test_a_row_label_names_its_iv3_taakveld_by_its_code(label, name):
    assert taakveld_of_label(label) == name


def test_difference_parts_are_the_two_things_compared():
    assert difference_parts("Hoe groot is het verschil tussen de baten en de lasten van de markt?") == (
        "de baten", "de lasten van de markt")
    assert difference_parts("What is the difference between sport and culture?") == ("sport", "culture")
    assert difference_parts("Met hoeveel stijgen de lasten?") is None


@pytest.mark.parametrize(
    ("question", "added"),
    [("Wat kost het zwembad als je de renovatie meetelt?", "de renovatie"),
     ("Wat kost het zwembad met de renovatie erbij?", "de renovatie"),
     ("Wat zijn de lasten inclusief btw?", None),  # a row may print the whole inclusief
     ("Wat is het saldo, als de reserves zijn meegerekend?", None)],  # a saldo after the reserves
)
def test_a_thing_counted_in_asks_a_sum(question, added):
    asked = calculation_asked(question)
    assert (asked[1] if asked and asked[0] == "sum_including" else None) == added


def test_a_unit_ending_in_e_is_counted_not_skipped_as_an_adjective():
    assert counted_noun("Hoeveel hectare bos heeft de stad?") == "hectare"
    assert counted_noun("Hoeveel nieuwe woningen komen er?") == "woningen"
