"""Writing a file so that readers see the old version or the new one, never half of one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def atomic_write(path: Path, data: str | bytes, mode: int = 0o644) -> None:
    """Write `data` (str as UTF-8) to `path` via a temporary sibling, fsync and rename.

    An interruption or a full disk leaves the previous file (or none) in place and no
    temporary file behind; the error propagates.
    """
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)  # mkstemp makes it private
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_json(path: Path) -> object | None:
    """The JSON value in `path`, or None when it is missing, unreadable or damaged: for caches,
    where a bad file only means the value is computed again."""
    import json

    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_json_quietly(path: Path, value: object) -> bool:
    """Write `value` as JSON to `path` atomically (creating its folder); False when the folder
    cannot be written (a read-only corpus just has no cache)."""
    import json

    path = Path(path)
    try:
        path.parent.mkdir(exist_ok=True)
        atomic_write(path, json.dumps(value, ensure_ascii=False))
    except OSError:
        return False
    return True
