"""The plan of one question: what every other module reads instead of deciding again."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.models import Filters
from corpus.lexicon import Asked

# --------------------------------------------------------------------------- the plan


@dataclass(frozen=True)
class QueryPlan:
    """How to search for one question.

    question: as the user typed it.
    resolved_question: after follow-up resolution; a full question a person can read.
    search_text: resolved question, abbreviations expanded in place ("Wmo (Wet
        maatschappelijke ondersteuning)"), Dutch terms appended for English content words.
    filters: detected filters with explicit ones merged over them. `year` may be a column
        year rather than a document year: treat it as a soft constraint.
    unknown_municipality: a municipality the question names that is not in the corpus (the
        caller says so instead of answering from another municipality).
    year_is_relative: the question used "volgend jaar"/"vorig jaar"/"dit jaar" (year is None
        when there was no single document year to resolve it against).
    language: "nl" or "en".
    topic: the content part of the resolved question (no question words, municipality, year).
    is_followup: resolved against earlier turns.
    compare_all: the question asks across municipalities.
    unknown_is_partner: the unknown municipality is named as a partner ("de ontvlechting met
        Voorschoten"), not as the organization the question is about.
    asked: what kind of answer the resolved question asks for (money, an amount, a quantity).
    """

    question: str
    resolved_question: str
    search_text: str
    filters: Filters = field(default_factory=Filters)
    unknown_municipality: str | None = None
    year_is_relative: bool = False
    language: str = "nl"
    topic: str = ""
    is_followup: bool = False
    compare_all: bool = False
    unknown_is_partner: bool = False
    asked: Asked = Asked(money=False, amount=False, quantity=False)
