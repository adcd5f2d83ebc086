"""The evaluation runner: any answering system in, per-question metrics and a report out.

`evaluate(answer_fn, questions, documents_text)` asks every gold question through
`answer_fn(question, history) -> dict` (the stable answer JSON of `assistant.contract`:
"answer", "abstained", "passages", "citations", "budget", "calculation"), so the project's
assistant, its ablations and the LangChain baseline are all measured the same way.
`report(results, settings_info)` turns the results into a JSON-able dict and Markdown.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from eval import metrics as m
from eval.gold import GoldQuestion, check_quotes

AnswerFn = Callable[[str, Sequence[str]], Mapping[str, Any]]
# (index 1-based, total, question id) — the CLI prints "vraag i/N" on stderr.
EvalProgress = Callable[[int, int, str], None]

KS = (1, 5, 10)
# The metrics the overview and comparison tables show, in this order.
RETRIEVAL_METRICS = ("recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10")
ANSWER_METRICS = (
    "citation_precision",
    "answer_contains_fact",
    "budget_exact",
    "figure_strict",
    "page@1",
    "abstained_unanswerable",
    "declined_offtopic",
    "false_abstention",
    "asked_back",
    "followup_success",
)
METRIC_LABELS = {
    "recall@1": "R@1",
    "recall@5": "R@5",
    "recall@10": "R@10",
    "mrr@10": "MRR@10",
    "ndcg@10": "nDCG@10",
    "citation_precision": "citation precision",
    "answer_contains_fact": "answer has fact",
    "budget_exact": "budget exact",
    "figure_strict": "figure strict",
    "page@1": "page@1",
    "abstained_unanswerable": "abstention (unanswerable)",
    "declined_offtopic": "declined (off-topic)",
    "asked_back": "asked back",
    "false_abstention": "false abstention (answerable)",
    "followup_success": "follow-up success",
}
SNIPPET_CHARS = 160


@dataclass(frozen=True)
class QuestionResult(m.QuestionResult):
    """metrics.QuestionResult plus what the failure list needs: the question, what was
    expected and what came back (`detail`), and why it counts as a failure (`failures`)."""

    question: str = ""
    detail: Mapping[str, Any] = field(default_factory=dict)
    failures: tuple[str, ...] = ()


def _float(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return out if math.isfinite(out) else None


def _retrieval_metrics(q: GoldQuestion, passages: Sequence[Mapping[str, Any]]) -> tuple[dict[str, float], list[bool]]:
    """Recall@k, MRR@10, nDCG@10 and the per-rank hit list (used for follow-up success).

    Cross-municipality questions: a rank only counts once EVERY expected municipality's
    evidence is in the list up to it, so finding one town's passage is a miss.
    """
    texts = [str(p.get("text") or "") for p in passages][:10]
    if q.kind == "cross" and q.expected_municipalities:
        by_town = q.evidence_by_municipality()
        pairs = [(str(p.get("text") or ""), p.get("municipality")) for p in passages][:10]
        # hits[r] is True from the first rank at which all towns are covered.
        hits = [m.cross_hit_at_k(pairs, by_town, r) for r in range(1, len(pairs) + 1)]
        first = next((i for i, h in enumerate(hits) if h), None)
        hits = [i == first for i in range(len(hits))]
        ndcg = m.ndcg_at_k(m.evidence_matches(texts, q.quotes), 10) if first is not None else 0.0
    else:
        match = m.page_evidence_matches if q.pages else m.evidence_matches
        matches = match(texts, q.quotes)
        hits = [bool(x) for x in matches]
        ndcg = m.ndcg_at_k(matches, 10)
    values = {f"recall@{k}": m.recall_at_k(hits, k) for k in KS}
    values["mrr@10"] = m.reciprocal_rank(hits, 10)
    values["ndcg@10"] = ndcg
    return values, hits


def predicted_budget(q: GoldQuestion, answer: Mapping[str, Any]) -> tuple[float | None, dict[str, Any]]:
    """The figure the answer gives for a budget question and where it came from.

    A calculation question is judged on the calculation result (falling back to the first
    fact); any other on the first budget fact (falling back to a calculation result), since
    the first fact is the one the answer states.
    """
    facts = [f for f in (answer.get("budget") or []) if isinstance(f, Mapping)]
    calc = answer.get("calculation") if isinstance(answer.get("calculation"), Mapping) else None
    first = facts[0] if facts else None
    from_calc = {"source": "calculation", "value": _float(calc.get("result")), "expression": calc.get("expression")} if calc else None
    from_fact = (
        {
            "source": "fact",
            "value": _float(first.get("value")),
            "raw": first.get("raw"),
            "row": first.get("row"),
            "column": first.get("column"),
            "document": first.get("document"),
            "unit": first.get("unit"),
        }
        if first
        else None
    )
    gold_calc = bool(q.budget and q.budget.calculation)
    order = (from_calc, from_fact) if gold_calc else (from_fact, from_calc)
    chosen = next((o for o in order if o is not None), None)
    if chosen is None:
        return None, {"source": "none"}
    return chosen["value"], chosen


def _snippet(text: str, n: int = SNIPPET_CHARS) -> str:
    flat = m.normalise(text)
    return flat if len(flat) <= n else flat[: n - 1] + "…"


def evaluate_one(q: GoldQuestion, answer: Mapping[str, Any], error: str = "") -> QuestionResult:
    """Metrics of one question from the answer JSON dict (missing fields count as no answer)."""
    passages = [p for p in (answer.get("passages") or []) if isinstance(p, Mapping)]
    citations = [c for c in (answer.get("citations") or []) if isinstance(c, Mapping)]
    abstained = bool(answer.get("abstained", False))
    text = str(answer.get("answer") or "")
    values: dict[str, float | bool | None] = {}
    failures: list[str] = []
    detail: dict[str, Any] = {
        "resolved_question": answer.get("resolved_question"),
        "abstained": abstained,
        "answer": _snippet(text, 400),
        "top": [
            {
                "document": p.get("document"),
                "municipality": p.get("municipality"),
                "snippet": _snippet(str(p.get("text") or "")),
            }
            for p in passages[:3]
        ],
    }
    if error:
        detail["error"] = error
        failures.append("error")

    def result() -> QuestionResult:
        return QuestionResult(
            id=q.id, kind=q.kind, municipality=q.municipality, paraphrased=q.paraphrased, language=q.language,
            metrics=values, split=q.split, question=q.question, detail=detail, failures=tuple(failures),
        )

    if not q.answerable:
        values["declined_offtopic" if q.kind == "offtopic" else "abstained_unanswerable"] = abstained
        if not abstained:
            failures.append(f"answered an {'off-topic' if q.kind == 'offtopic' else 'unanswerable'} question")
        return result()

    retrieval, hits = _retrieval_metrics(q, passages)
    values.update(retrieval)
    values["false_abstention"] = abstained
    asked_back = bool(answer.get("ambiguous", False))
    values["asked_back"] = asked_back
    values["citation_precision"] = m.citation_precision(
        [str(c.get("text") or "") for c in citations], q.quotes, paged=bool(q.pages)
    )
    if q.pages:
        page = first_cited_page(answer)
        values["page@1"] = page is not None and page in q.pages
        detail["pages_expected"] = list(q.pages)
        detail["page_returned"] = page
    if q.answer_contains:
        values["answer_contains_fact"] = (not abstained) and m.answer_contains_fact(text, q.answer_contains)
    detail["expected_quotes"] = list(q.quotes)
    budget_ok: bool | None = None
    if q.budget is not None:
        value, source = predicted_budget(q, answer)
        budget_ok = (not abstained) and m.budget_exact(value, q.budget.value)
        values["budget_exact"] = budget_ok
        # Strict: an answer, not a list of options, and (for a cell) in the right unit.
        unit_ok = source.get("source") == "calculation" or m.same_unit(source.get("unit"), q.budget.unit)
        values["figure_strict"] = budget_ok and not asked_back and unit_ok
        detail["budget_expected"] = {
            "raw": q.budget.raw,
            "value": q.budget.value,
            "row": q.budget.row,
            "column": q.budget.column,
            "document": q.budget.document,
            "calculation": q.budget.calculation,
            "operands_raw": list(q.budget.operands_raw),
            "unit": q.budget.unit,
            "page": q.budget.page,
        }
        detail["budget_returned"] = source
        if not budget_ok:
            failures.append("wrong or missing budget figure")
    if q.kind == "followup":
        values["followup_success"] = m.followup_success(hits, abstained, 5, budget_ok)
        if not values["followup_success"]:
            failures.append("follow-up not resolved")
    if not values["recall@5"]:
        failures.append("evidence not in top 5")
    if abstained:
        failures.append("abstained on an answerable question")
    if asked_back:
        failures.append("asked back instead of answering")
    return result()


def first_cited_page(answer: Mapping[str, Any]) -> int | None:
    """The page the answer cites first: its first figure's, else its first citation's."""
    for key in ("budget", "citations"):
        items = [x for x in (answer.get(key) or []) if isinstance(x, Mapping)]
        if items:
            page = items[0].get("page")
            return page if isinstance(page, int) and not isinstance(page, bool) else None
    return None


def evaluate(
    answer_fn: AnswerFn,
    questions: Sequence[GoldQuestion],
    documents_text: Mapping[str, str] | None = None,
    progress: EvalProgress | None = None,
) -> list[QuestionResult]:
    """Ask every question through `answer_fn(question, history)` and score the answer.

    documents_text: document id -> text; when given, questions whose quotes do not occur
    in it are still scored but flagged in `detail["gold_problems"]` (a stale gold set must
    not silently look like a retrieval failure). An exception from `answer_fn` is recorded
    as a failed question with the error; the run goes on.
    """
    problems: dict[str, list[str]] = {}
    if documents_text is not None:
        for problem in check_quotes(questions, documents_text):
            qid = problem.split(":", 1)[0]
            problems.setdefault(qid, []).append(problem)
    results: list[QuestionResult] = []
    total = len(questions)
    for i, q in enumerate(questions, start=1):
        if progress:
            progress(i, total, q.id)
        error = ""
        try:
            answer = answer_fn(q.question, list(q.history))
            if not isinstance(answer, Mapping):
                raise TypeError(f"answer_fn returned {type(answer).__name__}, not a dict")
        except Exception as exc:  # noqa: BLE001 - one broken question must not end the run
            error = f"{type(exc).__name__}: {exc}"
            answer = {}
        result = evaluate_one(q, answer, error)
        if q.id in problems:
            result = replace(result, detail={**result.detail, "gold_problems": problems[q.id]})
        results.append(result)
    return results


# ---------------------------------------------------------------------------------- report
def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def _table(rows: Sequence[tuple[str, Mapping[str, Any]]], names: Sequence[str], first: str) -> str:
    header = [first, "n", *(METRIC_LABELS.get(n, n) for n in names)]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for label, block in rows:
        lines.append("| " + " | ".join([label, _fmt(block.get("n")), *(_fmt(block.get(n)) for n in names)]) + " |")
    return "\n".join(lines)


def failure_list(results: Sequence[QuestionResult]) -> list[dict[str, Any]]:
    """One entry per failed question: id, kind, question, reasons, expected vs returned."""
    out = []
    for r in results:
        if not r.failures:
            continue
        item = {"id": r.id, "kind": r.kind, "question": r.question, "reasons": list(r.failures)}
        for key in ("resolved_question", "expected_quotes", "top", "budget_expected", "budget_returned", "error", "gold_problems"):
            if key in r.detail:
                item[key] = r.detail[key]
        out.append(item)
    return out


def _failure_md(f: Mapping[str, Any]) -> list[str]:
    lines = [f"### {f['id']} ({f['kind']}): {', '.join(f['reasons'])}", f"- question: {f['question']}"]
    if f.get("resolved_question") and f["resolved_question"] != f["question"]:
        lines.append(f"- searched as: {f['resolved_question']}")
    for quote in f.get("expected_quotes", [])[:3]:
        lines.append(f"- expected quote: “{_snippet(quote)}”")
    be = f.get("budget_expected")
    if be:
        expected = f"raw `{be.get('raw')}`" if be.get("raw") else f"calculation of {be.get('operands_raw')}"
        lines.append(f"- expected figure: {expected} = {be.get('value')} (row “{be.get('row')}”, column “{be.get('column')}”)")
        br = f.get("budget_returned") or {}
        if br.get("source") == "fact":
            lines.append(
                f"- returned figure: raw `{br.get('raw')}` = {br.get('value')} (row “{br.get('row')}”, "
                f"column “{br.get('column')}”, {br.get('document')})"
            )
        elif br.get("source") == "calculation":
            lines.append(f"- returned calculation: {br.get('expression')} = {br.get('value')}")
        else:
            lines.append("- returned figure: none")
    for i, t in enumerate(f.get("top", []), start=1):
        lines.append(f"- retrieved #{i} [{t.get('municipality') or '?'} / {t.get('document')}]: {t.get('snippet')}")
    if f.get("error"):
        lines.append(f"- error: `{f['error']}`")
    for p in f.get("gold_problems", []):
        lines.append(f"- gold problem: {p}")
    return lines


def report(results: Sequence[QuestionResult], settings_info: Mapping[str, Any]) -> tuple[dict[str, Any], str]:
    """(JSON-able dict, Markdown) with the summary, breakdowns and failures of one run."""
    summary = m.summarise(results)
    failures = failure_list(results)
    data = {
        "settings": dict(settings_info),
        "summary": summary,
        "failures": failures,
        "questions": [
            {
                "id": r.id, "kind": r.kind, "municipality": r.municipality, "paraphrased": r.paraphrased,
                "language": r.language, "metrics": dict(r.metrics), "failures": list(r.failures),
            }
            for r in results
        ],
    }
    names = RETRIEVAL_METRICS + ANSWER_METRICS
    md = ["# Evaluation report", ""]
    md += [f"- **{k}**: {v}" for k, v in settings_info.items()]
    md += ["", "## Overall", "", _table([("all", summary["overall"])], names, "subset"), ""]
    for key, title in (
        ("by_kind", "By question kind"),
        ("by_municipality", "By municipality"),
        ("by_phrasing", "Paraphrased vs literal"),
        ("by_language", "By language"),
        ("by_split", "By split"),
    ):
        md += [f"## {title}", "", _table(list(summary[key].items()), names, key.removeprefix("by_")), ""]
    md += [f"## Failures ({len(failures)} of {len(results)} questions)", ""]
    for f in failures:
        md += _failure_md(f) + [""]
    return data, "\n".join(md).rstrip() + "\n"


def overview_table(results: Sequence[QuestionResult]) -> str:
    """A compact Markdown table of the overall figures (what the CLI prints)."""
    summary = m.summarise(results)
    rows = [("all", summary["overall"])]
    rows += [(label, block) for label, block in summary["by_phrasing"].items()]
    rows += [(f"kind: {label}", block) for label, block in summary["by_kind"].items()]
    return _table(rows, RETRIEVAL_METRICS + ANSWER_METRICS, "subset")


# The figures the README reports per suite and split, in this order.
HEADLINE_METRICS = (
    "figure_strict", "recall@1", "recall@5", "recall@10", "mrr@10", "page@1",
    "abstained_unanswerable", "declined_offtopic", "false_abstention", "asked_back",
)
HEADLINE_LABELS = {
    "figure_strict": "figures strict", "recall@1": "evidence@1", "recall@5": "evidence@5",
    "recall@10": "evidence@10", "mrr@10": "MRR@10", "page@1": "page@1",
    "abstained_unanswerable": "declined (unanswerable)", "declined_offtopic": "declined (off-topic)",
    "false_abstention": "false abstention", "asked_back": "asked back",
}


def headline_rows(suite: str, results: Sequence[QuestionResult]) -> list[tuple[str, Mapping[str, Any]]]:
    """(label, metric block) for the suite as a whole and for each of its splits."""
    summary = m.summarise(results)
    rows = [(f"{suite}: all", summary["overall"])]
    rows += [(f"{suite}: {split}", block) for split, block in summary["by_split"].items()]
    return rows


def headline_table(rows: Sequence[tuple[str, Mapping[str, Any]]]) -> str:
    header = ["suite / split", "n", *(HEADLINE_LABELS[n] for n in HEADLINE_METRICS)]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for label, block in rows:
        lines.append("| " + " | ".join([label, _fmt(block.get("n")), *(_fmt(block.get(n)) for n in HEADLINE_METRICS)]) + " |")
    return "\n".join(lines) + "\n"
