"""Command round trip on a local Synapse: a user sends, the user receives the answer.

The digest bot (the real MatrixAdapter over the real Core and the example archive) and a
trivial nio echo bot run side by side against the same throwaway homeserver; commands
alternate between them, one at a time, and each latency is measured from just before the
user's send to the moment the user's own sync delivers the reply.

    .venv/bin/python bench/matrix_roundtrip.py [-n 100]

Target: digest bot p50 / p99 within 1.5x the echo bot's.
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "matrix"))

from nio import (  # noqa: E402
    AsyncClient,
    AsyncClientConfig,
    InviteMemberEvent,
    RoomMessageText,
    SyncResponse,
)

from matrix_harness import SynapseServer  # noqa: E402

COMMANDS = ["issue 20", "latest heat links", "search 热迁移", "nova", "latest", "projects"]


def client_for(server: SynapseServer, reg) -> AsyncClient:
    c = AsyncClient(server.base_url, reg.user_id, device_id=reg.device_id,
                    config=AsyncClientConfig(max_timeouts=3, request_timeout=30))
    c.restore_login(reg.user_id, reg.device_id, reg.access_token)
    return c


class EchoBot:
    """The baseline: nio's sync_forever and a callback that answers with the same text."""

    def __init__(self, client: AsyncClient):
        self.client = client
        client.add_event_callback(self.on_message, RoomMessageText)
        client.add_event_callback(self.on_invite, InviteMemberEvent)
        self.started = False

    async def on_invite(self, room, event) -> None:
        if event.state_key == self.client.user_id and event.membership == "invite":
            await self.client.join(room.room_id)

    async def on_message(self, room, event) -> None:
        if not self.started or event.sender == self.client.user_id:
            return
        await self.client.room_send(room.room_id, "m.room.message", {
            "msgtype": "m.notice", "body": event.body,
            "m.relates_to": {"m.in_reply_to": {"event_id": event.event_id}}})

    async def run(self) -> None:
        first = await self.client.sync(timeout=0, full_state=True)  # skip history
        assert isinstance(first, SyncResponse), first
        self.started = True
        await self.client.sync_forever(timeout=30_000)


class User:
    """Sends commands and notes when each reply arrives through its own long-poll sync."""

    def __init__(self, client: AsyncClient):
        self.client = client
        self.arrivals: dict[str, float] = {}
        self.changed = asyncio.Event()
        self.members: dict[str, set[str]] = {}

    async def run(self) -> None:
        since = None
        while True:
            resp = await self.client.sync(timeout=30_000, since=since,
                                          sync_filter={"room": {"timeline": {"limit": 100}}})
            now = time.perf_counter()
            assert isinstance(resp, SyncResponse), resp
            since = resp.next_batch
            for room_id, info in resp.rooms.join.items():
                for ev in info.timeline.events:
                    src = ev.source
                    content = src.get("content") or {}
                    if src.get("type") == "m.room.member" and content.get("membership") == "join":
                        self.members.setdefault(room_id, set()).add(src["state_key"])
                    target = ((content.get("m.relates_to") or {}).get("m.in_reply_to") or {}).get(
                        "event_id")
                    if target:
                        self.arrivals.setdefault(target, now)
            self.changed.set()

    async def until(self, predicate, deadline: float = 30.0) -> None:
        end = time.monotonic() + deadline
        while not predicate():
            self.changed.clear()
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError("no reply")
            try:
                await asyncio.wait_for(self.changed.wait(), left)
            except asyncio.TimeoutError:
                pass

    async def round_trip(self, room: str, body: str) -> float:
        t0 = time.perf_counter()
        resp = await self.client.room_send(room, "m.room.message",
                                           {"msgtype": "m.text", "body": body})
        eid = resp.event_id
        await self.until(lambda: eid in self.arrivals)
        return self.arrivals[eid] - t0


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s)) - 1))]


async def bench(n: int, warmup: int) -> dict[str, list[float]]:
    from adapters.matrix import MatrixAdapter, make_client
    from archive.store import Store
    from bot.config import Config, MatrixConfig
    from bot.core import Core
    from bot.ingest import ingest

    tmp = Path(tempfile.mkdtemp(prefix="matrix-bench-"))
    server = SynapseServer(tmp / "synapse")
    t = time.perf_counter()
    server.start()
    print(f"synapse up in {time.perf_counter() - t:.1f}s on {server.base_url}")
    tasks: list[asyncio.Task] = []
    clients: list[AsyncClient] = []
    try:
        user_reg = server.register("user")
        echo_reg = server.register("echobot")
        bot_reg = server.register("digestbot", displayname="Digest Bot")

        user = User(client_for(server, user_reg))
        echo = EchoBot(client_for(server, echo_reg))
        clients += [user.client, echo.client]

        os.environ["MATRIX_BENCH_PASSWORD"] = bot_reg.password
        cfg = MatrixConfig(homeserver=server.base_url, user_id=bot_reg.user_id,
                           allow_invites_from=(user_reg.user_id,), replies_per_minute=100_000,
                           password_env="MATRIX_BENCH_PASSWORD",
                           access_token_env="MATRIX_BENCH_NO_TOKEN")
        store = Store(tmp / "bot.db")
        config = Config()
        ingest(store, config)
        core = Core(store, config)
        adapter = MatrixAdapter(make_client(cfg, tmp / "nio"), core, core.state, cfg)
        await adapter.start()

        tasks = [asyncio.create_task(user.run()), asyncio.create_task(echo.run()),
                 asyncio.create_task(adapter.run_forever())]
        rooms = {}
        for name, bot_id in (("digest", bot_reg.user_id), ("echo", echo_reg.user_id)):
            r = await user.client.room_create(name=f"bench {name}", invite=[bot_id])
            rooms[name] = r.room_id
            await user.until(lambda: bot_id in user.members.get(r.room_id, set()))
        await user.until(lambda: echo.started)

        results: dict[str, list[float]] = {"echo": [], "digest": []}
        for i in range(warmup + n):
            cmd = COMMANDS[i % len(COMMANDS)]
            for name in ("echo", "digest") if i % 2 else ("digest", "echo"):
                body = f"!digest {cmd}" if name == "digest" else cmd
                dt = await user.round_trip(rooms[name], body)
                if i >= warmup:
                    results[name].append(dt)
        await adapter.stop()
        store.close()
        return results
    finally:
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for c in clients:
            await c.close()
        server.stop()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=100, help="commands per bot (default 100)")
    ap.add_argument("--warmup", type=int, default=5)
    args = ap.parse_args()
    logging.basicConfig(level=logging.ERROR)
    results = asyncio.run(bench(args.n, args.warmup))
    print(f"\n{'bot':<8} {'n':>4} {'p50 ms':>8} {'p99 ms':>8} {'mean ms':>8} {'max ms':>8}")
    for name in ("echo", "digest"):
        v = [x * 1000 for x in results[name]]
        print(f"{name:<8} {len(v):>4} {statistics.median(v):>8.1f} {pct(v, 99):>8.1f} "
              f"{statistics.fmean(v):>8.1f} {max(v):>8.1f}")
    e = [x * 1000 for x in results["echo"]]
    d = [x * 1000 for x in results["digest"]]
    r50 = statistics.median(d) / statistics.median(e)
    r99 = pct(d, 99) / pct(e, 99)
    verdict = "OK" if max(r50, r99) <= 1.5 else "OVER TARGET"
    print(f"\ndigest/echo: p50 {r50:.2f}x, p99 {r99:.2f}x (target <= 1.5x): {verdict}")


if __name__ == "__main__":
    main()
