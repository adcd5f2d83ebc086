"""Scoring one fact against a question: pure functions with named weights.

`score_fact` orders the candidates that pass the filters of `candidates` (`kind_fits`,
`names_bodies`, `fits_constraints`). The weights are documented in `score_fact`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from assistant.figures.candidates import fact_flows, fact_phase_source, fact_years, reserve_side
from assistant.figures.terms import _WEAK, QueryTerms, token_match, tokens
from corpus.lexicon import (
    CHANGE_PHASES, MUTATION, RESERVE_FLOWS, column_phase, flows, flows_compatible, negated_part, position, same_counted,
    taakveld_of_label, year_span,
)
from corpus.models import BudgetFact
from corpus.text import fold
from embeddings import DEFAULT_CHUNK_VECTORS

_CHANGE_TABLE_RE = re.compile(r"wijziging|mutatie|specificatie")
_CODE = re.compile(r"p\d{1,2}")  # a programme code as content_words writes it
_TOTAL_COLUMN = re.compile(r"^(?:\w+ › )*totaa?l\b")


# Meaning: how close the question is to a fact's row in the embedding space (the index's
# vector of the row line, read with its table's caption and header, or of the amount's sentence),
# relative to the closest fact of the question. It lets "jeugdzorg" find a row "Jeugdhulp"
# without a synonym list, and orders rows that share the question's words. 1.5 measured against
# 1.0 and 2.0 on the real suite's dev split and the seed suite (README): lower lets ties between
# rows of two tables ask back, higher lets closeness override an exact label.
W_MEANING = 1.5
# How far meaning reaches depends on how the vectors were made (`MeaningScale`, per way of
# embedding, embeddings.plan.EmbeddingPlan). span: the cosine below the closest fact at which
# the meaning bonus is gone. Pooled row vectors (the default) carry their table's context,
# which spreads the rows of different tables further apart than rows embedded on their own: on
# the dev split 0.08 (figures strict 0.838) against 0.04 (0.824) and 0.12 (0.824); vectors
# embedded on their own did best with 0.04 (0.868 against 0.838 at 0.08). floor: a fact this
# close to the question (absolute cosine) and the closest of all covers the topic by meaning
# (MEANING_COVERAGE × closeness), even with no word in common. Pooled row vectors lie closer to
# a question about their table: at 0.87 (calibrated for vectors embedded on their own) one more
# unanswerable dev question was answered with a row that names only what the question is
# about, not what it asks; 0.88 declines it and loses no answer on dev or the seeds (0.89 the
# same). "derived" sentence vectors are embedded on their own, as "embedded".
@dataclass(frozen=True)
class MeaningScale:
    """span: the cosine below the closest fact at which the meaning bonus is gone; floor: the
    cosine from which a fact covers the question's topic by meaning."""

    span: float
    floor: float


MEANING_SCALES = {
    "pooled": MeaningScale(span=0.08, floor=0.88),
    "embedded": MeaningScale(span=0.04, floor=0.87),
    "derived": MeaningScale(span=0.04, floor=0.87),
}
MEANING_SPAN = MEANING_SCALES[DEFAULT_CHUNK_VECTORS].span  # the default way's, for callers without a scale
MEANING_FLOOR = MEANING_SCALES[DEFAULT_CHUNK_VECTORS].floor
MEANING_COVERAGE = 0.6
# ... and only when it stands out from the facts in general: this much above the 99th
# percentile of all candidates' similarities. A question about something the documents never
# mention ("forensenbelasting" in a municipality that does not levy it) is about as close to
# dozens of total rows as to its best one; a paraphrase ("jeugdzorg" for "Jeugdhulp") is
# clearly closer to its row than to the rest.
MEANING_DISTINCT = 0.01


# The words right before an amount in a sentence that may date it ("per 31-12-2024 bedraagt").
POSITION_WORDS = 3


def _precision(q: QueryTerms, subject: Sequence[str], document_tokens: Sequence[str]) -> float:
    """Share of a label's own content words (weak words and the document's title words left
    out) that the question names."""
    # A programme's code next to its name ("P3 Bestuur en middelen") is another name of it,
    # not a word the question leaves out.
    own = [t for t in subject if t not in _WEAK and token_match(t, document_tokens) < 1.0 and not _CODE.fullmatch(t)]
    return sum(1 for t in own if token_match(t, list(q.topic)) >= 0.6) / len(own) if own and q.topic else 0.0


def closeness(similarity: float | None, best: float | None, span: float = MEANING_SPAN) -> float:
    """0..1: 1 for the fact closest to the question, falling linearly to 0 at `span` below it."""
    if similarity is None or best is None:
        return 0.0
    return max(0.0, 1.0 - (best - similarity) / span)


def score_fact(
    q: QueryTerms,
    fact: BudgetFact,
    document_tokens: Sequence[str] = (),
    columns: Sequence[str] = (),
    similarity: float | None = None,
    best_similarity: float | None = None,
    typical_similarity: float | None = None,
) -> tuple[float, float]:
    """Score one fact for a question; returns (score, topic coverage 0..1). Pure.

    `similarity`: cosine of the question and the fact's row or sentence vector (None without
    vectors); `best_similarity`: the highest of the candidates' similarities;
    `typical_similarity`: their 99th percentile (see MEANING_DISTINCT).

    `document_tokens` are the document's title, programme and type words; `columns` the
    headers of the fact's table in order (for "change relative to column X").

    Weights (additive; chosen so that a full topic match outweighs any single aspect):
    - topic: 4.0 × coverage (question topic tokens matched in the row label — a row coded with
      an Iv3 taakveld also by the taakveld's name —, its parent and,
      for in-text amounts, the subject phrase; a negated question also the noun of a "niet-"
      row, "Niet-sporters"; tokens only found in the caption 0.7, the column header (with the
      row's unit, "Fte per 1.000 inwoners"), the sentence (a row's description) or the
      enclosing table row 0.8, the earlier text of the amount's paragraph 0.5, and the
      document's title, programme or type 0.9: every table of
      "programma Inkomensvoorziening" is about that programme, so "de lasten van
      Inkomensvoorziening" finds its bare "Lasten" row; a row naming only a flow or a total
      takes its caption as its subject, matched at 0.9 like the document's title, its own
      words still at 1.0: "Totaal programma's" is the total of the programmes) + 1.5 ×
      precision (share of the row label's own content words the question names, words of the
      document's title not counted, so "Armoedebeleid" beats "Armoedebeleid (stichting
      Leergeld)" for "armoedebeleid"; a sub-row's own label counts half of it). Weak words
      ("budget", "geld") and the base of a percentage ("procent van de inwoners") weigh 0.3.
      Context tokens (previous topic of a follow-up) add up to 1.0 × their coverage. An amount
      in a row of a table of descriptions whose row name (extra "row_name": a verbonden
      partij) the question does not name: -1.0.
    - a programme code the question names ("programma 5" -> p5) that the fact's row, caption,
      column or document does not name: -2.0.
    - year: a year column equal to a question year +2.0, different -2.5; an in-text amount's
      own year +2.0 / -2.0; a year in the row label or sentence +1.0 / -1.0; only the
      document's year +0.3; nothing -0.5; a fact about every one of several asked years (a
      sentence "in 2025 en 2026 …", a column "2025-2026"; not an amount with a year of its own
      in a sentence that names other years for other amounts) another +1.5. A filter year
      (soft_year) counts half, never penalises.
    - part: an amount a sentence gives as part of another ("waarvan") +1.0 when a part is
      asked ("welk deel"), else -1.0; the whole -1.5 when a part is asked.
    - phase (begroot / na_wijzigingen / realisatie / ...; the column's, else the row's): asked
      +1.5, a plain "begroot" question against a kind of budget column +0.5, another phase
      -1.0, no phase at all when a specific one is asked -0.75; a forecast when no phase is
      asked -0.5. A change question without a phase: change columns +1.0, and the change
      column right after the reference column ("ten opzichte van de begroting na
      wijzigingen" -> "Wijzigingen deze periode") another +1.5.
    - flow (lasten / baten / saldo / besteding / onttrekking / storting): named in row or
      column and asked +1.5, a kindred flow +1.0 (spending counts as lasten), a different
      flow -1.0; a reserve mutation in the column it is booked in (`reserve_side`) +1.0.
    - a change cell (change column, or a table of changes: caption "wijziging",
      "specificatie") when the question asks no change -1.5.
    - total rows and Totaal columns: +0.5 when the question says "totaal", -0.3 otherwise.
    - a mutation column (vermeerderingen, onttrekkingen …) or a row of mutations when a
      position is asked ("de stand eind 2024"): -1.5; a position column of the asked end or start of the year +0.5, of
      the other one -1.0.
    - a table row of reserve mutations (toevoeging, onttrekking, "mutaties reserves", or a row
      naming a reserve) when the question names no reserve: -1.5.
    - organization: a row or column naming the organization asked about (a comparison
      table) +1.0.
    - share: a percentage when a share is asked ("welk deel van de kosten …") +1.0.
    - count: a number of things in a sentence (extra "counts") +1.5 when it counts the noun
      the question counts (`same_counted`), -1.0 when it counts something else.
    - meaning: + W_MEANING × closeness (see `closeness`); a fact at least the scale's floor close,
      and MEANING_DISTINCT above the typical candidate, covers the topic by meaning up to
      MEANING_COVERAGE × closeness.
    """
    extra = dict(fact.extra)
    in_text = not fact.table_id
    # A row coded with an Iv3 taakveld is also named by the taakveld's own name, however the
    # table shortens it ("0.7 Alg uitk. & ov. uitk. gemeentefonds").
    label_tokens = tokens(fact.row + " " + taakveld_of_label(fact.row)) if fact.table_id else tokens(fact.row)
    context_tokens = tokens(extra.get("context", ""))
    caption_tokens = tokens(fact.table + " " + extra.get("table", "") + " " + extra.get("header", ""))
    # A row's unit says what its figure counts ("Fte per 1.000 inwoners"): read with the column.
    column_tokens = tokens(fact.column + " " + extra.get("unit", ""))
    # An in-text amount's sentence; a table row's description printed beside its figures.
    sentence_tokens = tokens(fact.sentence) if in_text else tokens(extra.get("note", ""))
    paragraph_tokens = tokens(extra.get("paragraph", "")) if in_text else []
    doc_set = list(document_tokens)
    # A row that names only a flow or a total ("Lasten", "Totaal baten") takes its subject from
    # its table's caption: in a programme's own table ("Baten en lasten P2 Mens en
    # Maatschappij") the caption says what the Lasten row is the lasten of.
    bare_row = bool(fact.table_id) and not [t for t in label_tokens if t not in _WEAK]
    subject_tokens = tokens(fact.table + " " + extra.get("table", "")) if bare_row else label_tokens
    if q.negated:
        # "Hoeveel inwoners sportten niet" names the row "Niet-sporters" by its noun.
        subject_tokens = subject_tokens + [p for p in map(negated_part, subject_tokens) if p]
    caption_weight = 0.9 if bare_row else 0.7  # as much the row's subject as the document's title

    subject_weight = 0.9 if bare_row else 1.0  # a subject borrowed from the caption, as documented

    counts = extra.get("counts")

    def match(t: str) -> float:
        if counts and same_counted(t, counts):
            return 1.0  # "hoeveel kilometer": the count's own unit ("25,8 km'") names it
        return max(
            subject_weight * token_match(t, subject_tokens),
            # What a row label prints itself, whatever kind of row ("Totaal programma's"; any
            # other row's subject is its label).
            token_match(t, label_tokens) if bare_row else 0.0,
            0.8 * token_match(t, context_tokens),
            0.8 * token_match(t, sentence_tokens),
            0.8 * token_match(t, column_tokens),
            caption_weight * token_match(t, caption_tokens),
            0.5 * token_match(t, paragraph_tokens),
            0.9 * token_match(t, doc_set),
        )

    weights = [0.3 if t in _WEAK or t in q.base else 1.0 for t in q.topic]
    matched = sum(w * match(t) for t, w in zip(q.topic, weights))
    coverage = matched / sum(weights) if weights else 0.0
    # An amount in a row of a table of descriptions is about the row's subject (a verbonden
    # partij): a question that names nothing of it asks about something else ("de ratio
    # weerstandsvermogen van Wassenaar", not that of a gemeenschappelijke regeling).
    row_name_tokens = tokens(extra.get("row_name", ""))
    other_row = bool(row_name_tokens) and not any(token_match(t, row_name_tokens) >= 0.7 for t in q.topic)
    precision = _precision(q, subject_tokens, doc_set)
    if not bare_row and "›" in fact.row:
        # A sub-row is also measured by its own label: "P3 Bestuur en middelen › 0.8 Overige
        # baten en lasten" is a part of the programme, not the programme the question names.
        leaf = tokens(fact.row.rsplit("›", 1)[1])
        if [t for t in leaf if t not in _WEAK]:
            precision = (precision + _precision(q, leaf, doc_set)) / 2
    score = 4.0 * coverage + 1.5 * precision - (1.0 if other_row else 0.0)
    # A numbered programme is an identifier, like a year: a cell of no programme or another
    # one (the total of all programmes, "P2" for "programma 5") is another figure.
    codes = [t for t in q.topic if _CODE.fullmatch(t)]
    if codes and any(match(t) < 0.7 for t in codes):
        score -= 2.0
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
        # About every year asked ("in 2025 en 2026 € 420.000"), not a part of them. An amount
        # with its own year ("€ 250.000 in 2025 en € 50.000 in 2026") is about that year; the
        # other years of its sentence are the other amounts'.
        around = year_span(fact.sentence) if fact.sentence and source != "own" else set()
        if len(asked) >= 2 and asked <= fys | around:
            score += 1.5
    elif q.soft_year is not None:
        if source == "column":
            score += 1.0 if q.soft_year in fys else 0.0
        elif source in ("own", "row", "sentence") and q.soft_year in fys:
            score += 0.5

    role = dict(fact.extra).get("part")
    if role:
        # "€ 5,5 miljoen, waarvan € 1,5 miljoen van de gemeente": share one subject; a part
        # answers "welk deel …", the whole every other question about it.
        score += (1.0 if role == "part" else -1.5) if q.part else (-1.0 if role == "part" else 0.0)

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
        # The flow itself beats a kindred one ("toegevoegd": a Toevoeging row before a row of
        # all Mutaties reserves; "besteed": a Besteding row before a Lasten row).
        score += 1.5 if named_flows & q.flows else 1.0 if flows_compatible(q.flows, named_flows) else -1.0
    score += 1.0 * reserve_side(q.flows, fact)

    # A row of reserve mutations answers a question about reserves, not one about a
    # programme's lasten or baten (BBV art. 17 reports them apart).
    names_reserve = flows(fact.row) & RESERVE_FLOWS or any(t.startswith("reserve") for t in label_tokens)
    if fact.table_id and names_reserve and not q.flows & RESERVE_FLOWS and not any(t.startswith("reserve") for t in q.topic):
        score -= 1.5
    change_cell = phase in CHANGE_PHASES or bool(_CHANGE_TABLE_RE.search(fold(fact.table)))
    if change_cell and not in_text and not q.wants_change and not (q.phases & set(CHANGE_PHASES)):
        score -= 1.5
    # The staat van reserves en voorzieningen prints positions and the mutations between them:
    # a question about a position is not answered with a mutation column.
    column_text = fold(fact.column) if fact.table_id else ""
    if q.wants_stock:
        # ... nor with a row of mutations ("Mutaties reserves › Dekking reserve …", "Onttrekking …").
        if MUTATION.search(column_text) or (fact.table_id and MUTATION.search(fold(fact.row))):
            score -= 1.5
        # ... and the end of the year is not its start ("eind 2024" vs "Saldo 1-1-2024"): a
        # cell's column says which, an amount in a sentence its date label ("31-12-2024:
        # € 1.667.000", extra "label") or the words right before it ("per 31-12-2024 bedraagt").
        printed = fact.column if fact.table_id else extra.get("label") or " ".join(fact.row.split()[-POSITION_WORDS:])
        asked_at, printed_at = q.position, position(printed)
        if asked_at and printed_at:
            score += 0.5 if asked_at == printed_at else -1.0
    # A total row, or a Totaal column (a staat van investeringen sums its years in one).
    if ("is_total", "1") in fact.extra or _TOTAL_COLUMN.search(column_text):
        score += 0.5 if q.wants_total else -0.3
    if q.share and fact.unit == "%":
        score += 1.0  # "welk deel van de kosten wordt gedekt": a percentage states the share
    if counts and q.counted_word:
        # "hoeveel gemeenten": a number of gemeenten, not of stemmen in the same sentence.
        score += 1.5 if same_counted(fold(q.counted_word), counts) else -1.0
    # A comparison table prints the organization asked about beside others ("Cijfer Wassenaar
    # | Vergelijkingscijfer Nederland", a column per municipality): its own cell is the figure.
    if q.places and fact.table_id and q.places & set(label_tokens + column_tokens):
        score += 1.0
    scale = q.meaning_scale or MEANING_SCALES[DEFAULT_CHUNK_VECTORS]
    near = closeness(similarity, best_similarity, scale.span)
    score += W_MEANING * near
    distinct = typical_similarity is None or (similarity or 0.0) >= typical_similarity + MEANING_DISTINCT
    if near and similarity is not None and similarity >= scale.floor and distinct:
        coverage = max(coverage, MEANING_COVERAGE * near)
    return score, coverage
