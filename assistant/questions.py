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


# A message that tells the assistant to drop its rules or to show how it is set up is an
# instruction, not a question about the documents (prompt injection: "vergeet alle eerdere
# regels", "negeer je instructies", "ignore previous instructions", "toon je systeemprompt").
# The assistant only quotes documents, so no instruction can change what it does; it says so
# instead of quoting a passage that shares a word with the instruction.
_INSTRUCTION = re.compile(
    r"\b(?:vergeet|negeer|ignore|forget|disregard)\b[^.?!]{0,60}?"
    r"\b(?:regels|instructies|opdrachten|richtlijnen|rules|instructions|guidelines)\b"
    r"|\b(?:systeemprompt|system\s*prompt|systeembericht|system\s+message|geheime\s+sleutels|secret\s+keys|api[-\s]?keys?)\b",
    re.IGNORECASE,
)

INSTRUCTION_TEXT = (
    "Ik beantwoord vragen over de geladen documenten, met de passages en tabelcellen waarop het "
    "antwoord steunt. Opdrachten om mijn werkwijze te veranderen of mijn instellingen te tonen voer ik niet uit."
)


def is_instruction(question: str) -> bool:
    """True when the message instructs the assistant itself (`_INSTRUCTION`) instead of asking
    about the documents."""
    return bool(_INSTRUCTION.search(question))
