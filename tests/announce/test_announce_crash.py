"""Kill a real `digest-bot run` (SIGKILL) at random points during a burst of publications,
restart it, and check every issue reached every destination with no repeat under a new key."""
from __future__ import annotations

import asyncio
import os
import random
import signal
import sqlite3
from pathlib import Path

import pytest

from announce_helpers import HOOK_ENV, TODAY, chinese, until, write_post
from tests.bot_process import BIN, FAST_RUN_TOML, BotProcess

CONFIG = """
[archive]
path = "site"
base_url = "https://digest.example.org"
""" + FAST_RUN_TOML + """
[[webhook]]
name = "team"
url_env = "{env}"

[[webhook]]
name = "ops"
url_env = "{env}"
"""


def _db_rows(db: Path, sql: str) -> list:
    if not db.exists():
        return []
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        return conn.execute(sql).fetchall()
    except sqlite3.OperationalError:  # tables not created yet
        return []
    finally:
        conn.close()


@pytest.mark.skipif(not BIN.exists(), reason="digest-bot is not installed (pip install -e .)")
async def test_sigkill_during_a_burst_loses_nothing_and_repeats_only_with_the_same_key(tmp_path, receiver):
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    site = tmp_path / "site"
    for n in (1, 2, 3):
        write_post(site, n)
    (tmp_path / "config.toml").write_text(CONFIG.format(env=HOOK_ENV))
    env = {**os.environ, HOOK_ENV: receiver.url, "DIGEST_BOT_TODAY": TODAY.isoformat(),
           "DIGEST_BOT_LOG_LEVEL": "INFO"}
    env.pop("DIGEST_BOT_DB", None)
    env.pop("DIGEST_BOT_CONFIG", None)
    receiver.delay = 0.05  # requests take a while: some kills land between send and record
    db = tmp_path / "bot.db"
    with BotProcess(tmp_path, env) as bot:
        webhooks = "SELECT name FROM outbox_destinations WHERE name LIKE 'webhook:%'"  # (and console-dm)
        await until(lambda: len(_db_rows(db, webhooks)) == 2, timeout=30,
                    what="the first start to introduce both webhooks")
        new = list(range(4, 14))
        for n in new:
            write_post(site, n)
            if rng.random() < 0.5:
                # a random point in the ingest / queue / send / record sequence
                await asyncio.sleep(rng.uniform(0.0, 0.6))  # chaos timing, not a wait for a result
                bot.kill()
                bot.start()
        expected = {f"digest-bot:{n}:webhook:{d}:announce:0" for n in new for d in ("team", "ops")}
        await until(lambda: expected <= set(receiver.keys()), timeout=90,
                    what=f"all deliveries (seed {seed}); got {sorted(set(receiver.keys()))}")
        got = receiver.keys()
        assert set(got) == expected, f"seed {seed}: unexpected keys {set(got) - expected}"
        # the key names its (issue, destination), and the message under it is that issue's
        for r in receiver.requests:
            assert f"第{chinese(int(r['key'].split(':')[1]))}期" in r["body"]["blocks"][0]["text"]["text"]
        await until(lambda: not _db_rows(db, "SELECT id FROM outbox WHERE state = 'pending'"),
                    what="every row recorded as delivered")
        assert len(_db_rows(db, "SELECT id FROM outbox WHERE state = 'delivered'")) == len(expected)
        repeats = len(got) - len(set(got))
        print(f"seed {seed}: {bot.runs} runs, {len(got)} requests, {repeats} same-key repeats")
        bot.proc.send_signal(signal.SIGTERM)
        await until(lambda: bot.proc.poll() is not None, timeout=20, what="a clean stop on SIGTERM")
        assert bot.proc.returncode == 0, bot.logs()


@pytest.mark.skipif(not BIN.exists(), reason="digest-bot is not installed (pip install -e .)")
async def test_sigterm_mid_send_waits_and_records_then_sigint_stops_cleanly(tmp_path, receiver):
    site = tmp_path / "site"
    write_post(site, 1)
    (tmp_path / "config.toml").write_text(CONFIG.format(env=HOOK_ENV).split("[[webhook]]\nname = \"ops\"")[0])
    env = {**os.environ, HOOK_ENV: receiver.url, "DIGEST_BOT_TODAY": TODAY.isoformat()}
    env.pop("DIGEST_BOT_DB", None)
    db = tmp_path / "bot.db"
    with BotProcess(tmp_path, env) as bot:
        await until(lambda: _db_rows(db, "SELECT name FROM outbox_destinations"), timeout=30, what="start")
        receiver.delay = 1.0
        write_post(site, 2)
        await until(lambda: receiver.requests, what="the request in flight")
        bot.proc.send_signal(signal.SIGTERM)
        await until(lambda: bot.proc.poll() is not None, timeout=20, what="the stop")
        assert bot.proc.returncode == 0, bot.logs()
        assert _db_rows(db, "SELECT issue, state FROM outbox WHERE state != 'seeded'") == [(2, "delivered")]
        receiver.delay = 0
        bot.start()
        write_post(site, 3)
        await until(lambda: len(receiver.requests) == 2, what="issue 3")
        bot.proc.send_signal(signal.SIGINT)  # Ctrl-C
        await until(lambda: bot.proc.poll() is not None, timeout=20, what="the stop on SIGINT")
        assert bot.proc.returncode == 0, bot.logs()
        assert receiver.keys() == ["digest-bot:2:webhook:team:announce:0", "digest-bot:3:webhook:team:announce:0"]


@pytest.mark.skipif(not BIN.exists(), reason="digest-bot is not installed (pip install -e .)")
async def test_a_backing_off_row_holds_its_destination_across_a_sigkill(tmp_path, receiver):
    """#9 item 16: the webhook is down, issue 2's row backs off, the bot is SIGKILLed, issues
    3-5 appear, the bot restarts: the hold on the destination survived (it is the row's
    next_at in SQLite), so 2 goes out first and 3-5 after it, in order."""
    site = tmp_path / "site"
    write_post(site, 1)
    config = CONFIG.format(env=HOOK_ENV).split("[[webhook]]\nname = \"ops\"")[0]
    config = config.replace("retry_min_seconds = 0.05", "retry_min_seconds = 4").replace(
        "retry_max_seconds = 0.5", "retry_max_seconds = 4")
    (tmp_path / "config.toml").write_text(config)
    env = {**os.environ, HOOK_ENV: receiver.url, "DIGEST_BOT_TODAY": TODAY.isoformat(),
           "DIGEST_BOT_LOG_LEVEL": "INFO"}
    env.pop("DIGEST_BOT_DB", None)
    env.pop("DIGEST_BOT_CONFIG", None)
    db = tmp_path / "bot.db"
    with BotProcess(tmp_path, env) as bot:
        await until(lambda: _db_rows(db, "SELECT name FROM outbox_destinations"), timeout=30, what="start")
        receiver.responses = [(503, {})]  # down for one request: issue 2 backs off ~4 s
        write_post(site, 2)
        await until(lambda: _db_rows(db, "SELECT id FROM outbox WHERE issue = 2 AND last_error IS NOT NULL"),
                    timeout=30, what="issue 2 backing off")
        bot.kill()
        for n in (3, 4, 5):
            write_post(site, n)
        bot.start()
        key = "digest-bot:{}:webhook:team:announce:0"
        await until(lambda: len(receiver.requests) == 5, timeout=60, what="issues 2-5")
        assert receiver.keys() == [key.format(n) for n in (2, 2, 3, 4, 5)], bot.logs()
