"""How operators of a cloud and their managers ask (session 6, ops probe): a month finds the issue
that covers part of it, not only the one dated in it; components and tools by their other spellings
(nova network, gluster, rc1); logs find what the items call rsyslog."""
from __future__ import annotations

from datetime import date

import pytest

from bot.config import Config
from bot.core import Core
from bot.ingest import ingest
from bot.reply import Context
from tests.conftest import TODAY
from tests.posts import write_issue

ME = Context(platform="console", user="sam", where="terminal", is_dm=True)


@pytest.fixture
def bot(store, tmp_path) -> Core:
    root = tmp_path / "site"
    write_issue(root, 39, date(2014, 7, 21), {
        "Nova": ["Nova 在 Juno 版本的新特性。  \n<http://example.org/nova/juno>"],
        "Common": ["Icehouse Release Candidate 陆续发布。  \n<http://example.org/rc>",
                   "Juno 的发布计划。  \n<http://example.org/plan>"],
    })
    # dated 09-05, covering 08-23..09-05: August's news are in it
    write_issue(root, 40, date(2014, 9, 5), {
        "Common": ["rsyslog 在 OpenStack 中的使用。  \n<http://example.org/rsyslog>",
                   "KVM 与 GlusterFS 存储的部署。  \n<http://example.org/storage>"],
        "Neutron": ["如何从 nova-network 平滑升级到 Neutron。  \n<http://example.org/nn>",
                    "Neutron 的 DVR 介绍。  \n<http://example.org/dvr>"],
    })
    config = Config()
    ingest(store, config, root, when=TODAY)
    return Core(store, config)


@pytest.mark.parametrize("text", ["what happened last month", "上个月有什么动态", "issues in august 2014"])
def test_a_month_finds_the_issue_covering_part_of_it(bot, text):
    r = bot.handle(text, ME)
    assert [i.number for i in r.issues] == [40], r.title


def test_a_month_with_words_searches_the_issue_covering_part_of_it(bot):
    r = bot.handle("neutron dvr in august 2014", ME)
    assert r.items and r.items[0].issue == 40 and "DVR" in r.items[0].text
    assert r.notice is None  # in that time, not "nothing then; these are from other issues"


def test_a_month_no_issue_covers_still_says_so(bot):
    assert bot.handle("issues in may 2014", ME).issues == ()


def test_a_long_period_covers_a_month_after_the_archive_grew(bot, store, tmp_path):
    # the longest period bounds the index range read (Store._longest_period): learnt again at each ingest
    assert bot.handle("issues in april 2014", ME).issues == ()
    path = write_issue(tmp_path / "site", 41, date(2014, 6, 5), {"Heat": ["Heat 的季度回顾。  \n<http://example.org/q>"]})
    path.write_text(path.read_text(encoding="utf-8").replace("(0523-0605)", "(0301-0605)"), encoding="utf-8")
    ingest(store, Config(), tmp_path / "site", when=TODAY)
    assert [i.number for i in bot.handle("issues in april 2014", ME).issues] == [41]
    r = bot.handle("heat in april 2014", ME)
    assert r.items and r.items[0].issue == 41


@pytest.mark.parametrize("text", ["nova network -> neutron upgrade path?", "nova network to neutron"])
def test_nova_network_spelt_apart_is_the_component_not_nova(bot, text):
    r = bot.handle(text, ME)
    assert r.items and "nova-network" in r.items[0].text
    if "path" not in text:  # every word found: not Nova's items with some of them
        assert r.notice is None


def test_logs_find_rsyslog(bot):
    r = bot.handle("centralized logs for openstack?", ME)
    assert r.items and "rsyslog" in r.items[0].text


def test_gluster_is_no_typo_of_cluster(bot):
    r = bot.handle("gluster storage", ME)
    assert r.items and "GlusterFS" in r.items[0].text and "cluster" not in (r.notice or "")


def test_rc1_is_a_release_candidate(bot):
    r = bot.handle("icehouse rc1", ME)
    assert r.items and "Release Candidate" in r.items[0].text
    assert r.notice is None  # both words found, not only "icehouse"


SLACK = Context(platform="slack", user="U7", where="D7", is_dm=True)


@pytest.mark.parametrize("on, off", [
    ("notify me about heat", "stop sending me heat"),
    ("keep me posted on heat", "mute heat"),
    ("send me heat updates", "no more heat updates please"),
    ("有新的heat就通知我", "别再给我发heat的消息了"),
    ("推送heat给我", "停止推送heat"),
    ("ping me when heat has news", "我不想再收到heat的推送"),
])
def test_being_sent_a_project_is_subscribing(bot, on, off):
    assert bot.handle(on, SLACK).title in ("You are subscribed to Heat.", "已订阅 Heat。")
    assert bot.handle(off, SLACK).title in ("Unsubscribed from Heat.", "已退订 Heat。")
    assert bot.state.subscriptions_of("slack", "U7") == []


@pytest.mark.parametrize("text", ["nova notifications", "how to stop a nova instance", "ceilometer alerts",
                                  "neutron 通知机制", "nova 消息队列"])
def test_a_topic_beside_those_words_is_still_a_question(bot, text):
    assert bot.handle(text, SLACK).kind == "items"
    assert bot.state.subscriptions_of("slack", "U7") == []
