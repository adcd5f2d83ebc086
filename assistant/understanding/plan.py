"""The plan of one question: what every other module reads instead of deciding again."""

from __future__ import annotations

import re
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
    norms: the financial norms the question describes by their definition without naming
        them (`Described`); `norm_reading` reads a text of the question as naming them.
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
    norms: tuple["Described", ...] = ()

    def norm_reading(self, text: str) -> str:
        """`text` with each described norm named instead of its definition's words."""
        return read_norms(text, self.norms)


def read_norms(text: str, norms: tuple["Described", ...]) -> str:
    """`text` with each of `norms` named instead of its definition's words."""
    for norm in norms:
        text = norm.read(text)
    return text


@dataclass(frozen=True)
class Described:
    """A norm a question describes: its name and the words of the question that are its
    definition, in the order of the definition ("schuld", "inkomsten"), each once."""

    name: str
    parts: tuple[str, ...]

    def read(self, text: str) -> str:
        """The first part replaced by the name, every other part left out: "de schuld afgezet
        tegen de inkomsten" → "de netto schuldquote"; the definition's
        words are no subject or flow of their own."""
        for i, part in enumerate(self.parts):
            word = rf"(?<!\w){re.escape(part)}(?!\w)"
            if i == 0:
                text = re.sub(word, self.name, text, count=1, flags=re.I)
            else:  # with its article: "afgezet tegen de totale inkomsten" leaves nothing
                text = re.sub(rf"(?:\b(?:de|het|een)\s+)?{word}", "", text, flags=re.I)
        return re.sub(r"\s+([?.,!])", r"\1", re.sub(r"\s{2,}", " ", text)).strip()
