"""Helpers for the announcement tests (not fixtures: those are in conftest.py)."""
from __future__ import annotations

import asyncio
import os
import time
from datetime import date, timedelta
from pathlib import Path

from aiohttp import web

from archive.numerals import format_number
from tests.outbox_rows import outbox_rows  # noqa: F401  (re-exported for the announcement tests)
from tests.polling import until  # noqa: F401  (re-exported for the announcement tests)
from bot.config import AnnounceConfig, ArchiveConfig, Config, WatchConfig, WebhookConfig

TODAY = date(2026, 11, 1)
HOOK_ENV = "DIGEST_TEST_HOOK_URL"
# the receiver's path looks like a Slack webhook's: the secret is in the URL
SECRET_PATH = "/services/T0000/B0000/sEcReTpathTOKENdoNotLeak0123456789abcdef"
chinese = format_number


def post_text(number: int, day: date, sections: dict[str, list[str]] | None = None, *, front: str = "") -> str:
    sections = sections or {
        "Nova": [f"Nova item one of issue {number}: live migration <https://review.openstack.org/{number}1>"],
        "Neutron": [f"Neutron item of issue {number} <https://review.openstack.org/{number}2>"],
    }
    start = day - timedelta(days=13)
    lines = ["---", "layout: post", f"title: OpenStack社区动态第{chinese(number)}期({start:%m%d}-{day:%m%d})",
             "category: 技术"]
    if front:
        lines.append(front.strip())
    lines += ["---", "", "## 社区跟踪"]
    for heading, items in sections.items():
        lines += ["", f"### {heading}", ""]
        for it in items:
            lines += [it, ""]
    return "\n".join(lines) + "\n"


def write_atomic(path: Path, text: str | bytes) -> Path:
    """Write via a dot-file and rename: the bot never sees half a post (Jekyll ignores dot-files)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name("." + path.name + ".tmp")
    if isinstance(text, bytes):
        tmp.write_bytes(text)
    else:
        tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return path


def write_post(root: Path, number: int, day: date | None = None, sections=None, *, front: str = "",
               slug: str | None = None, folder: str = "_posts") -> Path:
    day = day or (TODAY - timedelta(days=7 * (300 - number)))
    path = root / folder / f"{day.isoformat()}-{slug or f'activity-{number}'}.md"
    return write_atomic(path, post_text(number, day, sections, front=front))




class Receiver:
    """A real HTTP server standing in for an incoming webhook; records every request."""

    def __init__(self):
        self.requests: list[dict] = []
        self.responses: list[tuple[int, dict]] = []  # canned answers, used first
        self.delay = 0.0
        self.port: int | None = None
        self._runner: web.AppRunner | None = None

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests.append({"key": request.headers.get("Idempotency-Key"), "body": body,
                              "path": request.path, "at": time.monotonic()})
        if self.delay:
            await asyncio.sleep(self.delay)  # a slow server, so a crash can land mid-request
        if self.responses:
            status, headers = self.responses.pop(0)
            return web.Response(status=status, headers=headers, text="busy")
        return web.Response(text="ok")

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port or 0, reuse_address=True)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()
            self._runner = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{SECRET_PATH}"

    def keys(self) -> list[str]:
        return [r["key"] for r in self.requests]

    def titles(self) -> list[str]:
        return [r["body"]["blocks"][0]["text"]["text"] for r in self.requests]


def make_config(archive: Path, *, webhooks: int = 1, backlog: int = 0, console: bool = True,
                rescan: float = 300.0, debounce: int = 20) -> Config:
    return Config(
        archive=ArchiveConfig(path=archive, base_url="https://digest.example.org"),
        watch=WatchConfig(debounce_ms=debounce, rescan_seconds=rescan),
        announce=AnnounceConfig(retry_min_seconds=0.05, retry_max_seconds=0.5, console=console),
        webhooks=tuple(WebhookConfig(name="team" if i == 0 else f"team{i}", url_env=HOOK_ENV, backlog=backlog)
                       for i in range(webhooks)),
    )


def rows(running, **kw) -> list[dict]:
    return outbox_rows(running.bot.store.db, **kw)
