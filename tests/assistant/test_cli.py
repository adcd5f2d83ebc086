"""The command line, run in-process (`main([...])`), on tiny throwaway corpora and (slow) on
the real seed corpus with the real model.

User errors must be one Dutch line on stderr with a non-zero exit, and must leave the corpus
folder and the index byte-for-byte as they were.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.cli import main
from tests.fakes import FakeEmbedder

PROJECT_DIR = Path(__file__).resolve().parents[2]

SMALL_DOC = (
    "Programmabegroting 2024 gemeente Zwolle\n"
    "Schuldhulpverlening\n"
    "De gemeente Zwolle helpt inwoners met schulden via de Stadsbank. "
    "Wie zich meldt, krijgt binnen drie werkdagen een gesprek.\n"
)


@pytest.fixture(autouse=True)
def _no_assistant_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings come from the flags the tests pass, not from the developer's environment."""
    import os

    for key in list(os.environ):
        if key.startswith("ASSISTANT_"):
            monkeypatch.delenv(key)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the CLI in-process; returns (exit code, stdout, stderr)."""
    capsys.readouterr()
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse errors and --help
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def snapshot(*dirs: Path) -> dict[str, bytes | None]:
    """Every file (hidden ones too) and folder under dirs: path -> bytes (None for a folder)."""
    state: dict[str, bytes | None] = {}
    for root in dirs:
        if not root.exists():
            state[str(root)] = b"<absent>"
            continue
        for path in sorted(root.rglob("*")):
            state[str(path)] = None if path.is_dir() else path.read_bytes()
    return state


def assert_one_dutch_error(code: int, out: str, err: str, pattern: str) -> None:
    assert code != 0
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("Fout: ")
    assert "Traceback" not in err and "Error" not in err
    assert re.search(pattern, lines[0]), lines[0]


@pytest.fixture
def tiny(tmp_path: Path) -> dict[str, Path]:
    """A one-document corpus with an index built by the fake embedder (no model needed)."""
    from assistant.service import Assistant
    from assistant.settings import Settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "zwolle-begroting-2024.txt").write_text(SMALL_DOC, encoding="utf-8")
    index = tmp_path / "index"
    Assistant.load(Settings(corpus_dir=corpus, index_dir=index, data_dir=tmp_path / "data"), embedder=FakeEmbedder())
    assert any(index.iterdir())
    return {"root": tmp_path, "corpus": corpus, "index": index, "uploads": tmp_path / "uploads"}


def _flags(t: dict[str, Path]) -> list[str]:
    return ["--corpus", str(t["corpus"]), "--index-dir", str(t["index"]), "--quiet"]


# ------------------------------------------------------------------ add: refusals
def _missing(d: Path) -> Path:
    return d / "bestaat-niet.txt"


def _xlsx(d: Path) -> Path:
    p = d / "begroting.xlsx"
    p.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    return p


def _empty(d: Path) -> Path:
    p = d / "leeg.txt"
    p.write_bytes(b"")
    return p


def _whitespace(d: Path) -> Path:
    p = d / "wit.md"
    p.write_text("  \n\t\n   \n", encoding="utf-8")
    return p


def _binary(d: Path) -> Path:
    p = d / "rommel.txt"
    p.write_bytes(bytes(range(256)) * 64)
    return p


def _control_garbage(d: Path) -> Path:
    # No NUL byte and valid UTF-8, but full of control characters: not text.
    p = d / "stuur.txt"
    p.write_bytes(("\x01\x02\x03\x04\x05\x06abc" * 500).encode("utf-8"))
    return p


def _fifty_mb(d: Path) -> Path:
    p = d / "groot.txt"
    with open(p, "wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: instant, yet 50 MB as far as stat knows
    return p


def _directory(d: Path) -> Path:
    p = d / "map.txt"
    p.mkdir()
    return p


def _broken_pdf(d: Path) -> Path:
    p = d / "kapot.pdf"
    p.write_bytes(b"%PDF-1.4\n dit is geen echte pdf \n%%EOF")
    return p


@pytest.mark.parametrize(
    ("make", "pattern"),
    [
        (_missing, r"bestaat-niet\.txt bestaat niet"),
        (_xlsx, r"\.xlsx .*niet ondersteund"),
        (_empty, r"leeg\.txt is leeg"),
        (_whitespace, r"wit\.md bevat alleen witruimte"),
        (_binary, r"rommel\.txt .*(binair|tekencodering)"),
        (_control_garbage, r"stuur\.txt .*binair"),
        (_fifty_mb, r"groot\.txt is 50 MB .*limiet van 20 MB"),
        (_directory, r"map\.txt is geen bestand"),
        (_broken_pdf, r"kapot\.pdf .*(beschadigd|geen geldige pdf)"),
    ],
    ids=["missing", "xlsx", "empty", "whitespace", "binary", "control-chars", "50mb", "directory", "broken-pdf"],
)
def test_add_refuses_bad_file_with_one_dutch_line_and_changes_nothing(
    tiny: dict[str, Path], capsys: pytest.CaptureFixture[str], make, pattern: str
) -> None:
    tiny["uploads"].mkdir()
    path = make(tiny["uploads"])
    before = snapshot(tiny["corpus"], tiny["index"])
    code, out, err = run(capsys, "add", str(path), *_flags(tiny))
    assert_one_dutch_error(code, out, err, pattern)
    assert snapshot(tiny["corpus"], tiny["index"]) == before


def test_add_refuses_whole_upload_when_one_file_is_bad(tiny: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    tiny["uploads"].mkdir()
    good = tiny["uploads"] / "goed.txt"
    good.write_text("Programmabegroting 2023 gemeente Deventer over armoede en schulden.", encoding="utf-8")
    bad = _empty(tiny["uploads"])
    before = snapshot(tiny["corpus"], tiny["index"])
    code, out, err = run(capsys, "add", str(good), str(bad), *_flags(tiny))
    assert_one_dutch_error(code, out, err, r"niets toegevoegd.*leeg\.txt is leeg")
    assert snapshot(tiny["corpus"], tiny["index"]) == before


@pytest.mark.parametrize(
    ("flags", "pattern"),
    [
        (["--municipality", "Atlantis"], r"Gemeente 'Atlantis' is onbekend"),
        (["--year", "1200"], r"Jaar 1200 valt buiten"),
        (["--type", "roman"], r"Documenttype 'roman' is onbekend"),
    ],
)
def test_add_refuses_bad_metadata_before_anything_changes(
    tiny: dict[str, Path], capsys: pytest.CaptureFixture[str], flags: list[str], pattern: str
) -> None:
    tiny["uploads"].mkdir()
    good = tiny["uploads"] / "goed.txt"
    good.write_text("Programmabegroting 2023 over armoede en schulden.", encoding="utf-8")
    before = snapshot(tiny["corpus"], tiny["index"])
    code, out, err = run(capsys, "add", str(good), *flags, *_flags(tiny))
    assert_one_dutch_error(code, out, err, pattern)
    assert snapshot(tiny["corpus"], tiny["index"]) == before


@pytest.mark.parametrize(
    ("limit", "pattern"),
    [("1", r"zwolle\.txt is 2 MB .*limiet van 1 MB"), ("veel", r"ASSISTANT_MAX_FILE_MB='veel' is geen geldige waarde"),
     ("0", r"max_file_mb moet een positief geheel getal zijn")],
)
def test_add_honours_the_file_size_setting_from_the_environment(
    tiny: dict[str, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, limit: str, pattern: str
) -> None:
    tiny["uploads"].mkdir()
    path = tiny["uploads"] / "zwolle.txt"
    path.write_bytes(b"Begroting Zwolle 2024. " * (2 * 1024 * 1024 // 23 + 1))  # just over 2 MB of real text
    monkeypatch.setenv("ASSISTANT_MAX_FILE_MB", limit)
    before = snapshot(tiny["corpus"], tiny["index"])
    code, out, err = run(capsys, "add", str(path), *_flags(tiny))
    assert_one_dutch_error(code, out, err, pattern)
    assert snapshot(tiny["corpus"], tiny["index"]) == before


def test_add_refuses_more_files_than_the_upload_limit(
    tiny: dict[str, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    tiny["uploads"].mkdir()
    paths = []
    for n in range(3):
        paths.append(tiny["uploads"] / f"doc{n}.txt")
        paths[-1].write_text(f"Programmabegroting 2024 gemeente Zwolle, hoofdstuk {n}.", encoding="utf-8")
    monkeypatch.setenv("ASSISTANT_MAX_FILES_PER_UPLOAD", "2")
    before = snapshot(tiny["corpus"], tiny["index"])
    code, out, err = run(capsys, "add", *map(str, paths), *_flags(tiny))
    assert_one_dutch_error(code, out, err, r"maximaal 2 bestanden tegelijk .*er zijn er 3 opgegeven")
    assert snapshot(tiny["corpus"], tiny["index"]) == before


def test_remove_unknown_id_names_the_known_ones(tiny: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(tiny["corpus"], tiny["index"])
    code, out, err = run(capsys, "remove", "bestaat-niet", *_flags(tiny))
    assert_one_dutch_error(code, out, err, r"'bestaat-niet' bestaat niet; bekende documenten: zwolle-begroting-2024")
    assert snapshot(tiny["corpus"], tiny["index"]) == before


@pytest.mark.slow
def test_add_odd_file_name_is_accepted_under_a_safe_name_then_removed(
    tiny: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """Spaces, quotes, unicode and a Windows-style '..\\..\\' in the name: valid, stored sanitised
    inside the corpus folder, nothing written anywhere else; `remove` takes it out again."""
    tiny["uploads"].mkdir()
    odd = "..\\..\\Begroting 'Zwolle' \"défi\" ✓ 2024.txt"
    source = tiny["uploads"] / odd
    data = "Kadernota 2024 gemeente Zwolle\nWe investeren in de opvang van dak- en thuislozen.\n".encode("utf-8")
    source.write_bytes(data)

    def visible() -> set[str]:  # the hidden writer-lock file is not a document
        return {p.name for p in tiny["corpus"].iterdir() if not p.name.startswith(".")}

    before_files = visible()
    outside_before = {p for p in tiny["root"].rglob("*") if tiny["corpus"] not in p.parents and tiny["index"] not in p.parents}
    # The path itself also walks through "../".
    code, out, err = run(capsys, "add", str(tiny["uploads"] / ".." / "uploads" / odd), *_flags(tiny))
    assert code == 0, err
    new = visible() - before_files - {"manifest.json"}
    assert len(new) == 1
    name = new.pop()
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]*\.txt", name), name
    assert (tiny["corpus"] / name).read_bytes() == data
    outside_after = {p for p in tiny["root"].rglob("*") if tiny["corpus"] not in p.parents and tiny["index"] not in p.parents}
    assert outside_after == outside_before
    doc_id = Path(name).stem
    assert f"Toegevoegd: {doc_id}" in out

    def listed() -> list[str]:
        code, out, err = run(capsys, "documents", *_flags(tiny))
        assert code == 0, err
        return next(line.split() for line in out.splitlines() if line.startswith(doc_id + " "))

    assert listed()[1:3] == ["Zwolle", "2024"]  # detected from the text
    # Adding the same file again with flags corrects the detected metadata.
    code, out, err = run(capsys, "add", str(source), "--municipality", "deventer", "--year", "2023", *_flags(tiny))
    assert code == 0, err
    assert f"Bijgewerkt: {doc_id}" in out
    assert listed()[1:3] == ["Deventer", "2023"]
    assert (tiny["corpus"] / name).read_bytes() == data

    code, out, err = run(capsys, "remove", doc_id, *_flags(tiny))
    assert code == 0, err
    assert f"Verwijderd: {doc_id}" in out
    assert visible() - {"manifest.json"} == before_files - {"manifest.json"}


# ------------------------------------------------------------------ batch and argument refusals
@pytest.mark.parametrize(
    ("content", "pattern"),
    [
        ("niet json\n", r"Regel 1 .*geen geldige JSON"),
        ("[1, 2]\n", r"Regel 1 .*geen JSON-object"),
        ('{"id": 1}\n', r"Regel 1 .*\"question\""),
        ('{"question": "   "}\n', r"Regel 1 .*\"question\""),
        ('{"question": 5}\n', r"Regel 1 .*\"question\""),
        ('\n\n{"question": "En in 2024?", "history": "Wat doet Zwolle?"}\n', r"Regel 3 .*\"history\""),
        ('{"question": "En in 2024?", "history": [1, 2]}\n', r"Regel 1 .*\"history\""),
        ("[" * 100_000 + "\n", r"Regel 1 .*geen geldige JSON"),
        ("\n  \n", r"bevat geen vragen"),
        (b"\xff\xfe\x00\x81 garbage", r"geen UTF-8"),
    ],
    ids=["not-json", "not-object", "no-question", "blank-question", "number-question", "history-string",
         "history-numbers", "deep-nesting", "empty", "not-utf8"],
)
def test_batch_refuses_malformed_file_before_loading_anything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | bytes, pattern: str
) -> None:
    """A file without a single answerable line is refused whole; a file with some is answered
    line by line (tests/assistant/test_reliability.py)."""
    questions = tmp_path / "vragen.jsonl"
    questions.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "doc.txt").write_text(SMALL_DOC, encoding="utf-8")
    code, out, err = run(capsys, "batch", str(questions), "--corpus", str(corpus), "--index-dir", str(index))
    assert_one_dutch_error(code, out, err, pattern)
    assert code == 1
    assert not index.exists()  # refused before any index was built


def test_batch_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "batch", str(tmp_path / "geen.jsonl"), "--corpus", str(tmp_path))
    assert_one_dutch_error(code, out, err, r"Vragenbestand .*geen\.jsonl bestaat niet")


@pytest.mark.parametrize(
    ("argv", "pattern"),
    [
        ([], r"ontbrekend argument: opdracht"),
        (["vraag"], r"onbekende keuze 'vraag'"),
        (["ask"], r"ontbrekend argument: question"),
        (["ask", "Wat?", "--year", "twintig"], r"--year verwacht een geheel getal, niet 'twintig'"),
        (["documents", "--onzin"], r"onbekende argumenten: --onzin"),
    ],
)
def test_argument_errors_are_one_dutch_line(capsys: pytest.CaptureFixture[str], argv: list[str], pattern: str) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert_one_dutch_error(code, out, err, pattern)


@pytest.mark.parametrize(("argv", "pattern"), [(["ask", "   "], r"vraag is leeg"), (["figures", ""], r"zoekvraag is leeg")])
def test_empty_question_refused_before_loading(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], pattern: str
) -> None:
    code, out, err = run(capsys, *argv, "--corpus", str(tmp_path), "--index-dir", str(tmp_path / "index"))
    assert_one_dutch_error(code, out, err, pattern)
    assert not (tmp_path / "index").exists()


def test_python_m_assistant_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "--help"], cwd=PROJECT_DIR, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    for verb in ("index", "add", "remove", "documents", "ask", "chat", "batch", "figures"):
        assert re.search(rf"^\s+{verb}\b", result.stdout, re.M), verb


def test_cli_import_loads_nothing_heavy() -> None:
    code = (
        "import sys, assistant.cli, assistant.contract; "
        "print(sorted(m for m in ('torch', 'faiss', 'pandas', 'numpy', 'sentence_transformers', 'pdfplumber') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_DIR, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_contract_fact_fields_match_fact_json() -> None:
    from assistant.contract import FACT_FIELDS, fact_json
    from corpus.models import BudgetFact

    fact = BudgetFact(1000.0, 1.0, "1", "x € 1.000", "Lasten", "2024", "Exploitatie", "t1", "d1", "Zwolle", 2024, 0, 1)
    assert tuple(fact_json(fact)) == FACT_FIELDS


# ------------------------------------------------------------------ real corpus, real model
@pytest.fixture(scope="module")
def seeds(real_settings):
    """The seed documents as the corpus store reads them (the text all offsets refer to)."""
    from corpus.store import load_corpus

    return {d.id: d for d in load_corpus(real_settings.corpus_dir)}


def _real_flags(settings) -> list[str]:  # noqa: ANN001
    return ["--corpus", str(settings.corpus_dir), "--index-dir", str(settings.index_dir), "--model", settings.embedding_model, "--quiet"]


@pytest.mark.slow
def test_index_and_documents_on_the_seed_corpus(real_assistant, real_settings, seeds, capsys) -> None:  # noqa: ANN001
    from corpus.chunking import chunk_document
    from corpus.tables import find_tables

    chunks = {doc_id: len(chunk_document(d)) for doc_id, d in seeds.items()}
    tables = {doc_id: len(find_tables(doc_id, d.text)) for doc_id, d in seeds.items()}

    code, out, err = run(capsys, "index", *_real_flags(real_settings))
    assert code == 0, err
    m = re.search(r"Index klaar: (\d+) documenten, (\d+) fragmenten, (\d+) tabellen", out)
    assert m, out
    assert (int(m[1]), int(m[2]), int(m[3])) == (5, sum(chunks.values()), sum(tables.values()))

    code, out, err = run(capsys, "documents", *_real_flags(real_settings))
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split()[:6] == ["document", "gemeente", "jaar", "type", "fragmenten", "tabellen"]
    manifest = json.loads((real_settings.corpus_dir / "manifest.json").read_text(encoding="utf-8"))["documents"]
    assert len(lines) == 1 + len(manifest) == 6
    rows = {line.split()[0]: line.split() for line in lines[1:]}
    for entry in manifest:
        doc_id = Path(entry["file"]).stem
        row = rows[doc_id]
        assert row[1:6] == [entry["municipality"], str(entry["year"]), entry["doc_type"], str(chunks[doc_id]), str(tables[doc_id])]
        assert lines[1 + sorted(rows).index(doc_id)].rstrip().endswith(entry["title"])
    # The seeds README: Deventer has pipe tables, Utrecht a flattened finance table.
    assert int(rows["deventer-kwartaalrapportage-2023-q3-inkomensvoorziening"][5]) > 0
    assert int(rows["utrecht-voortgang-coronamiddelen-bestaanszekerheid-2022"][5]) > 0


PASSAGE_FIELDS = {"text": str, "document": str, "title": str, "section": str, "start": int, "end": int, "score": float}
BUDGET_FIELDS = {"raw": str, "unit": str, "row": str, "column": str, "table": str, "document": str}


def check_contract(item: dict, seeds: dict) -> None:  # noqa: ANN001
    """Every field of the batch contract present and typed right; offsets point into the text."""
    for key, kind in {"question": str, "resolved_question": str, "answer": str, "abstained": bool}.items():
        assert isinstance(item[key], kind), key
    assert "id" in item
    assert isinstance(item["passages"], list) and len(item["passages"]) <= 10
    assert isinstance(item["citations"], list) and isinstance(item["budget"], list)
    for p in item["passages"] + item["citations"]:
        for key, kind in PASSAGE_FIELDS.items():
            assert isinstance(p[key], kind), (key, p[key])
        assert p["municipality"] is None or isinstance(p["municipality"], str)
        assert p["year"] is None or isinstance(p["year"], int)
        doc = seeds[p["document"]]
        assert p["text"] == doc.text[p["start"] : p["end"]]
        assert p["municipality"] == doc.meta.municipality and p["year"] == doc.meta.year
        assert p["title"] == doc.meta.title
    for c in item["citations"]:
        assert isinstance(c["n"], int) and f"[{c['n']}]" in item["answer"]
        assert any((c["document"], c["start"], c["end"]) == (p["document"], p["start"], p["end"]) for p in item["passages"])
    for b in item["budget"]:
        for key, kind in BUDGET_FIELDS.items():
            assert isinstance(b[key], kind), (key, b[key])
        assert isinstance(b["value"], (int, float)) and not isinstance(b["value"], bool)
        assert b["municipality"] is None or isinstance(b["municipality"], str)
        assert b["year"] is None or isinstance(b["year"], int)
        assert seeds[b["document"]].text[b["start"] : b["end"]] == b["raw"]
    if item["abstained"]:
        assert item["citations"] == []


def deventer_cell(seeds: dict, row_label: str, year: str) -> str:  # noqa: ANN001
    """The printed cell of a Deventer specification row ('X | Lasten | v2023 | … |') for a year,
    read straight from the document text (header 'Onderwerp | 2023 | … |')."""
    text = seeds["deventer-kwartaalrapportage-2023-q3-inkomensvoorziening"].text
    lines = text.splitlines()
    i = next(n for n, line in enumerate(lines) if line.startswith(f"{row_label} | Lasten |"))
    header = next(lines[j] for j in range(i, -1, -1) if lines[j].startswith("Onderwerp |"))
    years = [c.strip() for c in header.split("|")[1:] if c.strip()]
    values = [c.strip() for c in lines[i].split("|")[2:]]
    return values[years.index(year)]


@pytest.mark.slow
def test_ask_json_has_the_contract_fields(real_assistant, real_settings, seeds, capsys) -> None:  # noqa: ANN001
    question = "Voor welke clusters worden haalbaarheidsonderzoeken opgeleverd?"
    code, out, err = run(capsys, "ask", question, "--json", "--municipality", "enschede", *_real_flags(real_settings))
    assert code == 0, err
    item = json.loads(out)
    check_contract(item, seeds)
    assert item["question"] == question
    assert not item["abstained"] and item["citations"]
    # The lower-case filter was matched to the corpus's own name and applied.
    assert item["filters"]["municipality"] == "Enschede"
    assert {p["municipality"] for p in item["passages"]} == {"Enschede"}


@pytest.mark.slow
def test_ask_with_a_municipality_outside_the_corpus_is_refused(real_assistant, real_settings, capsys) -> None:  # noqa: ANN001
    code, out, err = run(capsys, "ask", "Wat doet de gemeente aan schulden?", "--municipality", "Groningen", *_real_flags(real_settings))
    known = sorted(d.meta.municipality for d in real_assistant.documents())
    assert_one_dutch_error(code, out, err, r"geen documenten van gemeente 'Groningen'; kies uit: " + ", ".join(known))


@pytest.mark.slow
def test_batch_prints_one_contract_line_per_question(real_assistant, real_settings, seeds, tmp_path, capsys) -> None:  # noqa: ANN001
    first = "Wat kost het armoedebeleid in 2024 in Deventer?"
    questions = [
        {"id": "samen1", "question": "Wat is het doel van de actiecoalitie Samen1 Enschede?"},
        {"id": 2, "question": first},
        {"id": "vervolg", "question": "En in 2023?", "history": [first]},
    ]
    path = tmp_path / "vragen.jsonl"
    path.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in questions) + "\n", encoding="utf-8")
    code, out, err = run(capsys, "batch", str(path), *_real_flags(real_settings))
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 3
    items = [json.loads(line) for line in lines]
    assert [i["id"] for i in items] == ["samen1", 2, "vervolg"]
    for item, q in zip(items, questions):
        check_contract(item, seeds)
        assert item["question"] == q["question"]
    # The follow-up carried Deventer and the topic from its history and switched the year.
    follow = items[2]
    assert follow["resolved_question"] != follow["question"] and "2023" in follow["resolved_question"]
    assert follow["budget"], follow["answer"]
    top = follow["budget"][0]
    assert top["column"] == "2023" and top["municipality"] == "Deventer"
    assert top["raw"] == deventer_cell(seeds, "Armoedebeleid", "2023")
    assert items[1]["budget"] and items[1]["budget"][0]["document"] == "deventer-kwartaalrapportage-2023-q3-inkomensvoorziening"


@pytest.mark.slow
def test_figures_csv_has_a_header_and_document_cells(real_assistant, real_settings, seeds, capsys) -> None:  # noqa: ANN001
    from assistant.contract import FACT_FIELDS

    code, out, err = run(capsys, "figures", "integrale jongeren aanpak", "--csv", *_real_flags(real_settings))
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert tuple(out.splitlines()[0].split(",")) == FACT_FIELDS
    assert rows
    for row in rows:
        assert seeds[row["document"]].text[int(row["start"]) : int(row["end"])] == row["raw"]
    spec_row = [r for r in rows if r["row"] == "Integrale jongeren aanpak › Lasten"]
    assert {r["column"]: r["raw"] for r in spec_row} == {
        y: deventer_cell(seeds, "Integrale jongeren aanpak", y) for y in ("2023", "2024", "2025", "2026", "2027")
    }

    # Nothing found: still a header, so a tool can read the file.
    code, out, err = run(capsys, "figures", "qwertyuiop zzyzx", "--csv", *_real_flags(real_settings))
    assert code == 0, err
    assert out.splitlines() == [",".join(FACT_FIELDS)]


@pytest.mark.slow
def test_chat_keeps_the_conversation_until_nieuw(real_assistant, real_settings, capsys, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(
        "sys.stdin",
        io.StringIO("Hoe pakt Enschede eenzaamheid aan?\nEn in Amersfoort?\nnieuw\nEn in Amersfoort?\nstop\n"),
    )
    code, out, err = run(capsys, "chat", *_real_flags(real_settings))
    assert code == 0, err
    before, after = out.split("Nieuw gesprek gestart.")
    searched = re.findall(r"Gezocht op: (.*)$", before, re.M)
    # The follow-up inside the conversation was rewritten with the earlier topic ...
    assert len(searched) == 1 and "Amersfoort" in searched[0] and "eenzaamheid" in searched[0].lower()
    # ... and after 'nieuw' there is no earlier topic to carry.
    assert "Gezocht op" not in after and "geen antwoord" in after


def test_documents_lists_pages_figures_and_ocr_pages_of_a_pdf(tiny: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    from tests.assistant.test_service import _budget_pdf

    tiny["uploads"].mkdir()
    pdf = _budget_pdf(tiny["uploads"] / "Begroting Zwolle 2024.pdf")
    code, out, err = run(capsys, "add", str(pdf), *_flags(tiny))
    assert code == 0, err
    code, out, err = run(capsys, "documents", *_flags(tiny))
    assert code == 0, err
    header, *rows = out.splitlines()
    assert header.split()[4:9] == ["fragmenten", "tabellen", "pagina's", "bedragen", "OCR-pagina's"]
    row = next(r.split() for r in rows if r.startswith("begroting-zwolle-2024"))
    assert row[5:7] == ["1", "1"]  # one table, one page
    assert int(row[7]) >= 4 and row[8] == "-"  # its four cells at least; no page needed OCR
    text_row = next(r.split() for r in rows if r.startswith("zwolle-begroting-2024"))
    assert text_row[6] == "-"  # a text document has no pages


@pytest.mark.slow
def test_chat_answers_with_the_figure_picked_by_number(tmp_path: Path, capsys, monkeypatch) -> None:  # noqa: ANN001
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "kampen-programmabegroting-2025.md").write_text(
        "# Programmabegroting 2025 gemeente Kampen\n\n## Openbare ruimte\n\n"
        "Lasten beheer (bedragen x € 1.000)\n"
        "Onderdeel | Begroting 2025 |\n---|---|\n"
        "Onderhoud wegen | 800 |\nOnderhoud bruggen | 650 |\nOnderhoud gebouwen | 420 |\n",
        encoding="utf-8",
    )
    monkeypatch.setattr("sys.stdin", io.StringIO("Wat kost het onderhoud in 2025?\n9\n2\nstop\n"))
    code, out, err = run(capsys, "chat", "--corpus", str(corpus), "--index-dir", str(tmp_path / "index"), "--quiet")
    assert code == 0, err
    first, picked = out.split("Kies een nummer om met dat bedrag te antwoorden:")
    options = re.findall(r"^\s+(\d)\) (€ [\d.]+)", picked, re.M)
    assert len(options) >= 2 and options[0][0] == "1"  # the other figures that also fit
    answer = first.split("Vraag: ", 1)[1]
    assert all(not answer.startswith(figure) for _, figure in options)  # the answer is not offered again
    replies = [seg for seg in picked.split("Vraag: ") if seg.strip()]
    reply = [line for line in replies[-1].splitlines() if not line.startswith("Gezocht op:")]
    assert reply[0].startswith(dict(options)["2"])  # "2" answers with the second one listed
    assert "kies een nummer van 1 tot en met" in err  # "9" is out of range: said so, nothing answered
