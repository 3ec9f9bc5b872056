"""[http]: /healthz and /metrics of the real bot (`bot.bootstrap.start` in this loop), over real HTTP on
127.0.0.1, with a real webhook receiver and a real SQLite file."""
from __future__ import annotations

import asyncio
import dataclasses
import shutil
import sqlite3
import time

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from announce_helpers import make_config, until, write_post
from bot.config import HttpConfig
from bot.reply import Context


def with_http(config):
    return dataclasses.replace(config, http=HttpConfig(enabled=True, host="127.0.0.1", port=0))


async def get(running, path: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as s:
        async with s.get(f"http://127.0.0.1:{running.http.port}{path}") as r:
            return r.status, await r.text()


async def poll(check, what="metrics", timeout=15.0):
    """until() for an async predicate: poll it with a deadline and return its truthy value."""
    end = time.monotonic() + timeout
    while not (found := await check()):
        if time.monotonic() > end:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.02)  # the polling interval, not a wait for the condition
    return found


def samples(text: str) -> dict[tuple[str, tuple], float]:
    out = {}
    for fam in text_string_to_metric_families(text):
        for s in fam.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


async def test_metrics_count_deliveries_commands_and_what_the_database_holds(archive, receiver, start_bot):
    for n in (1, 2, 3):
        write_post(archive, n)
    running = await start_bot(with_http(make_config(archive, backlog=1, console=False)))
    await until(lambda: len(receiver.requests) == 1, what="the backlog announcement")

    status, _ = await get(running, "/metrics")
    assert status == 200
    running.bot.core.handle("latest", Context(platform="console", user="me", where="t", is_dm=True))
    running.bot.core.handle("issue 2", Context(platform="console", user="me", where="t", is_dm=True))

    hook = "webhook:team"
    delivered = ("digest_bot_deliveries_total", (("destination", hook), ("result", "delivered")))

    async def counted(n):  # the counter follows the receiver's 200 by a moment
        m = samples((await get(running, "/metrics"))[1])
        return m.get(delivered) == n and m

    m = await poll(lambda: counted(1))
    assert m[("digest_bot_outbox_rows", (("destination", hook), ("state", "delivered")))] == 1
    assert m[("digest_bot_outbox_rows", (("destination", hook), ("state", "seeded")))] == 2
    assert m[("digest_bot_issues", ())] == 3
    assert m[("digest_bot_commands_total", (("platform", "console"),))] == 2
    assert m[("digest_bot_command_seconds_count", ())] == 2
    assert m[("digest_bot_publish_to_delivery_seconds_count", ())] == 1
    assert abs(m[("digest_bot_last_scan_timestamp_seconds", ())] - running.bot.last_scan_at) < 1e-3

    # a new issue, a 503 from the webhook first: one retry, then delivered
    receiver.responses.append((503, {}))
    write_post(archive, 4)
    running.watcher.trigger()
    await until(lambda: len(receiver.requests) == 3, what="the retried announcement")

    m = await poll(lambda: counted(2))
    assert m[("digest_bot_deliveries_total", (("destination", hook), ("result", "retry")))] == 1
    assert m[("digest_bot_issues", ())] == 4
    assert m[("digest_bot_publish_to_delivery_seconds_count", ())] == 2


async def test_healthz_is_503_with_the_reason_while_the_archive_cannot_be_scanned(archive, start_bot, receiver):
    write_post(archive, 1)
    running = await start_bot(with_http(make_config(archive, console=False)))
    assert await get(running, "/healthz") == (200, "ok\n")

    moved = archive.with_name("elsewhere")
    shutil.move(archive, moved)
    running.watcher.trigger()

    async def unhealthy():
        status, text = await get(running, "/healthz")
        return status == 503 and text

    text = await poll(unhealthy, "a 503")
    assert text.startswith("the last scan of the archive failed") and "archive not found" in text
    assert text.count("\n") == 1

    shutil.move(moved, archive)
    running.watcher.trigger()

    async def healthy():
        return await get(running, "/healthz") == (200, "ok\n")

    await poll(healthy, "healthy again")


async def test_healthz_is_503_while_the_database_cannot_be_written(archive, start_bot, receiver, tmp_path):
    write_post(archive, 1)
    running = await start_bot(with_http(make_config(archive, console=False)))
    assert (await get(running, "/healthz"))[0] == 200

    other = sqlite3.connect(tmp_path / "bot.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    try:
        status, text = await get(running, "/healthz")
        assert status == 503
        assert text.startswith("the database is not writable") and "locked" in text
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert await get(running, "/healthz") == (200, "ok\n")


async def test_two_bots_in_one_process_keep_their_own_metrics(archive, start_bot, receiver, tmp_path):
    write_post(archive, 1)
    a = await start_bot(with_http(make_config(archive, console=False)), db=tmp_path / "a.db")
    b = await start_bot(with_http(make_config(archive, console=False)), db=tmp_path / "b.db")
    a.bot.core.handle("latest", Context(platform="console", user="me", where="t", is_dm=True))
    ma = samples((await get(a, "/metrics"))[1])
    mb = samples((await get(b, "/metrics"))[1])
    assert ma[("digest_bot_commands_total", (("platform", "console"),))] == 1
    assert ("digest_bot_commands_total", (("platform", "console"),)) not in mb


async def test_a_taken_port_stops_the_start_with_one_message(archive, tmp_path, receiver):
    import socket

    import pytest

    from bot.bootstrap import start
    from bot.config import ConfigError

    write_post(archive, 1)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        config = dataclasses.replace(make_config(archive, console=False),
                                     http=HttpConfig(enabled=True, host="127.0.0.1", port=port))
        with pytest.raises(ConfigError, match=rf"^http: cannot listen on 127\.0\.0\.1:{port} "):
            await asyncio.wait_for(start(config, tmp_path / "bot.db"), 30)
