"""What every verb shares: settings from flags, loading the assistant, questions and filters, printing an answer, the user error."""

from __future__ import annotations

import argparse
import json
import sys
import time

from assistant.models import Filters
from assistant.settings import Settings


EXIT_USER_ERROR = 1


class Progress:
    """Prints progress on stderr: one rewritten line on a terminal, a line per 2 s otherwise."""

    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet
        self.tty = sys.stderr.isatty()
        self._last = 0.0

    def __call__(self, message: str, fraction: float | None = None) -> None:
        if self.quiet:
            return
        now = time.monotonic()
        done = fraction is not None and fraction >= 1.0
        if self.tty:
            sys.stderr.write("\r\x1b[2K" + message + ("\n" if done else ""))
            sys.stderr.flush()
        elif done or fraction is None or now - self._last >= 2.0:
            sys.stderr.write(message + "\n")
            self._last = now


def settings_from(args: argparse.Namespace) -> Settings:
    return Settings.from_env(
        corpus_dir=getattr(args, "corpus", None),
        index_dir=getattr(args, "index_dir", None),
        embedding_model=getattr(args, "model", None),
    )


def load_assistant(args: argparse.Namespace, writer: bool = False):  # noqa: ANN202 - returns assistant.service.Assistant
    """The assistant; when its index is a previous version, says so once (even with --quiet)."""
    from assistant.service import Assistant

    assistant = Assistant.load(settings_from(args), progress=Progress(quiet=getattr(args, "quiet", False)), writer=writer)
    if assistant.stale_reason:
        print(f"Let op: {assistant.stale_reason}", file=sys.stderr)
    return assistant


def question_from(text: str) -> str:
    """The cleaned question (assistant/questions.py); a refusal becomes a user error."""
    from assistant.questions import QuestionError, clean_question

    try:
        return clean_question(text)
    except QuestionError as exc:
        raise UserError(exc.message) from None


def filters_from(args: argparse.Namespace, assistant=None) -> Filters:  # noqa: ANN001
    """The --municipality/--year/--type filters, checked against what the corpus holds.

    A filter no document matches would silently turn every answer into "geen antwoord", so
    it is refused with the values that do exist. Municipality names are matched like in
    questions ("den bosch", "enschede" -> the canonical name).
    """
    municipality = getattr(args, "municipality", None)
    year = getattr(args, "year", None)
    doc_type = getattr(args, "type", None)
    if assistant is None:
        return Filters(municipality=municipality, year=year, doc_type=doc_type)
    options = assistant.filter_options()
    if municipality is not None:
        from corpus.municipalities import Municipalities

        known = options["municipality"]
        name = Municipalities.load().canonical(municipality.strip()) or municipality.strip()
        name = next((k for k in known if k.lower() == name.lower()), None)
        if name is None:
            raise UserError(
                f"Er zijn geen documenten van gemeente '{municipality}'; kies uit: {', '.join(known) or 'geen'}."
            )
        municipality = name
    if year is not None and str(year) not in options["year"]:
        raise UserError(f"Er zijn geen documenten uit {year}; kies uit: {', '.join(options['year']) or 'geen'}.")
    if doc_type is not None:
        known_types = options["doc_type"]
        match = next((t for t in known_types if t.lower() == doc_type.strip().lower()), None)
        if match is None:
            raise UserError(f"Er zijn geen documenten van type '{doc_type}'; kies uit: {', '.join(known_types) or 'geen'}.")
        doc_type = match
    return Filters(municipality=municipality, year=year, doc_type=doc_type)


# ---------------------------------------------------------------- verbs


class UserError(Exception):
    pass


def print_answer(answer, as_json: bool) -> None:  # noqa: ANN001
    from assistant.contract import answer_json

    if as_json:
        print(json.dumps(answer_json(answer), ensure_ascii=False, indent=2))
        return
    if answer.resolved_question and answer.resolved_question != answer.question:
        print(f"Gezocht op: {answer.resolved_question}")
    print(answer.text)
    if answer.calculation:
        print(f"Berekening: {answer.calculation.expression}")
    if answer.notice:
        print(answer.notice)
    if answer.citations:
        print("\nBronnen:")
        from assistant.render import source_text

        for c in answer.citations:
            print(f"[{c.n}] {source_text(c.passage)}")
    elif answer.abstained and answer.passages:
        print("\nMogelijk relevant:")
        for p in answer.passages[:3]:
            snippet = " ".join(p.chunk.text.split())[:160]
            print(f"- {p.meta.title} ({p.meta.municipality}): {snippet}…")
