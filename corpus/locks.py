"""One writer at a time per folder (a corpus or an index directory), across threads and processes.

The lock is an OS file lock (`filelock`, flock on Unix) on a hidden `.lock` file inside the
folder, so it also works when the folder is a mount point and it is released by the kernel
when its holder dies. Readers never take it: every write replaces files atomically, so a
reader sees the old version or the new one.

A thread that holds a folder's lock may take it again (add → reload → build); another
thread or process waits (`wait=True`) or gets `LockBusy` at once (`wait=False`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from corpus.errors import CorpusError

LOCK_NAME = ".lock"
# A writer waits this long for another one (a full build with the real model takes about a
# minute on 2 cores); after that the operation is refused rather than hanging forever.
WAIT_SECONDS = 600.0

_held = threading.local()


class LockBusy(CorpusError):
    """Another thread or process is writing this folder."""


def _counts() -> dict[str, int]:
    if not hasattr(_held, "counts"):
        _held.counts = {}
    return _held.counts


def holds_lock(folder: Path) -> bool:
    """True when the calling thread holds the writer lock of `folder`."""
    return _counts().get(str(Path(folder).resolve() / LOCK_NAME), 0) > 0


@contextmanager
def writer_lock(folder: Path, wait: bool = True, timeout: float = WAIT_SECONDS) -> Iterator[None]:
    """Hold the writer lock of `folder` (created if absent) for the duration of the block.

    wait=False: raise LockBusy immediately when another writer holds it. Raises OSError when
    the lock file cannot be created (read-only folder, full disk); callers treat that as a
    failed write.
    """
    from filelock import FileLock, Timeout

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    key = str(folder.resolve() / LOCK_NAME)
    counts = _counts()
    if counts.get(key):
        counts[key] += 1
        try:
            yield
        finally:
            counts[key] -= 1
        return
    # A new FileLock per acquisition: each has its own descriptor, so two threads of one
    # process exclude each other just like two processes do.
    lock = FileLock(key, timeout=timeout if wait else 0)
    try:
        lock.acquire()
    except Timeout:
        raise LockBusy(
            f"Een andere gebruiker of een ander proces werkt {folder} op dit moment bij; "
            "probeer het zo opnieuw."
        ) from None
    counts[key] = 1
    try:
        yield
    finally:
        counts.pop(key, None)
        lock.release()
