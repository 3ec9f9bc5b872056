"""The Block Kit renderer: escaping, mention neutralising, and Slack's size limits."""
from __future__ import annotations

import json
import re
from datetime import date

import pytest

from adapters.slack_render import (
    MAX_BLOCKS, MAX_HEADER, MAX_MESSAGE_TEXT, MAX_MESSAGES, MAX_SECTION_TEXT, MAX_TEXT, MORE_ACTION, WORD_JOINER,
    _size, escape, link, render, truncate,
)
from bot.reply import IssueRef, Item, Reply, SectionCount
from fake_slack import check_message

ISSUE = IssueRef(19, "OpenStack社区动态第十九期(0826-0916)", date(2014, 9, 16),
                 (date(2014, 8, 26), date(2014, 9, 16)), "https://example.org/2014/09/16/x.html")


def items(n: int, text: str = "An item about Nova", links: int = 1) -> tuple[Item, ...]:
    return tuple(
        Item(19, "Nova", f"{text} {i}", tuple((f"https://example.org/{i}/{k}", f"link {k}") for k in range(links)),
             date(2014, 9, 16))
        for i in range(n)
    )


def all_text(messages) -> str:
    return json.dumps([m.blocks for m in messages], ensure_ascii=False) + "".join(m.text for m in messages)


def within_limits(messages) -> None:
    for m in messages:
        assert check_message({"text": m.text, "blocks": m.blocks}) is None, check_message(
            {"text": m.text, "blocks": m.blocks})


PINGS = ["<!channel>", "<!here>", "<!everyone>", "<@U0ALICE>", "<#C0GENERAL>", "<!subteam^S123>"]


@pytest.mark.parametrize("ping", PINGS)
def test_angle_bracket_mentions_are_escaped(ping):
    reply = Reply(title=f"title {ping}", notice=f"notice {ping}", text=(f"para {ping}",),
                  items=(Item(19, f"Nova {ping}", f"text {ping}", (("https://e.org/x", f"label {ping}"),)),),
                  sections=(SectionCount(f"S {ping}", 1),))
    out = render(reply)
    blob = all_text(out)
    assert ping not in blob
    assert ping.replace("<", "&lt;").replace(">", "&gt;") in blob
    within_limits(out)


@pytest.mark.parametrize("word", ["@here", "@channel", "@everyone", "@HERE"])
def test_bare_broadcasts_are_broken(word):
    out = render(Reply(title=f"hi {word}", text=(f"hey {word}!",),
                       items=(Item(19, "Nova", f"x {word} y", (("https://e.org", word),)),)))
    blob = all_text(out)
    assert re.search(re.escape(word) + r"\b", blob) is None
    assert "@" + WORD_JOINER + word[1:] in blob
    # The text a reader sees is unchanged apart from the invisible joiner.
    assert f"x @{WORD_JOINER}{word[1:]} y" in blob


def test_escape_ampersand_first():
    assert escape("a & <b> &amp;") == "a &amp; &lt;b&gt; &amp;amp;"


def test_links_are_safe():
    assert link("https://e.org/a?x=1&y=2", "A & B") == "<https://e.org/a?x=1&amp;y=2|A &amp; B>"
    assert link("https://e.org/a|b>c", "") .startswith("<https://e.org/a%7Cb%3Ec|")
    # Not a web link: shown, not linked.
    assert link("javascript:alert(1)", "x") == "x (javascript:alert(1))"
    assert "<" not in link("https://e.org/<!channel>", "y").replace("<https", "")


def test_truncate_never_splits_entities_or_links():
    s = "x" * 10 + "&amp;" + "y" * 10
    for n in range(5, len(s)):
        t = truncate(s, n)
        assert len(t) <= n
        assert not re.search(r"&[a-z]{0,3}…", t)
    s = "abc <https://e.org|label> def"
    assert truncate(s, 12) == "abc…"


def test_blocks_layout_header_sections_context_button():
    reply = Reply(title="Nova: 12 items", kind="items", items=items(3), more=9, issue=ISSUE, url=ISSUE.url)
    [msg] = render(reply)
    kinds = [b["type"] for b in msg.blocks]
    assert kinds[0] == "header"
    assert kinds.count("section") == 4  # 3 items + the link to the issue
    assert kinds[-2:] == ["context", "actions"]
    button = msg.blocks[-1]["elements"][0]
    assert button["action_id"] == MORE_ACTION and "9" in button["text"]["text"]
    assert "<https://example.org/0/0|link 0>" in msg.blocks[1]["text"]["text"]
    assert all(b["text"]["verbatim"] for b in msg.blocks if b["type"] == "section")
    assert msg.text.startswith("*Nova: 12 items*")
    assert msg.payload()["link_names"] is False


def test_no_button_without_more():
    [msg] = render(Reply(title="t", items=items(2)))
    assert all(b["type"] != "actions" for b in msg.blocks)


def test_200_items_fit_in_slack_limits_with_button_on_last_message():
    reply = Reply(title="Cinder: 400 items", kind="items", items=items(200, "detail " * 4, links=1), more=200)
    out = render(reply)
    within_limits(out)
    assert all(len(m.blocks) <= MAX_BLOCKS for m in out)
    assert 2 <= len(out) <= MAX_MESSAGES  # 200 sections cannot share one message's 50 blocks
    shown = all_text(out)
    for i in range(200):
        assert f"https://example.org/{i}/0|" in shown  # nothing dropped
    buttons = [b for m in out for b in m.blocks if b["type"] == "actions"]
    assert len(buttons) == 1 and out[-1].blocks[-1] is buttons[0]


def test_too_much_for_five_messages_ends_with_what_is_left():
    reply = Reply(title="Cinder", kind="items", items=items(200, "detail " * 150, links=1), more=3,
                  url="https://example.org/issue/30")
    out = render(reply)
    within_limits(out)
    assert len(out) == MAX_MESSAGES
    last = all_text(out[-1:])
    assert re.search(r"…and \d+ more parts, too long for Slack", last)
    assert "https://example.org/issue/30" in last
    assert out[-1].blocks[-1]["type"] == "actions"  # "Show more" still ends the answer


def test_oversized_everything_is_cut_to_limits():
    huge = "长" * 10_000
    reply = Reply(title=huge, notice=huge, text=(huge, huge), items=(Item(19, huge, huge, (("https://e.org/" + "a" * 5000, huge),) * 40),),
                  sections=tuple(SectionCount(f"P{i} {huge[:50]}", i) for i in range(300)))
    out = render(reply)
    within_limits(out)
    assert len(out[0].blocks[0]["text"]["text"]) <= MAX_HEADER
    for m in out:
        assert len(m.text) <= MAX_TEXT
        for b in m.blocks:
            if b["type"] == "section":
                assert len(b["text"]["text"]) <= MAX_SECTION_TEXT


def test_total_block_text_stays_under_slacks_message_limit():
    out = render(Reply(title="t", items=items(50, "z" * 2900)), max_messages=50)
    within_limits(out)  # the fake rejects ~12,000+ characters of block text (msg_blocks_too_long)
    assert len(out) >= 13  # 50 items of 2,900 characters: about three per message
    for m in out:
        assert sum(_size(b) for b in m.blocks) <= MAX_MESSAGE_TEXT
        assert len(m.text) <= MAX_TEXT and m.text.count("z" * 100) >= 1  # the fallback carries the content
    assert sum(json.dumps(m.blocks).count("https://example.org/") for m in out) == 50


def test_single_message_for_announcements_points_to_the_issue():
    reply = Reply(title="New issue 19", kind="announcement", issue=ISSUE, url=ISSUE.url,
                  items=items(300, "long text " * 40), more=7)
    out = render(reply, single=True)
    assert len(out) == 1
    within_limits(out)
    blob = all_text(out)
    assert "more part" in blob and ISSUE.url in blob
    assert all(b["type"] != "actions" for b in out[0].blocks)


def test_help_paragraphs_and_empty_reply():
    [msg] = render(Reply(title="What I can do", kind="help", text=("`latest` — newest issue", "`help`")))
    assert "`latest` — newest issue" in json.dumps(msg.blocks, ensure_ascii=False)
    [empty] = render(Reply(title="   "))
    within_limits([empty])
    assert empty.blocks[0]["text"]["text"].strip()
