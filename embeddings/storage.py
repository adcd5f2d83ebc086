"""The index directory on disk: complete versions, a `current` pointer, builds in progress.

    <index_dir>/current                 the name of the version readers use ("v3\\n")
    <index_dir>/v3/                     the files of one complete index (embeddings.stored)
    <index_dir>/.build-<pid>-<random>/  a build in progress, unique to that build
    <index_dir>/.lock                   the writer lock (corpus.locks)
    <index_dir>/.embedded/<key>.npy     vectors of one document embedded by a build that has
                                        not been published yet (see `save_embedded`)

The index directory itself is never renamed, replaced or written beside, so it may be a
mount point (a container volume). A build is written to its own directory, renamed to the
next version and made current by replacing the one-line pointer (`os.replace`, atomic).
Readers read the pointer once and then only that version's files; a reader that loses a
race with the clean-up of an old version retries with the new pointer.

Everything that changes the directory (`publish`, `recover`) runs under the writer lock.
An index written before this layout has its files directly in <index_dir>; it is read as
it is, and its files are removed once the first version of this layout is current.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from corpus.errors import CorpusError
from corpus.files import atomic_write

if TYPE_CHECKING:
    import numpy as np

POINTER = "current"
BUILD_PREFIX = ".build-"
EMBEDDED_DIR = ".embedded"
_VERSION = re.compile(r"v(\d+)")
# The files of the layout before versions; also the names inside a version directory.
LEGACY_FILES = ("meta.json", "chunks.jsonl", "index.faiss", "sentences.faiss", "bm25_tokens.json", "documents.json", "sentences.json")

# Build directories this process is writing right now: recovery never touches them, even
# though their owner (this process) is alive and another of its threads runs the recovery.
_active: set[str] = set()
_active_lock = threading.Lock()


class IndexProblem(Exception):
    """The stored index cannot be used; `message` is the Dutch reason shown to the user."""

    def __init__(self, message: str, kind: str = "corrupt") -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind  # "corrupt" or "incompatible"


class IndexPathError(CorpusError):
    """The index path exists but is not a directory; nothing was changed."""


def check_index_path(index_dir: Path) -> None:
    if index_dir.exists() and not index_dir.is_dir():
        raise IndexPathError(
            f"De indexmap {index_dir} is geen map maar een bestand; kies met ASSISTANT_INDEX_DIR "
            "of --index-dir een map. Er is niets gewijzigd."
        )


def current_dir(index_dir: Path) -> Path | None:
    """The directory holding the current version's files; None when there is no index yet.

    Raises IndexProblem when the pointer is damaged or names a version that is not there.
    """
    index_dir = Path(index_dir)
    try:
        name = (index_dir / POINTER).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return index_dir if (index_dir / LEGACY_FILES[0]).exists() else None
    except (OSError, UnicodeDecodeError):
        raise IndexProblem("Het indexbestand current is onleesbaar.") from None
    if not _VERSION.fullmatch(name):
        raise IndexProblem("Het indexbestand current is beschadigd.")
    version = index_dir / name
    if not version.is_dir():
        raise IndexProblem(f"De indexversie {name} waar current naar wijst ontbreekt.")
    return version


def version_number(path: Path | None) -> int:
    """3 for <index_dir>/v3; 0 for the legacy layout or no index."""
    match = _VERSION.fullmatch(path.name) if path is not None else None
    return int(match.group(1)) if match else 0


def _versions(index_dir: Path) -> list[Path]:
    return [p for p in index_dir.iterdir() if _VERSION.fullmatch(p.name) and p.is_dir()]


@contextmanager
def new_build(index_dir: Path) -> Iterator[Path]:
    """An empty directory unique to this build (not to the process: the app's sessions share
    one); removed when the block raises."""
    index_dir.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=f"{BUILD_PREFIX}{os.getpid()}-", dir=index_dir))
    with _active_lock:
        _active.add(str(path))
    try:
        yield path
    except BaseException:
        shutil.rmtree(path, ignore_errors=True)
        raise
    finally:
        with _active_lock:
            _active.discard(str(path))


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def publish(index_dir: Path, build: Path) -> Path:
    """Make a complete build the current version; returns its directory. Caller holds the
    writer lock. A crash before the pointer is replaced leaves the previous version current
    (the orphan is removed by the next `recover`)."""
    number = 1 + max((version_number(p) for p in _versions(index_dir)), default=0)
    target = index_dir / f"v{number}"
    os.chmod(build, 0o755)  # mkdtemp makes it private; the index is an ordinary folder
    os.rename(build, target)
    _fsync_dir(index_dir)
    atomic_write(index_dir / POINTER, target.name + "\n")
    _fsync_dir(index_dir)
    _remove_stale(index_dir, target)
    return target


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _owner_gone(build: Path) -> bool:
    match = re.match(rf"{re.escape(BUILD_PREFIX)}(\d+)-", build.name)
    if not match:
        return True
    pid = int(match.group(1))
    if pid == os.getpid():
        with _active_lock:
            return str(build) not in _active
    return not _pid_alive(pid)


def _remove_stale(index_dir: Path, current: Path) -> None:
    for version in _versions(index_dir):
        if version != current:
            shutil.rmtree(version, ignore_errors=True)
    for name in LEGACY_FILES:
        try:
            (index_dir / name).unlink(missing_ok=True)
        except OSError:
            pass  # garbage at worst: the pointer already names the new version


def recover(index_dir: Path) -> None:
    """Clean up after interrupted builds; caller holds the writer lock.

    - build directories whose owner is gone (its process ended, or it is this process's and
      no longer in progress): removed; another thread's or process's build is left alone.
    - versions that are not current (a crash between rename and pointer, or an old version a
      crash kept): removed, but only while the pointer is readable.
    """
    if not index_dir.is_dir():
        return
    for build in index_dir.glob(BUILD_PREFIX + "*"):
        if build.is_dir() and _owner_gone(build):
            shutil.rmtree(build, ignore_errors=True)
    try:
        current = current_dir(index_dir)
    except IndexProblem:
        return
    if current is not None and current != index_dir:
        _remove_stale(index_dir, current)


# ---------------------------------------------------------------------------------------------
# Vectors embedded before a build was published: an interrupted build (Ctrl-C, a killed
# process, a crash) keeps each document it finished embedding, and the next build of the same
# document with the same model reads them back instead of embedding again. Written under the
# writer lock; removed once a version holding them is current.


def save_embedded(index_dir: Path, key: str, vectors: "np.ndarray") -> None:
    """Keep one document's vectors (float32, shape (n, dim)) under `key` (a hex digest of
    model, dimension, format and document fingerprint), written atomically."""
    import io

    import numpy as np

    folder = index_dir / EMBEDDED_DIR
    folder.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    np.save(buffer, np.ascontiguousarray(vectors, dtype=np.float32), allow_pickle=False)
    try:
        atomic_write(folder / f"{key}.npy", buffer.getvalue())
    except OSError:
        try:
            folder.rmdir()  # only when empty: a failed save leaves the directory as it was
        except OSError:
            pass
        raise


def load_embedded(index_dir: Path, key: str, shape: tuple[int, int]) -> "np.ndarray | None":
    """The vectors saved under `key` when they have this shape and are finite, else None
    (missing, damaged or from another chunking: that document is simply embedded again)."""
    import numpy as np

    path = index_dir / EMBEDDED_DIR / f"{key}.npy"
    try:
        vectors = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError):
        return None
    if vectors.shape != shape or vectors.dtype != np.float32 or not np.isfinite(vectors).all():
        return None
    return vectors


def clear_embedded(index_dir: Path) -> None:
    """Drop every saved document (called after a publish: the current version holds them)."""
    shutil.rmtree(index_dir / EMBEDDED_DIR, ignore_errors=True)
