"""Question cleaning (assistant/questions.py): the one function every entry point calls first."""

from __future__ import annotations

import pytest

from assistant.questions import MAX_QUESTION_CHARS, QuestionError, clean_question, clean_text


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Wat kost\x00 schuldhulp?", "Wat kost schuldhulp?"),  # NUL: the engine would stop reading here
        ("Wat\x07 kost \x1b[1mschuldhulp?", "Wat kost [1mschuldhulp?"),  # other control characters
        ("Wat kost\r\nschuldhulp\tin\u2028Ede?", "Wat kost schuldhulp in Ede?"),  # line breaks as spaces
        ("  Wat   kost  ", "Wat kost"),
        ("Utr\u200becht en \u202eDeventer\ufeff", "Utrecht en Deventer"),  # zero-width, direction, BOM
        ("Zwolle\udcff?", "Zwolle\ufffd?"),  # an undecodable byte (surrogateescape)
        ("Zwolle\ud800?", "Zwolle\ufffd?"),  # a lone surrogate from JSON
        ("\ud83d\ude00 blij", "😀 blij"),  # a surrogate pair is one character, kept
        (b"caf\xc3\xa9 \xff", "café \ufffd"),  # bytes: decoded, invalid bytes replaced
        (None, ""),
        ("\x00\x01 \n", ""),
        ("Hoeveel € en é?", "Hoeveel € en é?"),
    ],
)
def test_clean_text(raw, clean):
    assert clean_text(raw) == clean
    assert clean_text(clean) == clean  # idempotent
    clean.encode("utf-8")  # always printable


def test_question_at_the_limit_passes_and_one_over_is_refused_with_the_limit():
    assert len(clean_question("a" * MAX_QUESTION_CHARS)) == MAX_QUESTION_CHARS
    with pytest.raises(QuestionError, match=r"^De vraag is 2\.001 tekens lang; het maximum is 2\.000 tekens\."):
        clean_question("a" * (MAX_QUESTION_CHARS + 1))
    # Control characters do not count: the limit is on what is asked.
    assert clean_question("\x00" * 50 + "a" * MAX_QUESTION_CHARS) == "a" * MAX_QUESTION_CHARS
