"""manifest.json: the metadata a person gave or corrected, per file in a corpus folder.

Format: {"documents": [{"file", "title", "municipality", "year", "doc_type", "program",
optional "source"}]}. Fields left out (or null) are filled by detection (corpus.store).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Iterable

from corpus.errors import CorpusError
from corpus.files import atomic_write
from corpus.models import DOC_TYPES

MANIFEST_NAME = "manifest.json"
# Where a damaged manifest is copied before anything could replace it: hidden (the corpus
# store skips hidden files), one copy per distinct damaged content.
DAMAGED_COPY_PREFIX = ".manifest.beschadigd-"


class ManifestDamaged(CorpusError):
    """manifest.json is not valid JSON of the expected shape. The file is left as it is;
    `copy` is the copy set aside (None when the folder could not be written)."""

    def __init__(self, message: str, copy: Path | None = None) -> None:
        super().__init__(message)
        self.copy = copy


@dataclass(frozen=True)
class ManifestEntry:
    """Metadata for one file; None means "not given, detect it"."""

    file: str
    title: str | None = None
    municipality: str | None = None
    year: int | None = None
    doc_type: str | None = None
    program: str | None = None
    source: str | None = None

    def given(self) -> dict[str, object]:
        """The metadata fields that are set (without file and source)."""
        return {
            k: v for k, v in asdict(self).items() if v is not None and k not in ("file", "source")
        }


_FIELDS = tuple(f.name for f in fields(ManifestEntry))


def _entry(raw: object, index: int) -> ManifestEntry:
    where = f"item {index + 1}"
    if not isinstance(raw, dict) or not isinstance(raw.get("file"), str) or not raw["file"]:
        raise ValueError(f"{where} heeft geen bestandsnaam ('file')")
    values = {k: raw.get(k) for k in _FIELDS}
    for key in ("title", "municipality", "doc_type", "program", "source"):
        if values[key] is not None and not isinstance(values[key], str):
            raise ValueError(f"'{key}' van {raw['file']} moet tekst zijn")
    year = values["year"]
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        raise ValueError(f"'year' van {raw['file']} moet een jaartal zijn")
    if values["doc_type"] is not None and values["doc_type"] not in DOC_TYPES:
        raise ValueError(
            f"documenttype '{values['doc_type']}' van {raw['file']} is onbekend; kies uit {', '.join(DOC_TYPES)}"
        )
    return ManifestEntry(**values)  # type: ignore[arg-type]


def _set_aside(corpus_dir: Path, data: bytes) -> Path | None:
    """A copy of a damaged manifest, so no later write can lose what the user typed."""
    copy = corpus_dir / f"{DAMAGED_COPY_PREFIX}{hashlib.sha256(data).hexdigest()[:12]}.json"
    try:
        if not copy.exists():
            atomic_write(copy, data)
    except OSError:
        return None
    return copy


def _damaged(corpus_dir: Path, data: bytes, reason: str) -> ManifestDamaged:
    copy = _set_aside(corpus_dir, data)
    where = f"; een kopie staat in {copy.name}" if copy is not None else ""
    return ManifestDamaged(
        f"manifest.json in {corpus_dir.name} is beschadigd ({reason}){where}. De metadata erin wordt "
        "niet gebruikt en er is niets gewijzigd; herstel het bestand of verwijder het.",
        copy,
    )


def read_manifest(corpus_dir: Path) -> dict[str, ManifestEntry]:
    """Entries by file name, in manifest order; {} when there is no manifest.

    Raises ManifestDamaged (a CorpusError, Dutch) when the file is not valid JSON of the
    expected shape; the file itself is never changed, and a copy is set aside once.
    """
    corpus_dir = Path(corpus_dir)
    path = corpus_dir / MANIFEST_NAME
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}
    try:
        parsed = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise _damaged(corpus_dir, data, "geen geldige UTF-8-tekst") from None
    except json.JSONDecodeError as exc:
        raise _damaged(corpus_dir, data, f"geen geldige JSON, regel {exc.lineno}") from None
    if not isinstance(parsed, dict) or not isinstance(parsed.get("documents"), list):
        raise _damaged(corpus_dir, data, "verwacht een object met een lijst 'documents'")
    entries: dict[str, ManifestEntry] = {}
    try:
        for index, raw in enumerate(parsed["documents"]):
            entry = _entry(raw, index)
            entries[entry.file] = entry
    except ValueError as exc:
        raise _damaged(corpus_dir, data, str(exc)) from None
    return entries


def write_manifest(corpus_dir: Path, entries: Iterable[ManifestEntry]) -> None:
    """Write the manifest atomically (temp file in the same folder, then os.replace), so a
    crash never leaves half a manifest. Unset optional fields are left out."""
    corpus_dir = Path(corpus_dir)
    documents = []
    for entry in entries:
        item = {"file": entry.file}
        item.update({k: v for k, v in asdict(entry).items() if k != "file" and v is not None})
        documents.append(item)
    payload = json.dumps({"documents": documents}, ensure_ascii=False, indent=2) + "\n"
    atomic_write(corpus_dir / MANIFEST_NAME, payload)
