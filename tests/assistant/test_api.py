"""The app's seam: the real assistant and the app's test double both implement AssistantAPI,
with the same parameters, so tests of the page cannot pass against a fake that drifted."""

from __future__ import annotations

import inspect

import pytest

from assistant.api import AssistantAPI
from assistant.service import Assistant
from tests.app.fake_assistant import FakeAssistant

MEMBERS = [name for name in dir(AssistantAPI) if not name.startswith("_") and callable(getattr(AssistantAPI, name))]


def test_the_protocol_names_what_the_page_calls():
    assert {"ask", "documents", "add_documents", "table_frame", "index_changed"} <= set(MEMBERS)


@pytest.mark.parametrize("implementation", [Assistant, FakeAssistant], ids=["real", "fake"])
@pytest.mark.parametrize("name", MEMBERS)
def test_implementations_take_the_protocols_parameters(implementation, name):
    assert hasattr(implementation, name), f"{implementation.__name__} lacks {name}"
    wanted = list(inspect.signature(getattr(AssistantAPI, name)).parameters)
    got = list(inspect.signature(getattr(implementation, name)).parameters)
    assert got[: len(wanted)] == wanted


def test_a_loaded_assistant_is_an_assistant_api(small_assistant):
    assistant = small_assistant({"a.md": "# Sport\n\nDe gemeente opent in 2025 een nieuw zwembad in het centrum."})
    assert isinstance(assistant, AssistantAPI)


def test_the_fake_is_an_assistant_api(tmp_path):
    from assistant.settings import Settings

    assert isinstance(FakeAssistant(Settings(corpus_dir=tmp_path, index_dir=tmp_path / "i", data_dir=tmp_path / "d")), AssistantAPI)
