"""Dutch numbers and amounts: parse printed figures exactly, find amounts inside sentences.

Dutch conventions: "." groups thousands ("95.225" = 95225), "," is the decimal mark
("0,819"), "-1.000" is negative, "miljoen"/"miljard" multiply, "€ 100,-" is a whole amount.
Anything that does not follow the convention exactly is rejected (None), never guessed:
"1.2345" (a dot group of four digits) or "12,3,4" could be typos or English notation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A bare Dutch number: either thousands groups of exactly three digits, or plain digits;
# optional decimals after ",", or ",-" / ",--" for whole euros.
_BODY = r"(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+|,-{1,2})?"
_NUMBER_RE = re.compile(rf"^(?P<sign>[-−–+]?)\s*(?P<body>{_BODY})$")
_SCALE_WORDS = {
    "duizend": 1_000,
    "mln": 1_000_000,
    "mln.": 1_000_000,
    "miljoen": 1_000_000,
    "mld": 1_000_000_000,
    "mld.": 1_000_000_000,
    "miljard": 1_000_000_000,
}
# Footnote markers printed after a figure ("-1.291*", "12¹").
FOOTNOTE_CHARS = "*¹²³⁴⁵⁶⁷⁸⁹†‡"


def split_footnote(text: str) -> tuple[str, str]:
    """Split a printed figure into (figure, footnote marker): "-1.291*" -> ("-1.291", "*")."""
    stripped = text.strip()
    body = stripped.rstrip(FOOTNOTE_CHARS).rstrip()
    return body, stripped[len(body):].strip()


# The year a figure was measured, printed beside it in a table cell: "44,2% (2022)". The
# BBV's verplichte beleidsindicatoren are published this way (waarstaatjegemeente.nl gives
# each indicator with its own latest year), and comparison tables of kengetallen copy it.
YEAR_NOTE = re.compile(r"\((?P<year>(?:19|20)\d\d)(?P<range>[-/]\d{2,4})?\)")
_TRAILING_YEAR_NOTE = re.compile(r"\s*" + YEAR_NOTE.pattern + r"$")


def split_year_note(text: str) -> tuple[str, int | None]:
    """Split a figure from the year note printed after it: "44,2% (2022)" -> ("44,2%", 2022).
    A period note ("(2021/2022)", a school year) is split off too but names no one year."""
    m = _TRAILING_YEAR_NOTE.search(text)
    if not m or not text[: m.start()].strip():
        return text, None
    return text[: m.start()].rstrip(), None if m.group("range") else int(m.group("year"))


def parse_dutch_number(text: str) -> float | None:
    """Parse one printed Dutch figure into a float; None when it is not a well-formed number.

    Accepts a leading "€"/"EUR", a trailing "euro", "%"/"procent", a scale word
    ("2,7 miljoen" -> 2700000.0), a footnote marker ("-1.291*" -> -1291.0; see
    `split_footnote`), a year note after it ("44,2% (2022)" -> 44.2; see `split_year_note`)
    and accounting parentheses for negatives ("(1.000)" -> -1000.0).
    Percentages return the percentage number ("4%" -> 4.0), not a fraction.
    """
    if not isinstance(text, str):
        return None
    s, _marker = split_footnote(split_year_note(text)[0])
    s = s.replace("\u00a0", " ").replace("\u202f", " ").strip()
    if not s or len(s) > 60:
        return None
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative = True
        s = s[1:-1].strip()
    low = s.lower()
    for suffix in ("euro's", "euro", "eur", "procent", "%"):
        if low.endswith(suffix):
            s = s[: len(s) - len(suffix)].rstrip()
            low = s.lower()
            break
    scale = 1
    words = s.rsplit(None, 1)
    if len(words) == 2 and words[1].lower() in _SCALE_WORDS:
        scale = _SCALE_WORDS[words[1].lower()]
        s = words[0]
    sign_prefix = ""
    if s[:1] in "-−–+" and s[1:2] in ("€", " ") or s[:1] in "-−–+" and s[1:4].upper() == "EUR":
        sign_prefix, s = s[:1], s[1:].lstrip()
    if s.startswith("€"):
        s = s[1:].lstrip()
    elif s.upper().startswith("EUR "):
        s = s[4:].lstrip()
    s = sign_prefix + s
    m = _NUMBER_RE.match(s)
    if not m:
        return None
    body = m.group("body")
    if body.endswith("-"):
        body = body.split(",", 1)[0]
    value = float(body.replace(".", "").replace(",", "."))
    if m.group("sign") in "-−–" and m.group("sign"):
        value = -value
    if negative:
        if m.group("sign"):
            return None  # "(-1.000)" is not a convention anyone prints
        value = -value
    return value * scale


def is_year_like(text: str) -> bool:
    """True for a bare four-digit year 1900-2099 ("2023"), which is a label, not an amount."""
    s = text.strip()
    return bool(re.fullmatch(r"(19|20)\d\d", s))


def format_dutch_number(value: float, decimals: int | None = None) -> str:
    """Format a number Dutch-style: 95225000 -> "95.225.000", -0.5 -> "-0,5".

    decimals None: as many as needed (up to 3), none for whole numbers.
    """
    if decimals is None:
        decimals = 0 if float(value).is_integer() else min(3, _needed_decimals(value))
    text = f"{abs(value):,.{decimals}f}"  # "95,225,000.00" in C locale
    text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return ("-" if value < 0 and float(text.replace(".", "").replace(",", ".")) != 0 else "") + text


def _needed_decimals(value: float) -> int:
    for d in range(1, 4):
        if abs(round(value, d) - value) < 1e-9:
            return d
    return 3


@dataclass(frozen=True)
class Amount:
    """An amount found inside running text.

    value_euros: the amount in euros (number × scale word), None for percentages.
    number: the number as printed, parsed ("2,7" in "€2,7 miljoen" -> 2.7).
    raw: the phrase exactly as in the text ("€2,7 miljoen", "0,819 miljoen euro", "10%").
    unit: "€" for money, "%" for percentages, "" for a ratio (no unit printed).
    start / end: offsets of raw in the text.
    """

    value_euros: float | None
    number: float
    raw: str
    unit: str
    start: int
    end: int


_NUM = r"(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+|,-{1,2})?"
_SCALE = r"(?:miljoen|miljard|mln\.?|mld\.?)"
# Amounts need an explicit money or percent marker: a bare number in a sentence is as often a
# count, a year, a date or an article number ("01.02", taakveld "6.3") as an amount. A number
# run into letters ("€ 40ooK", a misread "€ 400.000" in a scan) is no amount.
_AMOUNT_RE = re.compile(
    rf"""
    (?P<euro_pre>(?:€|\bEUR\b)\s?(?P<sign1>[-−]?)\s?(?P<n1>{_NUM})(?![^\W_]|[.,]\d)(?:\s(?P<s1>{_SCALE}))?(?:\s(?:euro)\b)?)
    | (?P<euro_post>(?<![\d.,])(?P<n2>{_NUM})(?:\s(?P<s2>{_SCALE}))?\s(?:euro(?:'s)?)\b)
    | (?P<pct>(?<![\d.,])(?P<n3>\d+(?:,\d+)?)\s?(?:%|procent\b))
    """,
    re.VERBOSE | re.IGNORECASE,
)
# ... or the sentence names the number a ratio: "de berekende ratio van 17,4", "de netto
# schuldquote bedraagt 0,8" (the BBV kengetallen and the ratio weerstandsvermogen are printed
# without a unit). The number must follow the ratio word within its clause.
_RATIO_RE = re.compile(
    r"(?:ratio|quote)\b[^.;:\n\d€%]{0,40}?\b(?:van|is|bedraagt|bedroeg|was|wordt|komt uit op|op)\s+"
    r"(?P<n>\d{1,3}(?:,\d{1,2})?)(?!\d|[.,]\d|\s*(?:%|procent|euro|€|miljoen|miljard|mln|x\b))",
    re.IGNORECASE,
)
# "(bedragen x €1.000)" states a unit, it is not an amount.
_UNIT_BEFORE_RE = re.compile(r"(?:\bx|×|\bin)\s*$", re.IGNORECASE)


def find_amounts(text: str) -> list[Amount]:
    """All money amounts (with € / EUR / euro), percentages (with % / procent) and numbers
    named a ratio (unit "") in text, in text order."""
    found: list[Amount] = []
    for m in _AMOUNT_RE.finditer(text):
        raw = m.group(0)
        if m.group("pct"):
            number = parse_dutch_number(m.group("n3"))
            if number is None:
                continue
            found.append(Amount(None, number, raw, "%", m.start(), m.end()))
            continue
        if _UNIT_BEFORE_RE.search(text[max(0, m.start() - 12) : m.start()]):
            continue
        digits = m.group("n1") or m.group("n2")
        scale_word = m.group("s1") or m.group("s2")
        number = parse_dutch_number(digits)
        if number is None:
            continue
        if m.group("sign1"):
            number = -number
        scale = _SCALE_WORDS[scale_word.lower()] if scale_word else 1
        found.append(Amount(number * scale, number, raw, "€", m.start(), m.end()))
    for m in _RATIO_RE.finditer(text):
        number = parse_dutch_number(m.group("n"))
        if number is not None:
            found.append(Amount(None, number, m.group("n"), "", m.start("n"), m.end("n")))
    return sorted(found, key=lambda a: a.start)
