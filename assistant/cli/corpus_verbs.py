"""The verbs that change or show the corpus: index, add (files and folders), remove, documents, serve-db."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from assistant.settings import Settings
from assistant.cli.common import EXIT_USER_ERROR, Progress, UserError, load_assistant, settings_from


def cmd_index(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    assistant = load_assistant(args, writer=True)
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
        Assistant.load(settings, progress=Progress(quiet=args.quiet), writer=True)
    except CorpusError as exc:
        raise UserError(f"{exc} {done}; 'assistant index' werkt de index later bij.") from None


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
                raise UserError(f"De map {path} bevat geen documenten (txt, md, html, pdf, docx).")
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
    settings = settings_from(args)
    paths = [Path(p) for p in args.paths]
    if any(p.is_dir() for p in paths):
        from assistant.service import prepare_corpus

        prepare_corpus(settings)
        overrides = {"municipality": args.municipality, "year": args.year, "doc_type": args.type, "title": args.title}
        return _add_folders(args, settings, paths, {k: v for k, v in overrides.items() if v is not None})
    if len(args.paths) > settings.max_files_per_upload:
        raise UserError(
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
    settings = settings_from(args)
    from assistant.service import prepare_corpus  # lazy: the service imports heavy modules on use only

    prepare_corpus(settings)
    removed = remove_document(settings.corpus_dir, args.doc)
    _reindex(settings, args, "Het document is wel uit de documentenmap verwijderd")
    print(f"Verwijderd: {args.doc} ({removed})")
    return 0


def cmd_documents(args: argparse.Namespace) -> int:
    assistant = load_assistant(args)
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


def cmd_serve_db(args: argparse.Namespace) -> int:
    """A local PostgreSQL with pgvector for a trial on one machine (embeddings/pgserver.py)."""
    from embeddings.pgserver import ServerError, serve

    settings = Settings.from_env()
    try:
        serve(Path(args.data) if args.data else settings.data_dir / "postgres", args.port)
    except ServerError as exc:
        raise UserError(str(exc)) from None
    return 0
