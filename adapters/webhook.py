"""Incoming-webhook destination: POSTs a Slack-compatible `{text, blocks}` JSON payload.

A webhook cannot tell us whether it already saw a message, so every POST carries
`Idempotency-Key: <delivery.key>`; a repeat after a crash carries the same key and a receiver
that honours the header drops it. Webhooks have no edit API: the outbox never queues edits for
them (send returns no reference), so a corrected issue stays as first announced; the archive
and the bot's answers show the corrected text. (A "corrected" note per typo fix would be noise.)

The URL is a secret (for Slack it is the credential): it comes from the environment variable
the config names and never appears in an error message.
"""
from __future__ import annotations

import asyncio
import email.utils
import logging
import time

import aiohttp

from adapters.slack_render import render
from bot.config import WebhookConfig, secret
from bot.delivery import Delivery, DeliveryError, Destination
from bot.reply import Reply

log = logging.getLogger("digest_bot.webhook")

TRANSIENT_STATUSES = {408, 425, 429}


def payload(reply: Reply) -> dict:
    """`{text, blocks}` as Slack's incoming webhooks take them: the Slack renderer's single
    message (escaped mrkdwn, no pings, within Slack's limits; other receivers read `text`)."""
    return render(reply, single=True)[0].payload()


# --- destination ------------------------------------------------------------------------

def _retry_after(value: str | None) -> float | None:
    """Retry-After: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class WebhookDestination(Destination):
    def __init__(self, name: str, url: str | None, *, url_env: str = "", min_interval: float = 1.0,
                 timeout: float = 30.0):
        self.name = name  # "webhook:<config name>"
        self.min_interval = min_interval  # seconds between two posts
        self._url = url
        self._url_env = url_env
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    @classmethod
    def from_config(cls, cfg: WebhookConfig, **kw) -> "WebhookDestination":
        return cls(f"webhook:{cfg.name}", secret(cfg.url_env), url_env=cfg.url_env,
                   min_interval=cfg.min_interval_seconds, **kw)

    def __repr__(self) -> str:  # never the URL
        return f"WebhookDestination({self.name!r})"

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def send(self, delivery: Delivery, reply: Reply) -> str | None:
        if not self._url:
            raise DeliveryError(f"environment variable {self._url_env or '?'} (the webhook URL) is not set",
                                permanent=True)
        if delivery.kind == "edit":
            return None  # no edit API; see the module docstring (the outbox does not queue these)
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        headers = {"Idempotency-Key": delivery.key, "User-Agent": "digest-bot"}
        try:
            async with self._session.post(self._url, json=payload(reply), headers=headers) as resp:
                body = (await resp.text(errors="replace"))[:100]
                status = resp.status
                retry_after = _retry_after(resp.headers.get("Retry-After"))
        except aiohttp.InvalidURL:
            raise DeliveryError(f"{self._url_env} does not hold a valid URL", permanent=True) from None
        except (aiohttp.ClientConnectionError, asyncio.TimeoutError, OSError) as e:
            # str(e) of a connection error names host and port, never the path; keep to the kind
            raise DeliveryError(f"cannot reach the webhook ({type(e).__name__})") from None
        if 200 <= status < 300:
            return None
        what = f"HTTP {status}" + (f": {' '.join(body.split())}" if body.strip() else "")
        if status in TRANSIENT_STATUSES or status >= 500:
            raise DeliveryError(what, retry_after=retry_after)
        raise DeliveryError(what, permanent=True)
