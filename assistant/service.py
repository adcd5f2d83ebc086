"""The one entry point: `Assistant.load(settings)` and `assistant.ask(question, history, filters)`.

It wires the stages together: corpus documents → persisted hybrid index → question
understanding → budget lookup or passage retrieval → an extractive, cited answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from assistant.answerers.comparison import answer_per_organization
from assistant.answerers.figure import answer_from_facts, fact_meaning
from assistant.answerers.passage import abstain, answer_from_passages
from assistant.answerers.unknown import unknown_organization, unnamed
from assistant.corpus_views import CorpusViews, DocumentInfo, Progress, prepare_corpus
from assistant.evidence import Evidence
from assistant.models import Answer, Filters
from assistant.retrieval import Retriever, soft_year
from assistant.settings import Settings
from corpus.lexicon import asked
from corpus.models import Document

if TYPE_CHECKING:
    from assistant.figures import FactStore
    from assistant.understanding import CorpusInfo, QueryPlan
    from embeddings.base import Embedder
    from embeddings.index import HybridIndex

__all__ = ["Assistant", "DocumentInfo", "Progress", "prepare_corpus"]


class Assistant(CorpusViews):
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
        self.evidence = Evidence(index, self.retriever, info, facts.tables)
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
        refused, an instruction to the assistant itself is declined), understand it into one plan, then pick the answerer — an organization no
        document covers, a comparison across organizations, a figure from the fact store
        (an amount question without a matching figure abstains), else the passage answer.
        """
        from assistant.questions import INSTRUCTION_TEXT, QuestionError, clean_question, clean_text, is_instruction

        try:
            question = clean_question(question)
        except QuestionError as exc:
            return Answer(question=clean_text(question), resolved_question="", text=exc.message, abstained=True)
        if not question:
            return Answer(question="", resolved_question="", text="Stel een vraag over de documenten.", abstained=True)
        if is_instruction(question):
            return Answer(question=question, resolved_question=question, text=INSTRUCTION_TEXT, abstained=True)
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
        # (English capitalises more than names; its Dutch terms in brackets are checked instead.)
        absent = self.evidence.absent_names(question) if plan.language == "nl" else self.evidence.absent_terms_in_brackets(question)
        if absent:
            return unnamed(question, plan.resolved_question, absent, scope)
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

