"""Real processes and threads that start their work at the same moment, for concurrency tests.

Each worker is a Python snippet run with `python -c` in the project directory. It gets its
own arguments in `ARGS` and calls `start()` once it has imported what it needs: `start()`
waits until every worker is ready, so the work itself overlaps instead of one process
finishing before the other has loaded numpy.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent

_PRELUDE = """
import sys, time, pathlib
ARGS = sys.argv[3:]
def start():
    pathlib.Path(sys.argv[1]).touch()
    while not pathlib.Path(sys.argv[2]).exists():
        time.sleep(0.002)
"""

# Use the fake embedder in a worker that runs the CLI or the service (never the real model).
FAKE_EMBEDDER = """
import embeddings
from tests.fakes import FakeEmbedder
embeddings.load_embedder = lambda name: FakeEmbedder()
"""


def run_processes(code: str, argvs: Sequence[Sequence[str]], tmp: Path, timeout: float = 120) -> list[subprocess.CompletedProcess]:
    """Run `code` once per argument list in its own process, all starting together."""
    go = tmp / "go"
    procs = []
    ready = []
    for n, argv in enumerate(argvs):
        flag = tmp / f"ready-{n}"
        ready.append(flag)
        procs.append(
            subprocess.Popen(
                [sys.executable, "-c", _PRELUDE + code, str(flag), str(go), *map(str, argv)],
                cwd=PROJECT_DIR, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            )
        )
    deadline = time.monotonic() + timeout
    while not all(f.exists() for f in ready):
        if any(p.poll() is not None for p in procs) or time.monotonic() > deadline:
            break
        time.sleep(0.005)
    go.touch()
    results = []
    for p, argv in zip(procs, argvs):
        out, err = p.communicate(timeout=max(1.0, deadline - time.monotonic()))
        results.append(subprocess.CompletedProcess([str(a) for a in argv], p.returncode, out, err))
    return results


def run_threads(work: Callable[[int], object], count: int = 2, timeout: float = 120) -> list[object]:
    """Call work(0) … work(count-1) in threads released together; re-raise the first error."""
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            barrier.wait(timeout)
            results[n] = work(n)
        except BaseException as exc:  # noqa: BLE001 - reported to the test below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    if errors:
        raise errors[0]
    return results
