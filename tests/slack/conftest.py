"""Slack adapter fixtures: a fake Slack on 127.0.0.1, the real bolt app over a real store and
core, served by the real aiohttp server, driven with correctly signed requests."""
from __future__ import annotations

import sys
from pathlib import Path

import aiohttp
import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # fake_slack, slack_signing, slack_env (names unique across test areas)
sys.path.insert(0, str(HERE.parent.parent))  # the repository, for tests.posts

from adapters.slack import SeenEvents, SlackAdapter, make_app  # noqa: E402
from archive.store import Store  # noqa: E402
from bot.config import AnnounceConfig, Config  # noqa: E402
from bot.core import Core  # noqa: E402
from bot.ingest import ingest  # noqa: E402
from fake_slack import FakeSlack  # noqa: E402
from slack_env import PAGE, SECRET, TODAY, Bot, slack_cfg, write_archive  # noqa: E402


@pytest.fixture
def slack_archive(tmp_path) -> Path:
    return write_archive(tmp_path / "site")


@pytest.fixture
def slack_config() -> Config:
    return Config(page_size=PAGE, announce=AnnounceConfig(items_per_section=3))


@pytest.fixture
def slack_store(tmp_path, slack_archive, slack_config) -> Store:
    store = Store(tmp_path / "slack.db")
    ingest(store, slack_config, slack_archive, when=TODAY)
    yield store
    store.close()


@pytest.fixture
def slack_core(slack_store, slack_config) -> Core:
    return Core(slack_store, slack_config)


@pytest.fixture
async def fake(monkeypatch):
    """A fake Slack whose tokens are in the environment, where the adapter reads them."""
    f = await FakeSlack().start()
    monkeypatch.setenv("SLACK_BOT_TOKEN", f.bot_token)
    monkeypatch.setenv("SLACK_APP_TOKEN", f.app_token)
    yield f
    await f.stop()


@pytest.fixture
async def bot(fake, slack_core, slack_store, monkeypatch):
    cfg = slack_cfg(fake)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SECRET)
    app, answers = make_app(cfg, slack_core, SeenEvents(slack_store.db.conn))
    adapter = SlackAdapter(app, answers, cfg)
    await adapter.start()
    async with aiohttp.ClientSession() as session:
        yield Bot(adapter, fake, session)
    await adapter.stop()
