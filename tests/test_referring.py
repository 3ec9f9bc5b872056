"""Lines that name what the last answer was about (probe-ref session, a newcomer in a chat): by a
pronoun ("what is it?", "who wrote about it?", "它是什么时候发布的"), for more of it ("详细说说"), or
asking, with no topic of their own, which issue had it ("which issue was that in?", "在哪一期"): the
last question's topic with the line's own words. A trailing "only" frames a follow-up ("in issue
25 only"). A line with a topic of its own asks anew."""
from __future__ import annotations

import pytest

from bot.core import Core
from bot.reply import Context


def talk(core: Core, *lines: str, user: str = "kim"):
    who = Context(platform="slack", user=user, where="C1")
    return [core.handle(line, who) for line in lines][-1]


@pytest.mark.parametrize("first, then, issue, piece", [
    ("gnocchi", "what is it?", 23, "Gnocchi"),
    ("gnocchi", "which issue was that in?", 23, "Gnocchi"),
    ("gantt", "在哪一期", 26, "Gantt"),
    ("gantt", "是哪期的？", 26, "Gantt"),
    ("gantt", "详细说说", 26, "Gantt"),
    ("DVR", "who explained it?", 20, "DVR"),
    ("fernet", "它是什么时候加入的", 19, "Fernet"),
])
def test_a_line_naming_the_last_topic_asks_about_it(core, first, then, issue, piece):
    reply = talk(core, first, then)
    assert any(i.issue == issue and piece in i.text for i in reply.items[:3]), reply.title


def test_the_answer_is_in_the_language_of_the_line(core):
    assert talk(core, "gantt", "在哪一期").lang == "zh"


@pytest.mark.parametrize("first, then, piece, not_piece", [
    ("DVR", "which issue covered gnocchi?", "Gnocchi", "DVR"),  # a topic of its own: asked anew
    ("DVR", "哪一期讲了gnocchi", "Gnocchi", "DVR"),
    ("DVR", "anything on that scheduler split", "scheduler", "DVR"),  # "that" before a noun names it
])
def test_a_line_with_a_topic_of_its_own_asks_anew(core, first, then, piece, not_piece):
    reply = talk(core, first, then)
    assert reply.items and all(piece.casefold() in i.text.casefold() for i in reply.items[:1])
    assert not any(not_piece in i.text for i in reply.items[:1])


def test_without_a_last_question_a_pronoun_alone_is_not_understood(core):
    assert not talk(core, "what is it?").items


def test_a_trailing_only_frames_a_follow_up(core):
    reply = talk(core, "monitoring", "in issue 25 only")
    assert reply.items and {i.issue for i in reply.items} == {25}
    assert all("监控" in i.text or "monitoring" in i.text.casefold() for i in reply.items)


@pytest.mark.parametrize("line", ["got it!", "that's it, thanks", "forget it", "never mind that", "ok that helps"])
def test_an_answer_taken_in_or_let_go_asks_nothing_about_it(core, line):
    reply = talk(core, "gnocchi", line)
    assert not reply.items, reply.title
