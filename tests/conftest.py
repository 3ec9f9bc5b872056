"""Fixtures every test area may use: a real SQLite store over a real archive."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from archive.store import Store
from bot.config import Config
from bot.core import Core
from bot.ingest import ingest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "archive"
SHARED_POSTS = ROOT.parent / "shared" / "fixtures" / "archive" / "_posts"
TODAY = date(2026, 11, 1)  # fixed, so tests never depend on the clock


@pytest.fixture
def config() -> Config:
    return Config()


@pytest.fixture
def store(tmp_path) -> Store:
    s = Store(tmp_path / "digest.db")
    yield s
    s.close()


@pytest.fixture
def example_store(store, config) -> Store:
    """The example archive ingested as of a fixed date."""
    ingest(store, config, EXAMPLES, when=TODAY)
    return store


@pytest.fixture
def core(example_store, config) -> Core:
    return Core(example_store, config)


@pytest.fixture
def shared_posts() -> Path:
    if not SHARED_POSTS.is_dir():
        pytest.skip("../shared/fixtures/archive/_posts is not here")
    return SHARED_POSTS
