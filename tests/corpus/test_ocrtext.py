"""OCR repairs: an article glued to its noun is separated when the document shows the noun."""

from corpus.ocrtext import known_words, unglue_articles


def _repair(text: str) -> str:
    return unglue_articles(text, known_words([text]))


def test_an_article_glued_to_a_word_the_document_prints_is_separated_again() -> None:
    text = "Derapportagegrens is € 400.000. Het woord rapportagegrens ontbreekt in lid 3."
    assert _repair(text).startswith("De rapportagegrens is € 400.000.")


def test_het_and_een_are_separated_too_after_a_stray_mark() -> None:
    text = "_Hetweerstandsvermogen is voldoende. Eenbijdrage volgt. Het weerstandsvermogen en de bijdrage."
    assert _repair(text).split(". ")[:2] == ["_Het weerstandsvermogen is voldoende", "Een bijdrage volgt"]


def test_a_word_that_only_looks_glued_stays_whole() -> None:
    # "Degelijk" and "Deregulering" are words: the document prints them in lower case too.
    text = "Degelijk werk. Deregulering helpt. Het is degelijk en de deregulering van regels en gelijk werk."
    assert _repair(text) == text


def test_nothing_is_split_when_the_rest_is_no_word_of_the_document() -> None:
    text = "Deelnemers melden zich. Demografische druk. Eenmalige lasten."
    assert _repair(text) == text
