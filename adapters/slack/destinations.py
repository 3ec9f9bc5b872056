"""Announcement destinations (bot/delivery.py's `Destination`): a channel, and users' DMs.

Idempotency: every announcement carries message metadata
`{"event_type": "digest_announcement", "event_payload": {"issue", "delivery_key"}}`.
Before posting, the destination reads the channel's recent history with
`include_all_metadata=true`; a message that already carries the delivery key means an
earlier attempt reached Slack (and the process died before recording it), so its ts is
returned and nothing new is posted.
"""
from __future__ import annotations

import asyncio
import logging

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack_render import SlackMessage, render
from bot.delivery import Delivery, DeliveryError
from bot.reply import Reply

log = logging.getLogger("digest_bot.slack")

EVENT_TYPE = "digest_announcement"
HISTORY_WINDOW = 200  # recent messages searched for an earlier attempt (one history page)
DM_DESTINATION = "slack-dm"

# Errors that retrying cannot fix: the token, the scopes, the channel or the user are wrong.
PERMANENT = {
    "invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired",
    "no_permission", "missing_scope", "not_allowed_token_type", "team_access_not_granted",
    "channel_not_found", "not_in_channel", "is_archived", "user_not_found", "user_disabled",
    "cannot_dm_bot", "invalid_blocks", "invalid_blocks_format", "msg_too_long", "no_text",
    "invalid_metadata_format", "invalid_metadata_schema", "message_not_found",
    "cant_update_message", "edit_window_closed", "restricted_action", "ekm_access_denied",
}


def delivery_error(e: SlackApiError) -> DeliveryError:
    """Map a Web API error to what the outbox needs: when to retry, or never."""
    error = str(e.response.get("error") or "")
    if error == "ratelimited" or e.response.status_code == 429:
        headers = {k.lower(): v for k, v in (e.response.headers or {}).items()}
        value = headers.get("retry-after", "1")
        if isinstance(value, list):
            value = value[0]
        try:
            retry_after = max(float(value), 1.0)
        except ValueError:
            retry_after = 1.0
        return DeliveryError(f"slack: ratelimited (retry after {retry_after:g}s)", retry_after=retry_after)
    return DeliveryError(f"slack: {error or 'http ' + str(e.response.status_code)}",
                         permanent=error in PERMANENT)


def announcement_message(reply: Reply) -> SlackMessage:
    return render(reply, single=True)[0]


def metadata(delivery: Delivery) -> dict:
    return {
        "event_type": EVENT_TYPE,
        "event_payload": {"issue": delivery.issue, "delivery_key": delivery.key, "kind": delivery.kind},
    }


async def find_posted(client: AsyncWebClient, channel: str, key: str, window: int = HISTORY_WINDOW) -> str | None:
    """The ts of a recent message in `channel` whose metadata carries delivery `key`."""
    resp = await client.conversations_history(channel=channel, limit=window, include_all_metadata=True)
    for msg in resp.get("messages") or []:
        meta = msg.get("metadata") or {}
        if meta.get("event_type") == EVENT_TYPE and (meta.get("event_payload") or {}).get("delivery_key") == key:
            return msg.get("ts")
    return None


async def post_once(client: AsyncWebClient, channel: str, delivery: Delivery, reply: Reply) -> str | None:
    """Post (or for kind "edit", update) the announcement in `channel`, idempotently."""
    msg = announcement_message(reply)
    try:
        if delivery.kind == "edit" and delivery.remote_ref:
            resp = await client.chat_update(channel=channel, ts=delivery.remote_ref,
                                            metadata=metadata(delivery), **_update_args(msg))
            return resp.get("ts") or delivery.remote_ref
        earlier = await find_posted(client, channel, delivery.key)
        if earlier:
            log.info("slack: %s already in %s (ts %s); not posting again", delivery.key, channel, earlier)
            return earlier
        resp = await client.chat_postMessage(channel=channel, metadata=metadata(delivery), **msg.payload())
        return resp.get("ts")
    except SlackApiError as e:
        raise delivery_error(e) from None
    except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as e:
        raise DeliveryError(f"slack: network error ({type(e).__name__}: {e})") from None


def _update_args(msg: SlackMessage) -> dict:
    # chat.update takes text/blocks/link_names but not the unfurl flags.
    return {"text": msg.text, "blocks": msg.blocks, "link_names": False}


class SlackChannelDestination:
    """Announcements in one channel (the bot must be a member)."""

    min_interval = 1.0  # Slack allows about one message per second per channel

    def __init__(self, client: AsyncWebClient, channel: str):
        self.client = client
        self.channel = channel
        self.name = f"slack:{channel}"

    async def send(self, delivery: Delivery, reply: Reply) -> str | None:
        return await post_once(self.client, delivery.target or self.channel, delivery, reply)


class SlackDMDestination:
    """Announcements to users in their DM with the bot; `delivery.target` is the user id."""

    min_interval = 1.0
    name = DM_DESTINATION

    def __init__(self, client: AsyncWebClient):
        self.client = client
        self._dm: dict[str, str] = {}  # user id -> DM channel id

    async def send(self, delivery: Delivery, reply: Reply) -> str | None:
        channel = await self._open(delivery.target)
        return await post_once(self.client, channel, delivery, reply)

    async def _open(self, user: str) -> str:
        if user not in self._dm:
            try:
                resp = await self.client.conversations_open(users=user)
            except SlackApiError as e:
                raise delivery_error(e) from None
            except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as e:
                raise DeliveryError(f"slack: network error ({type(e).__name__}: {e})") from None
            self._dm[user] = resp["channel"]["id"]
        return self._dm[user]
