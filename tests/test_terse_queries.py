"""How a terse power user types (session 6, mix probe): issue numbers with a number word, an issue
range after the `issue` command, "the issue before the latest", a search wildcard cut inside a
word the items write otherwise, glossary words of feature names, English glued to Chinese
(#17的ceilometer, july以来的heat), and how-to questions about a command."""
from __future__ import annotations

from datetime import date

import pytest

from bot.commands import clean
from bot.config import Config
from bot.core import Core
from bot.ingest import ingest
from bot.query import normalize
from bot.reply import Context
from bot.time_words import Scope, take_scope
from tests.conftest import TODAY
from tests.posts import write_issue

ME = Context(platform="console", user="kim", where="terminal", is_dm=True)


@pytest.fixture
def bot(store, tmp_path) -> Core:
    root = tmp_path / "site"
    write_issue(root, 30, date(2015, 3, 2), {
        "Heat": ["Heat 的 Auto-Scaling 入门。  \n<http://example.org/heat/as>"],
        "Glance": ["到哪里下载现成的镜像？  \n<http://example.org/glance/where>"],
        "Common": ["Docker 1.0 发布。  \n<http://example.org/docker>", "Manila 申请孵化。  \n<http://example.org/manila>",
                   "Symantec 的 NoSQL as a service。  \n<http://example.org/nosql>",
                   "在虚拟机中创建高可用的 Load Balancers。  \n<http://example.org/lb>"],
    })
    write_issue(root, 31, date(2015, 3, 16), {
        "Neutron": ["Neutron 的 Group Based Policy Framework 简介。  \n<http://example.org/gbp>"],
        "Common": ["Designate (DNS as a Service) 申请孵化。  \n<http://example.org/designate>"],
    })
    write_issue(root, 32, date(2015, 3, 30), {"Nova": ["Nova cells 讨论。  \n<http://example.org/cells>"]})
    config = Config()
    ingest(store, config, root, when=TODAY)
    return Core(store, config)


@pytest.mark.parametrize("text", ["issue no. 30", "issue no.30", "issue number 30", "issue nr 30", "Issue No. 30"])
def test_an_issue_number_after_a_number_word(bot, text):
    r = bot.handle(text, ME)
    assert r.issue is not None and r.issue.number == 30


def test_issue_before_n_is_a_range_not_a_number(bot):
    r = bot.handle("issue before 32", ME)
    assert [i.number for i in r.issues][:2] == [31, 30]
    assert bot.handle("issue", ME).title == "Which issue?"  # no number at all still asks


@pytest.mark.parametrize("text", ["the issue before the latest", "the one before the newest issue",
                                  "issue before last"])
def test_the_issue_before_the_latest_is_the_second_newest(bot, text):
    r = bot.handle(text, ME)
    assert r.issue is not None and r.issue.number == 31


@pytest.mark.parametrize("text", ["autoscal*", "heat autoscal*"])
def test_a_wildcard_word_is_also_the_glossary_words_it_begins(bot, text):
    r = bot.handle(text, ME)
    assert r.items and "Auto-Scaling" in r.items[0].text


def test_a_wildcard_word_that_begins_nothing_finds_nothing(bot):
    assert not bot.handle("xyzzy*", ME).items


@pytest.mark.parametrize("text, piece", [("neutron 策略框架", "Group Based Policy"), ("dnsaas", "DNS as a Service"),
                                         ("where to get cloud images", "镜像"), ("vm images", "镜像")])
def test_glossary_words_of_feature_names(bot, text, piece):
    r = bot.handle(text, ME)
    assert r.items and piece in r.items[0].text


@pytest.mark.parametrize("text, meant", [("docekr", "docker"), ("manilla", "manila"), ("symantek", "symantec")])
def test_two_letters_swapped_or_one_doubled_in_a_short_glossary_word(bot, text, meant):
    r = bot.handle(text, ME)
    assert r.items and meant in r.items[0].text.casefold() and f"“{text}” is no word" in (r.notice or ""), r


@pytest.mark.parametrize("text", ["preview", "really"])
def test_a_short_word_one_other_edit_away_is_no_typo(bot, text):
    assert "searched for" not in (bot.handle(text, ME).notice or "")


@pytest.mark.parametrize("text, piece", [("LB", "Load Balancers"), ("赛门铁克", "Symantec")])
def test_abbreviations_and_vendor_names_in_the_glossary(bot, text, piece):
    r = bot.handle(text, ME)
    assert r.items and piece in r.items[0].text


@pytest.mark.parametrize("text, line", [("how to use latest", "latest"), ("更多功能的用法", "更多"), ("怎么用更多", "更多"),
                                        ("how do i subscribe", "subscribe"), ("how to use search", "search"),
                                        ("how do i search", "search"), ("how do i unsubscribe?", "unsubscribe"),
                                        ("搜索怎么用", "搜索"), ("怎么搜索", "搜索"), ("怎么订阅", "订阅")])
def test_how_to_use_a_command_is_its_help(bot, text, line):
    r = bot.handle(text, ME)
    assert r.kind == "help" and r.text[0].startswith(line), r


@pytest.mark.parametrize("text", ["how to configure live migration", "nova怎么用"])
def test_how_to_with_no_command_word_is_a_question(bot, text):
    assert bot.handle(text, ME).kind != "help"


def test_an_english_word_that_asks_for_a_command_is_english_in_a_chinese_conversation(bot):
    ctx = Context(platform="console", user="lee", where="terminal", is_dm=True)
    assert bot.handle("有哪些项目", ctx).lang == "zh"
    r = bot.handle("usage", ctx)
    assert r.kind == "help" and r.lang == "en"
    assert bot.handle("cmds?", ctx).kind == "help"


@pytest.mark.parametrize("text", ["#31的neutron", "issue 31的neutron", "no.31的neutron", "看看issue 31 neutron"])
def test_an_issue_number_glued_to_chinese(bot, text):
    r = bot.handle(text, ME)
    assert r.items and all(i.issue == 31 for i in r.items) and "Group Based Policy" in r.items[0].text, r


@pytest.mark.parametrize("text, scope", [
    ("july以来的heat", Scope(since=date(2014, 7, 1))), ("sept之前的neutron", Scope(until=date(2014, 8, 31))),
    ("heat june以后", Scope(since=date(2014, 6, 1))), ("since july的neutron", Scope(since=date(2014, 7, 1)))])
def test_an_english_month_framed_in_chinese(text, scope):
    line = clean(text)
    assert take_scope(normalize(line).casefold(), now=lambda: date(2014, 9, 16))[0] == scope


@pytest.mark.parametrize("first, then, number", [
    ("#31", "the one before", 30), ("issue 31", "previous issue", 30), ("第31期", "前一期", 30), ("#30", "the one after", 31),
    ("#30", "下一期", 31), ("#31", "and the one before?", 30), ("#31", "before that", 30), ("#30", "next one", 31)])
def test_stepping_from_the_issue_just_shown(bot, first, then, number):
    ctx = Context(platform="console", user=f"u-{first}-{then}", where="terminal", is_dm=True)
    assert bot.handle(first, ctx).issue.number == int(first.strip("#第期issue "))
    r = bot.handle(then, ctx)
    assert r.issue is not None and r.issue.number == number, r


def test_stepping_with_a_project_and_past_the_ends(bot):
    ctx = Context(platform="console", user="stepper", where="terminal", is_dm=True)
    bot.handle("#31", ctx)
    r = bot.handle("the one before heat", ctx)
    assert r.issue.number == 30 and "Auto-Scaling" in r.items[0].text
    assert bot.handle("the one before", ctx).title == "There is no issue 29."  # 30 is the oldest


def test_without_an_issue_shown_the_one_before_is_the_second_newest(bot):
    ctx = Context(platform="console", user="fresh", where="terminal", is_dm=True)
    assert bot.handle("the one before", ctx).issue.number == 31
    bot.handle("#32", ctx)
    assert bot.handle("上一期", ctx).issue.number == 32  # 上一期 is the newest, no step
