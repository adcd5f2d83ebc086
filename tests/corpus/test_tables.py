"""Tables found in text: every seed table checked against the raw text it came from."""

from __future__ import annotations

import re

import pytest

from corpus.models import stable_id
from corpus.numbers import parse_dutch_number
from corpus.tables import NOTE_COLUMN, find_tables, is_unit_phrase, money_unit, parse_unit


def _seed(seeds_dir, prefix: str) -> str:
    return next(seeds_dir.glob(f"{prefix}*.txt")).read_text(encoding="utf-8")


def _all_tables(seeds_dir):
    for path in sorted(seeds_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        yield path.stem, text, find_tables(path.stem, text)


def _numeric(cell: str) -> bool:
    return parse_dutch_number(cell) is not None


def test_every_cell_and_row_slices_back_to_the_text(seeds_dir):
    n_tables = 0
    for doc_id, text, tables in _all_tables(seeds_dir):
        for t in tables:
            n_tables += 1
            assert t.id == stable_id(doc_id, t.start)
            assert t.start <= t.header_span[0] <= t.header_span[1] <= t.end
            for row in t.rows:
                assert len(row.cells) == len(t.columns) == len(row.cell_spans)
                assert t.start <= row.start < row.end <= t.end
                for cell, (s, e) in zip(row.cells, row.cell_spans):
                    if cell:
                        assert text[s:e] == cell
                        assert row.start <= s < e <= row.end
                    else:
                        assert (s, e) == (-1, -1)
    assert n_tables >= 7  # Deventer's six pipe tables and Utrecht's flattened one


def test_every_numeric_pipe_line_becomes_a_row_with_the_same_cells(seeds_dir):
    """Derive expectations from the raw pipe lines: split each line ourselves and compare."""
    text = _seed(seeds_dir, "deventer")
    tables = find_tables("deventer", text)
    rows = {r.start: r for t in tables for r in t.rows}
    checked = 0
    pos = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\n")
        cells = [c.strip() for c in body.split("|")]
        numbers = [c for c in cells if _numeric(c)]
        if "|" in body and len(numbers) >= 2 and not all(re.fullmatch(r"20\d\d", c) for c in numbers):
            row = rows[pos]
            first_num = next(i for i, c in enumerate(cells) if _numeric(c))
            labels = [c for c in cells[:first_num] if c]
            assert [c for c in row.cells if _numeric(c)] == numbers
            assert row.label[-len(labels):] == tuple(labels)
            checked += 1
        pos += len(line)
    assert checked == sum(1 for t in tables for r in t.rows if any(_numeric(c) for c in r.cells)) >= 30


def test_headers_are_the_header_lines_cells(seeds_dir):
    text = _seed(seeds_dir, "deventer")
    for t in find_tables("d", text):
        header_cells = [c.strip() for c in text[t.header_span[0] : t.header_span[1]].split("|") if c.strip()]
        columns = [c for c in t.columns if c != NOTE_COLUMN]
        assert header_cells[len(header_cells) - len(columns) :] == columns


def test_deventer_table_shapes(seeds_dir):
    text = _seed(seeds_dir, "deventer")
    tables = find_tables("d", text)
    by_caption = {}
    for t in tables:
        by_caption.setdefault(t.caption, []).append(t)
    expl = by_caption["Exploitatie"][0]
    assert expl.columns[2] == "Begroting na wijzigingen"
    assert expl.multiplier == 1000 and expl.unit_text == "bedragen x€1.000"
    assert [r.label for r in expl.rows] == [("Lasten",), ("Baten",), ("Saldo",)]
    assert [r.is_total for r in expl.rows] == [False, False, True]

    spec = by_caption["Exploitatie: Specificaties wijzigingen deze periode"][0]
    assert spec.columns == ("2023", "2024", "2025", "2026", "2027")
    assert spec.multiplier == 1000
    # A row label spanning two columns keeps its parent; the "---|---" line in an odd place
    # does not split the table.
    assert spec.rows[0].label == ("Armoedebeleid", "Lasten")
    assert ("Integrale jongeren aanpak", "Lasten") in [r.label for r in spec.rows]
    totals = [r.label for r in spec.rows if r.is_total]
    assert totals == [("Totaal lasten",), ("Totaal baten",), ("Saldo",)]

    history = by_caption["Exploitatie"][1]
    assert history.columns[:3] == ("Lasten", "Baten", "Saldo")
    first_label = history.rows[0].label[0]
    # Rows that leave out the programme inherit it; their figures still line up.
    for row in history.rows[1:]:
        if not row.is_total:
            assert row.label[0] == first_label
            assert _numeric(row.cells[0]) and _numeric(row.cells[2])


def test_explanation_lines_stay_with_their_item(seeds_dir):
    text = _seed(seeds_dir, "deventer")
    changes = find_tables("d", text)[0]
    assert changes.columns[-1] == NOTE_COLUMN
    lines = text.splitlines()
    for row in changes.rows:
        item_line = text[row.start : text.index("\n", row.start)]
        next_line = lines[lines.index(item_line) + 1]
        assert row.cells[-1] == next_line.split("|")[0].strip()
        assert row.label == (item_line.split("|")[0].strip(),)
    assert not any(_numeric(c) for r in changes.rows for c in r.cells)


def test_utrecht_flattened_table(seeds_dir):
    text = _seed(seeds_dir, "utrecht")
    tables = find_tables("u", text)
    assert len(tables) == 1
    t = tables[0]
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    header_at = lines.index("Onderwerp")
    assert t.columns == tuple(lines[header_at + 1 : header_at + 6])
    assert len(t.rows) == 4 and all(len(r.cells) == 5 for r in t.rows)
    assert [bool(r.label) for r in t.rows] == [True, True, True, False]
    assert t.rows[-1].is_total and not any(r.is_total for r in t.rows[:3])
    assert t.rows[0].label == (lines[header_at + 6],)
    # Every figure line of the block in order, exactly as printed.
    figures = [c for r in t.rows for c in r.cells]
    block = [l for l in lines[header_at + 6 :] if _numeric(l)]
    assert figures == block[: len(figures)]
    assert "-1.291*" in figures
    assert t.unit_text is None and t.multiplier is None  # the excerpt states no unit
    assert t.footnotes and t.footnotes[0][0] == "*"
    assert t.end >= text.index("* De verwachte")


@pytest.mark.parametrize(
    "caption, unit, multiplier",
    [
        ("(bedragen x€1.000)", "bedragen x€1.000", 1000),
        ("Exploitatie (bedragen x €1.000)", "bedragen x €1.000", 1000),
        ("Begroting (bedragen x € 1.000)", "bedragen x € 1.000", 1000),
        ("Lasten x € 1.000", "x € 1.000", 1000),
        ("Investeringen (x € 1 mln)", "x € 1 mln", 1_000_000),
        ("bedragen x € 1.000.000", "bedragen x € 1.000.000", 1_000_000),
        ("Bedragen in euro's", "Bedragen in euro's", 1),
        ("(bedragen in duizenden euro's)", "bedragen in duizenden euro's", 1000),
        ("(€ x 1.000)", "€ x 1.000", 1000),
        ("Stand van zaken financieel", None, None),
        ("Onderwerp", None, None),
        # Units stated on their own, as unit columns and unit lines print them.
        ("Duizend euro", "Duizend euro", 1000),
        ("(bedragen in duizend euro)", "(bedragen in duizend euro)", 1000),
        ("in duizenden euro's", "in duizenden euro's", 1000),
        ("x 1.000 euro", "x 1.000 euro", 1000),
        ("In Euro's", "In Euro's", 1),
        ("Euro", "Euro", 1),
        ("Miljoen euro", "Miljoen euro", 1_000_000),
        ("Duizend euro’s", "Duizend euro’s", 1000),
        ("x € 1 mln", "x € 1 mln", 1_000_000),
        ("%", "%", None),
        # Not units: a count per population, and amounts inside a caption.
        ("Aantal per 1.000 inwoners", None, None),
        ("Fte per 1.000 inwoners", None, None),
        ("Investeringen van meer dan 50 duizend euro", None, None),
        ("Projecten boven 1 miljoen euro", None, None),
        ("Europese subsidies", None, None),
        ("Stijging van 5%", None, None),
    ],
)
def test_units(caption, unit, multiplier):
    assert parse_unit(caption) == (unit, multiplier)


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("Duizend euro", True),
        ("In Euro's", True),
        ("%", True),
        ("% van alle jongeren tot 18 jaar", True),
        ("Aantal per 1.000 inwoners", True),
        ("Fte per 1.000 inwoners", True),
        ("Kosten per inwoner", True),
        ("Kg/inwoner", True),
        ("Verwijzingen Halt", False),
        ("CBS", False),
        ("Aantal inwoners", False),
        ("", False),
    ],
)
def test_unit_phrases(cell, expected):
    assert is_unit_phrase(cell) is expected


def test_money_unit_skips_a_percent_column():
    assert money_unit(["Exploitatie", "%", "bedragen x € 1.000"]) == ("bedragen x € 1.000", 1000)
    assert money_unit(["Wassenaar", "%"]) == (None, None)


def test_loader_style_pipe_table_with_caption_unit():
    text = (
        "Financiën\n"
        "Begroting (bedragen x € 1.000)\n"
        "Taakveld | 2024 | 2025 | 2026 |\n"
        "Wmo | 1.200 | 1.300 | -50 |\n"
        "Jeugdhulp | 2.000 | 2.100 | 2.150 |\n"
        "Totaal | 3.200 | 3.400 | 2.100 |\n"
        "Na de tabel volgt tekst.\n"
    )
    (t,) = find_tables("pdf", text, section_of=lambda off: ("Financiën",))
    assert t.caption == "Begroting" and t.multiplier == 1000
    assert t.columns == ("2024", "2025", "2026")
    assert [r.label for r in t.rows] == [("Wmo",), ("Jeugdhulp",), ("Totaal",)]
    assert t.rows[0].cells == ("1.200", "1.300", "-50")
    assert [r.is_total for r in t.rows] == [False, False, True]
    assert t.section == ("Financiën",)
    assert text[t.header_span[0] : t.header_span[1]] == "Taakveld | 2024 | 2025 | 2026 |"


def test_markdown_pipe_table_with_leading_pipes_and_placeholders():
    text = "| Post | Begroot | Realisatie |\n|---|---|---|\n| Huur | 10 | - |\n| Energie | 5 | 7 |\n"
    (t,) = find_tables("md", text)
    assert t.columns == ("Begroot", "Realisatie")
    assert t.rows[0].label == ("Huur",) and t.rows[0].cells == ("10", "-")
    assert t.unit_text is None and t.multiplier is None


def test_header_split_over_two_rows_is_joined():
    text = "Programma | Begroting | Begroting |\n | 2024 | 2025 |\nWmo | 10 | 11 |\nJeugd | 20 | 21 |\n"
    (t,) = find_tables("x", text)
    assert t.columns == ("Begroting 2024", "Begroting 2025")
    assert t.header_span == (0, text.index("Wmo") - 1)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "|\n|\n. |\nActies 2024 |\n|\n",  # stray separators as in the Enschede export
        "Alleen tekst zonder tabel.\nNog een regel.\n",
        "a | b\n",  # one line is no table
        "\n".join(["x"] * 3),
    ],
)
def test_no_tables_in_debris(text):
    assert find_tables("x", text) == []


def test_enschede_has_no_tables(seeds_dir):
    assert find_tables("e", _seed(seeds_dir, "enschede")) == []


def test_deterministic(seeds_dir):
    text = _seed(seeds_dir, "deventer")
    assert find_tables("d", text) == find_tables("d", text)
