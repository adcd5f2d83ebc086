"""The grounding guard: no number may appear in an answer unless a cited source or a shown
calculation supports it. Applied to every answer, passage and budget alike."""

from __future__ import annotations

import re
from typing import Sequence

from assistant.answer import ABSTAIN_TEXT
from assistant.models import Answer, Calculation
from corpus.models import BudgetFact
from corpus.numbers import find_amounts, parse_dutch_number
from corpus.tables import parse_unit

_CITATION_RE = re.compile(r"\[\d+\]")
_QUOTED_RE = re.compile(r"‘[^’]*’")
_NUMBER_TOKEN_RE = re.compile(r"(?<![\w])\d+(?:[.,]\d+)*")
_DERIVED_RE = re.compile(
    r"€\s?[-−]?(?P<x>\d+(?:[.,]\d+)*)\s*\((?P<y>[-−]?\d+(?:[.,]\d+)*)\s*[×x]\s*€\s?(?P<m>1\.000\.000|1\.000|1 mln)\)"
)


_UNIT_SHOWN_RE = re.compile(r"[×x]\s*€\s?(?:1\.000\.000|1\.000|1 mln)")


def _values_in(text: str) -> set[float]:
    vals = set()
    for tok in _NUMBER_TOKEN_RE.findall(text):
        v = parse_dutch_number(tok)
        if v is not None:
            vals.add(round(abs(v), 6))
    for a in find_amounts(text):
        if a.value_euros is not None:
            vals.add(round(abs(a.value_euros), 6))
    return vals


def ungrounded_numbers(
    answer_text: str,
    sources: Sequence[str],
    calculations: Sequence[Calculation] = (),
    facts: Sequence[BudgetFact] = (),
) -> list[str]:
    """Numbers in answer_text that no source supports; [] means the answer is grounded.

    A number is grounded when its value (sign ignored, Dutch notation parsed) occurs in a
    source; or it is printed value × the unit a source states ("(bedragen x€1.000)"); or it
    is a calculation's result, printed result or operand; or a given fact's value or number;
    or the answer derives it explicitly as "€ 95.225.000 (95.225 × € 1.000)" from a grounded
    95.225. Years are numbers too. Citation markers [n] and labels quoted as ‘…’ (table,
    row, column and document names copied from the source) are not checked.
    """
    allowed: set[float] = set()
    raw_source = "\n".join(sources)
    for src in sources:
        vals = _values_in(src)
        allowed |= vals
        _, mult = parse_unit(src)
        if mult and mult > 1:
            allowed |= {round(v * mult, 6) for v in vals}
    for calc in calculations:
        r = abs(calc.result)
        allowed |= {round(r, 6), round(r, 1), round(r / 1000, 6), round(r / 1_000_000, 6)}
        allowed |= _values_in(calc.expression)
        for f in calc.facts:
            allowed |= {round(abs(f.value), 6), round(abs(f.number), 6)}
    for f in facts:
        allowed |= {round(abs(f.value), 6), round(abs(f.number), 6)}
    text = _QUOTED_RE.sub(" ", _CITATION_RE.sub(" ", answer_text))
    for m in _DERIVED_RE.finditer(text):
        y = parse_dutch_number(m.group("y").replace("−", "-"))
        mult = 1_000_000 if m.group("m") != "1.000" else 1000
        x = parse_dutch_number(m.group("x"))
        if y is not None and x is not None and round(abs(y), 6) in allowed and abs(abs(y) * mult - x) < 1e-6:
            allowed |= {round(x, 6), float(mult), 1.0}
    # The unit itself ("× € 1.000") is a convention, not a claimed figure.
    text = _UNIT_SHOWN_RE.sub(" ", text)
    bad: list[str] = []
    for tok in _NUMBER_TOKEN_RE.findall(text):
        v = parse_dutch_number(tok)
        ok = round(abs(v), 6) in allowed if v is not None else tok in raw_source
        if not ok and tok not in bad:
            bad.append(tok)
    return bad



def guarded(ans: Answer, extra_sources: Sequence[str] = ()) -> Answer:
    """The answer if every number in it is grounded (cited passages, `extra_sources` such as
    the cited cells, the question, a shown calculation); otherwise the abstention with a
    notice naming the numbers."""
    sources = [c.passage.chunk.text for c in ans.citations] + list(extra_sources) + [ans.question, ans.resolved_question]
    calcs = (ans.calculation,) if ans.calculation else ()
    bad = ungrounded_numbers(ans.text, sources, calcs)
    if not bad:
        return ans
    return Answer(
        question=ans.question,
        resolved_question=ans.resolved_question,
        text=ABSTAIN_TEXT,
        passages=ans.passages,
        abstained=True,
        filters=ans.filters,
        notice="Antwoord ingetrokken: het bevatte getallen die niet in de bronnen staan (" + ", ".join(bad) + ").",
    )
