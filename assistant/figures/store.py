"""The fact store: every budget fact and table of the corpus, and the lookup of a money question.

`FactStore.lookup(question, filters)` ranks every fact (table cell or in-text amount) with the
pure `score_fact` and returns a `BudgetResult`: the best-supported fact with the others that
also fit, several when they tie (ambiguous), or nothing (found=False: the caller abstains or
falls back to passages; we never guess).
"""

from __future__ import annotations

import re
from typing import Iterable, Mapping, Sequence

import numpy as np

from assistant.abbreviations import ABBREVIATIONS
from assistant.figures.arithmetic import _replace, calculation
from assistant.figures.present import NOT_FOUND_TEXT, BudgetResult, describe_source, format_figure
from assistant.figures.candidates import _fact_years, fact_phase_source, fact_years, fits_constraints, kind_fits, names_bodies
from assistant.figures.scoring import MeaningScale, score_fact
from assistant.figures.terms import QueryTerms, gloss_budget_english, named_bodies, tokens
from assistant.models import Filters
from corpus.lexicon import PART_ASKED, compound_parts, flows, phases, position, words, years
from corpus.models import BudgetFact, DocumentMeta, Table
from corpus.text import fold

# Candidates with another value scoring this close to the best "also fit": listed under the
# answer (one point is about one content word of the question less in the row or column).
ALSO_FITS_MARGIN = 1.0
# Only candidates this close to the best are a tie: then the answer asks which one is meant,
# when they name different things (`_different_things`).
TIE_MARGIN = 0.05
MIN_SCORE = 2.0  # below this the best candidate is not a match, whatever its rank
MIN_COVERAGE = 0.5  # share of the question's topic words the best cell must match
DECLINE_COVERAGE = 0.75  # a best cell this well matched but of another year/flow: say so, abstain

_REPORT_WORDS = (
    "kwartaalrapportage", "rapportage", "berap", "voortgangsrapportage", "jaarrekening", "jaarverslag",
    "voorjaarsnota", "najaarsnota", "programmabegroting", "tussenrapportage", "bestuursrapportage",
)


def _part_of_previous(q: QueryTerms, own_topic: Sequence[str]) -> QueryTerms:
    """A follow-up that asks a part of the previous answer ("Hoeveel daarvan is bedoeld voor
    de regiefunctionaris?"): the words it adds name the part, the previous topic the whole.
    The whole's words are context (a bonus), not topic: the amount that covers them best is
    the whole just answered, not its part. Pure."""
    part = tuple(t for t in q.topic if t in set(own_topic))
    if not part:
        return _replace(q, part=True)
    whole = tuple(t for t in q.topic if t not in part)
    return _replace(q, part=True, topic=part, whole=whole, context=tuple(dict.fromkeys(whole + q.context)))


def smaller_than_the_whole(ranked: list[tuple[float, float, BudgetFact]], whole: BudgetFact) -> list[tuple[float, float, BudgetFact]]:
    """The candidates for a part of `whole`: amounts smaller than it (a part is not its whole,
    nor more than it). Pure."""
    return [r for r in ranked if abs(r[2].value) < abs(whole.value)]


class FactStore:
    """All budget facts and tables of the corpus, searchable by question and filters."""

    def __init__(self, facts: Iterable[BudgetFact], tables: Iterable[Table],
                 documents: Mapping[str, DocumentMeta], meaning_scale: MeaningScale | None = None) -> None:
        """meaning_scale: the scale of the index's vectors the facts' meaning is measured with
        (`scoring.MEANING_SCALES`, by the index's way of embedding; None: the default way's)."""
        self.facts = list(facts)
        self.meaning_scale = meaning_scale
        self.tables = list(tables)
        self.documents = dict(documents)
        self._names = {fold(m.municipality) for m in self.documents.values() if m.municipality}
        self._doc_tokens = {
            d: tokens(f"{m.title} {m.program or ''} {m.doc_type or ''}") for d, m in self.documents.items()
        }
        self._columns = {t.id: t.columns for t in self.tables}
        self._document_years = {m.year for m in self.documents.values() if m.year is not None}
        doc_words = {fold(m.doc_type) for m in self.documents.values() if m.doc_type} | set(_REPORT_WORDS)
        self._doc_year_re = re.compile(
            r"\b(?:" + "|".join(sorted(map(re.escape, doc_words), key=len, reverse=True)) + r")\s+((?:19|20)\d\d)\b"
        )
        # Every word a fact can be found by: English question words outside it are not topic.
        vocab: set[str] = set()
        for f in self.facts:
            extra = dict(f.extra)
            vocab.update(tokens(f"{f.row} {f.column} {f.table} {f.sentence} {extra.get('context', '')}"))
        for toks in self._doc_tokens.values():
            vocab.update(toks)
        self._vocab = vocab

    # -- filtering and ranking
    def _allowed(self, fact: BudgetFact, filters: Filters) -> bool:
        meta = self.documents.get(fact.doc_id)
        town = meta.municipality if meta else fact.municipality
        if filters.municipality and (town or "").casefold() != filters.municipality.casefold():
            return False
        if filters.doc_type and meta and meta.doc_type != filters.doc_type:
            return False
        if filters.year is not None:
            doc_year = meta.year if meta else fact.year
            col_years, row_years = _fact_years(fact)
            if doc_year not in (None, filters.year) and filters.year not in col_years | row_years:
                return False
        return True

    def _terms(self, question: str, filters: Filters, topic_hint: str = "", context_hint: str = "",
               language: str = "nl", own_question: str = "", meaning: Mapping[int, float] | None = None) -> QueryTerms:
        q = self._parse_terms(question, filters, topic_hint, context_hint, language)
        if meaning:
            q = _replace(q, meaning=meaning, meaning_scale=self.meaning_scale)
        # A year that names a loaded document ("in de 3e kwartaalrapportage 2023") is the
        # document's year, not a column year: it becomes soft. A document year no loaded
        # document has ("volgens de jaarrekening 2025") names a column: it stays a constraint.
        doc_years = {int(y) for y in self._doc_year_re.findall(fold(question))} & self._document_years
        if doc_years and q.years <= doc_years:
            q = _replace(q, years=frozenset(), soft_year=min(q.years or doc_years))
        # A follow-up's own words win over what resolution carried over from the previous
        # turn ("En de putting?" after a question about stortingen asks the putting).
        if own_question and fold(own_question) != fold(question):
            own_flows, own_years, own_phases = flows(own_question), years(own_question), phases(own_question)
            if own_flows:
                q = _replace(q, flows=frozenset(own_flows))
            if own_years:
                q = _replace(q, years=frozenset(own_years), soft_year=None)
            if own_phases:
                q = _replace(q, phases=frozenset(own_phases))
            # "En aan het begin van 2024?" after a question about the end of 2024.
            own_position = position(fold(own_question))
            if own_position:
                q = _replace(q, position=own_position, wants_stock=True)
            if PART_ASKED.search(fold(own_question)):
                q = _part_of_previous(q, self._parse_terms(own_question, filters, "", "", language).topic)
        return q

    def _parse_terms(self, question: str, filters: Filters, topic_hint: str, context_hint: str,
                     language: str) -> QueryTerms:
        drop = set(self._names)
        if filters.municipality:
            drop.add(filters.municipality)
        drop |= {w for n in drop for w in words(n)}
        # The organization asked about: a column or row that names it is its figure.
        folded = fold(question)
        named = {n for n in self._names if re.search(rf"\b{re.escape(n)}\b", folded)}
        places = frozenset(w for n in named | ({fold(filters.municipality)} if filters.municipality else set()) for w in words(n))
        soft = filters.year if filters.year is not None and not years(question) else None
        bodies = named_bodies(question)
        if language != "en":
            q = QueryTerms.parse(question, topic_hint, soft_year=soft, drop=drop, context_hint=context_hint)
            topic = tuple(dict.fromkeys(p for t in q.topic for p in split_compound(t, self._vocab)))
            return _replace(q, places=places, topic=topic, bodies=bodies)
        # English: the Dutch glosses (search text beyond the question, budget vocabulary) are
        # the topic; English words count only when the documents use them too ("BUIG").
        own = tokens(question)
        glosses = [t for t in tokens(context_hint) if t not in own] + tokens(gloss_budget_english(question))
        known = [t for t in own if t in self._vocab]
        base = QueryTerms.parse(f"{question} {' '.join(glosses)}", soft_year=soft, drop=drop)
        # An abbreviation the question prints is the term; its long form glossed beside it ("the
        # Wmo": Wet maatschappelijke ondersteuning) is that term again, no words a cell must hold.
        long_forms = {w for abbr, long in ABBREVIATIONS.items() if fold(abbr) in own for w in tokens(long)} - set(own)
        topic = tuple(dict.fromkeys(t for t in known + glosses if fold(t) not in drop and t not in long_forms))
        return _replace(base, topic=topic, places=places, bodies=bodies)

    def rank(self, q: QueryTerms, filters: Filters) -> list[tuple[float, float, BudgetFact]]:
        """(score, coverage, fact) for every allowed fact, best first (ties: document order).

        When the question names a subject, the facts that cover it (MIN_COVERAGE) come first:
        a cell that shares only aspects with the question (a year, "saldo") is no answer to
        it, however high those aspects score."""
        allowed = [f for f in self.facts if self._allowed(f, filters) and kind_fits(q, f) and names_bodies(q, f)]
        sims = [q.meaning.get(id(f)) for f in allowed]
        known = [s for s in sims if s is not None]
        best = max(known, default=None)
        # The typical similarity needs enough candidates to say something (MEANING_DISTINCT).
        typical = float(np.percentile(known, 99)) if len(known) >= 100 else None
        scored = [
            (*score_fact(q, f, self._doc_tokens.get(f.doc_id, ()), self._columns.get(f.table_id, ()), sim, best, typical), f)
            for f, sim in zip(allowed, sims)
        ]
        covers = bool(q.topic)
        scored.sort(key=lambda x: (covers and x[1] < MIN_COVERAGE, -x[0], x[2].doc_id, x[2].start))
        return scored

    def search(self, query: str, filters: Filters = Filters(), limit: int = 20) -> list[BudgetFact]:
        """Facts matching a free query (the `assistant figures` command), best first."""
        q = self._terms(query, filters)
        if not q.topic:
            # Only aspects ("lasten", "realisatie 2022"): list the cells that have them.
            return [f for s, _, f in self.rank(q, filters) if s > 0][:limit]
        return [f for s, cov, f in self.rank(q, filters) if s >= MIN_SCORE and cov >= MIN_COVERAGE][:limit]

    # -- the conversation
    def lookup(self, question: str, filters: Filters = Filters(), topic_hint: str = "",
               context_hint: str = "", language: str = "nl", own_question: str = "",
               meaning: Mapping[int, float] | None = None) -> BudgetResult:
        """Answer a money question from the facts (see module docstring).

        question: the resolved question; topic_hint: its content words (QueryPlan.topic);
        context_hint: the search text (previous topic of a follow-up, glosses of an English
        question); language "nl"/"en"; own_question: the words the user typed this turn (a
        follow-up's flow, year or phase override the resolved ones); meaning: the cosine of
        the question and each fact's row or sentence vector, keyed by id(fact).
        """
        if not question or not question.strip():
            return BudgetResult((), False, None, NOT_FOUND_TEXT, 0.0, False)
        q = self._terms(question, filters, topic_hint, context_hint, language, own_question, meaning)
        calc = calculation(self, question, q, filters)
        if calc is not None:
            return calc
        ranked = self.rank(q, filters)
        if q.whole:
            # A part of the previous answer is asked: that answer (the best fact for the
            # whole's words) bounds it.
            whole = self.best(_replace(q, topic=q.whole, whole=(), part=False, context=()), filters)
            if whole is not None:
                ranked = smaller_than_the_whole(ranked, whole[2])
        if not ranked:
            return BudgetResult((), False, None, NOT_FOUND_TEXT, 0.0, False)
        best_score, best_cov, best = ranked[0]
        if best_score >= MIN_SCORE and best_cov >= DECLINE_COVERAGE and not fits_constraints(q, best):
            return BudgetResult((), False, None, self._decline_text(q, best), best_score, False,
                                tuple((s, f) for s, _, f in ranked[:5]), declined=True)
        if not self._good_enough(q, best_score, best_cov, best):
            return BudgetResult((), False, None, NOT_FOUND_TEXT, best_score, False,
                                tuple((s, f) for s, _, f in ranked[:5]))
        covering = [r for r in ranked if r[1] >= MIN_COVERAGE] if q.topic else ranked
        rivals = _rivals(covering)
        if q.exact:
            # Asked to the euro: the same amount's finest print among the facts that fit,
            # however far down (a table in whole euros scores below the overview in thousands).
            finer = [(s, f) for s, _, f in covering if _same_figure(best, f) and _step(f) < _step(best)]
            if finer:
                score, best = min(finer, key=lambda sf: _step(sf[1]))
                rivals = [(score, best)] + [r for r in rivals if r[1] is not best]
        candidates = tuple((s, f) for s, _, f in ranked[:10])

        def listed(facts: Sequence[BudgetFact]) -> str:
            return "\n".join(f"- {format_figure(f)} — {describe_source(f, self.documents.get(f.doc_id))}" for f in facts)

        tie = len(rivals) > 1 and rivals[1][0] >= best_score - TIE_MARGIN
        if tie and _same_figure(rivals[0][1], rivals[1][1]):
            # One amount printed twice, rounded once ("88.353" x € 1.000 and "88.352.660"):
            # the exact print answers, the rounded one is listed under it.
            if _step(rivals[1][1]) < _step(rivals[0][1]):
                rivals[0], rivals[1] = rivals[1], rivals[0]
                best = rivals[0][1]
        elif tie and _different_things(rivals[0][1], rivals[1][1]):
            facts = [f for _, f in rivals]
            text = "Meerdere bedragen passen even goed bij uw vraag. Welke bedoelt u?\n" + listed(facts)
            return BudgetResult(tuple(facts), True, None, text, best_score, True, candidates)
        # The best-supported figure answers; the others that also fit are listed under it.
        others = [f for _, f in rivals[1:4]]
        text = self.figure_text(best)
        if others:
            text += "\nAndere bedragen die ook passen:\n" + listed(others)
        return BudgetResult((best, *others), False, None, text, best_score, True, candidates)

    def figure_text(self, fact: BudgetFact) -> str:
        """The answer with one figure: the figure, its cell and document, its footnote."""
        text = f"{format_figure(fact)}. Bron: {describe_source(fact, self.documents.get(fact.doc_id))}."
        return text + (f" Voetnoot: {fact.footnote}" if fact.footnote else "")

    @staticmethod
    def _decline_text(q: QueryTerms, fact: BudgetFact) -> str:
        """Why a clearly named budget line has no answer: the asked year or flow is not there."""
        where = f"‘{fact.row}’" + (f" in tabel ‘{fact.table}’" if fact.table else "")
        _, ys = fact_years(fact)
        if q.years and not ys & q.years:
            asked = ", ".join(str(y) for y in sorted(q.years))
            return f"Ik heb geen bedrag gevonden voor {asked}: de documenten geven voor {where} geen bedrag over dat jaar."
        if q.realised and not fits_constraints(q, fact) and fact_phase_source(fact)[0] != "realisatie":
            return (f"Ik heb geen gerealiseerd bedrag gevonden: de documenten geven voor {where} "
                    "alleen begrote of verwachte bedragen.")
        return f"Ik heb geen bedrag gevonden dat bij deze vraag past: de documenten noemen voor {where} alleen andere soorten bedragen."

    @staticmethod
    def _good_enough(q: QueryTerms, score: float, coverage: float, fact: BudgetFact | None = None) -> bool:
        if score < MIN_SCORE:
            return False
        if fact is not None and not fits_constraints(q, fact):
            return False
        if q.topic:
            return coverage >= MIN_COVERAGE
        # No topic words ("wat zijn de lasten na wijzigingen?"): the aspects must carry it.
        return bool(q.phases or q.flows)

    def best(self, q: QueryTerms, filters: Filters) -> tuple[float, float, BudgetFact] | None:
        """The best candidate when it is good enough to answer with, else None."""
        return self.best_and_candidates(q, filters, 1)[0]

    def best_and_candidates(
        self, q: QueryTerms, filters: Filters, limit: int
    ) -> tuple[tuple[float, float, BudgetFact] | None, list[tuple[float, float, BudgetFact]]]:
        """From one ranking: the best candidate when it is good enough (as `best`), and those of
        the best `limit` candidates that are good enough to answer with."""
        ranked = self.rank(q, filters)[:limit]
        good = [r for r in ranked if self._good_enough(q, r[0], r[1], r[2])]
        return (ranked[0] if good and good[0] is ranked[0] else None), good

    def restricted(self, facts: Sequence[BudgetFact]) -> "FactStore":
        """A store over some of these facts (the same documents)."""
        return FactStore(facts, (), self.documents, self.meaning_scale)


def _different_things(a: BudgetFact, b: BudgetFact) -> bool:
    """Two facts name different things unless they are cells of one document whose row and
    column read the same (a programme's own table repeated in a summary table): then the best
    one answers and the other is listed under it, rather than asking which is meant."""
    same = a.doc_id == b.doc_id and a.table_id and b.table_id
    return not same or (fold(a.row), fold(a.column)) != (fold(b.row), fold(b.column))


def split_compound(word: str, vocabulary: set[str] | frozenset[str]) -> tuple[str, ...]:
    """A question word the facts never use, read as the compound of two words they do use
    ("jeugdzorgbudget" -> jeugdzorg, budget; a linking s or e allowed: "investeringsbedrag"
    -> investering, bedrag), the longest first part first; else the word itself. Dutch
    writes compounds as one word, and a question may glue what a table keeps apart."""
    if len(word) < 8 or word in vocabulary or not word.isalpha():
        return (word,)
    return compound_parts(word, vocabulary) or (word,)


def _step(fact: BudgetFact) -> float:
    """The smallest amount a printed figure can tell apart: its unit, divided by ten per
    decimal printed ("88.353" x € 1.000 -> 1000; "€ 2,2 miljoen" -> 100000; "88.352.660" -> 1)."""
    unit = abs(fact.value / fact.number) if fact.number else 1.0
    decimals = re.search(r",(\d+)", fact.raw)
    return unit / 10 ** len(decimals.group(1)) if decimals else unit


def _same_figure(a: BudgetFact, b: BudgetFact) -> bool:
    """Two prints of one amount of money at different precisions: the coarser one is the
    finer one rounded (budgets repeat a total in thousands in one table and to the euro in
    another)."""
    if "%" in (a.unit, b.unit) or a.value == b.value or (a.value < 0) != (b.value < 0):
        return False
    coarse = max(_step(a), _step(b))
    return coarse > min(_step(a), _step(b)) and abs(a.value - b.value) <= coarse / 2


def _rivals(ranked: list[tuple[float, float, BudgetFact]], limit: int = 4) -> list[tuple[float, BudgetFact]]:
    """(score, fact) of the top fact plus every candidate with another value within
    ALSO_FITS_MARGIN of it (one per value, best first)."""
    top = ranked[0][0]
    out: list[tuple[float, BudgetFact]] = []
    seen: set[float] = set()
    for score, _, f in ranked:
        if score < top - ALSO_FITS_MARGIN or len(out) >= limit:
            break
        key = round(f.value, 6)
        if key in seen:
            continue
        seen.add(key)
        out.append((score, f))
    return out
