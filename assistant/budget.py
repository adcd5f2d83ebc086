"""Budget lookups: answer money questions exactly from the fact store, with the cell cited.

`FactStore.lookup(question, filters)` ranks every fact (table cell or in-text amount) with the
pure `score_fact` and returns a `BudgetResult`: the best fact, or several when they tie
(ambiguous), or nothing (found=False: the caller abstains or falls back to passages; we never
guess). Differences, sums and percentage changes are computed from cited cells and shown.
`ungrounded_numbers` is the grounding guard every answer passes through.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

from assistant.models import Calculation, Filters
from corpus.models import BudgetFact, DocumentMeta, Table
from corpus.numbers import find_amounts, format_dutch_number, parse_dutch_number
from corpus.tables import parse_unit

# ----------------------------------------------------------------- question recognition

_MONEY_RE = re.compile(
    r"€|\beuro|\bbedrag|\bbudget|\blasten\b|\bbaten\b|\bsaldo|\bgeraamd|\braming|\bbegroot"
    r"|\bkosten|\bkost\b|\buitgaven|\buitgegeven|\brealisatie|\bgerealiseerd|\bbesteding|\bbesteed"
    r"|\bgeld\b|\bmiljoen|\bsubsidie|\breserve|\bonttrekking|\bstorting|\bfinancieel|\btekort|\boverschot"
    r"|\bhow much\b|\bcosts?\b|\bspend|\bspent\b|\bexpenditure|\brevenue|\bamount\b|\bfunding\b",
)
_HOEVEEL_RE = re.compile(r"\bhoeveel\b(?:\s+(\w+))?(?:\s+(\w+))?")
# "hoeveel mensen / jaar / procent" asks for a count, not an amount.
_COUNT_NOUNS = {
    "mensen", "inwoners", "personen", "jongeren", "kinderen", "clienten", "klanten", "aanvragen",
    "meldingen", "woningen", "jaar", "jaren", "maanden", "weken", "dagen", "keer", "procent",
    "uur", "deelnemers", "huishoudens", "gezinnen", "plekken", "plaatsen", "fte", "medewerkers",
    "trajecten", "bezoekers", "leerlingen", "gemeenten", "indicatoren", "acties",
}


def fold(text: str) -> str:
    """Lower-case and strip accents: "Cliënten" -> "clienten"."""
    nfkd = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in nfkd if not unicodedata.combining(c))


def is_budget_question(question: str) -> bool:
    """True when the question asks for an amount of money (Dutch or English)."""
    q = fold(question)
    if _MONEY_RE.search(q):
        return True
    if re.search(r"\b(?:som|totaal) van\b.*\ben\b", q):
        return True
    if len(years(q)) >= 2 and re.search(r"verschil|\bsom\b|totaal|stijging|daling|toename|afname", q):
        return True
    for m in _HOEVEEL_RE.finditer(q):
        following = [w for w in m.groups() if w]
        if following and following[0] in ("er", "is", "wordt", "werd", "was", "zijn") and len(following) > 1:
            following = following[1:]
        if not following or following[0] not in _COUNT_NOUNS:
            return True
    return False


# ----------------------------------------------------------------- tokens and aspects

_STOPWORDS = set(
    """de het een en of van voor in op aan met bij naar om tot uit over door als dat die dit deze
    wat welke wie hoe hoeveel hoog hoge is zijn was waren wordt worden werd er nog ook al dan te
    we wij u jij ik ze zij hun ons onze mijn the of a an to for in on at is are was what how much
    many which does did do geef noem vertel graag totale gemeente jaar bedrag bedragen euro
    bedraagt hebben heeft had tussen tijdens per via zo nu wel niet geen bij
    verschil stijging daling toename afname procentuele procent percentage som opgeteld samen
    meer minder hoger lager groei gestegen gedaald gegroeid veranderd verandering""".split()
)
# Words that say something about money but name no topic: they count a little.
_WEAK = {"budget", "geld", "middelen", "kosten", "post", "programma", "begroting", "totaal"}

_PHASES: tuple[tuple[str, str], ...] = (
    ("deze_periode", r"(?:\w*wijziging\w* )?(?:in )?deze periode"),
    ("na_wijzigingen", r"na (?:begrotings)?wijziging\w*|gewijzigde begroting|bijgestelde begroting|actuele begroting"),
    ("primitief", r"primitiev\w*|primaire begroting|oorspronkelijke begroting|originele begroting"),
    ("cumulatief", r"cumulatie\w*"),
    ("wijzigingen", r"\w*wijziging\w*|mutatie\w*"),
    ("realisatie", r"realisatie|gerealiseerd\w*|werkelijk\w*|besteed|uitgegeven|jaarrekening"),
    ("prognose", r"prognose\w*|geprogn\w*|verwacht\w*"),
    ("begroot", r"begroot|begroting\w*|geraamd\w*|raming\w*|budget\w*"),
)
_LIFECYCLE = ("primitief", "begroot", "wijzigingen", "na_wijzigingen", "deze_periode", "cumulatief", "prognose", "realisatie")
_FLOWS: tuple[tuple[str, str], ...] = (
    ("lasten", r"\blasten\b|\buitgaven\b|\bkosten\b"),
    ("baten", r"\bbaten\b|\binkomsten\b|\bopbrengst\w*"),
    ("saldo", r"\bsaldo\b"),
    ("onttrekking", r"onttrekking\w*|onttrokken|\bputting\b"),
    ("storting", r"\bstorting\w*|\bdotatie\w*"),
    ("besteding", r"\bbesteding\w*|\bbesteed\b|\buitgegeven\b"),
)
_ASPECT_WORDS = re.compile("|".join(p for _, p in _PHASES + _FLOWS))
_YEAR_RE = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_TOKEN_RE = re.compile(r"[a-z0-9]+")
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
    )
)


def phases(text: str) -> set[str]:
    """Budget phases named in text (begroot, na_wijzigingen, realisatie, ...); earlier, more
    specific patterns consume their words so "na begrotingswijzigingen" is not also "wijzigingen"."""
    t = fold(text)
    found = set()
    for name, pattern in _PHASES:
        if re.search(pattern, t):
            found.add(name)
            t = re.sub(pattern, " ", t)
    return found


def column_phase(text: str) -> str | None:
    """The single phase a column header names (first, most specific pattern wins)."""
    t = fold(text)
    for name, pattern in _PHASES:
        if re.search(pattern, t):
            return name
    return None


def flows(text: str) -> set[str]:
    """Money flows named in text: lasten, baten, saldo, onttrekking, storting, besteding."""
    t = fold(text)
    return {name for name, pattern in _FLOWS if re.search(pattern, t)}


def years(text: str) -> set[int]:
    return {int(y) for y in _YEAR_RE.findall(text)}


def stem(token: str) -> str:
    """Light Dutch stemming: plural/inflection endings off for longer words."""
    if len(token) > 5 and token.endswith("s") and not token.endswith("ss"):
        token = token[:-1]  # "reserves" -> "reserve" -> "reserv", like "reserve"
    for suffix in ("en", "e"):
        if len(token) > 5 and token.endswith(suffix):
            return token[: -len(suffix)]
    return token


def tokens(text: str) -> list[str]:
    """Content tokens: folded, no stopwords, no years, no aspect words."""
    t = _ASPECT_WORDS.sub(" ", _YEAR_RE.sub(" ", fold(text)))
    return [w for w in _TOKEN_RE.findall(t) if w not in _STOPWORDS and not w.isdigit() and len(w) > 1]


def _compound(word: str, parts: set[str]) -> bool:
    """word is two known parts glued ("jongerenaanpak" = "jongeren" + "aanpak"; a linking s allowed)."""
    for i in range(3, len(word) - 2):
        head, tail = word[:i], word[i:]
        if tail in parts and (head in parts or (head.endswith("s") and head[:-1] in parts)):
            return True
    return False


def token_match(q: str, candidates: Sequence[str]) -> float:
    """How well question token q is matched by candidate tokens, 0..1.

    1.0 equal or equal after stemming, or a compound of two candidate tokens (and the reverse);
    0.8 synonym; 0.7 shared prefix of at least 5 letters where one word starts the other
    ("schulden" / "schuldenlast"); 0.6 near-identical spelling (difflib ratio >= 0.85, 6+ letters).
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
        elif len(q) >= 6 and len(c) >= 6 and difflib.SequenceMatcher(None, q, c).ratio() >= 0.85:
            best = max(best, 0.6)
    return best


# ----------------------------------------------------------------- scoring


@dataclass(frozen=True)
class QueryTerms:
    """What a question asks for, parsed once: topic tokens, years, phases, flows, intent words."""

    topic: tuple[str, ...]
    years: frozenset[int]
    phases: frozenset[str]
    flows: frozenset[str]
    wants_total: bool = False
    wants_change: bool = False
    soft_year: int | None = None

    @classmethod
    def parse(cls, question: str, topic_hint: str = "", soft_year: int | None = None,
              drop: Iterable[str] = ()) -> "QueryTerms":
        text = f"{question} {topic_hint}"
        dropped = {fold(d) for d in drop}
        topic = tuple(t for t in tokens(text) if t not in dropped)
        q = fold(question)
        return cls(
            topic=topic,
            years=frozenset(years(question)),
            phases=frozenset(phases(question)),
            flows=frozenset(flows(question)),
            wants_total=bool(re.search(r"\btota(a)?le?\b", q)),
            wants_change=bool(re.search(r"wijziging|mutatie|verschil|extra|toegevoegd|bijgesteld|verhoging|verlaging", q)),
            soft_year=soft_year,
        )


_CHANGE_TABLE_RE = re.compile(r"wijziging|mutatie|specificatie")


def _fact_years(fact: BudgetFact) -> tuple[set[int], set[int]]:
    """(years in the column header, years in the row label or sentence)."""
    return years(fact.column), years(fact.row) | years(fact.sentence)


def score_fact(q: QueryTerms, fact: BudgetFact, document_tokens: Sequence[str] = ()) -> tuple[float, float]:
    """Score one fact for a question; returns (score, topic coverage 0..1). Pure.

    Weights (additive; chosen so that a full topic match outweighs any single aspect):
    - topic: 4.0 × coverage (question topic tokens matched in the row label, its parent and,
      for in-text amounts, the subject phrase; tokens only found in the caption, the column
      header, the sentence or the enclosing table row count 0.7/0.8/0.8/0.8, and those only
      in the document's title or programme 0.6: "de lasten van Inkomensvoorziening en
      arbeidsmarkt" names the programme whose Exploitatie table has a bare "Lasten" row) + 1.5 × precision (share of the row
      label's own content words the question names, so "Armoedebeleid" beats "Armoedebeleid
      (stichting Leergeld)" for "armoedebeleid"). Weak words ("budget", "geld") weigh 0.3.
    - year: column year equal to a question year +2.0, a different column year -2.5; a year in
      the row label or sentence +1.0; only the document's year +0.3; none -0.5. A filter year
      (soft_year) counts half and never penalises.
    - phase (begroot / na_wijzigingen / realisatie / ...): column phase asked +1.5, a plain
      "begroot" question against a kind of budget column +0.5, another phase -1.0; a
      forecast column when no phase is asked -0.5.
    - flow (lasten / baten / saldo / besteding / onttrekking): named in row or column and asked
      +1.5, a different flow -1.0.
    - a cell in a table of changes (caption or column "wijziging", "specificatie") when the
      question asks no change -1.5: those cells are mutations, not budget levels.
    - total rows: +0.5 when the question says "totaal", -0.3 otherwise.
    """
    extra = dict(fact.extra)
    in_text = not fact.table_id
    label_tokens = tokens(fact.row)
    context_tokens = tokens(extra.get("context", ""))
    caption_tokens = tokens(fact.table + " " + extra.get("table", ""))
    column_tokens = tokens(fact.column)
    sentence_tokens = tokens(fact.sentence) if in_text else []
    weights = [0.3 if t in _WEAK else 1.0 for t in q.topic]
    matched = 0.0
    for t, w in zip(q.topic, weights):
        m = max(
            token_match(t, label_tokens),
            0.8 * token_match(t, context_tokens),
            0.8 * token_match(t, sentence_tokens),
            0.8 * token_match(t, column_tokens),
            0.7 * token_match(t, caption_tokens),
            0.6 * token_match(t, document_tokens),
        )
        matched += w * m
    coverage = matched / sum(weights) if weights else 0.0
    own = [t for t in label_tokens if t not in _WEAK]
    precision = (
        sum(1 for t in own if token_match(t, list(q.topic)) >= 0.6) / len(own) if own and q.topic else 0.0
    )
    score = 4.0 * coverage + 1.5 * precision

    col_years, row_years = _fact_years(fact)
    asked = set(q.years)
    if asked:
        if col_years:
            score += 2.0 if col_years & asked else -2.5
        elif row_years & asked:
            score += 1.0
        elif fact.year in asked:
            score += 0.3
        else:
            score -= 0.5
    elif q.soft_year is not None:
        if col_years:
            score += 1.0 if q.soft_year in col_years else 0.0
        elif q.soft_year in row_years:
            score += 0.5

    col_phase = column_phase(fact.column) if fact.column else None
    if q.phases and col_phase:
        if col_phase in q.phases:
            score += 1.5
        elif q.phases == {"begroot"} and col_phase in ("primitief", "na_wijzigingen", "cumulatief"):
            score += 0.5
        else:
            score -= 1.0
    elif not q.phases and col_phase == "prognose":
        score -= 0.5  # a forecast answers only when one is asked for
    fact_flows = flows(fact.column) | flows(fact.row)
    if q.flows and fact_flows:
        score += 1.5 if fact_flows & q.flows else -1.0

    changes = _CHANGE_TABLE_RE.search(fold(fact.table + " " + fact.column))
    if changes and not in_text and not q.wants_change and "deze_periode" not in q.phases and "wijzigingen" not in q.phases:
        score -= 1.5
    if ("is_total", "1") in fact.extra:
        score += 0.5 if q.wants_total else -0.3
    return score, coverage


# ----------------------------------------------------------------- results and the store

AMBIGUITY_MARGIN = 0.3  # scores this close with different values are "equally good"
MIN_SCORE = 2.0  # below this the best candidate is not a match, whatever its rank
MIN_COVERAGE = 0.5  # share of the question's topic words the best cell must match


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


class FactStore:
    """All budget facts and tables of the corpus, searchable by question and filters."""

    def __init__(self, facts: Iterable[BudgetFact], tables: Iterable[Table],
                 documents: Mapping[str, DocumentMeta]) -> None:
        self.facts = list(facts)
        self.tables = list(tables)
        self.documents = dict(documents)
        self._names = {fold(m.municipality) for m in self.documents.values() if m.municipality}
        self._doc_tokens = {d: tokens(f"{m.title} {m.program or ''}") for d, m in self.documents.items()}

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

    def _terms(self, question: str, filters: Filters, topic_hint: str = "") -> QueryTerms:
        drop = set(self._names)
        if filters.municipality:
            drop.add(filters.municipality)
        drop |= {w for n in drop for w in _TOKEN_RE.findall(n)}
        soft = filters.year if filters.year is not None and not years(question) else None
        return QueryTerms.parse(question, topic_hint, soft_year=soft, drop=drop)

    def rank(self, q: QueryTerms, filters: Filters) -> list[tuple[float, float, BudgetFact]]:
        """(score, coverage, fact) for every allowed fact, best first (ties: document order)."""
        scored = [
            (*score_fact(q, f, self._doc_tokens.get(f.doc_id, ())), f) for f in self.facts if self._allowed(f, filters)
        ]
        scored.sort(key=lambda x: (-x[0], x[2].doc_id, x[2].start))
        return scored

    def search(self, query: str, filters: Filters = Filters(), limit: int = 20) -> list[BudgetFact]:
        """Facts matching a free query (the `assistant figures` command), best first."""
        q = self._terms(query, filters)
        return [f for s, cov, f in self.rank(q, filters) if s >= MIN_SCORE and (cov >= MIN_COVERAGE or not q.topic)][:limit]

    # -- the conversation
    def lookup(self, question: str, filters: Filters = Filters(), topic_hint: str = "") -> BudgetResult:
        """Answer a money question from the facts (see module docstring)."""
        if not question or not question.strip():
            return BudgetResult((), False, None, NOT_FOUND_TEXT, 0.0, False)
        q = self._terms(question, filters, topic_hint)
        calc = self._calculation(question, q, filters)
        if calc is not None:
            return calc
        ranked = self.rank(q, filters)
        if not ranked:
            return BudgetResult((), False, None, NOT_FOUND_TEXT, 0.0, False)
        best_score, best_cov, best = ranked[0]
        if not self._good_enough(q, best_score, best_cov):
            return BudgetResult((), False, None, NOT_FOUND_TEXT, best_score, False,
                                tuple((s, f) for s, _, f in ranked[:5]))
        rivals = _rivals(ranked)
        if len(rivals) > 1:
            lines = [f"- {format_figure(f)} — {describe_source(f, self.documents.get(f.doc_id))}" for f in rivals]
            text = "Meerdere bedragen passen even goed bij uw vraag. Welke bedoelt u?\n" + "\n".join(lines)
            return BudgetResult(tuple(rivals), True, None, text, best_score, True,
                                tuple((s, f) for s, _, f in ranked[:10]))
        text = f"{format_figure(best)}. Bron: {describe_source(best, self.documents.get(best.doc_id))}."
        if best.footnote:
            text += f" Voetnoot: {best.footnote}"
        return BudgetResult((best,), False, None, text, best_score, True, tuple((s, f) for s, _, f in ranked[:10]))

    @staticmethod
    def _good_enough(q: QueryTerms, score: float, coverage: float) -> bool:
        if score < MIN_SCORE:
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
        if not ranked or not self._good_enough(q, ranked[0][0], ranked[0][1]):
            return None
        return ranked[0]

    def _difference(self, question: str, q: QueryTerms, filters: Filters, percent: bool) -> BudgetResult | None:
        ys = sorted(q.years)
        slots: list[QueryTerms] = []
        if len(ys) >= 2:
            slots = [_replace(q, years=frozenset({y})) for y in (ys[0], ys[-1])]
        elif len(q.phases) >= 2:
            # Earlier stage first, so the difference reads "later minus earlier" (realisatie − begroot).
            ordered = [p for p in _LIFECYCLE if p in q.phases]
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
            result = b.value - a.value
            printed = b.number - a.number
            suffix = f" (× € {'1.000' if unit_m == 1000 else '1 mln'})" if same_unit and unit_m and unit_m > 1 else ""
            expr = f"{_num(b)} − {_num(a)} = {format_dutch_number(printed if same_unit else result)}{suffix}"
            desc = f"Verschil tussen {_slot_name(b)} en {_slot_name(a)}"
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
    return f"‘{f.column}’" if f.column else f"‘{f.row}’"


def _rivals(ranked: list[tuple[float, float, BudgetFact]], limit: int = 4) -> list[BudgetFact]:
    """The top fact plus every near-tied candidate with a different value (one per value)."""
    top = ranked[0][0]
    out: list[BudgetFact] = []
    seen: set[float] = set()
    for score, _, f in ranked:
        if score < top - AMBIGUITY_MARGIN or len(out) >= limit:
            break
        key = round(f.value, 6)
        if key in seen:
            continue
        seen.add(key)
        out.append(f)
    return out


# ----------------------------------------------------------------- grounding guard

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
