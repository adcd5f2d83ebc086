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


def tight(y: float, x: float, text: str) -> list[Word]:
    """Words of one phrase set as a PDF sets them: a space narrower than a character, so
    "Aantal per 1.000 inwoners" is one phrase and its "1.000" no figure of its own."""
    out = []
    for part in text.split(" "):
        out.append(Word(part, x, x + len(part) * 3.0, y, y + HEIGHT, False))
        x += len(part) * 3.0 + 2.0
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


def test_year_note_beside_a_figure_stays_in_its_cell() -> None:
    # The beleidsindicatoren print each figure with the year it was measured in.
    lines = (
        words_at(100, (50, "Niet-sporters"), (260, "44,2% (2020)"), (360, "46,4% (2020)"))
        + words_at(115, (50, "Jongeren met jeugdhulp"), (260, "8,7% (2022)"), (360, "9,1% (2022)"))
    )
    table = read_table(make_lines(lines))
    assert table is not None
    assert len(table.columns) == 2
    assert [r.cells for r in table.rows] == [("44,2% (2020)", "46,4% (2020)"), ("8,7% (2022)", "9,1% (2022)")]


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


# Ruled tables: header cells as pdfplumber finds them, (x0, top, x1, bottom).


def test_ruled_merged_header_cell_names_every_column_under_it_even_when_figures_are_centred() -> None:
    # "Indicatoren (%)" is one merged cell over three columns of centred figures; the right
    # edges of centred figures differ, so positions alone cannot place the group.
    header = words_at(100, (200, "Indicatoren (%)"), (470, "Normen")) + words_at(
        115, (230, "2022"), (320, "2023"), (410, "2024"), (470, "Vol-")
    ) + words_at(130, (470, "doende"))
    body = words_at(150, (50, "1a. Netto schuldquote"), (235, "23"), (322, "25"), (413, "18"), (475, "100")) + words_at(
        165, (50, "3. Structurele ruimte"), (228, "-0,85"), (318, "2,63"), (407, "0,04"), (478, "0,6")
    )
    cells_ = [(190, 98, 450, 110), (450, 98, 520, 110), (190, 110, 280, 125), (280, 110, 370, 125),
              (370, 110, 450, 125), (450, 110, 520, 140)]
    table = read_table(make_lines(header + body), cells_)
    assert table is not None
    assert table.columns == (
        ("Indicatoren (%)", "2022"), ("Indicatoren (%)", "2023"), ("Indicatoren (%)", "2024"), ("Normen", "Vol- doende"),
    )
    assert cells(table)[("3. Structurele ruimte", "Indicatoren (%) › 2023")] == "2,63"


def test_ruled_header_cell_text_left_of_its_figures_and_left_aligned_words_stay_in_their_cell() -> None:
    # A centred wrapped header reaches left of the figures below it; "x kans" is left-aligned
    # in the last cell, nearer to the middle column's right edge than to its own.
    header = words_at(100, (150, "Reeds beschikbaar"), (300, "Kans"), (350, "Bedrag")) + words_at(
        110, (160, "krediet"), (300, "op"), (350, "x kans")
    )
    body = row(130, "Tractie", "54.500", "70%", "700", xs=(260, 330, 400)) + row(
        145, "Totaal", "54.500", "35%", "117", xs=(260, 330, 400)
    )
    cells_ = [(140, 98, 262, 120), (295, 98, 332, 120), (345, 98, 402, 120)]
    table = read_table(make_lines(header + body), cells_)
    assert table is not None
    assert table.columns == (("Reeds beschikbaar krediet",), ("Kans op",), ("Bedrag x kans",))


def test_group_header_in_the_middle_one_of_three_unmerged_cells_names_all_three() -> None:
    # Word tables centre "Rekening" by typing it in the middle cell of baten / lasten / saldo.
    xs = (250, 300, 350, 420, 470, 520)
    header = words_at(100, (265, "Rekening"), (433, "Begroting")) + words_at(
        115, (215, "baten"), (270, "lasten"), (325, "saldo"), (385, "baten"), (440, "lasten"), (495, "saldo")
    )
    body = row(135, "P1", "1", "-2", "-1", "3", "-4", "-1", xs=xs) + row(150, "P2", "5", "-6", "-1", "7", "-8", "-1", xs=xs)
    cells_ = [(xs[i] - 50, 98, xs[i], 110) for i in range(6)] + [(xs[i] - 50, 110, xs[i], 125) for i in range(6)]
    table = read_table(make_lines(header + body), cells_)
    assert table is not None
    assert [c[0] for c in table.columns] == ["Rekening"] * 3 + ["Begroting"] * 3


def test_ruled_title_band_over_the_labels_and_all_columns_is_no_column_header() -> None:
    header = words_at(100, (50, "Berekening kostendekkendheid"))
    body = row(120, "Kosten taakveld", "2.354.000", "", xs=(300, 400)) + row(
        135, "Netto kosten", "", "2.333.000", xs=(300, 400)
    )
    table = read_table(make_lines(header + body), [(45, 98, 420, 110)])
    assert table is not None
    assert table.columns == ((), ())
    assert table.header_lines == ("Berekening kostendekkendheid",)


def test_one_ruled_row_under_column_headers_is_a_table_but_not_unruled() -> None:
    header = words_at(100, (250, "Wassenaar"), (330, "Leiden"))
    body = row(115, "OZB woning", "€ 334", "€ 361", xs=(300, 370))
    lines = make_lines(header + body)
    table = read_table(lines, [(240, 98, 302, 110), (310, 98, 372, 110)])
    assert table is not None
    assert cells(table) == {("OZB woning", "Wassenaar"): "€ 334", ("OZB woning", "Leiden"): "€ 361"}
    assert read_table(lines) is None


def test_label_lines_below_the_column_headers_are_headings_of_the_rows_not_headers() -> None:
    header = words_at(100, (50, "Balans"), (270, "2023"), (370, "2024"))
    body = (
        words_at(115, (50, "ACTIVA"))
        + words_at(130, (50, "Materiële vaste activa"), bold=True)
        + row(145, "Volgens staat C", "50.598", "52.915", xs=(300, 400))
        + row(160, "Overig", "1", "2", xs=(300, 400))
    )
    table = read_table(make_lines(header + body))
    assert table is not None
    assert table.columns == (("2023",), ("2024",))
    assert [r.label for r in table.rows] == [
        ("Materiële vaste activa", "Volgens staat C"), ("Materiële vaste activa", "Overig"),
    ]


def test_wrapped_header_label_in_lower_case_stays_in_the_header() -> None:
    header = words_at(100, (50, "Gemeentelijke"), (270, "Wassenaar"), (370, "Leiden")) + words_at(
        116, (50, "woonlasten 2023")
    )
    body = row(135, "Eenpersoons", "€ 806", "€ 851", xs=(320, 400)) + row(150, "Meerpersoons", "€ 1.092", "€ 991", xs=(320, 400))
    table = read_table(make_lines(header + body))
    assert table is not None
    assert [r.label for r in table.rows] == [("Eenpersoons",), ("Meerpersoons",)]


def test_bold_row_after_a_plain_heading_and_its_rows_is_not_their_child() -> None:
    lines = (
        words_at(85, (260, "Bedrag"), (360, "Totaal"))
        + words_at(100, (50, "Toe te rekenen kosten:"))
        + row(115, "Overhead", "368.000", "", xs=(300, 400))
        + row(130, "BTW", "175.000", "", xs=(300, 400))
        + row(145, "Totaal toerekenbare kosten", "", "543.000", xs=(300, 400), bold=True)
        + words_at(160, (50, "Inkomsten excl. heffingen"))
        + row(175, "Netto kosten", "", "2.333.000", xs=(300, 400), bold=True)
    )
    table = read_table(make_lines(lines))
    assert table is not None
    assert [r.label for r in table.rows] == [
        ("Toe te rekenen kosten:", "Overhead"), ("Toe te rekenen kosten:", "BTW"),
        ("Totaal toerekenbare kosten",), ("Netto kosten",),
    ]


def test_ruled_indicator_table_row_label_is_the_name_cell_without_number_unit_or_source() -> None:
    # Progr. | Nr. | Naam | Eenheid | Bron | Cijfer: the name is the label; the number columns
    # and the attributes right of the name are not; the unit's two lines stay in their cell.
    header = words_at(100, (50, "Progr."), (80, "Nr."), (110, "Naam"), (230, "Eenheid"), (330, "Bron"), (420, "Cijfer"))
    body = (
        tight(118, 230, "Aantal per 1.000")
        + words_at(124, (50, "1"), (80, "6."), (110, "Verwijzingen Halt"), (330, "CBS"), (430, "10"))
        + words_at(130, (230, "jongeren"))
        + words_at(150, (50, "2"), (80, "20."), (110, "Niet-sporters"), (230, "%"), (330, "CBS"), (420, "44,2%"))
    )
    xs = (45, 75, 105, 225, 325, 400, 470)
    cells_ = [(a, 98, b, 110) for a, b in zip(xs, xs[1:])]
    cells_ += [(a, 115, b, 140) for a, b in zip(xs, xs[1:])] + [(a, 145, b, 160) for a, b in zip(xs, xs[1:])]
    table = read_table(make_lines(header + body), cells_)
    assert table is not None
    assert [r.label for r in table.rows] == [("Verwijzingen Halt",), ("Niet-sporters",)]
    assert [r.cells for r in table.rows] == [("10",), ("44,2%",)]
    # The column headed "Eenheid" states each row's unit, its wrapped lines joined.
    assert [r.unit for r in table.rows] == ["Aantal per 1.000 jongeren", "%"]


def _indicator_rows(units: list[str]) -> tuple[list, list]:
    """Words and ruled cells of indicator rows without a header (a table continued from the
    previous page): Nr. | Naam | <attribute> | Bron | Cijfer, one row per unit."""
    words, cells_ = [], []
    xs = (45, 75, 225, 325, 400, 470)
    for i, unit in enumerate(units):
        y = 100 + 20 * i
        words += words_at(y + 4, (50, f"{i + 1}."), (80, f"Indicator {chr(65 + i)}"), (330, "CBS"), (430, str(10 + i)))
        words += tight(y + 4, 230, unit)
        cells_ += [(a, y + 3, b, y + 18) for a, b in zip(xs, xs[1:])]
    return words, cells_


def test_ruled_unit_column_without_header_is_found_by_its_unit_phrases() -> None:
    words, cells_ = _indicator_rows(["Duizend euro", "In Euro's", "Aantal per 1.000 inwoners"])
    table = read_table(make_lines(words), cells_)
    assert table is not None
    assert [r.label for r in table.rows] == [("Indicator A",), ("Indicator B",), ("Indicator C",)]
    assert [r.unit for r in table.rows] == ["Duizend euro", "In Euro's", "Aantal per 1.000 inwoners"]


def test_ruled_attribute_column_that_states_no_units_gives_rows_no_unit() -> None:
    words, cells_ = _indicator_rows(["Gemeente", "Provincie", "Rijk"])
    table = read_table(make_lines(words), cells_)
    assert table is not None
    assert [r.unit for r in table.rows] == ["", "", ""]


def test_ruled_cell_spanning_several_rows_left_of_their_names_is_their_parent() -> None:
    header = words_at(100, (50, "Berekening"), (330, "2023"), (390, "2024"))
    body = (
        row(120, "EMU-saldo", "-593", "12", xs=(350, 410))
        + words_at(140, (50, "Mutaties"), (130, "Liquide middelen"), (340, "90"), (405, "0"))
        + words_at(155, (130, "Overlopende activa"), (335, "754"), (405, "0"))
    )
    cells_ = [(45, 98, 320, 110), (320, 98, 360, 110), (360, 98, 420, 110), (45, 115, 320, 130),
              (45, 135, 125, 165), (125, 135, 320, 150), (125, 150, 320, 165)]
    cells_ += [(320, y0, 360, y1) for y0, y1 in ((115, 130), (135, 150), (150, 165))]
    table = read_table(make_lines(header + body), cells_)
    assert table is not None
    assert [r.label for r in table.rows] == [
        ("EMU-saldo",), ("Mutaties", "Liquide middelen"), ("Mutaties", "Overlopende activa"),
    ]


def test_bold_group_heading_right_above_a_wrapped_plain_label_is_its_parent_not_its_first_line() -> None:
    # The figures stand between the two lines of the vertically centred label.
    lines = (
        row(100, "P2 Mens", "50", "", xs=(300, 400))
        + words_at(117, (50, "P3 Bestuur en Middelen"), bold=True)
        + words_at(126, (50, "Ontvlechting Sociaal Domein"))
        + words_at(131, (300, "500"), (400, "200"), right=True)
        + words_at(136, (50, "Voorschoten"))
        + row(150, "Verbeteren bestuurscultuur", "81", "", xs=(300, 400))
    )
    table = read_table(make_lines(lines))
    assert table is not None
    assert [r.label for r in table.rows] == [
        ("P2 Mens",),
        ("P3 Bestuur en Middelen", "Ontvlechting Sociaal Domein Voorschoten"),
        ("P3 Bestuur en Middelen", "Verbeteren bestuurscultuur"),
    ]


def test_one_ruled_label_column_in_a_frame_is_read_by_position_as_without_rules() -> None:
    # A frame cell around the label column and the figures' cells, which start well left of
    # the right-aligned figures, are not text columns of their own.
    header = words_at(100, (330, "tarief 2023"), (420, "tarief 2024"))
    body = (
        words_at(115, (50, "Standplaats"))
        + row(130, "per meter, per dag", "4,15", "4,28", xs=(380, 480))
        + row(145, "per meter, per kwartaal", "41,40", "42,72", xs=(380, 480))
    )
    cells_ = [(45, 112, 290, 160), (50, 112, 285, 160), (290, 112, 385, 160), (385, 112, 485, 160),
              (290, 98, 385, 110), (385, 98, 485, 110)]
    lines = make_lines(header + body)
    with_rules, without = read_table(lines, cells_), read_table(lines)
    assert with_rules is not None and without is not None
    assert [r.label for r in with_rules.rows] == [r.label for r in without.rows] == [
        ("Standplaats per meter, per dag",), ("per meter, per kwartaal",),
    ]


def test_ruled_group_names_on_first_rows_only_carry_down_and_unruled_cells_under_one_rule_split() -> None:
    # Activa | Financiële vaste | Kapitaal- / verstrekkingen (a split cell); the group names
    # stand on the first row of their group only; one rule holds "Liquide middelen" and
    # "Overlopende activa" on two rows.
    header = words_at(100, (50, "Berekening"), (330, "2023"))
    body = (
        words_at(120, (50, "Activa"), (100, "Financiële vaste"), (200, "Kapitaal-"), (340, "-36"))
        + words_at(130, (200, "verstrekkingen"))
        + words_at(145, (200, "Uitzettingen"), (345, "0"))
        + words_at(160, (100, "Vlottende activa"), (200, "Liquide middelen"), (340, "90"))
        + words_at(175, (200, "Overlopende activa"), (335, "754"))
    )
    cells_ = [
        (45, 98, 320, 112), (320, 98, 360, 112),
        (45, 115, 95, 140), (95, 115, 195, 140), (195, 115, 320, 128), (195, 128, 320, 140),
        (45, 140, 95, 155), (95, 140, 195, 155), (195, 140, 320, 155),
        (45, 155, 95, 185), (95, 155, 195, 185), (195, 155, 320, 185),
    ] + [(320, y0, 360, y1) for y0, y1 in ((115, 140), (140, 155), (155, 170), (170, 185))]
    table = read_table(make_lines(header + body), cells_)
    assert table is not None
    assert [r.label for r in table.rows] == [
        ("Activa", "Financiële vaste", "Kapitaal- verstrekkingen"),
        ("Activa", "Financiële vaste", "Uitzettingen"),
        ("Activa", "Vlottende activa", "Liquide middelen"),
        ("Activa", "Vlottende activa", "Overlopende activa"),
    ]


def test_wrapped_header_cell_drawn_as_one_box_per_line_is_one_part_but_ruled_rows_stay_levels() -> None:
    header = (
        words_at(100, (300, "Kans"), (360, "2022"))
        + words_at(110, (300, "op"))
        + words_at(125, (360, "Verslag"))
    )
    body = row(145, "Jeugdzorg", "70%", "23", xs=(330, 400)) + row(160, "Omgevingswet", "50%", "25", xs=(330, 400))
    cells_ = [(295, 98, 332, 108.5), (295, 108.5, 332, 120), (355, 98, 402, 120), (355, 120, 402, 135)]
    table = read_table(make_lines(header + body), cells_)
    assert table is not None
    assert table.columns == (("Kans op",), ("2022", "Verslag"))


def test_ruled_column_headed_eenheid_is_the_unit_column_whatever_its_cells_say() -> None:
    words, cells_ = _indicator_rows(["Stuks", "Meter"])
    header = words_at(80, (50, "Nr."), (80, "Naam"), (230, "Eenheid"), (330, "Bron"), (420, "Cijfer"))
    cells_ += [(a, 78, b, 92) for a, b in zip((45, 75, 225, 325, 400), (75, 225, 325, 400, 470))]
    table = read_table(make_lines(header + words), cells_)
    assert table is not None
    assert [r.label for r in table.rows] == [("Indicator A",), ("Indicator B",)]
    assert [r.unit for r in table.rows] == ["Stuks", "Meter"]


def test_a_description_beside_and_below_a_row_s_figures_is_kept_with_the_row() -> None:
    # A table of descriptions (verbonden partijen): a prose column beside the figures, its
    # text wrapped over lines that have no figure of their own.
    from corpus.pdf import _Builder, note_paragraphs

    lines = (
        words_at(100, (50, "Partij"), (200, "Toelichting"), (420, "Bijdrage"))
        + words_at(115, (50, "GGD Noord"), (460, "€ 543.000")) + tight(115, 200, "De ratio van de GGD bedraagt")
        + tight(125, 200, "1,9 dit is ruim voldoende.")
        + words_at(140, (50, "Omgevingsdienst"), (460, "€ 962.000"))
    )
    table = read_table(make_lines(lines))
    assert table is not None
    assert [(r.label, r.cells[-1]) for r in table.rows] == [(("GGD Noord",), "€ 543.000"), (("Omgevingsdienst",), "€ 962.000")]
    assert note_paragraphs(table.rows[0].notes) == ["De ratio van de GGD bedraagt 1,9 dit is ruim voldoende."]
    assert table.rows[1].notes == () and table.notes == ()
    # Written after the row's cells, which keep their exact offsets.
    builder = _Builder()
    builder.add_table(table, "Verbonden partijen", "", 1)
    text, row = builder.text, builder.tables[0].rows[0]
    assert "GGD Noord | € 543.000 | De ratio van de GGD bedraagt 1,9 dit is ruim voldoende." in text
    assert text[slice(*row.cell_spans[-1])] == "€ 543.000" and text[row.start:row.end].endswith("voldoende.")
    # Phrases of two prose columns are two paragraphs, each in reading order.
    notes = ((300.0, 20.0, "tweede rechts"), (200.0, 10.0, "eerste links"), (300.0, 10.0, "eerste rechts"),
             (201.0, 20.0, "tweede links"))
    assert note_paragraphs(notes) == ["eerste links tweede links", "eerste rechts tweede rechts"]


def test_a_row_s_unit_is_written_on_its_line_and_its_cells_stay_exact() -> None:
    # An indicator table read with its unit column: the line says what the figure counts.
    from corpus.pdf import _Builder

    words, cells_ = _indicator_rows(["Fte per 1.000 inwoners", "%"])
    grid = read_table(make_lines(words), cells_)
    assert grid is not None and [r.unit for r in grid.rows] == ["Fte per 1.000 inwoners", "%"]
    builder = _Builder()
    builder.add_table(grid, "Beleidsindicatoren", "", 1)
    table, text = builder.tables[0], builder.text
    assert "Indicator A (Fte per 1.000 inwoners) | 10 |" in text and "Indicator B (%) | 11 |" in text
    row = table.rows[0]
    assert row.label == ("Indicator A",) and text[slice(*row.cell_spans[0])] == "10"


def test_a_description_column_right_of_the_figures_keeps_every_line_with_its_row() -> None:
    # "Specificatie werkzaamheden" beside the budgets per kapitaalgoed: each description starts
    # on its row's line of figures and wraps below it, also beside a wrapped row label.
    lines = (
        words_at(100, (50, "Kapitaalgoed"), (250, "2024"), (300, "2025"), (330, "Specificatie"))
        + row(115, "Riolering", "1.548", "1.517", xs=(280, 330)) + tight(115, 340, "Reparaties, verhelpen storingen,")
        + tight(125, 340, "reiniging en inspecties")
        + row(140, "Civieltechnische", "124", "204", xs=(280, 330)) + tight(140, 340, "Reinigingen, schilderen,")
        + words_at(150, (50, "kunstwerken")) + tight(150, 340, "herstel en inspecties")
        + row(165, "Wegmeubilair", "118", "125", xs=(280, 330)) + tight(165, 340, "Reinigen en vervangen")
    )
    table = read_table(make_lines(lines))
    assert table is not None
    from corpus.pdf import note_paragraphs

    assert [(r.label, r.cells, note_paragraphs(r.notes)) for r in table.rows] == [
        (("Riolering",), ("1.548", "1.517"), ["Reparaties, verhelpen storingen, reiniging en inspecties"]),
        (("Civieltechnische kunstwerken",), ("124", "204"), ["Reinigingen, schilderen, herstel en inspecties"]),
        (("Wegmeubilair",), ("118", "125"), ["Reinigen en vervangen"]),
    ]


def test_text_of_a_table_s_lines_that_its_grid_does_not_keep_is_found_to_follow_it() -> None:
    from corpus.pdf import lost_phrases
    from corpus.pdftables import GridRow, GridTable

    lines = make_lines(
        words_at(100, (50, "Risico"), (250, "2024"))
        + row(115, "Jeugdzorg", "700", xs=(280,)) + tight(115, 340, "De kosten stijgen door meer cliënten")
        + words_at(130, (50, "Wmo"), (280 - 3 * 6, "525"))
    )
    kept = GridTable(
        columns=(("2024",),),
        rows=(GridRow(("Jeugdzorg",), ("700",), 115, 125), GridRow(("Wmo",), ("525",), 130, 140)),
        header_lines=("Risico",),
        bbox=(50, 100, 400, 140),
    )
    assert [text for _, _, text in lost_phrases(kept, lines)] == ["De kosten stijgen door meer cliënten"]
    described = GridTable(kept.columns, (GridRow(("Jeugdzorg",), ("700",), 115, 125, notes=((340, 115, "De kosten stijgen door meer cliënten"),)), kept.rows[1]), kept.header_lines, kept.bbox)
    assert lost_phrases(described, lines) == []


def test_the_numbers_of_the_columns_under_a_header_line_are_header_not_a_row() -> None:
    # A kasgeldlimiet per quarter: "Kwartaal" over "1 2 3 4" over the year, then the rows.
    xs = (250, 300, 350, 400)
    lines = (
        words_at(100, *((x - 40, "Kwartaal") for x in xs))
        + row(110, "van het kwartaal", "1", "2", "3", "4", xs=xs)
        + row(120, "", "2024", "2024", "2024", "2024", xs=xs)
        + row(135, "Gemiddeld liquiditeitssaldo", "13.903", "11.825", "9.747", "7.669", xs=xs)
        + row(145, "Kasgeldlimiet", "7.498", "7.498", "7.498", "7.498", xs=xs)
    )
    table = read_table(make_lines(lines))
    assert table is not None
    assert [" ".join(path) for path in table.columns] == [f"Kwartaal {n} 2024" for n in (1, 2, 3, 4)]
    assert [r.label for r in table.rows] == [("Gemiddeld liquiditeitssaldo",), ("Kasgeldlimiet",)]
    # A table's first line of 1, 2, 3 is a row of counts.
    counts = read_table(make_lines(row(100, "Aantal scholen", "1", "2", "3", xs=xs) + row(110, "Aantal sporthallen", "2", "2", "3", xs=xs)))
    assert counts is not None and [r.cells for r in counts.rows] == [("1", "2", "3"), ("2", "2", "3")]
