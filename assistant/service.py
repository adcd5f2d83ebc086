"""The one entry point: `Assistant.load(settings)` and `assistant.ask(question, history, filters)`.

It wires the stages together: corpus documents → persisted hybrid index → question
understanding → budget lookup or passage retrieval → an extractive, cited answer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.answerers.comparison import answer_per_organization
from assistant.answerers.figure import answer_from_facts, fact_meaning
from assistant.answerers.passage import abstain, answer_from_passages
from assistant.answerers.unknown import unknown_organization
from assistant.evidence import Evidence
from assistant.models import Answer, Filters
from assistant.retrieval import Retriever, soft_year
from assistant.settings import DEFAULT_CORPUS_DIR, SHIPPED_CORPUS_DIR, Settings
from corpus.lexicon import asked
from corpus.models import Document, DocumentMeta

if TYPE_CHECKING:
    import pandas as pd

    from assistant.figures import FactStore
    from assistant.understanding import CorpusInfo, QueryPlan
    from corpus.store import AddResult
    from embeddings.base import Embedder
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


class Assistant:
    """Holds the loaded index, facts and question-understanding data for one corpus."""

    def __init__(
        self,
        settings: Settings,
        documents: list[Document],
        index: "HybridIndex",
        embedder: "Embedder",
        facts: "FactStore",
        info: "CorpusInfo",
        problems: Sequence[tuple[str, str]] = (),
        retrieval_mode: str = "hybrid",
        understanding: bool = True,
    ) -> None:
        self.settings = settings
        self._documents = {d.id: d for d in documents}
        self.index = index
        # Dutch reason when the index is a previous version (it could not be brought up to
        # date); interfaces show it once per session. None when the index is current.
        self.stale_reason: str | None = getattr(index, "stale_reason", None)
        # Grows with every build of the index directory: of two loaded assistants, the one
        # with the higher version has seen the newer corpus.
        self.version: int = getattr(index, "version", 0)
        self.embedder = embedder
        self.facts = facts
        self.info = info
        self.problems = list(problems)
        self.retriever = Retriever(index, embedder, mode=retrieval_mode)
        # False: search the literal question with explicit filters only (evaluation baseline).
        self.understanding = understanding
        self.evidence = Evidence(index, self.retriever, info)
        # Each fact's sentence in the index: its row line or sentence, whose vector says how
        # close a question is to it in meaning (facts found by meaning, not only by words).
        self._fact_units = self.evidence.sentence_units([(f.doc_id, f.start) for f in facts.facts])

    # ------------------------------------------------------------------ loading
    @classmethod
    def load(
        cls,
        settings: Settings | None = None,
        progress: Progress | None = None,
        embedder: "Embedder | None" = None,
        retrieval_mode: str = "hybrid",
        understanding: bool = True,
        writer: bool = False,
    ) -> "Assistant":
        """Load (building or updating as needed) the index for `settings.corpus_dir`.

        writer=False (asking, listing, the app's start): never waits for another writer and
        never fails on a failed write while a previous index exists; that index answers and
        `stale_reason` says why. A damaged manifest.json (the previous index answers) or an
        empty corpus folder (refused) never changes the index. writer=True (after add/remove,
        `assistant index`): waits for the writer lock, raises when the index cannot be
        written or the manifest is damaged, and may empty the index.

        Raises corpus.errors.CorpusError with a Dutch message when the corpus cannot be read.
        """
        from assistant.loading import open_corpus

        settings = settings or Settings.from_env()
        prepare_corpus(settings)
        opened = open_corpus(settings, progress, embedder, writer)
        return cls(
            settings, opened.documents, opened.index, opened.embedder, opened.facts, opened.info, opened.problems,
            retrieval_mode, understanding,
        )

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

    # ------------------------------------------------------------------ corpus views
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
        return Assistant.load(
            self.settings, progress, embedder=self.embedder, retrieval_mode=self.retriever.mode, writer=True
        )

    # ------------------------------------------------------------------ asking
    def plan(self, question: str, history: Sequence[str] = (), filters: Filters | None = None) -> "QueryPlan":
        from assistant.understanding import QueryPlan, understand

        if not self.understanding:
            # The baseline searches the literal question with only the user's own filters.
            return QueryPlan(question=question, resolved_question=question, search_text=question, filters=filters or Filters(), asked=asked(question))
        return understand(question, list(history), self.info, filters or Filters())

    def ask(
        self,
        question: str,
        history: Sequence[str] = (),
        filters: Filters | None = None,
    ) -> Answer:
        """Answer `question` (Dutch or English) given earlier user questions and explicit filters.

        The router: clean the question (assistant/questions.py; over the length limit it is
        refused), understand it into one plan, then pick the answerer — an organization no
        document covers, a comparison across organizations, a figure from the fact store
        (an amount question without a matching figure abstains), else the passage answer.
        """
        from assistant.questions import QuestionError, clean_question, clean_text

        try:
            question = clean_question(question)
        except QuestionError as exc:
            return Answer(question=clean_text(question), resolved_question="", text=exc.message, abstained=True)
        if not question:
            return Answer(question="", resolved_question="", text="Stel een vraag over de documenten.", abstained=True)
        history = [h for h in (clean_text(h) for h in history) if h]
        explicit = filters or Filters()
        plan = self.plan(question, history, explicit)
        # A year in a question is a cue, not a filter: planning-and-control documents report
        # on several years ("de verblijfsduur in 2022" stands in a 2024 budget). Only a year
        # the user sets explicitly restricts the documents searched; the budget lookup weighs
        # the detected year against table columns itself.
        scope = Filters(plan.filters.municipality, explicit.year, plan.filters.doc_type)
        about = None
        if plan.unknown_municipality and scope.municipality is None:
            if not plan.unknown_is_partner or not self.evidence.mentions(plan.unknown_municipality):
                return unknown_organization(
                    question, plan.resolved_question, plan.unknown_municipality, self.info.municipalities, scope
                )
            # Named as a partner ("de ontvlechting met Voorschoten") of an organization whose
            # documents are loaded and name it: answer from those, and say so. Asked about in
            # its own right ("de reserve van Voorschoten"), it is not answered from others'.
            about = (
                f"Er zijn geen documenten van {plan.unknown_municipality} geladen; dit antwoord komt uit "
                f"documenten die {plan.unknown_municipality} noemen."
            )
        if plan.compare_all and scope.municipality is None:
            return answer_per_organization(self.evidence, question, plan, scope, list(self.info.municipalities))
        return _noted(self._answer(question, plan, scope, explicit), about)

    def _answer(self, question: str, plan: "QueryPlan", scope: Filters, explicit: Filters) -> Answer:
        search = self.evidence.search(self.evidence.search_text(plan, scope), scope)
        if plan.asked.money or plan.asked.value:
            budget_scope = plan.filters if explicit.year is not None else soft_year(plan.filters, self.index.documents)
            meaning = fact_meaning(self.facts, self._fact_units, search.sentence_scores)
            figure = answer_from_facts(self.evidence, self.facts, question, plan, budget_scope, search.passages, meaning)
            if figure is not None:
                return figure
            if plan.asked.amount:
                # Every amount in the documents is in the fact store (table cells and amounts
                # in sentences). When none matches an amount question, a passage answer could
                # only quote some other amount: say the documents do not hold it.
                return abstain(question, plan, scope, search.passages)
        return answer_from_passages(self.evidence, question, plan, scope, search, self.embedder.name)


def _noted(answer: Answer, notice: str | None) -> Answer:
    """The answer with a notice above it (kept with any notice it already has)."""
    if not notice:
        return answer
    return replace(answer, notice=f"{notice} {answer.notice}".strip() if answer.notice else notice)

