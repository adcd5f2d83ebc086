"""Metadata detection: the five seeds with their manifest hidden, and small synthetic texts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus.metadata import (
    detect_doc_type,
    detect_metadata,
    detect_municipality,
    detect_program,
    detect_title,
    detect_year,
    find_export_date,
)
from corpus.models import DOC_TYPES

SEEDS = Path(__file__).resolve().parents[2] / "corpus" / "seeds"
ENTRIES = json.loads((SEEDS / "manifest.json").read_text(encoding="utf-8"))["documents"]


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["municipality"] for e in ENTRIES])
def test_seed_metadata_from_text_alone(entry: dict) -> None:
    """The original, meaningless file name (e.g. 000_9854538b558decdf.txt) is used, so the
    municipality, year and type must come from the text. (For Amersfoort the excerpt never
    says "Programmabegroting 2021": the year comes from its many "in 2021" mentions.)"""
    text = (SEEDS / entry["file"]).read_text(encoding="utf-8")
    meta = detect_metadata(text, entry["source"])
    assert (meta.municipality, meta.year, meta.doc_type) == (
        entry["municipality"],
        entry["year"],
        entry["doc_type"],
    )
    assert meta.title and meta.title in text


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["municipality"] for e in ENTRIES])
def test_seed_metadata_with_descriptive_file_name(entry: dict) -> None:
    text = (SEEDS / entry["file"]).read_text(encoding="utf-8")
    meta = detect_metadata(text, entry["file"])
    assert (meta.municipality, meta.year, meta.doc_type) == (
        entry["municipality"],
        entry["year"],
        entry["doc_type"],
    )


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Deze pagina is gebouwd op 03/12/2024 17:16:34 met de export van 06/19/2023 09:24:48",
            "2023-06-19",
        ),
        (
            "Deze pagina is gebouwd op 12/09/2020 13:28:21 met de export van 11/24/2020 14:10:26",
            "2020-11-24",
        ),
        # Day first, settled by the build date's 25.
        ("Deze pagina is gebouwd op 25/03/2024 10:00:00 met de export van 02/03/2024 09:00:00", "2024-03-02"),
        # Neither component above 12: the export cannot be after the build (2 Mar vs 3 Feb).
        ("Deze pagina is gebouwd op 02/03/2024 10:00:00 met de export van 03/02/2024 09:00:00", "2024-02-03"),
        ("Geen exportregel hier.", None),
        ("Deze pagina is gebouwd op 31/31/2024 10:00:00 met de export van 31/31/2024 09:00:00", None),
    ],
)
def test_find_export_date(text: str, expected: str | None) -> None:
    assert find_export_date(text) == expected


@pytest.mark.parametrize(
    "text, file_name, expected",
    [
        ("Programmabegroting 2025\nIn 2024 is veel gebeurd. In 2024 en 2024 ook.", "x.txt", 2025),
        ("Jaarverslag 2022 van het sociaal domein. Vergelijk met 2021, 2021 en 2021.", "", 2022),
        ("Meerjarenbegroting 2023-2026. In 2024 starten we. In 2024 evalueren we.", "", 2024),
        ("Zonder jaartal.", "begroting-2019.pdf", 2019),
        ("Het budget is 45.917.564 euro en 1.999 gezinnen; 2030 doelen, 2030.", "", 2030),
        ("Geen jaar, alleen 45.2021 en 1850.", "", None),
        (
            "Deze pagina is gebouwd op 03/12/2024 17:16:34 met de export van 06/19/2023 09:24:48\n"
            "Acties 2021",
            "",
            2021,
        ),
    ],
)
def test_detect_year(text: str, file_name: str, expected: int | None) -> None:
    assert detect_year(text, file_name) == expected


@pytest.mark.parametrize(
    "text, file_name, expected",
    [
        ("Programmabegroting 2024 programma Zorg", "", "programmabegroting"),
        ("3e Kwartaalrapportage 2023. Primitieve begroting en bijstelling.", "", "kwartaalrapportage"),
        ("Berap 2022 met afwijkingen", "", "kwartaalrapportage"),
        ("Jaarrekening 2022: wat hebben we bereikt", "", "jaarverslag"),
        ("Stand van zaken van het pakket en de voortgang", "", "voortgangsrapportage"),
        ("Kadernota 2025 met de financiële kaders", "", "kadernota"),
        ("Beleidsplan armoede en schulden", "", "beleidsnota"),
        ("Een tekst over iets anders.", "", "onbekend"),
        ("Een tekst over iets anders.", "voorjaarsnota_2024.pdf", "kadernota"),
    ],
)
def test_detect_doc_type(text: str, file_name: str, expected: str) -> None:
    assert expected in DOC_TYPES
    assert detect_doc_type(text, file_name) == expected


@pytest.mark.parametrize(
    "text, file_name, expected",
    [
        ("Tilburg en Tilburgers; ook Breda.", "", "Tilburg"),
        ("Eén keer Zwolle.", "groningen-begroting.pdf", "Groningen"),
        ("Utrecht. Hagenaars, Hagenezen en Den Haag.", "", "'s-Gravenhage"),
        ("Geen gemeente in deze tekst.", "notitie.txt", None),
    ],
)
def test_detect_municipality(text: str, file_name: str, expected: str | None) -> None:
    assert detect_municipality(text, file_name) == expected


@pytest.mark.parametrize(
    "text, file_name, expected",
    [
        ("Hoofdstukken\n\n2. Inclusieve stad\nTekst", "", "2. Inclusieve stad"),
        ("|\n  \nWat willen we bereiken\nArmoede aanpakken\n", "", "Armoede aanpakken"),
        ("", "mijn_begroting-2024.txt", "Mijn begroting 2024"),
    ],
)
def test_detect_title(text: str, file_name: str, expected: str) -> None:
    assert detect_title(text, file_name) == expected


def test_long_first_line_is_shortened_at_a_word() -> None:
    title = detect_title("woord " * 100)
    assert len(title) <= 152 and title.endswith("…")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Inleiding\nProgramma 3: Sociaal domein\nTekst", "Sociaal domein"),
        ("Programma Inkomensvoorziening en arbeidsmarkt\n", "Inkomensvoorziening en arbeidsmarkt"),
        ("Programma | Besloten via | Lasten |\n", None),
        ("het uitvoeringsprogramma 'Preventie' op", None),
        # A sentence that starts a line is prose, not the document's programme.
        ("programma Stimulering instandhouding en verduurzaming monumenten.\n", None),
        # A whole programmabegroting names every programme: it is about none in particular.
        ("Programma 1: Veiligheid\nTekst\nProgramma 2: Sociaal domein\n", None),
        ("Programma 2: Sociaal domein\nTekst\nProgramma 2: Sociaal domein\n", "Sociaal domein"),
    ],
)
def test_detect_program(text: str, expected: str | None) -> None:
    assert detect_program(text) == expected


def test_a_letter_to_the_council_is_a_raadsbrief_of_the_year_it_is_dated() -> None:
    text = (
        "Gemeente Zwolle\nPostbus 10007\n\ndatum\n3 maart 2025\nonderwerp\n\nToezeggingen begroting 2026\n\n"
        "Geachte raadsleden,\n\nIn de begroting 2026 staat een hogere afvalstoffenheffing; de begroting 2026 "
        "wordt in november behandeld.\n"
    )
    meta = detect_metadata(text, "brief.pdf")
    assert (meta.doc_type, meta.year, meta.title) == ("raadsbrief", 2025, "Toezeggingen begroting 2026")


def test_title_is_the_opening_line_that_names_the_document() -> None:
    text = "Gemeente\n5\nZwolle\nPROGRAMMABEGROTING 2025\nInhoudsopgave\nInleiding\n"
    assert detect_metadata(text, "x.pdf").title == "PROGRAMMABEGROTING 2025"


def test_a_table_header_cell_programma_is_not_a_programme_name() -> None:
    text = "Programma\nTabel 1.2 - Baten en lasten\nLasten | 1.234 |\n"
    assert detect_metadata(text, "x.pdf").program is None


@pytest.mark.parametrize(
    ("text", "file_name", "expected"),
    [
        # The cover names the issuer; the body mentions participating municipalities more.
        ("Programmabegroting 2025\nVeiligheidsregio Haaglanden\n" + "Den Haag, Delft en Zoetermeer. " * 20,
         "begroting.pdf", "Veiligheidsregio Haaglanden"),
        ("Jaarstukken 2023\nProvincie Zuid-Holland\n" + "In Leiden en Gouda. " * 20, "x.pdf", "Provincie Zuid-Holland"),
        ("Hoogheemraadschap van Rijnland\nBegroting 2024\n" + "Leiden " * 30, "x.pdf", "Hoogheemraadschap van Rijnland"),
        ("Waterschap Aa en Maas Begroting 2024\n" + "Oss " * 30, "x.pdf", "Waterschap Aa en Maas"),
        ("GGD Hollands Midden Programmabegroting 2025\n" + "Leiden " * 30, "x.pdf", "GGD Hollands Midden"),
        ("Begroting 2024\nGR Holland Rijnland\n" + "Leiden " * 30, "x.pdf", "GR Holland Rijnland"),
        ("Omgevingsdienst West-Holland\nJaarverslag 2023\n" + "Leiden " * 30, "x.pdf", "Omgevingsdienst West-Holland"),
        # A municipality on its own cover wins over the town mentioned most in the text.
        ("Programmabegroting 2024 gemeente Wassenaar\n" + "samen met Leiden " * 10, "x.pdf", "Wassenaar"),
        # Address and letterhead lines are not the issuer; then mentions count as before.
        ("GGD Haaglanden, Postbus 12652, 2500 DP Den Haag\nRaadsinformatiebrief\n" + "Wassenaar " * 5, "x.pdf", "Wassenaar"),
        # A regional body named in the file name, when the cover says nothing.
        ("Begroting 2024\n" + "Leiden " * 5, "ggd-hollands-midden-begroting-2024.pdf", "GGD Hollands Midden"),
        # A body mentioned in running text further on is not the issuer.
        ("Programmabegroting 2024\n" + "Tekst.\n" * 20 + "De Veiligheidsregio Haaglanden vraagt meer.\n" + "Wassenaar " * 3,
         "x.pdf", "Wassenaar"),
    ],
)
def test_the_organization_is_the_issuer_named_on_the_cover(text: str, file_name: str, expected: str) -> None:
    assert detect_metadata(text, file_name).municipality == expected
