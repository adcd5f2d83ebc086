"""The stable JSON shape of an answer, shared by `ask --json`, `batch` and the evaluation.

Field names are a contract with tools and evaluation scripts: add fields freely, never
rename or remove one.
"""

from __future__ import annotations

from typing import Any

from assistant.models import Answer, Passage
from corpus.models import BudgetFact


def passage_json(p: Passage) -> dict[str, Any]:
    """A passage: its chunk's own text and offsets into the document text, plus metadata."""
    c = p.chunk
    return {
        "text": c.text,
        "document": c.doc_id,
        "title": p.meta.title,
        "municipality": p.meta.municipality,
        "year": p.meta.year,
        "doc_type": p.meta.doc_type,
        "section": " › ".join(c.section),
        "start": c.start,
        "end": c.end,
        "score": round(float(p.score), 6),
        "rank": p.rank,
        "kind": c.kind,
        "page": c.page,
    }


# Column order of `assistant figures --csv` and the keys of every "budget" item.
FACT_FIELDS = (
    "value", "raw", "unit", "row", "column", "table", "table_id", "document",
    "municipality", "year", "start", "end", "sentence", "page", "ocr",
)


def fact_json(f: BudgetFact) -> dict[str, Any]:
    """A budget figure: value in euros (or as printed when the unit is unknown), raw cell text."""
    return {
        "value": f.value,
        "raw": f.raw,
        "unit": f.unit,
        "row": f.row,
        "column": f.column,
        "table": f.table,
        "table_id": f.table_id,
        "document": f.doc_id,
        "municipality": f.municipality,
        "year": f.year,
        "start": f.start,
        "end": f.end,
        "sentence": f.sentence,
        "page": f.page,
        "ocr": f.ocr,
    }


def answer_json(answer: Answer, qid: Any = None) -> dict[str, Any]:
    """One batch output line: {"id", "question", "resolved_question", "answer", "abstained",
    "passages", "citations", "budget", …}."""
    citations = []
    for c in answer.citations:
        item = passage_json(c.passage)
        item.update({"n": c.n, "sentence_start": c.sentence_start, "sentence_end": c.sentence_end})
        citations.append(item)
    calc = answer.calculation
    return {
        "id": qid,
        "question": answer.question,
        "resolved_question": answer.resolved_question,
        "answer": answer.text,
        "abstained": answer.abstained,
        "ambiguous": answer.ambiguous,
        "filters": {
            "municipality": answer.filters.municipality,
            "year": answer.filters.year,
            "doc_type": answer.filters.doc_type,
        },
        "passages": [passage_json(p) for p in answer.passages[:10]],
        "citations": citations,
        "budget": [fact_json(f) for f in answer.facts],
        "calculation": (
            {"description": calc.description, "expression": calc.expression, "result": calc.result} if calc else None
        ),
        "notice": answer.notice,
    }


def error_json(line: int, message: str, qid: Any = None) -> dict[str, Any]:
    """A batch output line for an input line that could not be answered: {"id", "line",
    "error"} (Dutch message naming the line), printed where its answer would be."""
    return {"id": qid, "line": line, "error": message}
