"""The shipped gold set (shape, coverage, quotes verbatim in the seeds) and the loader's errors."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from eval.gold import GoldFormatError, check_quotes, load_gold, parse_question
from eval.metrics import normalise

PROJECT_DIR = Path(__file__).resolve().parents[2]
GOLD = PROJECT_DIR / "eval" / "gold.jsonl"
FORMAT_DOC = PROJECT_DIR / "eval" / "FORMAT.md"


@pytest.fixture(scope="module")
def documents(seeds_dir: Path) -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))}


@pytest.fixture(scope="module")
def gold():
    return load_gold(GOLD)


# ---------------------------------------------------------------- the shipped set


def test_gold_set_size_and_kinds(gold) -> None:
    kinds = Counter(q.kind for q in gold)
    assert len(gold) >= 120
    assert kinds["budget"] >= 30
    assert kinds["unanswerable"] >= 10
    assert kinds["followup"] >= 10
    assert kinds["cross"] >= 8
    assert kinds["passage"] >= 50


def test_ids_unique(gold) -> None:
    ids = [q.id for q in gold]
    assert len(ids) == len(set(ids))
    raw_ids = [json.loads(line)["id"] for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(raw_ids) == len(set(raw_ids)) == len(gold)


def test_followups_have_history_and_cross_questions_cover_every_municipality(gold) -> None:
    for q in gold:
        if q.kind == "followup":
            assert 1 <= len(q.history) <= 3, q.id
        if q.kind == "cross":
            grouped = q.evidence_by_municipality()
            assert len(q.expected_municipalities) >= 2, q.id
            assert all(grouped[m] for m in q.expected_municipalities), q.id
        if q.kind == "unanswerable":
            assert q.evidence == () and q.budget is None, q.id


def test_mix_of_languages_phrasing_and_municipalities(gold, documents) -> None:
    english = sum(q.language == "en" for q in gold)
    assert 8 <= english <= len(gold) // 4
    passages = [q for q in gold if q.kind == "passage"]
    share = sum(q.paraphrased for q in passages) / len(passages)
    assert 0.25 <= share <= 0.45
    used = Counter(e.document for q in gold for e in q.evidence)
    assert set(used) == set(documents)
    # Passage questions are spread over the municipalities, not piled on one.
    per_municipality = Counter(q.municipality for q in passages)
    assert min(per_municipality.values()) >= 10


def test_every_quote_occurs_in_its_document(gold, documents) -> None:
    assert check_quotes(gold, documents) == []


def test_quotes_are_short(gold) -> None:
    for q in gold:
        for e in q.evidence:
            assert 20 <= len(normalise(e.quote)) <= 150, (q.id, e.quote)


def test_every_budget_raw_occurs_in_its_document(gold, documents) -> None:
    budgets = [q for q in gold if q.budget is not None]
    assert len(budgets) >= 30
    for q in budgets:
        doc = normalise(documents[q.budget.document])
        cells = [q.budget.raw] if q.budget.raw else []
        for cell in cells + list(q.budget.operands_raw):
            assert normalise(cell) in doc, (q.id, cell)


def _dutch_number(raw: str) -> float:
    """Test-local reading of a printed Dutch amount: '-1.291*' -> -1291, '0,5 miljoen euro' -> 500000."""
    text = raw.replace("€", "").replace("*", "").strip()
    factor = 1.0
    if text.endswith("miljoen euro"):
        factor, text = 1e6, text[: -len("miljoen euro")].strip()
    elif text.endswith("euro"):
        text = text[: -len("euro")].strip()
    assert re.fullmatch(r"-?\d{1,3}(\.\d{3})*(,\d+)?", text), raw
    return float(text.replace(".", "").replace(",", ".")) * factor


UNIT_FACTOR = {"x € 1.000": 1000, "€": 1, "eenheid niet vermeld": 1}


def test_budget_values_agree_with_the_printed_cells(gold) -> None:
    """value is the raw cell read Dutch-style times the unit; a calculation is a difference."""
    for q in gold:
        b = q.budget
        if b is None:
            continue
        factor = UNIT_FACTOR[b.unit]
        if b.calculation:
            first, second = (_dutch_number(r) for r in b.operands_raw)
            assert b.value == pytest.approx(abs(first - second) * factor), q.id
        else:
            assert b.value == pytest.approx(_dutch_number(b.raw) * factor), q.id


def test_budget_units_match_the_documents(gold, documents) -> None:
    for q in gold:
        if q.budget is None or q.budget.unit != "x € 1.000":
            continue
        # The table states its unit somewhere in the document ("x€1.000", "x €1.000").
        assert re.search(r"x\s*€\s*1\.000", documents[q.budget.document]), q.id


def test_format_doc_examples_are_valid(documents) -> None:
    block = FORMAT_DOC.read_text(encoding="utf-8").split("```json", 1)[1].split("```", 1)[0]
    examples = [parse_question(json.loads(line), n) for n, line in enumerate(block.strip().splitlines(), 1)]
    assert {q.kind for q in examples} >= {"passage", "budget", "followup", "unanswerable"}
    assert check_quotes(examples, documents) == []


# ---------------------------------------------------------------- loader errors

DOC = "doc-a"
GOOD = {
    "id": "x1",
    "kind": "passage",
    "question": "Wat is de doorlooptijd?",
    "evidence": [{"document": DOC, "quote": "De doorlooptijd is 4,8 maanden."}],
}


def _write(tmp_path: Path, *objects: object) -> Path:
    path = tmp_path / "vragen.jsonl"
    lines = [o if isinstance(o, str) else json.dumps(o, ensure_ascii=False) for o in objects]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_load_minimal_valid_file(tmp_path: Path) -> None:
    [q] = load_gold(_write(tmp_path, GOOD, ""))
    assert q.language == "nl" and q.paraphrased is False and q.history == ()
    assert q.answerable and q.quotes == ("De doorlooptijd is 4,8 maanden.",)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "vraag"}, r"Regel 2: veld 'kind'"),
        ({"question": "  "}, r"Regel 2: veld 'question'"),
        ({"language": "de"}, r"Regel 2: veld 'language'"),
        ({"paraphrased": "ja"}, r"Regel 2: veld 'paraphrased'"),
        ({"evidance": []}, r"Regel 2: onbekend veld 'evidance'"),
        ({"evidence": []}, r"Regel 2: .*minstens één citaat"),
        ({"evidence": [{"document": DOC, "quote": "kort"}]}, r"Regel 2: citaat van 4 tekens"),
        ({"evidence": [{"document": DOC}]}, r"Regel 2: veld 'quote'"),
        ({"kind": "followup"}, r"Regel 2: een vervolgvraag heeft .*'history'"),
        ({"kind": "unanswerable"}, r"Regel 2: een onbeantwoordbare vraag heeft geen 'evidence'"),
        ({"kind": "budget"}, r"Regel 2: een budgetvraag heeft een 'budget'"),
        (
            {"kind": "budget", "budget": {"raw": "95.225", "value": "95225000", "unit": "€", "document": DOC}},
            r"Regel 2: 'budget.value' moet een getal zijn",
        ),
        (
            {"kind": "budget", "budget": {"calculation": True, "value": 1, "unit": "€", "document": DOC,
                                          "operands_raw": ["1"]}},
            r"Regel 2: een berekening heeft minstens twee",
        ),
        (
            {"kind": "cross", "expected_municipalities": ["Deventer", "Utrecht"],
             "evidence": [{"document": DOC, "quote": "De doorlooptijd is 4,8 maanden.", "municipality": "Utrecht"}]},
            r"Regel 2: geen citaat voor Deventer",
        ),
        (
            {"kind": "cross", "expected_municipalities": ["Deventer", "Utrecht"]},
            r"Regel 2: bij een vraag over meerdere gemeenten heeft elk citaat een 'municipality'",
        ),
    ],
)
def test_malformed_question_names_the_line(tmp_path: Path, change: dict, message: str) -> None:
    bad = {**GOOD, "id": "x2", **change}
    with pytest.raises(GoldFormatError, match=message):
        load_gold(_write(tmp_path, GOOD, bad))


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"id": "x2", "kind": ', r"Regel 2: geen geldige JSON"),
        ("[1, 2]", r"Regel 2: elke regel moet één JSON-object"),
        (json.dumps(GOOD), r"Regel 2: id 'x1' komt al voor op regel 1"),
    ],
)
def test_broken_lines(tmp_path: Path, line: str, message: str) -> None:
    with pytest.raises(GoldFormatError, match=message):
        load_gold(_write(tmp_path, GOOD, line))


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(GoldFormatError, match="bestaat niet"):
        load_gold(tmp_path / "nergens.jsonl")
    empty = tmp_path / "leeg.jsonl"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(GoldFormatError, match="bevat geen vragen"):
        load_gold(empty)
    latin1 = tmp_path / "latin1.jsonl"
    latin1.write_bytes(json.dumps({**GOOD, "question": "Wat is de réserve?"}, ensure_ascii=False).encode("latin-1"))
    with pytest.raises(GoldFormatError, match="geen UTF-8"):
        load_gold(latin1)


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(GOOD).encode("utf-8"))
    assert load_gold(path)[0].id == "x1"


# ---------------------------------------------------------------- check_quotes

TEXT = "Inleiding.\nDe doorlooptijd\nis 4,8 maanden. Het kost zo\u2019n €1.093.480 in totaal.\n"


def _q(**fields):
    return parse_question({**GOOD, **fields}, 1)


def test_check_quotes_accepts_whitespace_and_quote_variants() -> None:
    q = _q(evidence=[{"document": DOC, "quote": "De doorlooptijd is 4,8 maanden."},
                     {"document": DOC, "quote": "Het kost zo'n €1.093.480 in totaal."}])
    assert check_quotes([q], {DOC: TEXT}) == []


def test_check_quotes_reports_missing_quote_and_document() -> None:
    wrong = _q(evidence=[{"document": DOC, "quote": "De doorlooptijd is 4,9 maanden."}])
    unknown = _q(id="x2", evidence=[{"document": "doc-b", "quote": "De doorlooptijd is 4,8 maanden."}])
    problems = check_quotes([wrong, unknown], {DOC: TEXT})
    assert len(problems) == 2
    assert problems[0].startswith("x1: citaat niet gevonden")
    assert problems[1].startswith("x2: document 'doc-b' bestaat niet")


def test_check_quotes_checks_budget_cells() -> None:
    quote = [{"document": DOC, "quote": "Het kost zo'n €1.093.480 in totaal."}]
    ok = _q(kind="budget", evidence=quote,
            budget={"raw": "€1.093.480", "value": 1093480, "unit": "€", "document": DOC})
    absent = _q(id="x2", kind="budget", evidence=quote,
                budget={"raw": "€1.093.481", "value": 1093481, "unit": "€", "document": DOC})
    not_quoted = _q(id="x3", kind="budget", evidence=[{"document": DOC, "quote": "De doorlooptijd is 4,8 maanden."}],
                    budget={"raw": "€1.093.480", "value": 1093480, "unit": "€", "document": DOC})
    problems = check_quotes([ok, absent, not_quoted], {DOC: TEXT})
    assert problems == [
        "x2: bedrag '€1.093.481' komt niet voor in doc-a.",
        "x3: bedrag '€1.093.480' staat in geen van de citaten.",
    ]
