"""Helpers for the Matrix tests (imported by a unique name: every test area has a `conftest`):
human users on real nio clients, the bot (the real MatrixAdapter over a real Store and Core
on the example archive), and polling with deadlines."""
from __future__ import annotations

import asyncio
import itertools
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))  # matrix_harness: a unique name, no clash with other areas

from matrix_harness import Registered, SynapseServer  # noqa: E402
from tests import polling  # noqa: E402

EXAMPLES = ROOT / "examples" / "archive"
TODAY = date(2026, 11, 1)
DEADLINE = 20.0
_names = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix}{os.getpid()}x{next(_names)}"


async def until(predicate: Callable[[], object], timeout: float = DEADLINE, what: str = "condition",
                interval: float = 0.02):
    """tests.polling.until with the Matrix tests' longer default (a homeserver round trip)."""
    return await polling.until(predicate, timeout, what, interval)


# --- humans ------------------------------------------------------------------------------

class Human:
    """A test user on a real nio client; `wait_for` syncs until a predicate holds."""

    def __init__(self, server: SynapseServer, reg: Registered):
        from nio import AsyncClient, AsyncClientConfig

        self.server = server
        self.reg = reg
        self.user_id = reg.user_id
        self.client = AsyncClient(server.base_url, reg.user_id, device_id=reg.device_id,
                                  config=AsyncClientConfig(encryption_enabled=False,
                                                           max_timeouts=2, request_timeout=10))
        self.client.restore_login(reg.user_id, reg.device_id, reg.access_token)
        self.events: list[tuple[str, dict]] = []  # (room id, event source), in order
        self.invites: set[str] = set()
        self._since: str | None = None

    async def sync(self, timeout_ms: int = 0) -> None:
        from nio import SyncResponse

        resp = await self.client.sync(
            timeout=timeout_ms, since=self._since,
            sync_filter={"room": {"timeline": {"limit": 500}}})
        assert isinstance(resp, SyncResponse), resp
        self._since = resp.next_batch
        for room_id, info in resp.rooms.join.items():
            self.events += [(room_id, ev.source) for ev in info.timeline.events]
        self.invites |= set(resp.rooms.invite)

    async def wait_for(self, predicate: Callable[[], object], deadline: float = DEADLINE,
                       what: str = "condition"):
        end = time.monotonic() + deadline
        while True:
            found = predicate()
            if found:
                return found
            if time.monotonic() > end:
                raise AssertionError(f"{self.user_id}: timed out waiting for {what}")
            await self.sync(timeout_ms=300)

    def messages(self, room_id: str, sender: str | None = None) -> list[dict]:
        return [e for r, e in self.events if r == room_id and e.get("type") == "m.room.message"
                and (sender is None or e.get("sender") == sender)]

    def replies_to(self, room_id: str, event_id: str, sender: str) -> list[dict]:
        return [e for e in self.messages(room_id, sender)
                if ((e["content"].get("m.relates_to") or {}).get("m.in_reply_to") or {})
                .get("event_id") == event_id]

    def membership(self, room_id: str, user_id: str) -> str | None:
        last = None
        for r, e in self.events:
            if r == room_id and e.get("type") == "m.room.member" and e.get("state_key") == user_id:
                last = e["content"].get("membership")
        return last

    async def create_room(self, invite: tuple[str, ...] = (), *, is_direct: bool = False,
                          public: bool = False, name: str | None = None) -> str:
        from nio import RoomCreateResponse, RoomPreset

        resp = await self.client.room_create(
            invite=list(invite), is_direct=is_direct, name=name,
            preset=RoomPreset.public_chat if public else RoomPreset.private_chat)
        assert isinstance(resp, RoomCreateResponse), resp
        return resp.room_id

    async def invite(self, room_id: str, user_id: str) -> None:
        from nio import RoomInviteResponse

        resp = await self.client.room_invite(room_id, user_id)
        assert isinstance(resp, RoomInviteResponse), resp

    async def join(self, room_id: str) -> None:
        from nio import JoinResponse

        resp = await self.client.join(room_id)
        assert isinstance(resp, JoinResponse), resp

    async def send(self, room_id: str, body: str, *, msgtype: str = "m.text", **extra) -> str:
        from nio import RoomSendResponse

        resp = await self.client.room_send(room_id, "m.room.message",
                                           {"msgtype": msgtype, "body": body, **extra})
        assert isinstance(resp, RoomSendResponse), resp
        return resp.event_id

    async def close(self) -> None:
        await self.client.close()


# --- the bot -----------------------------------------------------------------------------

class FixedCore:
    """A stand-in core for rendering tests: answers every command with the same Reply."""

    def __init__(self, reply):
        self.reply = reply
        self.asked: list[tuple[str, object]] = []

    def handle(self, text, ctx):
        self.asked.append((text, ctx))
        return self.reply


def example_core(store):
    from bot.config import Config
    from bot.core import Core
    from bot.ingest import ingest

    config = Config()
    ingest(store, config, EXAMPLES, when=TODAY)
    return Core(store, config)


@dataclass
class BotRun:
    """One bot process's worth of state: a store, a config, an adapter and its sync task."""

    server: SynapseServer
    reg: Registered
    db: Path
    cfg: object
    core_factory: Callable | None = None
    store: object = None
    core: object = None
    adapter: object = None
    task: asyncio.Task | None = None
    runs: int = 0
    store_dir: Path | None = None
    extra: dict = field(default_factory=dict)

    @property
    def user_id(self) -> str:
        return self.reg.user_id

    async def start(self, run: bool = True) -> "BotRun":
        from adapters.matrix import MatrixAdapter, make_client
        from archive.store import Store
        from bot.state import BotState

        self.store = Store(self.db)
        self.core = self.core_factory(self.store) if self.core_factory else example_core(self.store)
        client = make_client(self.cfg, self.store_dir, **self.extra.get("client", {}))
        self.adapter = MatrixAdapter(client, self.core, BotState.of(self.store), self.cfg,
                                     **self.extra.get("adapter", {}))
        await self.adapter.start()
        if run:
            self.task = asyncio.create_task(self.adapter.run_forever())
        self.runs += 1
        return self

    async def stop(self) -> None:
        if self.adapter is not None:
            await self.adapter.stop()
        if self.task is not None:
            await asyncio.wait_for(self.task, 20)
        if self.store is not None:
            self.store.close()
        self.adapter = self.task = self.store = None

    async def restart(self) -> "BotRun":
        await self.stop()
        return await self.start()


async def room_with_bot(human: Human, bot: BotRun, **kw) -> str:
    """A room created by `human`, with the bot invited and joined."""
    room_id = await human.create_room(invite=(bot.user_id,), **kw)
    await human.wait_for(lambda: human.membership(room_id, bot.user_id) == "join",
                         what=f"{bot.user_id} to join {room_id}")
    return room_id


# --- a flaky path to the homeserver ---------------------------------------------------------

class FlakyProxy:
    """A reverse proxy to a real homeserver that answers the first `fail` requests whose path
    matches with a 502, as a load balancer in trouble would. `.base_url` is what the bot uses."""

    def __init__(self, upstream: str, path_part: str, fail: int):
        self.upstream, self.path_part, self.fail = upstream.rstrip("/"), path_part, fail
        self.failed = 0
        self.base_url = ""
        self._runner = None
        self._session = None

    async def start(self) -> "FlakyProxy":
        from aiohttp import ClientSession, web

        self._session = ClientSession()
        app = web.Application(client_max_size=100 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._forward)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        self.base_url = f"http://127.0.0.1:{port}"
        return self

    async def _forward(self, request):
        from aiohttp import web

        if self.path_part in request.path and self.failed < self.fail:
            self.failed += 1
            return web.Response(status=502, text="<html>bad gateway</html>", content_type="text/html")
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("host", "content-length")}
        async with self._session.request(request.method, self.upstream + request.path_qs,
                                         headers=headers, data=await request.read()) as up:
            body = await up.read()
            return web.Response(status=up.status, body=body,
                                content_type=up.content_type if body else None)

    async def close(self) -> None:
        await self._runner.cleanup()
        await self._session.close()
