"""The lexical side of the hybrid index: Dutch-aware tokenization and Okapi BM25 scoring.

Tokenization decisions (`tokenize`):
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
import re
from collections import Counter
from typing import Callable, Iterable, Sequence

import numpy as np

from corpus.text import fold

# Frequent Dutch function words: they carry no topic and would dominate short queries.
STOPWORDS = frozenset(
    """
    de het een en van in op te dat die dit deze voor met aan als is zijn was waren wordt worden
    werd er om door bij of ook tot uit naar over dan maar nog niet geen wel al zo zich hij zij
    ze we wij u je jij ik hun hen ons onze mijn uw haar hem men wat wie waar hoe welke welk
    heeft hebben had kan kunnen zal zullen zou zouden moet moeten mag mogen na nu toe tegen
    onder tussen hier daar dus omdat want zoals waarin waarbij waarvan hierin hiervan daarvan
    daarnaast alle meer veel zeer per hoeveel waarom wanneer hoeverre the of and to
    """.split()
)

# A thousands-grouped number ("1.291", "45.917.564"), optionally with a decimal part ("1.291,5").
_THOUSANDS = re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,\d+)?$")
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[a-z]+(?:\d+[a-z]*)*")
_VOWELS = set("aeiouy")


def _normalise_number(tok: str) -> str:
    if _THOUSANDS.match(tok):
        return tok.replace(".", "")
    return tok.rstrip(".,")


def _undouble(stem: str) -> str:
    """Undo the spelling changes of inflection so all forms share one stem."""
    if len(stem) >= 3 and stem[-1] == stem[-2] and stem[-1] not in _VOWELS:
        stem = stem[:-1]  # "bedd" (bedden) → "bed"
    if stem.endswith("v"):
        stem = stem[:-1] + "f"  # "uitgav" → "uitgaf" (uitgaven / uitgave)
    elif stem.endswith("z"):
        stem = stem[:-1] + "s"  # "huiz" (huizen) → "huis"
    # Collapse a doubled vowel in the final closed syllable: "jaar"/"jar(en)" → "jar".
    if len(stem) >= 4 and stem[-1] not in _VOWELS and stem[-2] == stem[-3] and stem[-2] in "aeou":
        stem = stem[:-2] + stem[-1]
    return stem


def stem(word: str) -> str:
    """Conservative Dutch suffix stripping; words under 4 letters and numbers are kept.

    One suffix is removed at most (plus a final -e), and only when at least 3 letters remain,
    which keeps short words ("tien", "geen") intact. Over-stemming is harmless for BM25 as long
    as it is consistent; under-stemming only costs recall.
    """
    if len(word) < 4 or not word.isalpha():
        return word
    w = word
    if w.endswith("heden") and len(w) > 7:
        return w[:-5] + "heid"  # mogelijkheden → mogelijkheid
    for suffix in ("tjes", "jes", "tje", "je"):
        # After a vowel "je" is not a diminutive: "vrije" is "vrij" + "e".
        if w.endswith(suffix) and len(w) - len(suffix) >= 4 and w[-len(suffix) - 1] not in _VOWELS:
            return _undouble(w[: -len(suffix)])
    if w.endswith("s") and len(w) >= 5 and w[-3:-1] in ("er", "el", "em", "en"):
        w = w[:-1]  # inwoners → inwoner, inkomens → inkomen (then -en below)
    # Only after a consonant: "miljoen", "tien", "geen" are not plurals.
    if w.endswith("en") and len(w) - 2 >= 3 and w[-3] not in _VOWELS:
        return _undouble(w[:-2])
    if w.endswith("e") and len(w) - 1 >= 3 and w[-2] not in _VOWELS:
        return _undouble(w[:-1])
    return _undouble(w)


def tokenize(text: str) -> list[str]:
    """Text → BM25 terms (order kept, duplicates kept: term frequency matters)."""
    out: list[str] = []
    for raw in _TOKEN.findall(fold(text)):
        if raw[0].isdigit():
            tok = _normalise_number(raw)
            if tok:
                out.append(tok)
            continue
        if len(raw) < 2 or raw in STOPWORDS:
            continue
        out.append(stem(raw))
    return out


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
        postings: dict[str, tuple[list[int], list[int]]] = {}
        for i, toks in enumerate(docs):
            for term, tf in Counter(toks).items():
                ids, tfs = postings.setdefault(term, ([], []))
                ids.append(i)
                tfs.append(tf)
        self._postings = {
            t: (np.array(ids, dtype=np.int64), np.array(tfs, dtype=np.float32))
            for t, (ids, tfs) in postings.items()
        }
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
