"""App factories (ASSISTANT_APP_FACTORY) for page tests that need the real assistant.

`real_with_fake_embedder` is `Assistant.load` with the fake embedder: the real corpus store,
index, locks and answering, without loading a model.
"""

from __future__ import annotations

import threading

from tests.app.fake_assistant import CREATED, FakeAssistant
from tests.fakes import FakeEmbedder


def real_with_fake_embedder(settings, progress=None):  # noqa: ANN001, ANN201 - Assistant.load's signature
    from assistant.service import Assistant

    return Assistant.load(settings, progress, embedder=FakeEmbedder())


# A fake whose upload stays in its embedding stage until the test releases it, so a test can
# do things while an upload is in progress. One upload at a time per test.
RELEASE = threading.Event()
STARTED = threading.Event()


class SlowUploadAssistant(FakeAssistant):
    def add_documents(self, paths, overrides=None, progress=None):  # noqa: ANN001
        message = "Embedden: 3/10 fragmenten, 0/1 documenten, nog ~40 s"
        if progress:  # reported before STARTED, so a test that waits for it sees the stage
            progress(message, 0.3)
        STARTED.set()
        while not RELEASE.wait(0.02):
            if progress:  # a cancel surfaces here, as it does from the index's progress
                progress(message, 0.3)
        return super().add_documents(paths, overrides, progress)


def slow_upload(settings, progress=None):  # noqa: ANN001, ANN201
    fake = SlowUploadAssistant(settings)
    CREATED.append(fake)
    return fake
