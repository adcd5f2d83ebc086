"""The index under faults (findings #12.3, 4, 5): a mount point, a full disk, a read-only
folder, a path that is a file, and damage that keeps the files well-formed.

Real faults where the machine allows them: a tmpfs mounted as the index directory (a mount
point; tiny for a full disk; remounted read-only). Those tests need root and are skipped
without it; the same behaviour is also checked by injecting the OS error, which runs
everywhere.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

from embeddings.index import HybridIndex
from embeddings.progress import IndexWriteError, ProgressEvent
from embeddings.storage import IndexPathError, current_dir
from embeddings.stored import CHUNKS_FILE, FAISS_FILE, SENTENCES_FAISS_FILE
from tests.embeddings.test_index import DOCS, embedded_for, make_doc, open_index, paragraph_chunker
from tests.fakes import FakeEmbedder

BIG = make_doc("groot", "\n\n".join(f"Alinea {i} over de schuldhulpverlening in de wijk {i}." for i in range(400)))


def tree(folder: Path) -> dict[str, bytes | None]:
    return {str(p.relative_to(folder)): None if p.is_dir() else p.read_bytes() for p in sorted(folder.rglob("*"))}


@pytest.fixture
def tmpfs(tmp_path):
    """mount(path, size): a fresh tmpfs at `path`; unmounted afterwards. Skips without rights."""
    mounted: list[Path] = []

    def mount(path: Path, size: str = "4m") -> Path:
        path.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(path)], capture_output=True, text=True
        )
        if result.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here ({result.stderr.strip() or result.returncode})")
        mounted.append(path)
        return path

    yield mount
    for path in reversed(mounted):
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def remount_read_only(path: Path) -> None:
    result = subprocess.run(["mount", "-o", "remount,ro", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


# ------------------------------------------------------------------ 12.3 mount point
def test_index_directory_that_is_a_mount_point_is_updated_in_place(tmp_path, tmpfs):
    index_dir = tmpfs(tmp_path / "index")
    open_index(index_dir, DOCS, FakeEmbedder())
    idx = open_index(index_dir, DOCS[:2], FakeEmbedder())
    assert {c.doc_id for c in idx.chunks} == {"utrecht", "enschede"}
    assert os.path.ismount(index_dir)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index"]  # nothing written beside it
    emb = FakeEmbedder()
    assert len(open_index(index_dir, DOCS[:2], emb).chunks) == 4 and emb.calls == 0


def test_swap_never_renames_or_writes_beside_the_index_directory(tmp_path):
    """What makes a mount point work, checked without mounting: the directory stays the same
    inode, and its parent gains no entries."""
    index_dir = tmp_path / "index"
    open_index(index_dir, DOCS, FakeEmbedder())
    # An open descriptor keeps the original directory's inode from being reused meanwhile.
    fd = os.open(index_dir, os.O_RDONLY)
    try:
        open_index(index_dir, DOCS[:2], FakeEmbedder())
        open_index(index_dir, DOCS, FakeEmbedder())
        assert os.path.samestat(os.fstat(fd), os.stat(index_dir))
    finally:
        os.close(fd)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index"]


# ------------------------------------------------------------------ 12.3 failed writes
def _stale_reader(index_dir: Path, events: list) -> HybridIndex:
    return HybridIndex.open(index_dir, DOCS + [BIG], FakeEmbedder(), paragraph_chunker, progress=events.append, stale_ok=True)


def _assert_previous_serves(idx: HybridIndex, reason: str) -> None:
    assert idx.stale_reason is not None and reason in idx.stale_reason
    assert "vorige versie" in idx.stale_reason
    assert {c.doc_id for c in idx.chunks} == {d.id for d in DOCS}
    assert idx.lexical_search("bibliotheek", 1)  # searchable as before


def test_full_disk_keeps_the_previous_index_answering(tmp_path, tmpfs):
    index_dir = tmpfs(tmp_path / "index", size="96k")
    open_index(index_dir, DOCS, FakeEmbedder())
    before = tree(index_dir)
    with pytest.raises(IndexWriteError, match="No space left on device"):
        open_index(index_dir, DOCS + [BIG], FakeEmbedder())  # a writer is told
    assert tree(index_dir) == before
    _assert_previous_serves(_stale_reader(index_dir, []), "No space left on device")  # a reader keeps answering
    assert tree(index_dir) == before


def test_read_only_index_folder_keeps_the_previous_index_answering(tmp_path, tmpfs):
    index_dir = tmpfs(tmp_path / "index")
    open_index(index_dir, DOCS, FakeEmbedder())
    before = tree(index_dir)
    remount_read_only(index_dir)
    with pytest.raises(IndexWriteError, match="Read-only file system"):
        open_index(index_dir, DOCS + [BIG], FakeEmbedder())
    _assert_previous_serves(_stale_reader(index_dir, []), "Read-only file system")
    assert tree(index_dir) == before


@pytest.mark.parametrize("code, reason", [(errno.ENOSPC, "No space left on device"), (errno.EACCES, "Permission denied")])
def test_failed_write_injected_keeps_the_previous_index_answering(tmp_path, monkeypatch, code, reason):
    index_dir = tmp_path / "index"
    open_index(index_dir, DOCS, FakeEmbedder())
    before = tree(index_dir)

    def fail(fd: int) -> None:
        raise OSError(code, reason)

    monkeypatch.setattr(os, "fsync", fail)
    events: list[ProgressEvent] = []
    _assert_previous_serves(_stale_reader(index_dir, events), reason)
    monkeypatch.undo()
    assert tree(index_dir) == before
    assert not [e for e in events if e.stage == "klaar"]
    # Once writing works again, the next open brings the index up to date.
    fresh = _stale_reader(index_dir, [])
    assert fresh.stale_reason is None and "groot" in {c.doc_id for c in fresh.chunks}


def test_reader_does_not_wait_for_another_writer(tmp_path):
    import threading

    from corpus.locks import writer_lock

    index_dir = tmp_path / "index"
    open_index(index_dir, DOCS, FakeEmbedder())
    holding, release = threading.Event(), threading.Event()

    def writer() -> None:
        with writer_lock(index_dir):
            holding.set()
            release.wait(30)

    thread = threading.Thread(target=writer)
    thread.start()
    holding.wait(10)
    try:
        idx = _stale_reader(index_dir, [])
    finally:
        release.set()
        thread.join()
    _assert_previous_serves(idx, "door een andere gebruiker of een ander proces bijgewerkt")


# ------------------------------------------------------------------ 12.4 not a directory
def test_index_path_that_is_a_file_is_left_alone(tmp_path):
    path = tmp_path / "index"
    path.write_text("mijn aantekeningen", encoding="utf-8")
    with pytest.raises(IndexPathError, match="is geen map maar een bestand.*niets gewijzigd"):
        open_index(path, DOCS, FakeEmbedder())
    assert path.read_text(encoding="utf-8") == "mijn aantekeningen"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index"]


# ------------------------------------------------------------------ 12.5 content check
def _edit_chunk_text(version: Path) -> None:
    lines = (version / CHUNKS_FILE).read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    target = next(r for r in rows if r["doc_id"] == "utrecht" and "95.225" in r["text"])
    target["text"] = target["text"].replace("95.225", "99.999")  # same length, same structure
    (version / CHUNKS_FILE).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def _shift_offsets(version: Path) -> None:
    rows = [json.loads(line) for line in (version / CHUNKS_FILE).read_text(encoding="utf-8").splitlines()]
    target = next(r for r in rows if r["doc_id"] == "utrecht")
    target["start"] += 1
    target["end"] += 1
    (version / CHUNKS_FILE).write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def _zero_rows(file_name: str):
    def damage(version: Path) -> None:
        import faiss

        index = faiss.read_index(str(version / file_name))
        vecs = index.reconstruct_n(0, int(index.ntotal))
        chunks = [json.loads(line) for line in (version / CHUNKS_FILE).read_text(encoding="utf-8").splitlines()]
        # Chunk rows 0.. and sentence rows 0.. both start with the first document (utrecht).
        assert chunks[0]["doc_id"] == "utrecht"
        vecs[0] = 0.0
        zeroed = faiss.IndexFlatIP(index.d)
        zeroed.add(np.ascontiguousarray(vecs))
        faiss.write_index(zeroed, str(version / file_name))

    return damage


@pytest.mark.parametrize(
    "damage, reason",
    [
        (_edit_chunk_text, "fragment klopt niet"),
        (_shift_offsets, "fragment klopt niet"),
        (_zero_rows(FAISS_FILE), "fragmentvector"),
        (_zero_rows(SENTENCES_FAISS_FILE), "zinsvector"),
    ],
    ids=["edited-text", "shifted-offsets", "zeroed-chunk-vector", "zeroed-sentence-vector"],
)
def test_damage_that_keeps_the_file_structure_rebuilds_just_that_document(tmp_path, damage, reason):
    index_dir = tmp_path / "index"
    built = open_index(index_dir, DOCS, FakeEmbedder())
    damage(current_dir(index_dir))
    assert HybridIndex.status(index_dir, DOCS, "fake-bow") == "ok"  # the structure is intact
    events: list[ProgressEvent] = []
    emb = FakeEmbedder()
    idx = open_index(index_dir, DOCS, emb, events)
    assert emb.passages_embedded == embedded_for(DOCS[:1])  # only utrecht again
    [message] = [e.message for e in events if e.stage == "melding"]
    assert "utrecht" in message and reason in message and "opnieuw ingebed" in message
    assert [c.text for c in idx.chunks] == [c.text for c in built.chunks]
    np.testing.assert_allclose(idx.vectors(), built.vectors(), atol=1e-6)
    again = FakeEmbedder()
    open_index(index_dir, DOCS, again)
    assert again.calls == 0  # repaired on disk
