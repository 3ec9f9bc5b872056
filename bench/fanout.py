"""Fan-out: one new issue, every subscriber of its Heat section gets a DM.

A real `digest-bot run` (a subprocess, with the config a user writes) against
- `slack`: the local fake Slack Web API (tests/slack/fake_slack.py), which enforces 1 message
  a second per channel and a workspace-wide budget (`--workspace-rate` posts/s), answering
  429 + Retry-After beyond them;
- `matrix`: a real Synapse on 127.0.0.1 (tests/matrix/matrix_harness.py), the bot account
  given the admin's rate-limit override (README "Matrix"), and N registered users.

Measured: seconds from writing the post to the last DM received, conversations.history calls,
429s met, and, with `--kill`, the same with a SIGKILL once a third of the DMs are out (the
bot restarted at once); every subscriber must get exactly one DM.

    .venv/bin/python bench/fanout.py slack [--subscribers 1000] [--workspace-rate 30] [--kill]
    .venv/bin/python bench/fanout.py matrix [--subscribers 200] [--kill]

Targets (issue #12): 1,000 Slack DMs in <= 60 s, 0 history calls when nothing crashed.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "slack"))
sys.path.insert(0, str(ROOT / "tests" / "matrix"))

from archive.store import Store  # noqa: E402
from bot.state import BotState  # noqa: E402
from tests.bot_process import BotProcess  # noqa: E402
from tests.posts import write_issue  # noqa: E402

TODAY = date(2026, 11, 1)
BASE_TOML = """
[archive]
path = "site"

[watch]
debounce_ms = 20
rescan_seconds = 1

[announce]
console = false
"""


def _rows(db: Path, sql: str) -> list:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    except sqlite3.OperationalError:
        return []
    try:
        return conn.execute(sql).fetchall()
    except sqlite3.OperationalError:
        return []
    finally:
        conn.close()


async def _poll(predicate, timeout: float, what: str) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise SystemExit(f"timed out after {timeout:.0f}s waiting for {what}")
        await asyncio.sleep(0.05)  # polling interval


def _prepare(tmp: Path, users: list[str], platform: str, toml: str) -> Path:
    site = tmp / "site"
    write_issue(site, 1, date(2026, 10, 1), {"Heat": ["Heat one.  \n<http://example.org/heat/1>"]})
    db = tmp / "bot.db"
    store = Store(db)
    state = BotState.of(store)
    for u in users:
        state.subscribe(platform, u, "Heat")
    store.close()
    (tmp / "config.toml").write_text(BASE_TOML + toml)
    return site


async def _fan_out(tmp: Path, env: dict, site: Path, delivered, n: int, kill: bool, timeout: float,
                   again=None) -> dict:
    """Start the bot, publish issue 2, wait for n DMs (SIGKILL + restart at n/3 if `kill`);
    with `again` (a count of all DMs sent), then issue 3 to the same subscribers."""
    db = tmp / "bot.db"
    with BotProcess(tmp, env) as bot:
        await _poll(lambda: _rows(db, "SELECT 1 FROM outbox_destinations WHERE name LIKE '%-dm'"), 60,
                    "the bot to start")
        t0 = time.monotonic()
        write_issue(site, 2, date(2026, 10, 15), {
            "Heat": ["Heat two: a new template function.  \n<http://example.org/heat/2>"],
            "Nova": ["Nova news.  \n<http://example.org/nova/2>"]})
        killed_at = None
        if kill:
            await _poll(lambda: delivered() >= n // 3, timeout, "a third of the DMs")
            killed_at = delivered()
            bot.kill()
            bot.start()
        await _poll(lambda: delivered() >= n, timeout, f"{n} DMs")
        seconds = time.monotonic() - t0
        await _poll(lambda: not _rows(db, "SELECT 1 FROM outbox WHERE state = 'pending'"), 60,
                    "every row recorded")
        out = {"seconds": round(seconds, 2), "killed_after": killed_at}
        if again is not None:  # a second issue: the DMs exist now (Matrix: no rooms to create)
            t1 = time.monotonic()
            write_issue(site, 3, date(2026, 10, 29), {"Heat": ["Heat three.  \n<http://example.org/heat/3>"]})
            await _poll(lambda: again() >= 2 * n, timeout, f"{n} more DMs")
            out["seconds_second_issue"] = round(time.monotonic() - t1, 2)
            await _poll(lambda: not _rows(db, "SELECT 1 FROM outbox WHERE state = 'pending'"), 60,
                        "every row recorded")
        out["failing_rows"] = _rows(db, "SELECT count(*) FROM outbox WHERE state = 'failing'")[0][0]
    return out


# --- Slack -------------------------------------------------------------------------------

async def slack(n: int, rate: float, kill: bool) -> dict:
    from fake_slack import FakeSlack

    fake = await FakeSlack().start()
    fake.workspace_limit(rate)
    users = [f"U{i:05d}" for i in range(n)]
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        from matrix_harness import free_port

        site = _prepare(tmp, users, "slack", f"""
[slack]
mode = "http"
host = "127.0.0.1"
port = {free_port()}
base_url = "{fake.base_url}"
""")
        env = {**os.environ, "SLACK_BOT_TOKEN": fake.bot_token, "SLACK_SIGNING_SECRET": "bench-secret",
               "DIGEST_BOT_TODAY": TODAY.isoformat(), "HOME": str(tmp)}
        for k in ("DIGEST_BOT_DB", "DIGEST_BOT_CONFIG", "SLACK_APP_TOKEN"):
            env.pop(k, None)

        def dms() -> int:
            return sum(1 for u in users if fake.history.get("D" + u[1:]))

        try:
            result = await _fan_out(tmp, env, site, dms, n, kill, timeout=600)
        finally:
            await fake.stop()
    per_dm = [len(fake.history.get("D" + u[1:], [])) for u in users]
    keys = [m["metadata"]["event_payload"]["delivery_key"] for u in users for m in fake.history.get("D" + u[1:], [])]
    return {
        "platform": "slack", "subscribers": n, "workspace_rate": rate, "sigkill": kill, **result,
        "dms_per_subscriber": sorted(set(per_dm)), "distinct_keys": len(set(keys)),
        "history_calls": len(fake.calls_to("conversations.history")),
        "conversations_open": len(fake.calls_to("conversations.open")),
        "posts_429": sum(1 for c in fake.calls_to("chat.postMessage") if c.status == 429),
        "post_calls": len(fake.calls_to("chat.postMessage")),
    }


# --- Matrix ------------------------------------------------------------------------------

async def matrix(n: int, kill: bool) -> dict:
    from matrix_harness import SERVER_NAME, SynapseServer, synapse_available

    if not synapse_available():
        raise SystemExit("Synapse is not installed in this interpreter (pip install -e '.[test]')")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        hs = SynapseServer(tmp / "synapse")
        hs.start()
        try:
            admin = hs.register("admin", admin=True)
            bot = hs.register("digestbot")
            # What the README asks an admin to do for a bot that DMs many subscribers.
            hs.override_ratelimit(admin.access_token, bot.user_id, 0, 0)
            users = [hs.register(f"sub{i:04d}").user_id for i in range(n)]
            site = _prepare(tmp, users, "matrix", f"""
[matrix]
homeserver = "{hs.base_url}"
user_id = "{bot.user_id}"
device_id = "{bot.device_id}"
""")
            env = {**os.environ, "MATRIX_ACCESS_TOKEN": bot.access_token, "DIGEST_BOT_TODAY": TODAY.isoformat(),
                   "HOME": str(tmp)}
            for k in ("DIGEST_BOT_DB", "DIGEST_BOT_CONFIG", "SLACK_BOT_TOKEN", "MATRIX_PASSWORD"):
                env.pop(k, None)
            db = tmp / "bot.db"
            hsdb = tmp / "synapse" / "homeserver.db"

            def sent() -> list:
                # the bot's m.room.message events, read from Synapse's own database
                return _rows(hsdb, "SELECT e.room_id, ej.json FROM events e JOIN event_json ej USING (event_id)"
                                   f" WHERE e.type = 'm.room.message' AND e.sender = '{bot.user_id}'")

            def delivered() -> int:
                return len({room for room, _ in sent()})

            result = await _fan_out(tmp, env, site, delivered, n, kill, timeout=900,
                                    again=lambda: len(sent()))
            events = sent()
            rooms_of = dict(_rows(db, "SELECT target, remote_ref FROM outbox WHERE kind = 'dm'"))
            per_room: dict[str, int] = {}
            for room, _ in events:
                per_room[room] = per_room.get(room, 0) + 1
        finally:
            hs.stop()
    return {
        "platform": "matrix", "server": SERVER_NAME, "subscribers": n, "sigkill": kill, **result,
        "dms_per_room (2 issues)": sorted(set(per_room.values())), "rooms": len(per_room),
        "rows_with_event": sum(1 for v in rooms_of.values() if v),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("platform", choices=("slack", "matrix"))
    ap.add_argument("--subscribers", type=int)
    ap.add_argument("--workspace-rate", type=float, default=30.0, help="fake Slack: posts/s, workspace-wide")
    ap.add_argument("--kill", action="store_true", help="SIGKILL the bot once a third of the DMs are out")
    a = ap.parse_args()
    if a.platform == "slack":
        out = asyncio.run(slack(a.subscribers or 1000, a.workspace_rate, a.kill))
    else:
        out = asyncio.run(matrix(a.subscribers or 200, a.kill))
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
