"""Corpus store: default corpus, loading with problems, add/update/remove round trips, and
nothing changed when an operation is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus.errors import CorpusError
from corpus.locks import LOCK_NAME
from corpus.manifest import ManifestEntry, read_manifest, write_manifest
from corpus.store import (
    add_documents,
    ensure_default_corpus,
    load_corpus,
    remove_document,
    safe_file_name,
    update_metadata,
)

MB = 1024 * 1024
ZWOLLE = "Programmabegroting 2025 van de gemeente Zwolle.\nDe Zwollenaren krijgen in 2025 meer hulp.\n"
TILBURG = "Jaarverslag 2022 Tilburg\nTilburgers met schulden werden in 2022 sneller geholpen.\n"


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file in a folder (hidden ones too) with its bytes; the empty writer-lock file is
    not data, nor the folder of derived caches (`.extracted/`)."""
    if not folder.exists():
        return {}
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and p.name != LOCK_NAME}


@pytest.fixture
def corpus(tmp_path: Path, seeds_dir: Path) -> Path:
    target = tmp_path / "data" / "corpus"
    assert ensure_default_corpus(target, seeds_dir)
    return target


@pytest.fixture
def uploads(tmp_path: Path) -> Path:
    folder = tmp_path / "uploads"
    folder.mkdir()
    return folder


def test_default_corpus_is_a_writable_copy_of_the_seeds(corpus: Path, seeds_dir: Path) -> None:
    assert snapshot(corpus) == snapshot(seeds_dir)
    assert all(p.stat().st_mode & 0o200 for p in corpus.iterdir())  # seeds are read-only
    assert not [p for p in corpus.parent.iterdir() if p.name.startswith(".")]  # no temp dir left
    # A folder that has documents is left alone.
    (corpus / "extra.txt").write_text(ZWOLLE, encoding="utf-8")
    assert not ensure_default_corpus(corpus, seeds_dir)
    assert (corpus / "extra.txt").exists()


def test_default_corpus_fills_an_existing_empty_folder(tmp_path: Path, seeds_dir: Path) -> None:
    target = tmp_path / "leeg"
    target.mkdir()
    assert ensure_default_corpus(target, seeds_dir)
    assert len(list(target.glob("*.txt"))) == 5


def test_load_corpus_uses_manifest_and_ids_from_file_stems(corpus: Path, seeds_dir: Path) -> None:
    documents = load_corpus(corpus)
    assert documents.problems == []
    manifest = json.loads((seeds_dir / "manifest.json").read_text(encoding="utf-8"))["documents"]
    by_file = {e["file"]: e for e in manifest}
    assert [d.id for d in documents] == sorted(Path(f).stem for f in by_file)
    for doc in documents:
        entry = by_file[doc.path]
        assert (doc.meta.title, doc.meta.municipality, doc.meta.year, doc.meta.doc_type, doc.meta.program) == (
            entry["title"], entry["municipality"], entry["year"], entry["doc_type"], entry["program"]
        )
        assert doc.text == (corpus / doc.path).read_bytes().decode("utf-8")
    # Detection fills what the manifest does not give: the Utrecht page states its export date.
    utrecht = next(d for d in documents if d.meta.municipality == "Utrecht")
    assert utrecht.meta.export_date == "2023-06-19"


def test_bad_files_are_reported_and_skipped(corpus: Path) -> None:
    (corpus / "leeg.txt").write_bytes(b"")
    (corpus / "tabel.xls").write_bytes(b"x")
    (corpus / ".verborgen.txt").write_text(ZWOLLE, encoding="utf-8")
    (corpus / "utrecht-voortgang-coronamiddelen-bestaanszekerheid-2022.md").write_text(ZWOLLE, encoding="utf-8")
    result = load_corpus(corpus)
    assert len(result) == 5
    problems = dict(result.problems)
    # The stray .md shares the id of a manifest document; the manifest's file is kept.
    assert set(problems) == {"leeg.txt", "tabel.xls", "utrecht-voortgang-coronamiddelen-bestaanszekerheid-2022.md"}
    utrecht = {d.id: d for d in result}["utrecht-voortgang-coronamiddelen-bestaanszekerheid-2022"]
    assert utrecht.path.endswith(".txt")
    assert "leeg" in problems["leeg.txt"]
    assert "niet ondersteund" in problems["tabel.xls"]


def test_broken_manifest_is_reported_and_detection_takes_over(corpus: Path) -> None:
    (corpus / "manifest.json").write_text("{niet: json", encoding="utf-8")
    result = load_corpus(corpus)
    assert len(result) == 5
    assert [name for name, _ in result.problems] == ["manifest.json"]
    assert {d.meta.municipality for d in result} == {"Utrecht", "Amersfoort", "Enschede", "Nieuwegein", "Deventer"}


def test_fingerprint_changes_with_metadata_not_with_reloading(corpus: Path) -> None:
    before = {d.id: d.fingerprint for d in load_corpus(corpus)}
    assert before == {d.id: d.fingerprint for d in load_corpus(corpus)}
    doc_id = "nieuwegein-programmabegroting-2021-sociaal-domein"
    update_metadata(corpus, doc_id, program="Sociaal domein en zorg")
    after = {d.id: d.fingerprint for d in load_corpus(corpus)}
    assert [k for k in before if before[k] != after[k]] == [doc_id]


def test_add_update_remove_round_trip(corpus: Path, uploads: Path) -> None:
    source = uploads / "Mijn Begroting (Zwolle) 2025!!.TXT"
    source.write_text(ZWOLLE, encoding="utf-8")
    added = add_documents(corpus, [source])
    assert [d.id for d in added] == ["mijn-begroting-zwolle-2025"]
    doc = added[0]
    assert (doc.meta.municipality, doc.meta.year, doc.meta.doc_type) == ("Zwolle", 2025, "programmabegroting")
    assert (corpus / "mijn-begroting-zwolle-2025.txt").read_text(encoding="utf-8") == ZWOLLE
    entry = read_manifest(corpus)["mijn-begroting-zwolle-2025.txt"]
    assert entry.source == source.name and entry.municipality == "Zwolle"
    assert doc in load_corpus(corpus)

    corrected = update_metadata(corpus, doc.id, year=2026, municipality="zwollenaren", doc_type="kadernota")
    assert (corrected.meta.year, corrected.meta.municipality, corrected.meta.doc_type) == (2026, "Zwolle", "kadernota")
    reloaded = {d.id: d for d in load_corpus(corpus)}[doc.id]
    assert reloaded.meta == corrected.meta

    assert remove_document(corpus, doc.id) == "mijn-begroting-zwolle-2025.txt"
    assert doc.id not in {d.id for d in load_corpus(corpus)}
    assert "mijn-begroting-zwolle-2025.txt" not in read_manifest(corpus)
    assert len(load_corpus(corpus)) == 5


def test_overrides_win_over_detection(corpus: Path, uploads: Path) -> None:
    source = uploads / "notitie.txt"
    source.write_text(TILBURG, encoding="utf-8")
    [doc] = add_documents(corpus, [source], {"municipality": "den bosch", "year": "2021", "title": "Mijn titel"})
    assert (doc.meta.municipality, doc.meta.year, doc.meta.title) == ("'s-Hertogenbosch", 2021, "Mijn titel")
    assert doc.meta.doc_type == "jaarverslag"  # not overridden: detected


def test_same_content_is_reported_as_already_present(corpus: Path, uploads: Path, seeds_dir: Path) -> None:
    copy = uploads / "kopie.txt"
    copy.write_bytes((seeds_dir / "enschede-programmabegroting-2024-vitaal-sociaal.txt").read_bytes())
    before = snapshot(corpus)
    result = add_documents(corpus, [copy])
    assert list(result) == []
    assert result.already_present == [("kopie.txt", "enschede-programmabegroting-2024-vitaal-sociaal")]
    assert snapshot(corpus) == before


def test_same_name_different_content_gets_a_suffix(corpus: Path, uploads: Path) -> None:
    first, second = uploads / "a", uploads / "b"
    first.mkdir()
    second.mkdir()
    (first / "Notitie.txt").write_text(ZWOLLE, encoding="utf-8")
    (second / "notitie.md").write_text(TILBURG, encoding="utf-8")
    ids = [d.id for d in add_documents(corpus, [first / "Notitie.txt", second / "notitie.md"])]
    assert ids == ["notitie", "notitie-2"]
    assert {d.id for d in load_corpus(corpus)} >= {"notitie", "notitie-2"}


def test_nothing_written_when_one_of_several_files_fails(corpus: Path, uploads: Path) -> None:
    good = uploads / "goed.txt"
    good.write_text(ZWOLLE, encoding="utf-8")
    empty = uploads / "leeg.txt"
    empty.write_bytes(b"")
    wrong = uploads / "tabel.xls"
    wrong.write_bytes(b"x")
    before = snapshot(corpus)
    with pytest.raises(CorpusError, match="niets toegevoegd.*2 van de 3") as info:
        add_documents(corpus, [good, empty, wrong])
    assert [name for name, _ in info.value.problems] == ["leeg.txt", "tabel.xls"]
    assert snapshot(corpus) == before


def test_too_large_upload_is_refused(corpus: Path, uploads: Path) -> None:
    big = uploads / "groot.txt"
    big.write_text(ZWOLLE * 50, encoding="utf-8")
    before = snapshot(corpus)
    with pytest.raises(CorpusError, match="groter dan de limiet"):
        add_documents(corpus, [big], max_bytes=1000)
    assert snapshot(corpus) == before


@pytest.mark.parametrize(
    "overrides, match",
    [
        ({"municipality": "Zwole"}, "Gemeente 'Zwole' is onbekend. Bedoelt u Zwolle"),
        ({"municipality": "Atlantis"}, "Gemeente 'Atlantis' is onbekend"),
        ({"year": "twintig"}, "geen jaartal"),
        ({"year": 1850}, "valt buiten"),
        ({"doc_type": "roman"}, "kies uit programmabegroting"),
        ({"kleur": "rood"}, "Onbekend metadataveld kleur"),
    ],
)
def test_invalid_overrides_change_nothing(corpus: Path, uploads: Path, overrides: dict, match: str) -> None:
    source = uploads / "goed.txt"
    source.write_text(ZWOLLE, encoding="utf-8")
    before = snapshot(corpus)
    with pytest.raises(CorpusError, match=match):
        add_documents(corpus, [source], overrides)
    assert snapshot(corpus) == before


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Mijn Begroting (Zwolle) 2025!!.TXT", "mijn-begroting-zwolle-2025.txt"),
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\windows\\boot.md", "boot.md"),
        (".verborgen.html", "verborgen.html"),
        ("Één café – überzicht.PDF", "een-cafe-uberzicht.pdf"),
        ("!!!.docx", "document.docx"),
        ("manifest.txt", "manifest-document.txt"),
        ("CON.txt", "con-document.txt"),
        ("a" * 300 + ".md", "a" * 80 + ".md"),
    ],
)
def test_safe_file_name(name: str, expected: str) -> None:
    assert safe_file_name(name) == expected


def test_odd_upload_name_is_stored_under_a_safe_slug(corpus: Path, uploads: Path) -> None:
    source = uploads / "  Rapport  #3 (def.) ~ kopie .md"
    source.write_text(TILBURG, encoding="utf-8")
    [doc] = add_documents(corpus, [source])
    assert doc.path == "rapport-3-def-kopie.md" and doc.id == "rapport-3-def-kopie"
    assert (corpus / doc.path).is_file()


def test_unknown_ids_are_refused_with_the_known_ones(corpus: Path) -> None:
    before = snapshot(corpus)
    with pytest.raises(CorpusError, match="bestaat niet; bekende documenten: amersfoort-"):
        remove_document(corpus, "onbekend-document")
    with pytest.raises(CorpusError, match="bestaat niet"):
        update_metadata(corpus, "onbekend-document", year=2020)
    assert snapshot(corpus) == before


def test_blank_overrides_keep_detected_values(corpus: Path, uploads: Path) -> None:
    source = uploads / "zwolle.txt"
    source.write_text(ZWOLLE, encoding="utf-8")
    [doc] = add_documents(corpus, [source], {"municipality": " ", "title": "", "year": None})
    assert (doc.meta.municipality, doc.meta.year) == ("Zwolle", 2025)
    assert doc.meta.title == ZWOLLE.splitlines()[0]


def test_update_refuses_an_empty_title(corpus: Path) -> None:
    before = snapshot(corpus)
    with pytest.raises(CorpusError, match="titel mag niet leeg"):
        update_metadata(corpus, "nieuwegein-programmabegroting-2021-sociaal-domein", title="  ")
    assert snapshot(corpus) == before


def test_update_can_clear_a_field_so_detection_fills_it(corpus: Path) -> None:
    doc_id = "amersfoort-programmabegroting-2021-inclusieve-veilige-stad"
    doc = update_metadata(corpus, doc_id, title=None)
    assert doc.meta.title == "2. Inclusieve en veilige stad"  # detected first meaningful line


def test_manifest_round_trip_and_refusals(tmp_path: Path) -> None:
    assert read_manifest(tmp_path) == {}
    entries = [ManifestEntry(file="a.txt", title="A", year=2024), ManifestEntry(file="b.md", municipality="Ede")]
    write_manifest(tmp_path, entries)
    assert list(read_manifest(tmp_path).values()) == entries
    assert "null" not in (tmp_path / "manifest.json").read_text(encoding="utf-8")
    for bad, match in [
        ("[1, 2", "beschadigd"),
        ('{"docs": []}', "lijst 'documents'"),
        ('{"documents": [{"title": "x"}]}', "geen bestandsnaam"),
        ('{"documents": [{"file": "a.txt", "year": "2024"}]}', "jaartal"),
        ('{"documents": [{"file": "a.txt", "doc_type": "roman"}]}', "documenttype 'roman'"),
    ]:
        (tmp_path / "manifest.json").write_text(bad, encoding="utf-8")
        with pytest.raises(CorpusError, match=match):
            read_manifest(tmp_path)


def test_add_refuses_to_overwrite_a_broken_manifest(corpus: Path, uploads: Path) -> None:
    (corpus / "manifest.json").write_text("{kapot", encoding="utf-8")
    source = uploads / "goed.txt"
    source.write_text(ZWOLLE, encoding="utf-8")
    before = snapshot(corpus)
    with pytest.raises(CorpusError, match=r"beschadigd .*kopie staat in \.manifest\.beschadigd-"):
        add_documents(corpus, [source])
    after = snapshot(corpus)
    [copy] = [name for name in after if name.startswith(".manifest.beschadigd-")]
    assert after.pop(copy) == b"{kapot"  # set aside, byte for byte
    assert after == before


def test_add_into_a_new_folder(tmp_path: Path, uploads: Path) -> None:
    source = uploads / "zwolle.txt"
    source.write_text(ZWOLLE, encoding="utf-8")
    target = tmp_path / "nieuw"
    [doc] = add_documents(target, [source])
    assert [d.id for d in load_corpus(target)] == [doc.id] == ["zwolle"]
