"""The lexical side of the hybrid index: Dutch-aware tokenization and Okapi BM25 scoring.

Tokenization decisions (`corpus.lexicon.tokenize`, shared with question understanding):
- Lowercase and fold accents (NFKD, combining marks dropped): "financiële" == "financiele".
- Words are runs of letters/digits; hyphens and apostrophes split ("sociaal-domein" →
  "sociaal", "domein"; "euro's" → "euro"). Single letters are dropped.
- Numbers stay one token. A thousands-grouped number loses its dots so printed and plain forms
  match ("95.225" and "95225" → "95225"; "€45.917.564" → "45917564"). A decimal comma is kept
  ("0,5"), and dotted section numbers that are not thousands groups stay as printed ("01.02").
- A short inline list of Dutch function words is dropped.
- Light, conservative stemming so inflections meet (see `stem`): plurals (-en, -s after
  -er/-el/-em/-en), diminutives (-je, -tje, -jes, -tjes), -heden → -heid, a final -e, and the
  spelling changes these cause (doubled consonant "bedden" → "bed", long vowel "jaren"/"jaar"
  → "jar", final v/z → f/s "uitgaven" → "uitgaf", "uitgave" → "uitgaf").

Compounds (Dutch writes them as one word) are handled at query time inside `BM25`, against
the index's own vocabulary, so `tokenize` stays a pure function of its text: see
`BM25.expand`.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Callable, Iterable, Sequence

import numpy as np

from corpus.lexicon import STOPWORDS, stem, tokenize  # noqa: F401  (the index terms are the lexicon's)


def expand_term(
    term: str,
    containing: Callable[[str], Iterable[str]],
    known: Callable[[Iterable[str]], set[str]],
    compound_weight: float,
) -> tuple[tuple[str, float], ...]:
    """`BM25.expand` over any vocabulary: the in-memory one, or a database's.

    containing(t): vocabulary terms that start or end with t (a superset is fine: the length
    rule and the cap are applied here). known(ts): those of ts that are in the vocabulary.
    """
    out: dict[str, float] = {term: 1.0}
    if term.isalpha() and len(term) >= 5:
        related = {
            v
            for v in containing(term)
            if v != term and len(v) >= len(term) + 3 and (v.startswith(term) or v.endswith(term))
        }
        for v in sorted(related, key=lambda x: (len(x), x))[:25]:
            out.setdefault(v, compound_weight)
    if term.isalpha() and len(term) >= 10:
        splits = []
        for i in range(4, len(term) - 3):
            head, tail = term[:i], term[i:]
            splits.append((head, [t for t in (tail, tail[1:] if tail[0] in "se" else None) if t and len(t) >= 4]))
        present = known({head for head, _ in splits} | {t for _, tails in splits for t in tails})
        for head, tails in splits:
            if head in present:
                for t in tails:
                    if t in present:
                        out.setdefault(head, compound_weight)
                        out.setdefault(t, compound_weight)
    return tuple(out.items())


def query_weights(
    query_tokens: Iterable[str], expand: Callable[[str], tuple[tuple[str, float], ...]]
) -> dict[str, float]:
    """w_t of every term a query scores with: a repeated query word counts once per
    occurrence; an expansion counts once, and never more than the word itself would."""
    exact = Counter(query_tokens)
    weights: dict[str, float] = {}
    for term in exact:
        for t, w in expand(term):
            if t not in exact:
                weights[t] = max(weights.get(t, 0.0), w)
    weights.update({t: float(n) for t, n in exact.items()})
    return weights


def idf(n_docs: int, df: int) -> float:
    """The Lucene idf of `BM25`: ln(1 + (N - df + 0.5) / (df + 0.5))."""
    return math.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))


class BM25:
    """Okapi BM25 over token lists (one list per document/chunk).

    score(q, d) = Σ_t w_t · idf(t) · tf(t,d)·(k1+1) / (tf(t,d) + k1·(1 − b + b·|d|/avgdl))

    k1=1.5 caps how much repeating a term keeps adding (saturation); b=0.75 sets how strongly
    long chunks are penalised; both are the usual Robertson/Lucene defaults. idf is the Lucene
    form ln(1 + (N − df + 0.5)/(df + 0.5)), which is never negative, so a term in most chunks
    still counts a little instead of pushing scores down. w_t is 1 for a query term and
    `compound_weight` for the compound expansions of `expand`.

    Only the token lists are persisted; the postings are rebuilt on load (milliseconds for a
    few thousand chunks).
    """

    def __init__(
        self,
        docs: Sequence[Sequence[str]],
        k1: float = 1.5,
        b: float = 0.75,
        compound_weight: float = 0.5,
    ) -> None:
        if k1 < 0 or not 0.0 <= b <= 1.0:
            raise ValueError("BM25 needs k1 >= 0 and 0 <= b <= 1")
        self.k1 = k1
        self.b = b
        self.compound_weight = compound_weight
        self.n_docs = len(docs)
        self.doc_len = np.array([len(d) for d in docs], dtype=np.float32)
        self.avgdl = float(self.doc_len.mean()) if self.n_docs and self.doc_len.sum() else 1.0
        self._postings = _postings(docs)
        self._vocab = sorted(self._postings)
        self._expand_cache: dict[str, tuple[tuple[str, float], ...]] = {}

    @property
    def vocabulary(self) -> list[str]:
        return self._vocab

    def idf(self, term: str) -> float:
        return idf(self.n_docs, len(self._postings[term][0]) if term in self._postings else 0)

    def expand(self, term: str) -> tuple[tuple[str, float], ...]:
        """A query term and its compound relatives in the vocabulary, with weights.

        Dutch glues words together, so a query word should also (weakly) match compounds
        containing it and a compound query word should match its parts:
        - "schuld" also matches vocabulary terms that start or end with it
          ("schuldhulpverlening", "armoedeschuld"); only for terms of ≥ 5 letters, since short
          ones are prefixes of too much; at most 25 relatives, shortest first.
        - "schuldhulpverlening" (≥ 10 letters) also matches a split into two vocabulary terms of
          ≥ 4 letters each, allowing a linking "s" or "e" ("schuld" + "hulpverlening").
        Expansions weigh `compound_weight` (0.5): evidence, but weaker than the word itself.
        """
        cached = self._expand_cache.get(term)
        if cached is not None:
            return cached
        result = expand_term(
            term,
            lambda t: [v for v in self._vocab if v.startswith(t) or v.endswith(t)],
            lambda ts: {t for t in ts if t in self._postings},
            self.compound_weight,
        )
        self._expand_cache[term] = result
        return result

    def scores(self, query_tokens: Iterable[str]) -> np.ndarray:
        """BM25 score of every document for the query terms; float32 array of length n_docs."""
        scores = np.zeros(self.n_docs, dtype=np.float32)
        if not self.n_docs:
            return scores
        weights = query_weights(query_tokens, self.expand)
        norm = self.k1 * (1.0 - self.b + self.b * self.doc_len / self.avgdl)
        for t, w in weights.items():
            posting = self._postings.get(t)
            if posting is None:
                continue
            ids, tfs = posting
            scores[ids] += w * self.idf(t) * tfs * (self.k1 + 1.0) / (tfs + norm[ids])
        return scores


def _postings(docs: Sequence[Sequence[str]]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """term -> (ids of the documents holding it, ascending; its frequency in each).

    Counted with numpy over one array of (term, document) pairs rather than a Counter per
    document: opening ten budgets' worth of chunks takes tens of milliseconds, not a third
    of a second."""
    term_ids: dict[str, int] = {}
    flat = np.fromiter((term_ids.setdefault(t, len(term_ids)) for toks in docs for t in toks), dtype=np.int64)
    if not len(flat):
        return {}
    owner = np.repeat(np.arange(len(docs), dtype=np.int64), [len(toks) for toks in docs])
    pairs, tf = np.unique(flat * len(docs) + owner, return_counts=True)  # sorted by term, then document
    terms, ids = np.divmod(pairs, len(docs))
    bounds = np.flatnonzero(np.diff(terms)) + 1
    names = list(term_ids)
    tfs = tf.astype(np.float32)
    return {
        names[int(terms[lo])]: (ids[lo:hi], tfs[lo:hi])
        for lo, hi in zip(np.concatenate(([0], bounds)).tolist(), np.concatenate((bounds, [len(pairs)])).tolist())
    }
