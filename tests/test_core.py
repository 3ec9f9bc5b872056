"""The core's commands over a real store built from a small archive written here."""
from __future__ import annotations

from datetime import date

import pytest

from bot import commands
from bot.config import Config
from bot.core import Core
from bot.i18n import tr
from bot.ingest import ingest
from bot.reply import Context
from bot.state import BotState, Page
from tests.conftest import TODAY
from tests.posts import write_issue

ME = Context(platform="console", user="ann", where="terminal", is_dm=True)


@pytest.fixture
def archive(tmp_path):
    root = tmp_path / "site"
    write_issue(root, 18, date(2014, 8, 26), {
        "Common": ["Devstack 代理小技巧。  \n<http://example.org/devstack-proxy>",
                   "OpenStack 监控告警。  \n<http://example.org/monitoring-old>"],
        "Nova": ["Nova 如何配置热迁移 live migration。  \n<http://example.org/nova/live-migration>"],
        "Heat": ["Heat autoscaling, part 1.  \n<http://example.org/heat/1>", "Heat 模板 [guide](http://example.org/heat/guide)"],
    })
    write_issue(root, 19, date(2014, 9, 16), {
        "Common": ["OpenStack 监控告警。  \n<http://example.org/monitoring>"],
        "Nova": ["Nova cells v2 讨论。  \n<http://example.org/nova/cells>"],
        "Neutron": ["L3 HA，强烈推荐。  \n<http://example.org/l3-ha>"],
        "Heat": [f"Heat item {n}.  \n<http://example.org/heat/19/{n}>" for n in range(3)],
        "Tempst": ["QA 计划。  \n<http://example.org/qa>"],
    })
    write_issue(root, 20, date(2014, 9, 30), {
        "Nova": ["Nova scheduler 调度器。  \n<http://example.org/nova/scheduler>"],
        "Neutron": ["DVR 入门。  \n<http://example.org/dvr>"],
        "Cinder": [f"Cinder 第{n}条 backend {n}.  \n<http://example.org/cinder/{n}>" for n in range(25)],
    })
    write_issue(root, 21, date(2099, 1, 5), {"Heat": ["From the future.  \n<http://example.org/future>"]})
    return root


@pytest.fixture
def bot(store, archive) -> Core:
    config = Config()
    ingest(store, config, archive, when=TODAY)
    return Core(store, config)


def ask(bot: Core, text: str, ctx: Context = ME):
    return bot.handle(text, ctx)


def test_latest_is_the_newest_published_issue(bot):
    r = ask(bot, "latest")
    assert r.kind == "issue" and r.issue.number == 20
    assert r.issue.period == (date(2014, 9, 17), date(2014, 9, 30))
    assert [(s.name, s.count) for s in r.sections] == [("Nova", 1), ("Neutron", 1), ("Cinder", 25)]
    assert ask(bot, "最新").issue.number == 20


@pytest.mark.parametrize("text", ["latest heat links", "heat latest", "最新 heat", "LATEST Heat Links", "最新heat"])
def test_latest_project_is_the_newest_issue_that_has_it(bot, text):
    r = ask(bot, text)
    assert r.ok and r.issue.number == 19, r
    assert [i.text for i in r.items] == ["Heat item 0.", "Heat item 1.", "Heat item 2."]
    assert r.items[0].links == (("http://example.org/heat/19/0", ""),)


def test_project_items_across_issues_newest_first(bot):
    r = ask(bot, "heat links")
    assert [i.issue for i in r.items] == [19, 19, 19, 18, 18]
    assert r.items[-1].links == (("http://example.org/heat/guide", "guide"),)
    assert [i.issue for i in ask(bot, "heat last 1").items] == [19, 19, 19]
    assert {i.issue for i in ask(bot, "nova links since 2014-09-01").items} == {19, 20}
    assert [i.issue for i in ask(bot, "heat in 18").items] == [18, 18]
    assert [i.issue for i in ask(bot, "heat in 第十八期").items] == [18, 18]


def test_typo_heading_is_its_project(bot):
    r = ask(bot, "tempest")
    assert r.ok and r.items[0].section == "Tempest" and r.items[0].issue == 19


@pytest.mark.parametrize("text", ["issue 19", "#19", "第十九期", "19期", "ISSUE 19"])
def test_issue_by_number(bot, text):
    r = ask(bot, text)
    assert r.kind == "issue" and r.issue.number == 19
    assert [s.name for s in r.sections] == ["Common", "Nova", "Neutron", "Heat", "Tempest"]
    assert len(r.items) == 7 and r.more == 0


def test_missing_and_unpublished_issues(bot):
    for text in ("issue 7", "issue 21"):
        r = ask(bot, text)
        assert not r.ok and "no issue" in r.title
    assert [i.number for i in ask(bot, "issues").issues] == [20, 19, 18]


def test_projects_have_counts(bot):
    counts = {s.name: s.count for s in ask(bot, "projects").sections}
    assert counts == {"Cinder": 25, "Heat": 5, "Nova": 3, "Common": 3, "Neutron": 2, "Tempest": 1}


@pytest.mark.parametrize("text, issue", [
    ("search live migration", 18), ("搜索 热迁移", 18), ("搜索热迁移", 18), ("search 监控", 19), ("search DVR", 20),
    ("search l3", 19),
])
def test_search_chinese_and_english_short_and_long(bot, text, issue):
    r = ask(bot, text)
    assert r.ok and r.items and r.items[0].issue == issue, r


def test_search_ties_are_newest_first(bot):
    for text in ("search 监控告警", "search 监控"):  # the trigram path and the short-term path
        assert [i.issue for i in ask(bot, text).items] == [19, 18]


def test_more_pages_through_the_last_answer(bot):
    first = ask(bot, "cinder")
    assert len(first.items) == 10 and first.more == 15
    second = ask(bot, "more")
    assert len(second.items) == 10 and second.more == 5
    assert second.items[0].text != first.items[0].text
    third = ask(bot, "更多")
    assert len(third.items) == 5 and third.more == 0
    assert ask(bot, "more").title == "Nothing more to show."
    other = Context(platform="console", user="bob", where="terminal", is_dm=True)
    assert ask(bot, "more", other).title == "Nothing more to show."
    ask(bot, "cinder")
    ask(bot, "latest")  # an answer that fits on one page ends the paging
    assert ask(bot, "more").title == "Nothing more to show."


def _everything(n: int, unit: str = "items", lang: str = "en") -> str:
    one = "issue" if unit == "issues" else "item"
    return tr(lang).ngettext(f"That was everything: the last answer showed its only {one}.",
                             f"That was everything: the last answer showed all {{n}} {unit}.", n).format(n=n)


def test_more_after_an_answer_of_one_page_says_it_showed_everything(bot):
    heat = ask(bot, "heat")
    assert heat.items and heat.more == 0
    n = len(heat.items)
    assert ask(bot, "more").title == f"That was everything: the last answer showed all {n} items."
    assert ask(bot, "更多").title == f"上一个回答已是全部：共 {n} 条。"
    assert ask(bot, "next").title == _everything(n)  # and again: nothing was forgotten
    assert ask(bot, "下一页").title == _everything(n, lang="zh")
    assert ask(bot, "page 1").items == heat.items  # its one page, again
    assert ask(bot, "qa").items and ask(bot, "more").title == "That was everything: the last answer showed its only item."
    issues = ask(bot, "issues")
    assert issues.issues and issues.more == 0
    assert ask(bot, "more").title == _everything(len(issues.issues), "issues")
    assert ask(bot, "更多").title == f"上一个回答已是全部：共 {len(issues.issues)} 期。"
    ask(bot, "cinder")  # pages: `more` shows the next one
    assert ask(bot, "more").more == 5


def test_more_after_nothing_found_help_or_an_error(bot):
    ask(bot, "xyzzy plover")
    nothing = ask(bot, "more")
    assert nothing.title == "Nothing more: the last answer found nothing." and nothing.ok
    assert ask(bot, "更多").title == "没有更多了：上一个回答什么也没找到。"
    ask(bot, "heat")
    ask(bot, "help")  # lists no items: "the last answer showed all its items" is no longer so
    assert ask(bot, "more").title == "Nothing more to show."
    ask(bot, "cinder")
    ask(bot, "help")  # ... but a list with pages to come is still continued after it
    assert ask(bot, "more").more == 5
    ask(bot, "heat")
    ask(bot, "issue 99")  # an error
    assert ask(bot, "more").title == "Nothing more to show."


def test_paging_state_is_stored_and_a_repeated_command_touches_none(bot, store):
    ask(bot, "cinder")
    assert BotState.of(store).last_page(ME.conversation) == Page("cinder", 0)  # what an `ask` in another process reads
    statements = []
    store.conn.set_trace_callback(statements.append)
    try:
        ask(bot, "cinder")
        ask(bot, "latest heat links")  # fits one page: says so once, then never again
        ask(bot, "latest heat links")
        ask(bot, "issue 99")  # an error: nothing to page, forgotten once
        ask(bot, "issue 99")
    finally:
        store.conn.set_trace_callback(None)
    assert [s.split()[0] for s in statements if "conversations" in s] == ["INSERT", "DELETE"]
    assert BotState.of(store).last_page(ME.conversation) is None


def test_a_misspelt_project_is_answered_and_said(bot):
    for text, project in (("latest hate links", "Heat"), ("hete links", "Heat"), ("nvoa since 2014-06-01", "Nova")):
        r = ask(bot, text)
        assert r.ok and r.items and {i.section for i in r.items} == {project}, (text, r)
        assert f"showing {project}" in r.notice
    r = ask(bot, "subscribe nuetron")  # a typo of one project only: subscribed to it
    assert "Neutron" in r.title


def test_words_that_are_no_command_are_searched(bot):
    r = ask(bot, "scheduler")
    assert r.items and r.items[0].issue == 20


@pytest.mark.parametrize("junk", [
    '"', "AND", "NEAR(", "*", "search \"", "search AND OR NOT", "search NEAR(a b)", "search *",
    "search '; DROP TABLE items; --", "'; DROP TABLE items; --", "search " + "热" * 10_000, "x" * 10_240,
    "\x00\x01", "issue", "issue abc", "issue 99999999999999999999", "heat since yesterday", "subscribe",
    "search", "heat in", "   ",
])
def test_junk_gets_a_helpful_reply_never_a_traceback(bot, junk):
    r = ask(bot, junk)
    assert r.title
    assert ask(bot, "latest").issue.number == 20  # the store survived


def test_subscriptions(bot):
    assert "subscribed to Neutron" in ask(bot, "subscribe neutron").title
    assert "已经订阅" in ask(bot, "订阅 Neutron").title  # asked in Chinese, answered in Chinese
    assert not ask(bot, "subscribe quux").ok
    assert ask(bot, "subscriptions").text == ("Neutron",)
    assert bot.state.subscribers("Neutron") == [("console", "ann")]
    assert "Unsubscribed from Neutron" in ask(bot, "unsubscribe neutron").title
    assert ask(bot, "subscriptions").title == "You have no subscriptions."


def test_commands_said_in_a_sentence(bot):
    """What people type around a command: words to the bot before it, framing words in its arguments."""
    assert ask(bot, "subscribe me to neutron updates").title == "You are subscribed to Neutron."
    assert ask(bot, "please subscribe heat").title == "You are subscribed to Heat."
    assert ask(bot, "i'd like to subscribe to cinder").title == "You are subscribed to Cinder."
    assert set(ask(bot, "hey bot, subscriptions").text[0].split(", ")) == {"Neutron", "Heat", "Cinder"}
    assert ask(bot, "unsubscribe from heat").title == "Unsubscribed from Heat."
    assert ask(bot, "can you unsubscribe me from everything").title == "Unsubscribed from 2 projects."
    assert ask(bot, "hey bot, help").kind == "help"
    assert ask(bot, "can you search scheduler").items[0].issue == 20


def test_help_is_generated_from_the_declarations(bot):
    r = ask(bot, "help")
    text = "\n".join(r.text)
    zh = "\n".join(ask(bot, "帮助").text)
    for c in commands.COMMANDS:
        assert c.usage in text and c.help in text
        usage = tr("zh").gettext(c.usage)  # in Chinese: the Chinese command word and placeholders
        assert usage != c.usage and usage in zh and (c.usage not in zh or c.usage == c.name)
        assert tr("zh").gettext(c.help) in zh and tr("zh").gettext(c.help) != c.help
        assert all(a in text and a in zh for a in c.aliases)
        assert f"`{c.name}`" in zh  # the English command word works too: shown as a command


def test_chinese_help_has_no_english_but_commands():
    import re
    zh = "\n".join(commands.help_lines(tr("zh")))
    prose = re.sub(r"`[^`]*`|\b(?:OR|N|heat|nova)\b", "", zh)  # commands, syntax, and project names in examples
    assert not re.findall(r"[A-Za-z]{2,}", prose), prose


@pytest.mark.parametrize("text, kind", [
    ("what projects are there", "projects"), ("which sections are covered?", "projects"),
    ("what projects does the digest track", "projects"), ("how do i search?", "help"), ("how does this work?", "help"),
    ("有哪些项目", "projects"), ("列出所有栏目", "projects"), ("项目有哪些", "projects"),
    ("how many issues are there", "issues"), ("一共有多少期", "issues"), ("all issues", "issues"),
    ("what can you do", "help"), ("你能做什么？", "help"), ("help me", "help"),
    ("我订阅了什么", "subscriptions"), ("my subscriptions please", "subscriptions"),
])
def test_a_question_that_asks_for_a_command_runs_it(bot, text, kind):
    r = ask(bot, text)
    assert (r.kind if kind != "subscriptions" else r.title) == (
        kind if kind != "subscriptions" else
        ("你还没有任何订阅。" if "订阅" in text else "You have no subscriptions."))


@pytest.mark.parametrize("text, project", [
    ("我想订阅neutron", "Neutron"), ("帮我订阅一下heat", "Heat"), ("请订阅 heat", "Heat"), ("订阅一下nova", "Nova"),
])
def test_a_chinese_frame_before_a_command_word_is_the_command(bot, text, project):
    assert ask(bot, text).title == tr("zh").gettext("You are subscribed to {project}.").format(project=project)


def test_chinese_framed_and_reversed_commands(bot):
    ask(bot, "订阅 heat")
    assert ask(bot, "全部退订").title == tr("zh").ngettext("Unsubscribed from {n} project.",
                                                        "Unsubscribed from {n} projects.", 1).format(n=1)
    assert ask(bot, "我订阅了哪些").title == "你还没有任何订阅。"  # the words after 订阅 are no project: the question
    assert ask(bot, "有没有更多").title == tr("zh").gettext("Nothing more to show.")
    assert [i.issue for i in ask(bot, "帮我搜索热迁移").items] == [i.issue for i in ask(bot, "搜索 热迁移").items]
    assert ask(bot, "我想看看heat").kind == "items"  # no command word after the frame: a question


@pytest.mark.parametrize("text, kind", [("往期列表", "issues"), ("项目列表", "projects"), ("你能干啥？", "help"),
                                        ("有哪些功能", "help"), ("有几个项目", "projects"), ("总共出了几期", "issues"),
                                        ("怎么用heat做自动伸缩", "items"), ("怎么用", "help"),
                                        ("都有哪些栏目？", "projects"), ("有哪些期", "issues")])
def test_more_chinese_ways_to_ask_for_a_command(bot, text, kind):
    assert ask(bot, text).kind == kind


@pytest.mark.parametrize("text", ["第二页", "再来点", "还有别的吗？", "然后呢"])
def test_chinese_ways_to_ask_for_the_next_page(bot, text):
    first = ask(bot, "cinder的文章")
    nxt = ask(bot, text)
    assert nxt.lang == "zh" and nxt.items and nxt.items != first.items and nxt.title == first.title


@pytest.mark.parametrize("text, title", [("你好", "Hi! Ask me about a project or a topic."),
                                         ("谢谢！", "You're welcome!"), ("您好，在吗", "Hi! Ask me about a project or a topic."),
                                         ("好的，谢谢", "You're welcome!")])
def test_a_chinese_greeting_or_thanks_alone_is_answered_kindly_in_chinese_with_what_to_ask(bot, text, title):
    r = ask(bot, text)
    assert r.kind == "text" and r.ok and r.lang == "zh" and not r.items and r.title == tr("zh").gettext(title)
    assert "搜索 热迁移" in r.text[0]


@pytest.mark.parametrize("text, title", [("thanks!", "You're welcome!"), ("thank you", "You're welcome!"),
                                         ("ok thx", "You're welcome!"), ("hi", "Hi! Ask me about a project or a topic."),
                                         ("hello bot", "Hi! Ask me about a project or a topic.")])
def test_an_english_greeting_or_thanks_alone_is_answered_kindly(bot, text, title):
    r = ask(bot, text)
    assert r.kind == "text" and r.ok and r.lang == "en" and not r.items and r.title == title


def test_thanks_beside_a_topic_is_still_the_topic(bot):
    assert ask(bot, "thanks, and heat autoscaling?").items


@pytest.mark.parametrize("text, command", [
    ("how do I subscribe to neutron news?", "subscribe"), ("how can i get notified when a new issue is out?", "subscribe"),
    ("is there a way to be notified about heat", "subscribe"), ("how do I unsubscribe from heat", "unsubscribe"),
    ("how do i stop getting these messages", "unsubscribe"), ("怎么订阅", "subscribe"), ("如何订阅heat？", "subscribe"),
    ("新的一期出来了怎么通知我", "subscribe"), ("订阅要怎么弄", "subscribe"), ("怎么取消订阅", "unsubscribe"),
    ("退订怎么操作", "unsubscribe"), ("不想再收到私信了怎么办", "unsubscribe"), ("怎么才能收到私信", "subscribe")])
def test_asking_how_to_subscribe_answers_with_that_commands_help_and_subscribes_nobody(bot, text, command):
    r = ask(bot, text)
    assert r.kind == "help" and r.lang == ("zh" if not text.isascii() else "en")
    assert r.text[0] == commands.help_lines(tr(r.lang), commands.BY_WORD[command])[0]
    assert ask(bot, "subscriptions").title == "You have no subscriptions."


@pytest.mark.parametrize("text", ["subscribe heat", "订阅 heat", "我想订阅neutron", "how do i configure nova notifications",
                                  "nova的通知机制怎么配置"])
def test_a_subscription_or_a_notifications_topic_is_no_how_to_question(bot, text):
    assert ask(bot, text).kind != "help"


def test_an_issue_number_in_chinese_numerals_up_to_yi(bot):
    r = ask(bot, "第一亿期")
    assert not r.ok and r.lang == "zh" and "100000000" in r.title


@pytest.mark.parametrize("text", ["all heat links", "list heat links", "heat 项目管理"])
def test_a_word_of_a_command_without_arguments_starting_a_question_is_a_question(bot, text):
    r = ask(bot, text)  # "all" and "list" are words of `issues`, 项目 one of `projects`
    assert r.kind == "items" and all(i.section == "Heat" for i in r.items), (r.title, r.kind)


def test_help_for_one_command(bot):
    r = ask(bot, "help search")
    assert len(r.text) == 2 and r.text[0].startswith("search WORDS") and "search live migration" in r.text[1]
    assert ask(bot, "帮助：搜索").text == ask(bot, "帮助 搜索").text  # full-width colon after the word
    zh = ask(bot, "帮助 搜索").text
    assert zh[0].startswith("搜索 词语") and "`search`" in zh[0] and zh[1] == "例如：搜索 热迁移"
    assert len(ask(bot, "help quux").text) == len(commands.COMMANDS) + 3  # not a command: all of it


def test_announcement_and_subscription_digest(bot):
    a = bot.announcement(19, items_per_section=1)
    assert a.kind == "announcement" and a.issue.number == 19
    assert [s.count for s in a.sections] == [1, 1, 1, 3, 1]
    assert a.items[0].text == "OpenStack 监控告警。"
    assert [i.section for i in a.items] == ["Common", "Nova", "Neutron", "Heat", "Tempest"]
    d = bot.subscription_digest(19, "Heat")
    assert len(d.items) == 3
    assert bot.subscription_digest(20, "Heat") is None


def test_json_shape(bot):
    j = ask(bot, "heat links").to_json()
    assert {"issue", "section", "text", "links"} <= set(j["items"][0])
    assert j["items"][0]["links"][0]["url"].startswith("http://example.org/heat")
    issues = ask(bot, "issues").to_json()["issues"]
    assert issues[0] == {**issues[0], "number": 20, "date": "2014-09-30"}


def test_phrase_matches_rank_first(store, tmp_path):
    root = tmp_path / "site"
    write_issue(root, 1, date(2014, 1, 10), {"Nova": ["Live Migration done right"]})
    write_issue(root, 2, date(2014, 1, 24), {"Nova": ["migration of a live system"]})
    write_issue(root, 3, date(2014, 2, 7), {"Nova": ["Nova 热迁移指南"]})
    write_issue(root, 4, date(2014, 2, 21), {"Nova": ["热迁移 in Nova"]})
    ingest(store, Config(), root, when=TODAY)
    bot = Core(store, Config())
    r = bot.handle("search live migration", ME)
    issues = [i.issue for i in r.items]
    assert issues[0] == 1 and set(issues) == {1, 2, 3, 4}  # the phrase first; 热迁移 is live migration
    assert issues.index(1) < issues.index(2)  # the phrase beats the newer scattered match
    r = bot.handle("search nova 热迁移", ME)
    assert {3, 4} <= {i.issue for i in r.items[:3]}


def test_no_section_notice_only_for_names(store, tmp_path):
    root = tmp_path / "site"
    write_issue(root, 1, date(2014, 8, 26), {"Nova": ["The Gantt split.  \n<http://example.org/g>",
                                                      "convergence of the scheduler.  \n<http://example.org/c>"]})
    ingest(store, Config(), root, when=TODAY)
    bot = Core(store, Config())
    r = ask(bot, "gantt")  # the items write it as a name
    assert r.items and r.notice == "There is no “Gantt” section; these items mention it."
    r = ask(bot, "convergence")  # an ordinary word: no talk of sections
    assert r.items and not r.notice


@pytest.mark.parametrize("text", ["nova and neutron in issue 20", "20期的nova和neutron", "neutron, nova #20"])
def test_several_projects_are_their_items_together(bot, text):
    r = ask(bot, text)
    assert {i.section for i in r.items} == {"Nova", "Neutron"} and {i.issue for i in r.items} == {20}, r.title
    assert r.title.startswith(("Nova, Neutron", "Neutron, Nova"))


def test_several_projects_across_issues_page_newest_first(bot):
    r = ask(bot, "nova and neutron links")
    assert len(r.items) == 5 and r.more == 0  # Nova 3 and Neutron 2, across the published issues
    dates = [i.date for i in r.items]
    assert dates == sorted(dates, reverse=True)


def test_an_english_name_of_a_chinese_section_and_plural_glossary_phrases(store, tmp_path):
    """With only `[archive] path` set (no aliases), the glossary's `industry` is the section
    业界动态, and a glossary phrase in the plural ("project managers") or with stop words in it
    ("end of life") is still that phrase."""
    from pathlib import Path

    from bot.config import parse
    root = tmp_path / "site"
    write_issue(root, 11, date(2014, 4, 10), {
        "业界动态": ["爱立信与某公司签署了五年的战略合作。  \n<http://example.org/deal>"],
        "Common": ["社区需不需要项目经理？一篇讨论。  \n<http://example.org/pm>",
                   "项目 manager 周报。  \n<http://example.org/weekly>",
                   "Grizzly 版本不再维护。  \n<http://example.org/grizzly>", "Grizzly 的新文档。  \n<http://example.org/g>",
                   "在H版，一个 L3 agent 只能关联一个外部网络。  \n<http://example.org/l3>", "L3 agent 调优。  \n<http://example.org/l3t>"],
    })
    config = parse({"archive": {"path": str(root)}}, Path(tmp_path))
    ingest(store, config, root, when=TODAY)
    bot = Core(store, config)
    r = ask(bot, "latest industry news")
    assert r.items and {i.section for i in r.items} == {"业界动态"}, r
    assert ask(bot, "ericsson deal").items[0].section == "业界动态"
    assert "项目经理" in ask(bot, "do we need project managers?").items[0].text
    r = ask(bot, "grizzly end of life")  # a glossary phrase holding stop words is still the phrase
    assert "不再维护" in r.items[0].text and not r.notice, r
    assert ask(bot, "havana l3 agent").items[0].text.startswith("在H版")  # a release by its letter


def test_a_project_named_as_a_section(bot):
    for text in ("the heat section of issue 19", "heat part in issue 19", "common section of the latest issue"):
        r = ask(bot, text)
        assert r.items and len({i.section for i in r.items}) == 1 and "some of them" not in (r.notice or ""), (text, r)


def test_a_project_with_nothing_in_that_time_shows_its_other_items(bot):
    r = ask(bot, "cinder in august 2014")  # Cinder is only in issue 20 (2014-09-30)
    assert r.items and {i.issue for i in r.items} == {20}
    assert r.notice == "Nothing from 2014-08-01 to 2014-08-31; these are from other issues."
    assert ask(bot, "cinder since 2015").notice.startswith("Nothing since 2015-01-01")


def test_nothing_in_that_time_nor_with_every_word_shows_items_with_some(bot):
    r = ask(bot, "devstack kittens since 2014-09-20")  # devstack: only issue 18; kittens: nowhere
    assert r.items and r.items[0].issue == 18 and r.notice.startswith("Nothing since 2014-09-20"), r


def test_a_word_of_the_archive_out_of_that_time_is_no_typo(store, tmp_path):
    """`havana` is two edits from Sahara; with a time that has no Havana, it is still a word of
    the archive (older items hold it), not a misspelt project."""
    root = tmp_path / "site"
    write_issue(root, 1, date(2014, 4, 10), {"Common": ["Havana 2013.2.3 发布。  \n<http://example.org/havana>"]})
    write_issue(root, 2, date(2014, 9, 16), {"Sahara": ["Sahara 的 EDP。  \n<http://example.org/edp>"]})
    config = Config()
    ingest(store, config, root, when=TODAY)
    r = ask(Core(store, config), "havana since 2014-09-01")
    assert r.items and r.items[0].issue == 1 and "Sahara" not in (r.notice or ""), r


def test_the_oldest_issue(bot):
    assert ask(bot, "oldest issue").issue.number == 18
    assert {i.issue for i in ask(bot, "heat in the earliest issue").items} == {18}


def test_h_is_help_alone_and_a_release_letter_in_a_question(bot):
    assert ask(bot, "h").kind == "help" and ask(bot, "h search").kind == "help"
    assert ask(bot, "h release l3 agent").kind != "help"


def test_several_projects_some_without_a_section(store, tmp_path):
    """Joined names where one has no section here: the other's items that mention it; neither: items with either."""
    root = tmp_path / "site"
    write_issue(root, 1, date(2014, 6, 16), {
        "Heat": ["Heat 对 Trove 做 resize。  \n<http://example.org/heat/trove>", "Heat 模板。  \n<http://example.org/t>"],
        "Nova": ["Nova 的 Ironic driver。  \n<http://example.org/ironic>", "Nova cells。  \n<http://example.org/c>"],
    })
    ingest(store, Config(), root, when=TODAY)
    bot = Core(store, Config())
    assert {i.section for i in ask(bot, "nova and heat").items} == {"Nova", "Heat"}  # both sections
    r = ask(bot, "heat and trove")  # Trove is a name of the config's list, with no section in this archive
    assert [i.text for i in r.items] == ["Heat 对 Trove 做 resize。"], r
    r = ask(bot, "trove and ironic")  # neither has a section: the items that mention either
    assert {i.text for i in r.items} == {"Heat 对 Trove 做 resize。", "Nova 的 Ironic driver。"}, r


def test_two_words_the_archive_writes_as_one(store, tmp_path):
    root = tmp_path / "site"
    write_issue(root, 1, date(2014, 4, 10), {"Common": [
        "如何使用SUSECloud安装多节点环境？  \n<http://example.org/suse>", "Cloud 周报。  \n<http://example.org/c>",
        "Install 指南。  \n<http://example.org/i>"]})
    ingest(store, Config(), root, when=TODAY)
    bot = Core(store, Config())
    assert ask(bot, "suse cloud install").items[0].text.startswith("如何使用SUSECloud")
    assert ask(bot, "suse cloud").items[0].text.startswith("如何使用SUSECloud")


def test_a_chinese_run_with_no_item_holding_all_of_it_answers_with_most_of_its_pairs(store, tmp_path):
    write_issue(tmp_path / "site", 30, date(2014, 9, 16), {
        "Common": ["只用一台笔记本就能跑起完整的云环境。  \n<http://example.org/laptop>",
                   "社区的笔记汇总。  \n<http://example.org/notes>"]})
    config = Config()
    ingest(store, config, tmp_path / "site", when=TODAY)
    r = Core(store, config).handle("一台笔记本能跑吗", ME)  # 本能 is in no item: the whole run matches nothing
    assert r.lang == "zh" and r.items[0].text.startswith("只用一台笔记本") and r.notice


def test_a_line_of_names_keeps_the_conversation_in_chinese(bot):
    zh, other = Context("slack", "U1", "C1"), Context("slack", "U2", "C1")
    assert ask(bot, "有没有讲热迁移的", zh).lang == "zh"
    for line in ("DVR", "neutron l3", "nova cells 2014-09"):  # no English words of their own
        assert ask(bot, line, zh).lang == "zh", line
    assert ask(bot, "DVR", other).lang == "en"  # another asker: the line's own language
    assert ask(bot, "heat links", zh).lang == "en"  # English words: English, and the conversation with it
    assert ask(bot, "DVR", zh).lang == "en"
    assert ask(bot, "dvr 入门", zh).lang == "zh" and ask(bot, "heat since june 2014", zh).lang == "en"


def test_the_adapters_apology_is_in_the_askers_language(bot):
    zh, en = bot.failure("有没有讲热迁移的", ME), bot.failure("heat links", ME)
    assert zh.lang == "zh" and zh.title == tr("zh").gettext("Something went wrong answering that.") != en.title
    assert not zh.ok and en.lang == "en"


def test_several_projects_in_one_subscribe_and_chinese_ways_to_stop(bot):
    zh = tr("zh")
    assert ask(bot, "订阅heat和nova").title == zh.gettext("You are subscribed to {project}.").format(project="Heat、Nova")
    assert bot.state.subscriptions_of("console", "ann") == ["Heat", "Nova"]
    assert ask(bot, "subscribe heat, neutron").title == "You are subscribed to Heat, Neutron."  # one of them new
    assert not ask(bot, "订阅 heat xyz").ok  # a word that names no project: nothing is subscribed
    assert ask(bot, "不想订阅heat了").title == zh.gettext("Unsubscribed from {project}.").format(project="Heat")
    assert ask(bot, "退订 nova neutron").title == zh.gettext("Unsubscribed from {project}.").format(project="Nova、Neutron")
    assert ask(bot, "subscriptions").title == "You have no subscriptions."


def test_the_preface_by_its_chinese_name(store, tmp_path):
    from tests.posts import issue_text
    path = tmp_path / "site" / "_posts" / "2014-09-16-openstack-activity-30.md"
    path.parent.mkdir(parents=True)
    path.write_text(issue_text(30, date(2014, 9, 16), {"Nova": ["Nova 条目。"]}, preface="本期的开场白。"), encoding="utf-8")
    config = Config()
    ingest(store, config, tmp_path / "site", when=TODAY)
    r = Core(store, config).handle("第三十期的前言", ME)
    assert [i.text for i in r.items] == ["本期的开场白。"] and r.items[0].section == "前言"
    assert "前言" in r.title and "Introduction" not in r.title


@pytest.mark.parametrize("question, found", [
    ("红帽", "Red Hat"), ("思科", "Cisco"), ("甲骨文", "Oracle"), ("裸机", "Ironic"), ("共享文件系统", "Manila"),
    ("域名服务", "Designate"), ("日志", "rsyslog"), ("容器", "Docker"), ("软件定义存储", "SDS"),
    ("Ericsson", "爱立信"), ("L版", "Liberty"),
])
def test_the_glossary_names_in_chinese_what_items_write_in_english(store, tmp_path, question, found):
    write_issue(tmp_path / "site", 30, date(2014, 9, 16), {"Common": [
        "Red Hat 与 Cisco 合作。", "Oracle Linux 集成。", "Ironic 作为 nova driver 测试。", "Manila 孵化。",
        "Designate 申请孵化。", "rsyslog 的用法。", "Docker 1.0 发布。", "SDS 与存储的关系。", "爱立信投资。",
        "Liberty 的发布日程。", "其他条目。"]})
    config = Config()
    ingest(store, config, tmp_path / "site", when=TODAY)
    r = Core(store, config).handle(question, ME)
    assert r.items and found in r.items[0].text, (question, r.title)


@pytest.mark.parametrize("text, usage", [("怎么订阅", "订阅 项目"), ("订阅怎么用", "订阅 项目"), ("退订怎么用", "退订 项目|全部")])
def test_asking_how_to_subscribe_gets_the_usage(bot, text, usage):
    r = ask(bot, text)  # that command's help: its usage, what it does, examples (not an error)
    assert r.kind == "help" and r.ok and r.text[0].startswith(usage) and r.lang == "zh"


def test_subscribing_said_around_the_project(bot):
    zh = tr("zh")
    assert ask(bot, "heat和nova都订阅").title == zh.gettext("You are subscribed to {project}.").format(project="Heat、Nova")
    assert ask(bot, "取消我的heat订阅").title == zh.gettext("Unsubscribed from {project}.").format(project="Heat")
    assert ask(bot, "nova 退订").title == zh.gettext("Unsubscribed from {project}.").format(project="Nova")
    assert ask(bot, "别订阅heat了").title == zh.gettext("You were not subscribed to {project}.").format(project="Heat")
    assert ask(bot, "heat订阅了吗").kind == "items"  # a question about it: no subscribing
    assert bot.state.subscriptions_of("console", "ann") == []


@pytest.mark.parametrize("word, meant", [("deploying", "部署"), ("deployed", "部署"), ("upgrading", "升级"), ("upgraded", "升级"),
                                         ("scheduling", "调度")])
def test_an_english_ing_or_ed_form_finds_its_glossary_word(bot, word, meant):
    assert meant in bot._alternatives(word), bot._alternatives(word)


def test_a_word_of_the_archive_is_no_typo_of_an_alias(store, tmp_path):
    """"images" is one edit from Glance's alias "image"; the archive writes it (and 镜像), so a
    question with it and other words finds those items, never "“images” is no word of the archive"."""
    from bot.config import parse
    root = tmp_path / "site"
    write_issue(root, 15, date(2014, 6, 16), {
        "Common": ["镜像可以从哪里获取？现成的镜像汇总。  \n<http://example.org/where-images>",
                   "关于 TripleO 的 Golden Images。  \n<http://example.org/golden>"],
        "Glance": ["为 Glance 配置 Swift 后端。  \n<http://example.org/glance-swift>"]})
    config = parse({"archive": {"path": str(root), "aliases": {"Glance": ["image"]}}}, tmp_path)
    ingest(store, config, root, when=TODAY)
    r = Core(store, config).handle("where can i download ready-made cloud images?", ME)
    assert r.items and "现成的镜像" in r.items[0].text and "no word of the archive" not in (r.notice or "")


@pytest.mark.parametrize("text", ["hello! what's this bot for?", "who are you?", "你好，这个机器人能做什么", "怎么搜索", "你是谁"])
def test_asking_what_the_bot_is_or_how_to_search_is_help(bot, text):
    r = ask(bot, text)
    assert r.kind == "help" and r.lang == ("en" if text.isascii() else "zh"), (text, r.title)


@pytest.mark.parametrize("text", ["great, and cinder?", "cool, and for cinder?", "谢谢，那cinder呢"])
def test_chat_words_around_a_project_are_no_search_words(bot, text):
    r = ask(bot, text)
    assert r.items and all(i.section == "Cinder" for i in r.items) and r.notice is None, (r.title, r.notice)


@pytest.mark.parametrize("text", ["how to use", "how do i use this", "how do I use the bot?", "how does this bot work",
                                  "how can i use it"])
def test_asking_how_to_use_the_bot_is_help(core, text):
    assert core.handle(text, ME).kind == "help"


@pytest.mark.parametrize("text, project", [("how to use heat", "Heat"), ("how do i use heat templates", "Heat")])
def test_how_to_use_a_project_is_still_a_question(core, text, project):
    r = core.handle(text, ME)
    assert r.kind == "items" and r.items and all(i.section == project for i in r.items[:2]), r


@pytest.mark.parametrize("text, searched", [("搜一搜热迁移", "热迁移"), ("搜搜热迁移", "热迁移"), ("搜下热迁移", "热迁移"),
                                            ("搜下载", "下载")])
def test_a_search_verb_said_lightly_is_the_verb(core, text, searched):
    r = core.handle(text, ME)
    assert f"“{searched}”" in r.title, r.title


def test_an_unknown_chinese_project_is_quoted_as_typed(core):
    r = core.handle("订阅 不存在的项目", ME)
    assert not r.ok and "“不存在”" in r.title, r.title


@pytest.mark.parametrize("word", ["再多一点", "多来点", "keep going", "continue", "the rest", "more results"])
def test_asking_for_more_in_other_words_pages_on(core, word):
    first = core.handle("nova", ME)
    assert first.more
    r = core.handle(word, ME)
    assert r.items and r.items[0] not in first.items and r.items[0].section == "Nova", (word, r.title)


@pytest.mark.parametrize("text", ["heat; nova", "heat | nova", "heat vs nova", "heat；nova"])
def test_names_in_a_list_by_any_separator_are_several_projects(core, text):
    r = core.handle(text, ME)
    assert r.title.startswith("Heat, Nova") and {i.section for i in r.items} == {"Heat", "Nova"}, r.title


@pytest.mark.parametrize("text, title", [("lastest issue", "Issue 26"), ("latset heat", "Heat in issue 26"),
                                         ("heat sicne november", "Heat: 5 items since 2014-11-01"),
                                         ("heat befroe issue 22", "Heat: 3 items until 2014-10-27")])
def test_a_slip_of_a_time_word_is_that_time_word(core, text, title):
    assert core.handle(text, ME).title.startswith(title)


def test_time_words_are_no_slips_of_each_other():
    from bot.time_words import MISSPELT_TIME_WORDS, misspelt_time_words
    assert misspelt_time_words("lastest heat sicne june".split()) == {"lastest": "latest", "sicne": "since"}
    assert not {"issue", "issues", "since", "after", "month", "latest"} & set(MISSPELT_TIME_WORDS)
    assert all(len(slip) >= 5 for slip in MISSPELT_TIME_WORDS)  # sine, util, isue: too often words of their own


@pytest.mark.parametrize("text", ["hot topics", "what's trending", "highlights", "what's hot this week", "热点"])
def test_asking_what_is_hot_is_the_newest_issue_as_a_whole(bot, text):
    r = ask(bot, text)
    assert r.kind == "issue" and r.issue.number == 20, r


def test_hot_beside_a_word_is_still_searched(bot):
    r = ask(bot, "heat hot")
    assert r.kind == "items" and r.issue is None, r
