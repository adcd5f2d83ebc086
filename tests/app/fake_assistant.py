"""A small stand-in for assistant.service.Assistant, for app tests whose subject is the page.

It has the same methods the app calls and returns real Answer/Passage/Citation/BudgetFact
values built from three tiny documents of a fictional municipality. It records every
question with the history and filters it received, so tests can prove what the page sent.
Select it with ASSISTANT_APP_FACTORY="tests.app.fake_assistant:create".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from assistant.answer import ABSTAIN_TEXT  # the real text: the fake cannot drift
from assistant.models import Answer, Calculation, Citation, Filters, Passage
from corpus.errors import CorpusError
from corpus.models import BudgetFact, Chunk, Document, DocumentMeta, stable_id

POLICY_TEXT = (
    "Armoedebeleid\n"
    "Zuiderveen wil dat minder kinderen in armoede opgroeien. "
    "Daarom verhogen we in 2024 het bereik van het kindpakket naar 80 procent. "
    "Ook breiden we de schuldhulp uit."
)
BUDGET_TEXT = (
    "Exploitatie (bedragen x € 1.000)\n"
    "| Programma | 2023 | 2024 | 2025 |\n"
    "| Armoedebeleid › Lasten | 2.503 | 2.710 | 2.800 |\n"
    "| Armoedebeleid › Baten | 542 | 560 | 575 |\n"
)
HOSTILE_TEXT = (
    "Let op: <script>alert(1)</script> en **vet** en [klik](javascript:alert(1)) "
    "staan letterlijk in dit document. Zuiderveen publiceert dit ter controle."
)
# Another municipality, so a filter can be seen to restrict the sources.
OTHER_TEXT = "Noorderhaven investeert in 2023 extra in de bijzondere bijstand voor jongeren."

TABLE_ID = "tbl-zuiderveen-exploitatie"

CREATED: list["FakeAssistant"] = []


@dataclass(frozen=True)
class FakeDocumentInfo:
    id: str
    path: str
    meta: DocumentMeta
    chunks: int
    tables: int


def _doc(doc_id: str, text: str, meta: DocumentMeta) -> Document:
    return Document(id=doc_id, path=f"{doc_id}.txt", text=text, meta=meta, fingerprint=stable_id(text))


class FakeAssistant:
    stale_reason: str | None = None

    def __init__(self, settings) -> None:  # noqa: ANN001
        self.settings = settings
        self.calls: list[tuple[str, list[str], Filters]] = []
        self.added: list[tuple[list[Path], dict]] = []
        zv = dict(municipality="Zuiderveen", year=2024, doc_type="programmabegroting")
        self.docs = {
            "zuiderveen-beleid": _doc("zuiderveen-beleid", POLICY_TEXT, DocumentMeta(title="Programma Sociaal", **zv)),
            "zuiderveen-cijfers": _doc("zuiderveen-cijfers", BUDGET_TEXT, DocumentMeta(title="Financiën Sociaal", **zv)),
            "zuiderveen-test": _doc("zuiderveen-test", HOSTILE_TEXT, DocumentMeta(title="Testdocument <b>", **zv)),
            "noorderhaven-rapportage": _doc(
                "noorderhaven-rapportage",
                OTHER_TEXT,
                DocumentMeta(title="Kwartaalrapportage", municipality="Noorderhaven", year=2023, doc_type="kwartaalrapportage"),
            ),
        }

    def index_changed(self) -> bool:
        return False

    # -- corpus views -------------------------------------------------------------
    def documents(self) -> list[FakeDocumentInfo]:
        return [FakeDocumentInfo(d.id, d.path, d.meta, 1, int("cijfers" in d.id)) for d in self.docs.values()]

    def filter_options(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {"municipality": {}, "year": {}, "doc_type": {}}
        for d in self.docs.values():
            for key, value in (("municipality", d.meta.municipality), ("year", str(d.meta.year)), ("doc_type", d.meta.doc_type)):
                out[key][value] = out[key].get(value, 0) + 1
        return out

    def table_frame(self, table_id: str) -> pd.DataFrame | None:
        if table_id != TABLE_ID:
            return None
        # Shaped like corpus.facts.table_frame: object dtype mixing numbers and printed text,
        # and attrs holding the raw cells as a DataFrame.
        index = pd.Index(["Armoedebeleid › Lasten", "Armoedebeleid › Baten"], name="rij")
        columns = ["2023", "2024", "2025", "Toelichting"]
        frame = pd.DataFrame(
            [[2503.0, 2710.0, 2800.0, "zie noot *"], [542.0, 560.0, 575.0, None]],
            index=index, columns=columns, dtype=object,
        )
        raw = pd.DataFrame([["2.503", "2.710", "2.800", "zie noot *"], ["542", "560", "575", ""]], index=index, columns=columns)
        frame.attrs.update(raw=raw, caption="Exploitatie", unit_text="bedragen x € 1.000", multiplier=1000, table_id=table_id)
        return frame

    def detect_metadata(self, path: Path) -> DocumentMeta:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
        if not text.strip():
            raise CorpusError("Het bestand is leeg.")
        match = re.search(r"[Gg]emeente (\w+)", text)
        year = re.search(r"\b(20\d\d)\b", text)
        return DocumentMeta(
            title=Path(path).stem,
            municipality=match.group(1) if match else None,
            year=int(year.group(1)) if year else None,
            doc_type="kadernota" if "kadernota" in text.lower() else "onbekend",
        )

    def add_documents(self, paths, overrides=None, progress=None):  # noqa: ANN001
        paths = [Path(p) for p in paths]
        self.added.append((paths, dict(overrides or {})))
        added = []
        for p in paths:
            text = p.read_text(encoding="utf-8", errors="replace")
            if "WEIGER" in text:
                raise CorpusError(f"{p.name} is geweigerd: het bestand bevat geen leesbare tekst.")
            o = overrides or {}
            meta = DocumentMeta(
                title=o.get("title", p.stem), municipality=o.get("municipality"), year=o.get("year"),
                doc_type=o.get("doc_type", "onbekend"),
            )
            doc = _doc(p.stem, text, meta)
            self.docs[doc.id] = doc
            added.append(doc)
            if progress:
                progress(f"{p.name} geïndexeerd", 1.0)
        return added, self

    # -- answering ------------------------------------------------------------------
    def _passage(self, doc_id: str, start: int, end: int, rank: int = 1, section=("Sociaal",)) -> Passage:
        doc = self.docs[doc_id]
        chunk = Chunk(
            id=Chunk.make_id(doc_id, start, end, doc.text[start:end]), doc_id=doc_id, section=section,
            start=start, end=end, text=doc.text[start:end],
        )
        return Passage(chunk=chunk, meta=doc.meta, score=1.0 / rank, rank=rank)

    def _cite(self, n: int, doc_id: str, sentence: str) -> Citation:
        doc = self.docs[doc_id]
        s = doc.text.index(sentence)
        passage = self._passage(doc_id, 0, len(doc.text))
        return Citation(n=n, passage=passage, sentence_start=s, sentence_end=s + len(sentence))

    def ask(self, question: str, history=(), filters: Filters | None = None) -> Answer:  # noqa: ANN001
        filters = filters or Filters()
        self.calls.append((question, list(history), filters))
        q = question.lower()
        resolved = question
        if history and q.startswith("en "):
            resolved = f"{history[-1]} ({question})"
        if "crash" in q:
            raise RuntimeError("internal failure with a traceback the user must not see")
        if filters.municipality == "Noorderhaven":
            sentence = OTHER_TEXT
            cite = self._cite(1, "noorderhaven-rapportage", sentence)
            return Answer(question, resolved, f"{sentence} [1]", citations=(cite,), passages=(cite.passage,), filters=filters)
        if "maan" in q:
            closest = self._passage("zuiderveen-beleid", 0, len(POLICY_TEXT))
            return Answer(question, resolved, ABSTAIN_TEXT, passages=(closest,), abstained=True, filters=filters)
        if "script" in q:
            sentence = "Let op: <script>alert(1)</script> en **vet** en [klik](javascript:alert(1)) staan letterlijk in dit document."
            cite = self._cite(1, "zuiderveen-test", sentence)
            return Answer(question, resolved, f"{sentence} [1]", citations=(cite,), passages=(cite.passage,), filters=filters)
        if "hoeveel" in q or "begroot" in q:
            doc = self.docs["zuiderveen-cijfers"]
            raw = "2.710"
            start = doc.text.index(raw)
            fact = BudgetFact(
                value=2_710_000.0, number=2710.0, raw=raw, unit="x € 1.000", row="Armoedebeleid › Lasten",
                column="2024", table="Exploitatie", table_id=TABLE_ID, doc_id=doc.id, municipality="Zuiderveen",
                year=2024, start=start, end=start + len(raw),
            )
            line = "| Armoedebeleid › Lasten | 2.503 | 2.710 | 2.800 |"
            cite = self._cite(1, doc.id, line)
            calc = None
            if "min" in q:
                calc = Calculation("lasten min baten", "2.710 − 560", 2150.0, (fact,))
            return Answer(
                question, resolved,
                "Zuiderveen heeft in 2024 € 2.710.000 begroot voor armoedebeleid (lasten) [1].",
                citations=(cite,), passages=(cite.passage,), facts=(fact,), filters=filters, calculation=calc,
            )
        sentence = "Daarom verhogen we in 2024 het bereik van het kindpakket naar 80 procent."
        cite = self._cite(1, "zuiderveen-beleid", sentence)
        return Answer(question, resolved, f"{sentence} [1]", citations=(cite,), passages=(cite.passage,), filters=filters)


def create(settings, progress=None) -> FakeAssistant:  # noqa: ANN001
    """Factory with Assistant.load's signature."""
    if progress:
        progress("Nepindex geladen", 1.0)
    fake = FakeAssistant(settings)
    CREATED.append(fake)
    return fake


def create_failing(settings, progress=None):  # noqa: ANN001
    """A factory that fails like a broken index would."""
    raise RuntimeError("index file truncated (traceback text)")
