"""Reading a line of chat (bot/query.py): normalising, time words, stop words, Chinese segmentation."""
from __future__ import annotations

from datetime import date

import pytest

from bot.query import Scope, normalize, take_scope, words


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
    ("cinder backup", Scope()),
    ("since 2014-13-45", Scope()),  # no such date: not a scope
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
])
def test_question_frames_and_stop_words_go(text, terms):
    line = take_scope(normalize(text).casefold())[1]
    assert words(line, frozenset({"热迁移"})).terms == terms


def test_search_syntax():
    w = words(normalize('"live migration" nova OR neutron -docker').casefold())
    assert w.terms == ["live migration", "nova", "neutron"] and w.phrases == {"live migration"}
    assert w.any_of and w.exclude == ["docker"]


def test_a_10kb_line_is_cut():
    assert len(normalize("x" * 10_240)) == 500
