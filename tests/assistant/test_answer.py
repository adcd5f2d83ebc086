"""Extractive composition: sentence offsets, evidence scoring, citation numbering."""

import pytest

from assistant.answer import (
    TermStats,
    best_sentences,
    compose,
    coverage,
    split_sentences,
)
from assistant.models import Passage
from corpus.models import Chunk, DocumentMeta


def tok(text):
    return [w.strip(".,?").lower() for w in text.split() if len(w.strip(".,?")) > 2]


@pytest.mark.parametrize(
    "text",
    [
        "Eerste zin. Tweede zin met o.a. een afkorting. Derde!",
        "Kop zonder punt\nDaarna een zin. En nog een.",
        "  Ingesprongen zin.   Met spaties.  ",
        "Bedrag van €1.093.480. Dat is 0,5 miljoen minder.",
        "Een zin die de PDF\nafbrak. En een tot\n€ 5 miljoen.",
    ],
)
def test_sentence_offsets_slice_back_to_the_text(text):
    base = 100
    doc = "x" * base + text
    sentences = split_sentences(text, base)
    assert sentences
    for s in sentences:
        assert doc[s.start : s.end].replace("\n", " ") == s.text  # a wrapped line reads as one
        assert s.text == s.text.strip()


@pytest.mark.parametrize(
    "text, expected",
    [
        # a PDF wraps prose lines mid-sentence: lower case or an amount goes on
        ("Uit de praktijk blijkt dat er\ndaarnaast 100 extra zijn. Klaar.", ["Uit de praktijk blijkt dat er daarnaast 100 extra zijn.", "Klaar."]),
        ("Dit zal afnemen tot\n€ 12,5 miljoen.", ["Dit zal afnemen tot € 12,5 miljoen."]),
        # a line that ends on a number, or a new line in capitals, ends the sentence
        ("Lasten 2024\n€ 5.000", ["Lasten 2024", "€ 5.000"]),
        ("Kop van de paragraaf\nDe gemeente doet dit.", ["Kop van de paragraaf", "De gemeente doet dit."]),
        # an empty line always does
        ("Een kop\n\nvervolg in kleine letters.", ["Een kop", "vervolg in kleine letters."]),
    ],
)
def test_a_wrapped_line_is_one_sentence(text, expected):
    assert [s.text for s in split_sentences(text)] == expected


def test_abbreviation_and_amount_do_not_split():
    sentences = split_sentences("Er is o.a. €1.093.480 nodig. Klaar.")
    assert [s.text for s in sentences] == ["Er is o.a. €1.093.480 nodig.", "Klaar."]


def test_coverage_weights_rare_terms_more():
    stats = TermStats.from_token_lists([["opvang", "gemeente"], ["gemeente"], ["gemeente", "jeugd"]])
    q = ["opvang", "gemeente"]
    assert coverage(q, ["opvang"], stats) > coverage(q, ["gemeente"], stats)
    assert coverage(q, ["opvang", "gemeente"], stats) == pytest.approx(1.0)
    assert coverage(q, [], stats) == 0.0
    assert coverage([], ["opvang"], stats) == 0.0


def _passage(doc_text, start, end, rank, doc_id="d", section=("Opvang",)):
    chunk = Chunk(Chunk.make_id(doc_id, start, end, doc_text[start:end]), doc_id, section, start, end, doc_text[start:end])
    return Passage(chunk, DocumentMeta(title="T", municipality="Enschede", year=2024), 1.0 / rank, rank)


DOC = (
    "De gemeente werkt aan veel zaken in het sociaal domein. "
    "De gemiddelde verblijfsduur in de maatschappelijke opvang is gedaald naar 120 dagen. "
    "Jongeren krijgen extra begeleiding bij het vinden van werk."
)


def test_best_sentence_answers_the_question_and_is_cited_with_offsets():
    p1 = _passage(DOC, 0, len(DOC), 1)
    stats = TermStats.from_token_lists([tok(DOC), ["sport"], ["wonen"]])
    q = tok("Hoe lang is de verblijfsduur in de maatschappelijke opvang?")
    text, citations = compose(best_sentences(q, [p1], tok, stats))
    assert "120 dagen" in text and text.endswith("[1]")
    assert len(citations) == 1
    c = citations[0]
    assert DOC[c.sentence_start : c.sentence_end].startswith("De gemiddelde verblijfsduur")


def test_only_used_passages_are_cited_and_numbered_in_order():
    other = "Het sportpark wordt vernieuwd met nieuwe velden en kleedkamers voor de clubs."
    doc = DOC + " " + other
    p1 = _passage(doc, len(DOC) + 1, len(doc), 1, section=("Sport",))
    p2 = _passage(doc, 0, len(DOC), 2)
    stats = TermStats.from_token_lists([tok(DOC), tok(other)])
    q = tok("verblijfsduur maatschappelijke opvang")
    text, citations = compose(best_sentences(q, [p1, p2], tok, stats))
    assert [c.n for c in citations] == [1]
    assert citations[0].passage.chunk.id == p2.chunk.id
    assert "sportpark" not in text


def test_short_fragments_are_never_an_answer():
    doc = "Opvang. Opvang opvang."
    p = _passage(doc, 0, len(doc), 1)
    stats = TermStats.from_token_lists([["opvang"]])
    text, citations = compose(best_sentences(["opvang"], [p], tok, stats))
    assert text == "" and citations == ()


def test_dense_similarity_picks_a_paraphrased_answer():
    doc = (
        "Het college werkt samen met veel partners in de stad. "
        "Online fraude zoals phishing is in de coronamaanden fors toegenomen."
    )
    p = _passage(doc, 0, len(doc), 1, section=("Veiligheid",))
    stats = TermStats.from_token_lists([tok(doc), ["sport"]])
    q = tok("Welke vormen van internetoplichting namen toe?")  # shares no word with the answer
    second = doc.index("Online")
    dense = {("d", 0): 0.80, ("d", second): 0.90}
    text, citations = compose(best_sentences(q, [p], tok, stats, dense=dense))
    assert text.startswith("Online fraude")
    assert citations[0].sentence_start == second
