"""One stored version of the file index: its files, read and written.

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

`_load_stored` reads a version and cross-checks every file into a `_Stored` (IndexProblem on
anything inconsistent), `_read_current` the current version without a lock; `_damage` is the
content check (embeddings/integrity.py) of what a build would reuse, `_without` the version
minus some documents, in memory. The build (embeddings/build.py) writes a version's files
with `_write_file` and `_chunk_to_json`.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from corpus.models import Chunk, Document, DocumentMeta
from embeddings.base import Embedder
from embeddings.integrity import damaged_documents
from embeddings.plan import sentence_units
from embeddings.storage import IndexProblem, current_dir, version_number

__all__ = [
    "CHUNKS_FILE",
    "DOCUMENTS_FILE",
    "FAISS_FILE",
    "FORMAT_VERSION",
    "META_FILE",
    "SENTENCES_FAISS_FILE",
    "SENTENCES_FILE",
    "TOKENS_FILE",
]

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
TOKENS_FILE = "bm25_tokens.json"
DOCUMENTS_FILE = "documents.json"


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


def _chunk_to_json(chunk: Chunk) -> dict[str, Any]:
    d = asdict(chunk)
    d["section"] = list(chunk.section)
    return d


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
