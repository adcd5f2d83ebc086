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
