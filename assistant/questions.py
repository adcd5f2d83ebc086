"""Cleaning a question before anything else reads it (service, CLI ask/chat, batch).

A question arrives from a terminal, a pipe, a JSON file or a web form, and any of them can
carry bytes that are not text: a NUL (the embedding engine stops reading there, so the rest
of the question was silently ignored), other control characters, lone surrogates (Python's
stand-in for undecodable bytes, which abort printing) or text far longer than a question.
"""

from __future__ import annotations

import re
import unicodedata

MAX_QUESTION_CHARS = 2000

_SPACE = re.compile(r"\s+")


class QuestionError(ValueError):
    """The question is refused; `message` says why in Dutch."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _dutch_int(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def clean_text(text: object) -> str:
    """Text as every stage may read it: invalid Unicode replaced by U+FFFD, control characters
    (NUL included) and invisible format characters (zero-width space, direction marks) removed,
    line breaks and tabs as spaces, runs of whitespace as one, trimmed.

    Accepts bytes (decoded as UTF-8 with replacement) and None (-> "").
    """
    if text is None:
        return ""
    if isinstance(text, (bytes, bytearray)):
        text = bytes(text).decode("utf-8", "replace")
    text = str(text)
    # Lone surrogates (from undecodable bytes or a JSON "\ud800") cannot be encoded; the
    # round trip keeps valid pairs and replaces the rest.
    text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    out = []
    for ch in text:
        if ch in "\t\n\r\x0b\x0c\x85\u2028\u2029":
            out.append(" ")
        elif unicodedata.category(ch) not in ("Cc", "Cf"):  # Cf: zero-width and direction marks, BOM
            out.append(ch)
    return _SPACE.sub(" ", "".join(out)).strip()


def clean_question(text: object, limit: int = MAX_QUESTION_CHARS) -> str:
    """`clean_text`, then the length check: a question longer than `limit` characters is
    refused (QuestionError naming the limit) rather than cut, because the part that would be
    dropped is as likely to hold the subject as the part that is kept. "" stays "" (the
    caller says what to do with an empty question)."""
    question = clean_text(text)
    if len(question) > limit:
        raise QuestionError(
            f"De vraag is {_dutch_int(len(question))} tekens lang; het maximum is {_dutch_int(limit)} "
            "tekens. Maak de vraag korter."
        )
    return question
