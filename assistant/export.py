"""A conversation as Markdown with its sources, for a council member's notes.

`conversation_markdown(turns)` is pure: the same turns give the same text. Document text is
Markdown-escaped and quoted, so a passage can never inject links, HTML or formatting into
the exported notes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from assistant.models import Answer, Passage
from assistant.render import dutch_number, escape_markdown, citation_page, fact_figure, filters_text, page_label


@dataclass(frozen=True)
class Turn:
    """One exchange: the user's question and the assistant's answer, or the Dutch error
    message shown instead of an answer."""

    question: str
    answer: Answer | None = None
    error: str = ""


def _quote(text: str) -> str:
    lines = escape_markdown(text.strip(), keep_newlines=True).splitlines() or [""]
    return "\n".join(f"> {line}" if line.strip() else ">" for line in lines)


def _source_line(passage: Passage, n: int | None, page: int | None = None) -> str:
    """page: where the cited sentence stands (it may be on a later page than the chunk's start)."""
    meta = passage.meta
    page = passage.chunk.page if page is None else page
    bits = [f"**{escape_markdown(meta.title or passage.chunk.doc_id)}**"]
    if meta.municipality:
        bits.append(f"gemeente {escape_markdown(meta.municipality)}")
    if meta.year is not None:
        bits.append(f"jaar {meta.year}")
    if meta.doc_type and meta.doc_type != "onbekend":
        bits.append(escape_markdown(meta.doc_type))
    if passage.chunk.section:
        bits.append(f"sectie: {escape_markdown(' › '.join(passage.chunk.section))}")
    if page is not None:
        bits.append(escape_markdown(page_label(page)))
    prefix = f"\\[{n}\\] " if n is not None else ""
    return f"- {prefix}" + " — ".join(bits)


def _answer_markdown(answer: Answer) -> list[str]:
    out = [escape_markdown(answer.text, keep_newlines=True).replace("\n", "  \n"), ""]
    if answer.resolved_question and answer.resolved_question != answer.question:
        out += [f"*Gezocht op: {escape_markdown(answer.resolved_question)}*", ""]
    used = filters_text(answer.filters)
    if used:
        out += [f"*Filters: {escape_markdown(used)}*", ""]
    if answer.calculation is not None:
        calc = answer.calculation
        out += [
            f"Berekening: {escape_markdown(calc.description)}: "
            f"{escape_markdown(calc.expression)} = {escape_markdown(dutch_number(calc.result))}",
            "",
        ]
    if answer.facts:
        out += ["**Cijfers**", ""]
        for fact in answer.facts:
            where = " — ".join(x for x in (fact.row, fact.column) if x)
            out.append(
                f"- {escape_markdown(where)}: {escape_markdown(fact_figure(fact))} "
                f"(zoals gedrukt: {escape_markdown(fact.raw)}; {escape_markdown(fact.unit)}; "
                f"tabel: {escape_markdown(fact.table or '-')}"
                + (f"; {escape_markdown(page_label(fact.page, fact.ocr))})" if fact.page is not None else ")")
            )
        out.append("")
    if answer.citations:
        out += ["**Bronnen**", ""]
        for citation in answer.citations:
            out += [_source_line(citation.passage, citation.n, citation_page(citation, answer.facts)), ""]
            out += [_quote(citation.passage.chunk.text), ""]
    elif answer.abstained and answer.passages:
        out += ["**Mogelijk relevant**", ""]
        for passage in answer.passages[:3]:
            out += [_source_line(passage, None), "", _quote(passage.chunk.text), ""]
    return out


def conversation_markdown(turns: Sequence[Turn], title: str = "Gesprek met de gemeente-assistent") -> str:
    """The whole conversation as Markdown: per turn the question, the answer, the figures
    (with their page) and the sources (title, municipality, year, section, page, quoted passage)."""
    out = [f"# {escape_markdown(title)}", ""]
    if not turns:
        out += ["*Nog geen vragen gesteld.*", ""]
    for i, turn in enumerate(turns, start=1):
        out += [f"## Vraag {i}: {escape_markdown(turn.question)}", ""]
        if turn.answer is not None:
            out += _answer_markdown(turn.answer)
        elif turn.error:
            out += [f"*{escape_markdown(turn.error)}*", ""]
    return "\n".join(out).rstrip() + "\n"
