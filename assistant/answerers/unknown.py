"""A question about what no loaded document names: an organization no document covers (say
so, name the ones loaded), or a name the documents never print."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

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


def unnamed(question: str, resolved: str, names: Sequence[str], scope: Filters) -> Answer:
    """The question names something (an organization, a scheme, a place) that no loaded
    document mentions: whatever passage shares its other words is about something else."""
    listed = " en ".join(f"‘{n}’" for n in names)
    return Answer(
        question=question,
        resolved_question=resolved,
        text=(
            f"De geladen documenten noemen {listed} nergens, dus daarover kan ik geen antwoord geven. "
            "Controleer de spelling, of voeg een document toe dat erover gaat."
        ),
        abstained=True,
        filters=scope,
    )
