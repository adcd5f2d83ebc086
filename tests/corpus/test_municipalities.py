"""Municipality recognition: names, variants, demonyms, and the false hits it must avoid."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from corpus.municipalities import REFERENCE_CSV, Municipalities


@pytest.fixture(scope="module")
def known() -> Municipalities:
    return Municipalities.load()


def found(known: Municipalities, text: str) -> list[str]:
    return [m.name for m in known.find(text)]


def test_names_are_the_csv_municipalities_without_the_national_total(known: Municipalities) -> None:
    with open(REFERENCE_CSV, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    expected = {r["gemeente"] for r in rows if r["provincie"]}
    assert set(known.names()) == expected
    assert "Nederland" not in known.names()
    assert Municipalities.load() is known  # loaded once


@pytest.mark.parametrize(
    "text, expected",
    [
        ("De gemeente Utrecht investeert in schuldhulp.", ["Utrecht"]),
        ("Utrechters met schulden krijgen sneller hulp.", ["Utrecht"]),
        ("Het Utrechtse armoedebeleid", ["Utrecht"]),
        ("Veel nieuwe Enschedeërs en Enschedese jongeren", ["Enschede", "Enschede"]),
        ("Deventenaren en het Deventer beleid", ["Deventer", "Deventer"]),
        ("Amersfoorters en de Amersfoortse aanpak", ["Amersfoort", "Amersfoort"]),
        ("de Nieuwegeiner, Nieuwegeiners en Nieuwegeinse wijken", ["Nieuwegein"] * 3),
        ("Amsterdammers, Rotterdammers en Groningers", ["Amsterdam", "Rotterdam", "Groningen"]),
        ("Hagenaars en Hagenezen wonen in Den Haag", ["'s-Gravenhage"] * 3),
        ("in 's-Gravenhage en ’s-Gravenhage", ["'s-Gravenhage", "'s-Gravenhage"]),
        ("Bosschenaren uit Den Bosch en 's-Hertogenbosch", ["'s-Hertogenbosch"] * 3),
        ("Tilburgers, Eindhovenaren en Zwollenaren", ["Tilburg", "Eindhoven", "Zwolle"]),
        ("Arnhemmers, Nijmegenaren en Leidenaars", ["Arnhem", "Nijmegen", "Leiden"]),
        ("Haarlemmers en Almeerders", ["Haarlem", "Almere"]),
        ("Bergen (NH) en Bergen (L.) zijn twee gemeenten.", ["Bergen (NH.)", "Bergen (L.)"]),
        ("Hof van Twente en Son en Breugel werken samen.", ["Hof van Twente", "Son en Breugel"]),
        ("De Utrechtse Heuvelrug is geen Utrecht.", ["Utrechtse Heuvelrug", "Utrecht"]),
        ("Haarlemmermeer ligt naast Haarlem.", ["Haarlemmermeer", "Haarlem"]),
        ("Súdwest-Fryslân en Sudwest-Fryslan", ["Súdwest-Fryslân", "Súdwest-Fryslân"]),
        ("samen met centrumgemeente Utrecht.", ["Utrecht"]),
        ("Inwoners van Ede en Wageningen", ["Ede", "Wageningen"]),
        ("wonen in Best of in Goes", ["Best", "Goes"]),
        ("Buren helpen elkaar. De gemeente Buren helpt ook.", ["Buren"]),
        ("Het plan voor Leiden.", ["Leiden"]),
        ("Gemeenten: Best, Son en Breugel en Eindhoven.", ["Best", "Son en Breugel", "Eindhoven"]),
    ],
)
def test_find(known: Municipalities, text: str, expected: list[str]) -> None:
    assert found(known, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "In de bede staat mede dat het bestuur de best passende hulp biedt.",
        "Het Bestuur en de Bestuurders",  # Best inside a longer word
        "Best is om vroeg te beginnen.",  # the adjective at the start of a sentence
        "Kampen met schulden is zwaar.",
        "Leiden deze maatregelen tot minder armoede?",
        "Huizen worden duurder.\nPutten en bronnen",
        "de provincie Utrecht en de provincie Groningen",
        "Oost-Groningen is een regio.",
        "goes, leiden, best en ede in kleine letters",
        "Nederland heeft veel gemeenten.",
        "EDEN en Edelman en Bestemming",
    ],
)
def test_no_false_hits(known: Municipalities, text: str) -> None:
    assert found(known, text) == []


def test_mention_offsets_and_surface(known: Municipalities) -> None:
    text = "Sinds 2020 helpen Hagenaars in Den Haag."
    mentions = known.find(text)
    assert [(text[m.start : m.end], m.surface) for m in mentions] == [
        ("Hagenaars", "Hagenaars"),
        ("Den Haag", "Den Haag"),
    ]


@pytest.mark.parametrize(
    "surface, expected",
    [
        ("den haag", "'s-Gravenhage"),
        ("'S-GRAVENHAGE", "'s-Gravenhage"),
        ("Den Bosch", "'s-Hertogenbosch"),
        ("utrechters", "Utrecht"),
        ("Enschedese", "Enschede"),
        ("enschedeers", "Enschede"),
        ("Deventenaren", "Deventer"),
        ("gemeente Ede", "Ede"),
        ("  amersfoort ", "Amersfoort"),
        ("Bergen NH", "Bergen (NH.)"),
        ("Nuenen", "Nuenen, Gerwen en Nederwetten"),
        ("sudwest-fryslan", "Súdwest-Fryslân"),
        ("Utrechtse Heuvelrug", "Utrechtse Heuvelrug"),
        ("Atlantis", None),
        ("", None),
    ],
)
def test_canonical(known: Municipalities, surface: str, expected: str | None) -> None:
    assert known.canonical(surface) == expected


def test_every_name_is_found_and_canonical(known: Municipalities) -> None:
    for name in known.names():
        assert known.canonical(name) == name
        # Mid-sentence, after "in", every name is recognised as itself.
        assert found(known, f"Wij wonen in {name} sinds jaren.") == [name], name


def test_file_names_match_case_insensitively(known: Municipalities) -> None:
    names = [m.name for m in known.find("deventer kwartaalrapportage 2023 best practices", ignore_case=True)]
    assert names == ["Deventer"]


def test_custom_csv(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_text("gemeente,provincie,inwoners\nTestdorp,Utrecht,10\n", encoding="utf-8")
    small = Municipalities.load(path)
    assert small.names() == ("Testdorp",)
    assert [m.name for m in small.find("Testdorpers en Utrecht")] == ["Testdorp"]
