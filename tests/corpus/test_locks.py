"""The writer lock: one holder per folder across threads and processes, re-entrant per thread."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from corpus.locks import LOCK_NAME, LockBusy, holds_lock, writer_lock

PROJECT_DIR = Path(__file__).resolve().parents[2]

TRY_LOCK = """
import sys
from corpus.locks import LockBusy, writer_lock
try:
    with writer_lock(sys.argv[1], wait=False):
        print("verkregen")
except LockBusy:
    print("bezet")
"""


def other_process_gets(folder: Path) -> str:
    result = subprocess.run(
        [sys.executable, "-c", TRY_LOCK, str(folder)], cwd=PROJECT_DIR, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def other_thread_gets(folder: Path) -> str:
    outcome: list[str] = []

    def attempt() -> None:
        try:
            with writer_lock(folder, wait=False):
                outcome.append("verkregen")
        except LockBusy:
            outcome.append("bezet")

    thread = threading.Thread(target=attempt)
    thread.start()
    thread.join()
    return outcome[0]


def test_one_writer_per_folder_across_threads_and_processes(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    with writer_lock(folder):
        assert (folder / LOCK_NAME).is_file()  # the folder and the lock file are made on demand
        assert holds_lock(folder)
        assert other_thread_gets(folder) == "bezet"
        assert other_process_gets(folder) == "bezet"
        with writer_lock(folder, wait=False):  # the holding thread may take it again
            assert holds_lock(folder)
        assert holds_lock(folder) and other_thread_gets(folder) == "bezet"
    assert not holds_lock(folder)
    assert other_thread_gets(folder) == "verkregen"
    assert other_process_gets(folder) == "verkregen"


def test_busy_message_is_dutch_and_names_the_folder(tmp_path: Path) -> None:
    entered, release = threading.Event(), threading.Event()

    def hold() -> None:
        with writer_lock(tmp_path):
            entered.set()
            release.wait(10)

    thread = threading.Thread(target=hold)
    thread.start()
    entered.wait(10)
    try:
        with pytest.raises(LockBusy, match=f"werkt {tmp_path} op dit moment bij"):
            with writer_lock(tmp_path, wait=False):
                pass
    finally:
        release.set()
        thread.join()
