"""The corpus folder: documents plus manifest.json, read into `Document`s and changed safely.

- `ensure_default_corpus(corpus_dir)` seeds an absent or empty folder with the shipped documents.
- `load_corpus(corpus_dir)` reads every supported file; a bad file is reported, not fatal.
- `add_documents`, `update_metadata`, `remove_document` change the folder; each validates
  first and leaves the folder untouched when it refuses.

Every change holds the corpus folder's writer lock (corpus.locks) from reading the manifest
to writing it, so two uploads or two `assistant add` at once both land; reading takes no lock.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import asdict, replace
from pathlib import Path
from typing import Iterable

from corpus.derived import DerivedCache
from corpus.errors import CorpusError
from corpus.files import atomic_write
from corpus.loaders import SUPPORTED_SUFFIXES, Content, load_content
from corpus.locks import writer_lock
from corpus.manifest import MANIFEST_NAME, ManifestDamaged, ManifestEntry, read_manifest, write_manifest
from corpus.metadata import MAX_YEAR, MIN_YEAR, detect_metadata
from corpus.models import DOC_TYPES, Document, DocumentMeta
from corpus.municipalities import Municipalities
from corpus.text import fold

SHIPPED_DIR = Path(__file__).resolve().parent / "seeds"
DEFAULT_MAX_BYTES = 20 * 1024 * 1024  # settings.max_file_mb default
EDITABLE_FIELDS = ("title", "municipality", "year", "doc_type", "program")
_RESERVED_STEMS = {"con", "prn", "aux", "nul", "manifest"} | {f"com{i}" for i in range(1, 10)} | {
    f"lpt{i}" for i in range(1, 10)
}


class CorpusLoad(list):
    """The documents of a corpus (a list of Document, sorted by id, so it can be used
    wherever `list[Document]` is expected) plus `problems`: (file name, Dutch message) for
    every file that was skipped, and `manifest_problem`: the Dutch message when manifest.json
    is damaged (the documents then carry detected metadata only)."""

    def __init__(
        self,
        documents: Iterable[Document] = (),
        problems: Iterable[tuple[str, str]] = (),
        manifest_problem: str | None = None,
    ):
        super().__init__(documents)
        self.problems: list[tuple[str, str]] = list(problems)
        self.manifest_problem = manifest_problem

    @property
    def documents(self) -> list[Document]:
        return list(self)


class AddResult(list):
    """The Documents that were added (a list of Document) plus `updated`: documents already
    in the corpus whose metadata this upload changed, and `already_present`: (uploaded file
    name, id of the identical document already in the corpus) for those left as they were."""

    def __init__(
        self,
        documents: Iterable[Document] = (),
        already_present: Iterable[tuple[str, str]] = (),
        updated: Iterable[Document] = (),
    ):
        super().__init__(documents)
        self.already_present: list[tuple[str, str]] = list(already_present)
        self.updated: list[Document] = list(updated)


# --- names --------------------------------------------------------------------------------


def slugify(stem: str) -> str:
    """A safe file stem: ascii lower-case letters, digits and single hyphens, at most 80
    characters; never empty, hidden or a reserved device name."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(stem)).strip("-")
    slug = slug[:80].rstrip("-") or "document"
    if slug in _RESERVED_STEMS:
        slug += "-document"
    return slug


def safe_file_name(name: str) -> str:
    """Sanitised file name for an upload: slug of the stem plus the lower-cased extension."""
    base = Path(name.replace("\\", "/")).name  # never keep directory parts
    suffix = Path(base).suffix.lower()
    return slugify(Path(base).stem if suffix else base) + suffix


def _corpus_files(corpus_dir: Path) -> list[Path]:
    if not corpus_dir.is_dir():
        return []
    return sorted(
        p
        for p in corpus_dir.iterdir()
        if p.is_file() and not p.name.startswith(".") and p.name != MANIFEST_NAME
    )


# --- shipped corpus -------------------------------------------------------------------------


def ensure_default_corpus(corpus_dir: Path, shipped_dir: Path = SHIPPED_DIR) -> bool:
    """Copy the shipped documents and manifest into `corpus_dir` when it is absent or has no
    visible files. Returns True when it copied.

    An absent folder is made as a temporary sibling and renamed, so an interrupted copy never
    leaves a half corpus. An existing empty folder (it may be a mount point, which cannot be
    replaced) is filled under its writer lock, the manifest last.
    """
    corpus_dir = Path(corpus_dir)
    shipped = [p for p in sorted(Path(shipped_dir).iterdir()) if p.is_file() and not p.name.startswith(".")]

    def has_files() -> bool:
        return corpus_dir.is_dir() and any(not p.name.startswith(".") for p in corpus_dir.iterdir())

    if has_files():
        return False
    if not corpus_dir.exists():
        corpus_dir.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{corpus_dir.name}-", dir=corpus_dir.parent))
        try:
            tmp.chmod(0o755)  # mkdtemp makes it private; the corpus is an ordinary folder
            for src in shipped:
                # copyfile, not copy2: the shipped files are read-only, the working copy is not.
                shutil.copyfile(src, tmp / src.name)
            os.rename(tmp, corpus_dir)
            return True
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
            if not corpus_dir.is_dir():
                raise
            # Another process made the folder meanwhile: treat it as an existing one below.
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    with writer_lock(corpus_dir):
        if has_files():
            return False
        ordered = [p for p in shipped if p.name != MANIFEST_NAME] + [p for p in shipped if p.name == MANIFEST_NAME]
        for src in ordered:
            atomic_write(corpus_dir / src.name, src.read_bytes())
    return True


# --- reading --------------------------------------------------------------------------------


def fingerprint(data: bytes, meta: DocumentMeta) -> str:
    """sha256 of the file bytes plus the metadata, so a metadata correction re-indexes too."""
    digest = hashlib.sha256(data)
    digest.update(json.dumps(asdict(meta), sort_keys=True, ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()


def _merge(detected: DocumentMeta, entry: ManifestEntry | None) -> DocumentMeta:
    if entry is None:
        return detected
    return replace(detected, **entry.given())


def _make_document(path: Path, content: Content, entry: ManifestEntry | None) -> Document:
    cache = DerivedCache(path.parent)
    detected = cache.metadata(content.text, path.name, lambda: detect_metadata(content.text, path.name))
    meta = _merge(detected, entry)
    return content.document(path.stem, path.name, meta, fingerprint(path.read_bytes(), meta))


def load_corpus(corpus_dir: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> CorpusLoad:
    """Every supported file in `corpus_dir` as a Document, sorted by id. Manifest fields win;
    detection fills the rest. Files that cannot be read, unsupported files and duplicate ids
    are skipped and listed in `.problems`. A damaged manifest is left as it is (a copy is set
    aside), reported in `.problems` and `.manifest_problem`, and its metadata not used: the
    caller decides whether detected metadata may be indexed (the service does not)."""
    corpus_dir = Path(corpus_dir)
    problems: list[tuple[str, str]] = []
    if not corpus_dir.is_dir():
        return CorpusLoad([], [(str(corpus_dir), f"De map {corpus_dir} bestaat niet.")])
    manifest_problem = None
    try:
        manifest = read_manifest(corpus_dir)
    except ManifestDamaged as exc:
        manifest = {}
        manifest_problem = str(exc)
        problems.append((MANIFEST_NAME, manifest_problem))
    files = _corpus_files(corpus_dir)
    # Two files with one stem would share an id; the one the manifest names is kept.
    files.sort(key=lambda p: (p.stem, p.name not in manifest, p.name))
    documents: dict[str, Document] = {}
    for path in files:
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            kind = path.suffix or "zonder extensie"
            problems.append(
                (path.name, f"Bestandstype {kind} van {path.name} wordt niet ondersteund en is overgeslagen.")
            )
            continue
        if path.stem in documents:
            problems.append(
                (path.name, f"{path.name} is overgeslagen: er is al een document met id '{path.stem}'.")
            )
            continue
        try:
            content = load_content(path, max_bytes)
        except CorpusError as exc:
            problems.append((path.name, str(exc)))
            continue
        documents[path.stem] = _make_document(path, content, manifest.get(path.name))
    return CorpusLoad(sorted(documents.values(), key=lambda d: d.id), problems, manifest_problem)


# --- validation of user-given metadata -----------------------------------------------------


def validate_fields(fields: dict[str, object]) -> dict[str, object]:
    """Check and normalise user-given metadata (municipality to its canonical name, year to
    int). Raises CorpusError in Dutch naming the field and what is allowed."""
    unknown = sorted(set(fields) - set(EDITABLE_FIELDS))
    if unknown:
        raise CorpusError(
            f"Onbekend metadataveld {', '.join(unknown)}; te wijzigen zijn {', '.join(EDITABLE_FIELDS)}."
        )
    clean: dict[str, object] = {}
    for key, value in fields.items():
        if value is None:
            clean[key] = None
            continue
        if isinstance(value, str) and not value.strip():
            if key == "title":
                raise CorpusError("De titel mag niet leeg zijn.")
            clean[key] = None
            continue
        if key == "municipality":
            known = Municipalities.load()
            name = known.canonical(str(value))
            if name is None:
                close = difflib.get_close_matches(str(value).strip(), known.names(), n=3, cutoff=0.6)
                if not close:
                    prefix = str(value).strip().lower()[:3]
                    close = [n for n in known.names() if n.lower().startswith(prefix)][:3]
                hint = f" Bedoelt u {' of '.join(close)}?" if close else ""
                raise CorpusError(f"Gemeente '{value}' is onbekend.{hint}".strip())
            clean[key] = name
        elif key == "year":
            try:
                year = int(str(value).strip())
            except ValueError:
                raise CorpusError(f"Jaar '{value}' is geen jaartal.") from None
            if not MIN_YEAR <= year <= MAX_YEAR:
                raise CorpusError(f"Jaar {year} valt buiten {MIN_YEAR}–{MAX_YEAR}.")
            clean[key] = year
        elif key == "doc_type":
            if value not in DOC_TYPES:
                raise CorpusError(f"Documenttype '{value}' is onbekend; kies uit {', '.join(DOC_TYPES)}.")
            clean[key] = value
        else:
            clean[key] = re.sub(r"\s+", " ", str(value)).strip()[:200]
    return clean


# --- changing the corpus --------------------------------------------------------------------


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def add_documents(
    corpus_dir: Path,
    paths: Iterable[Path],
    overrides: dict[str, object] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> AddResult:
    """Validate every file, then copy them into `corpus_dir` under sanitised unique names
    and record detected (+ override) metadata in the manifest so the user can correct it.

    overrides: municipality / year / doc_type / title / program for all files of this upload.
    A file identical to one already in the corpus is not copied again; with overrides that
    change its metadata, its manifest entry is updated (that is how a user corrects detected
    metadata: upload or `assistant add` the same file again with the right values).
    Returns the added Documents, with `.updated` and `.already_present`. Raises CorpusError,
    with nothing written, when any file or override is invalid. Holds the corpus writer lock.
    """
    corpus_dir = Path(corpus_dir)
    paths = [Path(p) for p in paths]
    if not paths:
        raise CorpusError("Er zijn geen bestanden gekozen om toe te voegen.")
    # A blank form field means "not given": detection keeps its value.
    given = {
        k: v for k, v in (overrides or {}).items()
        if v is not None and not (isinstance(v, str) and not v.strip())
    }
    clean = validate_fields(given)

    problems: list[tuple[str, str]] = []
    loaded: list[tuple[Path, Content, bytes]] = []
    for path in paths:
        try:
            loaded.append((path, load_content(path, max_bytes), path.read_bytes()))
        except CorpusError as exc:
            problems.append((path.name, str(exc)))
    if problems:
        detail = " ".join(message for _, message in problems)
        raise CorpusError(
            f"Er is niets toegevoegd omdat {len(problems)} van de {len(paths)} bestanden niet "
            f"bruikbaar {'is' if len(problems) == 1 else 'zijn'}: {detail}",
            problems=tuple(problems),
        )

    with writer_lock(corpus_dir):
        return _add_locked(corpus_dir, loaded, clean)


def _add_locked(corpus_dir: Path, loaded: list[tuple[Path, Content, bytes]], clean: dict[str, object]) -> AddResult:
    manifest = read_manifest(corpus_dir)
    files = _corpus_files(corpus_dir)
    existing = {_sha(p): p for p in files}
    taken = {p.stem for p in files}
    plan: list[tuple[Path, Content, bytes, str]] = []  # source, content, bytes, target name
    already: list[tuple[str, str]] = []
    updates: dict[str, tuple[ManifestEntry, Content]] = {}  # file name -> (new entry, content)
    for path, content, data in loaded:
        digest = hashlib.sha256(data).hexdigest()
        if digest in existing:
            present = existing[digest]
            entry = manifest.get(present.name) or ManifestEntry(file=present.name)
            changed = replace(entry, **clean) if clean else entry
            if changed != entry:
                updates[present.name] = (changed, content)
            else:
                already.append((path.name, present.stem))
            continue
        name = safe_file_name(path.name)
        stem, suffix = Path(name).stem, Path(name).suffix
        candidate, n = stem, 2
        while candidate in taken:
            candidate, n = f"{stem}-{n}", n + 1
        taken.add(candidate)
        existing[digest] = corpus_dir / (candidate + suffix)
        plan.append((path, content, data, candidate + suffix))

    if not plan and not updates:
        return AddResult([], already)
    corpus_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    documents: list[Document] = []
    entries = dict(manifest)
    try:
        for source, content, data, target in plan:
            atomic_write(corpus_dir / target, data)
            written.append(corpus_dir / target)
            detected = detect_metadata(content.text, source.name)
            meta = replace(detected, **clean) if clean else detected
            entries[target] = ManifestEntry(
                file=target, title=meta.title, municipality=meta.municipality, year=meta.year,
                doc_type=meta.doc_type, program=meta.program, source=source.name,
            )
            documents.append(content.document(Path(target).stem, target, meta, fingerprint(data, meta)))
        for name, (entry, _) in updates.items():
            entries[name] = entry
        write_manifest(corpus_dir, entries.values())
    except BaseException:
        for path in written:  # all or nothing
            path.unlink(missing_ok=True)
        raise
    updated = [_make_document(corpus_dir / name, content, entry) for name, (entry, content) in updates.items()]
    return AddResult(documents, already, updated)


def _find_file(corpus_dir: Path, doc_id: str) -> Path:
    files = [p for p in _corpus_files(corpus_dir) if p.suffix.lower() in SUPPORTED_SUFFIXES]
    for path in files:
        if path.stem == doc_id:
            return path
    known = ", ".join(sorted(p.stem for p in files)) or "geen"
    raise CorpusError(f"Document '{doc_id}' bestaat niet; bekende documenten: {known}.")


def update_metadata(
    corpus_dir: Path, doc_id: str, max_bytes: int = DEFAULT_MAX_BYTES, **fields: object
) -> Document:
    """Correct a document's metadata (title, municipality, year, doc_type, program; None
    clears a field so detection fills it again). Returns the Document as it now loads."""
    corpus_dir = Path(corpus_dir)
    clean = validate_fields(fields)
    with writer_lock(corpus_dir):
        path = _find_file(corpus_dir, doc_id)
        manifest = read_manifest(corpus_dir)
        entry = manifest.get(path.name) or ManifestEntry(file=path.name)
        entry = replace(entry, **clean)
        manifest[path.name] = entry
        content = load_content(path, max_bytes)
        write_manifest(corpus_dir, manifest.values())
    return _make_document(path, content, entry)


def remove_document(corpus_dir: Path, doc_id: str) -> str:
    """Delete a document's file and its manifest entry; returns the removed file name.
    Unknown id -> CorpusError naming the known ids."""
    corpus_dir = Path(corpus_dir)
    _find_file(corpus_dir, doc_id)  # refuse an unknown id without creating a lock file
    with writer_lock(corpus_dir):
        path = _find_file(corpus_dir, doc_id)
        manifest = read_manifest(corpus_dir)
        path.unlink()
        # A manifest entry without a file is ignored by load_corpus, so dropping it second is safe.
        if path.name in manifest:
            del manifest[path.name]
            write_manifest(corpus_dir, manifest.values())
    return path.name
