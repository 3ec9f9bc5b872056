"""A local fake of the Slack Web API, response_url endpoints and the Socket Mode websocket.

Real HTTP on 127.0.0.1 (aiohttp), so the real slack_sdk / slack_bolt code talks to it exactly
as it would to slack.com. It records every call and rejects what Slack rejects: a bad or
missing token (`invalid_auth`), an over-long section (>= 3001 characters), more than 50
blocks, `text` over 40,000 characters (`msg_too_long`), a header over 150, and it enforces
Slack's rate limits on chat.postMessage, answering 429 `ratelimited` with `Retry-After`:
one message a second per channel (by its own clock; `pace(channel, seconds)` changes it), and
a workspace-wide budget (`workspace_limit(per_second, burst)`). `inject_429` adds 429s on
demand. Posting with a user id as the channel goes to that user's DM, as in Slack; message
timestamps are the real time, so `oldest` in conversations.history means what it means.

Socket Mode: `apps.connections.open` (with the app token) returns a ws:// URL of this server;
the websocket sends `hello`, then whatever `send_envelope` queues, and records the
`{"envelope_id": …}` acks the client sends back.
"""
from __future__ import annotations

import asyncio
import json
import math
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import parse_qsl

from aiohttp import WSMsgType, web

MAX_BLOCKS = 50
MAX_SECTION = 3000
MAX_HEADER = 150
MAX_TEXT = 40_000
# The text of all blocks together (undocumented: `msg_blocks_too_long` from ~12,000 characters,
# see slackapi/bolt-js#2509).
MAX_BLOCKS_TEXT = 12_000
KNOWN_BLOCKS = {"section", "header", "context", "actions", "divider", "image", "rich_text"}


@dataclass
class Call:
    method: str  # "chat.postMessage", … or "response_url"
    args: dict
    token: str | None
    status: int
    response: dict
    at: float = field(default_factory=time.monotonic)

    @property
    def ok(self) -> bool:
        return bool(self.response.get("ok"))


class FakeSlack:
    def __init__(
        self,
        *,
        bot_token: str = "xoxb-fake-bot-token",
        app_token: str = "xapp-fake-app-token",
        team_id: str = "T0FAKE",
        bot_user_id: str = "U0BOT",
        bot_id: str = "B0BOT",
        any_response_url: bool = False,
    ):
        self.bot_token = bot_token
        self.app_token = app_token
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.any_response_url = any_response_url  # benchmarks: accept /response/<anything>
        self.calls: list[Call] = []
        self.history: dict[str, list[dict]] = {}  # channel -> messages, oldest first
        self.ephemeral: list[dict] = []  # {"channel", "user", "text", "blocks", "via"}
        self.not_in: set[str] = set()  # channels where the bot is not a member
        self.missing: set[str] = set()  # channels that do not exist
        self._injected: list[list] = []  # [method, channel|None, count, retry_after]
        self.channel_interval = 1.0  # Slack: ~1 message per second per channel
        self._pace: dict[str, float] = {}  # channel -> min seconds between posts, where not 1 s
        self._last_post: dict[str, float] = {}
        self.workspace_rate, self.workspace_burst = 50.0, 50.0  # posts a second, workspace-wide
        self._bucket, self._bucket_at = self.workspace_burst, time.monotonic()
        self.rate_limited = 0  # 429s answered by the enforced limits (not injected)
        self._last_ts = 0.0
        self._response_urls: dict[str, dict] = {}  # id -> {"channel", "user", "uses"}
        self.hold_posts: asyncio.Event | None = None  # set => chat.postMessage waits for it
        self._changed = asyncio.Condition()
        # socket mode
        self._sockets: list[web.WebSocketResponse] = []
        self._outbox: asyncio.Queue[dict] = asyncio.Queue()
        self.acks: dict[str, dict] = {}
        self.socket_connections = 0
        self._runner: web.AppRunner | None = None
        self.port = 0

    # --- lifecycle -------------------------------------------------------------------

    async def start(self) -> "FakeSlack":
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{rid}", self._response_url)
        app.router.add_get("/link/", self._socket)
        app.router.add_get("/_stats", self._stats)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._runner:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    # --- test controls ---------------------------------------------------------------

    def inject_429(self, method: str, count: int = 1, *, retry_after: int = 1, channel: str | None = None):
        """The next `count` calls of `method` (to `channel`, if given) get 429 ratelimited."""
        self._injected.append([method, channel, count, retry_after])

    def pace(self, channel: str, seconds: float = 1.0) -> None:
        """Posts to `channel` closer together than `seconds` get 429 (default: 1 s)."""
        self._pace[channel] = seconds

    def workspace_limit(self, per_second: float, burst: float | None = None) -> None:
        """chat.postMessage calls beyond `per_second` (after a burst) in the workspace get 429."""
        self.workspace_rate, self.workspace_burst = per_second, burst or per_second
        self._bucket, self._bucket_at = self.workspace_burst, time.monotonic()

    def response_url(self, channel: str, user: str) -> str:
        rid = uuid.uuid4().hex
        self._response_urls[rid] = {"channel": channel, "user": user, "uses": 0}
        return f"http://127.0.0.1:{self.port}/response/{rid}"

    def calls_to(self, method: str, *, ok: bool | None = None) -> list[Call]:
        return [c for c in self.calls if c.method == method and (ok is None or c.ok == ok)]

    def posts(self, channel: str | None = None) -> list[dict]:
        """Messages visible in channels (chat.postMessage and in_channel responses)."""
        chans = [channel] if channel else list(self.history)
        return [m for c in chans for m in self.history.get(c, [])]

    def add_message(self, channel: str, text: str, **extra: Any) -> dict:
        """Someone else's message in a channel (fills history for look-ups)."""
        msg = {"type": "message", "user": "U0OTHER", "text": text, "ts": self._next_ts(), **extra}
        self.history.setdefault(channel, []).append(msg)
        return msg

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 5.0) -> Any:
        """Wait until `predicate()` is truthy (re-checked whenever a call is recorded)."""
        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(predicate), timeout)
            except TimeoutError:
                raise AssertionError(f"fake Slack: condition not met within {timeout}s; calls: "
                                     f"{[(c.method, c.response.get('error')) for c in self.calls]}") from None
        return predicate()

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # --- Web API ---------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args: dict = dict(request.query)
        raw = await request.read()
        if raw:
            if request.content_type == "application/json":
                args.update(json.loads(raw))
            else:
                args.update(dict(parse_qsl(raw.decode())))
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else args.pop("token", None)
        args.pop("token", None)
        status, body, headers = await self._dispatch(method, args, token)
        self.calls.append(Call(method, args, token, status, body))
        await self._notify()
        return web.json_response(body, status=status, headers=headers)

    async def _dispatch(self, method: str, args: dict, token: str | None) -> tuple[int, dict, dict]:
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        if handler is None:
            return 200, {"ok": False, "error": "unknown_method"}, {}
        wanted = self.app_token if method == "apps.connections.open" else self.bot_token
        if not token:
            return 200, {"ok": False, "error": "not_authed"}, {}
        if token != wanted:
            return 200, {"ok": False, "error": "invalid_auth"}, {}
        channel = args.get("channel")
        for rule in self._injected:
            if rule[0] == method and rule[2] > 0 and (rule[1] is None or rule[1] == channel):
                rule[2] -= 1
                return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(rule[3])}
        if method == "chat.postMessage":
            channel = args["channel"] = self._dm_of(channel)
            if limited := self._rate_limit(channel):
                self.rate_limited += 1
                return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(limited)}
        elif method == "chat.postEphemeral" and channel in self._pace:
            last = self._last_post.get(channel)
            if last is not None and time.monotonic() - last < self._pace[channel]:
                return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"}
        result = handler(args)
        if asyncio.iscoroutine(result):
            result = await result
        return 200, result, {}

    def _rate_limit(self, channel: str | None) -> int:
        """Retry-After seconds if this post breaks a limit, else 0 (and the post is counted)."""
        now = time.monotonic()
        last = self._last_post.get(channel)
        interval = self._pace.get(channel, self.channel_interval)
        if last is not None and now - last < interval:
            return max(1, math.ceil(interval - (now - last)))
        self._bucket = min(self.workspace_burst, self._bucket + (now - self._bucket_at) * self.workspace_rate)
        self._bucket_at = now
        if self._bucket < 1.0:
            return max(1, math.ceil((1.0 - self._bucket) / self.workspace_rate))
        self._bucket -= 1.0
        return 0

    @staticmethod
    def _dm_of(channel: str | None) -> str | None:
        """A user id as the channel means the app's DM with that user."""
        return "D" + channel[1:] if channel and channel[:1] in "UW" else channel

    def _next_ts(self) -> str:
        self._last_ts = max(time.time(), self._last_ts + 0.000001)  # unique, increasing, real
        return f"{self._last_ts:.6f}"

    def _check_channel(self, channel: str | None) -> dict | None:
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        if channel in self.missing:
            return {"ok": False, "error": "channel_not_found"}
        if channel in self.not_in:
            return {"ok": False, "error": "not_in_channel"}
        return None

    def _m_auth_test(self, args: dict) -> dict:
        return {
            "ok": True,
            "url": "https://fake.slack.test/",
            "team": "Fake",
            "user": "digest-bot",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    async def _m_chat_postMessage(self, args: dict) -> dict:
        if err := self._check_channel(args.get("channel")):
            return err
        if err := check_message(args):
            return err
        channel = args["channel"]
        msg = {
            "type": "message",
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "text": args.get("text", ""),
            "blocks": _blocks(args),
            "ts": self._next_ts(),
        }
        if args.get("thread_ts"):
            msg["thread_ts"] = args["thread_ts"]
        if meta := _json_arg(args.get("metadata")):
            msg["metadata"] = meta
        self.history.setdefault(channel, []).append(msg)
        self._last_post[channel] = time.monotonic()  # the post counts from when it was accepted
        if self.hold_posts is not None:
            # The message is stored ("reached Slack"); the reply waits, as if the network
            # or the sender died before the answer arrived.
            await self._notify()
            await self.hold_posts.wait()
        return {"ok": True, "channel": channel, "ts": msg["ts"], "message": msg}

    def _m_chat_postEphemeral(self, args: dict) -> dict:
        if err := self._check_channel(args.get("channel")):
            return err
        if not args.get("user"):
            return {"ok": False, "error": "user_not_found"}
        if err := check_message(args):
            return err
        self.ephemeral.append({"channel": args["channel"], "user": args["user"], "text": args.get("text", ""),
                               "blocks": _blocks(args), "thread_ts": args.get("thread_ts"), "via": "api"})
        self._last_post[args["channel"]] = time.monotonic()
        return {"ok": True, "message_ts": self._next_ts()}

    def _m_chat_update(self, args: dict) -> dict:
        if err := self._check_channel(args.get("channel")):
            return err
        if err := check_message(args):
            return err
        for msg in self.history.get(args["channel"], []):
            if msg["ts"] == args.get("ts"):
                msg["text"] = args.get("text", "")
                msg["blocks"] = _blocks(args)
                msg["edited"] = {"user": self.bot_user_id, "ts": self._next_ts()}
                if meta := _json_arg(args.get("metadata")):
                    msg["metadata"] = meta
                return {"ok": True, "channel": args["channel"], "ts": msg["ts"], "text": msg["text"]}
        return {"ok": False, "error": "message_not_found"}

    def _m_conversations_history(self, args: dict) -> dict:
        channel = args.get("channel")
        if err := self._check_channel(channel):
            return err
        limit = min(int(args.get("limit", 100)), 999)
        with_meta = str(args.get("include_all_metadata", "")).lower() in ("1", "true")
        # Thread replies are not part of channel history.
        msgs = [m for m in self.history.get(channel, []) if m.get("thread_ts", m["ts"]) == m["ts"]]
        if "oldest" in args:
            msgs = [m for m in msgs if float(m["ts"]) > float(args["oldest"])]
        newest_first = list(reversed(msgs))[:limit]
        out = []
        for m in newest_first:
            m = dict(m)
            if not with_meta:
                m.pop("metadata", None)
            out.append(m)
        return {"ok": True, "messages": out, "has_more": len(msgs) > limit}

    def _m_conversations_open(self, args: dict) -> dict:
        users = args.get("users", "")
        if not users or users.startswith("B"):
            return {"ok": False, "error": "user_not_found"}
        channel = self._dm_of(users.split(",")[0])
        self.history.setdefault(channel, [])
        return {"ok": True, "channel": {"id": channel}}

    def _m_apps_connections_open(self, args: dict) -> dict:
        return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/link/?ticket={uuid.uuid4().hex}"}

    # --- response_url ----------------------------------------------------------------

    async def _response_url(self, request: web.Request) -> web.Response:
        rid = request.match_info["rid"]
        body = await request.json()
        target = self._response_urls.get(rid)
        if target is None and self.any_response_url:
            target = self._response_urls[rid] = {"channel": "C0BENCH", "user": "U0BENCH", "uses": 0}
        if target is None:
            status, text = 404, "no_such_url"
        elif target["uses"] >= 5:
            status, text = 404, "used_url"
        elif err := check_message(body):
            status, text = 400, err["error"]
        else:
            target["uses"] += 1
            status, text = 200, "ok"
            entry = {"channel": target["channel"], "user": target["user"], "text": body.get("text", ""),
                     "blocks": body.get("blocks") or [], "thread_ts": body.get("thread_ts"), "via": "response_url",
                     "response_type": body.get("response_type") or "ephemeral"}
            if body.get("response_type") == "in_channel":
                msg = {"type": "message", "user": self.bot_user_id, "bot_id": self.bot_id,
                       "text": entry["text"], "blocks": entry["blocks"], "ts": self._next_ts()}
                self.history.setdefault(target["channel"], []).append(msg)
            else:
                self.ephemeral.append(entry)
        self.calls.append(Call("response_url", body, None, status, {"ok": status == 200, "error": text}))
        await self._notify()
        return web.Response(status=status, text=text)

    async def _stats(self, request: web.Request) -> web.Response:
        return web.json_response({"calls": len(self.calls), "ephemeral": len(self.ephemeral),
                                  "posts": len(self.posts()),
                                  "errors": sum(1 for c in self.calls if not c.ok)})

    # --- Socket Mode -----------------------------------------------------------------

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._sockets.append(ws)
        self.socket_connections += 1
        await ws.send_json({"type": "hello", "num_connections": 1,
                            "debug_info": {"host": "fake", "approximate_connection_time": 3600},
                            "connection_info": {"app_id": "A0FAKE"}})
        await self._notify()
        sender = asyncio.create_task(self._pump(ws))
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    data = json.loads(msg.data)
                    if "envelope_id" in data:
                        self.acks[data["envelope_id"]] = data
                        await self._notify()
        finally:
            sender.cancel()
            self._sockets.remove(ws)
        return ws

    async def _pump(self, ws: web.WebSocketResponse) -> None:
        while not ws.closed:
            envelope = await self._outbox.get()
            await ws.send_json(envelope)

    async def send_envelope(self, kind: str, payload: dict, *, retry_attempt: int = 0) -> str:
        """Queue an envelope (events_api | slash_commands | interactive); returns its id."""
        envelope_id = uuid.uuid4().hex
        envelope = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind != "events_api",
        }
        if kind == "events_api":
            envelope["retry_attempt"] = retry_attempt
            envelope["retry_reason"] = "timeout" if retry_attempt else ""
        await self._outbox.put(envelope)
        return envelope_id


# --- what Slack rejects ----------------------------------------------------------------

def _json_arg(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in "[{":
        return json.loads(value)
    return value


def _blocks(args: dict) -> list:
    return _json_arg(args.get("blocks")) or []


def check_message(args: dict) -> dict | None:
    """The errors Slack gives a message payload that breaks its limits, else None."""
    text = args.get("text") or ""
    blocks = _blocks(args)
    if not text and not blocks:
        return {"ok": False, "error": "no_text"}
    if len(text) > MAX_TEXT:
        return {"ok": False, "error": "msg_too_long"}
    if not isinstance(blocks, list):
        return {"ok": False, "error": "invalid_blocks_format"}
    if len(blocks) > MAX_BLOCKS:
        return {"ok": False, "error": "invalid_blocks", "errors": ["must provide no more than 50 items"]}
    for n, block in enumerate(blocks):
        problem = _block_problem(block)
        if problem:
            return {"ok": False, "error": "invalid_blocks", "errors": [f"{problem} [json-pointer:/blocks/{n}]"]}
    if sum(_block_text(b) for b in blocks) > MAX_BLOCKS_TEXT:
        return {"ok": False, "error": "msg_blocks_too_long"}
    meta = _json_arg(args.get("metadata"))
    if meta is not None and (not isinstance(meta, dict) or "event_type" not in meta
                             or not isinstance(meta.get("event_payload"), dict)):
        return {"ok": False, "error": "invalid_metadata_format"}
    return None


def _block_text(block: dict) -> int:
    """Characters of text anywhere in a block."""
    total = 0
    stack: list = [block]
    while stack:
        x = stack.pop()
        if isinstance(x, dict):
            if isinstance(x.get("text"), str):
                total += len(x["text"])
            stack.extend(v for v in x.values() if isinstance(v, (dict, list)))
        elif isinstance(x, list):
            stack.extend(x)
    return total


def _text_problem(obj: Any, limit: int, kinds: tuple[str, ...] = ("plain_text", "mrkdwn")) -> str | None:
    if not isinstance(obj, dict) or obj.get("type") not in kinds:
        return "invalid text object"
    text = obj.get("text")
    if not isinstance(text, str) or not text:
        return "text must not be empty"
    if len(text) > limit:
        return f"must be less than {limit + 1} characters"
    return None


def _block_problem(block: Any) -> str | None:
    if not isinstance(block, dict) or block.get("type") not in KNOWN_BLOCKS:
        return "unknown block type"
    kind = block["type"]
    if kind == "header":
        return _text_problem(block.get("text"), MAX_HEADER, ("plain_text",))
    if kind == "section":
        if "text" in block:
            return _text_problem(block["text"], MAX_SECTION)
        return None if block.get("fields") else "section needs text or fields"
    if kind == "context":
        elements = block.get("elements") or []
        if not 1 <= len(elements) <= 10:
            return "context needs 1 to 10 elements"
        for e in elements:
            if e.get("type") in ("plain_text", "mrkdwn") and (p := _text_problem(e, MAX_SECTION)):
                return p
        return None
    if kind == "actions":
        elements = block.get("elements") or []
        if not 1 <= len(elements) <= 25:
            return "actions needs 1 to 25 elements"
        for e in elements:
            if e.get("type") == "button":
                if p := _text_problem(e.get("text"), 75, ("plain_text",)):
                    return p
                if len(e.get("action_id", "")) > 255 or len(e.get("value", "")) > 2000:
                    return "button action_id or value too long"
        return None
    return None
