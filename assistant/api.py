"""The seam the app and the CLI use: what an assistant offers, as a protocol.

`assistant.service.Assistant` implements it; the app's test double (tests/app/fake_assistant)
does too, and `tests/assistant/test_api.py` checks both against this protocol, so a fake
cannot drift from the real thing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from assistant.models import Answer, Filters
from corpus.models import DocumentMeta

if TYPE_CHECKING:
    import pandas as pd

Progress = Callable[[str, "float | None"], None]


@runtime_checkable
class AssistantAPI(Protocol):
    """What the chat page needs from an assistant."""

    stale_reason: str | None

    def ask(self, question: str, history: Sequence[str] = (), filters: Filters | None = None) -> Answer:
        """A cited answer in Dutch (or the reason there is none)."""
        ...

    def documents(self) -> list[Any]:
        """The loaded documents (`DocumentInfo`: id, path, meta, chunks, tables, pages …)."""
        ...

    def filter_options(self) -> dict[str, dict[str, int]]:
        """Values users can filter on (municipality, year, doc_type) with document counts."""
        ...

    def table_frame(self, table_id: str) -> "pd.DataFrame | None":
        """A table as a DataFrame, for showing the table a figure came from."""
        ...

    def detect_metadata(self, path: Path) -> DocumentMeta:
        """The metadata an upload form starts from."""
        ...

    def add_documents(
        self, paths: Sequence[Path], overrides: dict | None = None, progress: Progress | None = None
    ) -> "tuple[Any, AssistantAPI]":
        """Add documents; returns the store's result and the assistant over the new corpus."""
        ...

    def index_changed(self) -> bool:
        """True when a newer index was published since this assistant was loaded."""
        ...
