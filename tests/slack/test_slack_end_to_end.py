"""The whole bot (`bot.bootstrap.start`, the composition root) with Slack in Socket Mode against
the fake: the back-catalogue announcement, a command over the socket, a newly published
issue noticed by the watcher and announced once, and a clean stop."""
from __future__ import annotations

import asyncio
import json
from datetime import date

from slack_env import slack_cfg
from slack_signing import slash_payload

from bot.bootstrap import start
from bot.config import ArchiveConfig, Config
from tests.posts import write_issue


async def test_run_with_slack_in_socket_mode(fake, tmp_path, slack_archive, monkeypatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", fake.bot_token)
    monkeypatch.setenv("SLACK_APP_TOKEN", fake.app_token)
    config = Config(page_size=10, archive=ArchiveConfig(path=slack_archive),
                    slack=slack_cfg(fake, mode="socket", channels=("C0NEWS",), backlog=1))
    running = await start(config, tmp_path / "bot.db")
    stop, bot = running.stop, asyncio.create_task(running.serve())
    try:
        await fake.wait_for(lambda: fake.socket_connections == 1 or bot.done(), timeout=20)
        assert not bot.done(), bot.result()
        # backlog = 1: the newest issue of the back catalogue is announced, once
        await fake.wait_for(lambda: fake.posts("C0NEWS"), timeout=20)
        [first] = fake.posts("C0NEWS")
        assert "30" in first["blocks"][0]["text"]["text"]
        assert first["metadata"]["event_payload"]["issue"] == 30

        url = fake.response_url("C0GENERAL", "U0ALICE")
        eid = await fake.send_envelope("slash_commands", slash_payload("issue 18", response_url=url))
        await fake.wait_for(lambda: eid in fake.acks)
        assert "18" in json.dumps(fake.acks[eid]["payload"]["blocks"])

        write_issue(slack_archive, 31, date(2015, 2, 3), {"Heat": ["Heat 新功能。  \n<http://example.org/heat/31>"]})
        await fake.wait_for(lambda: len(fake.posts("C0NEWS")) == 2, timeout=30)
        assert "31" in fake.posts("C0NEWS")[1]["blocks"][0]["text"]["text"]
    finally:
        stop.set()
        code = await asyncio.wait_for(bot, 30)
    assert code == 0
    assert len(fake.calls_to("chat.postMessage", ok=True)) == 2  # nothing announced twice
    assert fake.socket_connections >= 1 and not fake._sockets  # the websocket was closed
