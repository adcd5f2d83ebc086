"""Latency benchmark: warm per-question timings split by stage, index build and load time.

A benchmark, not a test: it measures and reports, it asserts nothing. Stages of `ask`:
understanding = `assistant.plan(...)`; embedding = `retriever.embed_query(plan.search_text)`;
search = `retriever.ranked(...)` with the precomputed vector; composition = total `ask`
time minus the three (budget lookup, sentence selection, citation building).
All times in milliseconds unless the key says `_s`.
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.service import Assistant
    from assistant.settings import Settings
    from eval.gold import GoldQuestion

STAGES = ("understanding", "embedding", "search", "composition", "total")


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0..100) of a non-empty sequence."""
    if not values:
        raise ValueError("Geen metingen om een percentiel van te nemen.")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100.0
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def time_question(assistant: "Assistant", question: str, history: Sequence[str]) -> dict[str, float]:
    """Stage timings (ms) of one question, measured the way `ask` runs them."""
    from assistant.models import Filters

    clock = time.perf_counter
    retriever = assistant.retriever
    t0 = clock()
    plan = assistant.plan(question, history, Filters())
    t1 = clock()
    vec = retriever.embed_query(plan.search_text) if retriever.mode != "bm25" else None
    t2 = clock()
    retriever.ranked(plan.search_text, retriever.mask(plan.filters), 10, vec)
    t3 = clock()
    assistant.ask(question, history)
    t4 = clock()
    stages = {
        "understanding": (t1 - t0) * 1000,
        "embedding": (t2 - t1) * 1000,
        "search": (t3 - t2) * 1000,
        "total": (t4 - t3) * 1000,
    }
    stages["composition"] = max(0.0, stages["total"] - stages["understanding"] - stages["embedding"] - stages["search"])
    return stages


def latency(
    assistant: "Assistant",
    questions: Sequence["GoldQuestion"],
    progress: Callable[[int, int, str], None] | None = None,
) -> dict[str, Any]:
    """Warm p50/p95 per stage over `questions`: each question is asked once to warm caches,
    then timed once. Returns {"n", "<stage>": {"p50", "p95", "mean"}, "embed_only_p50"}."""
    for q in questions:
        assistant.ask(q.question, list(q.history))
    samples: dict[str, list[float]] = {s: [] for s in STAGES}
    for i, q in enumerate(questions, start=1):
        if progress:
            progress(i, len(questions), q.id)
        for stage, ms in time_question(assistant, q.question, list(q.history)).items():
            samples[stage].append(ms)
    out: dict[str, Any] = {"n": len(questions), "cpus": os.cpu_count()}
    if hasattr(os, "getloadavg"):
        # Other processes on a small machine inflate every figure; the report says so.
        out["load_average_1m"] = os.getloadavg()[0]
    for stage, values in samples.items():
        if values:
            out[stage] = {
                "p50": percentile(values, 50),
                "p95": percentile(values, 95),
                "mean": statistics.fmean(values),
            }
    if samples["embedding"] and samples["total"]:
        # The target: p50 of ask ≤ 1.5 × the time of embedding the query alone.
        out["total_over_embedding_p50"] = out["total"]["p50"] / max(out["embedding"]["p50"], 1e-9)
    return out


def index_times(settings: "Settings", embedder: Any = None) -> dict[str, float]:
    """Seconds to build the index from scratch in a temp dir (model already loaded when
    `embedder` is given) and to load that up-to-date index again."""
    from assistant.service import Assistant

    tmp = Path(tempfile.mkdtemp(prefix="eval-bench-"))
    try:
        corpus = tmp / "corpus"
        shutil.copytree(settings.corpus_dir, corpus)
        bench_settings = settings.with_(corpus_dir=corpus, index_dir=tmp / "index", data_dir=tmp / "data")
        t0 = time.perf_counter()
        built = Assistant.load(bench_settings, embedder=embedder)
        t1 = time.perf_counter()
        Assistant.load(bench_settings, embedder=built.embedder)
        t2 = time.perf_counter()
        return {"index_build_s": t1 - t0, "index_load_s": t2 - t1, "chunks": float(len(built.index.chunks))}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def bench_markdown(figures: dict[str, Any]) -> str:
    lines = ["## Latency (warm, per question, ms)", "", "| stage | p50 | p95 | mean |", "|---|---|---|---|"]
    for stage in STAGES:
        if stage in figures:
            f = figures[stage]
            lines.append(f"| {stage} | {f['p50']:.1f} | {f['p95']:.1f} | {f['mean']:.1f} |")
    lines.append("")
    lines.append(f"- questions timed: {figures.get('n')}")
    load, cpus = figures.get("load_average_1m"), figures.get("cpus")
    if load is not None:
        busy = " — machine busy, figures inflated; rerun when idle" if cpus and load > cpus else ""
        lines.append(f"- load average (1 min) at the end: {load:.1f} on {cpus} cores{busy}")
    if "total_over_embedding_p50" in figures:
        lines.append(f"- p50 total / p50 query embedding: {figures['total_over_embedding_p50']:.2f} (target ≤ 1.5)")
    for key in ("index_build_s", "index_load_s"):
        if key in figures:
            lines.append(f"- {key.replace('_s', '').replace('_', ' ')}: {figures[key]:.2f} s")
    if "chunks" in figures:
        lines.append(f"- chunks: {int(figures['chunks'])}")
    return "\n".join(lines) + "\n"
