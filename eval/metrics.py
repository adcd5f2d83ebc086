"""Evaluation metrics: pure functions over ranked passage texts, answers and gold evidence.

Matching rule (used everywhere here): a passage "contains" an evidence quote when the
normalised quote is a substring of the normalised passage (see `normalise`). Matching is
case-sensitive because quotes are verbatim; only whitespace, quote characters and Unicode
composition are normalised, so a different PDF/HTML extraction of the same text still matches.

Ranks are positions in the list as given (1-based): ties in retrieval scores are not
re-ordered or shared, the system's own order is what is measured.
A missing answer (no passages, no citations, no value) scores 0 / False, never "skipped".
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

# Passages longer than this do not count as hits: a retriever returning whole documents
# would otherwise "find" every quote. Matches the chunker's ~1,000-character body limit.
MAX_PASSAGE_CHARS = 1000

_QUOTE_MAP = str.maketrans(
    {
        "\u2018": "'",  # left single quotation mark
        "\u2019": "'",  # right single quotation mark / apostrophe
        "\u201a": "'",  # single low-9
        "\u201b": "'",
        "\u2032": "'",  # prime
        "`": "'",
        "\u00b4": "'",  # acute accent used as apostrophe
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',  # double low-9 („)
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
    }
)
# Invisible characters that PDF/HTML extraction inserts inside words.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_WHITESPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Text in matchable form: NFC, invisible characters dropped, curly quotes and
    apostrophes made straight, every whitespace run (incl. newlines, NBSP) one space, stripped.

    Case is kept: quotes are verbatim. Use `normalise(t).casefold()` for answer text.
    """
    text = unicodedata.normalize("NFC", text)
    text = text.translate(_INVISIBLE).translate(_QUOTE_MAP)
    return _WHITESPACE.sub(" ", text).strip()


def evidence_matches(
    passage_texts: Sequence[str],
    evidence_quotes: Sequence[str],
    max_len: int = MAX_PASSAGE_CHARS,
) -> list[frozenset[int]]:
    """For each passage (rank order), the indices of the evidence quotes it contains.

    A passage longer than `max_len` characters (after normalisation, so indentation does
    not count) matches nothing. Empty quotes are ignored.
    """
    quotes = [(i, normalise(q)) for i, q in enumerate(evidence_quotes)]
    quotes = [(i, q) for i, q in quotes if q]
    result: list[frozenset[int]] = []
    for text in passage_texts:
        norm = normalise(text)
        if len(norm) > max_len:
            result.append(frozenset())
            continue
        result.append(frozenset(i for i, q in quotes if q in norm))
    return result


_TOKEN = re.compile(r"\w+(?:[.,]\w+)*|[€%]")
# Share of a page quote's tokens a passage must hold to count as containing it (see below).
PAGE_QUOTE_COVERAGE = 0.8


def quote_tokens(text: str) -> list[str]:
    """Words, numbers as printed ("1.234,5") and the signs € and %, case-folded."""
    return _TOKEN.findall(normalise(text).casefold())


def covers_quote(passage_text: str, quote: str, coverage: float = PAGE_QUOTE_COVERAGE) -> bool:
    """Does a passage hold a quote taken from a PDF page's text layer?

    A PDF has no single text: the order of a table row's cells, the separators between them
    ("|" in one extraction, spaces in another) and line breaks inside a label differ between
    extractors. So a quote from a page counts as contained when at least `coverage` of its
    tokens (as a multiset, order ignored) occur in the passage; 0.8 forgives a hyphenated or
    re-ordered word in a 5-token table row but not a missing figure in a 3-token one.
    """
    wanted = quote_tokens(quote)
    if not wanted:
        return False
    have: dict[str, int] = {}
    for token in quote_tokens(passage_text):
        have[token] = have.get(token, 0) + 1
    found = 0
    for token in wanted:
        if have.get(token, 0) > 0:
            have[token] -= 1
            found += 1
    return found >= coverage * len(wanted)


def page_evidence_matches(
    passage_texts: Sequence[str],
    evidence_quotes: Sequence[str],
    max_len: int = MAX_PASSAGE_CHARS,
) -> list[frozenset[int]]:
    """`evidence_matches` for quotes taken from PDF pages: containment by `covers_quote`."""
    result: list[frozenset[int]] = []
    for text in passage_texts:
        if len(normalise(text)) > max_len:
            result.append(frozenset())
            continue
        result.append(frozenset(i for i, q in enumerate(evidence_quotes) if covers_quote(text, q)))
    return result


def passage_hits(
    passage_texts: Sequence[str],
    evidence_quotes: Sequence[str],
    max_len: int = MAX_PASSAGE_CHARS,
    paged: bool = False,
) -> list[bool]:
    """Per passage (rank order): True when it contains ANY evidence quote and is at most
    `max_len` characters long. Evidence quotes are alternatives for the same answer.
    paged: the quotes come from PDF pages, matched with `covers_quote`."""
    match = page_evidence_matches if paged else evidence_matches
    return [bool(m) for m in match(passage_texts, evidence_quotes, max_len)]


def _check_k(k: int) -> None:
    if k < 1:
        raise ValueError(f"k moet minstens 1 zijn, niet {k}.")


def recall_at_k(hits: Sequence[bool], k: int) -> float:
    """1.0 when a relevant passage is among the first k, else 0.0.

    With evidence quotes as alternatives for one answer, recall@k is the hit rate; the
    mean over questions is the share of questions answered by the top k.
    """
    _check_k(k)
    return 1.0 if any(hits[:k]) else 0.0


def reciprocal_rank(hits: Sequence[bool], k: int = 10) -> float:
    """1 / rank of the first relevant passage within the first k (ranks 1-based), else 0."""
    _check_k(k)
    for rank, hit in enumerate(hits[:k], start=1):
        if hit:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(matches: Sequence[Collection[int]], k: int) -> float:
    """nDCG@k with binary novelty gains, from `evidence_matches` output (one set of evidence
    indices per passage, rank order).

    Gain at rank r is 1 when the passage contains an evidence item that no higher-ranked
    passage contained, else 0: a duplicate of an already-found quote (a repeated paragraph,
    overlapping chunks) earns nothing. DCG = sum gain_r / log2(r + 1).
    Ideal DCG: the same top-k passages in the best order, i.e. one gain at each rank 1..n,
    where n is the number of distinct evidence items found (fewer when items only occur
    together in one passage). Evidence items are alternatives for one answer, so finding one
    at rank 1 scores 1.0; evidence never found is Recall's business; nothing found scores 0.
    """
    _check_k(k)
    top = [frozenset(m) for m in matches[:k]]
    seen: set[int] = set()
    dcg = 0.0
    for rank, items in enumerate(top, start=1):
        if items - seen:
            dcg += 1.0 / math.log2(rank + 1)
            seen |= items
    if not seen:
        return 0.0
    n_ideal = _max_novel_gains(frozenset(), tuple({m for m in top if m}), {})
    idcg = sum(1.0 / math.log2(r + 1) for r in range(1, n_ideal + 1))
    return dcg / idcg


def _max_novel_gains(
    covered: frozenset[int],
    passages: tuple[frozenset[int], ...],
    memo: dict[frozenset[int], int],
) -> int:
    """Most passages that can be ordered so each adds a new evidence item (exact search over
    covered-item sets; gold questions have a handful of evidence items, so this is tiny)."""
    if covered in memo:
        return memo[covered]
    best = 0
    for p in passages:
        if not p <= covered:
            best = max(best, 1 + _max_novel_gains(covered | p, passages, memo))
    memo[covered] = best
    return best


def cross_coverage_at_k(
    passages: Sequence[tuple[str, str | None]],
    evidence_by_municipality: Mapping[str, Sequence[str]],
    k: int,
    max_len: int = MAX_PASSAGE_CHARS,
) -> float:
    """Share of expected municipalities whose evidence is found in the top k.

    passages: (text, municipality) in rank order. A municipality is covered when a passage
    of that municipality (compared case-insensitively) contains one of its quotes.
    """
    _check_k(k)
    if not evidence_by_municipality:
        raise ValueError("Een vraag over meerdere gemeenten heeft bewijs per gemeente nodig.")
    top = passages[:k]
    covered = 0
    for municipality, quotes in evidence_by_municipality.items():
        own = [text for text, m in top if (m or "").casefold() == municipality.casefold()]
        if any(passage_hits(own, quotes, max_len)):
            covered += 1
    return covered / len(evidence_by_municipality)


def cross_hit_at_k(
    passages: Sequence[tuple[str, str | None]],
    evidence_by_municipality: Mapping[str, Sequence[str]],
    k: int,
    max_len: int = MAX_PASSAGE_CHARS,
) -> bool:
    """True only when every expected municipality's evidence is in the top k (partial = miss)."""
    return cross_coverage_at_k(passages, evidence_by_municipality, k, max_len) == 1.0


def citation_precision(
    cited_texts: Sequence[str],
    evidence_quotes: Sequence[str],
    max_len: int = MAX_PASSAGE_CHARS,
    paged: bool = False,
) -> float:
    """Share of cited passages that contain an evidence quote; no citations -> 0.0."""
    if not cited_texts:
        return 0.0
    hits = passage_hits(cited_texts, evidence_quotes, max_len, paged)
    return sum(hits) / len(hits)


def answer_contains_fact(answer_text: str | None, facts: Sequence[str]) -> bool:
    """True when the answer contains every key fact string.

    Compared after `normalise` and case-folding (the composer may capitalise a sentence
    start); no answer -> False. Raises ValueError for an empty fact list, which would pass
    vacuously.
    """
    wanted = [normalise(f).casefold() for f in facts if normalise(f)]
    if not wanted:
        raise ValueError("Geef minstens één feit om in het antwoord te zoeken.")
    if not answer_text:
        return False
    text = normalise(answer_text).casefold()
    return all(f in text for f in wanted)


def budget_exact(value_pred: float | None, value_gold: float) -> bool:
    """Exact to the cent: both values (euros, or the printed number when no unit is stated)
    rounded to 2 decimals must be equal. Missing or non-finite prediction -> False."""
    if value_pred is None or isinstance(value_pred, bool):
        return False
    try:
        pred = float(value_pred)
    except (TypeError, ValueError):
        return False
    if not math.isfinite(pred):
        return False
    return round(pred, 2) == round(float(value_gold), 2)


def same_unit(unit_pred: object, unit_gold: str) -> bool:
    """Units compared as written by the corpus layer and the gold set ("x € 1.000", "€",
    "%", "eenheid niet vermeld"), ignoring spaces and case ("x €1.000" == "x € 1.000")."""
    if not isinstance(unit_pred, str):
        return False
    squash = lambda u: re.sub(r"\s+", "", u).casefold()  # noqa: E731
    return squash(unit_pred) == squash(unit_gold)


def abstention_rates(outcomes: Iterable[tuple[bool, bool]]) -> dict[str, float | None]:
    """outcomes: (answerable, abstained) per question.

    Returns abstention_rate (share of unanswerable questions the assistant declined; higher
    is better) and false_abstention_rate (share of answerable questions it wrongly declined;
    lower is better); None when there is no question of that kind.
    """
    items = list(outcomes)
    unanswerable = [abstained for answerable, abstained in items if not answerable]
    answerable = [abstained for answerable, abstained in items if answerable]
    return {
        "abstention_rate": sum(unanswerable) / len(unanswerable) if unanswerable else None,
        "false_abstention_rate": sum(answerable) / len(answerable) if answerable else None,
    }


def followup_success(
    hits: Sequence[bool],
    abstained: bool,
    k: int = 5,
    budget_ok: bool | None = None,
) -> bool:
    """A follow-up succeeds when the assistant did not abstain, the evidence of the resolved
    question is in the top k (only possible if the history was used: "En in Deventer?" alone
    finds nothing), and, for a budget follow-up, the figure is exact."""
    _check_k(k)
    if abstained or not any(hits[:k]):
        return False
    return budget_ok is not False


@dataclass(frozen=True)
class QuestionResult:
    """Metrics of one gold question, for `summarise`.

    metrics: name -> value (bool counts as 0/1); None means "not applicable" (e.g. budget
    exactness on a passage question) and is left out of that metric's mean.
    """

    id: str
    kind: str
    municipality: str | None
    paraphrased: bool
    language: str
    metrics: Mapping[str, float | bool | None] = field(default_factory=dict)
    split: str | None = None


def _mean_block(results: Sequence[QuestionResult]) -> dict[str, float | int]:
    block: dict[str, float | int] = {"n": len(results)}
    names = sorted({name for r in results for name in r.metrics})
    for name in names:
        values = [float(r.metrics[name]) for r in results if r.metrics.get(name) is not None]
        if values:
            block[name] = sum(values) / len(values)
    return block


def summarise(results: Sequence[QuestionResult]) -> dict:
    """Mean of every metric overall and by kind, municipality ("-" when none), paraphrased
    vs literal, and language. Each block carries "n", the number of questions in it; a
    metric's mean covers only the questions where it applies."""
    groups: dict[str, dict[str, list[QuestionResult]]] = {
        "by_kind": {},
        "by_municipality": {},
        "by_phrasing": {},
        "by_language": {},
        "by_split": {},
    }
    for r in results:
        if r.split:
            groups["by_split"].setdefault(r.split, []).append(r)
        groups["by_kind"].setdefault(r.kind, []).append(r)
        groups["by_municipality"].setdefault(r.municipality or "-", []).append(r)
        groups["by_phrasing"].setdefault("paraphrased" if r.paraphrased else "literal", []).append(r)
        groups["by_language"].setdefault(r.language, []).append(r)
    summary: dict = {"overall": _mean_block(results)}
    for name, by in groups.items():
        summary[name] = {key: _mean_block(members) for key, members in sorted(by.items())}
    return summary
