"""Fixtures for the announcement tests: real post files, a real SQLite store, a real local
HTTP receiver for the webhook, and the real bot (`bot.bootstrap.start`, then `Running.serve`) in the test's loop."""
from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest

from announce_helpers import HOOK_ENV, Receiver
from bot.bootstrap import start as start_running
from bot.config import Config


@pytest.fixture
async def receiver(monkeypatch):
    r = Receiver()
    await r.start()
    monkeypatch.setenv(HOOK_ENV, r.url)
    yield r
    await r.stop()


@pytest.fixture
def archive(tmp_path) -> Path:
    root = tmp_path / "site"
    (root / "_posts").mkdir(parents=True)
    return root


@pytest.fixture
async def start_bot(tmp_path):
    """Start the real bot (watcher, announcer, console, webhook) in this loop; stopped at teardown."""
    started = []

    async def start(config: Config, *, clock=None, db: Path | None = None, scanned: bool = True):
        out = io.StringIO()
        running = await start_running(config, db or tmp_path / "bot.db", clock=clock,
                                      console_io=(io.StringIO(""), out))
        running.console_out = out
        running.task = asyncio.create_task(running.serve())
        started.append(running)
        assert (running.bot.last_summary is not None) == scanned, "the first scan"
        return running

    yield start
    for running in started:
        running.stop.set()
        await asyncio.wait_for(running.task, 30)
