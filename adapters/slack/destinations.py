"""Announcement destinations (bot/delivery.py's `Destination`): a channel, and users' DMs.

Idempotency: every announcement carries message metadata
`{"event_type": "digest_announcement", "event_payload": {"issue", "delivery_key"}}`.
A first attempt posts at once: no look-up. The outbox records when each attempt began; only
when an earlier attempt may have reached Slack (the process died mid-send, the connection
broke) does the next one read the channel's history since then (`oldest`, at most 15
messages, `include_all_metadata`), under a per-workspace budget of conversations.history
calls. A message carrying the delivery key means that attempt got through: its ts is
returned and nothing new is posted.

Rate limits: each channel (each user's DM too) is paced at ~1 message a second by the
announcer; DMs to different users go out concurrently; a 429 holds the whole workspace
(`rate_group`) for its Retry-After, since Slack counts some limits per workspace. The client
here does not retry 429s itself, so that the announcer sees every one.
"""
from __future__ import annotations

import asyncio
import copy
import logging
import time
from contextlib import contextmanager

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack_render import SlackMessage, render
from bot.delivery import Delivery, DeliveryError, Destination
from bot.reply import Reply

log = logging.getLogger("digest_bot.slack")

EVENT_TYPE = "digest_announcement"
HISTORY_LIMIT = 15  # messages read per look-up (what a distributed app may read per call)
CLOCK_SKEW = 10.0  # seconds our clock may run ahead of Slack's: the look-up starts that much earlier
DM_DESTINATION = "slack-dm"
RATE_GROUP = "slack"  # one bot token, one workspace

# Errors that retrying cannot fix: the token, the scopes, the channel or the user are wrong.
PERMANENT = {
    "invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired",
    "no_permission", "missing_scope", "not_allowed_token_type", "team_access_not_granted",
    "channel_not_found", "not_in_channel", "is_archived", "user_not_found", "user_disabled",
    "cannot_dm_bot", "invalid_blocks", "invalid_blocks_format", "msg_too_long", "no_text",
    "invalid_metadata_format", "invalid_metadata_schema", "message_not_found",
    "cant_update_message", "edit_window_closed", "restricted_action", "ekm_access_denied",
}
NETWORK_ERRORS = (aiohttp.ClientError, asyncio.TimeoutError, OSError)


class Budget:
    """A token bucket: `per_minute` calls a minute, up to that many at once."""

    def __init__(self, per_minute: int, clock=time.monotonic):
        self.capacity = float(max(1, per_minute))
        self.rate = per_minute / 60.0
        self.clock = clock
        self.tokens, self.at = self.capacity, clock()

    def take(self) -> float:
        """0 when a call may be made now (and counts it), else the seconds to wait."""
        now = self.clock()
        self.tokens = min(self.capacity, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.rate


class Workspace:
    """What the destinations of one bot token share: the Web API client (without its own 429
    retry), the conversations.history budget, the DM channel of each user, and counters."""

    def __init__(self, client: AsyncWebClient, *, history_per_minute: int = 50):
        self.client = copy.copy(client)  # same session and token; 429s come back to the announcer
        self.client.retry_handlers = []
        self.history_budget = Budget(history_per_minute)
        self.history_calls = 0
        self.dm_channels: dict[str, str] = {}  # user id -> DM channel id


def _retry_after(e: SlackApiError) -> float:
    headers = {k.lower(): v for k, v in (e.response.headers or {}).items()}
    value = headers.get("retry-after", "1")
    if isinstance(value, list):
        value = value[0]
    try:
        return max(float(value), 1.0)
    except ValueError:
        return 1.0


def _is_429(e: SlackApiError) -> bool:
    return e.response.get("error") == "ratelimited" or e.response.status_code == 429


def delivery_error(e: SlackApiError, *, checked: bool = False) -> DeliveryError:
    """Map a Web API error to what the outbox needs: when to retry, or never. Slack refused
    the call, so nothing was posted (`unsent`); but a 5xx may come after the post was stored."""
    error = str(e.response.get("error") or "")
    refused = e.response.status_code < 500
    if _is_429(e):
        retry_after = _retry_after(e)
        return DeliveryError(f"slack: ratelimited (retry after {retry_after:g}s)", retry_after=retry_after,
                             rate_limited=True, unsent=True, checked=checked)
    return DeliveryError(f"slack: {error or 'http ' + str(e.response.status_code)}",
                         permanent=error in PERMANENT, unsent=refused, checked=checked)


@contextmanager
def slack_errors(*, checked: bool = False, posts: bool = True):
    """The one place where Slack's and the network's errors become DeliveryErrors. `posts`:
    the call may post, so without an answer the post may have reached Slack (the next attempt
    looks it up); a call that posts nothing is `unsent` whatever happened."""
    try:
        yield
    except SlackApiError as e:
        raise delivery_error(e, checked=checked) from None
    except NETWORK_ERRORS as e:
        raise DeliveryError(f"slack: network error ({type(e).__name__}: {e})", checked=checked,
                            unsent=not posts) from None


def announcement_message(reply: Reply) -> SlackMessage:
    return render(reply, single=True)[0]


def metadata(delivery: Delivery) -> dict:
    return {
        "event_type": EVENT_TYPE,
        "event_payload": {"issue": delivery.issue, "delivery_key": delivery.key, "kind": delivery.kind},
    }


async def find_posted(client: AsyncWebClient, channel: str, key: str, window: int = HISTORY_LIMIT,
                      oldest: float | None = None) -> str | None:
    """The ts of a message in `channel` (since `oldest`) whose metadata carries delivery `key`."""
    args = {"oldest": f"{oldest:.6f}"} if oldest is not None else {}
    resp = await client.conversations_history(channel=channel, limit=window, include_all_metadata=True, **args)
    for msg in resp.get("messages") or []:
        meta = msg.get("metadata") or {}
        if meta.get("event_type") == EVENT_TYPE and (meta.get("event_payload") or {}).get("delivery_key") == key:
            return msg.get("ts")
    return None


async def _earlier(ws: Workspace, channel: str, delivery: Delivery) -> str | None:
    """Did an earlier attempt of `delivery` reach `channel`? One narrow look-up, under the
    workspace's budget (an exhausted budget or a 429 holds this lane only: posting is not
    what is limited)."""
    wait = ws.history_budget.take()
    if wait > 0:
        raise DeliveryError(f"slack: conversations.history budget spent; checking {delivery.key} in {wait:.0f}s",
                            retry_after=wait, unsent=True)
    ws.history_calls += 1
    with slack_errors(posts=False):
        try:
            return await find_posted(ws.client, channel, delivery.key, oldest=delivery.maybe_sent_at - CLOCK_SKEW)
        except SlackApiError as e:
            if _is_429(e):  # not rate_limited: only this look-up is limited, not posting
                raise DeliveryError("slack: conversations.history ratelimited", retry_after=_retry_after(e),
                                    unsent=True) from None
            raise


async def post_once(ws: Workspace, channel: str, delivery: Delivery, reply: Reply, *,
                    lookup_channel=None) -> str | None:
    """Post (or for kind "edit", update) the announcement in `channel`, idempotently.
    `lookup_channel()`: where to look for an earlier attempt, if not `channel` (a DM)."""
    msg = announcement_message(reply)
    client = ws.client
    if delivery.kind == "edit" and delivery.remote_ref:
        with slack_errors():
            resp = await client.chat_update(channel=channel, ts=delivery.remote_ref,
                                            metadata=metadata(delivery), **_update_args(msg))
        return resp.get("ts") or delivery.remote_ref
    checked = False
    if delivery.maybe_sent_at is not None:
        where = await lookup_channel() if lookup_channel else channel
        earlier = await _earlier(ws, where, delivery)
        if earlier:
            log.info("slack: %s already in %s (ts %s); not posting again", delivery.key, where, earlier)
            return earlier
        checked = True
    with slack_errors(checked=checked):
        resp = await client.chat_postMessage(channel=channel, metadata=metadata(delivery), **msg.payload())
    if lookup_channel and resp.get("channel"):
        ws.dm_channels.setdefault(delivery.target, resp["channel"])
    return resp.get("ts")


def _update_args(msg: SlackMessage) -> dict:
    # chat.update takes text/blocks/link_names but not the unfurl flags.
    return {"text": msg.text, "blocks": msg.blocks, "link_names": False}


class SlackChannelDestination(Destination):
    """Announcements in one channel (the bot must be a member)."""

    min_interval = 1.0  # Slack allows about one message per second per channel
    rate_group = RATE_GROUP

    def __init__(self, client: AsyncWebClient, channel: str, *, workspace: Workspace | None = None):
        self.workspace = workspace or Workspace(client)
        self.channel = channel
        self.name = f"slack:{channel}"
        self.target = channel

    async def send(self, delivery: Delivery, reply: Reply) -> str | None:
        return await post_once(self.workspace, delivery.target or self.channel, delivery, reply)


class SlackDMDestination(Destination):
    """Announcements to users in their DM with the bot; `delivery.target` is the user id.

    Posted with the user id as the channel (Slack delivers it to the app's DM with them), so
    a DM needs no conversations.open; the DM's channel id is only needed for a look-up."""

    min_interval = 1.0  # per user: each DM is its own channel
    rate_group = RATE_GROUP
    name = DM_DESTINATION

    def __init__(self, client: AsyncWebClient, *, workspace: Workspace | None = None, concurrency: int = 16):
        self.workspace = workspace or Workspace(client)
        self.concurrency = concurrency

    async def send(self, delivery: Delivery, reply: Reply) -> str | None:
        user = delivery.target
        return await post_once(self.workspace, user, delivery, reply, lookup_channel=lambda: self._open(user))

    async def _open(self, user: str) -> str:
        ws = self.workspace
        if user not in ws.dm_channels:
            with slack_errors(posts=False):
                resp = await ws.client.conversations_open(users=user)
            ws.dm_channels[user] = resp["channel"]["id"]
        return ws.dm_channels[user]
