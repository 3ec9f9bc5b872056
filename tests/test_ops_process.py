"""A real `digest-bot run` process with secrets in its environment, DEBUG logging, Slack (the
local fake Web API, HTTP mode), a webhook whose server quotes the secret URL path back in its
error, and [http] on: what it writes must be one line per event (JSON lines with
`--log-format json`) and hold none of the secrets; /healthz and /metrics answer over HTTP."""
from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from tests.slack.fake_slack import FakeSlack

BIN = Path(sys.executable).with_name("digest-bot")
EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "archive"
BOT_TOKEN = "xoxb-4242-9191-SeCrEtBoTtOkEnValue"
SIGNING_SECRET = "f00dfacecafe1234sIgNiNgSeCrEt5678"
HOOK_SECRET = "hOoKsEcReTtOkEn0123456789abcdef"


async def poll(check, what: str, timeout: float = 30.0):
    end = time.monotonic() + timeout
    while not (found := check()):
        if time.monotonic() > end:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.05)  # the polling interval, not a wait for the condition
    return found


async def start_gone_hook() -> web.AppRunner:
    """A webhook server that no longer knows the hook and says so, quoting the path."""
    async def gone(request: web.Request) -> web.Response:
        return web.Response(status=404, text=f"no_such_hook {request.path}")

    app = web.Application()
    app.router.add_post("/{tail:.*}", gone)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner


@pytest.mark.parametrize("fmt", ["json", "text"])
async def test_a_running_bot_logs_one_line_per_event_and_never_a_secret(tmp_path, fmt):
    shutil.copytree(EXAMPLES, tmp_path / "site")
    fake = await FakeSlack(bot_token=BOT_TOKEN).start()
    hook = await start_gone_hook()
    hook_url = f"http://127.0.0.1:{hook.addresses[0][1]}/services/T0/B0/{HOOK_SECRET}"
    (tmp_path / "config.toml").write_text(f"""
[archive]
path = "site"
[announce]
console = false
retry_min_seconds = 0.05
retry_max_seconds = 0.5
[slack]
mode = "http"
host = "127.0.0.1"
port = 0
base_url = "{fake.base_url}"
channels = ["C0NEWS"]
backlog = 1
[[webhook]]
name = "team"
url_env = "OPS_TEST_HOOK_URL"
backlog = 1
[http]
enabled = true
port = 0
""")
    env = {**os.environ, "HOME": str(tmp_path), "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
           "OPS_TEST_HOOK_URL": hook_url, "DIGEST_BOT_LOG_LEVEL": "DEBUG"}
    env.pop("DIGEST_BOT_LOG_FORMAT", None)
    out_path = tmp_path / "out.log"
    with open(out_path, "wb") as out:
        proc = subprocess.Popen(
            [str(BIN), "--log-format", fmt, "--config", str(tmp_path / "config.toml"),
             "--db", str(tmp_path / "bot.db"), "run"],
            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=tmp_path)
    try:
        def text() -> str:
            return out_path.read_text(errors="replace")

        port = int((await poll(lambda: re.search(r"/healthz and /metrics on http://127\.0\.0\.1:(\d+)", text()),
                               "the http line"))[1])
        await poll(lambda: fake.posts("C0NEWS"), "the Slack announcement")
        await poll(lambda: "no_such_hook" in text(), "the webhook's refusal in the log")
        async with aiohttp.ClientSession() as s:
            async with s.get(f"http://127.0.0.1:{port}/healthz") as r:
                assert (r.status, await r.text()) == (200, "ok\n")
            async with s.get(f"http://127.0.0.1:{port}/metrics") as r:
                metrics = await r.text()
        assert 'digest_bot_deliveries_total{destination="slack:C0NEWS",result="delivered"} 1.0' in metrics
        assert 'digest_bot_deliveries_total{destination="webhook:team",result="failing"} 1.0' in metrics
        assert re.search(r"^digest_bot_issues [1-9]", metrics, re.M)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
        await hook.cleanup()
        await fake.stop()
    assert proc.returncode == 0, text()[-3000:]
    output = text()
    assert fake.calls_to("auth.test") and all(c.token == BOT_TOKEN for c in fake.calls_to("auth.test"))
    for secret in (BOT_TOKEN, SIGNING_SECRET, HOOK_SECRET, hook_url):
        assert secret not in output
    assert "<redacted>" in output  # the webhook's quote of its path was there to be removed
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) > 10
    for line in lines:
        if fmt == "json":
            rec = json.loads(line)
            assert {"ts", "level", "logger", "message"} <= rec.keys()
        else:
            # a log record, or the one-line start banner for people
            assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} [A-Z]+ |digest-bot: watching ", line), line
