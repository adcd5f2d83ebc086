"""Declining what the documents do not answer, with the real model on the seed corpus."""

from __future__ import annotations

import pytest

from assistant.answerers.passage import MIN_SENTENCE_SIMILARITY


@pytest.mark.slow
@pytest.mark.parametrize(
    "question",
    [
        # Each shares a word with some passage, so lexical coverage alone let them through.
        "Wie won de Tour de France in 1989?",
        "Wat is het verschil tussen een krokodil en een alligator?",
        "Hoe werkt een warmtepomp?",
    ],
)
def test_questions_far_from_every_passage_are_declined(real_assistant, question) -> None:  # noqa: ANN001
    assert real_assistant.embedder.name in MIN_SENTENCE_SIMILARITY
    answer = real_assistant.ask(question)
    assert answer.abstained, answer.text
    assert not answer.citations


@pytest.mark.slow
def test_a_question_close_to_a_passage_is_still_answered(real_assistant) -> None:  # noqa: ANN001
    answer = real_assistant.ask("Wat doet Utrecht om schulden van inwoners sneller op te lossen?")
    assert not answer.abstained, answer.text
    assert answer.citations
