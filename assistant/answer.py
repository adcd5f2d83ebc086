"""Extractive answers: pick the sentences of the top passages that best answer the question,
cite each one inline, and abstain when the evidence is weak.

Everything here is pure: sentences are scored lexically with IDF weights from the index's
chunks, so composing an answer costs microseconds, not another model call.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from assistant.models import Citation, Passage
from corpus.sentences import Sentence, split_sentences

Tokenizer = Callable[[str], list[str]]

ABSTAIN_TEXT = "De documenten bevatten hierover geen antwoord."

@dataclass(frozen=True)
class TermStats:
    """Inverse document frequencies over the index's chunks (smoothed BM25-style IDF)."""

    idf: dict[str, float]
    default_idf: float

    @classmethod
    def from_token_lists(cls, token_lists: Iterable[Sequence[str]]) -> "TermStats":
        df: Counter[str] = Counter()
        n = 0
        for tokens in token_lists:
            n += 1
            df.update(set(tokens))
        idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
        # An unseen term is rarer than any seen one: it gets the IDF of a term seen once.
        return cls(idf=idf, default_idf=math.log(1 + (n - 0.5) / 1.5) if n else 1.0)

    def weight(self, token: str) -> float:
        return self.idf.get(token, self.default_idf)


def coverage(query_tokens: Sequence[str], text_tokens: Iterable[str], stats: TermStats) -> float:
    """IDF-weighted share of the query's distinct terms that occur in the text (0..1).

    Rare terms ("maatschappelijke", "opvang") dominate; frequent ones ("gemeente") barely
    count. This is the evidence signal behind sentence choice and abstention.
    """
    q = set(query_tokens)
    if not q:
        return 0.0
    present = set(text_tokens)
    total = sum(stats.weight(t) for t in q)
    return sum(stats.weight(t) for t in q if t in present) / total if total else 0.0


def sentence_score(cov: float, dense: float, passage_rank: int) -> float:
    """Rank a sentence by lexical and semantic evidence, mildly preferring better passages.

    cov: IDF-weighted term coverage (0..1). dense: the sentence vector's similarity to the
    question, min-max scaled over the candidate sentences (0..1; scaling makes the mix
    independent of a model's cosine range). Equal weights: paraphrased questions share few
    words with their answer, literal ones many. The rank prior 1/(1 + 0.15·(rank-1)) lets a
    sentence from passage 3 beat one from passage 1 only when it is clearly better.
    """
    return (0.5 * cov + 0.5 * dense) / (1.0 + 0.15 * (passage_rank - 1))


@dataclass(frozen=True)
class Evidence:
    sentence: Sentence
    passage: Passage
    coverage: float
    score: float


def best_sentences(
    query_tokens: Sequence[str],
    passages: Sequence[Passage],
    tokenize: Tokenizer,
    stats: TermStats,
    max_passages: int = 4,
    dense: Mapping[tuple[str, int], float] | None = None,
) -> list[Evidence]:
    """All sentences of the first `max_passages` passages, best first.

    dense: optional similarity of sentence vectors to the question, keyed by (document id,
    sentence start offset); sentences without one count as the least similar.
    """
    raw: list[tuple[Sentence, Passage, float, float | None]] = []
    for passage in passages[:max_passages]:
        chunk = passage.chunk
        for sentence in split_sentences(chunk.text, chunk.start):
            # A sentence is read with its section title: "Toelichting ..." under the heading
            # "Maatschappelijke opvang" is about that heading's subject.
            cov = coverage(query_tokens, tokenize(" ".join(chunk.section) + " " + sentence.text), stats)
            sim = dense.get((chunk.doc_id, sentence.start)) if dense else None
            raw.append((sentence, passage, cov, sim))
    sims = [sim for *_, sim in raw if sim is not None]
    lo, hi = (min(sims), max(sims)) if sims else (0.0, 0.0)
    found = [
        Evidence(
            sentence,
            passage,
            cov,
            sentence_score(cov, (sim - lo) / (hi - lo) if sim is not None and hi > lo else 0.0, passage.rank),
        )
        for sentence, passage, cov, sim in raw
    ]
    found.sort(key=lambda e: (-e.score, e.passage.rank, e.sentence.start))
    return found


# Sentences shorter than this are labels or fragments ("Toelichting", "Lasten | 75.334 |"),
# not an answer on their own.
MIN_SENTENCE_CHARS = 25
MAX_ANSWER_SENTENCES = 3
# A further sentence joins the answer only when it is nearly as good as the best one.
FOLLOW_SENTENCE_RATIO = 0.75


def compose(
    evidence: Sequence[Evidence],
    max_sentences: int = MAX_ANSWER_SENTENCES,
) -> tuple[str, tuple[Citation, ...]]:
    """Answer text from the best sentences, each followed by its [n] marker.

    Passages are numbered in order of first use; only passages actually used are cited.
    """
    chosen: list[Evidence] = []
    for ev in evidence:
        if len(ev.sentence.text) < MIN_SENTENCE_CHARS:
            continue
        if chosen and ev.score < FOLLOW_SENTENCE_RATIO * chosen[0].score:
            break
        if any(ev.sentence.start == c.sentence.start and ev.passage.chunk.doc_id == c.passage.chunk.doc_id for c in chosen):
            continue
        chosen.append(ev)
        if len(chosen) == max_sentences:
            break
    # Read in document order within each passage, passages in rank order.
    chosen.sort(key=lambda e: (e.passage.rank, e.sentence.start))
    numbers: dict[str, int] = {}
    citations: list[Citation] = []
    parts: list[str] = []
    for ev in chosen:
        cid = ev.passage.chunk.id
        if cid not in numbers:
            numbers[cid] = len(numbers) + 1
            citations.append(Citation(numbers[cid], ev.passage, ev.sentence.start, ev.sentence.end))
        parts.append(f"{ev.sentence.text} [{numbers[cid]}]")
    return " ".join(parts), tuple(citations)


def source_label(passage: Passage) -> str:
    """"Deventer, kwartaalrapportage 2023" — how an answer introduces its source."""
    meta = passage.meta
    bits = [b for b in (meta.municipality, meta.doc_type if meta.doc_type != "onbekend" else None) if b]
    label = ", ".join(bits) if bits else meta.title
    return f"{label} {meta.year}" if meta.year else label
