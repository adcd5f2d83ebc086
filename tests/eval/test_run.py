"""The evaluation runner, report, LangChain baseline and CLI on tiny hand-made inputs.

The answer functions here are stand-ins for the system under evaluation (plain functions
returning crafted answer JSON); the unit under test is the runner that scores them.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from corpus.models import Document, DocumentMeta
from eval import run as runner
from eval.baseline import LangChainBaseline, corpus_fingerprint, embed_chunks, split_documents
from eval.bench import percentile
from eval.gold import parse_question
from tests.fakes import FakeEmbedder

DOCS = {
    "deventer": "Deventer zet in op schuldhulp. Het budget voor de Bijstand is vastgesteld. "
    "Armoedebeleid | 1.250 | 1.300 |",
    "enschede": "Enschede ondersteunt mantelzorgers met een waardering. Minima krijgen een toeslag.",
}


def q(obj: dict):
    return parse_question({"language": "nl", **obj}, 1)


PASSAGE_Q = q({"id": "p1", "kind": "passage", "question": "Wat doet Deventer aan schulden?", "municipality": "Deventer",
               "paraphrased": True, "evidence": [{"document": "deventer", "quote": "Deventer zet in op schuldhulp"}],
               "answer_contains": ["schuldhulp"]})
BUDGET_Q = q({"id": "b1", "kind": "budget", "question": "Wat zijn de lasten voor armoedebeleid?", "municipality": "Deventer",
              "evidence": [{"document": "deventer", "quote": "Armoedebeleid | 1.250 | 1.300"}],
              "budget": {"raw": "1.250", "value": 1250000, "unit": "x € 1.000", "document": "deventer",
                         "row": "Armoedebeleid", "column": "2023"}})
CROSS_Q = q({"id": "c1", "kind": "cross", "question": "Wat doen de gemeenten voor mantelzorgers en schulden?",
             "expected_municipalities": ["Deventer", "Enschede"],
             "evidence": [{"document": "deventer", "quote": "Deventer zet in op schuldhulp", "municipality": "Deventer"},
                          {"document": "enschede", "quote": "ondersteunt mantelzorgers", "municipality": "Enschede"}]})
UNANSWERABLE_Q = q({"id": "u1", "kind": "unanswerable", "question": "Wat kost de brandweer in Zwolle?"})
FOLLOWUP_Q = q({"id": "f1", "kind": "followup", "question": "En in Enschede?", "history": ["Wat doet Deventer voor mantelzorgers?"],
                "evidence": [{"document": "enschede", "quote": "ondersteunt mantelzorgers"}]})


def passage(text: str, document: str = "deventer", municipality: str = "Deventer") -> dict:
    return {"text": text, "document": document, "municipality": municipality}


DEV_HIT = passage("Deventer zet in op schuldhulp. Het budget voor de Bijstand is vastgesteld.")
DEV_TABLE = passage("Armoedebeleid | 1.250 | 1.300 |")
ENS_HIT = passage("Enschede ondersteunt mantelzorgers met een waardering.", "enschede", "Enschede")
NOISE = passage("Iets heel anders over sport en cultuur.", "enschede", "Enschede")


def answers(table: dict):
    """A stand-in system: question text -> crafted answer JSON."""
    def answer_fn(question, history):
        value = table[question]
        if isinstance(value, Exception):
            raise value
        return value
    return answer_fn


def by_id(results):
    return {r.id: r for r in results}


def test_retrieval_metrics_follow_the_rank_of_the_first_evidence_passage():
    fn = answers({PASSAGE_Q.question: {"answer": "Deventer zet in op schuldhulp [1].", "abstained": False,
                                       "passages": [NOISE, NOISE, DEV_HIT], "citations": [DEV_HIT]}})
    r = runner.evaluate(fn, [PASSAGE_Q], DOCS)[0]
    assert (r.metrics["recall@1"], r.metrics["recall@5"], r.metrics["recall@10"]) == (0.0, 1.0, 1.0)
    assert r.metrics["mrr@10"] == pytest.approx(1 / 3)
    assert r.metrics["ndcg@10"] == pytest.approx(0.5)  # 1/log2(4) over ideal 1
    assert r.metrics["citation_precision"] == 1.0
    assert r.metrics["answer_contains_fact"] is True
    assert r.failures == ()


def test_passage_longer_than_the_limit_does_not_count():
    huge = passage("Deventer zet in op schuldhulp. " + "x" * 1200)
    fn = answers({PASSAGE_Q.question: {"answer": "", "abstained": False, "passages": [huge], "citations": [huge]}})
    r = runner.evaluate(fn, [PASSAGE_Q], DOCS)[0]
    assert r.metrics["recall@10"] == 0.0 and r.metrics["citation_precision"] == 0.0
    assert "evidence not in top 5" in r.failures


def test_cross_question_counts_only_when_every_municipality_is_found():
    partial = {"answer": "x", "abstained": False, "passages": [DEV_HIT, NOISE], "citations": []}
    complete = {"answer": "x", "abstained": False, "passages": [DEV_HIT, NOISE, ENS_HIT], "citations": []}
    r_partial = runner.evaluate(answers({CROSS_Q.question: partial}), [CROSS_Q], DOCS)[0]
    r_complete = runner.evaluate(answers({CROSS_Q.question: complete}), [CROSS_Q], DOCS)[0]
    assert r_partial.metrics["recall@10"] == 0.0 and r_partial.metrics["mrr@10"] == 0.0
    assert r_partial.metrics["ndcg@10"] == 0.0
    # Covered at rank 3, not at rank 1 where only Deventer is in.
    assert r_complete.metrics["recall@1"] == 0.0 and r_complete.metrics["recall@5"] == 1.0
    assert r_complete.metrics["mrr@10"] == pytest.approx(1 / 3)


def fact(raw: str, value: float, row: str = "Armoedebeleid", column: str = "2023") -> dict:
    return {"raw": raw, "value": value, "row": row, "column": column, "document": "deventer", "unit": "x € 1.000"}


@pytest.mark.parametrize(
    ("budget", "calculation", "abstained", "expected"),
    [
        ([fact("1.250", 1250000.0)], None, False, True),
        ([fact("1.300", 1300000.0, column="2024")], None, False, False),  # wrong cell
        ([fact("1.300", 1300000.0), fact("1.250", 1250000.0)], None, False, False),  # only the first fact counts
        ([], None, False, False),  # no figure at all
        ([fact("1.250", 1250000.0)], None, True, False),  # abstained
        ([], {"result": 1250000.0, "expression": "a - b"}, False, True),  # no fact: calculation result
    ],
)
def test_budget_exactness_uses_the_first_fact(budget, calculation, abstained, expected):
    ans = {"answer": "Het is 1.250.", "abstained": abstained, "passages": [DEV_TABLE], "citations": [DEV_TABLE],
           "budget": budget, "calculation": calculation}
    r = runner.evaluate(answers({BUDGET_Q.question: ans}), [BUDGET_Q], DOCS)[0]
    assert r.metrics["budget_exact"] is expected
    assert ("wrong or missing budget figure" in r.failures) is (not expected)


def test_calculation_question_is_judged_on_the_calculation_result():
    calc_q = q({"id": "b2", "kind": "budget", "question": "Hoeveel stijgt armoedebeleid?",
                "evidence": [{"document": "deventer", "quote": "Armoedebeleid | 1.250 | 1.300"}],
                "budget": {"value": 50000, "unit": "x € 1.000", "document": "deventer", "calculation": True,
                           "operands_raw": ["1.250", "1.300"]}})
    ans = {"answer": "50", "abstained": False, "passages": [DEV_TABLE], "citations": [DEV_TABLE],
           "budget": [fact("1.250", 1250000.0), fact("1.300", 1300000.0)],
           "calculation": {"result": 50000.0, "expression": "1.300 − 1.250 = 50"}}
    r = runner.evaluate(answers({calc_q.question: ans}), [calc_q], DOCS)[0]
    assert r.metrics["budget_exact"] is True


def test_abstention_rates_and_followups_aggregate():
    table = {
        PASSAGE_Q.question: {"answer": "", "abstained": True, "passages": [DEV_HIT], "citations": []},
        UNANSWERABLE_Q.question: {"answer": "Niet gevonden.", "abstained": True, "passages": [NOISE]},
        FOLLOWUP_Q.question: {"answer": "Mantelzorgers [1]", "abstained": False, "passages": [NOISE, ENS_HIT],
                              "citations": [ENS_HIT]},
    }
    second_unanswerable = q({"id": "u2", "kind": "unanswerable", "question": "Hoeveel kost de haven van Utrecht?"})
    table[second_unanswerable.question] = {"answer": "Iets", "abstained": False, "passages": [NOISE]}
    results = runner.evaluate(answers(table), [PASSAGE_Q, UNANSWERABLE_Q, second_unanswerable, FOLLOWUP_Q], DOCS)
    overall = runner.m.summarise(results)["overall"]
    assert overall["abstained_unanswerable"] == 0.5
    assert overall["false_abstention"] == 0.5  # one of the two answerable questions declined
    assert overall["followup_success"] == 1.0
    assert overall["recall@5"] == 1.0  # abstaining does not hide what was retrieved
    got = by_id(results)
    assert "abstained on an answerable question" in got["p1"].failures
    assert got["p1"].metrics["answer_contains_fact"] is False
    assert got["u2"].failures == ("answered an unanswerable question",)
    assert got["u1"].failures == ()
    assert "recall@5" not in got["u1"].metrics


def test_followup_fails_when_evidence_is_missing_or_abstained():
    for ans in (
        {"answer": "", "abstained": True, "passages": [ENS_HIT]},
        {"answer": "x", "abstained": False, "passages": [NOISE] * 5 + [ENS_HIT]},  # rank 6: outside top 5
    ):
        r = runner.evaluate(answers({FOLLOWUP_Q.question: ans}), [FOLLOWUP_Q], DOCS)[0]
        assert r.metrics["followup_success"] is False
        assert "follow-up not resolved" in r.failures


def test_a_crashing_or_empty_system_scores_zero_and_the_run_goes_on():
    fn = answers({PASSAGE_Q.question: RuntimeError("kapot"), UNANSWERABLE_Q.question: {}})
    results = runner.evaluate(fn, [PASSAGE_Q, UNANSWERABLE_Q], DOCS)
    got = by_id(results)
    assert got["p1"].metrics["recall@10"] == 0.0 and "error" in got["p1"].failures
    assert got["p1"].detail["error"] == "RuntimeError: kapot"
    assert got["u1"].metrics["abstained_unanswerable"] is False


def test_history_reaches_the_system():
    seen = []

    def fn(question, history):
        seen.append((question, list(history)))
        return {"passages": []}

    runner.evaluate(fn, [FOLLOWUP_Q], DOCS)
    assert seen == [("En in Enschede?", ["Wat doet Deventer voor mantelzorgers?"])]


def test_stale_gold_quotes_are_flagged():
    stale = q({"id": "s1", "kind": "passage", "question": "Vraag?",
               "evidence": [{"document": "deventer", "quote": "deze zin staat nergens in"}]})
    r = runner.evaluate(answers({"Vraag?": {"passages": []}}), [stale], DOCS)[0]
    assert r.detail["gold_problems"] and r.detail["gold_problems"][0].startswith("s1:")


def test_report_lists_wrong_cell_answers_with_what_came_back():
    wrong = {"answer": "1.300", "abstained": False, "passages": [NOISE, DEV_TABLE, DEV_HIT], "citations": [DEV_TABLE],
             "budget": [fact("1.300", 1300000.0, column="2024")]}
    good = {"answer": "Deventer zet in op schuldhulp [1]", "abstained": False, "passages": [DEV_HIT], "citations": [DEV_HIT]}
    results = runner.evaluate(answers({BUDGET_Q.question: wrong, PASSAGE_Q.question: good}), [BUDGET_Q, PASSAGE_Q], DOCS)
    data, md = runner.report(results, {"embedding_model": "fake", "corpus_fingerprint": "abc"})
    assert [f["id"] for f in data["failures"]] == ["b1"]
    failure = data["failures"][0]
    assert failure["budget_returned"]["raw"] == "1.300" and failure["budget_returned"]["column"] == "2024"
    assert failure["budget_expected"]["raw"] == "1.250"
    assert len(failure["top"]) == 3 and failure["top"][0]["snippet"].startswith("Iets heel anders")
    assert "raw `1.300`" in md and "raw `1.250`" in md and "expected quote" in md
    assert "**corpus_fingerprint**: abc" in md
    assert data["summary"]["by_phrasing"]["paraphrased"]["n"] == 1
    json.dumps(data)  # the report must be JSON-serialisable


# ------------------------------------------------------------------------------ baseline
def make_doc(doc_id: str, text: str, municipality: str = "Deventer") -> Document:
    return Document(doc_id, f"{doc_id}.txt", text, DocumentMeta(title=doc_id.title(), municipality=municipality), "fp")


LONG_TEXT = "\n\n".join(
    f"Paragraaf {i}. " + " ".join(f"woord{i}x{j}" for j in range(40 + i * 7)) for i in range(12)
) + "\n\nSlot: Deventer investeert in schuldhulpverlening en vroegsignalering."


def test_baseline_splitter_chunks_are_exact_slices_of_at_most_1000_chars():
    doc = make_doc("dev", LONG_TEXT)
    chunks = split_documents([doc])
    assert len(chunks) > 3
    for c in chunks:
        assert len(c.text) <= 1000
        assert doc.text[c.start:c.end] == c.text
    # Every non-space character of the document is in some chunk.
    covered = set()
    for c in chunks:
        covered.update(range(c.start, c.end))
    assert all(i in covered for i, ch in enumerate(doc.text) if not ch.isspace())


def test_baseline_ranks_by_the_embedder_and_returns_the_answer_shape(tmp_path):
    docs = [make_doc("dev", LONG_TEXT), make_doc("ens", "Enschede waardeert mantelzorgers met een bon.", "Enschede")]
    embedder = FakeEmbedder()
    baseline = LangChainBaseline.build(docs, embedder, tmp_path)
    out = baseline.answer("Enschede waardeert mantelzorgers", history=["iets eerders"])
    assert out["passages"][0]["document"] == "ens" and out["passages"][0]["municipality"] == "Enschede"
    assert out["answer"] == out["passages"][0]["text"] and out["abstained"] is False
    assert [p["rank"] for p in out["passages"]] == list(range(1, len(out["passages"]) + 1))
    assert len(out["passages"]) == min(10, len(baseline.chunks))
    assert out["budget"] == [] and out["citations"][0]["n"] == 1


def test_baseline_vectors_are_cached_per_corpus(tmp_path):
    docs = [make_doc("dev", LONG_TEXT)]
    chunks = split_documents(docs)
    fp = corpus_fingerprint({d.id: d.text for d in docs})
    first = FakeEmbedder()
    v1 = embed_chunks(chunks, first, tmp_path, fp)
    second = FakeEmbedder()
    v2 = embed_chunks(chunks, second, tmp_path, fp)
    assert first.passages_embedded == len(chunks) and second.passages_embedded == 0
    np.testing.assert_array_equal(v1, v2)
    # Another corpus text -> another fingerprint -> embedded again.
    third = FakeEmbedder()
    embed_chunks(chunks, third, tmp_path, corpus_fingerprint({"dev": LONG_TEXT + " extra"}))
    assert third.passages_embedded == len(chunks)


def test_corpus_fingerprint_depends_on_text_not_order():
    a = corpus_fingerprint({"x": "een", "y": "twee"})
    assert a == corpus_fingerprint({"y": "twee", "x": "een"})
    assert a != corpus_fingerprint({"x": "een", "y": "twee."})


@pytest.mark.parametrize(("values", "q_", "expected"), [([5.0], 95, 5.0), ([1, 2, 3, 4], 50, 2.5), ([1, 2, 3, 4, 5], 100, 5)])
def test_percentile(values, q_, expected):
    assert percentile(values, q_) == pytest.approx(expected)


def test_percentile_of_nothing_is_an_error():
    with pytest.raises(ValueError, match="Geen metingen"):
        percentile([], 50)


# ------------------------------------------------------------------------------ CLI
@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--questions", "/nonexistent/q.jsonl"], "bestaat niet"),
        (["--limit", "0"], "--limit moet minstens 1"),
    ],
)
def test_cli_rejects_bad_input_with_a_dutch_message(argv, message, capsys, tmp_path):
    from eval.__main__ import main

    assert main([*argv, "--out", str(tmp_path)]) == 2
    assert message in capsys.readouterr().err


def test_cli_rejects_a_missing_corpus_folder(tmp_path, capsys):
    from eval.__main__ import main

    gold = tmp_path / "q.jsonl"
    gold.write_text(json.dumps({"id": "u", "kind": "unanswerable", "question": "Vraag?"}) + "\n", encoding="utf-8")
    assert main(["--questions", str(gold), "--corpus", str(tmp_path / "nope"), "--out", str(tmp_path)]) == 2
    assert "bestaat niet" in capsys.readouterr().err


@pytest.mark.parametrize("argv_style", ["subcommand", "option"])
def test_cli_exports_thumbs_down_feedback_as_gold_candidates(argv_style, tmp_path, monkeypatch):
    from assistant.feedback import THUMBS_DOWN, THUMBS_UP, FeedbackStore
    from assistant.settings import Settings
    from eval.__main__ import main

    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    store = FeedbackStore(Settings.from_env().feedback_db)
    store.add("Wat kost de Wmo?", "Wat kost de Wmo?", "Onzin", "[]", THUMBS_DOWN, "fout bedrag")
    store.add("Wat doet Enschede?", "Wat doet Enschede?", "Goed", "[]", THUMBS_UP)
    out = tmp_path / "candidates.jsonl"
    argv = ["export-feedback", str(out)] if argv_style == "subcommand" else ["--export-feedback", str(out)]
    assert main(argv) == 0
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert [line["question"] for line in lines] == ["Wat kost de Wmo?"]


def test_compare_table_shows_answer_metrics_only_for_full_configurations():
    from eval.__main__ import compare_markdown

    good = {"answer": "Deventer zet in op schuldhulp", "abstained": False, "passages": [DEV_HIT], "citations": [DEV_HIT]}
    bad = {"answer": "", "abstained": True, "passages": [NOISE], "citations": []}
    rows = []
    for name, ans, full in (("full", good, True), ("baseline", bad, False)):
        res = runner.evaluate(answers({PASSAGE_Q.question: ans}), [PASSAGE_Q], DOCS)
        rows.append({"name": name, "full": full, "summary": runner.m.summarise(res)})
    table = compare_markdown(rows).splitlines()
    full_row = next(line for line in table if line.startswith("| full "))
    base_row = next(line for line in table if line.startswith("| baseline "))
    cells = [c.strip() for c in full_row.strip("|").split("|")]
    # 5 retrieval metrics overall, 5 on the paraphrased subset, then 4 answer metrics.
    assert cells[1:11] == ["1.000"] * 10 and cells[12] == "0.000"
    base_cells = [c.strip() for c in base_row.strip("|").split("|")]
    assert base_cells[1:11] == ["0.000"] * 10 and base_cells[11:] == ["–"] * 4


# ------------------------------------------------------------------------------ end to end
GOLD = Path(__file__).resolve().parents[2] / "eval" / "gold.jsonl"


@pytest.mark.slow
def test_suite_end_to_end_on_a_few_gold_questions(real_assistant, tmp_path):
    from assistant.contract import answer_json
    from eval.gold import load_gold

    if not GOLD.is_file():
        pytest.skip("eval/gold.jsonl is er nog niet")
    gold = load_gold(GOLD)
    picked, kinds = [], set()
    for g in gold:  # one question of every kind present
        if g.kind not in kinds:
            kinds.add(g.kind)
            picked.append(g)
    docs = {d.id: real_assistant.document(d.id).text for d in real_assistant.documents()}
    results = runner.evaluate(lambda qq, h: answer_json(real_assistant.ask(qq, history=h)), picked, docs)
    assert [r.id for r in results] == [g.id for g in picked]
    assert not any("gold_problems" in r.detail for r in results)
    assert not any("error" in r.failures for r in results)
    data, md = runner.report(results, {"embedding_model": real_assistant.settings.embedding_model})
    assert data["summary"]["overall"]["n"] == len(picked)
    # The full system must find the evidence of the passage question it was built for.
    passage_ids = [r.id for r in results if r.kind == "passage"]
    if passage_ids:
        assert by_id(results)[passage_ids[0]].metrics["recall@10"] == 1.0
    assert "## Overall" in md


@pytest.mark.slow
def test_cli_writes_a_report_on_a_custom_corpus(real_settings, tmp_path, capsys, monkeypatch):
    from eval.__main__ import main

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(next(Path(real_settings.corpus_dir).glob("deventer*.txt")), corpus)
    text = next(corpus.iterdir()).read_text(encoding="utf-8")
    quote = " ".join(text.split()[20:32])
    gold = tmp_path / "q.jsonl"
    # The document id is whatever the corpus store makes of the file name.
    from corpus.store import load_corpus

    (doc,) = load_corpus(corpus).documents
    doc_id = doc.id
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    gold.write_text(
        json.dumps({"id": "x1", "kind": "passage", "question": quote, "evidence": [{"document": doc_id, "quote": quote}]})
        + "\n" + json.dumps({"id": "x2", "kind": "unanswerable", "question": "Wat kost de haven van Rotterdam?"}) + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "results"
    assert main(["--questions", str(gold), "--corpus", str(corpus), "--out", str(out)]) == 0
    assert (out / "latest.md").is_file()
    (run_dir,) = [p for p in out.iterdir() if p.is_dir() and p.name != "cache"]
    report = json.loads((run_dir / "report.json").read_text(encoding="utf-8"))
    assert report["settings"]["documents"] == 1
    assert report["settings"]["corpus_fingerprint"] == corpus_fingerprint({doc_id: doc.text})
    assert report["main"]["summary"]["overall"]["n"] == 2
    # The custom corpus's index lives in the results cache, not in the default index folder.
    assert any(p.name.startswith("index-") for p in (out / "cache").iterdir())
