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

from bot.config import WebhookConfig, secret
from bot.delivery import Delivery, DeliveryError
from bot.reply import Item, Reply

log = logging.getLogger(__name__)

MAX_BLOCKS = 50  # Slack's limit per message
MAX_SECTION_TEXT = 2900  # Slack: 3000 characters per section text
MAX_HEADER = 150
TRANSIENT_STATUSES = {408, 425, 429}


# --- payload ---------------------------------------------------------------------------

def escape(text: str) -> str:
    """Slack mrkdwn escaping; with `<` escaped no `<!channel>`/`<@U…>` can be formed, and
    bare `@here`-style words get a zero-width space so no client turns them into pings."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for word in ("@channel", "@here", "@everyone"):
        text = text.replace(word, "@\u200b" + word[1:])
    return text


def _safe_url(url: str) -> str | None:
    if not url.startswith(("http://", "https://", "mailto:")):
        return None
    if any(c in url for c in "<>| \n\t"):
        return None
    return url.replace("&", "&amp;")


def link(url: str, label: str = "") -> str:
    safe = _safe_url(url)
    if safe is None:
        return escape(url)
    label = escape(label.replace("|", "/")) if label else ""
    return f"<{safe}|{label}>" if label else f"<{safe}>"


def _item_line(it: Item, with_section: bool) -> str:
    head = f"*{escape(it.section)}* " if with_section else ""
    links = " ".join(link(l.url, l.label) for l in it.links[:3])
    return f"• {head}{escape(it.text)}" + (f" {links}" if links else "")


def _section_block(text: str) -> dict:
    if len(text) > MAX_SECTION_TEXT:
        text = text[: MAX_SECTION_TEXT - 1] + "…"
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def payload(reply: Reply, *, edited: bool = False) -> dict:
    """`{text, blocks}` for a Reply; `text` is the notification / fallback line."""
    title = reply.title + (" (corrected)" if edited else "")
    blocks: list[dict] = [{"type": "header", "text": {"type": "plain_text", "text": title[:MAX_HEADER], "emoji": False}}]
    if reply.notice:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": escape(reply.notice)}]})
    for para in reply.text:
        blocks.append(_section_block(escape(para)))
    names = [s.name for s in reply.sections]
    grouped = bool(reply.items) and all(it.section in names for it in reply.items)
    if reply.sections:
        if grouped:
            for s in reply.sections:
                lines = [f"*{escape(s.name)}* ({s.count})"]
                lines += [_item_line(it, False) for it in reply.items if it.section == s.name]
                blocks.append(_section_block("\n".join(lines)))
        else:
            blocks.append(_section_block(" · ".join(f"*{escape(s.name)}* ({s.count})" for s in reply.sections)))
    for i in reply.issues:
        label = f"#{i.number} {i.title} ({i.date.isoformat()})"
        blocks.append(_section_block(link(i.url, label) if i.url else escape(label)))
    if reply.items and not grouped:
        blocks.append(_section_block("\n".join(_item_line(it, True) for it in reply.items)))
    if reply.url:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": link(reply.url, "Read the issue")}]})
    if reply.more:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": f"{reply.more} more: say `more`"}]})
    if len(blocks) > MAX_BLOCKS:
        blocks = blocks[: MAX_BLOCKS - 1] + [_section_block("…")]
    text = escape(title) + (f" {link(reply.url)}" if reply.url else "")
    return {"text": text, "blocks": blocks, "unfurl_links": False, "unfurl_media": False}


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


class WebhookDestination:
    def __init__(self, name: str, url: str | None, *, url_env: str = "", min_interval: float = 1.0,
                 timeout: float = 30.0):
        self.name = name  # "webhook:<config name>"
        self.min_interval = min_interval  # Slack's incoming webhooks take about one message a second
        self.target = ""
        self._url = url
        self._url_env = url_env
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    @classmethod
    def from_config(cls, cfg: WebhookConfig, **kw) -> "WebhookDestination":
        return cls(f"webhook:{cfg.name}", secret(cfg.url_env), url_env=cfg.url_env, **kw)

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
