"""Dutch number parsing and in-text amount finding."""

from __future__ import annotations

import pytest

from corpus.numbers import find_amounts, format_dutch_number, parse_dutch_number, split_footnote, split_year_note


@pytest.mark.parametrize(
    "text, expected",
    [
        ("95.225", 95225.0),
        ("0,819", 0.819),
        ("-1.000", -1000.0),
        ("−1.000", -1000.0),  # unicode minus as printed by PDF exports
        ("€ 1.093.480", 1093480.0),
        ("€130.000", 130000.0),
        ("€45.917.564", 45917564.0),
        ("-1.291*", -1291.0),
        ("       -1.000", -1000.0),
        ("-640 ", -640.0),
        ("2,7 miljoen", 2_700_000.0),
        ("€2,7 miljoen", 2_700_000.0),
        ("0,5 miljoen euro", 500_000.0),
        ("0,819 miljoen euro", 819_000.0),
        ("1,5 miljard", 1_500_000_000.0),
        ("3 mln", 3_000_000.0),
        ("44.000 euro", 44000.0),
        ("4%", 4.0),
        ("26,8 %", 26.8),
        ("0,62%", 0.62),
        ("(1.000)", -1000.0),
        ("€ 100,-", 100.0),
        ("1.000,50", 1000.5),
        ("0", 0.0),
        ("2023", 2023.0),
        ("12345678", 12345678.0),
    ],
)
def test_parses_dutch_formats(text, expected):
    assert parse_dutch_number(text) == pytest.approx(expected)


@pytest.mark.parametrize(
    "text",
    [
        "1.00.0", "12,3,4", "1..2", "abc", "", "   ", "--5", "1.2345", "12.5", "1,000.50",
        "€", "-", "5-", "1.000.00", ".5", "5.", "(-1.000)", "1 000", "12a", "€ €5", "6.3 Inkomensregelingen",
        "x" * 500,
    ],
)
def test_rejects_malformed(text):
    assert parse_dutch_number(text) is None


def test_rejects_non_strings():
    assert parse_dutch_number(None) is None  # type: ignore[arg-type]


@pytest.mark.parametrize("raw, body, marker", [("-1.291*", "-1.291", "*"), ("12¹", "12", "¹"), ("640", "640", "")])
def test_footnote_marker_is_split_off(raw, body, marker):
    assert split_footnote(raw) == (body, marker)


@pytest.mark.parametrize(
    "raw, figure, year, value",
    [
        ("44,2% (2022)", "44,2%", 2022, 44.2),
        ("252,7 (2021)", "252,7", 2021, 252.7),
        ("17 (2021/2022)", "17", None, 17.0),  # a school year: no one year
        ("1.250", "1.250", None, 1250.0),
        ("(1.250)", "(1.250)", None, -1250.0),  # accounting negative, no year note
    ],
)
def test_a_year_note_after_a_figure_is_split_off(raw, figure, year, value):
    assert split_year_note(raw) == (figure, year)
    assert parse_dutch_number(raw) == value


@pytest.mark.parametrize(
    "value", [0, 1, -1, 999, 1000, 95225, -47002, 45917564, 0.819, 2.7, -0.5, 1234567.25, 100.125]
)
def test_format_round_trips(value):
    assert parse_dutch_number(format_dutch_number(value)) == pytest.approx(value)


def test_format_uses_dutch_separators():
    assert format_dutch_number(95225000) == "95.225.000"
    assert format_dutch_number(-1819) == "-1.819"
    assert format_dutch_number(0.819) == "0,819"


@pytest.mark.parametrize(
    "sentence, raw, euros",
    [
        ("Het voorlopig budget 2024 bedraagt €45.917.564, dit is veel.", "€45.917.564", 45917564),
        ("een verhoging van het budget van bijna €2,7 miljoen) en", "€2,7 miljoen", 2_700_000),
        ("Het geld voor het fonds (0,5 miljoen euro) is opgenomen.", "0,5 miljoen euro", 500_000),
        ("van 44.000 euro in 2019 naar 21.300 euro in 2022", "44.000 euro", 44000),
        ("Een bedrag van € 1.093.480 is nodig.", "€ 1.093.480", 1093480),
        ("We betalen EUR 250 per jaar.", "EUR 250", 250),
    ],
)
def test_finds_amounts_in_sentences(sentence, raw, euros):
    amounts = find_amounts(sentence)
    hit = next(a for a in amounts if a.raw == raw)
    assert hit.value_euros == pytest.approx(euros)
    assert sentence[hit.start : hit.end] == raw
    assert hit.unit == "€"


@pytest.mark.parametrize(
    "sentence",
    [
        "In 2023 is het plan vastgesteld op 1 november.",  # years and dates
        "Zie artikel 01.02 en taakveld 6.3 Inkomensregelingen.",  # section and taakveld codes
        "Exploitatie (bedragen x €1.000)",  # a unit, not an amount
        "Bedragen x € 1.000",
        "De circa 400 cliënten zijn overgedragen in 2022.",  # counts
        "datum 31-12-2022 en raadsvoorstel 2023-509",
        "twee grenzen (3% lid 2, € 40ooK lid 3)",  # a scan's misread amount run into letters
    ],
)
def test_skips_numbers_that_are_not_amounts(sentence):
    assert [a for a in find_amounts(sentence) if a.unit == "€"] == []


def test_percentages_are_marked_as_such():
    amounts = find_amounts("Het budgetaandeel steeg van 0,62% naar 0,66 procent.")
    assert [(a.number, a.unit, a.value_euros) for a in amounts] == [(0.62, "%", None), (0.66, "%", None)]


def test_every_amount_in_seed_slices_back(seeds_dir):
    for path in seeds_dir.glob("*.txt"):
        text = path.read_text(encoding="utf-8")
        for a in find_amounts(text):
            assert text[a.start : a.end] == a.raw


@pytest.mark.parametrize(
    "text, raws",
    [
        ("De berekende ratio van 17,4 valt in categorie A.", ["17,4"]),
        ("De netto schuldquote bedraagt 48 en de solvabiliteitsratio is 0,35.", ["48", "0,35"]),
        ("De schuldquote van 52% ligt onder de norm.", ["52%"]),  # a percentage stays one
        ("De ratio weerstandsvermogen wordt in 2024 opnieuw berekend.", []),  # a year is no ratio
        ("De ratio is in hoofdstuk 4 toegelicht.", []),  # the number does not follow a connector
        ("Een ratio van 1.250 woningen per wijk.", []),  # a thousands number is a count
    ],
)
def test_a_number_the_sentence_names_a_ratio_is_a_figure(text, raws):
    assert [a.raw for a in find_amounts(text)] == raws
    assert all(a.unit == "" and a.value_euros is None for a in find_amounts(text) if a.raw in raws and "%" not in a.raw)
