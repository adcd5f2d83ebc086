"""Opening a corpus: its documents read, its index built or brought up to date (or read as
it is), its tables and facts, and what question understanding knows about it.

`open_corpus` is what `Assistant.load` runs; the rules for readers and writers (readers never
wait; a damaged manifest or an empty folder never changes the index) are decided here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.figures import FactStore
    from assistant.understanding import CorpusInfo
    from corpus.models import Document
    from embeddings.base import Embedder

Progress = Callable[[str, "float | None"], None]


@dataclass(frozen=True)
class Opened:
    """A corpus ready to answer from."""

    documents: list["Document"]
    index: Any  # embeddings.index.HybridIndex or embeddings.postgres.PostgresIndex
    embedder: "Embedder"
    facts: "FactStore"
    info: "CorpusInfo"
    problems: Sequence[tuple[str, str]]


def open_corpus(
    settings: Settings, progress: Progress | None = None, embedder: "Embedder | None" = None, writer: bool = False
) -> Opened:
    """See `Assistant.load`. Raises corpus.errors.CorpusError with a Dutch message."""
    from assistant.figures import FactStore
    from assistant.figures.scoring import MEANING_SCALES
    from assistant.understanding import CorpusInfo
    from corpus.chunking import CHUNKER_VERSION, chunk_document
    from corpus.derived import DerivedCache
    from corpus.errors import CorpusError
    from corpus.facts import tables_and_facts
    from corpus.store import load_corpus
    from embeddings import load_embedder
    from embeddings.index import HybridIndex
    from embeddings.progress import format_progress

    corpus_dir, index_dir = Path(settings.corpus_dir), Path(settings.index_dir)
    if not corpus_dir.is_dir():
        what = "is geen map" if corpus_dir.exists() else "bestaat niet"
        raise CorpusError(f"De documentenmap {corpus_dir} {what}.")
    embedder = embedder or load_embedder(settings.embedding_model)
    # The store: the index files in index_dir, or PostgreSQL when ASSISTANT_STORE is set
    # (the same open/read/stored_document_count; embeddings/protocols.py).
    index_cls: Any = HybridIndex
    if settings.store:
        from embeddings.postgres import PostgresIndex

        index_cls, index_dir = PostgresIndex, settings.store

    def on_index_event(event) -> None:  # noqa: ANN001 - embeddings.progress.ProgressEvent
        if progress:
            fraction = event.done / event.total if getattr(event, "total", 0) else None
            progress(format_progress(event), fraction)

    # The corpus is read again under the index's writer lock before a build (see
    # HybridIndex.open); the last reading is the one the assistant serves.
    readings = [load_corpus(corpus_dir, max_bytes=settings.max_file_bytes)]

    def reread() -> list[Document]:
        readings.append(load_corpus(corpus_dir, max_bytes=settings.max_file_bytes))
        return list(readings[-1].documents)

    loaded = readings[-1]
    documents = list(loaded.documents)
    if loaded.manifest_problem and writer:
        raise CorpusError(f"{loaded.manifest_problem} De index is niet bijgewerkt.")
    if loaded.manifest_problem:
        # Detected metadata instead of the user's would re-embed every document under
        # wrong labels; the previous index answers until the manifest is repaired.
        index = index_cls.read(
            index_dir, embedder.name, f"{loaded.manifest_problem} Tot dan komen de antwoorden uit de vorige index.",
            ann_params=settings.ann_params,
        )
        if index is None:
            raise CorpusError(f"{loaded.manifest_problem} Er is nog geen index om vragen mee te beantwoorden.")
    elif not documents and not writer and (held := index_cls.stored_document_count(index_dir)):
        # An empty folder is far more often the wrong folder than a corpus emptied on
        # purpose; only a writer (removing the last document) may empty the index.
        raise CorpusError(
            f"De documentenmap {corpus_dir} bevat geen bruikbare documenten; de bestaande index "
            f"({held} documenten) is niet gewijzigd. Kies de juiste map met ASSISTANT_CORPUS_DIR "
            "of --corpus, of een lege indexmap."
        )
    else:
        index = index_cls.open(
            index_dir, documents, embedder, chunk_document, on_index_event,
            chunker_version=CHUNKER_VERSION, stale_ok=not writer, reread=reread,
            ann_params=settings.ann_params, warn_seconds=settings.long_embedding_seconds,
            tokens_per_second=settings.embedding_tokens_per_second, chunk_vectors=settings.chunk_vectors,
        )
        loaded = readings[-1]
        documents = list(loaded.documents)
    if progress:
        for file, message in loaded.problems:
            progress(f"Overgeslagen: {file}: {message}", None)
    if index.stale_reason:
        # Serve what the index holds, with the metadata it was built with: facts and
        # filters must agree with the passages that can be cited.
        documents = [replace(d, meta=index.documents[d.id]) for d in documents if d.id in index.documents]
    tables, facts = tables_and_facts(documents, DerivedCache(corpus_dir))
    store = FactStore(facts, tables, {d.id: d.meta for d in documents}, MEANING_SCALES.get(index.chunk_vectors))
    info = CorpusInfo.from_documents(documents)
    return Opened(documents, index, embedder, store, info, loaded.problems)
