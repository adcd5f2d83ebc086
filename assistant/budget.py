"""Budget lookups: answer money questions exactly from the fact store, with the cell cited.

`FactStore.lookup(question, filters)` ranks every fact (table cell or in-text amount) with the
pure `score_fact` and returns a `BudgetResult`: the best fact, or several when they tie
(ambiguous), or nothing (found=False: the caller abstains or falls back to passages; we never
guess). Differences, sums and percentage changes are computed from cited cells and shown.
`ungrounded_numbers` is the grounding guard every answer passes through.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

from assistant.models import Calculation, Filters
from corpus.models import BudgetFact, DocumentMeta, Table
from corpus.numbers import format_dutch_number, parse_dutch_number
from corpus.lexicon import (
    AMOUNT_CHANGE,
    CHANGE_PHASES,
    LIFECYCLE,
    REFERENCE,
    column_phase,
    content_words,
    flows,
    flows_compatible,
    phases,
    stem,
    words,
    year_span,
    years,
)
from corpus.text import fold

tokens = content_words

# ----------------------------------------------------------------- tokens

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

# Small synonym groups for budget vocabulary; each token of a group matches the others.
_SYNONYMS: tuple[frozenset[str], ...] = tuple(
    frozenset(g.split())
    for g in (
        "buig bijstand uitkeringen inkomensvoorziening",
        "jeugdhulp jeugdzorg",
        "schuldhulp schuldhulpverlening schulddienstverlening schulden schuld",
        "armoede armoedebeleid minima minimabeleid armoedebestrijding",
        "wmo maatschappelijke",
        "inburgering nieuwkomers statushouders",
        "participatie arbeidsparticipatie",
        "jongeren jongerenaanpak jeugd",
        "besluit besluiten besloten besluitvorming",
    )
)


def _compound(word: str, parts: set[str]) -> bool:
    """word is two known parts glued ("jongerenaanpak" = "jongeren" + "aanpak"; a linking s allowed)."""
    for i in range(3, len(word) - 2):
        head, tail = word[:i], word[i:]
        if tail in parts and (head in parts or (head.endswith("s") and head[:-1] in parts)):
            return True
    return False


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
    0.8 synonym; 0.7 shared prefix of at least 5 letters where one word starts the other
    ("schulden" / "schuldenlast"); 0.6 near-identical spelling (difflib ratio >= 0.85, 6+ letters)
    or a shared stem of 8+ letters ("ondermijning" / "ondermijnende").
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
    for group in _SYNONYMS:
        if (q in group or stem(q) in group) and (cset & group or stems & group):
            best = max(best, 0.8)
    for c in cset:
        short, long_ = sorted((q, c), key=len)
        if len(short) >= 5 and long_.startswith(short):
            best = max(best, 0.7)
        elif len(os.path.commonprefix((q, c))) >= 8:
            best = max(best, 0.6)  # derivations of one stem: "ondermijning" / "ondermijnende"
        elif len(q) >= 6 and len(c) >= 6 and difflib.SequenceMatcher(None, q, c).ratio() >= 0.85:
            best = max(best, 0.6)
    return best


# ----------------------------------------------------------------- scoring


@dataclass(frozen=True)
class QueryTerms:
    """What a question asks for, parsed once.

    topic: content tokens the cell must match; context: tokens from the conversation or the
    search text (previous topic of a follow-up, abbreviation expansions) that only add a bonus,
    or stand in for the topic when the question names none ("En wat gaat er in 2023 af?").
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

    @classmethod
    def parse(cls, question: str, topic_hint: str = "", soft_year: int | None = None,
              drop: Iterable[str] = (), context_hint: str = "") -> "QueryTerms":
        text = f"{question} {topic_hint}"
        dropped = {fold(d) for d in drop}
        topic = tuple(t for t in tokens(text) if t not in dropped)
        context = tuple(dict.fromkeys(t for t in tokens(context_hint) if t not in dropped and t not in topic))
        if not topic and context:
            topic, context = context, ()
        q = fold(question)
        main, reference = q, frozenset()
        m = REFERENCE.search(q)
        if m:
            reference = frozenset(phases(m.group("ref")))
            main = q[: m.start()] + " " + q[m.end():]
        return cls(
            topic=topic,
            years=frozenset(years(question)),
            phases=frozenset(phases(main)),
            flows=frozenset(flows(question)),
            wants_total=bool(re.search(r"\btota(a)?le?\b", q)),
            wants_change=bool(
                re.search(r"wijziging|mutatie|verschil|extra|toegevoegd|bijgesteld|verhoging|verlaging|verander\w*|\bchange", q)
                or AMOUNT_CHANGE.search(q)
            ),
            soft_year=soft_year,
            reference=reference,
            context=context,
        )


_CHANGE_TABLE_RE = re.compile(r"wijziging|mutatie|specificatie")


def fact_years(fact: BudgetFact) -> tuple[str, set[int]]:
    """The most specific years a fact is about and where they come from: ("column", …) for a
    year column; ("own", …) for an in-text amount's own year; ("row", …) for years in the row
    label; ("sentence", …) for years elsewhere in an amount's sentence; ("document", …) for
    the document's year; ("none", set()) when nothing says."""
    col = year_span(fact.column)
    if col:
        return "column", col
    own = dict(fact.extra).get("year")
    if own:
        return "own", {int(own)}
    if fact.table_id:
        row = year_span(fact.row)
        if row:
            return "row", row
    elif fact.sentence:
        sent = year_span(fact.sentence)
        if sent:
            return "sentence", sent | ({fact.year} if fact.year else set())
    if fact.year:
        return "document", {fact.year}
    return "none", set()


# Phases a row label may carry for its cells ("Meerjarenbegroting 2023-2026", "Realisatie"); a
# row item named "Technische wijziging" or "Budget bijzondere bijstand" names an item, not a phase.
_ROW_PHASES = ("primitief", "na_wijzigingen", "cumulatief", "realisatie", "prognose")


def fact_phase_source(fact: BudgetFact) -> tuple[str | None, str]:
    """(phase, where it comes from: "column", "row", "caption", "sentence" or "")."""
    if not fact.table_id:
        phase = column_phase(fact.row)
        if phase:
            return phase, "row"
        phase = column_phase(fact.sentence)
        # Elsewhere in the sentence only a specific phase counts ("besteed", "prognose").
        return (phase, "sentence") if phase in _ROW_PHASES else (None, "")
    phase = column_phase(fact.column) if fact.column else None
    if phase:
        return phase, "column"
    row_phase = column_phase(fact.row) if fact.row else None
    if row_phase in _ROW_PHASES or (row_phase == "begroot" and "begroting" in fold(fact.row)):
        return row_phase, "row"
    phase = column_phase(fact.table) if fact.table else None
    return (phase, "caption") if phase else (None, "")


def fact_flows(fact: BudgetFact) -> set[str]:
    """Money flows a fact names: column and row label; for an in-text amount its sentence too."""
    named = flows(fact.column) | flows(fact.row)
    if not fact.table_id:
        named |= flows(fact.sentence)
    return named


def _fact_years(fact: BudgetFact) -> tuple[set[int], set[int]]:
    """(years in the column header, years in the row label or sentence)."""
    return years(fact.column), years(fact.row) | years(fact.sentence)


def fits_constraints(q: QueryTerms, fact: BudgetFact) -> bool:
    """Hard constraints a best candidate must meet to be an answer at all. Pure.

    - a year the question names must be the cell's year (its column, its own year, its row
      label's years, else its sentence's or document's year): "lasten in 2019" is never
      answered from a table of 2023-2026;
    - a flow the question names (lasten, baten, ...) must not contradict the cell's flow:
      "de baten van X" is never answered with the lasten row of X, nor with a sentence about X
      that names no flow at all.
    """
    if q.years:
        _, ys = fact_years(fact)
        if not ys & q.years:
            return False
    named = fact_flows(fact)
    if q.flows and named and not flows_compatible(q.flows, named):
        return False
    if q.flows and not named and not fact.table_id:
        return False  # a sentence that names no lasten/baten/… does not answer "de baten van X"
    return True


def score_fact(
    q: QueryTerms,
    fact: BudgetFact,
    document_tokens: Sequence[str] = (),
    columns: Sequence[str] = (),
) -> tuple[float, float]:
    """Score one fact for a question; returns (score, topic coverage 0..1). Pure.

    `document_tokens` are the document's title, programme and type words; `columns` the
    headers of the fact's table in order (for "change relative to column X").

    Weights (additive; chosen so that a full topic match outweighs any single aspect):
    - topic: 4.0 × coverage (question topic tokens matched in the row label, its parent and,
      for in-text amounts, the subject phrase; tokens only found in the caption 0.7, the column
      header, the sentence or the enclosing table row 0.8, the earlier text of the amount's
      paragraph 0.5, and the document's title, programme or type 0.9: every table of
      "programma Inkomensvoorziening" is about that programme, so "de lasten van
      Inkomensvoorziening" finds its bare "Lasten" row) + 1.5 × precision (share of the row
      label's own content words the question names, words of the document's title not
      counted, so "Armoedebeleid" beats "Armoedebeleid (stichting Leergeld)" for
      "armoedebeleid"). Weak words ("budget", "geld") weigh 0.3. Context tokens (previous
      topic of a follow-up) add up to 1.0 × their coverage.
    - year: a year column equal to a question year +2.0, different -2.5; an in-text amount's
      own year +2.0 / -2.0; a year in the row label or sentence +1.0 / -1.0; only the
      document's year +0.3; nothing -0.5. A filter year (soft_year) counts half, never
      penalises.
    - phase (begroot / na_wijzigingen / realisatie / ...; the column's, else the row's): asked
      +1.5, a plain "begroot" question against a kind of budget column +0.5, another phase
      -1.0, no phase at all when a specific one is asked -0.75; a forecast when no phase is
      asked -0.5. A change question without a phase: change columns +1.0, and the change
      column right after the reference column ("ten opzichte van de begroting na
      wijzigingen" -> "Wijzigingen deze periode") another +1.5.
    - flow (lasten / baten / saldo / besteding / onttrekking / storting): named in row or
      column and asked +1.5 (spending counts as lasten), a different flow -1.0.
    - a change cell (change column, or a table of changes: caption "wijziging",
      "specificatie") when the question asks no change -1.5.
    - total rows: +0.5 when the question says "totaal", -0.3 otherwise.
    """
    extra = dict(fact.extra)
    in_text = not fact.table_id
    label_tokens = tokens(fact.row)
    context_tokens = tokens(extra.get("context", ""))
    caption_tokens = tokens(fact.table + " " + extra.get("table", "") + " " + extra.get("header", ""))
    column_tokens = tokens(fact.column)
    sentence_tokens = tokens(fact.sentence) if in_text else []
    paragraph_tokens = tokens(extra.get("paragraph", "")) if in_text else []
    doc_set = list(document_tokens)

    def match(t: str) -> float:
        return max(
            token_match(t, label_tokens),
            0.8 * token_match(t, context_tokens),
            0.8 * token_match(t, sentence_tokens),
            0.8 * token_match(t, column_tokens),
            0.7 * token_match(t, caption_tokens),
            0.5 * token_match(t, paragraph_tokens),
            0.9 * token_match(t, doc_set),
        )

    weights = [0.3 if t in _WEAK else 1.0 for t in q.topic]
    matched = sum(w * match(t) for t, w in zip(q.topic, weights))
    coverage = matched / sum(weights) if weights else 0.0
    own = [t for t in label_tokens if t not in _WEAK and token_match(t, doc_set) < 1.0]
    precision = (
        sum(1 for t in own if token_match(t, list(q.topic)) >= 0.6) / len(own) if own and q.topic else 0.0
    )
    score = 4.0 * coverage + 1.5 * precision
    if q.context:
        score += sum(match(t) for t in q.context) / len(q.context)

    source, fys = fact_years(fact)
    asked = set(q.years)
    if asked:
        hit = bool(fys & asked)
        if source == "column":
            score += 2.0 if hit else -2.5
        elif source == "own":
            score += 2.0 if hit else -2.0
        elif source == "row":
            score += 1.0 if hit else -1.0
        elif source == "sentence":
            score += 0.5 if hit else -1.0  # somewhere in the sentence: may be another clause's
        elif source == "document":
            score += 0.3 if hit else -0.5
        else:
            score -= 0.5
    elif q.soft_year is not None:
        if source == "column":
            score += 1.0 if q.soft_year in fys else 0.0
        elif source in ("own", "row", "sentence") and q.soft_year in fys:
            score += 0.5

    phase, phase_from = fact_phase_source(fact)
    # "begroot cumulatief": the specific phase is the one asked, "begroot" only frames it.
    asked_phases = (q.phases - {"begroot"}) or q.phases
    if asked_phases:
        if phase in asked_phases:
            score += 0.75 if phase_from == "caption" else 1.5  # a column says it more precisely
        elif phase and asked_phases == {"begroot"} and phase in ("primitief", "na_wijzigingen", "cumulatief"):
            score += 0.5
        elif phase in CHANGE_PHASES and asked_phases & set(CHANGE_PHASES):
            score += 0.75  # "de wijzigingen" asked, a cell of the changes of this period
        elif phase and phase_from != "caption":
            score -= 1.0  # (a table of changes is penalised below, once)
        elif asked_phases - {"begroot"}:
            score -= 0.75
    else:
        if phase == "prognose":
            score -= 0.5  # a forecast answers only when one is asked for
        if q.wants_change and phase in CHANGE_PHASES:
            score += 1.0
            if q.reference and fact.column in columns:
                i = list(columns).index(fact.column)
                if i > 0 and column_phase(columns[i - 1]) in q.reference:
                    score += 1.5
    named_flows = fact_flows(fact)
    if q.flows and named_flows:
        score += 1.5 if flows_compatible(q.flows, named_flows) else -1.0

    change_cell = phase in CHANGE_PHASES or bool(_CHANGE_TABLE_RE.search(fold(fact.table)))
    if change_cell and not in_text and not q.wants_change and not (q.phases & set(CHANGE_PHASES)):
        score -= 1.5
    if ("is_total", "1") in fact.extra:
        score += 0.5 if q.wants_total else -0.3
    return score, coverage


# ----------------------------------------------------------------- results and the store

# Candidates with another value scoring this close to the best "also fit": listed under the
# answer (one point is about one content word of the question less in the row or column).
ALSO_FITS_MARGIN = 1.0
# Only candidates this close to the best are a tie: then the answer asks which one is meant.
TIE_MARGIN = 0.05
MIN_SCORE = 2.0  # below this the best candidate is not a match, whatever its rank
MIN_COVERAGE = 0.5  # share of the question's topic words the best cell must match
DECLINE_COVERAGE = 0.75  # a best cell this well matched but of another year/flow: say so, abstain


@dataclass(frozen=True)
class BudgetResult:
    """Outcome of a lookup.

    facts: the fact(s) used: one for a plain answer, all candidates when ambiguous, the operands
        of a calculation.
    text: the Dutch answer (figure in words people read, source named); empty when not found.
    score: the best candidate's score (see score_fact); found False means: do not answer.
    """

    facts: tuple[BudgetFact, ...]
    ambiguous: bool
    calculation: Calculation | None
    text: str
    score: float
    found: bool
    candidates: tuple[tuple[float, BudgetFact], ...] = field(default=(), repr=False)
    # True when the question clearly names a budget line but asks for a year or flow the
    # documents do not give for it: the caller abstains (with `text`) instead of searching passages.
    declined: bool = False


NOT_FOUND_TEXT = "Ik heb in de documenten geen bedrag gevonden dat duidelijk bij deze vraag past."

_MULTIPLIERS = {"x € 1.000": 1000, "x € 1 mln": 1_000_000, "€": 1}


def fact_multiplier(fact: BudgetFact) -> int | None:
    """Euros per printed unit of a fact, from its unit; None when unknown or a percentage."""
    return _MULTIPLIERS.get(fact.unit)


def format_figure(fact: BudgetFact) -> str:
    """The figure as a person reads it: "€ 95.225.000 (95.225 × € 1.000)", "€ 45.917.564",
    "-1.100 (eenheid niet vermeld)", "4%"."""
    if fact.unit == "%":
        return f"{format_dutch_number(fact.number)}%"
    m = fact_multiplier(fact)
    if m is None:
        return f"{fact.raw.strip()} (eenheid niet vermeld)"
    euros = f"€ {format_dutch_number(fact.value)}"
    if m > 1:
        return f"{euros} ({format_dutch_number(fact.number)} × € {'1.000' if m == 1000 else '1 mln'})"
    if fact.table_id or parse_dutch_number(fact.raw) == fact.value:
        return euros
    return f"{euros} ({fact.raw})"


def describe_source(fact: BudgetFact, meta: DocumentMeta | None) -> str:
    """ "tabel ‘Exploitatie’, rij ‘Lasten’, kolom ‘Begroting na wijzigingen’ in ‘…’ (Deventer)"."""
    doc = f"‘{meta.title}’" if meta else f"‘{fact.doc_id}’"
    town = f" ({fact.municipality})" if fact.municipality else ""
    if fact.table_id:
        parts = [f"tabel ‘{fact.table}’" if fact.table else "tabel", f"rij ‘{fact.row}’"]
        if fact.column:
            parts.append(f"kolom ‘{fact.column}’")
        return ", ".join(parts) + f" in {doc}{town}"
    return f"de zin ‘{fact.sentence}’ in {doc}{town}"


# Words for reports whose following year names the document, not a column.
_REPORT_WORDS = (
    "kwartaalrapportage", "rapportage", "berap", "voortgangsrapportage", "jaarrekening", "jaarverslag",
    "voorjaarsnota", "najaarsnota", "programmabegroting", "tussenrapportage", "bestuursrapportage",
)


class FactStore:
    """All budget facts and tables of the corpus, searchable by question and filters."""

    def __init__(self, facts: Iterable[BudgetFact], tables: Iterable[Table],
                 documents: Mapping[str, DocumentMeta]) -> None:
        self.facts = list(facts)
        self.tables = list(tables)
        self.documents = dict(documents)
        self._names = {fold(m.municipality) for m in self.documents.values() if m.municipality}
        self._doc_tokens = {
            d: tokens(f"{m.title} {m.program or ''} {m.doc_type or ''}") for d, m in self.documents.items()
        }
        self._columns = {t.id: t.columns for t in self.tables}
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
               language: str = "nl", own_question: str = "") -> QueryTerms:
        q = self._parse_terms(question, filters, topic_hint, context_hint, language)
        # A year that names a document ("in de 3e kwartaalrapportage 2023") is the document's
        # year, not a column year: it becomes soft.
        doc_years = {int(y) for y in self._doc_year_re.findall(fold(question))}
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
        return q

    def _parse_terms(self, question: str, filters: Filters, topic_hint: str, context_hint: str,
                     language: str) -> QueryTerms:
        drop = set(self._names)
        if filters.municipality:
            drop.add(filters.municipality)
        drop |= {w for n in drop for w in words(n)}
        soft = filters.year if filters.year is not None and not years(question) else None
        if language != "en":
            return QueryTerms.parse(question, topic_hint, soft_year=soft, drop=drop, context_hint=context_hint)
        # English: the Dutch glosses (search text beyond the question, budget vocabulary) are
        # the topic; English words count only when the documents use them too ("BUIG").
        own = tokens(question)
        glosses = [t for t in tokens(context_hint) if t not in own] + tokens(gloss_budget_english(question))
        known = [t for t in own if t in self._vocab]
        base = QueryTerms.parse(f"{question} {' '.join(glosses)}", soft_year=soft, drop=drop)
        topic = tuple(dict.fromkeys(t for t in known + glosses if fold(t) not in drop))
        return _replace(base, topic=topic)

    def rank(self, q: QueryTerms, filters: Filters) -> list[tuple[float, float, BudgetFact]]:
        """(score, coverage, fact) for every allowed fact, best first (ties: document order)."""
        scored = [
            (*score_fact(q, f, self._doc_tokens.get(f.doc_id, ()), self._columns.get(f.table_id, ())), f)
            for f in self.facts
            if self._allowed(f, filters)
        ]
        scored.sort(key=lambda x: (-x[0], x[2].doc_id, x[2].start))
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
               context_hint: str = "", language: str = "nl", own_question: str = "") -> BudgetResult:
        """Answer a money question from the facts (see module docstring).

        question: the resolved question; topic_hint: its content words (QueryPlan.topic);
        context_hint: the search text (previous topic of a follow-up, glosses of an English
        question); language "nl"/"en"; own_question: the words the user typed this turn (a
        follow-up's flow, year or phase override the resolved ones).
        """
        if not question or not question.strip():
            return BudgetResult((), False, None, NOT_FOUND_TEXT, 0.0, False)
        q = self._terms(question, filters, topic_hint, context_hint, language, own_question)
        calc = self._calculation(question, q, filters)
        if calc is not None:
            return calc
        ranked = self.rank(q, filters)
        if not ranked:
            return BudgetResult((), False, None, NOT_FOUND_TEXT, 0.0, False)
        best_score, best_cov, best = ranked[0]
        if best_score >= MIN_SCORE and best_cov >= DECLINE_COVERAGE and not fits_constraints(q, best):
            return BudgetResult((), False, None, self._decline_text(q, best), best_score, False,
                                tuple((s, f) for s, _, f in ranked[:5]), declined=True)
        if not self._good_enough(q, best_score, best_cov, best):
            return BudgetResult((), False, None, NOT_FOUND_TEXT, best_score, False,
                                tuple((s, f) for s, _, f in ranked[:5]))
        rivals = _rivals(ranked)
        candidates = tuple((s, f) for s, _, f in ranked[:10])

        def listed(facts: Sequence[BudgetFact]) -> str:
            return "\n".join(f"- {format_figure(f)} — {describe_source(f, self.documents.get(f.doc_id))}" for f in facts)

        if len(rivals) > 1 and rivals[1][0] >= best_score - TIE_MARGIN:
            facts = [f for _, f in rivals]
            text = "Meerdere bedragen passen even goed bij uw vraag. Welke bedoelt u?\n" + listed(facts)
            return BudgetResult(tuple(facts), True, None, text, best_score, True, candidates)
        # The best-supported figure answers; the others that also fit are listed under it.
        others = [f for _, f in rivals[1:4]]
        text = f"{format_figure(best)}. Bron: {describe_source(best, self.documents.get(best.doc_id))}."
        if best.footnote:
            text += f" Voetnoot: {best.footnote}"
        if others:
            text += "\nAndere bedragen die ook passen:\n" + listed(others)
        return BudgetResult((best, *others), False, None, text, best_score, True, candidates)

    @staticmethod
    def _decline_text(q: QueryTerms, fact: BudgetFact) -> str:
        """Why a clearly named budget line has no answer: the asked year or flow is not there."""
        where = f"‘{fact.row}’" + (f" in tabel ‘{fact.table}’" if fact.table else "")
        _, ys = fact_years(fact)
        if q.years and not ys & q.years:
            asked = ", ".join(str(y) for y in sorted(q.years))
            return f"Ik heb geen bedrag gevonden voor {asked}: de documenten geven voor {where} geen bedrag over dat jaar."
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

    # -- arithmetic
    def _calculation(self, question: str, q: QueryTerms, filters: Filters) -> BudgetResult | None:
        fq = fold(question)
        percent = bool(re.search(r"procent|percentage|%|procentuele", fq))
        diff = percent or bool(
            re.search(r"verschil|hoeveel (meer|minder|hoger|lager)|toename|afname|gestegen|gedaald|stijging|daling|gegroeid|groei", fq)
        )
        sum_m = re.search(r"\b(?:totaal|som|samen|opgeteld)\b(?: van)?(?P<rest>.*)", fq)
        if diff:
            return self._difference(question, q, filters, percent)
        if sum_m and re.search(r"\ben\b|,", sum_m.group("rest")):
            return self._sum(sum_m.group("rest"), q, filters)
        return None

    def _best(self, q: QueryTerms, filters: Filters) -> tuple[float, float, BudgetFact] | None:
        ranked = self.rank(q, filters)
        if not ranked or not self._good_enough(q, ranked[0][0], ranked[0][1], ranked[0][2]):
            return None
        return ranked[0]

    def _difference(self, question: str, q: QueryTerms, filters: Filters, percent: bool) -> BudgetResult | None:
        ys = sorted(q.years)
        slots: list[QueryTerms] = []
        if len(ys) >= 2:
            slots = [_replace(q, years=frozenset({y})) for y in (ys[0], ys[-1])]
        elif len(q.phases) >= 2:
            # Earlier stage first, so the difference reads "later minus earlier" (realisatie − begroot).
            ordered = [p for p in LIFECYCLE if p in q.phases]
            slots = [_replace(q, phases=frozenset({p})) for p in (ordered[0], ordered[-1])] if len(ordered) >= 2 else []
        if len(slots) < 2:
            return None
        first = self._best(slots[0], filters)
        if first is None:
            return None
        # The second operand comes from the same row of the same table when possible.
        same_row = [f for f in self.facts if f.table_id == first[2].table_id and f.row == first[2].row and f.table_id]
        second = None
        if same_row:
            sub = FactStore(same_row, (), self.documents)
            second = sub._best(slots[1], filters)
        if second is None:
            second = self._best(slots[1], filters)
        if second is None or second[2] is first[2]:
            return None
        a, b = first[2], second[2]
        unit_m = fact_multiplier(a)
        same_unit = a.unit == b.unit
        if percent:
            if a.value == 0:
                return None
            result = (b.value - a.value) / abs(a.value) * 100
            expr = f"({_num(b)} − {_num(a)}) / {_abs_num(a)} × 100% = {format_dutch_number(round(result, 1))}%"
            desc = f"Procentuele verandering van {_slot_name(a)} naar {_slot_name(b)}"
            figure = ""
        else:
            direction = change_direction(question)
            sign = difference_sign(a.number, b.number, direction)
            # Both operands printed negative (spending shown as minus): "hoeveel minder besteed"
            # compares amounts, so the magnitudes are subtracted.
            magnitudes = a.number < 0 and b.number < 0 and direction is not None
            pick = abs if magnitudes else (lambda v: v)
            first_f, second_f = (b, a) if sign > 0 else (a, b)
            result = pick(first_f.value) - pick(second_f.value)
            same_scale = same_unit and _scale(a) == _scale(b)
            if same_scale:
                printed = pick(first_f.number) - pick(second_f.number)
                shown = (pick(first_f.number), pick(second_f.number))
            else:
                printed = result
                shown = (pick(first_f.value), pick(second_f.value))
            suffix = f" (× € {'1.000' if unit_m == 1000 else '1 mln'})" if same_scale and unit_m and unit_m > 1 else ""
            expr = f"{_num_value(shown[0])} − {_num_value(shown[1])} = {format_dutch_number(printed)}{suffix}"
            if magnitudes:
                expr += " (bedragen zonder minteken vergeleken)"
            desc = {
                "up": f"Toename van {_slot_name(a)} naar {_slot_name(b)}",
                "down": f"Afname van {_slot_name(a)} naar {_slot_name(b)}",
            }.get(direction or "", f"Verschil tussen {_slot_name(first_f)} en {_slot_name(second_f)}")
            if unit_m is None or not same_unit:
                figure = format_dutch_number(result) + (" (eenheid niet vermeld)" if unit_m is None else "")
            else:
                figure = f"€ {format_dutch_number(result)}"
        calc = Calculation(desc, expr, result, (a, b))
        srcs = "; ".join(describe_source(f, self.documents.get(f.doc_id)) for f in (a, b))
        text = f"{desc}: {expr}{', dus ' + figure if figure else ''}. Bronnen: {srcs}."
        return BudgetResult((a, b), False, calc, text, min(first[0], second[0]), True)

    def _sum(self, rest: str, q: QueryTerms, filters: Filters) -> BudgetResult | None:
        parts = [p for p in re.split(r"\s+en\s+|,", rest) if tokens(p)]
        if len(parts) < 2:
            return None
        picked = []
        for part in parts:
            best = self._best(_replace(q, topic=tuple(tokens(part))), filters)
            if best is None:
                return None
            picked.append(best)
        facts = tuple(p[2] for p in picked)
        if len({f.unit for f in facts}) != 1:
            return None
        total = sum(f.value for f in facts)
        m = fact_multiplier(facts[0])
        printed = sum(f.number for f in facts)
        suffix = f" (× € {'1.000' if m == 1000 else '1 mln'})" if m and m > 1 else ""
        expr = " + ".join(_num(f) for f in facts) + f" = {format_dutch_number(printed)}{suffix}"
        figure = f"€ {format_dutch_number(total)}" if m else format_dutch_number(total) + " (eenheid niet vermeld)"
        desc = "Som van " + ", ".join(f"‘{f.row}’" for f in facts)
        calc = Calculation(desc, expr, total, facts)
        srcs = "; ".join(describe_source(f, self.documents.get(f.doc_id)) for f in facts)
        return BudgetResult(facts, False, calc, f"{desc}: {expr}, dus {figure}. Bronnen: {srcs}.",
                            min(p[0] for p in picked), True)


_UP_RE = re.compile(r"hoger|\bmeer\b|gestegen|stijg\w*|toename|toegenomen|gegroeid|\bgroei|erbij|increase\w*|\bmore\b|higher|\brose\b|risen|grew")
_DOWN_RE = re.compile(r"lager|minder|gedaald|daling|\bdaalt|afname|afgenomen|gekrompen|bezuinig\w*|decrease\w*|\bless\b|lower|fell|dropped")


def change_direction(question: str) -> str | None:
    """"up" for "hoeveel hoger / gestegen", "down" for "hoeveel minder / gedaald", None for a
    plain "verschil" question."""
    q = fold(question)
    up, down = _UP_RE.search(q), _DOWN_RE.search(q)
    if up and not down:
        return "up"
    if down and not up:
        return "down"
    return None


def difference_sign(first: float, second: float, direction: str | None) -> int:
    """+1: report second − first (a rise from the earlier to the later operand); -1: first −
    second. A "down" question reports the fall as a positive amount; a plain "verschil"
    question reports the size of the difference (larger minus smaller); magnitudes are
    compared when both operands are printed negative."""
    if direction == "up":
        return 1
    if direction == "down":
        return -1
    if first < 0 and second < 0:
        return 1 if abs(second) >= abs(first) else -1
    return 1 if second >= first else -1


def _scale(f: BudgetFact) -> float:
    """Euros per printed unit of one fact (1000 for a "x € 1.000" cell, 1e6 for "0,5 miljoen")."""
    return round(f.value / f.number, 6) if f.number else float(fact_multiplier(f) or 1)


def _num_value(v: float) -> str:
    s = format_dutch_number(v)
    return f"({s})" if v < 0 else s


def _replace(q: QueryTerms, **changes) -> QueryTerms:
    from dataclasses import replace

    return replace(q, **changes)


def _num(f: BudgetFact) -> str:
    """A printed operand; negatives in parentheses so "−" stays readable."""
    s = format_dutch_number(f.number)
    return f"({s})" if f.number < 0 else s


def _abs_num(f: BudgetFact) -> str:
    return format_dutch_number(abs(f.number))


def _slot_name(f: BudgetFact) -> str:
    """How an operand is named: its column, or for an in-text amount the amount and its year."""
    if f.column:
        return f"‘{f.column}’"
    if not f.table_id:
        year = dict(f.extra).get("year")
        return f"{f.raw.strip()}" + (f" ({year})" if year else "")
    return f"‘{f.row}’"


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
