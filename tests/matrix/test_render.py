"""adapters/matrix_render.py: escaping, ping-proofing, message size limits. No server."""
from __future__ import annotations

import json
from datetime import date

from adapters.matrix_render import (
    CONTENT_BUDGET,
    MAX_EVENT_BYTES,
    WORD_JOINER,
    content_size,
    edit_content,
    notice_content,
    render,
    render_messages,
)
from bot.reply import IssueRef, Item, Reply, SectionCount

HOSTILE = "<script>alert(1)</script> & \"quotes\" @room <b>bold</b>"


def test_everything_from_the_archive_is_escaped():
    reply = Reply(
        title=HOSTILE,
        notice=HOSTILE,
        text=(HOSTILE,),
        items=(Item(19, "Nova<i>", HOSTILE, (("https://e.org/?a=1&b=<2>", HOSTILE),)),),
        sections=(SectionCount("<Heat>", 2),),
        issues=(IssueRef(19, HOSTILE, date(2014, 9, 16), url="https://e.org/\"onmouseover=\"x"),),
    )
    r = render(reply)
    assert "<b>bold</b>" not in r.html
    assert "&lt;script&gt;" in r.html
    assert "Nova&lt;i&gt;" in r.html and "&lt;Heat&gt;" in r.html
    assert 'href="https://e.org/?a=1&amp;b=&lt;2&gt;"' in r.html
    assert '"onmouseover="' not in r.html  # attribute cannot be broken out of
    assert "<script>" not in r.html
    # the plain body keeps the text readable (no HTML entities)
    assert "<script>alert(1)</script>" in r.body


def test_room_pings_are_broken_in_body_and_html():
    reply = Reply(title="@room hello", text=("ping @ROOM and @room!",),
                  items=(Item(1, "Nova", "x @room", (("https://e.org/@room", "@room"),)),))
    r = render(reply)
    assert "@room" not in r.body.lower()
    assert "@room" not in r.html.lower().replace('href="https://e.org/@room"', "")
    assert "@" + WORD_JOINER + "room" in r.body
    c = notice_content(r, "$ev")
    assert c["m.mentions"] == {}
    assert c["msgtype"] == "m.notice"
    assert c["m.relates_to"] == {"m.in_reply_to": {"event_id": "$ev"}}


def test_unsafe_link_schemes_are_not_links():
    reply = Reply(title="t", items=(Item(1, "Nova", "x", (("javascript:alert(1)", "click"),
                                                         ("https://ok.example/", "ok"))),))
    r = render(reply)
    assert "javascript:" not in r.html
    assert '<a href="https://ok.example/">ok</a>' in r.html


def test_only_spec_recommended_tags():
    import re

    allowed = {"font", "del", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "p", "a", "ul",
               "ol", "sup", "sub", "li", "b", "i", "u", "strong", "em", "strike", "code", "hr",
               "br", "div", "table", "thead", "tbody", "tr", "th", "td", "caption", "pre",
               "span", "img", "details", "summary"}
    reply = Reply(title=HOSTILE, text=("a\nb",), more=3,
                  items=(Item(1, "Nova", HOSTILE, (("https://e.org", "l"),)),),
                  issues=(IssueRef(2, "t", date(2014, 1, 1), (date(2014, 1, 1), date(2014, 1, 2)),
                                   "https://e.org"),),
                  sections=(SectionCount("Nova", 1),), url="https://e.org/post")
    tags = set(re.findall(r"</?([a-zA-Z0-9]+)", render(reply, "!digest more").html))
    assert tags <= allowed, tags - allowed
    assert "!digest more" in render(reply, "!digest more").body


def test_sixty_kilobytes_of_chinese_split_under_the_limit():
    text = ("热迁移在共享存储与块迁移两种模式下的配置差异。@room <script>x</script> " * 1200)[:61_440]
    reply = Reply(title="长文", text=(text,))
    messages = render_messages(reply, wrap=lambda r: notice_content(r, "$" + "x" * 43))
    assert len(messages) >= 3  # body and formatted_body both carry ~180 KB of UTF-8
    for m in messages:
        assert content_size(m) <= CONTENT_BUDGET
        utf8 = len(json.dumps(m, ensure_ascii=False).encode())
        assert utf8 < MAX_EVENT_BYTES
        assert "<script>" not in m["formatted_body"]
        assert "@room" not in m["body"]
        assert m["m.mentions"] == {}
    # nothing lost: the pieces put together give back the text
    joined = "".join(m["body"] for m in messages[1:]) if messages[0]["body"] == "长文" else \
        "".join(m["body"] for m in messages)
    assert joined.replace("长文\n", "", 1).replace(WORD_JOINER, "") == text


def test_many_items_are_packed_into_few_messages_without_breaking_items():
    items = tuple(Item(19, "Nova", f"条目 {i} " + "说明" * 200, ((f"https://e.org/{i}", ""),))
                  for i in range(200))
    messages = render_messages(Reply(title="many", items=items))
    # ~960 KB measured with \uXXXX escapes: at least 16 messages, and packed (no near-empty ones)
    assert 16 <= len(messages) <= 20
    assert all(content_size(m) > CONTENT_BUDGET * 0.9 for m in messages[:-1])
    bodies = "\n".join(m["body"] for m in messages)
    for i in range(200):
        assert f"条目 {i} " in bodies
    for m in messages:
        assert content_size(m) <= CONTENT_BUDGET
        assert m["formatted_body"].count("<ul>") == m["formatted_body"].count("</ul>")


def test_a_short_reply_is_one_message():
    assert len(render_messages(Reply(title="hi"))) == 1


def test_an_edit_of_a_full_part_still_fits_one_event():
    reply = Reply(title="标题" * 3000, text=tuple("说明 @room " * 2000 for _ in range(6)))
    parts = render_messages(reply)
    assert len(parts) > 2
    for part in parts:
        assert content_size(edit_content(part, "$" + "x" * 43)) <= MAX_EVENT_BYTES - 2048


def test_edit_content_replaces_and_does_not_ping():
    r = render(Reply(title="corrected @room"))
    c = edit_content(notice_content(r), "$orig")
    assert c["m.relates_to"] == {"rel_type": "m.replace", "event_id": "$orig"}
    assert c["m.new_content"]["body"] == r.body
    assert c["body"].startswith("* ")
    assert c["m.mentions"] == {} and c["m.new_content"]["m.mentions"] == {}
    assert "@room" not in c["body"]


def test_the_more_hint_names_the_command_in_the_replys_language():
    reply = Reply(title="Heat", kind="items", items=(Item(19, "Heat", "x", ()),), more=3)
    assert "“!digest more”" in render(reply, "!digest more").body
    zh = render(reply._replace(lang="zh"), "!digest more")
    assert "“!digest 更多”" in zh.body and "<code>!digest 更多</code>" in zh.html and "more" not in zh.body
