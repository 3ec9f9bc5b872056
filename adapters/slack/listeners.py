"""Slack requests into core questions and replies back: the bolt app's listeners for `/digest`
commands, app mentions, DMs and the "Show more" button. (server.py serves this app.)

`process_before_response=True`: bolt sends the HTTP response (or the Socket Mode ack) as
soon as the listener returns, without its 10 ms ack polling. Nothing slow runs before that:
- a slash command's answer travels in the acknowledgement itself (Slack's "immediate
  response": `response_type` ephemeral, or in_channel for `share`). The core takes a few
  ms and runs on this loop either way, so answering in the ack costs the ack nothing and
  saves a second HTTP round trip; a reply too long for one message sends the rest to the
  command's response_url afterwards.
- mentions, DMs and button clicks are acked empty at once; their answers (chat.postMessage,
  or the click's response_url) are sent by a task of their own afterwards.
"""
from __future__ import annotations

import asyncio
import logging
import re
from typing import Any, Awaitable, Protocol

from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack_render import MORE_ACTION, SlackMessage, render
from bot.config import ConfigError, SlackConfig, secret
from bot.ports import SeenEventsPort
from bot.reply import Context, Reply

log = logging.getLogger("digest_bot.slack")


class _QuietTokenWarning(logging.Filter):
    """bolt reads SLACK_BOT_TOKEN itself and warns that it is unused when given a client;
    passing the client (on cfg.base_url) is the point, so the warning is noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("As you gave `client` as well")


log.addFilter(_QuietTokenWarning())

PLATFORM = "slack"
_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|[^>]*)?>")
_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>")
_OTHER = re.compile(r"<[#!][^|>]*(?:\|([^>]*))?>")


class CoreLike(Protocol):
    def handle(self, text: str, ctx: Context) -> Reply: ...

    def failure(self, text: str, ctx: Context) -> Reply: ...  # the apology when handle raised


def make_client(cfg: SlackConfig) -> AsyncWebClient:
    """The Web API client: the bot token from the env var cfg names, the configured base URL,
    and 429s retried after `Retry-After`.

    Only rate-limit errors are retried inside the client: a 429 means Slack did not act,
    while retrying after a dropped connection could post the same message twice."""
    token = secret(cfg.bot_token_env)
    if not token:
        raise ConfigError(f"slack: environment variable {cfg.bot_token_env} (the bot token, xoxb-…) is not set")
    return AsyncWebClient(
        token=token,
        base_url=cfg.base_url,
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1)],
    )


def from_slack(text: str, bot_user_id: str | None = None) -> str:
    """What a user typed, from Slack's wire format: drop mentions of the bot, turn
    `<url|label>` into the URL and `<#C…|name>` into the name, then unescape."""
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>", " ", text)
    text = _LINK.sub(r"\1", text)
    text = _USER.sub(lambda m: "@" + (m.group(2) or m.group(1)), text)
    text = _OTHER.sub(lambda m: m.group(1) or "", text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return " ".join(text.split())


def split_share(text: str) -> tuple[bool, str]:
    """`share latest heat` -> (True, "latest heat")."""
    head, _, rest = text.strip().partition(" ")
    if head.lower() == "share":
        return True, rest.strip()
    return False, text.strip()


class Answers:
    """Runs the core and sends its replies; keeps the answer tasks so `drain` can await them."""

    def __init__(self, core: CoreLike, seen: SeenEventsPort, client: AsyncWebClient):
        self.core = core
        self.client = client
        self.seen = seen
        self._tasks: set[asyncio.Task] = set()

    def later(self, coro: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @property
    def pending(self) -> int:
        return len(self._tasks)

    async def drain(self, timeout: float = 5.0) -> None:
        """Let answers in flight finish (for a clean stop); cancel what is left."""
        if self._tasks:
            done, left = await asyncio.wait(set(self._tasks), timeout=timeout)
            for task in left:
                task.cancel()

    def reply(self, text: str, ctx: Context) -> list[SlackMessage]:
        try:
            reply = self.core.handle(text, ctx)
        except Exception:
            log.exception("core failed on a Slack request")
            reply = self.core.failure(text, ctx)
        return render(reply)

    async def respond(self, response_url: str | None, messages: list[SlackMessage], *,
                      share: bool = False, thread_ts: str | None = None) -> None:
        """Send `messages` to a request's response_url: ephemeral, or in channel for `share`.
        Posts through the Web API client's session when it has one (SlackAdapter gives it
        one): a connection pool instead of a new connection per answer."""
        if not response_url:
            log.warning("Slack request without a response_url; cannot answer")
            return
        webhook = AsyncWebhookClient(response_url, session=self.client.session)
        for msg in messages:
            body = response_body(msg, share)
            body["replace_original"] = False
            if thread_ts:
                body["thread_ts"] = thread_ts
            resp = await webhook.send_dict(body)
            if resp.status_code != 200:
                log.warning("Slack refused a response_url answer: %s %s", resp.status_code, resp.body)
                return

    async def post(self, client: AsyncWebClient, channel: str, text: str, ctx: Context,
                   thread_ts: str | None) -> None:
        """Answer a mention or DM with chat.postMessage, in the thread it came from."""
        for msg in self.reply(text, ctx):
            kwargs = msg.payload()
            if thread_ts:
                kwargs["thread_ts"] = thread_ts
            await client.chat_postMessage(channel=channel, **kwargs)

    async def guarded(self, what: str, coro: Awaitable[Any]) -> None:
        try:
            await coro
        except Exception as e:  # an answer that fails must not take the app down
            log.warning("Slack %s answer failed: %s", what, e)


def response_body(msg: SlackMessage, share: bool) -> dict:
    """A message as an immediate (ack) or response_url answer."""
    return {
        "text": msg.text,
        "blocks": msg.blocks,
        "response_type": "in_channel" if share else "ephemeral",
        "unfurl_links": False,
        "unfurl_media": False,
    }


def _ignorable(event: dict) -> bool:
    """Bot messages (ours and others': no loops), edits, deletions, joins… are not questions."""
    return bool(event.get("subtype") or event.get("bot_id") or not event.get("user"))


def make_app(cfg: SlackConfig, core: CoreLike, seen: SeenEventsPort) -> tuple[AsyncApp, Answers]:
    """The bolt AsyncApp with digest-bot's listeners, and their `Answers` (SlackAdapter drains
    it on stop). `seen` claims the ids of handled events (the bot's state, built by the caller).
    Secrets come from the env vars cfg names."""
    client = make_client(cfg)
    signing_secret = secret(cfg.signing_secret_env)
    if cfg.mode == "http" and not signing_secret:
        raise ConfigError(
            f"slack: environment variable {cfg.signing_secret_env} (the app's signing secret) is not set; "
            "it is required in http mode"
        )
    app = AsyncApp(
        name="digest-bot",
        client=client,
        signing_secret=signing_secret or "",
        # Socket Mode requests are not signed; bolt skips verification for them anyway.
        request_verification_enabled=bool(signing_secret) or cfg.mode == "http",
        process_before_response=True,
        logger=log,
    )
    answers = Answers(core, seen, client)

    @app.command(cfg.slash_command)
    async def on_command(ack, body):
        share, text = split_share(from_slack(body.get("text", "")))
        channel = body.get("channel_id", "")
        ctx = Context(PLATFORM, body.get("user_id", ""), channel,
                      is_dm=channel.startswith("D") or body.get("channel_name") == "directmessage")
        first, *rest = answers.reply(text, ctx)
        await ack(response_body(first, share))
        if rest:
            answers.later(answers.guarded("command", answers.respond(body.get("response_url"), rest, share=share)))

    @app.event("app_mention")
    async def on_mention(ack, body, event, context, client):
        await ack()
        channel = event.get("channel", "")
        # A mention in a DM also arrives as message.im, which answers it.
        if _ignorable(event) or channel.startswith("D") or not answers.seen.claim(body.get("event_id")):
            return
        text = from_slack(event.get("text", ""), context.bot_user_id)
        ctx = Context(PLATFORM, event["user"], channel, is_dm=False)
        answers.later(answers.guarded("mention", answers.post(client, channel, text, ctx, event.get("thread_ts"))))

    @app.event("message")
    async def on_message(ack, body, event, context, client):
        await ack()
        if event.get("channel_type") != "im" or _ignorable(event):
            return
        if not answers.seen.claim(body.get("event_id")):
            return
        channel = event.get("channel", "")
        text = from_slack(event.get("text", ""), context.bot_user_id)
        ctx = Context(PLATFORM, event["user"], channel, is_dm=True)
        answers.later(answers.guarded("DM", answers.post(client, channel, text, ctx, event.get("thread_ts"))))

    @app.action(MORE_ACTION)
    async def on_more(ack, body):
        await ack()
        container = body.get("container") or {}
        channel = (body.get("channel") or {}).get("id") or container.get("channel_id", "")
        thread = container.get("thread_ts") or (body.get("message") or {}).get("thread_ts")
        ctx = Context(PLATFORM, body["user"]["id"], channel, is_dm=channel.startswith("D"))

        async def answer() -> None:  # after the ack: the core runs once the click is acknowledged
            await answers.respond(body.get("response_url"), answers.reply("more", ctx), thread_ts=thread)

        answers.later(answers.guarded("show more", answer()))

    return app, answers
