"""`digest-bot publish` and `digest-bot status` as a CI step or an operator runs them."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from announce_helpers import HOOK_ENV, SECRET_PATH, TODAY, write_post

BIN = Path(sys.executable).with_name("digest-bot")
pytestmark = pytest.mark.skipif(not BIN.exists(), reason="digest-bot is not installed (pip install -e .)")

CONFIG = """
[archive]
path = "site"
[announce]
retry_min_seconds = 0.05
retry_max_seconds = 0.2
[[webhook]]
name = "team"
url_env = "{env}"
[slack]
channels = ["C0123"]
"""


async def digest_bot(tmp: Path, env: dict, *args: str) -> subprocess.CompletedProcess:
    import asyncio

    proc = await asyncio.create_subprocess_exec(
        str(BIN), "--config", str(tmp / "config.toml"), "--db", str(tmp / "bot.db"), *args,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=tmp,
    )
    out, err = await proc.communicate()
    return subprocess.CompletedProcess(args, proc.returncode, out.decode(), err.decode())


@pytest.fixture
def env(receiver):
    e = {**os.environ, HOOK_ENV: receiver.url, "DIGEST_BOT_TODAY": TODAY.isoformat()}
    for k in ("DIGEST_BOT_DB", "DIGEST_BOT_CONFIG", "SLACK_BOT_TOKEN"):
        e.pop(k, None)
    return e


async def test_publish_queues_delivers_webhooks_and_status_reports(tmp_path, receiver, env):
    (tmp_path / "config.toml").write_text(CONFIG.format(env=HOOK_ENV))
    site = tmp_path / "site"
    for n in (1, 2):
        write_post(site, n)
    first = await digest_bot(tmp_path, env, "publish")
    assert first.returncode == 0, first.stderr
    assert "2 existing issue(s) marked as already announced" in first.stdout
    assert receiver.requests == []

    write_post(site, 3)
    receiver.responses = [(503, {})]  # one transient failure: publish retries within its budget
    second = await digest_bot(tmp_path, env, "publish")
    assert second.returncode == 0, second.stderr
    assert "published: issue 3" in second.stdout
    assert receiver.keys() == ["digest-bot:3:webhook:team:announce:0"] * 2
    # Slack has no live connection in `publish`: queued for the running bot
    assert "slack:C0123: 1 pending" in second.stdout

    st = await digest_bot(tmp_path, env, "status", "--json")
    assert st.returncode == 0, st.stderr
    by_name = {d["destination"]: d for d in json.loads(st.stdout)["destinations"]}
    assert by_name["webhook:team"]["delivered"] == 1 and by_name["webhook:team"]["pending"] == 0
    assert by_name["slack:C0123"]["pending"] == 1
    assert by_name["webhook:team"]["back_catalogue"] == 2

    # the webhook refuses for good: status says so, without the URL
    write_post(site, 4)
    receiver.responses = [(403, {})]
    await digest_bot(tmp_path, env, "publish")
    st = await digest_bot(tmp_path, env, "status")
    line = next(l for l in st.stdout.splitlines() if l.startswith("webhook:team"))
    assert "HTTP 403" in line and line.split()[1:4] == ["1", "0", "1"]
    assert SECRET_PATH not in st.stdout and "127.0.0.1" not in st.stdout


async def test_an_ingest_command_between_publishes_loses_nothing(tmp_path, receiver, env):
    (tmp_path / "config.toml").write_text(CONFIG.format(env=HOOK_ENV))
    site = tmp_path / "site"
    write_post(site, 1)
    assert (await digest_bot(tmp_path, env, "publish")).returncode == 0
    write_post(site, 2)
    ingest = await digest_bot(tmp_path, env, "ingest", "--quiet")
    assert ingest.returncode == 0, ingest.stderr
    assert receiver.requests == []
    out = await digest_bot(tmp_path, env, "publish")
    assert out.returncode == 0, out.stderr
    assert receiver.keys() == ["digest-bot:2:webhook:team:announce:0"]


async def test_a_publish_that_finds_nothing_new_says_so(tmp_path, receiver, env):
    # a git hook's second run: one line, not silence
    (tmp_path / "config.toml").write_text(f'[archive]\npath = "site"\n[[webhook]]\nname = "team"\nurl_env = "{HOOK_ENV}"\n')
    site = tmp_path / "site"
    for n in (1, 2):
        write_post(site, n)
    first = await digest_bot(tmp_path, env, "publish")
    assert first.returncode == 0 and "Nothing new" not in first.stdout, first.stdout
    again = await digest_bot(tmp_path, env, "publish")
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == f"Nothing new to announce (2 issues in {site.resolve()}).", again.stdout
    assert receiver.requests == []
