"""The derived-data cache: a corpus opened again reads its metadata, tables and facts from
`.extracted/` instead of deriving them, and never serves what belongs to other text or
metadata."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import corpus.chunking
import corpus.store
from corpus.derived import DerivedCache
from corpus.facts import tables_and_facts
from corpus.manifest import ManifestEntry, write_manifest
from corpus.store import load_corpus

BUDGET = """Programmabegroting 2025 gemeente Zwolle

Programma 2 Sociaal domein

Bedragen x € 1.000

| Taakveld | Begroting 2025 | Raming 2026 |
| Maatwerkvoorzieningen | 4.200 | 4.350 |
| Jeugdhulp | 9.800 | 10.100 |

In 2025 reserveren we daarnaast € 250.000 voor schuldhulpverlening.
"""


def _open(folder: Path):
    docs = list(load_corpus(folder).documents)
    return docs, tables_and_facts(docs, DerivedCache(folder))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "zwolle.txt").write_text(BUDGET, encoding="utf-8")
    return tmp_path


def _refuse(*_args, **_kwargs):
    raise AssertionError("derived again although the cache holds it")


def test_a_second_opening_reads_what_the_first_derived(folder: Path, monkeypatch) -> None:
    docs, (tables, facts) = _open(folder)
    assert {f.raw for f in facts} >= {"4.200", "10.100", "€ 250.000"} and len(tables) == 1
    monkeypatch.setattr(corpus.store, "detect_metadata", _refuse)
    monkeypatch.setattr(corpus.chunking, "document_tables", _refuse)
    again, (tables_again, facts_again) = _open(folder)
    assert again == docs and tables_again == tables and facts_again == facts


def test_changed_text_is_derived_again(folder: Path) -> None:
    _open(folder)
    (folder / "zwolle.txt").write_text(BUDGET.replace("9.800", "9.900"), encoding="utf-8")
    _, (_, facts) = _open(folder)
    raws = {f.raw for f in facts}
    assert "9.900" in raws and "9.800" not in raws


def test_corrected_metadata_reaches_the_facts(folder: Path) -> None:
    _, (_, facts) = _open(folder)
    assert {f.municipality for f in facts} == {"Zwolle"}
    write_manifest(folder, [ManifestEntry(file="zwolle.txt", municipality="Kampen")])
    docs, (_, facts) = _open(folder)
    assert docs[0].meta.municipality == "Kampen"
    assert {f.municipality for f in facts} == {"Kampen"}


@pytest.mark.parametrize("damage", ["{ half", json.dumps({"key": "x", "value": []}), json.dumps([1, 2])])
def test_a_damaged_cache_file_is_derived_again_and_repaired(folder: Path, damage: str) -> None:
    docs, derived = _open(folder)
    for path in (folder / ".extracted").glob("zwolle.*.json"):
        path.write_text(damage, encoding="utf-8")
    assert _open(folder) == (docs, derived)
    stored = json.loads((folder / ".extracted" / "zwolle.facts.json").read_text(encoding="utf-8"))
    assert len(stored["value"]["facts"]["rows"]) == len(derived[1])


def test_a_cache_of_the_wrong_layout_under_the_right_key_is_derived_again(folder: Path) -> None:
    docs, derived = _open(folder)
    path = folder / ".extracted" / "zwolle.facts.json"
    stored = json.loads(path.read_text(encoding="utf-8"))
    stored["value"]["facts"]["rows"][0] = [1]
    path.write_text(json.dumps(stored), encoding="utf-8")
    assert _open(folder) == (docs, derived)


def test_the_same_file_with_other_metadata_is_derived_again(folder: Path) -> None:
    # A stale index serves a document with the metadata it was built with: same file, same
    # fingerprint, other metadata; its facts must carry that metadata, not the cached one's.
    from dataclasses import replace

    docs, (_, facts) = _open(folder)
    served = replace(docs[0], meta=replace(docs[0].meta, municipality="Kampen"))
    _, stale_facts = tables_and_facts([served], DerivedCache(folder))
    assert {f.municipality for f in facts} == {"Zwolle"} and {f.municipality for f in stale_facts} == {"Kampen"}


def test_facts_read_back_behave_as_facts(folder: Path) -> None:
    _open(folder)
    _, (_, facts) = _open(folder)  # from the cache
    fact = facts[0]
    with pytest.raises(AttributeError):
        fact.value = 0  # still frozen
    assert hash(fact) == hash(type(fact)(**{name: getattr(fact, name) for name in fact.__dataclass_fields__}))
    assert isinstance(fact.extra, tuple) and all(isinstance(pair, tuple) for pair in fact.extra)


def test_one_cache_file_per_document_however_often_it_changes(folder: Path) -> None:
    for amount in ("4.201", "4.202", "4.203"):
        (folder / "zwolle.txt").write_text(BUDGET.replace("4.200", amount), encoding="utf-8")
        _open(folder)
    assert sorted(p.name for p in (folder / ".extracted").iterdir()) == ["zwolle.facts.json", "zwolle.meta.json"]


def test_the_derived_version_covers_the_code_of_subpackages_too():
    from corpus.derived import code_files

    files = code_files()
    # The lexicon decides facts (flows, counts, years): a change there must not serve stale ones.
    assert "lexicon/finance.py" in files and "lexicon/counts.py" in files
    assert "facts.py" in files and not any("__pycache__" in f for f in files)


def test_reader_modules_are_all_listed():
    # The extracted-PDF cache is keyed by the reader's sources: every corpus module the reader
    # imports must be among them, or a change there would serve stale extractions.
    import re

    from corpus.extracted import _READER_SOURCES

    here = Path(corpus.store.__file__).resolve().parent
    listed = set(_READER_SOURCES)
    for name in _READER_SOURCES:
        imported = set(re.findall(r"^\s*from corpus\.(\w+) import", (here / name).read_text(encoding="utf-8"), re.M))
        assert {f"{m}.py" for m in imported} <= listed, (name, imported)
