"""conversation_markdown: the exported notes hold questions, answers, figures and sources,
and document text cannot inject Markdown or HTML into them."""

from __future__ import annotations

import re

from assistant.export import Turn, conversation_markdown
from assistant.models import Answer, Calculation, Citation, Filters, Passage
from corpus.models import BudgetFact, Chunk, DocumentMeta

TEXT = "Inleiding.\nWe verhogen het bereik van het kindpakket. <script>x</script> **vet**"


def passage(text: str = TEXT, section=("Sociaal", "Armoede")) -> Passage:
    chunk = Chunk(id="c1", doc_id="ede-2024", section=section, start=100, end=100 + len(text), text=text)
    meta = DocumentMeta(title="Programmabegroting 2024", municipality="Ede", year=2024, doc_type="programmabegroting")
    return Passage(chunk=chunk, meta=meta, score=1.0, rank=1)


def cited_answer() -> Answer:
    p = passage()
    s = 100 + TEXT.index("We verhogen")
    return Answer(
        question="Wat doet Ede?",
        resolved_question="Wat doet Ede tegen armoede?",
        text="We verhogen het bereik van het kindpakket. [1]",
        citations=(Citation(1, p, s, s + 42),),
        passages=(p,),
        filters=Filters(municipality="Ede"),
    )


def test_sources_are_listed_with_metadata_and_quoted_passage():
    md = conversation_markdown([Turn("Wat doet Ede?", cited_answer())])
    assert "## Vraag 1: Wat doet Ede\\?" in md
    assert "- \\[1\\] **Programmabegroting 2024** — gemeente Ede — jaar 2024 — programmabegroting — sectie: Sociaal › Armoede" in md
    assert "> Inleiding\\.\n> We verhogen het bereik" in md
    assert "*Gezocht op: Wat doet Ede tegen armoede\\?*" in md
    assert "*Filters: gemeente Ede*" in md


def test_document_text_is_escaped_in_export():
    md = conversation_markdown([Turn("<b>vraag</b>", cited_answer())])
    assert "<script>" not in md and "<b>" not in md
    assert "\\<script\\>" in md and "\\*\\*vet\\*\\*" in md


def test_budget_facts_and_calculation_are_exported():
    fact = BudgetFact(
        value=2_503_000.0, number=2503.0, raw="2.503", unit="x € 1.000", row="Armoedebeleid › Lasten",
        column="2024", table="Exploitatie", table_id="t1", doc_id="ede-2024", municipality="Ede", year=2024,
        start=0, end=5,
    )
    answer = Answer(
        question="Hoeveel?", resolved_question="Hoeveel?", text="€ 2.503.000 [1]", facts=(fact,),
        calculation=Calculation("lasten min baten", "2.503 − 542", 1961.0, (fact,)),
    )
    md = conversation_markdown([Turn("Hoeveel?", answer)])
    assert "Armoedebeleid › Lasten — 2024: € 2\\.503\\.000 (zoals gedrukt: 2\\.503" in md
    assert "Berekening: lasten min baten: 2\\.503 − 542 = 1\\.961" in md


def test_abstention_lists_closest_passages_and_errors_are_kept():
    abstain = Answer(question="Maan?", resolved_question="Maan?", text="Geen antwoord.", passages=(passage(),), abstained=True)
    md = conversation_markdown([Turn("Maan?", abstain), Turn("Kapot?", error="Er ging iets mis.")])
    assert "**Mogelijk relevant**" in md and "**Bronnen**" not in md
    assert "## Vraag 2: Kapot\\?" in md and "*Er ging iets mis\\.*" in md
    assert [int(n) for n in re.findall(r"^## Vraag (\d+)", md, flags=re.M)] == [1, 2]


def test_empty_conversation():
    md = conversation_markdown([])
    assert md.startswith("# Gesprek") and "Nog geen vragen" in md


def test_sources_and_figures_carry_their_pages():
    from dataclasses import replace

    p = passage()
    p = replace(p, chunk=replace(p.chunk, page=29))
    fact = BudgetFact(
        value=2_503_000.0, number=2503.0, raw="2.503", unit="x € 1.000", row="Lasten", column="2024",
        table="Tabel 2.3", table_id="t1", doc_id="ede-2024", municipality="Ede", year=2024, start=130, end=135, page=30,
    )
    answer = Answer("Hoeveel?", "Hoeveel?", "€ 2.503.000 [1]", citations=(Citation(1, p, 130, 135),), facts=(fact,))
    md = conversation_markdown([Turn("Hoeveel?", answer)])
    assert "tabel: Tabel 2\\.3; p\\. 30)" in md
    # The citation opens on the figure's page (30), not on the page its passage starts (29).
    assert "sectie: Sociaal › Armoede — p\\. 30" in md
    plain_answer = Answer("Wat?", "Wat?", "t [1]", citations=(Citation(1, p, 110, 120),))
    assert "— p\\. 29" in conversation_markdown([Turn("Wat?", plain_answer)])
