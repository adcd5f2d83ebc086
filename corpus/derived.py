"""What is derived from a document's text, kept so that opening a corpus does not derive it again.

Opening ten budgets would otherwise detect their metadata, find their tables and read
tens of thousands of figures at every start (seconds); all of it depends only on the text, the
file name, the metadata and the code of this package. `DerivedCache` keeps, per document, one
JSON file in the corpus folder's `.extracted/` (beside the PDF reader's cache): the detected
metadata and the document's tables and facts, each under a key of what it was derived from and
the sha256 of the package's source (so any change to how documents are read invalidates it).
A file of another key is simply overwritten, so the cache holds one file per document.
Writes are atomic; a damaged or foreign file is ignored and derived again; a folder that
cannot be written just means no cache.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, fields
from functools import lru_cache
from pathlib import Path
from typing import Callable

from corpus.extracted import CACHE_DIR, source_version, table_from_json
from corpus.files import read_json, write_json_quietly
from corpus.models import BudgetFact, Document, DocumentMeta, Table


def code_files() -> tuple[str, ...]:
    """The corpus package's code, its subpackages' too (`corpus/lexicon/`), and its reference
    data, as paths relative to the package: what derived results depend on."""
    here = Path(__file__).resolve().parent
    code = sorted(p.relative_to(here).as_posix() for p in here.rglob("*.py") if "__pycache__" not in p.parts)
    return tuple(code + sorted(f"reference/{p.name}" for p in (here / "reference").iterdir()))


@lru_cache(maxsize=1)
def derived_version() -> str:
    """sha256 (12 hex digits) over the corpus package's code and reference data."""
    return source_version(code_files())


def _key(*parts: str) -> str:
    digest = hashlib.sha256(derived_version().encode("utf-8"))
    for part in parts:
        digest.update(b"\0" + part.encode("utf-8"))
    return digest.hexdigest()


_FACT_FIELDS = tuple(f.name for f in fields(BudgetFact))


def _facts_to_json(facts: list[BudgetFact]) -> dict:
    """Facts as columns' names and one list of values per fact: a budget has tens of
    thousands, and their field names would be most of the file."""
    return {"fields": list(_FACT_FIELDS), "rows": [[getattr(f, name) for name in _FACT_FIELDS] for f in facts]}


def _facts_from_json(d: dict) -> list[BudgetFact]:
    if tuple(d["fields"]) != _FACT_FIELDS:
        raise ValueError("facts of another layout")
    extra = _FACT_FIELDS.index("extra")
    out = []
    for row in d["rows"]:
        if len(row) != len(_FACT_FIELDS):
            raise ValueError("a fact of another layout")
        row[extra] = tuple(tuple(pair) for pair in row[extra])
        # Frozen dataclasses set each field through object.__setattr__; filling the instance
        # dict directly builds the same value in a fraction of the time (reopening ten
        # budgets reads ~25,000 facts).
        fact = object.__new__(BudgetFact)
        fact.__dict__.update(zip(_FACT_FIELDS, row))
        out.append(fact)
    return out


class DerivedCache:
    """The derived-data cache of one corpus folder."""

    def __init__(self, corpus_dir: Path) -> None:
        self.folder = Path(corpus_dir) / CACHE_DIR

    def _cached(self, name: str, key: str, compute: Callable[[], object], encode, decode):  # noqa: ANN001
        path = self.folder / name
        stored = read_json(path)
        if isinstance(stored, dict) and stored.get("key") == key:
            try:
                return decode(stored["value"])
            except (KeyError, TypeError, ValueError):
                pass  # a file of an older layout: derive again
        value = compute()
        write_json_quietly(path, {"key": key, "value": encode(value)})
        return value

    def metadata(self, text: str, file_name: str, detect: Callable[[], DocumentMeta]) -> DocumentMeta:
        """The metadata `detect()` finds in `text` of the file `file_name`."""
        key = _key("metadata", file_name, hashlib.sha256(text.encode("utf-8")).hexdigest())
        return self._cached(f"{Path(file_name).stem}.meta.json", key, detect, asdict, lambda d: DocumentMeta(**d))

    def tables_and_facts(
        self, doc: Document, derive: Callable[[], tuple[list[Table], list[BudgetFact]]]
    ) -> tuple[list[Table], list[BudgetFact]]:
        """The tables and facts `derive()` finds in `doc`, keyed by its id, its fingerprint and
        the metadata it carries (a stale index serves documents with the metadata it was built
        with, which the fingerprint of the files does not say)."""

        def encode(value: tuple[list[Table], list[BudgetFact]]) -> dict:
            return {"tables": [asdict(t) for t in value[0]], "facts": _facts_to_json(value[1])}

        def decode(d: dict) -> tuple[list[Table], list[BudgetFact]]:
            return [table_from_json(t) for t in d["tables"]], _facts_from_json(d["facts"])

        key = _key("facts", doc.id, doc.fingerprint, json.dumps(asdict(doc.meta), sort_keys=True))
        return self._cached(f"{doc.id}.facts.json", key, derive, encode, decode)
