"""Stopping: a real `digest-bot run` in Socket Mode ends promptly on SIGTERM, also when Slack
does not answer the websocket's closing handshake (aiohttp would wait 10 s for it)."""
from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import time

import pytest
from aiohttp import WSMsgType, web
from fake_slack import FakeSlack

from tests.bot_process import BIN, FAST_RUN_TOML
from tests.polling import until

STOPPED_WITHIN = 6.0  # seconds; the close handshake is given 1 s, aiohttp's default wait is 10 s


class SlackThatIgnoresClose(FakeSlack):
    """Says hello, then never answers a close frame (as a server far away or overloaded may not)."""

    close_frames = 0

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoclose=False, autoping=True)
        await ws.prepare(request)
        self._sockets.append(ws)
        self.socket_connections += 1
        await ws.send_json({"type": "hello", "num_connections": 1, "debug_info": {"host": "fake"},
                            "connection_info": {"app_id": "A0FAKE"}})
        await self._notify()
        try:
            while True:  # not `async for`: that ends at the close frame
                msg = await ws.receive()
                if msg.type == WSMsgType.TEXT and "envelope_id" in (data := json.loads(msg.data)):
                    self.acks[data["envelope_id"]] = data
                elif msg.type == WSMsgType.CLOSE:
                    self.close_frames += 1
                    while request.transport is not None and not request.transport.is_closing():
                        await asyncio.sleep(0.05)  # silence until the client drops the connection
                    break
                elif msg.type in (WSMsgType.CLOSED, WSMsgType.ERROR):
                    break
        finally:
            self._sockets.remove(ws)
        return ws


@pytest.fixture
async def silent_fake():
    f = await SlackThatIgnoresClose().start()
    yield f
    await f.stop()


@pytest.mark.skipif(not BIN.exists(), reason="digest-bot is not installed (pip install -e .)")
@pytest.mark.parametrize("which", ["answers close", "ignores close"])
async def test_sigterm_stops_socket_mode_promptly(tmp_path, fake, silent_fake, slack_archive, which):
    slack = fake if which == "answers close" else silent_fake
    (tmp_path / "config.toml").write_text(
        FAST_RUN_TOML + f'[archive]\npath = "{slack_archive}"\n'
        f'[slack]\nmode = "socket"\nchannels = ["C0NEWS"]\nbase_url = "{slack.base_url}"\n')
    env = {**os.environ, "SLACK_BOT_TOKEN": slack.bot_token, "SLACK_APP_TOKEN": slack.app_token,
           "DIGEST_BOT_TODAY": "2026-11-01", "DIGEST_BOT_LOG_LEVEL": "INFO"}
    env.pop("DIGEST_BOT_DB", None)
    log = tmp_path / "bot.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([str(BIN), "--config", "config.toml", "--db", "bot.db", "run"], cwd=tmp_path,
                                env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
    try:
        await slack.wait_for(lambda: slack.socket_connections == 1 or proc.poll() is not None, timeout=30)
        assert proc.poll() is None, log.read_text()
        await until(lambda: "digest-bot: watching" in log.read_text() or proc.poll() is not None, timeout=30,
                    what="the bot to be running")
        began = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        while proc.poll() is None and time.monotonic() - began < 30:
            await asyncio.sleep(0.02)  # polling interval while the process stops
        took = time.monotonic() - began
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    print(f"{which}: SIGTERM to exit in {took:.2f}s")
    assert proc.returncode == 0, log.read_text()
    assert took < STOPPED_WITHIN, f"SIGTERM took {took:.1f}s\n{log.read_text()[-2000:]}"
    assert "Traceback" not in log.read_text()
