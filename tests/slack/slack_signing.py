"""Build Slack requests the way Slack does, and sign them (HMAC-SHA256 of `v0:{ts}:{body}`)."""
from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from urllib.parse import urlencode


def signature(secret: str, timestamp: int | str, body: str) -> str:
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed_headers(secret: str, body: str, *, timestamp: int | None = None, content_type: str) -> dict:
    ts = int(time.time()) if timestamp is None else timestamp
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": str(ts),
        "X-Slack-Signature": signature(secret, ts, body),
    }


FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def slash_command(text: str, *, user: str = "U0ALICE", channel: str = "C0GENERAL",
                  response_url: str, command: str = "/digest", team: str = "T0FAKE",
                  channel_name: str = "general") -> str:
    return urlencode({
        "token": "deprecated-verification-token",
        "team_id": team,
        "team_domain": "fake",
        "channel_id": channel,
        "channel_name": channel_name,
        "user_id": user,
        "user_name": "alice",
        "command": command,
        "text": text,
        "api_app_id": "A0FAKE",
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": f"{uuid.uuid4().int % 10**12}.1.abc",
    })


def slash_payload(text: str, **kw) -> dict:
    """The same command as a Socket Mode `slash_commands` payload."""
    from urllib.parse import parse_qsl
    return dict(parse_qsl(slash_command(text, **kw)))


def event_callback(event: dict, *, event_id: str | None = None, team: str = "T0FAKE",
                   bot_user: str = "U0BOT") -> dict:
    return {
        "token": "deprecated-verification-token",
        "team_id": team,
        "api_app_id": "A0FAKE",
        "event": event,
        "type": "event_callback",
        "event_id": event_id or "Ev" + uuid.uuid4().hex[:10].upper(),
        "event_time": int(time.time()),
        "authorizations": [{"enterprise_id": None, "team_id": team, "user_id": bot_user,
                            "is_bot": True, "is_enterprise_install": False}],
        "is_ext_shared_channel": False,
    }


def mention(text: str, *, user: str = "U0ALICE", channel: str = "C0GENERAL", ts: str = "1710000000.000200",
            thread_ts: str | None = None, bot_user: str = "U0BOT") -> dict:
    event = {"type": "app_mention", "user": user, "text": f"<@{bot_user}> {text}", "ts": ts,
             "channel": channel, "event_ts": ts}
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def dm(text: str, *, user: str = "U0ALICE", channel: str = "D0ALICE", ts: str = "1710000000.000300",
       **extra) -> dict:
    return {"type": "message", "channel_type": "im", "user": user, "text": text, "ts": ts,
            "channel": channel, "event_ts": ts, **extra}


def block_action(*, user: str = "U0ALICE", channel: str = "C0GENERAL", response_url: str,
                 action_id: str = "digest_more", value: str = "more", message_ts: str = "1710000000.000400",
                 ephemeral: bool = True, team: str = "T0FAKE") -> dict:
    container = {"type": "message", "message_ts": message_ts, "channel_id": channel,
                 "is_ephemeral": ephemeral}
    return {
        "type": "block_actions",
        "user": {"id": user, "username": "alice", "team_id": team},
        "api_app_id": "A0FAKE",
        "token": "deprecated-verification-token",
        "container": container,
        "trigger_id": f"{uuid.uuid4().int % 10**12}.1.abc",
        "team": {"id": team, "domain": "fake"},
        "channel": {"id": channel, "name": "general"},
        "response_url": response_url,
        "actions": [{"action_id": action_id, "block_id": "more", "type": "button", "value": value,
                     "text": {"type": "plain_text", "text": "Show more"},
                     "action_ts": str(time.time())}],
    }


def form_payload(payload: dict) -> str:
    """Interactive requests arrive as `payload=<json>` form bodies."""
    return urlencode({"payload": json.dumps(payload)})
