"""Gold questions: loading and validating a JSON-lines gold set (format in eval/FORMAT.md).

`load_gold(path)` checks the shape of every line and raises `GoldFormatError` with the line
number and a Dutch message; `check_quotes(questions, documents)` checks the content against
the documents (quotes and budget cells occur verbatim) and returns the problems found.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from eval.metrics import normalise

KINDS = ("passage", "budget", "cross", "followup", "unanswerable", "offtopic")
# Kinds the documents do not answer: the assistant should decline them.
DECLINE_KINDS = ("unanswerable", "offtopic")
SPLITS = ("dev", "test")
LANGUAGES = ("nl", "en")
UNIT_NOT_STATED = "eenheid niet vermeld"

# A quote shorter than this matches too many passages to identify one; one longer than
# this is unlikely to survive any chunking whole (the chunker keeps ~1,000 characters).
MIN_QUOTE_CHARS = 10
MAX_QUOTE_CHARS = 300
# A gold set is hand-written; anything bigger is the wrong file.
MAX_FILE_BYTES = 20_000_000

_FIELDS = {
    "id", "kind", "question", "history", "paraphrased", "language", "municipality",
    "evidence", "expected_municipalities", "answer_contains", "budget", "note",
    "split", "ocr", "category",
}
_EVIDENCE_FIELDS = {"document", "quote", "municipality", "page"}
_BUDGET_FIELDS = {
    "raw", "value", "unit", "document", "row", "column", "calculation", "operands_raw", "page",
}


class GoldFormatError(ValueError):
    """A gold file that cannot be used; the message is Dutch and names the line."""


@dataclass(frozen=True)
class GoldEvidence:
    """A verbatim quote that identifies the passage answering the question.

    municipality: required for cross-municipality questions (groups the evidence).
    """

    document: str
    quote: str
    municipality: str | None = None
    # 1-based PDF page the quote stands on (real-document suite); None for text documents.
    page: int | None = None


@dataclass(frozen=True)
class GoldBudget:
    """The expected figure of a budget question.

    value: euros when the unit is known (95.225 in "x € 1.000" -> 95225000.0); the number
        as printed when the source states no unit (unit "eenheid niet vermeld").
    raw: the cell or phrase exactly as printed ("95.225", "-1.291*", "€45.917.564");
        None for a calculation, whose printed inputs are `operands_raw`.
    """

    value: float
    unit: str
    document: str
    raw: str | None = None
    row: str = ""
    column: str = ""
    calculation: bool = False
    operands_raw: tuple[str, ...] = ()
    page: int | None = None


@dataclass(frozen=True)
class GoldQuestion:
    """One gold question. `history` holds the earlier user questions (oldest first)."""

    id: str
    kind: str
    question: str
    language: str
    history: tuple[str, ...] = ()
    paraphrased: bool = False
    municipality: str | None = None
    evidence: tuple[GoldEvidence, ...] = ()
    expected_municipalities: tuple[str, ...] = ()
    answer_contains: tuple[str, ...] = ()
    budget: GoldBudget | None = None
    note: str = ""
    # "dev" or "test" (real-document suite); None for a set without a split.
    split: str | None = None
    # True when the evidence is only readable through OCR (a scanned page).
    ocr: bool = False

    @property
    def answerable(self) -> bool:
        return self.kind not in DECLINE_KINDS

    @property
    def pages(self) -> tuple[int, ...]:
        """Pages the evidence stands on (empty when the documents have no pages)."""
        found = [e.page for e in self.evidence if e.page is not None]
        if self.budget is not None and self.budget.page is not None:
            found.insert(0, self.budget.page)
        return tuple(dict.fromkeys(found))

    @property
    def quotes(self) -> tuple[str, ...]:
        return tuple(e.quote for e in self.evidence)

    def evidence_by_municipality(self) -> dict[str, tuple[str, ...]]:
        """Quotes grouped by the municipality of each evidence item (cross questions)."""
        grouped: dict[str, list[str]] = {m: [] for m in self.expected_municipalities}
        for e in self.evidence:
            if e.municipality:
                grouped.setdefault(e.municipality, []).append(e.quote)
        return {m: tuple(q) for m, q in grouped.items()}


def _fail(line_no: int, message: str) -> GoldFormatError:
    return GoldFormatError(f"Regel {line_no}: {message}")


def _string(obj: Mapping, key: str, line_no: int, *, required: bool = True) -> str | None:
    value = obj.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise _fail(line_no, f"veld '{key}' moet een niet-lege tekst zijn.")
    return value


def _string_list(obj: Mapping, key: str, line_no: int) -> tuple[str, ...]:
    value = obj.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(line_no, f"veld '{key}' moet een lijst met niet-lege teksten zijn.")
    return tuple(value)


def _unknown(keys: set, allowed: set, where: str, line_no: int) -> None:
    extra = sorted(keys - allowed)
    if extra:
        raise _fail(
            line_no,
            f"onbekend veld {', '.join(repr(k) for k in extra)} in {where}; "
            f"toegestaan: {', '.join(sorted(allowed))}.",
        )


def _parse_evidence(raw: object, line_no: int) -> tuple[GoldEvidence, ...]:
    if not isinstance(raw, list):
        raise _fail(line_no, "veld 'evidence' moet een lijst zijn.")
    items = []
    for item in raw:
        if not isinstance(item, dict):
            raise _fail(line_no, "elk bewijsstuk in 'evidence' moet een object zijn.")
        _unknown(set(item), _EVIDENCE_FIELDS, "'evidence'", line_no)
        document = _string(item, "document", line_no)
        quote = _string(item, "quote", line_no)
        length = len(normalise(quote))
        if not MIN_QUOTE_CHARS <= length <= MAX_QUOTE_CHARS:
            raise _fail(
                line_no,
                f"citaat van {length} tekens; een citaat moet {MIN_QUOTE_CHARS} tot "
                f"{MAX_QUOTE_CHARS} tekens lang zijn: {quote[:60]!r}.",
            )
        municipality = _string(item, "municipality", line_no, required=False)
        page = _page(item, "evidence.page", line_no)
        items.append(GoldEvidence(document=document, quote=quote, municipality=municipality, page=page))
    return tuple(items)


def _page(obj: Mapping, key: str, line_no: int) -> int | None:
    value = obj.get("page")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _fail(line_no, f"'{key}' moet een paginanummer zijn (1 of hoger).")
    return value


def _number(value: object, key: str, line_no: int) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _fail(line_no, f"'budget.{key}' moet een getal zijn (geen tekst), bijvoorbeeld 95225000.")
    return float(value)


def _parse_budget(raw: object, line_no: int) -> GoldBudget:
    if not isinstance(raw, dict):
        raise _fail(line_no, "veld 'budget' moet een object zijn.")
    _unknown(set(raw), _BUDGET_FIELDS, "'budget'", line_no)
    calculation = raw.get("calculation", False)
    if not isinstance(calculation, bool):
        raise _fail(line_no, "'budget.calculation' moet true of false zijn.")
    value = _number(raw.get("value"), "value", line_no)
    unit = _string(raw, "unit", line_no)
    document = _string(raw, "document", line_no)
    if calculation:
        operands = _string_list(raw, "operands_raw", line_no)
        if len(operands) < 2:
            raise _fail(line_no, "een berekening heeft minstens twee 'operands_raw' nodig.")
        cell = _string(raw, "raw", line_no, required=False)
    else:
        operands = ()
        cell = _string(raw, "raw", line_no)
    row = raw.get("row", "")
    column = raw.get("column", "")
    if not isinstance(row, str) or not isinstance(column, str):
        raise _fail(line_no, "'budget.row' en 'budget.column' moeten tekst zijn.")
    return GoldBudget(
        value=value, unit=unit, document=document, raw=cell, row=row, column=column,
        calculation=calculation, operands_raw=operands, page=_page(raw, "budget.page", line_no),
    )


def parse_question(obj: object, line_no: int = 0) -> GoldQuestion:
    """One decoded JSON line -> GoldQuestion; raises GoldFormatError naming the line."""
    if not isinstance(obj, dict):
        raise _fail(line_no, "elke regel moet één JSON-object zijn.")
    _unknown(set(obj), _FIELDS, "de vraag", line_no)
    qid = _string(obj, "id", line_no)
    kind = obj.get("kind")
    if kind not in KINDS:
        raise _fail(line_no, f"veld 'kind' moet een van {', '.join(KINDS)} zijn, niet {kind!r}.")
    question = _string(obj, "question", line_no)
    language = obj.get("language", "nl")
    if language not in LANGUAGES:
        raise _fail(line_no, f"veld 'language' moet 'nl' of 'en' zijn, niet {language!r}.")
    paraphrased = obj.get("paraphrased", False)
    if not isinstance(paraphrased, bool):
        raise _fail(line_no, "veld 'paraphrased' moet true of false zijn.")
    municipality = _string(obj, "municipality", line_no, required=False)
    history = _string_list(obj, "history", line_no)
    evidence = _parse_evidence(obj.get("evidence", []), line_no)
    expected = _string_list(obj, "expected_municipalities", line_no)
    facts = _string_list(obj, "answer_contains", line_no)
    budget = _parse_budget(obj["budget"], line_no) if obj.get("budget") is not None else None
    note = obj.get("note", "")
    if not isinstance(note, str):
        raise _fail(line_no, "veld 'note' moet tekst zijn.")
    split = obj.get("split")
    if split is not None and split not in SPLITS:
        raise _fail(line_no, f"veld 'split' moet 'dev' of 'test' zijn, niet {split!r}.")
    ocr = obj.get("ocr", False)
    if not isinstance(ocr, bool):
        raise _fail(line_no, "veld 'ocr' moet true of false zijn.")
    category = obj.get("category", "")
    if not isinstance(category, str):
        raise _fail(line_no, "veld 'category' moet tekst zijn.")

    if kind in DECLINE_KINDS:
        if evidence or budget is not None:
            raise _fail(line_no, "een onbeantwoordbare vraag heeft geen 'evidence' en geen 'budget'.")
    elif not evidence:
        raise _fail(line_no, f"een vraag van soort '{kind}' heeft minstens één citaat in 'evidence' nodig.")
    if kind == "followup" and not history:
        raise _fail(line_no, "een vervolgvraag heeft de eerdere vragen in 'history' nodig.")
    if kind == "budget" and budget is None:
        raise _fail(line_no, "een budgetvraag heeft een 'budget'-object nodig.")
    if kind == "cross":
        if len(expected) < 2:
            raise _fail(line_no, "een vraag over meerdere gemeenten noemt er minstens twee in 'expected_municipalities'.")
        by_municipality = {e.municipality for e in evidence}
        if None in by_municipality:
            raise _fail(line_no, "bij een vraag over meerdere gemeenten heeft elk citaat een 'municipality'.")
        missing = [m for m in expected if m not in by_municipality]
        if missing:
            raise _fail(line_no, f"geen citaat voor {', '.join(missing)}.")
    return GoldQuestion(
        id=qid, kind=kind, question=question, language=language, history=history,
        paraphrased=paraphrased, municipality=municipality, evidence=evidence,
        expected_municipalities=expected, answer_contains=facts, budget=budget,
        note=note or category, split=split, ocr=ocr,
    )


def json_lines(path: str | Path, what: str = "vragenbestand") -> list[tuple[int, object]]:
    """(line number, decoded object) of every non-blank line of a JSON-lines file (UTF-8).

    Raises GoldFormatError (Dutch, naming the file or the line) on a missing, oversized or
    undecodable file or invalid JSON. `what` names the file to the user ("cellenbestand").
    """
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError:
        raise GoldFormatError(f"Het {what} {path.name} bestaat niet of is niet leesbaar.") from None
    if size > MAX_FILE_BYTES:
        raise GoldFormatError(f"Het {what} {path.name} is te groot ({size} bytes, maximaal {MAX_FILE_BYTES}).")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GoldFormatError(
            f"Het {what} {path.name} is geen UTF-8 (fout bij byte {exc.start}); sla het op als UTF-8."
        ) from None
    out: list[tuple[int, object]] = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            out.append((line_no, json.loads(line)))
        except json.JSONDecodeError as exc:
            raise _fail(line_no, f"geen geldige JSON ({exc.msg}, kolom {exc.colno}).") from None
    return out


def load_gold(path: str | Path) -> list[GoldQuestion]:
    """Read a JSON-lines gold file (UTF-8, one object per line, blank lines allowed).

    Raises GoldFormatError (Dutch message, line number) on a missing, empty, oversized or
    undecodable file, invalid JSON, a malformed question, or a duplicate id.
    """
    path = Path(path)
    questions: list[GoldQuestion] = []
    seen: dict[str, int] = {}
    for line_no, obj in json_lines(path):
        question = parse_question(obj, line_no)
        if question.id in seen:
            raise _fail(line_no, f"id {question.id!r} komt al voor op regel {seen[question.id]}.")
        seen[question.id] = line_no
        questions.append(question)
    if not questions:
        raise GoldFormatError(f"Het vragenbestand {path.name} bevat geen vragen.")
    return questions


def check_quotes(questions: Sequence[GoldQuestion], documents: Mapping[str, str]) -> list[str]:
    """Problems with the content of questions, checked against document texts (id -> text).

    Every evidence quote and every budget raw cell / operand must occur in its document
    (after `normalise`: whitespace and quote characters), and a budget's raw text must occur
    in one of the question's evidence quotes, so the quote shows the cell. Returns Dutch
    problem descriptions prefixed with the question id; [] means all is well.
    """
    normalised = {doc_id: normalise(text) for doc_id, text in documents.items()}
    problems: list[str] = []
    for q in questions:
        for e in q.evidence:
            doc = normalised.get(e.document)
            if doc is None:
                problems.append(f"{q.id}: document {e.document!r} bestaat niet.")
            elif normalise(e.quote) not in doc:
                problems.append(f"{q.id}: citaat niet gevonden in {e.document}: {e.quote[:80]!r}.")
        if q.budget is None:
            continue
        b = q.budget
        doc = normalised.get(b.document)
        if doc is None:
            problems.append(f"{q.id}: budgetdocument {b.document!r} bestaat niet.")
            continue
        cells = list(b.operands_raw) + ([b.raw] if b.raw else [])
        quotes = [normalise(e.quote) for e in q.evidence if e.document == b.document]
        for cell in cells:
            if normalise(cell) not in doc:
                problems.append(f"{q.id}: bedrag {cell!r} komt niet voor in {b.document}.")
            elif not any(normalise(cell) in quote for quote in quotes):
                problems.append(f"{q.id}: bedrag {cell!r} staat in geen van de citaten.")
    return problems
