"""Vectors of a text and of spans inside it (its sentences) from one pass of the model.

A mean-pooling encoder turns a text into one hidden state per token and averages them. The
average over all tokens is the text's vector; the average over the tokens of one sentence is
that sentence's vector, read in the context of the whole text (its section path, the table
header, the sentences around it) — so each token goes through the model once, instead of
once for the chunk and again for each of its sentences ("late chunking", Günther et al. 2024,
arXiv:2409.04701). Measured against embedding each sentence separately: README, "Indexing
speed and search at scale".

Everything here is pure: tokenisation and the forward pass are passed in.
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

Span = tuple[int, int]


def piece_tokens(text: str, spans: Sequence[Span], tokenize: Callable[[str], list[int]], prefix: str = "") -> tuple[list[int], list[Span]]:
    """Token ids of `prefix` + `text` and the [start, end) token range of every span.

    The text is cut at the spans' edges and each piece tokenised on its own, without the
    whitespace around it; a subword tokeniser never joins two words into one token, so for
    spans that start and end at word edges (sentences do) the ids equal those of the whole
    text. The prefix ("passage: ") is a piece of its own, before the text.
    """
    cuts = sorted({0, len(text), *(max(0, min(len(text), e)) for a, b in spans for e in (a, b))})
    ids: list[int] = list(tokenize(prefix.strip())) if prefix.strip() else []
    at: dict[int, int] = {0: len(ids)}
    for lo, hi in zip(cuts, cuts[1:]):
        piece = text[lo:hi].strip()
        if piece:
            ids.extend(tokenize(piece))
        at[hi] = len(ids)
    ranges = [(at[max(0, min(len(text), a))], at[max(0, min(len(text), b))]) for a, b in spans]
    return ids, ranges


def windows(n_tokens: int, width: int) -> list[Span]:
    """[start, end) of the windows a text of n content tokens is read in (no overlap), as
    the engine does for texts longer than the model's positions: at least one window."""
    if width < 1:
        raise ValueError("width must be >= 1")
    return [(a, min(a + width, n_tokens)) for a in range(0, max(n_tokens, 1), width)]


def pool(states: np.ndarray, ranges: Sequence[Span], fallback: np.ndarray) -> np.ndarray:
    """L2-normalised mean of `states` rows over each range; `fallback` for an empty range."""
    out = np.empty((len(ranges), states.shape[1]), dtype=np.float32)
    for i, (a, b) in enumerate(ranges):
        out[i] = states[a:b].mean(axis=0) if b > a else fallback
    return normalise(out)


def normalise(vecs: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    norms[norms == 0.0] = 1.0
    return np.ascontiguousarray(vecs / norms, dtype=np.float32)


def rows_of(spans: Sequence[Sequence[Span]]) -> list[int]:
    """First output row of each text in `embed_spans`' layout (its vector, then its spans')."""
    starts, row = [], 0
    for s in spans:
        starts.append(row)
        row += 1 + len(s)
    return starts


def embed_spans(embedder: object, texts: Sequence[str], spans: Sequence[Sequence[Span]]) -> np.ndarray:
    """For each text its vector, then one vector per span of it, as rows (float32, normalised).

    An embedder with its own `embed_spans` (one pass, pooled from its token states) is used;
    any other embeds the texts and then each span's text on its own (two passes, the same
    layout)."""
    if len(texts) != len(spans):
        raise ValueError("one list of spans per text")
    own = getattr(embedder, "embed_spans", None)
    if callable(own):
        return np.asarray(own(texts, spans), dtype=np.float32)
    return embed_separately(embedder, texts, spans)


def embed_separately(embedder: object, texts: Sequence[str], spans: Sequence[Sequence[Span]]) -> np.ndarray:
    """`embed_spans`' layout for a model whose token states are out of reach: each text, then
    each span's text, embedded on its own."""
    whole = np.asarray(embedder.embed_passages(list(texts)), dtype=np.float32)  # type: ignore[attr-defined]
    parts = [t[a:b] for t, s in zip(texts, spans) for a, b in s]
    pieces = np.asarray(embedder.embed_passages(parts), dtype=np.float32) if parts else whole[:0]  # type: ignore[attr-defined]
    out, k = [], 0
    for i, s in enumerate(spans):
        out.append(whole[i : i + 1])
        out.append(pieces[k : k + len(s)])
        k += len(s)
    return np.vstack(out) if out else whole
