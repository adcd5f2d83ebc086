"""Facts of numbers in running text that are no amounts: numbers of things ("21 gemeenten",
"165 km'": `count_facts`, what each counts read by `counted_phrase`) and the labelled numbers
a cell lists ("Sport & bewegen 4 Eigen huisvesting 3 Woningen 12": `listed_numbers`,
`listed_facts`). `corpus.facts.extract_facts` gathers them with the other facts.
"""

from __future__ import annotations

import re
from typing import Iterable

from corpus.factcontext import UNIT_UNKNOWN, _WORD_RE, row_line, row_name, sentence_bounds, subject_phrase
from corpus.lexicon import UNIT_SHORT_FORMS, find_counts
from corpus.models import BudgetFact, Document
from corpus.numbers import parse_dutch_number
from corpus.text import fold


# What a number of things counts is said after it: "21 objecten waar maatschappelijke functies
# worden gehuisvest en 30 objecten ter bevordering van …" — up to the next number, a cell's or
# clause's end, or the next label of a list ("… 141 stuks Bijzondere objecten 31"). A length or
# an area is the measure of what is named before it: "Beschoeiingen 25,8 km' Kademuren 1.051 m'".
_COUNTED_PHRASE_END = re.compile(r"\d|[|.;:()?!]|\n|(?<=\s)[A-Z]")
_LABEL_BEFORE = re.compile(r"(?:^|[\d|.;()?!\n])([^\d|.;()?!\n]*)$")


def counted_phrase(text: str, start: int, end: int, unit: bool, max_words: int = 8) -> str:
    """What a number of things (at text[start:end]) counts: the words after it up to the next
    number, clause end or label; for a unit's count the words before it, back to the previous
    number (its unit left out)."""
    if unit:
        before = _LABEL_BEFORE.search(text, max(0, start - 120), start)
        found = _WORD_RE.findall(before.group(1)) if before else []
        return " ".join(w for w in found if fold(w).strip("'’") not in UNIT_SHORT_FORMS)
    stop = _COUNTED_PHRASE_END.search(text, end, end + 200)
    return " ".join(_WORD_RE.findall(text[end : stop.start() if stop else end + 200])[:max_words])


# A cell that lists labelled numbers, each after its label ("Sport & bewegen 4 Eigen huisvesting
# 3 Woningen 12": the beheerareaal of a paragraaf onderhoud kapitaalgoederen, printed in one
# merged cell): a label starts with a capital and holds no digit, its number follows it and is
# followed by the next label or the cell's end.
_LISTED_ITEM = re.compile(
    r"(?P<label>[A-ZÀ-Ý][^\d|\n]{1,60}?)\s+(?P<number>\d{1,3}(?:\.\d{3})*(?:,\d+)?)(?=\s+[A-ZÀ-Ý]|\s*$)"
)
MIN_LISTED_ITEMS = 3  # fewer is a label with a figure, not a list


def listed_numbers(cell: str) -> list[tuple[str, re.Match]]:
    """The (label, match) pairs of a cell that is a list of labelled numbers (`_LISTED_ITEM`),
    or [] when the cell is anything else: prose, one figure, numbered items ("Fase 1 Fase 2"),
    years. The items and a last label without a number must make up the whole cell."""
    from corpus.numbers import is_year_like

    items = list(_LISTED_ITEM.finditer(cell))
    if len(items) < MIN_LISTED_ITEMS or any(is_year_like(m.group("number")) for m in items):
        return []
    labels = [" ".join(m.group("label").split()) for m in items]
    if len({fold(label) for label in labels}) < len(labels):
        return []
    covered = sum(len(m.group(0)) for m in items) + len(cell[items[-1].end():].strip())
    if covered < 0.9 * len(cell.strip()) or len(cell[items[-1].end():].split()) > 6:
        return []
    return list(zip(labels, items))


def listed_facts(doc: Document) -> list[BudgetFact]:
    """Facts for the numbers of a cell listing labelled numbers (`listed_numbers`) on a line of
    cells: each number with its own label as row and the line's first cell as context ("Vastgoed
    2021-2024"); what it counts is not printed (the header names the list: "Areaal-gegevens")."""
    facts = []
    offset = 0
    for line in doc.text.split("\n"):
        if " | " in line:
            pos = 0
            for cell in line.split(" | "):
                base = offset + pos
                pos += len(cell) + 3
                for label, m in listed_numbers(cell):
                    start, end = base + m.start("number"), base + m.end("number")
                    value = parse_dutch_number(m.group("number"))
                    if value is None:
                        continue
                    name = row_name(doc.text, start)
                    extra = [("listed", "1")] + ([("context", name), ("paragraph", row_line(doc.text, start))] if name else [])
                    facts.append(BudgetFact(
                        value=value, number=value, raw=m.group("number"), unit=UNIT_UNKNOWN, row=label,
                        column="", table="", table_id="", doc_id=doc.id, municipality=doc.meta.municipality,
                        year=doc.meta.year, start=start, end=end, sentence=" ".join(cell.split()), extra=tuple(extra),
                    ))
        offset += len(line) + 1
    return facts


def count_facts(doc: Document, skip: Iterable[tuple[int, int]] = ()) -> list[BudgetFact]:
    """Facts for the numbers of things a text states ("21 gemeenten", "46 objecten", "165 km'":
    `lexicon.find_counts`), outside the spans of other facts: the number, unit unstated, what
    it counts as extra "counts"; its row is what follows it (`counted_phrase`), its context the
    row's name on a line of cells. Only a question that counts something reads them (`scoring.kind_fits`)."""
    skip = list(skip)
    facts = []
    for c in find_counts(doc.text):
        if any(c.start < e and s < c.end for s, e in skip):
            continue
        s0, s1 = sentence_bounds(doc.text, c.start, c.end)
        sentence = doc.text[s0:s1].strip().replace("\n", " ")
        lead = len(doc.text[s0:s1]) - len(doc.text[s0:s1].lstrip())
        extra: list[tuple[str, str]] = [("counts", c.noun)]
        name = row_name(doc.text, c.start)
        if name:
            extra += [("context", name), ("row_name", name), ("paragraph", row_line(doc.text, c.start))]
        facts.append(BudgetFact(
            value=c.number, number=c.number, raw=c.raw, unit=UNIT_UNKNOWN,
            row=counted_phrase(doc.text, c.start, c.end, c.noun in UNIT_SHORT_FORMS) or subject_phrase(sentence, c.start - (s0 + lead)),
            column="", table="", table_id="",
            doc_id=doc.id, municipality=doc.meta.municipality, year=doc.meta.year,
            start=c.start, end=c.end, sentence=sentence, extra=tuple(extra),
        ))
    return facts
