"""Run the bolt app in the configured connection mode, and hand out announcement destinations.

http:   an aiohttp server on cfg.host:cfg.port; Slack POSTs events, slash commands and button
        clicks to `/slack/events`; bolt verifies each request's signature (401 otherwise).
socket: no public URL; a websocket opened with the app-level token (`apps.connections.open`
        on cfg.base_url) carries the same requests, acknowledged by envelope id.
"""
from __future__ import annotations

import asyncio
import logging

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from adapters.slack.destinations import SlackChannelDestination, SlackDMDestination, Workspace
from adapters.slack.listeners import Answers, make_app
from bot.config import ConfigError, SlackConfig, secret
from bot.delivery import Destination, Platform
from bot.ports import SeenEventsPort

log = logging.getLogger("digest_bot.slack")

EVENTS_PATH = "/slack/events"
SOCKET_CLOSE_SECONDS = 1.0  # for Slack's answer to the websocket's close frame


class SlackAdapter(Platform):
    name = "slack"

    def __init__(self, app: AsyncApp, answers: Answers, cfg: SlackConfig, *, path: str = EVENTS_PATH):
        self.app = app
        self.answers = answers  # the listeners' answers in flight: drained on stop
        self.cfg = cfg
        self.path = path
        self._runner: web.AppRunner | None = None
        self._socket: AsyncSocketModeHandler | None = None
        self._session: aiohttp.ClientSession | None = None
        self.port: int | None = None  # http mode: the port actually bound (cfg.port may be 0)
        self.bot_user_id: str | None = None

    @classmethod
    def from_config(cls, cfg: SlackConfig, core, seen: SeenEventsPort) -> "SlackAdapter":
        """Build the client (tokens from the env vars cfg names) and the app, then the adapter."""
        app, answers = make_app(cfg, core, seen)
        return cls(app, answers, cfg)

    async def start(self) -> None:
        """Check the bot token, then listen. Raises ConfigError naming the env var on a bad token."""
        client = self.app.client
        if client.session is None:
            # One connection pool for all Web API calls instead of a session per call.
            self._session = aiohttp.ClientSession()
            client.session = self._session
        try:
            auth = await client.auth_test()
        except SlackApiError as e:
            await self._close_session()
            raise ConfigError(
                f"slack: the bot token in {self.cfg.bot_token_env} was refused ({e.response.get('error')})"
            ) from None
        self.bot_user_id = auth.get("user_id")
        if self.cfg.mode == "http":
            await self._start_http()
        else:
            await self._start_socket()

    async def _start_http(self) -> None:
        web_app = web.Application()
        web_app.router.add_post(self.path, self._handle)
        self._runner = web.AppRunner(web_app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.cfg.host, self.cfg.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        log.info("slack: listening on http://%s:%s%s", self.cfg.host, self.port, self.path)

    async def _handle(self, request: web.Request) -> web.Response:
        bolt_req = await to_bolt_request(request)
        bolt_resp = await self.app.async_dispatch(bolt_req)
        return await to_aiohttp_response(bolt_resp)

    async def _start_socket(self) -> None:
        token = secret(self.cfg.app_token_env)
        if not token:
            raise ConfigError(
                f"slack: environment variable {self.cfg.app_token_env} (the app-level token, xapp-…) "
                "is not set; it is required in socket mode"
            )
        # Ask for the websocket URL ourselves first: a bad app token fails here, loudly,
        # instead of in the socket client's silent reconnect loop.
        try:
            url = (await self.app.client.apps_connections_open(app_token=token))["url"]
        except SlackApiError as e:
            raise ConfigError(
                f"slack: the app-level token in {self.cfg.app_token_env} was refused ({e.response.get('error')})"
            ) from None
        self._socket = AsyncSocketModeHandler(self.app, token, web_client=self.app.client)
        self._socket.client.wss_uri = url
        await self._socket.connect_async()
        log.info("slack: connected in socket mode")

    async def run_forever(self) -> None:
        """Nothing to do: once started, the HTTP server or the websocket serves by itself."""

    async def stop(self) -> None:
        if self._socket is not None:
            await self._close_socket()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        await self.answers.drain()
        await self._close_session()

    async def _close_socket(self) -> None:
        """Close the websocket without waiting long for Slack's half of the closing handshake:
        aiohttp waits 10 s for it, and SIGTERM should stop the bot as promptly as in http mode."""
        handler, self._socket = self._socket, None
        client = handler.client
        client.closed = True  # no reconnect from here on
        client.auto_reconnect_enabled = False
        # its reader first: with a receive() pending, aiohttp's close() waits for it instead
        readers = [t for t in (client.current_session_monitor, client.message_receiver) if t is not None]
        for t in readers:
            t.cancel()
        await asyncio.gather(*readers, return_exceptions=True)
        ws = client.current_session
        if ws is not None and not ws.closed:
            try:
                await asyncio.wait_for(ws.close(), SOCKET_CLOSE_SECONDS)
            except TimeoutError:  # the cancelled close() has dropped the connection
                log.info("slack: no answer to the websocket close within %gs; connection dropped",
                         SOCKET_CLOSE_SECONDS)
        await handler.close_async()  # the rest: its message processor and HTTP session

    async def _close_session(self) -> None:
        if self._session is not None:
            self.app.client.session = None
            await self._session.close()
            self._session = None

    def destinations(self) -> list[Destination]:
        """One destination per configured channel, plus "slack-dm" for subscribers."""
        client = self.app.client
        ws = Workspace(client, history_per_minute=self.cfg.history_per_minute)
        return [SlackChannelDestination(client, c, workspace=ws) for c in self.cfg.channels] + [
            SlackDMDestination(client, workspace=ws, concurrency=self.cfg.dm_concurrency)]
