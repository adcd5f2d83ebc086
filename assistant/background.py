"""Adding documents in the background: the app's upload returns at once and this job reads,
embeds and indexes the files in a thread, while the chat keeps answering from the index it
already has.

The job never touches Streamlit: the page polls `snapshot()` (stage, fraction, time left,
what finished) and may `cancel()`. Every file is handed to `assistant.add_documents` on its
own, as the synchronous upload did, so a refused file does not block the others and the
index's own guarantees hold (one writer at a time, a failed or cancelled build leaves the
published index as it was). A cancelled file is taken out of the corpus folder again, so it
is not indexed behind the user's back by the next start.
"""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

log = logging.getLogger("assistant.background")


class Cancelled(Exception):
    """Raised inside the job's progress callback once the user pressed cancel."""


@dataclass(frozen=True)
class Entry:
    """One file to add: its sanitised name, its bytes and the metadata from the form."""

    name: str
    data: bytes
    overrides: dict


@dataclass
class Outcome:
    """What became of one file: "added", "updated", "unchanged", "refused" or "cancelled";
    `message` is the Dutch line the page shows (may be "")."""

    name: str
    status: str
    message: str = ""


@dataclass(frozen=True)
class Snapshot:
    running: bool
    file: str
    file_number: int
    files: int
    stage: str
    fraction: float
    eta_seconds: float | None
    outcomes: tuple[Outcome, ...]
    cancelling: bool


_ETA = re.compile(r"nog ~((?P<m>\d+) min )?(?P<s>\d+) s")


@dataclass
class IndexingJob:
    """Adds `entries` one after the other with `assistant.add_documents` in a daemon thread.

    on_loaded(assistant): called with every reloaded assistant (the page puts it in the
    server-wide slot, so the next question uses the new index).
    corpus_dir: where a cancelled file is taken out again (None: nothing to take out).
    """

    assistant: Any
    entries: list[Entry]
    on_loaded: Callable[[Any], None]
    corpus_dir: Path | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _cancel: threading.Event = field(default_factory=threading.Event, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)
    _file: str = ""
    _number: int = 0
    _stage: str = "Wachten…"
    _fraction: float = 0.0
    _eta: float | None = None
    _outcomes: list[Outcome] = field(default_factory=list)
    _running: bool = False

    def start(self) -> "IndexingJob":
        self._running = True
        self._thread = threading.Thread(target=self._run, name="indexing-job", daemon=True)
        self._thread.start()
        return self

    def cancel(self) -> None:
        self._cancel.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the job ended (tests, shutdown); True when it did."""
        if self._thread is not None:
            self._thread.join(timeout)
        return not self._running

    def snapshot(self) -> Snapshot:
        with self._lock:
            return Snapshot(
                self._running, self._file, self._number, len(self.entries), self._stage,
                self._fraction, self._eta, tuple(self._outcomes), self._cancel.is_set(),
            )

    # -- the thread --------------------------------------------------------------------
    def _progress(self, message: str, fraction: float | None = None) -> None:
        if self._cancel.is_set():
            raise Cancelled
        match = _ETA.search(str(message))
        with self._lock:
            self._stage = str(message)
            if fraction is not None:
                self._fraction = min(max(float(fraction), 0.0), 1.0)
            self._eta = (int(match["m"] or 0) * 60 + int(match["s"])) if match else None

    def _done(self, outcome: Outcome) -> None:
        with self._lock:
            self._outcomes.append(outcome)

    def _run(self) -> None:
        from corpus.errors import CorpusError

        staging = Path(tempfile.mkdtemp(prefix="assistant-upload-"))
        try:
            for number, entry in enumerate(self.entries, 1):
                with self._lock:
                    self._file, self._number = entry.name, number
                    self._stage, self._fraction, self._eta = "Lezen (tekst, tabellen, OCR)…", 0.0, None
                if self._cancel.is_set():
                    self._done(Outcome(entry.name, "cancelled", f"{entry.name}: geannuleerd."))
                    continue
                path = staging / entry.name
                path.write_bytes(entry.data)
                before = self._corpus_files()
                try:
                    documents, assistant = self.assistant.add_documents([path], entry.overrides, progress=self._progress)
                except Cancelled:
                    self._take_out(self._corpus_files() - before)
                    self._done(Outcome(entry.name, "cancelled", f"{entry.name}: geannuleerd; het document is niet toegevoegd."))
                    continue
                except CorpusError as exc:
                    self._done(Outcome(entry.name, "refused", f"{entry.name}: {exc}"))
                    continue
                except Exception:  # noqa: BLE001 - the page must show Dutch text, never a trace
                    log.exception("adding %s failed", entry.name)
                    self._done(Outcome(entry.name, "refused", f"{entry.name}: het toevoegen is mislukt door een onverwachte fout."))
                    continue
                finally:
                    path.unlink(missing_ok=True)
                self.assistant = assistant
                self.on_loaded(assistant)
                if len(documents):
                    self._done(Outcome(entry.name, "added"))
                elif getattr(documents, "updated", None):
                    self._done(Outcome(entry.name, "updated"))
                else:
                    existing = ", ".join(doc_id for _, doc_id in getattr(documents, "already_present", []))
                    self._done(Outcome(
                        entry.name, "unchanged",
                        f"{entry.name} staat al in de documenten ({existing}) met deze gegevens; er is niets gewijzigd.",
                    ))
        finally:
            shutil.rmtree(staging, ignore_errors=True)
            with self._lock:
                self._running = False
                self._stage, self._fraction, self._eta = "Klaar", 1.0, None

    def _corpus_files(self) -> set[str]:
        if self.corpus_dir is None:
            return set()
        try:
            from corpus.manifest import read_manifest

            return set(read_manifest(self.corpus_dir))
        except Exception:  # noqa: BLE001 - a missing or damaged manifest: nothing to compare
            return set()

    def _take_out(self, files: set[str]) -> None:
        """Remove files this job added before it was cancelled (the index never had them)."""
        from corpus.store import remove_document

        for name in sorted(files):
            try:
                remove_document(self.corpus_dir, Path(name).stem)  # type: ignore[arg-type]
            except Exception:  # noqa: BLE001
                log.exception("taking out %s after a cancel failed", name)


def indexing_notice(snapshot: Snapshot | None) -> str:
    """The line an answer carries while documents are still being added ("" when none are):
    the answer comes from the documents indexed so far."""
    if snapshot is None or not snapshot.running:
        return ""
    which = f" (‘{snapshot.file}’, {snapshot.file_number} van {snapshot.files})" if snapshot.file else ""
    return (
        f"Er wordt nog een document geïndexeerd{which}: dit antwoord komt uit de documenten die al "
        "klaar zijn. Stel de vraag opnieuw als het indexeren klaar is."
    )


def format_eta(seconds: float | None) -> str:
    if seconds is None:
        return ""
    s = int(round(seconds))
    return f"nog ~{s} s" if s < 90 else f"nog ~{s // 60} min {s % 60:02d} s"


def wait_until(predicate: Callable[[], bool], timeout: float = 30.0) -> bool:
    """Poll `predicate` every 20 ms until it holds or `timeout` seconds passed."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True
