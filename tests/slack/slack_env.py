"""Shared pieces of the Slack tests (imported by conftest.py and the test modules; a plain
module, since `from conftest import …` is ambiguous when several test areas have one)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import aiohttp

from adapters.slack import SlackAdapter
from bot.config import SlackConfig
from fake_slack import FakeSlack
from slack_signing import FORM, JSON, event_callback, form_payload, signed_headers, slash_command
from tests.posts import write_issue

HERE = Path(__file__).resolve().parent
SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TODAY = date(2026, 11, 1)
PAGE = 50
HOSTILE = r"Ping \<!channel> and &lt;!here&gt; and &lt;@U0ALICE&gt; & @here @channel @everyone <b>bold</b>"


def write_archive(root: Path) -> Path:
    write_issue(root, 18, date(2014, 8, 26), {
        "Common": ["Devstack 代理小技巧。  \n<http://example.org/devstack-proxy>"],
        "Heat": ["Heat autoscaling, part 1.  \n<http://example.org/heat/1>"],
    })
    write_issue(root, 19, date(2014, 9, 16), {
        "Nova": ["Nova cells v2 讨论。  \n<http://example.org/nova/cells>"],
        "Heat": [f"Heat item {n}.  \n<http://example.org/heat/19/{n}>" for n in range(3)],
        "Neutron": [HOSTILE + "  \n<http://example.org/hostile?a=1&b=2>"],
    })
    write_issue(root, 30, date(2015, 1, 20), {
        "Cinder": [f"Cinder 第{n}条 backend number {n} " + "detail " * 30 + f" \n<http://example.org/cinder/{n}>"
                   for n in range(200)],
    })
    return root


def slack_cfg(fake: FakeSlack, **kw) -> SlackConfig:
    defaults = dict(mode="http", host="127.0.0.1", port=0, base_url=fake.base_url, channels=("C0NEWS",))
    return SlackConfig(**{**defaults, **kw})


@dataclass
class Bot:
    """The running adapter plus helpers that speak to it as Slack does."""

    adapter: SlackAdapter
    fake: FakeSlack
    session: aiohttp.ClientSession

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.adapter.port}/slack/events"

    async def post(self, body: str, content_type: str, *, headers: dict | None = None,
                   timestamp: int | None = None, secret: str = SECRET) -> tuple[int, str]:
        h = signed_headers(secret, body, timestamp=timestamp, content_type=content_type)
        h.update(headers or {})
        async with self.session.post(self.url, data=body.encode(), headers=h) as resp:
            return resp.status, await resp.text()

    async def command(self, text: str, *, user: str = "U0ALICE", channel: str = "C0GENERAL") -> tuple[int, str]:
        url = self.fake.response_url(channel, user)
        return await self.post(slash_command(text, user=user, channel=channel, response_url=url), FORM)

    async def event(self, event: dict, *, event_id: str | None = None, headers: dict | None = None) -> tuple[int, str]:
        body = json.dumps(event_callback(event, event_id=event_id))
        return await self.post(body, JSON, headers=headers)

    async def interactive(self, payload: dict) -> tuple[int, str]:
        return await self.post(form_payload(payload), FORM)

    async def settle(self) -> None:
        """Wait for answers the adapter is still sending (no sleeps: the tasks themselves)."""
        await self.adapter.answers.drain(timeout=10)
