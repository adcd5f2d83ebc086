"""The arithmetic a question asks for: a difference (`difference_parts`, `change_direction`), a
change in percent, a sum of named rows or years (`calculation_asked`).
"""

from __future__ import annotations

import re

from corpus.lexicon.calendar_years import years
from corpus.text import fold


# Arithmetic a question asks for: a difference (between years, columns or phases), a change in
# percent, a sum of named rows.
_PERCENT = re.compile(r"procent|percentage|%|procentuele|\bper ?cent\b")
# A change one way: the Dutch verbs in every form (stijgen, steeg, gestegen; toenemen, neemt
# toe, nam toe; groeien; krimpen, kromp; dalen, daalde, gedaald; afnemen), their nouns, and
# the English words. They ask for a difference; comparatives ("hoger", "minder") and
# verhogen/verlagen only say which way one goes once a difference is asked.
_RISE = (
    r"\bstij(?:g\w*|ging)|\bste(?:eg|gen)\b|gestegen|toename|toegenomen|\btoene(?:em|m)\w*|\btoenam\w*"
    r"|\b(?:neem?t|nemen|nam|namen) (?:\w+ ){0,12}?toe\b|\bgroei\w*|gegroeid"
    r"|\bincrease[sd]?\b|\bris(?:e|es|en)\b|\brose\b|\bgrow(?:s|n)?\b|\bgrew\b"
)
_FALL = (
    r"\bda(?:alt|alde|alden|len|ling)\b|gedaald|afname|afgenomen|\bafne(?:em|m)\w*|\bafnam\w*"
    r"|\b(?:neem?t|nemen|nam|namen) (?:\w+ ){0,12}?af\b|\bkrimp\w*|\bkromp\w*|gekrompen"
    r"|\bdecrease[sd]?\b|\bfall(?:s|en)?\b|\bfell\b|\bdropped\b"
)
_DIFFERENCE = re.compile(
    r"verschil|afwijking|afwijkt|hoeveel (?:meer|minder|hoger|lager)|\bdifference\b|" + _RISE + "|" + _FALL
)
# "het verschil tussen de totale kosten en de opbrengsten": the two things compared, each a
# phrase of its own (a part may be named by its flow alone).
_BETWEEN = re.compile(r"\b(?:verschil|difference)\s+(?:tussen|between)\s+(?P<a>[^?;:]+?)\s+(?:en|and)\s+(?P<b>[^?;:]+)")


def difference_parts(question: str) -> tuple[str, str] | None:
    """The two phrases a question asks the difference between ("verschil tussen A en B",
    "difference between A and B"), folded; None when it names no such pair."""
    m = _BETWEEN.search(fold(question))
    return (m.group("a").strip(), m.group("b").strip()) if m else None


_RISE_RE = re.compile(_RISE + r"|\bhoger\b|\bmeer\b|\berbij\b|\bverho(?:og|g)\w*|\bmore\b|\bhigher\b")
_FALL_RE = re.compile(_FALL + r"|\blager\b|\bminder\b|\bverla(?:ag|g)\w*|bezuinig\w*|\bless\b|\blower\b")


def change_direction(question: str) -> str | None:
    """"up" for a rise ("hoeveel hoger", "met hoeveel stijgen"), "down" for a fall ("met hoeveel
    dalen de lasten", "hoeveel minder"), None for a plain "verschil" or both."""
    q = fold(question)
    up, down = _RISE_RE.search(q), _FALL_RE.search(q)
    if up and not down:
        return "up"
    if down and not up:
        return "down"
    return None


_SUM = re.compile(r"\b(?:totaal|som|samen|opgeteld|bij elkaar|in total|together|combined)\b(?: van| of)?(?P<rest>.*)")
_PARTS = re.compile(r"\ben\b|\band\b|,")


# "als je de aankoop van de grond meetelt", "met de grond erbij": the subject with another
# thing added to it (the thing added is named; "inclusief btw" and "als de reserves zijn
# meegerekend" are left out: a row prints the whole inclusief, a saldo after the reserves).
_INCLUDING = re.compile(
    r"\b(?:als|wanneer)\s+(?:je|u|we|wij|men)\s+(?P<a>[^?,;]+?)\s+(?:meetel\w*|meerekent|meerekenen|erbij\s+(?:optelt|telt|rekent))\b"
    r"|\bmet\s+(?P<b>[^?,;]+?)\s+(?:erbij|meegerekend|meegeteld)\b"
)


def calculation_asked(question: str) -> tuple[str, str] | None:
    """("percent" | "difference", ""), ("sum", the text naming the parts), ("sum_years", "") or
    ("sum_including", the thing added to the subject: `_INCLUDING`) when the question asks for
    arithmetic; None otherwise. A sum needs its parts named: after
    the sum word ("het totaal van A en B"), before it in the same clause ("A en B samen",
    "(sport en cultuur samen)"), or as years ("in 2024 en 2025 samen")."""
    q = fold(question)
    if _PERCENT.search(q) and _DIFFERENCE.search(q) or _PERCENT.search(q) and len(years(q)) >= 2:
        return "percent", ""
    if _DIFFERENCE.search(q):
        return "difference", ""
    including = _INCLUDING.search(q)
    if including:
        return "sum_including", next(g for g in including.groups() if g)
    m = _SUM.search(q)
    if not m:
        return None
    if len(years(q)) >= 2 and m.group(0).split()[0] != "totaal":
        return "sum_years", ""
    if _PARTS.search(m.group("rest")):
        return "sum", m.group("rest")
    clause = re.split(r"[(),;:?]", q[: m.start()])[-1]
    if _PARTS.search(clause) and not years(clause):
        return "sum", clause
    return None
