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
from corpus.models import BudgetFact, Chunk, Document, DocumentMeta, Table, TableRow, stable_id

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

# A two-page PDF budget (made with fpdf2 when the fake starts, into the corpus folder):
# page 1 a ruled table, page 2 a sentence, so the page view can be seen to mark both.
PDF_ID = "zuiderveen-begroting-jeugd"
PDF_TABLE_ID = "tbl-zuiderveen-jeugd"
PDF_CAPTION = "Tabel 2.3 - Baten en lasten Jeugd"
PDF_COLUMNS = ("Begroting 2024", "Begroting 2025")
PDF_ROWS = (("Baten", ("1.234", "1.300")), ("Lasten", ("-5.678", "-5.800")), ("Saldo", ("-4.444", "-4.500")))
PDF_SENTENCE = "De lasten voor jeugdhulp stijgen in 2025 door meer gebruik van specialistische zorg."

CREATED: list["FakeAssistant"] = []


@dataclass(frozen=True)
class FakeDocumentInfo:
    id: str
    path: str
    meta: DocumentMeta
    chunks: int
    tables: int


def write_budget_pdf(path: Path) -> None:
    """The two pages of the fake PDF budget; `pdf_document` gives the text the corpus layer
    would have read from them."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_font("Helvetica", size=16)
    pdf.text(20, 25, "Programma 2 Jeugd")
    pdf.set_font("Helvetica", size=10)
    pdf.text(20, 40, PDF_CAPTION)
    y = 46
    widths = (70, 40, 40)
    for i, line in enumerate((("bedragen x 1.000", *PDF_COLUMNS), *((label, *cells) for label, cells in PDF_ROWS))):
        pdf.set_xy(20, y + 8 * i)
        for j, (width, text) in enumerate(zip(widths, line)):
            pdf.cell(width, 8, text, border=1, align="L" if j == 0 else "R")
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.text(20, 25, "Toelichting")
    pdf.set_xy(20, 32)
    pdf.multi_cell(120, 6, "Inleiding van het programma. " + PDF_SENTENCE + " Wij volgen dit elk kwartaal.")
    path.write_bytes(bytes(pdf.output()))


def pdf_document(meta: DocumentMeta) -> Document:
    """The fake PDF as the corpus layer reads it: page texts, page starts, the table with
    exact cell offsets."""
    header = "| bedragen x 1.000 | " + " | ".join(PDF_COLUMNS) + " |"
    page1 = f"Programma 2 Jeugd\n{PDF_CAPTION}\n{header}\n"
    rows = []
    for label, cells in PDF_ROWS:
        line_start = len(page1)
        line = f"| {label} | " + " | ".join(cells) + " |"
        spans, at = [], 0
        for cell in cells:
            at = line.index(cell, at)
            spans.append((line_start + at, line_start + at + len(cell)))
            at += len(cell)
        rows.append(TableRow(label=(label,), cells=cells, start=line_start, end=line_start + len(line), cell_spans=tuple(spans)))
        page1 += line + "\n"
    page2 = "Toelichting\nInleiding van het programma. " + PDF_SENTENCE + " Wij volgen dit elk kwartaal."
    text = page1 + "\n" + page2
    table = Table(
        id=PDF_TABLE_ID, doc_id=PDF_ID, caption=PDF_CAPTION, section=("Programma 2 Jeugd",), columns=PDF_COLUMNS,
        rows=tuple(rows), start=page1.index(header), end=len(page1), header_span=(page1.index(header), page1.index(header) + len(header)),
        unit_text="bedragen x 1.000", multiplier=1000, page=1,
    )
    return Document(
        id=PDF_ID, path=f"{PDF_ID}.pdf", text=text, meta=meta, fingerprint=stable_id(text),
        page_starts=(0, len(page1) + 1), tables=(table,),
    )


def pdf_fact(doc: Document, row: str, column: str) -> BudgetFact:
    """The fact the corpus layer makes of one cell of the fake PDF's table."""
    [table] = doc.tables
    r = next(r for r in table.rows if r.label == (row,))
    i = table.columns.index(column)
    start, end = r.cell_spans[i]
    raw = r.cells[i]
    number = float(raw.replace(".", ""))
    return BudgetFact(
        value=number * 1000, number=number, raw=raw, unit="x € 1.000", row=row, column=column, table=PDF_CAPTION,
        table_id=PDF_TABLE_ID, doc_id=doc.id, municipality="Zuiderveen", year=2024, start=start, end=end, page=1,
    )


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
            PDF_ID: pdf_document(DocumentMeta(title="Begroting Jeugd", **zv)),
        }
        # The originals, where the app looks for them to render pages and offer downloads.
        corpus = Path(settings.corpus_dir)
        corpus.mkdir(parents=True, exist_ok=True)
        for doc in self.docs.values():
            target = corpus / doc.path
            if not target.exists():
                if doc.path.endswith(".pdf"):
                    write_budget_pdf(target)
                else:
                    target.write_text(doc.text, encoding="utf-8")

    def index_changed(self) -> bool:
        return False

    # -- corpus views -------------------------------------------------------------
    def documents(self) -> list[FakeDocumentInfo]:
        return [FakeDocumentInfo(d.id, d.path, d.meta, 1, int("cijfers" in d.id) or len(d.tables)) for d in self.docs.values()]

    def document(self, doc_id: str) -> Document | None:
        return self.docs.get(doc_id)

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
            start=start, end=end, text=doc.text[start:end], page=doc.page_at(start),
        )
        return Passage(chunk=chunk, meta=doc.meta, score=1.0 / rank, rank=rank)

    def _cite(self, n: int, doc_id: str, sentence: str, start: int = 0) -> Citation:
        """Cite `sentence` in a passage from `start` to the end of the document."""
        doc = self.docs[doc_id]
        s = doc.text.index(sentence)
        passage = self._passage(doc_id, start, len(doc.text))
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
        if "jeugd" in q:
            return self._pdf_answer(question, resolved, q, filters)
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
        # The passage leaves out the heading, so the source's surrounding text shows more than it.
        cite = self._cite(1, "zuiderveen-beleid", sentence, start=POLICY_TEXT.index("Zuiderveen wil"))
        return Answer(question, resolved, f"{sentence} [1]", citations=(cite,), passages=(cite.passage,), filters=filters)

    def _pdf_answer(self, question: str, resolved: str, q: str, filters: Filters) -> Answer:
        """"waarom …jeugd…": a passage on page 2; otherwise the 2025 lasten, with two other
        cells offered as candidates (or all three as equally fitting when "ongeveer" is asked)."""
        doc = self.docs[PDF_ID]
        if "waarom" in q:
            s = doc.text.index(PDF_SENTENCE)
            page2 = doc.page_starts[1]
            passage = self._passage(PDF_ID, page2, len(doc.text), section=("Toelichting",))
            cite = Citation(1, passage, s, s + len(PDF_SENTENCE))
            return Answer(question, resolved, f"{PDF_SENTENCE} [1]", citations=(cite,), passages=(passage,), filters=filters)
        facts = (pdf_fact(doc, "Lasten", "Begroting 2025"), pdf_fact(doc, "Lasten", "Begroting 2024"), pdf_fact(doc, "Saldo", "Begroting 2025"))
        [table] = doc.tables
        passage = self._passage(PDF_ID, table.start, table.end, section=("Programma 2 Jeugd",))
        citations = (Citation(1, passage, facts[0].start, facts[0].end),)
        ambiguous = "ongeveer" in q
        text = ("Meerdere bedragen passen even goed bij uw vraag. [1]" if ambiguous
                else "De lasten voor jeugd zijn in 2025 begroot op -5.800 (x € 1.000). [1]")
        return Answer(question, resolved, text, citations=citations, passages=(passage,), facts=facts,
                      ambiguous=ambiguous, filters=filters)


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
