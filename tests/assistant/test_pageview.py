"""assistant.pageview on the fake's two-page PDF budget: the cited cell is framed on the
rendered page, the table's other cells outlined, pages are cached per document and page,
and a moved original, a missing page or a password give one Dutch sentence."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from assistant.pageview import (
    MARK_LINE,
    SCALE,
    cache_path,
    fact_view,
    original_bytes,
    passage_view,
    rendered_page,
    text_context,
)
from corpus.errors import CorpusError
from corpus.models import DocumentMeta
from corpus.pages import locate_cell, read_page_words
from tests.app import fake_assistant as fa


@pytest.fixture(scope="module")
def pdf(tmp_path_factory) -> tuple[Path, bytes]:
    path = tmp_path_factory.mktemp("corpus") / f"{fa.PDF_ID}.pdf"
    fa.write_budget_pdf(path)
    return path, path.read_bytes()


@pytest.fixture(scope="module")
def document():
    return fa.pdf_document(DocumentMeta(title="Begroting Jeugd"))


def fact(row: str, column: str):
    return fa.pdf_fact(fa.pdf_document(DocumentMeta(title="x")), row, column)


def red_pixels(png: bytes, box=None) -> int:
    """Pixels in the mark's frame colour, in the whole image or inside a box (points)."""
    import numpy as np
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    if box is not None:
        image = image.crop((int((box.x0 - 3) * SCALE), int((box.top - 3) * SCALE), int((box.x1 + 3) * SCALE), int((box.bottom + 3) * SCALE)))
    pixels = np.asarray(image, dtype=np.int16)
    return int((np.abs(pixels - np.array(MARK_LINE[:3])) < 40).all(axis=2).sum())


def test_cited_cell_is_framed_and_the_other_cells_outlined(pdf, document, tmp_path):
    _, data = pdf
    f = fact("Lasten", "Begroting 2025")
    view = fact_view(data, document, f, tmp_path)
    assert (view.page, view.pages, view.marked, view.note) == (1, 2, 1, "")
    assert view.outlined == 5  # six cells in the table, the cited one framed instead
    box = locate_cell(read_page_words(data, 1).words, "-5.800", ("Lasten",), ("Begroting 2025",)).box
    assert red_pixels(view.png, box) > 50  # the frame is drawn around the cell …
    other = locate_cell(read_page_words(data, 1).words, "-5.678", ("Lasten",), ("Begroting 2024",)).box
    assert red_pixels(view.png, other) == 0  # … and not around its neighbour
    assert view.detail is not None and 0 < len(view.detail) < len(view.png)


def test_cited_sentence_is_marked_on_its_page(pdf, document, tmp_path):
    _, data = pdf
    view = passage_view(data, document, 2, fa.PDF_SENTENCE, tmp_path)
    assert view.page == 2 and view.marked >= 1 and not view.note
    assert red_pixels(view.png) > 100
    absent = passage_view(data, document, 1, fa.PDF_SENTENCE, tmp_path)
    assert absent.marked == 0 and "niet worden gevonden" in absent.note and red_pixels(absent.png) == 0


def test_pages_are_rendered_once_then_read_from_the_cache(pdf, tmp_path):
    _, data = pdf
    png, count = rendered_page(data, 2, tmp_path, fa.PDF_ID)
    path = cache_path(tmp_path, fa.PDF_ID, data, 2)
    assert path.read_bytes() == png and count == 2
    path.write_bytes(b"from the cache")  # a second opening must not render again
    assert rendered_page(data, 2, tmp_path, fa.PDF_ID)[0] == b"from the cache"
    assert not cache_path(tmp_path, fa.PDF_ID, data + b"\n", 2).exists()  # changed file, new key
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary files left


def test_bad_input_gives_a_dutch_sentence(pdf, document, tmp_path):
    _, data = pdf
    with pytest.raises(CorpusError, match="staat niet meer in de documentenmap"):
        original_bytes(tmp_path / "leeg", document)
    with pytest.raises(CorpusError, match=r"Pagina 9 bestaat niet .*2 pagina's"):
        rendered_page(data, 9, tmp_path, fa.PDF_ID, "b.pdf")
    from tests.corpus.test_pages import table_pdf

    with pytest.raises(CorpusError, match="wachtwoord"):
        rendered_page(table_pdf(password="geheim"), 1, tmp_path, "slot", "slot.pdf")


def test_text_context_keeps_the_passage_and_says_where_it_was_cut():
    text = "Kop\n" + "Eerste alinea. " * 100 + "\nDe zin die telt. Daarna meer.\n" + "Slot. " * 200
    start = text.index("De zin die telt.")
    snippet, s, e, before, after = text_context(text, start, start + len("De zin die telt."))
    assert snippet[s:e] == "De zin die telt."
    assert before and after and len(snippet) < len(text)
    whole, s, e, before, after = text_context("Kort. De zin. Einde.", 6, 13)
    assert whole == "Kort. De zin. Einde." and whole[s:e] == "De zin." and not before and not after


def test_page_words_are_cached_and_a_damaged_cache_is_read_again(pdf, tmp_path):
    from assistant.pageview import page_words

    _, data = pdf
    first = page_words(data, 1, tmp_path, fa.PDF_ID)
    path = cache_path(tmp_path, fa.PDF_ID, data, 1, "json")
    assert path.is_file() and page_words(data, 1, tmp_path, fa.PDF_ID) == first
    path.write_text("{kapot", encoding="utf-8")
    assert page_words(data, 1, tmp_path, fa.PDF_ID) == first
