"""atomic_write: readers see the old file or the new one, never a half-written one."""

import os

import pytest

from corpus.files import atomic_write


def test_writes_text_and_bytes_and_replaces(tmp_path):
    target = tmp_path / "manifest.json"
    atomic_write(target, "één\n")
    assert target.read_text(encoding="utf-8") == "één\n"
    atomic_write(target, b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
    assert oct(target.stat().st_mode & 0o777) == oct(0o644)
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]


def test_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "manifest.json"
    target.write_text("oud", encoding="utf-8")

    def full_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError, match="No space"):
        atomic_write(target, "nieuw")
    assert target.read_text(encoding="utf-8") == "oud"
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]
