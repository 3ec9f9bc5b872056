"""Reading a line of chat (bot/query.py): normalising, time words, stop words, Chinese segmentation."""
from __future__ import annotations

from datetime import date

import pytest

from bot.query import normalize, words
from bot.time_words import Scope, take_scope


@pytest.mark.parametrize("text, scope", [
    ("newest keystone news", Scope(nth=1)),
    ("last issue", Scope(nth=1)),
    ("this week's issue", Scope(nth=1)),
    ("上一期", Scope(nth=1)),
    ("最新一期的nova", Scope(nth=1)),
    ("上上期", Scope(nth=2)),
    ("the previous issue", Scope(nth=2)),
    ("nova last 3", Scope(last=3)),
    ("最近三期的heat", Scope(last=3)),
    ("last five issues", Scope(last=5)),
    ("neutron links since june 2014", Scope(since=date(2014, 6, 1))),
    ("since 2014-06-15", Scope(since=date(2014, 6, 15))),
    ("2014年6月以来", Scope(since=date(2014, 6, 1))),
    ("自2014年9月", Scope(since=date(2014, 9, 1))),
    ("2014年以前", Scope(until=date(2013, 12, 31))),
    ("before 2015", Scope(until=date(2014, 12, 31))),
    ("in 2014", Scope(since=date(2014, 1, 1), until=date(2014, 12, 31))),
    ("june 2014", Scope(since=date(2014, 6, 1), until=date(2014, 6, 30))),
    ("2014年12月", Scope(since=date(2014, 12, 1), until=date(2014, 12, 31))),
    ("in issue 19", Scope(issue=19)),
    ("第19期的heat", Scope(issue=19)),
    ("第十九期", Scope(issue=19)),
    ("neutron in 15", Scope(issue=15)),
    ("#24 nova", Scope(issue=24)),
    ("what was in issue nineteen", Scope(issue=19)),
    ("issue number twenty-four nova", Scope(issue=24)),
    ("the 19th issue", Scope(issue=19)),
    ("the nineteenth edition", Scope(issue=19)),
    ("number one priority", Scope()),
    ("two issues of heat", Scope()),
    ("cinder backup", Scope()),
    ("since 2014-13-45", Scope()),  # no such date: not a scope
    ("icehouse 2014.1.1", Scope()),  # a bare dotted day is a version (or a date as posts write it): searched
    ("since 2014.6.1", Scope(since=date(2014, 6, 1))),
    ("2014-10-01以来的heat", Scope(since=date(2014, 10, 1))),  # an ISO date glued to Chinese words
    ("从2014-10-01起", Scope(since=date(2014, 10, 1))),
    ("heat 2014-11-01之前", Scope(until=date(2014, 10, 31))),  # before that day, as 2014年以前
    ("2014.1.1 release notes", Scope()),  # dotted: an OpenStack version (or the digest's own date), a term
    ("icehouse 2013.2.3", Scope()),
    ("heat since 2014-10-01.", Scope(since=date(2014, 10, 1))),  # a sentence's full stop is no version dot
    ("heat in 2014.", Scope(since=date(2014, 1, 1), until=date(2014, 12, 31))),
    ("since june 2014.", Scope(since=date(2014, 6, 1))),
])
def test_time_words_in_both_languages(text, scope):
    assert take_scope(normalize(text).casefold())[0] == scope


@pytest.mark.parametrize("text, terms", [
    ("Glance?", ["glance"]),
    ("Sahara！", ["sahara"]),
    ("is there anything about keystone", ["keystone"]),
    ("tell me about horizon ssl", ["horizon", "ssl"]),
    ("有哪些讲glance的文章", ["讲", "glance"]),  # a lone character: the core drops it beside other words
    ("关于sahara有什么", ["sahara"]),
    ("有没有关于热迁移的文章", ["热迁移"]),
    ("ＧＬＡＮＣＥ？", ["glance"]),  # full width
    ("Ceilometer的瓶颈是什么", ["ceilometer", "瓶颈"]),
    ("nova的性能", ["nova", "性能"]),  # 能 is no stop word inside 性能
    ("live-migration", ["live-migration"]),
    ("Neutron最近在干嘛", ["neutron"]),  # colloquial frames
    ("heat咋样了", ["heat"]),
    ("查看heat", ["heat"]),
    ("第15期的common有几条", ["common"]),
    ("求推荐devstack教程", ["devstack", "教程"]),
    ("L版", ["l版"]),  # a release by its letter
    ("k版本的代号", ["k版", "代号"]),
])
def test_question_frames_and_stop_words_go(text, terms):
    line = take_scope(normalize(text).casefold())[1]
    assert words(line, frozenset({"热迁移"})).terms == terms


@pytest.mark.parametrize("text, terms", [
    ("summary of the latest issue", []),  # asking for an issue as a whole: the issue, no search
    ("overview of issue 15", []),
    ("总结一下第15期", []),
    ("6月出了几期", []),
    ("虚拟机连不了多个外部网络", ["虚拟机", "外部网络"]),  # a symptom's frame carries no topic
    ("ceilometer查询越来越慢", ["ceilometer", "查询", "慢"]),
    ("nova+neutron", ["nova", "neutron"]),  # glued by "+" (full width too): joined as by "and"
    ("nova＋neutron", ["nova", "neutron"]),
    ("c++ 和 a+b", ["c", "a+b"]),  # no words either side: one word (and "c++" is what it was)
    ("keystone…ldap", ["keystone", "ldap"]),  # an ellipsis parts words, a version's dots do not
    ("icehouse 2014.1.1", ["icehouse", "2014.1.1"]),
    ("may i ask about nova", ["nova"]),
    ("count of nova items", ["nova"]),  # counting: the reply says how many
    ("nova条目数量", ["nova"]),
    ("digest-bot: neutron", ["neutron"]),  # the bot named by its name, as "hey bot"
    ("熱遷移", ["热迁移"]),  # traditional characters are read as simplified
    ("有沒有關於負載均衡的文章", ["负载均衡"]),
])
def test_voices_frames_joins_and_scripts(text, terms):
    line = take_scope(normalize(text).casefold())[1]
    assert words(line, frozenset({"热迁移", "负载均衡", "虚拟机", "外部网络", "查询"})).terms == terms


def test_search_syntax():
    w = words(normalize('"live migration" nova OR neutron -docker').casefold())
    assert w.terms == ["live migration", "nova", "neutron"] and w.phrases == {"live migration"}
    assert w.any_of and w.exclude == ["docker"]


def test_a_10kb_line_is_cut():
    assert len(normalize("x" * 10_240)) == 500


NOW = date(2014, 12, 10)  # "now" as the core passes it: the newest issue's date


@pytest.mark.parametrize("text, scope", [
    ("nova since november", Scope(since=date(2014, 11, 1))),
    ("heat in march", Scope(since=date(2014, 3, 1), until=date(2014, 3, 31))),
    ("since dec", Scope(since=date(2014, 12, 1))),
    ("before october", Scope(until=date(2014, 9, 30))),
    ("11月以来的nova", Scope(since=date(2014, 11, 1))),
    ("从十月开始", Scope(since=date(2014, 10, 1))),
    ("12月的heat", Scope(since=date(2014, 12, 1), until=date(2014, 12, 31))),
    ("neutron news in the last 3 months", Scope(since=date(2014, 9, 10))),
    ("past two weeks", Scope(since=date(2014, 11, 27))),
    ("past week", Scope(since=date(2014, 12, 4))),
    ("最近三个月的nova", Scope(since=date(2014, 9, 10))),
    ("过去两周", Scope(since=date(2014, 11, 27))),
    ("近半年", Scope(since=date(2014, 6, 10))),
    ("this month", Scope(since=date(2014, 12, 1))),
    ("last month's heat", Scope(since=date(2014, 11, 1), until=date(2014, 11, 30))),
    ("上个月的neutron", Scope(since=date(2014, 11, 1), until=date(2014, 11, 30))),
    ("今年", Scope(since=date(2014, 1, 1))),
    ("去年的heat", Scope(since=date(2013, 1, 1), until=date(2013, 12, 31))),
    ("#109 and before", Scope(issue=109, side="until")),
    ("issue 20 and later", Scope(issue=20, side="since")),
    ("since issue 50", Scope(issue=50, side="since")),
    ("neutron news from issue 17", Scope(issue=17)),  # what that issue holds
    ("news from april 2014", Scope(since=date(2014, 4, 1), until=date(2014, 4, 30))),  # April's, as "from issue 17"
    ("nova from june 2014 onwards", Scope(since=date(2014, 6, 1))),
    ("the oldest issue", Scope(nth=-1)),
    ("heat two issues ago", Scope(nth=3)),  # the newest is none ago
    ("one issue ago", Scope(nth=2)),
    ("everything since the 15th issue", Scope(issue=15, side="since")),
    ("the issue before 17", Scope(issue=17, side="before")),  # counted from the oldest: the core knows how many there are
    ("最早的一期", Scope(nth=-1)),
    ("from issue 17 onwards", Scope(issue=17, side="since")),
    ("before issue 100", Scope(issue=100, side="before")),
    ("issues after 7", Scope(issue=7, side="after")),
    ("第100期以来", Scope(issue=100, side="since")),
    ("第十期之前的nova", Scope(issue=10, side="before")),
    ("20期及以前", Scope(issue=20, side="until")),
    ("issues 24-26", Scope(issue=24, to_issue=26)),
    ("第24期到第26期的nova", Scope(issue=24, to_issue=26)),
    ("heat in issues 20 to 22", Scope(issue=20, to_issue=22)),
    ("24到26期", Scope(issue=24, to_issue=26)),
    ("from 2014-11-01 to 2014-12-01", Scope(since=date(2014, 11, 1), until=date(2014, 12, 1))),
    ("between june 2014 and august 2014", Scope(since=date(2014, 6, 1), until=date(2014, 8, 31))),
    ("2014年11月到12月的nova", Scope(since=date(2014, 11, 1), until=date(2014, 12, 31))),
    ("2014年9月至2015年1月", Scope(since=date(2014, 9, 1), until=date(2015, 1, 31))),
    ("8月到9月的neutron", Scope(since=date(2014, 8, 1), until=date(2014, 9, 30))),  # no year: the latest such
    ("从十一月到二月", Scope(since=date(2013, 11, 1), until=date(2014, 2, 28))),
    ("十九期", Scope(issue=19)),  # without 第
    ("看看一百零八期的heat", Scope(issue=108)),
    ("有一期讲了热迁移", Scope()),  # 一期, 两期, 哪一期: no number
    ("两期", Scope()),
    ("哪一期讲了docker", Scope()),
    ("这一期的heat", Scope(nth=1)),
    ("今年上半年的nova", Scope(since=date(2014, 1, 1), until=date(2014, 6, 30))),  # halves and quarters
    ("下半年的heat", Scope(since=date(2014, 7, 1), until=date(2014, 12, 31))),
    ("2014年第三季度", Scope(since=date(2014, 7, 1), until=date(2014, 9, 30))),
    ("三季度以来", Scope(since=date(2014, 7, 1))),
    ("今年九月的neutron", Scope(since=date(2014, 9, 1), until=date(2014, 9, 30))),  # a year said relative to now
    ("去年十二月的heat", Scope(since=date(2013, 12, 1), until=date(2013, 12, 31))),
    ("14年9月", Scope(since=date(2014, 9, 1), until=date(2014, 9, 30))),  # a short year
    ("9月初的heat", Scope(since=date(2014, 9, 1), until=date(2014, 9, 30))),  # part of a month: the month
    ("2014年9月底", Scope(since=date(2014, 9, 1), until=date(2014, 9, 30))),
    ("上周的heat", Scope(nth=1)),
    ("前几期", Scope(last=3)),
    # still what they were
    ("since 2014-06-15", Scope(since=date(2014, 6, 15))),
    ("last week's issue", Scope(nth=1)),
    ("last 3 issues", Scope(last=3)),
    ("may i ask about nova", Scope()),
    ("这周", Scope(nth=1)),
    ("近日", Scope(recent=False)),
    # a month is its whole name or its abbreviation, never a word that starts like one
    ("live migration in nova", Scope()),
    ("what changed in marconi", Scope()),
    ("in decision making", Scope()),
    ("since sept.", Scope(since=date(2014, 9, 1))),
    ("the july issue", Scope(since=date(2014, 7, 1), until=date(2014, 7, 31))),
    ("june's edition of nova", Scope(since=date(2014, 6, 1), until=date(2014, 6, 30))),
    ("in november", Scope(since=date(2014, 11, 1), until=date(2014, 11, 30))),
    # months with one year for both, or none
    ("neutron between june and august 2014", Scope(since=date(2014, 6, 1), until=date(2014, 8, 31))),
    ("heat from june to august 2013", Scope(since=date(2013, 6, 1), until=date(2013, 8, 31))),
    ("june 2014 to august", Scope(since=date(2014, 6, 1), until=date(2014, 8, 31))),
    ("november to february 2015", Scope(since=date(2014, 11, 1), until=date(2015, 2, 28))),
    ("from june to august", Scope(since=date(2014, 6, 1), until=date(2014, 8, 31))),
    ("from october to january", Scope(since=date(2013, 10, 1), until=date(2014, 1, 31))),
    # a Chinese month as it stands, glued to a word or not (voices probe), but a span stays a span
    ("7月份nova有什么动态", Scope(since=date(2014, 7, 1), until=date(2014, 7, 31))),
    ("七月nova", Scope(since=date(2014, 7, 1), until=date(2014, 7, 31))),
    ("nova 7月份", Scope(since=date(2014, 7, 1), until=date(2014, 7, 31))),
    ("四月那期讲了什么", Scope(since=date(2014, 4, 1), until=date(2014, 4, 30))),
    ("最近3个月的nova", Scope(since=date(2014, 9, 10))),
    ("这两期heat", Scope(last=2)),  # these two issues: the last two
    ("这几期的neutron", Scope(last=3)),
    ("最早那期", Scope(nth=-1)),  # the oldest, said with 那
    ("最早的那一期讲了啥", Scope(nth=-1)),
    ("最早期的openstack", Scope()),  # the early days: no issue
    ("nova july", Scope(since=date(2014, 7, 1), until=date(2014, 7, 31))),  # a whole month name alone
    ("september heat", Scope(since=date(2014, 9, 1), until=date(2014, 9, 30))),
    ("nova march", Scope()),  # a word too: march, may, august need a preposition
    ("july 1 tc meeting", Scope()),  # a day: the posts' 7.1, a word to search for
    ("nova q3", Scope(since=date(2014, 7, 1), until=date(2014, 9, 30))),  # quarters and halves, as a manager says them
    ("neutron q2 2014", Scope(since=date(2014, 4, 1), until=date(2014, 6, 30))),
    ("2013 q4 heat", Scope(since=date(2013, 10, 1), until=date(2013, 12, 31))),
    ("the third quarter of 2014", Scope(since=date(2014, 7, 1), until=date(2014, 9, 30))),
    ("h1 2014 heat", Scope(since=date(2014, 1, 1), until=date(2014, 6, 30))),
    ("h2 heat", Scope()),  # h2 alone is a word (a heading, HTTP/2)
    ("first half heat", Scope(since=date(2014, 1, 1), until=date(2014, 6, 30))),
    ("heat this quarter", Scope(since=date(2014, 10, 1))),
    ("last quarter", Scope(since=date(2014, 7, 1), until=date(2014, 9, 30))),
    ("本季度的neutron", Scope(since=date(2014, 10, 1))),
    ("上季度heat", Scope(since=date(2014, 7, 1), until=date(2014, 9, 30))),
    ("qa program", Scope()),
    ("nova since the atlanta summit", Scope(since=date(2014, 5, 12))),  # a summit with a side word
    ("巴黎峰会之后的nova", Scope(since=date(2014, 11, 3))),
    ("neutron before the juno summit", Scope(until=date(2014, 5, 11))),  # the summit, not juno's release
    ("峰会以来的heat", Scope(since=date(2014, 11, 3))),  # the latest summit up to now
    ("since vancouver summit", Scope(since=date(2015, 5, 18))),  # none yet up to now: the first there
    ("峰会后续的讨论", Scope()),  # 后续 is a follow-up, no side
    ("atlanta summit", Scope()),  # without a side word: a search
    ("prev issue", Scope(nth=2)),  # as people abbreviate it
    ("the prev one", Scope(nth=2)),
])
def test_relative_time_words_and_issue_ranges(text, scope):
    got, rest = take_scope(normalize(text).casefold(), lambda: NOW)
    assert got == scope, rest


def test_now_is_asked_only_for_relative_words():
    def now():
        raise AssertionError("asked")
    assert take_scope("nova since june 2014", now)[0] == Scope(since=date(2014, 6, 1))


@pytest.mark.parametrize("text, terms", [
    # the people a question is addressed to, and asking to be given something: no topic
    ("各位大佬，有没有 trove 的教程", ["trove", "教程"]),
    ("大神们 neutron 最近咋样", ["neutron"]),
    ("谁能给个nova的链接", ["nova"]),
    ("求个heat的教程", ["heat", "教程"]),
    ("帮忙找下heat模板", ["heat", "模板"]),
    ("查一查heat", ["heat"]),
    # chat spellings of English stop words, and "use" in a how-to frame
    ("do u have anything abt fernet", ["fernet"]),
    ("how to use heat", ["heat"]),
])
def test_chat_frames_and_addressing_carry_no_topic(text, terms):
    line = take_scope(normalize(text).casefold())[1]
    assert words(line, frozenset({"教程", "模板"})).terms == terms


@pytest.mark.parametrize("text, scope", [
    ("第24期和第25期", Scope(issues=(24, 25))),  # two issues named together: those two, no range
    ("24、25期的nova", Scope(issues=(24, 25))),
    ("第十五期与第十九期的heat", Scope(issues=(15, 19))),
    ("第24期和第26期", Scope(issues=(24, 26))),
    ("第24、26期", Scope(issues=(24, 26))),
    ("issues 15 and 19", Scope(issues=(15, 19))),
    ("nova in issues 20 and 24", Scope(issues=(20, 24))),
    ("issues 15, 17 and 19", Scope(issues=(15, 17, 19))),
    ("#24 and #26", Scope(issues=(24, 26))),
    ("issue 15 and issue 19", Scope(issues=(15, 19))),
    # a range stays a range when written as one
    ("between issues 15 and 19", Scope(issue=15, to_issue=19)),
    ("从24到26期", Scope(issue=24, to_issue=26)),
    ("第24期至第26期", Scope(issue=24, to_issue=26)),
    ("issues 15 through 19", Scope(issue=15, to_issue=19)),
    ("issue 24 and before", Scope(issue=24, side="until")),
    ("2014下半年的heat", Scope(since=date(2014, 7, 1), until=date(2014, 12, 31))),  # the year's 年 left out
    ("2014上半年", Scope(since=date(2014, 1, 1), until=date(2014, 6, 30))),
])
def test_issues_named_together_and_a_half_year_without_its_nian(text, scope):
    got, rest = take_scope(normalize(text).casefold(), lambda: NOW)
    assert got == scope and not any(c.isdigit() for c in rest), rest


@pytest.mark.parametrize("text, nths", [
    ("上期和上上期", (1, 2)), ("上上期和上期的heat", (2, 1)), ("上上期、上上上期", (2, 3)),
    ("the last issue and the one before", (1, 2)), ("the latest issue and the previous one", (1, 2)),
])
def test_issues_counted_back_named_together_are_each_one(text, nths):
    got, rest = take_scope(normalize(text).casefold(), lambda: NOW)
    assert got == Scope(nths=nths), (got, rest)
    assert "期" not in rest and "issue" not in rest


def test_this_issue_beside_a_number_is_no_issue_one():
    got, _rest = take_scope(normalize("这一期和第25期").casefold(), lambda: NOW)
    assert 1 not in got.issues


def test_a_trimmed_piece_is_quoted_as_typed():
    from bot.query import as_typed
    assert as_typed("不存", "不存在的项目") == "不存在"
    assert as_typed("heat", "heat的") == "heat"


@pytest.mark.parametrize("text, nth", [("倒数第二期", 2), ("倒数第三期的heat", 3), ("上上上期", 3), ("the third-to-last issue", 3),
                                       ("上上期的heat", 2), ("上期", 1)])
def test_counting_back_from_the_newest_is_no_issue_number(text, nth):
    got, rest = take_scope(normalize(text).casefold(), lambda: NOW)
    assert got == Scope(nth=nth), (got, rest)


@pytest.mark.parametrize("text", ["http://ops.example.net/2014/08/03/delete-duplicate-services.html",
                                  "有人看过这篇吗 https://blog.example.com/2014/10/nova-numa-aware-scheduling/",
                                  "www.example.org/blog/2013/05/heat-issue-19"])
def test_a_pasted_link_holds_no_time_words(text):
    line = normalize(text).casefold()
    got, rest = take_scope(line, lambda: NOW)
    link = line.split()[-1]
    assert got == Scope() and link in rest, (got, rest)


def test_time_words_beside_a_link_are_still_read():
    got, rest = take_scope("heat since june 2014 https://example.org/2019/01/x", lambda: NOW)
    assert got == Scope(since=date(2014, 6, 1)) and "https://example.org/2019/01/x" in rest


@pytest.mark.parametrize("text, scope", [
    ("nova 10-12月", Scope(since=date(2014, 10, 1), until=date(2014, 12, 31))),  # 月 once, after the second month
    ("6-8月的heat", Scope(since=date(2014, 6, 1), until=date(2014, 8, 31))),
    ("十到十二月的heat", Scope(since=date(2014, 10, 1), until=date(2014, 12, 31))),
    ("2013年10-12月的nova", Scope(since=date(2013, 10, 1), until=date(2013, 12, 31))),
])
def test_a_chinese_month_range_with_one_yue(text, scope):
    got, rest = take_scope(normalize(text).casefold(), lambda: NOW)
    assert got == scope and not any(c.isdigit() for c in rest), rest


@pytest.mark.parametrize("text", ["本期有哪些重点", "最新一期的重点内容是什么", "本期有什么值得关注的", "第二十四期有什么亮点",
                                  "本周周报的要点", "这两期主要讲了什么", "24到26期主要讲了什么", "the gist of issue 24"])
def test_asking_for_an_issue_s_main_points_names_no_topic(text):
    scope, line = take_scope(normalize(text).casefold(), lambda: NOW)
    assert scope and words(line).terms == [], words(line).terms


def test_east_west_traffic_is_one_term_in_both_languages(core):
    groups = core.glossary.groups
    assert "east-west traffic" in groups["东西向流量"] and "东西向流量" in groups["east west traffic"]
    assert words("东西向流量不经过网络节点", core.projects.dictionary()).terms[0] == "东西向流量"


@pytest.mark.parametrize("text, terms", [
    ("nova-network 和 neutron 有什么区别", ["nova-network", "neutron"]),
    ("ceph和swift有什么不同", ["ceph", "swift"]),
    ("ceph 对比 swift", ["ceph", "swift"]),
    ("ceph swift 区别", ["ceph", "swift"]),
    ("difference between nova-network and neutron", ["nova-network", "neutron"]),
    ("compare ceph and swift", ["ceph", "swift"]),
    ("ceph vs swift", ["ceph", "swift"]),
])
def test_a_comparison_searches_the_compared_words_only(core, text, terms):
    # the frame of comparing names no topic (the glossary's words too: 对比, 区别)
    assert words(normalize(text).casefold(), core.projects.dictionary()).terms == terms


@pytest.mark.parametrize("text, terms", [
    ("what's hot this week", []), ("hot topics", []), ("what's trending", []), ("本周热点", []),
    ("最近有什么热门话题", []), ("what's hot in heat", ["heat"]),
    ("hot plug", ["hot", "plug"]), ("HOT template", ["hot", "template"]), ("heat hot", ["heat", "hot"]),
])
def test_asking_what_is_hot_names_no_topic_but_hot_beside_a_word_stays(text, terms):
    _scope, line = take_scope(normalize(text).casefold(), lambda: NOW)
    assert words(line).terms == terms
