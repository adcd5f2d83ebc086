"""manifest.json: the metadata a person gave or corrected, per file in a corpus folder.

Format: {"documents": [{"file", "title", "municipality", "year", "doc_type", "program",
optional "source"}]}. Fields left out (or null) are filled by detection (corpus.store).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Iterable

from corpus.errors import CorpusError
from corpus.files import atomic_write
from corpus.models import DOC_TYPES

MANIFEST_NAME = "manifest.json"


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
        raise CorpusError(f"manifest.json is ongeldig: {where} heeft geen bestandsnaam ('file').")
    values = {k: raw.get(k) for k in _FIELDS}
    for key in ("title", "municipality", "doc_type", "program", "source"):
        if values[key] is not None and not isinstance(values[key], str):
            raise CorpusError(f"manifest.json is ongeldig: '{key}' van {raw['file']} moet tekst zijn.")
    year = values["year"]
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        raise CorpusError(f"manifest.json is ongeldig: 'year' van {raw['file']} moet een jaartal zijn.")
    if values["doc_type"] is not None and values["doc_type"] not in DOC_TYPES:
        raise CorpusError(
            f"manifest.json is ongeldig: documenttype '{values['doc_type']}' van {raw['file']} "
            f"is onbekend; kies uit {', '.join(DOC_TYPES)}."
        )
    return ManifestEntry(**values)  # type: ignore[arg-type]


def read_manifest(corpus_dir: Path) -> dict[str, ManifestEntry]:
    """Entries by file name, in manifest order; {} when there is no manifest.
    Raises CorpusError (Dutch) when the file is not valid JSON of the expected shape."""
    path = Path(corpus_dir) / MANIFEST_NAME
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise CorpusError(
            f"manifest.json in {Path(corpus_dir).name} is beschadigd (geen geldige JSON); "
            "herstel of verwijder het bestand."
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("documents"), list):
        raise CorpusError("manifest.json is ongeldig: verwacht een object met een lijst 'documents'.")
    entries: dict[str, ManifestEntry] = {}
    for index, raw in enumerate(data["documents"]):
        entry = _entry(raw, index)
        entries[entry.file] = entry
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
