"""The persisted hybrid index: FAISS vectors + BM25 tokens over the same chunks.

`HybridIndex.open` loads the current version when it matches the documents and embedder and
passes the content check (embeddings/integrity.py), and otherwise updates it incrementally
under the writer lock (embeddings/build.py): unchanged, undamaged documents reuse their
stored vectors (read back from the flat FAISS index), new, changed and damaged ones are
chunked and embedded, removed ones dropped. A build is written to its own directory and
made current atomically, so a crash, an exception or a full disk leaves the previous
version answering.

The files of a version and how they are read: embeddings/stored.py; what is embedded and
how: embeddings/plan.py; progress reports and write errors: embeddings/progress.py.
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from corpus.locks import LockBusy, writer_lock
from corpus.models import Chunk, Document, DocumentMeta
from embeddings import DEFAULT_CHUNK_VECTORS, ann
from embeddings.ann import AnnParams
from embeddings.base import Embedder
from embeddings.bm25 import BM25, tokenize
from embeddings.build import Chunker, build_version
from embeddings.plan import _prepare, _versioned, embedding_version, sentence_units, usable_way
from embeddings.progress import (
    DEFAULT_TOKENS_PER_SECOND,
    STALE_BUSY,
    IndexWriteError,
    ProgressEvent,
    ProgressFn,
    _write_error,
    stale_write_message,
)
from embeddings.storage import IndexPathError, IndexProblem, check_index_path, current_dir, recover
from embeddings.stored import (
    CHUNKS_FILE,
    FAISS_FILE,
    _damage,
    _meta_from_json,
    _read_current,
    _read_meta,
    _Stored,
    _up_to_date,
    _without,
)

__all__ = ["HybridIndex", "IndexPathError", "IndexProblem"]


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
                return build_version(
                    cls, index_dir, docs, embedder, chunker, stored, report, set(damaged), ann_params,
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
