"""Visible text: words that leave no ink on the rendered page are not read (synthetic pages)."""

from __future__ import annotations

import numpy as np

from corpus.pdfink import INK_SCALE, has_ink, inked_share, visible_words

WHITE = 255


def page(width: float = 200, height: float = 100) -> np.ndarray:
    return np.full((int(height * INK_SCALE), int(width * INK_SCALE)), WHITE, dtype=np.uint8)


def ink(gray: np.ndarray, x0: float, top: float, x1: float, bottom: float, level: int = 0) -> None:
    """Paint strokes (every other pixel column) in the box, as a glyph does."""
    r0, r1 = int(top * INK_SCALE), int(bottom * INK_SCALE)
    for c in range(int(x0 * INK_SCALE), int(x1 * INK_SCALE), 2):
        gray[r0:r1, c] = level


def chars(text: str, x0: float, top: float, width: float = 5.0, height: float = 9.0) -> list[dict]:
    return [
        {"text": t, "x0": x0 + i * width, "x1": x0 + (i + 1) * width, "top": top, "bottom": top + height}
        for i, t in enumerate(text)
    ]


def word(text: str, x0: float, top: float) -> dict:
    cs = chars(text, x0, top)
    return {"text": text, "x0": cs[0]["x0"], "x1": cs[-1]["x1"], "top": top, "bottom": top + 9.0, "chars": cs}


def test_box_with_strokes_has_ink_and_a_blank_or_flat_filled_box_has_none() -> None:
    gray = page()
    ink(gray, 10, 10, 30, 19)
    gray[60:90, 0:300] = 200  # a grey row fill, no text on it
    assert has_ink(gray, 10, 10, 30, 19)
    assert not has_ink(gray, 50, 10, 70, 19)
    assert not has_ink(gray, 10, 42, 30, 58)


def test_white_text_on_a_dark_band_has_ink() -> None:
    gray = page()
    gray[0:30, :] = 60  # dark green header band
    ink(gray, 10, 5, 40, 14, level=WHITE)
    assert has_ink(gray, 10, 5, 40, 14)


def test_clipped_figure_under_a_visible_one_is_hidden_and_the_visible_one_kept() -> None:
    # "7.555" is in the text layer, but only "90" (over its last two characters) shows.
    gray = page()
    hidden, shown = word("7.555", 100, 20), word("90", 115, 20)
    ink(gray, 115, 20, 125, 29)
    words = [hidden, shown]
    kept = visible_words(words, [inked_share(gray, w["chars"]) for w in words])
    assert [w["text"] for w in kept] == ["90"]


def test_a_word_with_most_characters_inked_is_visible_and_one_without_ink_is_not() -> None:
    gray = page()
    ink(gray, 10, 10, 30, 19)  # "1.000" with a faint full stop: 4 of 5 characters show
    faint = word("1.000", 10, 10)
    gray[:, int(15 * INK_SCALE):int(20 * INK_SCALE)] = WHITE
    blank = word("41", 60, 10)
    words = [faint, blank]
    kept = visible_words(words, [inked_share(gray, w["chars"]) for w in words])
    assert [w["text"] for w in kept] == ["1.000"]


def test_of_two_overlapping_inked_words_the_one_drawn_first_is_under_the_later_cells_fill() -> None:
    gray = page()
    ink(gray, 100, 20, 150, 29)
    overflow, label = word("Emusaldo", 100, 20), word("EMU-SALDO", 100, 20)
    words = [overflow, label]
    shares = [inked_share(gray, w["chars"]) for w in words]
    assert [w["text"] for w in visible_words(words, shares, order=[5, 9])] == ["EMU-SALDO"]
    assert [w["text"] for w in visible_words(words, shares, order=[9, 5])] == ["Emusaldo"]
    # Words side by side on one line do not hide each other.
    apart = [word("Baten", 10, 20), word("1.972", 100, 20)]
    ink(gray, 10, 20, 35, 29)
    assert len(visible_words(apart, [inked_share(gray, w["chars"]) for w in apart], order=[1, 0])) == 2
