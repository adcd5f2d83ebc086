"""The one exception for rejected user input in the corpus stage."""

from __future__ import annotations


class CorpusError(Exception):
    """A document or corpus operation was refused.

    message: one clear Dutch sentence saying what is wrong and, where possible, what to do.
    problems: for batch operations, (file name, Dutch message) per failing file.
    """

    def __init__(self, message: str, problems: tuple[tuple[str, str], ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = tuple(problems)

    def __str__(self) -> str:
        return self.message
