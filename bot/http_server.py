"""The `[http]` endpoint of a running bot: `/healthz` for a supervisor or load balancer and
`/metrics` for Prometheus, served by aiohttp in the bot's own loop (an answer at all proves
the loop runs).
"""
from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from typing import TYPE_CHECKING

from aiohttp import web

from bot.config import ConfigError, HttpConfig
from bot.metrics import CONTENT_TYPE, Metrics

if TYPE_CHECKING:
    from bot.bootstrap import Running

log = logging.getLogger("digest_bot.http")

PROBE_TIMEOUT = 2.0  # seconds a write probe may wait for another writer's lock


def _probe_write(path: str) -> None:
    """A real committed write on a connection of its own (in a thread, so a busy database
    cannot stall the loop)."""
    conn = sqlite3.connect(path, timeout=PROBE_TIMEOUT, isolation_level=None)
    try:
        conn.execute("INSERT OR REPLACE INTO kv (key, value) VALUES ('health_probe', ?)", (repr(time.time()),))
    finally:
        conn.close()


async def health(running: "Running") -> str | None:
    """None when healthy, else the one-line reason."""
    bot = running.bot
    if running.stop.is_set():
        return "stopping"
    if bot.last_summary is None:
        return "no scan of the archive has succeeded yet"
    if running.watcher.last_error:
        return f"the last scan of the archive failed: {running.watcher.last_error}"
    try:
        await asyncio.to_thread(_probe_write, str(bot.store.path))
    except sqlite3.Error as e:
        return f"the database is not writable: {e}"
    return None


class HttpServer:
    def __init__(self, cfg: HttpConfig, running: "Running", metrics: Metrics):
        self.cfg = cfg
        self.running = running
        self.metrics = metrics
        self.port: int | None = None
        app = web.Application()
        app.router.add_get("/healthz", self.healthz)
        app.router.add_get("/metrics", self.metrics_page)
        self._runner = web.AppRunner(app, access_log=None)

    async def start(self) -> "HttpServer":
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.cfg.host, self.cfg.port)
        try:
            await site.start()
        except OSError as e:  # port taken, address not local: a config problem, said in one line
            await self._runner.cleanup()
            raise ConfigError(f"http: cannot listen on {self.cfg.host}:{self.cfg.port} "
                              f"({e.strerror or e}); change [http] host/port") from None
        self.port = site._server.sockets[0].getsockname()[1]  # the real one when port = 0
        log.info("http: /healthz and /metrics on http://%s:%d", self.cfg.host, self.port)
        return self

    async def stop(self) -> None:
        await self._runner.cleanup()
        self.metrics.close()

    async def healthz(self, request: web.Request) -> web.Response:
        reason = await health(self.running)
        if reason:
            return web.Response(status=503, text=reason + "\n")
        return web.Response(text="ok\n")

    async def metrics_page(self, request: web.Request) -> web.Response:
        body = await asyncio.to_thread(self.metrics.render)  # the database gauges read off the loop
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE})
