"""The textbook LangChain recipe, as the baseline the project must beat.

RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200, add_start_index=True)
over each document's text, the same embedder's `embed_passages`, a FAISS IndexFlatIP,
`embed_queries` for the literal question (no history, no question understanding, no BM25),
top 10; the "answer" is the top passage. Output is the answer JSON shape of
`assistant.contract.answer_json`, so `eval.run.evaluate` scores it like the assistant.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from corpus.files import atomic_write

if TYPE_CHECKING:
    from corpus.models import Document
    from embeddings.base import Embedder

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200
TOP_K = 10
EMBED_BATCH = 32


@dataclass(frozen=True)
class BaselineChunk:
    """One splitter chunk: `text == document.text[start:end]`."""

    doc_id: str
    start: int
    end: int
    text: str
    title: str = ""
    municipality: str | None = None
    year: int | None = None


def split_documents(documents: Sequence["Document"]) -> list[BaselineChunk]:
    """Split every document with the textbook splitter; offsets come from add_start_index."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(
        chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP, add_start_index=True
    )
    chunks: list[BaselineChunk] = []
    for doc in documents:
        for piece in splitter.create_documents([doc.text]):
            start = int(piece.metadata["start_index"])
            text = piece.page_content
            if start < 0 or doc.text[start : start + len(text)] != text:
                # add_start_index searches for the piece; a miss (-1) would give wrong offsets.
                start = doc.text.find(text)
            chunks.append(
                BaselineChunk(
                    doc_id=doc.id, start=start, end=start + len(text), text=text, title=doc.meta.title,
                    municipality=doc.meta.municipality, year=doc.meta.year,
                )
            )
    return chunks


def corpus_fingerprint(documents_text: Mapping[str, str]) -> str:
    """sha256 over the document ids and texts, in id order (hex)."""
    h = hashlib.sha256()
    for doc_id in sorted(documents_text):
        h.update(doc_id.encode("utf-8") + b"\x1f" + documents_text[doc_id].encode("utf-8") + b"\x1e")
    return h.hexdigest()


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)[:60] or "model"


def _save_npy_atomic(path: Path, array: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    np.save(buffer, array)
    atomic_write(path, buffer.getvalue())


def embed_chunks(chunks: Sequence[BaselineChunk], embedder: "Embedder", cache_dir: Path | None, fingerprint: str) -> np.ndarray:
    """Passage vectors (n, dim) float32, cached as .npy keyed by embedder name, corpus
    fingerprint and the chunk offsets (a cached file for other chunks is ignored)."""
    layout = hashlib.sha256(json.dumps([(c.doc_id, c.start, c.end) for c in chunks]).encode()).hexdigest()[:16]
    path = None
    if cache_dir is not None:
        path = Path(cache_dir) / f"baseline-{_safe(embedder.name)}-{fingerprint[:16]}-{layout}.npy"
        if path.is_file():
            try:
                cached = np.load(path, allow_pickle=False)
                if cached.shape == (len(chunks), embedder.dim):
                    return cached.astype(np.float32, copy=False)
            except (OSError, ValueError):
                pass  # a broken cache file is rebuilt below
    parts = [embedder.embed_passages([c.text for c in chunks[i : i + EMBED_BATCH]]) for i in range(0, len(chunks), EMBED_BATCH)]
    vectors = np.vstack(parts).astype(np.float32) if parts else np.zeros((0, embedder.dim), dtype=np.float32)
    if path is not None:
        _save_npy_atomic(path, vectors)
    return vectors


class LangChainBaseline:
    """FAISS flat inner-product search over the textbook chunks; `answer(question, history)`."""

    def __init__(self, chunks: Sequence[BaselineChunk], vectors: np.ndarray, embedder: "Embedder") -> None:
        import faiss

        self.chunks = list(chunks)
        self.embedder = embedder
        self.index = faiss.IndexFlatIP(int(vectors.shape[1]) if vectors.size else embedder.dim)
        if len(self.chunks):
            self.index.add(np.ascontiguousarray(vectors, dtype=np.float32))

    @classmethod
    def build(
        cls, documents: Sequence["Document"], embedder: "Embedder", cache_dir: Path | None = None
    ) -> "LangChainBaseline":
        chunks = split_documents(documents)
        fingerprint = corpus_fingerprint({d.id: d.text for d in documents})
        return cls(chunks, embed_chunks(chunks, embedder, cache_dir, fingerprint), embedder)

    def search(self, question: str, k: int = TOP_K) -> list[tuple[int, float]]:
        if not self.chunks:
            return []
        qvec = self.embedder.embed_queries([question]).astype(np.float32)
        scores, ids = self.index.search(qvec, min(k, len(self.chunks)))
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]

    def answer(self, question: str, history: Sequence[str] = ()) -> dict[str, Any]:
        """Answer JSON dict; history is ignored (the recipe has no conversation memory)."""
        passages = []
        for rank, (i, score) in enumerate(self.search(question), start=1):
            c = self.chunks[i]
            passages.append(
                {
                    "text": c.text, "document": c.doc_id, "title": c.title, "municipality": c.municipality,
                    "year": c.year, "section": "", "start": c.start, "end": c.end,
                    "score": round(score, 6), "rank": rank, "kind": "text",
                }
            )
        citations = [{**passages[0], "n": 1}] if passages else []
        return {
            "id": None, "question": question, "resolved_question": question,
            "answer": passages[0]["text"] if passages else "", "abstained": False, "ambiguous": False,
            "passages": passages, "citations": citations, "budget": [], "calculation": None, "notice": "",
        }
