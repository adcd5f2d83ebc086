"""A question about an organization no loaded document covers: say so, name the ones loaded."""

from __future__ import annotations

from collections.abc import Iterable

from assistant.models import Answer, Filters


def unknown_organization(question: str, resolved: str, name: str, loaded: Iterable[str], scope: Filters) -> Answer:
    known = ", ".join(sorted(loaded)) or "geen"
    return Answer(
        question=question,
        resolved_question=resolved,
        text=f"Over {name} zijn geen documenten geladen, dus daar kan ik niets over zeggen. De documenten gaan over: {known}.",
        abstained=True,
        filters=scope,
    )
