"""The grounding guard catches numbers that no source or calculation supports."""

from assistant.grounding import ungrounded_numbers
from assistant.models import Calculation


def test_guard_catches_an_invented_number():
    sources = ["Lasten | 75.334 | 19.891 | 95.225 | -819 | 94.406 |"]
    assert ungrounded_numbers("De lasten zijn 95.225 [1].", sources) == []
    assert ungrounded_numbers("De lasten zijn 96.000 [1].", sources) == ["96.000"]
    assert ungrounded_numbers("In 2019 waren de lasten 95.225.", sources) == ["2019"]


def test_guard_allows_the_shown_unit_derivation_only_when_it_is_right():
    sources = ["Lasten | 75.334 | 19.891 | 95.225 |"]
    assert ungrounded_numbers("€ 95.225.000 (95.225 × € 1.000)", sources) == []
    assert ungrounded_numbers("€ 95.225.001 (95.225 × € 1.000)", sources) == ["95.225.001"]
    assert ungrounded_numbers("€ 96.000.000 (96.000 × € 1.000)", sources) == ["96.000.000", "96.000"]
    # A unit stated in the source grounds the product too.
    assert ungrounded_numbers("Dat is 95.225.000 euro.", ["(bedragen x €1.000)\nLasten | 95.225 |"]) == []


def test_guard_accepts_calculation_results_and_scaled_amounts():
    sources = ["Buig | Lasten | 542 | 2.503 |"]
    calc = Calculation("Verschil", "2.503 − 542 = 1.961 (× € 1.000)", 1_961_000.0, ())
    text = "Verschil: 2.503 − 542 = 1.961 (× € 1.000), dus € 1.961.000."
    assert ungrounded_numbers(text, sources, [calc]) == []
    assert ungrounded_numbers(text, sources) == ["1.961", "1.961.000"]
    assert ungrounded_numbers("€ 2.700.000", ["bijna €2,7 miljoen"]) == []


def test_guard_ignores_citation_markers_and_quoted_labels():
    assert ungrounded_numbers("Zie [12] in ‘3e kwartaalrapportage 2023’.", []) == []
