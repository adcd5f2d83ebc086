"""Pure helpers that turn assistant values into safe display text for the Streamlit app.

Document text is never trusted: everything taken from a document (or typed by a user) is
escaped here before the app shows it, so a passage holding `<script>`, `**vet**` or
`[link](javascript:...)` appears literally. Nothing here imports Streamlit.
"""

from __future__ import annotations

import html
import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable, Mapping

from assistant.models import Answer, Citation, Filters, Passage
from corpus.lexicon import years
from corpus.models import BudgetFact, DocumentMeta

# CommonMark lets any ASCII punctuation be backslash-escaped; escaping all of it is simpler
# and safer than guessing which characters start Markdown syntax in which position.
_MD_SPECIAL = re.compile(r"([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")
_MARKER = re.compile(r"\[(\d{1,3})\]")

ALL_LABEL = "Alle"
UPLOAD_TYPES = ("pdf", "docx", "html", "htm", "txt", "md")


def escape_markdown(text: str, keep_newlines: bool = False) -> str:
    """Backslash-escape every ASCII punctuation character so Markdown shows `text` literally.

    keep_newlines=False folds all whitespace runs to one space (for labels and captions);
    True keeps line breaks (the caller decides how to render them).
    """
    if not keep_newlines:
        text = " ".join(text.split())
    return _MD_SPECIAL.sub(r"\\\1", text)


def _html_lines(text: str) -> str:
    """HTML-escape text and turn line breaks into <br>, so the result is a single line."""
    escaped = html.escape(text, quote=True)
    return escaped.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")


def passage_html(text: str, highlight: tuple[int, int] | None = None) -> str:
    """One-line HTML block showing `text` literally, with text[start:end] inside <mark>.

    The result starts with `<div` and holds no line break, so a Markdown renderer treats
    it as one raw HTML block and applies no Markdown (no emphasis, links, emoji) to it;
    the only tags in it are our own. highlight: offsets relative to `text`, clamped.
    """
    if highlight is None:
        body = _html_lines(text)
    else:
        start = max(0, min(len(text), highlight[0]))
        end = max(start, min(len(text), highlight[1]))
        body = (
            _html_lines(text[:start])
            + "<mark>"
            + _html_lines(text[start:end])
            + "</mark>"
            + _html_lines(text[end:])
        )
    return f'<div class="bron-tekst">{body}</div>'


def answer_html(text: str) -> str:
    """The answer text as a one-line HTML block, escaped, with [n] markers in bold."""
    body = _MARKER.sub(r"<b>[\1]</b>", _html_lines(text))
    return f'<div class="antwoord">{body}</div>'


def citation_highlight(citation: Citation) -> tuple[int, int]:
    """The supporting sentence's offsets relative to the cited chunk's text."""
    chunk = citation.passage.chunk
    return citation.sentence_start - chunk.start, citation.sentence_end - chunk.start


def page_label(page: int | None, ocr: bool = False) -> str:
    """How a citation names its page: "p. 29", "p. 2, via tekstherkenning"; "" without pages."""
    if page is None:
        return ""
    return f"p. {page}, via tekstherkenning" if ocr else f"p. {page}"


def source_text(passage: Passage, page: int | None = None) -> str:
    """"title — municipality year — section path — p. N" as plain text (CLI, export).
    page: the page the citation opens on when it is not the passage's first (a cited cell
    or sentence further on); default the passage's page."""
    meta = passage.meta
    where = " ".join(str(p) for p in (meta.municipality, meta.year) if p)
    parts = [meta.title or passage.chunk.doc_id]
    if where:
        parts.append(where)
    if passage.chunk.section:
        parts.append(" › ".join(passage.chunk.section))
    page = passage.chunk.page if page is None else page
    if page is not None:
        parts.append(page_label(page))
    return " — ".join(parts)


def source_label(passage: Passage, n: int | None = None, page: int | None = None) -> str:
    """Expander label "[n] title — municipality year — section path — p. N", Markdown-escaped."""
    label = escape_markdown(source_text(passage, page))
    return f"\\[{n}\\] {label}" if n is not None else label


def filters_text(filters: Filters) -> str:
    """Dutch description of the filters an answer used ("" when none)."""
    parts = []
    if filters.municipality:
        parts.append(f"gemeente {filters.municipality}")
    if filters.year is not None:
        parts.append(f"jaar {filters.year}")
    if filters.doc_type:
        parts.append(f"soort {filters.doc_type}")
    return ", ".join(parts)


def option_label(value: object, counts: Mapping[object, int]) -> str:
    """Selectbox label: "Alle" for None, else "Deventer (1)" with the document count."""
    if value is None:
        return ALL_LABEL
    return f"{value} ({counts.get(value, 0)})"


def option_values(counts: Mapping[object, int]) -> list[object]:
    """Selectbox options: None ("Alle") first, then the values sorted (years newest first)."""
    values = list(counts)
    # Years may come as ints or as strings ("2024"); newest first either way.
    if values and all(str(v).isdigit() for v in values):
        values.sort(key=lambda v: int(v), reverse=True)
    else:
        values.sort(key=lambda v: str(v).lower())
    return [None, *values]


def dutch_number(value: float) -> str:
    """Format a number Dutch-style: 1234567.5 -> "1.234.567,5"; integers without decimals."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if float(value).is_integer():
        text = f"{int(value):,}"
        return text.replace(",", ".")
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def fact_figure(fact: BudgetFact) -> str:
    """The figure to show for a fact: euros when the unit is known, else as printed."""
    if fact.unit in ("eenheid niet vermeld", "%") or not fact.unit:
        return f"{fact.raw} ({fact.unit})" if fact.unit else fact.raw
    return f"€ {dutch_number(fact.value)}"


def year_columns(columns: Iterable[object]) -> list[object]:
    """Columns whose header names exactly one year ("2024", "Begroting 2025")."""
    return [c for c in columns if len(years(str(c))) == 1]


def year_series(frame, row_label: str):
    """The values of `row_label` over the frame's year columns as a pandas Series indexed by
    year header, or None when the row is absent or has fewer than two numeric year values."""
    import pandas as pd

    if frame is None or row_label not in frame.index:
        return None
    cols = year_columns(frame.columns)
    if len(cols) < 2:
        return None
    row = frame.loc[row_label]
    if isinstance(row, pd.DataFrame):  # duplicate row labels: take the first
        row = row.iloc[0]
    values = pd.to_numeric(row[cols], errors="coerce").dropna()
    if len(values) < 2:
        return None
    values.index = [str(c) for c in values.index]
    values.name = row_label
    return values


def highlighted_table(frame, row_label: str, column: str):
    """A pandas Styler of `frame` with the fact's cell (and faintly its row) highlighted,
    numbers in Dutch format; the plain frame when the labels are not unique (Styler cannot
    address cells then). Works on a copy without `attrs`: pandas compares attrs when Streamlit
    converts a Styler, which fails when attrs hold DataFrames (corpus.facts.table_frame)."""
    frame = frame.copy()
    frame.attrs = {}
    if isinstance(frame.index.name, str):  # the index header reads as a label: "Rij", not "rij"
        frame.index.name = frame.index.name[:1].upper() + frame.index.name[1:]
    if not (frame.index.is_unique and frame.columns.is_unique):
        return frame

    def colour(data):
        import pandas as pd

        styles = pd.DataFrame("", index=data.index, columns=data.columns)
        if row_label in data.index:
            styles.loc[row_label, :] = "background-color: #fff6d5"
            if column in data.columns:
                styles.loc[row_label, column] = "background-color: #ffd54f; font-weight: bold"
        return styles

    def fmt(value):
        if isinstance(value, (int, float)):
            return dutch_number(value)
        return "" if value is None else str(value)

    return frame.style.apply(colour, axis=None).format(fmt)


_NUMBERING = re.compile(r"^[\d.\s]+(?=\D)")


def _topic(meta: DocumentMeta) -> str:
    """The document's programme as a topic ("2. Inclusieve en veilige stad" -> "Inclusieve
    en veilige stad"); "" when unknown."""
    return _NUMBERING.sub("", meta.program or "").strip()


def example_questions(
    metas: Iterable[DocumentMeta], limit: int = 4, with_tables: Iterable[DocumentMeta] | None = None
) -> list[str]:
    """Example questions built from the documents' metadata, so they fit any corpus.

    metas: all documents; with_tables: the documents that hold budget tables (None: any may).
    A question names a municipality with the topic (programme) of its own document; the
    budget example pairs a municipality with the year of one of its documents that has
    tables, since a budget question about a document without tables can only abstain.
    Generic questions fill up when the corpus has little metadata.
    """

    def newest_per_municipality(items: Iterable[DocumentMeta]) -> dict[str, DocumentMeta]:
        chosen: dict[str, DocumentMeta] = {}
        for meta in sorted(items, key=lambda m: (str(m.municipality or "").lower(), -(m.year or 0))):
            if meta.municipality and meta.municipality not in chosen:
                chosen[meta.municipality] = meta
        return chosen

    metas = list(metas)
    by_municipality = newest_per_municipality(metas)
    budget = newest_per_municipality(metas if with_tables is None else with_tables)
    names = list(by_municipality)
    questions: list[str] = []
    if names:
        first = by_municipality[names[0]]
        topic = _topic(first)
        questions.append(
            f"Welke doelen heeft {names[0]} voor {topic}?" if topic else f"Welke doelen heeft {names[0]}?"
        )
    if budget:
        name = next(iter(budget))
        year = budget[name].year
        when = f" in {year}" if year else ""
        questions.append(f"Wat zijn de lasten van {name}{when}?")
    if len(names) > 1:
        second = by_municipality[names[1]]
        topic = _topic(second)
        questions.append(f"Wat doet {names[1]} voor {topic}?" if topic else f"Welke doelen heeft {names[1]}?")
    questions.append("Hoe werken gemeenten samen met partners?")
    questions.append("Welke doelen worden genoemd in de documenten?")
    return questions[:limit]


@dataclass(frozen=True)
class UploadLimits:
    max_file_mb: int
    max_files: int


def upload_count_problem(count: int, limits: UploadLimits) -> str | None:
    """Dutch message when more files are offered than allowed at once, else None."""
    if count > limits.max_files:
        return (
            f"U kunt maximaal {limits.max_files} bestanden tegelijk toevoegen; u koos er {count}. "
            "Verwijder er een paar en probeer het opnieuw."
        )
    return None


def upload_file_problem(name: str, size_bytes: int, limits: UploadLimits) -> str | None:
    """Dutch reason why one uploaded file is refused before reading it, else None."""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in UPLOAD_TYPES:
        allowed = ", ".join(t for t in UPLOAD_TYPES if t != "htm")
        return f"'{safe_file_name(name)}' heeft geen toegestaan bestandstype ({allowed})."
    if size_bytes <= 0:
        return f"'{safe_file_name(name)}' is leeg."
    if size_bytes > limits.max_file_mb * 1024 * 1024:
        mb = size_bytes / (1024 * 1024)
        return (
            f"'{safe_file_name(name)}' is te groot ({mb:.1f} MB); "
            f"het maximum is {limits.max_file_mb} MB per bestand."
        )
    return None


def safe_file_name(name: str, max_length: int = 120) -> str:
    """A file name safe to write: no directories, no control or odd characters, no leading
    dot, accents folded, length bounded, extension kept; "document" when nothing is left."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode("ascii")
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-._")
    ext = re.sub(r"[^A-Za-z0-9]+", "", ext).lower()
    stem = stem[: max(1, max_length - len(ext) - 1)] or "document"
    return f"{stem}.{ext}" if ext else stem


_TABLE_NUMBER = re.compile(r"^\s*(tabel|table)\s+\d+(?:\.\d+)*", re.I)


def table_name(caption: str) -> str:
    """How a figure card names its table: "Tabel 2.3" when the caption is numbered
    ("Tabel 2.3 - Baten en lasten P2"), else the caption itself."""
    match = _TABLE_NUMBER.match(caption or "")
    return match.group(0).strip() if match else (caption or "").strip()


def figure_card(fact: BudgetFact) -> str:
    """Where a figure stands, as a council member looks it up: "p. 29, Tabel 2.3, rij Lasten,
    kolom Begroting 2024" (parts that are unknown are left out); plain text."""
    parts = []
    if fact.page is not None:
        parts.append(page_label(fact.page, fact.ocr))
    if fact.table:
        parts.append(table_name(fact.table))
    if fact.row:
        parts.append(f"rij {fact.row}" if fact.table_id else fact.row)
    if fact.column:
        parts.append(f"kolom {fact.column}")
    return ", ".join(parts)


def cited_fact(citation: Citation, facts: Iterable[BudgetFact]) -> BudgetFact | None:
    """The answer's figure a citation points at: its cell starts inside the cited span."""
    chunk = citation.passage.chunk
    return next(
        (f for f in facts
         if f.doc_id == chunk.doc_id and citation.sentence_start <= f.start < max(citation.sentence_end, f.start + 1)),
        None,
    )


def citation_page(citation: Citation, facts: Iterable[BudgetFact] = ()) -> int | None:
    """The page a citation opens on: its figure's page when it cites one of the answer's
    figures, else the page the cited passage starts on (None without pages)."""
    fact = cited_fact(citation, facts)
    if fact is not None and fact.page is not None:
        return fact.page
    return citation.passage.chunk.page


def candidate_facts(answer: Answer) -> list[BudgetFact]:
    """The other figures an answer offers to choose from: all of them when several fit
    equally (ambiguous), else the ones listed under the best; none beside a calculation,
    whose facts are its operands."""
    if answer.calculation is not None or len(answer.facts) < 2:
        return []
    return list(answer.facts) if answer.ambiguous else list(answer.facts[1:])


def chosen_answer(answer: Answer, fact: BudgetFact) -> Answer:
    """The answer with the figure the user picked from the candidates: that figure and
    where it stands, cited with the original answer's citation of the same cell (so the
    source opens on the same page). Nothing new is computed or looked up."""
    cited = next(
        (c for c in answer.citations
         if c.passage.chunk.doc_id == fact.doc_id and c.passage.chunk.start <= fact.start < c.passage.chunk.end),
        None,
    )
    where = figure_card(fact)
    text = f"{fact_figure(fact)} (zoals gedrukt: {fact.raw}; {fact.unit})" + (f", {where}" if where else "") + "."
    citations: tuple[Citation, ...] = ()
    if cited is not None:
        citations = (Citation(1, cited.passage, fact.start, fact.end),)
        text += " [1]"
    question = f"Gekozen cijfer: {where or fact.raw}"
    return Answer(
        question=question,
        resolved_question=answer.resolved_question,
        text=text,
        citations=citations,
        passages=tuple(c.passage for c in citations),
        facts=(fact,),
        filters=answer.filters,
    )
