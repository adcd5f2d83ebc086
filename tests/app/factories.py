"""App factories (ASSISTANT_APP_FACTORY) for page tests that need the real assistant.

`real_with_fake_embedder` is `Assistant.load` with the fake embedder: the real corpus store,
index, locks and answering, without loading a model.
"""

from __future__ import annotations

from tests.fakes import FakeEmbedder


def real_with_fake_embedder(settings, progress=None):  # noqa: ANN001, ANN201 - Assistant.load's signature
    from assistant.service import Assistant

    return Assistant.load(settings, progress, embedder=FakeEmbedder())
