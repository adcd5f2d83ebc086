"""Tables read from word positions: synthetic pages of words, exact cells asserted."""

from __future__ import annotations

from corpus.pdftables import Word, make_lines, read_table

CHAR = 5.0  # points per character of the synthetic font
HEIGHT = 8.0


def words_at(y: float, *items: tuple[float, str], right: bool = False, bold: bool = False) -> list[Word]:
    """Words of one line; each item is (x, text): x is the left edge, or the right edge when
    `right` (figures are right-aligned)."""
    out = []
    for x, text in items:
        x = x - len(text) * CHAR if right else x
        for part in text.split(" "):
            out.append(Word(part, x, x + len(part) * CHAR, y, y + HEIGHT, bold))
            x += (len(part) + 1) * CHAR
    return out


def row(y: float, label: str, *figures: str, xs=(250, 300, 350, 420, 470, 520), bold: bool = False) -> list[Word]:
    return words_at(y, (50, label), bold=bold) + [
        w for x, f in zip(xs, figures) if f for w in words_at(y, (x, f), right=True)
    ]


def cells(table) -> dict[tuple[str, str], str]:
    return {
        (" › ".join(r.label), " › ".join(table.columns[i])): c
        for r in table.rows for i, c in enumerate(r.cells) if c
    }


def test_group_header_centred_over_three_columns_names_each_of_them() -> None:
    header = (
        words_at(100, (275, "Rekening"), (445, "Begroting"))
        + words_at(115, (287, "2022"), (457, "2024"))
        + words_at(130, (225, "baten"), (270, "lasten"), (325, "saldo"), (395, "baten"), (440, "lasten"), (495, "saldo"))
    )
    body = row(145, "P1 Veiligheid", "1.972", "-5.234", "-3.261", "102", "-4.204", "-4.103") + row(
        160, "P2 Mens en Maatschappij", "8.892", "-33.359", "-24.467", "11.652", "-38.934", "-27.281"
    )
    table = read_table(make_lines(header + body))
    assert table is not None
    got = cells(table)
    assert got[("P2 Mens en Maatschappij", "Rekening › 2022 › lasten")] == "-33.359"
    assert got[("P2 Mens en Maatschappij", "Rekening › 2022 › baten")] == "8.892"
    assert got[("P1 Veiligheid", "Begroting › 2024 › saldo")] == "-4.103"
    assert len(got) == 12


def test_two_figures_side_by_side_stay_two_cells() -> None:
    # Figures of neighbouring columns close together: never one cell "8.892 -33.359".
    body = row(100, "Baten", "8.892", "-33.359", xs=(250, 285)) + row(115, "Lasten", "1", "-2", xs=(250, 285))
    table = read_table(make_lines(body))
    assert table is not None
    assert [r.cells for r in table.rows] == [("8.892", "-33.359"), ("1", "-2")]


def test_label_wrapping_over_two_lines_is_one_label() -> None:
    lines = (
        row(100, "Combisporthal Dr.", "7.411.000", "7.411.000", xs=(300, 400))
        + words_at(109.5, (50, "Mansveltkade"))
        + row(130, "Gymzaal", "1.651.000", "1.651.000", xs=(300, 400))
    )
    table = read_table(make_lines(lines))
    assert table is not None
    assert [r.label for r in table.rows] == [("Combisporthal Dr. Mansveltkade",), ("Gymzaal",)]


def test_bold_heading_without_figures_is_the_parent_of_the_rows_below_it() -> None:
    lines = (
        row(85, "Vlottende activa", "13.760", "3.627", xs=(300, 400), bold=True)
        + words_at(100, (50, "Eigen Vermogen"), bold=True)
        + row(115, "Algemene reserves", "50.060", "49.000", xs=(300, 400))
        + row(130, "Bestemmingsreserves", "4.781", "4.500", xs=(300, 400))
        + row(145, "Vaste geldleningen", "3.559", "3.000", xs=(300, 400), bold=True)
    )
    table = read_table(make_lines(lines))
    assert table is not None
    assert [r.label for r in table.rows] == [
        ("Vlottende activa",),
        ("Eigen Vermogen", "Algemene reserves"),
        ("Eigen Vermogen", "Bestemmingsreserves"),
        ("Vaste geldleningen",),
    ]


def test_year_note_beside_a_figure_is_not_part_of_the_cell() -> None:
    lines = (
        words_at(100, (50, "Niet-sporters"), (260, "44,2% (2020)"), (360, "46,4% (2020)"))
        + words_at(115, (50, "Jongeren met jeugdhulp"), (260, "8,7% (2022)"), (360, "9,1% (2022)"))
    )
    table = read_table(make_lines(lines))
    assert table is not None
    assert [r.cells for r in table.rows] == [("44,2%", "46,4%"), ("8,7%", "9,1%")]


def test_left_aligned_figures_form_columns_too() -> None:
    lines = (
        words_at(100, (50, "Omschrijving"), (250, "2024"), (350, "2025"))
        + words_at(115, (50, "Lasten"), (250, "1.250"), (350, "1.300"))
        + words_at(130, (50, "Baten"), (250, "400"), (350, "420"))
    )
    table = read_table(make_lines(lines))
    assert table is not None
    assert table.columns == (("2024",), ("2025",))
    assert [r.cells for r in table.rows] == [("1.250", "1.300"), ("400", "420")]


def test_running_text_is_not_a_table() -> None:
    lines = words_at(100, (50, "De gemeente investeert in 2024 in de sporthal en de bibliotheek.")) + words_at(
        115, (50, "Daarnaast komt er geld voor het zwembad.")
    )
    assert read_table(make_lines(lines)) is None


def test_hyphenated_header_cell_is_one_column_name_and_not_a_group() -> None:
    # Two groups of (2023, 2024, Stijgingspercentage); "Stijgings-" is wrapped, not a group.
    xs = (270, 326, 390, 448, 504, 581)
    header = (
        words_at(110, (266, "Eenpersoons"), (451, "Meerpersoons"))
        + words_at(130, (341, "Stijgings-"), (532, "Stijgings-"))
        + words_at(150, (245, "2023"), (301, "2024"), (333, "percentage"), (422, "2023"), (478, "2024"), (524, "percentage"))
    )
    body = row(170, "OZB woningen", "333,55", "344,22", "3,2%", "333,55", "344,22", "3,2%", xs=xs) + row(
        190, "Afvalstoffenheffing", "341,28", "352,20", "3,2%", "491,40", "507,12", "3,2%", xs=xs
    )
    table = read_table(make_lines(header + body))
    assert table is not None
    assert table.columns == (
        ("Eenpersoons", "2023"), ("Eenpersoons", "2024"), ("Eenpersoons", "Stijgings- percentage"),
        ("Meerpersoons", "2023"), ("Meerpersoons", "2024"), ("Meerpersoons", "Stijgings- percentage"),
    )


def test_lower_case_row_label_continues_the_plain_line_above_even_at_row_spacing() -> None:
    lines = (
        words_at(100, (50, "% inwoners met"))
        + row(116, "schuldenproblematiek", "6,1%", "6,0%", xs=(300, 400))
        + row(133, "% eenzaamheid", "49%", "48%", xs=(300, 400))
    )
    table = read_table(make_lines(lines))
    assert table is not None
    assert [r.label for r in table.rows] == [("% inwoners met schuldenproblematiek",), ("% eenzaamheid",)]
