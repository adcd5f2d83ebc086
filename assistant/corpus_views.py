"""The corpus as the interfaces see it: its documents, filters and tables, and changing it.

`CorpusViews` is the part of the `Assistant` that lists and changes documents; the service
module keeps the loading and the router of questions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.settings import DEFAULT_CORPUS_DIR, SHIPPED_CORPUS_DIR, Settings
from corpus.models import Document, DocumentMeta

if TYPE_CHECKING:
    import pandas as pd

    from assistant.figures import FactStore
    from assistant.retrieval import Retriever
    from assistant.service import Assistant
    from embeddings.base import Embedder
    from corpus.store import AddResult
    from embeddings.index import HybridIndex

# (message, fraction done or None) — what the CLI prints and the app shows in a progress bar.
Progress = Callable[[str, "float | None"], None]


def prepare_corpus(settings: Settings) -> None:
    """Seed the default working corpus from the shipped documents on first use (a folder the
    user chose is used as it is)."""
    from corpus.store import ensure_default_corpus

    if Path(settings.corpus_dir).resolve() == DEFAULT_CORPUS_DIR.resolve():
        ensure_default_corpus(settings.corpus_dir, SHIPPED_CORPUS_DIR)


@dataclass(frozen=True)
class DocumentInfo:
    """A document as the user sees it in `assistant documents` and the app's sidebar."""

    id: str
    path: str
    meta: DocumentMeta
    chunks: int
    tables: int
    pages: int = 0  # 0 for documents without pages (txt, md, html, docx)
    facts: int = 0
    ocr_pages: tuple[int, ...] = ()
    skipped_tables: int = 0  # tables the PDF reader kept as text only


class CorpusViews:
    """Documents, filters and tables of the loaded corpus, and adding or removing documents
    (each change returns a freshly loaded assistant; this one stays valid for the old corpus)."""

    settings: Settings
    index: "HybridIndex"
    facts: "FactStore"
    version: int
    embedder: "Embedder"
    retriever: "Retriever"
    _documents: dict[str, Document]

    def index_changed(self) -> bool:
        """True when a newer index version was published since this assistant was loaded (by
        another process, or after a failed or busy update). Cheap: reads the index pointer."""
        from embeddings.storage import IndexProblem, current_dir, version_number

        if self.settings.store:
            return self.index.changed()
        try:
            return version_number(current_dir(Path(self.settings.index_dir))) > self.version
        except (IndexProblem, OSError):
            return False

    def documents(self) -> list[DocumentInfo]:
        chunk_counts = Counter(c.doc_id for c in self.index.chunks)
        table_counts = Counter(t.doc_id for t in self.facts.tables)
        fact_counts = Counter(f.doc_id for f in self.facts.facts)
        return [
            DocumentInfo(
                d.id, d.path, d.meta, chunk_counts.get(d.id, 0), table_counts.get(d.id, 0),
                len(d.page_starts), fact_counts.get(d.id, 0), d.ocr_pages, d.skipped_tables,
            )
            for d in sorted(self._documents.values(), key=lambda d: d.id)
        ]

    def document(self, doc_id: str) -> Document | None:
        return self._documents.get(doc_id)

    def filter_options(self) -> dict[str, dict[str, int]]:
        """Values users can filter on, each with the number of documents that have it."""
        metas = [d.meta for d in self._documents.values()]
        return {
            "municipality": dict(sorted(Counter(m.municipality for m in metas if m.municipality).items())),
            "year": dict(sorted(Counter(str(m.year) for m in metas if m.year).items())),
            "doc_type": dict(sorted(Counter(m.doc_type for m in metas if m.doc_type).items())),
        }

    def table_frame(self, table_id: str) -> "pd.DataFrame | None":
        from corpus.facts import table_frame

        table = next((t for t in self.facts.tables if t.id == table_id), None)
        return table_frame(table) if table is not None else None

    def detect_metadata(self, path: Path) -> DocumentMeta:
        """The metadata an upload form starts from: for a file already in the corpus (same
        bytes) its current metadata, so re-uploading corrects rather than resets it;
        otherwise what detection finds."""
        import hashlib

        from corpus.loaders import load_text
        from corpus.metadata import detect_metadata

        path = Path(path)
        text = load_text(path, self.settings.max_file_bytes)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        for doc in self._documents.values():
            existing = Path(self.settings.corpus_dir) / doc.path
            try:
                if existing.stat().st_size == path.stat().st_size and hashlib.sha256(existing.read_bytes()).hexdigest() == digest:
                    return doc.meta
            except OSError:
                continue
        return detect_metadata(text, path.name)

    def add_documents(
        self, paths: Sequence[Path], overrides: dict | None = None, progress: Progress | None = None
    ) -> "tuple[AddResult, Assistant]":
        """Copy documents into the corpus (or correct the metadata of ones already there) and
        update the index incrementally.

        Returns the store's AddResult (added documents, `.updated`, `.already_present`) and a
        freshly loaded assistant over the new corpus (this one stays valid for the old
        corpus). Raises CorpusError; a refused upload changes nothing.
        """
        from corpus.errors import CorpusError
        from corpus.store import add_documents

        added = add_documents(
            self.settings.corpus_dir, list(paths), overrides or {}, max_bytes=self.settings.max_file_bytes
        )
        try:
            return added, self._reload(progress)
        except CorpusError as exc:
            # The corpus did change: say so, or the user uploads again and gets "already there".
            raise CorpusError(
                f"{exc} Het document staat wel in de documentenmap; de index wordt bijgewerkt zodra dat lukt."
            ) from exc

    def remove_document(self, doc_id: str, progress: Progress | None = None) -> "Assistant":
        from corpus.store import remove_document

        remove_document(self.settings.corpus_dir, doc_id)
        return self._reload(progress)

    def _reload(self, progress: Progress | None) -> "Assistant":
        from assistant.service import Assistant

        return Assistant.load(
            self.settings, progress, embedder=self.embedder, retrieval_mode=self.retriever.mode, writer=True
        )

