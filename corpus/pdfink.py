"""Which characters of a PDF page are visible: text that leaves no ink is not read.

Spreadsheet exports keep the full value of a cell in the text layer while the page shows it
clipped or covered by the next cell's fill ("7.555" under a visible "90"), and a shaded row may
hide a stale figure. Such text is in the content stream but on no printed page, so a reader that
takes every character finds two figures in one cell or a figure in an empty row. A character is
visible when the rendered page shows contrast inside its box (`has_ink`); the page is rendered
once in grayscale at `INK_SCALE` (pypdfium2).
"""

from __future__ import annotations

from typing import Any

# 1.5 pixels per point: a 9 pt digit is ~13 px high, enough to see its strokes.
INK_SCALE = 1.5
# Grey levels (0-255) between the lightest and darkest pixel inside a character's box below
# which the box shows no glyph: antialiased text on any fill differs by far more.
MIN_CONTRAST = 40
# Share of the box trimmed on each side, so a cell rule along the box edge is not ink
# (less from top and bottom: a full stop or comma sits low in its box).
TRIM_X, TRIM_Y = 0.2, 0.08


def render_gray(pdfium_page: Any) -> Any:
    """The page as a 2-D uint8 numpy array (0 = black), INK_SCALE pixels per point."""
    bitmap = pdfium_page.render(scale=INK_SCALE, grayscale=True)
    array = bitmap.to_numpy()
    # A copy: the view shares the bitmap's memory, which pdfium frees with the bitmap.
    return (array[:, :, 0] if array.ndim == 3 else array).copy()


def has_ink(gray: Any, x0: float, top: float, x1: float, bottom: float, scale: float = INK_SCALE) -> bool:
    """True when the rendered page shows contrast inside the box (points, top-down); a box
    outside the image or too small to judge counts as visible."""
    dx, dy = (x1 - x0) * TRIM_X, (bottom - top) * TRIM_Y
    c0, c1 = int((x0 + dx) * scale), int(round((x1 - dx) * scale))
    r0, r1 = int((top + dy) * scale), int(round((bottom - dy) * scale))
    height, width = gray.shape[:2]
    c0, r0 = max(c0, 0), max(r0, 0)
    c1, r1 = min(c1, width), min(r1, height)
    if c1 - c0 < 1 or r1 - r0 < 1:
        return True
    box = gray[r0:r1, c0:c1]
    return int(box.max()) - int(box.min()) >= MIN_CONTRAST


def inked_share(gray: Any, chars: list[dict]) -> float:
    """Share of a word's characters (pdfplumber char objects) that show ink (`has_ink`)."""
    glyphs = [c for c in chars if str(c.get("text", "")).strip()]
    if not glyphs:
        return 1.0
    inked = sum(
        has_ink(gray, float(c["x0"]), float(c["top"]), float(c["x1"]), float(c["bottom"])) for c in glyphs
    )
    return inked / len(glyphs)


def visible_words(words: list[dict], shares: list[float], order: list[int] | None = None) -> list[dict]:
    """The words (pdfplumber word dicts) a reader sees, given each word's `inked_share` and
    the position of its first character in the page's content stream (`order`).

    A word is hidden when fewer than half of its characters show ink (one faint full stop does
    not hide "1.000"), or when it overlaps a word that shows more ink (a clipped figure whose
    tail lies under the neighbour's visible text, "7.555" under "90", inherits that ink), or
    as much ink but is drawn later: a spreadsheet draws each cell's fill before its text, so
    the text overflowing from an earlier cell lies under the later cell's fill."""
    order = order if order is not None else list(range(len(words)))
    by_top = sorted(range(len(words)), key=lambda i: words[i]["top"])
    covered: set[int] = set()
    for a, i in enumerate(by_top):
        for j in by_top[a + 1:]:
            if words[j]["top"] >= words[i]["bottom"]:
                break
            if not _overlap(words[i], words[j]):
                continue
            # The one with less ink, or with as much but drawn first, is under the other.
            under = i if (shares[i], order[i]) < (shares[j], order[j]) else j
            covered.add(under)
    return [w for k, w in enumerate(words) if shares[k] >= 0.5 and k not in covered]


def _overlap(a: dict, b: dict) -> bool:
    """The boxes of two words overlap by more than a third of the smaller one's width, on one line."""
    width = min(a["x1"] - a["x0"], b["x1"] - b["x0"])
    dx = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
    dy = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
    return dx > width / 3 and dy > 0.5 * min(a["bottom"] - a["top"], b["bottom"] - b["top"])
