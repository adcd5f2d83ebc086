"""Years as documents and questions print them: `YEAR`, `years`, `year_span` (ranges
"2024-2027"), `RELATIVE_YEAR` (volgend jaar, resolved against the document's year) and
`year_shift` (een jaar later, counted from the year the conversation is about).
"""

from __future__ import annotations

import re


# A calendar year as documents and questions print it: not part of an amount ("2.024",
# "€ 2024"), a decimal, or a longer number.
YEAR = re.compile(r"(?<![\d.,€])((?:19[5-9]|20[0-9])\d)(?![\d]|[.,]\d)")
# "2024-2027", "2024/2025", "2024 t/m 2027": a span of years (a multi-year estimate).
YEAR_RANGE = re.compile(
    r"(?<![\d.,€])((?:19|20)\d\d)\s*(?:[-–/]|t/m|tot en met)\s*((?:19|20)\d\d)(?![\d]|[.,]\d)"
)
# "volgend jaar", "vorig jaar", "dit jaar": resolved against the document's year.
RELATIVE_YEAR = re.compile(
    r"\b(?:(volgend|komend|aankomend|vorig|afgelopen|dit|huidig|lopend)e?\s+jaar"
    r"|(next|coming|last|previous|this|current)\s+year)\b",
    re.IGNORECASE,
)
RELATIVE_YEAR_OFFSET = {
    "volgend": 1, "komend": 1, "aankomend": 1, "next": 1, "coming": 1,
    "vorig": -1, "afgelopen": -1, "last": -1, "previous": -1,
    "dit": 0, "huidig": 0, "lopend": 0, "this": 0, "current": 0,
}  # fmt: skip


# "een jaar later", "het jaar daarna", "twee jaar eerder": a year counted from the year the
# conversation is about (a follow-up's), not from the document's as RELATIVE_YEAR.
_SHIFT_COUNT = {"een": 1, "één": 1, "1": 1, "a": 1, "one": 1, "twee": 2, "2": 2, "two": 2, "drie": 3, "3": 3, "three": 3}
_SHIFT_LATER = r"later|daarna|erna|erop|daarop|nadien|after"
YEAR_SHIFT = re.compile(
    r"\b(?:(?P<n>een|één|1|twee|2|drie|3|a|one|two|three)\s+jaa?r(?:s)?\s+(?P<dir>later|daarna|erna|verder|eerder|ervoor|daarvoor|earlier|before|after)"
    r"|het\s+jaar\s+(?P<dir2>daarna|erna|erop|daarop|nadien|daarvoor|ervoor)"
    r"|the\s+(?P<dir3>following|next|previous)\s+year|the\s+year\s+(?P<dir4>after|before))\b",
    re.IGNORECASE,
)


def year_shift(text: str) -> tuple[tuple[int, int], int] | None:
    """(span, offset in years) of a year counted from another one ("een jaar later": +1, "het
    jaar ervoor": -1, "twee jaar later": +2); None when the text has none."""
    m = YEAR_SHIFT.search(text)
    if not m:
        return None
    n = _SHIFT_COUNT[(m.group("n") or "een").lower()]
    direction = (m.group("dir") or m.group("dir2") or m.group("dir3") or m.group("dir4")).lower()
    later = bool(re.fullmatch(_SHIFT_LATER + "|verder|following|next", direction))
    return m.span(), n if later else -n


def years(text: str) -> set[int]:
    """The calendar years printed in text."""
    return {int(y) for y in YEAR.findall(text)}


def year_span(text: str) -> set[int]:
    """Years a label covers: single years and ranges ("Meerjarenbegroting 2023-2026" -> 2023..2026)."""
    found = years(text)
    for a, b in YEAR_RANGE.findall(text):
        lo, hi = int(a), int(b)
        if lo <= hi <= lo + 15:
            found |= set(range(lo, hi + 1))
    return found
