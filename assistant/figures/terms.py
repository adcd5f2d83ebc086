"""What a money question asks for, in the words the facts are matched by.

`QueryTerms.parse` reads a question once: topic words (the subject), years, budget phases and
flows (from corpus.lexicon), whether a total or a change is asked, and the reference point of
a change. `token_match` says how well one topic word is matched by a label's words.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

from corpus.lexicon import (
    AMOUNT_CHANGE, EXACT_ASKED, NEGATION, PART_ASKED, REFERENCE, STOCK, TOTAL_ASKED, compound_parts, content_words,
    cost_coverage, counted_noun, flows, money_named, percentage_base, phases, position, ratio_asked, realised_asked, share_of, sides, stem, years,
)
from corpus.text import fold

if TYPE_CHECKING:
    from assistant.figures.scoring import MeaningScale

tokens = content_words

# English budget vocabulary -> Dutch words the tables and sentences use (topic words of other
# subjects come from the shared glossary through the search text).
_EN_BUDGET: dict[str, str] = {
    "provisional": "voorlopig", "preliminary": "voorlopig", "definitive": "definitief", "final": "definitief",
    "fund": "fonds", "deficit": "tekort nadeel", "shortfall": "tekort", "surplus": "overschot",
    "advantage": "voordeel", "windfall": "voordeel", "disadvantage": "nadeel", "overrun": "overschrijding",
    "overspend": "overschrijding", "overspending": "overschrijding", "risk": "risico", "contribution": "bijdrage",
    "grant": "subsidie bijdrage", "reserve": "reserve", "reserves": "reserve", "safety net": "vangnet",
    "average": "gemiddelde", "debt": "schulden", "debts": "schulden", "remaining": "resterende",
    "programme": "programma", "program": "programma", "total": "totaal", "specification": "specificatie",
}
_EN_BUDGET_RE = re.compile(r"\b(" + "|".join(sorted(map(re.escape, _EN_BUDGET), key=len, reverse=True)) + r")\b")


def gloss_budget_english(question: str) -> str:
    """Dutch budget words for the English budget words in a question ("provisional" -> "voorlopig")."""
    return " ".join(_EN_BUDGET[m.group(1)] for m in _EN_BUDGET_RE.finditer(question.lower()))

# Words that say something about money but name no topic: they count a little.
_WEAK = {"budget", "geld", "middelen", "kosten", "post", "programma", "begroting", "totaal"}

def _compound(word: str, parts: set[str]) -> bool:
    """word is two known parts glued ("jongerenaanpak" = "jongeren" + "aanpak"; a linking s allowed)."""
    return compound_parts(word, parts, shortest=3, links="s") is not None


def named_bodies(question: str) -> frozenset[str]:
    """The words of each public body a question names (`corpus.organizations.body_name_spans`):
    its kind, its name and an abbreviation in brackets after it ("Veiligheidsregio Haaglanden
    (VRH)" -> veiligheidsregio, haaglanden, vrh). A figure of another organization's is no
    answer to a question about this one."""
    from corpus.organizations import body_name_spans

    out: set[str] = set()
    for start, end in body_name_spans(question):
        kind = re.search(r"(\S+)\s*$", question[:start])
        after = re.match(r"\s*\(([^)]{2,12})\)", question[end:])
        out.update(tokens(" ".join(filter(None, (kind.group(1) if kind else "", question[start:end], after.group(1) if after else "")))))
    return frozenset(out)


def token_match(q: str, candidates: Sequence[str]) -> float:
    """How well question token q is matched by candidate tokens, 0..1 (see `_token_match`).

    Memoised: the same fact fields meet the same question words again and again (every
    lookup scores every fact, and arithmetic questions rank several times), and the
    spelling comparison is the expensive part of a budget answer.
    """
    return _token_match(q, tuple(candidates))


@functools.lru_cache(maxsize=500_000)
def _token_match(q: str, candidates: tuple[str, ...]) -> float:
    """How well question token q is matched by candidate tokens, 0..1.

    1.0 equal or equal after stemming, or a compound of two candidate tokens (and the reverse);
    0.7 shared prefix of at least 5 letters where one word starts the other
    ("schulden" / "schuldenlast"), or two derivations of one stem of 5+ letters that differ in a
    short ending only ("sportte" / "sporters": Dutch inflects and derives with -te, -de, -er,
    -ers, -en); 0.6 near-identical spelling (difflib ratio >= 0.85, 6+ letters) or a shared
    stem of 8+ letters ("ondermijning" / "ondermijnende").
    """
    if not candidates:
        return 0.0
    cset = set(candidates)
    stems = {stem(c) for c in cset}
    if q in cset or stem(q) in stems:
        return 1.0
    if _compound(q, cset | stems):
        return 1.0
    qparts = {q}
    best = 0.0
    for c in cset:
        if len(c) > 6 and _compound(c, qparts | {stem(q)}):
            best = max(best, 0.7)
    for c in cset:
        short, long_ = sorted((q, c), key=len)
        if len(short) >= 5 and long_.startswith(short):
            best = max(best, 0.7)
        elif len(os.path.commonprefix((q, c))) >= 8:
            best = max(best, 0.6)  # derivations of one stem: "ondermijning" / "ondermijnende"
        elif (n := len(os.path.commonprefix((q, c)))) >= 5 and len(q) - n <= 3 and len(c) - n <= 3:
            best = max(best, 0.7)  # one stem, short endings: "sportte" / "sporters", as "sport" / "sporters"
        elif len(q) >= 6 and len(c) >= 6 and difflib.SequenceMatcher(None, q, c).ratio() >= 0.85:
            best = max(best, 0.6)
    return best




@dataclass(frozen=True)
class QueryTerms:
    """What a question asks for, parsed once.

    topic: content tokens the cell must match; context: tokens from the conversation or the
    search text (previous topic of a follow-up, abbreviation expansions) that only add a bonus,
    or stand in for the topic when the question names none ("En wat komt er in 2027 bij?").
    phases: budget phases asked for; reference: phases named as the reference point of a change
    ("ten opzichte van de begroting na wijzigingen").
    """

    topic: tuple[str, ...]
    years: frozenset[int]
    phases: frozenset[str]
    flows: frozenset[str]
    wants_total: bool = False
    wants_change: bool = False
    soft_year: int | None = None
    reference: frozenset[str] = frozenset()
    context: tuple[str, ...] = ()
    realised: bool = False  # only what was realised is asked (`realised_asked`, outside a reference)
    wants_stock: bool = False  # a position is asked ("de stand eind 2024"), not a mutation
    position: str | None = None  # "end" / "start" of the year the position is asked at
    ratio: bool = False  # a ratio or percentage is asked (`ratio_asked`), not an amount or a change of one
    money: bool = False  # money itself is named ("welk bedrag", `money_named`): no percentage answers
    sides: frozenset[str] = frozenset()  # flows named as a side of the subject (`sides`: not "EMU-saldo")
    part: bool = False  # a part of an amount is asked ("welk deel van …", PART_ASKED)
    negated: bool = False  # the question negates ("wie sportte niet"): a "niet-sporters" row names that
    base: frozenset[str] = frozenset()  # the counted noun a percentage is of (`percentage_base`): weak topic
    places: frozenset[str] = frozenset()  # words of the organization asked about (not topic: a filter)
    share: bool = False  # a share of something is asked (`share_of`): a percentage states one
    exact: bool = False  # the amount is asked to the euro (EXACT_ASKED): the finest print of it answers
    whole: tuple[str, ...] = ()  # a follow-up asks a part of the previous answer: the words of that whole
    counted: bool = False  # a number of things is asked ("hoeveel aandelen", `counted_noun`): no amount or percentage answers
    counted_word: str = ""  # ... and the noun it counts
    bodies: frozenset[str] = frozenset()  # words of a public body the question names (`named_bodies`): a figure names it
    # Cosine of the question and each fact's row or sentence vector, keyed by id(fact), and
    # the scale of those cosines (it depends on how the vectors were made).
    meaning: Mapping[int, float] = field(default_factory=dict, compare=False, repr=False)
    meaning_scale: "MeaningScale | None" = field(default=None, compare=False, repr=False)  # None: the default way's

    @classmethod
    def parse(cls, question: str, topic_hint: str = "", soft_year: int | None = None,
              drop: Iterable[str] = (), context_hint: str = "") -> "QueryTerms":
        text = cost_coverage(f"{question} {topic_hint}")
        dropped = {fold(d) for d in drop}
        topic = tuple(dict.fromkeys(t for t in tokens(text) if t not in dropped))
        context = tuple(dict.fromkeys(t for t in tokens(context_hint) if t not in dropped and t not in topic))
        if not topic and context:
            topic, context = context, ()
        q = fold(question)
        # "welk deel van de kosten wordt gedekt": the kosten are the base, not the flow asked.
        share_base = share_of(q)
        flow_text = q.replace(share_base, " ") if share_base else q
        main, reference = q, frozenset()
        m = REFERENCE.search(q)
        if m:
            reference = frozenset(phases(m.group("ref")))
            main = q[: m.start()] + " " + q[m.end():]
        return cls(
            topic=topic,
            years=frozenset(years(question)),
            phases=frozenset(phases(main)),
            flows=frozenset(flows(flow_text)),
            wants_total=bool(TOTAL_ASKED.search(q)),
            wants_change=bool(
                re.search(r"wijziging|mutatie|verschil|extra|toegevoegd|bijgesteld|verhoging|verlaging|verander\w*|\bchange", q)
                or AMOUNT_CHANGE.search(q)
            ),
            soft_year=soft_year,
            reference=reference,
            context=context,
            realised=realised_asked(main) and phases(main) <= {"realisatie"},
            wants_stock=bool(STOCK.search(q)),
            position=position(q),
            ratio=ratio_asked(q),
            money=money_named(q),
            sides=sides(flow_text),
            part=bool(PART_ASKED.search(q)),
            negated=bool(NEGATION.search(q)),
            base=frozenset(percentage_base(q)),
            share=share_base is not None,
            exact=bool(EXACT_ASKED.search(q)),
            counted=counted_noun(q) is not None and not ratio_asked(q),
            counted_word=(counted_noun(q) or "") if not ratio_asked(q) else "",
        )
