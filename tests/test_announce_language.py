"""Announcements and subscription DMs in their destination's language (issue #10): `language`
with per-channel/room overrides, "auto" meaning the language the issue is written in; a DM in
its subscriber's own language when one is known; the preface named in the reply's language."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from adapters.slack_render import render
from adapters.text import render_text
from bot.clock import FixedClock
from bot.config import parse
from bot.delivery import Delivery
from bot.i18n import text_language
from bot.outbox import Pending
from bot.reply import Context
from bot.scan import Bot
from tests.conftest import EXAMPLES, ROOT, TODAY

HAN = re.compile("[\u4e00-\u9fff]")
ENGLISH_POST = """---
title: This Week in Clouds 3
date: 2014-12-01
---

Welcome to another week of cloud news.

## Nova

* Live migration with NUMA pinning, [explained](https://example.org/numa).
* The scheduler split, [status](https://example.org/split).
"""


def make_bot(tmp_path: Path, archive: Path, **settings) -> Bot:
    config = parse({"archive": {"path": str(archive)}, **settings}, ROOT)
    bot = Bot(config, tmp_path / "lang.db", clock=FixedClock(TODAY))
    bot.scan()
    return bot


def pending(bot: Bot, destination: str, kind: str = "announce", target: str = "", project: str | None = None,
            number: int | None = None) -> Pending:
    row = bot.store.issue_by_number(number) if number else bot.store.latest_issue()
    return Pending(Delivery(1, "k", destination, target or destination, row.number, kind), row.key, project)


def own_words(reply) -> str:
    """What the bot itself says in a reply: the title without the issue's own title."""
    return reply.title.replace(reply.issue.title, "") if reply.issue else reply.title


@pytest.fixture
def english_archive(tmp_path) -> Path:
    posts = tmp_path / "english" / "_posts"
    posts.mkdir(parents=True)
    (posts / "2014-12-01-clouds-3.md").write_text(ENGLISH_POST, encoding="utf-8")
    return tmp_path / "english"


def test_auto_announces_in_the_archives_own_language(tmp_path, english_archive):
    zh = make_bot(tmp_path / "zh", EXAMPLES)
    reply = zh.render(pending(zh, "slack:C1"))
    assert reply.lang == "zh" and HAN.search(own_words(reply)), reply.title
    assert HAN.search(render(reply, single=True)[0].text)  # the Slack message says it in Chinese too
    en = make_bot(tmp_path / "en", english_archive)
    reply = en.render(pending(en, "slack:C1"))
    assert reply.lang == "en" and reply.title.startswith("New issue 3")


def test_configured_language_and_per_channel_overrides(tmp_path, english_archive):
    bot = make_bot(tmp_path, english_archive, language="zh", language_overrides={"C_EN": "en", "!room:hs": "en"})
    assert bot.render(pending(bot, "slack:C1")).lang == "zh"
    assert HAN.search(own_words(bot.render(pending(bot, "webhook:team"))))
    assert bot.render(pending(bot, "slack:C_EN")).lang == "en"
    assert bot.render(pending(bot, "matrix:!room:hs")).lang == "en"


def test_a_dm_is_in_its_subscribers_language_else_the_destinations(tmp_path):
    bot = make_bot(tmp_path, EXAMPLES, language="en")
    dm = pending(bot, "slack-dm", kind="dm", target="U1", project="Nova", number=26)
    reply = bot.render(dm)
    assert reply.lang == "en" and reply.title.startswith("Nova in the new issue 26")
    bot.state.subscribe("slack", "U1", "Nova", lang="zh")  # U1 subscribed in Chinese
    bot.state.subscribe("slack", "@bob:hs", "Nova", lang="zh")  # a namesake on another platform
    reply = bot.render(dm)
    assert reply.lang == "zh" and HAN.search(own_words(reply)), reply.title
    other = pending(bot, "matrix-dm", kind="dm", target="@bob:hs", project="Nova", number=26)
    assert bot.render(other).lang == "en"  # bob never subscribed on Matrix


def test_the_preface_is_named_in_the_replys_language(tmp_path):
    bot = make_bot(tmp_path, EXAMPLES)
    reply = bot.render(pending(bot, "slack:C1", number=26))
    names = [s.name for s in reply.sections] + [i.section for i in reply.items]
    assert "前言" in names and "Introduction" not in names
    zh = bot.core.handle("第二十六期", Context("console", "ann", "room"))
    assert "Introduction" not in render_text(zh) and "前言" in render_text(zh)
    en = bot.core.handle("issue 26", Context("console", "ann", "room"))
    assert "Introduction" in render_text(en)


@pytest.mark.parametrize("text, lang", [
    ("Kilo 的 Nova 优先级：cells v2、flavor 存储迁移、调度器拆分。", "zh"),
    ("OpenStack社区动态第二十六期 Neutron 性能调优 DVR HA", "zh"),
    ("Autoscaling with Heat and Ceilometer: a worked example with 监控 alarms.", "en"),
    ("This Week in Rust 500: async closures, cargo and 你好", "en"),
    ("", "en"),
])
def test_text_language(text, lang):
    assert text_language(text) == lang

