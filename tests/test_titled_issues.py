"""A special issue's title names what all its items are about ("东京峰会特辑", "Chelsea Flower
Show special"): a question about that topic finds the issue's items though they do not repeat
the title's words; the words most titles share, and numbers, name no issue."""
from __future__ import annotations

from datetime import date

import pytest

from adapters.text import render_text
from bot.config import Config
from bot.core import Core
from bot.ingest import ingest
from bot.reply import Context
from tests.conftest import TODAY
from tests.posts import issue_text, write_issue

ME = Context(platform="console", user="kim", where="terminal", is_dm=True)


def _special(root, number: int, day: date, title: str, sections: dict[str, list[str]], slug: str) -> None:
    """A post in the reference shape with a title of its own (no number in it: front matter's)."""
    lines = issue_text(number, day, sections, front=f"number: {number}").split("\n")
    lines = [f"title: {title}" if line.startswith("title: ") else line for line in lines]
    (root / "_posts" / f"{day.isoformat()}-{slug}.md").write_text("\n".join(lines), encoding="utf-8")


@pytest.fixture
def weekly(store, tmp_path) -> Core:
    root = tmp_path / "site"
    write_issue(root, 60, date(2015, 10, 6), {
        "Neutron": ["Neutron 的 DVR 在 Liberty 中的改进。  \n<http://example.org/neutron/dvr>"],
        "Nova": ["Nova 的 cells v2 讨论进展。  \n<http://example.org/nova/cells>"]})
    write_issue(root, 61, date(2015, 10, 20), {
        "Neutron": ["Neutron 的 QoS API 第一版合入。  \n<http://example.org/neutron/qos>"]})
    _special(root, 62, date(2015, 11, 3), "OpenStack社区动态·东京峰会特辑(1021-1103)", {
        "Neutron": ["Neutron 团队定下了 Mitaka 的路线图：先稳定 DVR，再做路由器调度。  \n<http://example.org/neutron/roadmap>",
                    "L2 agent 的重构方案在会上通过。  \n<http://example.org/neutron/l2>"],
        "Nova": ["Nova 的会上讨论了 live migration 的测试覆盖。  \n<http://example.org/nova/lm>"]}, "tokyo-summit-special")
    write_issue(root, 63, date(2015, 11, 17), {
        "Neutron": ["Neutron 的 IPv6 前缀委派可以试用了。  \n<http://example.org/neutron/ipv6>"]})
    ingest(store, Config(), root, when=TODAY)
    return Core(store, Config())


def ask(core: Core, text: str) -> str:
    return render_text(core.handle(text, ME))


@pytest.mark.parametrize("question", ["what happened at the tokyo summit for neutron", "东京峰会上neutron有什么",
                                      "neutron 东京峰会"])
def test_a_project_at_the_topic_a_special_issue_is_titled_with(weekly, question):
    reply = weekly.handle(question, ME)
    assert reply.issue is not None and reply.issue.number == 62
    assert [i.text.split("：")[0] for i in reply.items] == ["Neutron 团队定下了 Mitaka 的路线图", "L2 agent 的重构方案在会上通过。"]
    if question.isascii():
        assert reply.notice == "From issue 62, “OpenStack社区动态·东京峰会特辑(1021-1103)”: its title names “tokyo summit”."
    else:
        assert reply.notice.startswith("出自第 62 期“OpenStack社区动态·东京峰会特辑(1021-1103)”")


def test_the_topic_alone_answers_the_whole_special_issue(weekly):
    text = ask(weekly, "tokyo summit")
    assert "Issue 62: OpenStack社区动态·东京峰会特辑(1021-1103)" in text and "its title names" in text
    assert "live migration" in text and "L2 agent" in text


def test_the_words_every_title_shares_and_numbers_name_no_issue(weekly):
    # "社区动态" is in every title, "1103" and "第六十期" are numbers: the search answers as ever
    for question in ("社区动态", "1103", "neutron 社区动态"):
        assert "its title names" not in ask(weekly, question) and "标题写的就是" not in ask(weekly, question)
    # items that say the topic themselves are found by the search, not by the title
    assert "title names" not in ask(weekly, "neutron mitaka")


def test_an_english_special_beside_numbered_issues(store, tmp_path):
    root = tmp_path / "gardens"
    (root / "_posts").mkdir(parents=True)
    for n, day in ((12, "2026-05-04"), (13, "2026-05-11"), (15, "2026-05-25")):
        (root / "_posts" / f"{day}-week-{n}.md").write_text(
            f"---\ntitle: This Week in Gardens {n}\nnumber: {n}\n---\n\n### Roses\n\nPruning climbers in week {n}.\n", encoding="utf-8")
    ingest(store, Config(), root, when=TODAY)
    core = Core(store, Config())
    assert core.handle("roses at the chelsea flower show", ME).issue is None
    # the special comes in a later ingest: the titles are read again
    (root / "_posts" / "2026-05-18-chelsea.md").write_text(
        "---\ntitle: Chelsea Flower Show special\nnumber: 14\n---\n\n### Roses\n\nA new apricot climber won gold.\n\n"
        "### Ponds\n\nA wildlife pond garden took best in show.\n", encoding="utf-8")
    ingest(store, Config(), root, when=TODAY)
    reply = core.handle("roses at the chelsea flower show", ME)
    assert reply.issue.number == 14 and [i.text for i in reply.items] == ["A new apricot climber won gold."]
    assert "title names" in reply.notice
    for question in ("gardens roses", "roses 13"):  # a recurring title word, a number
        assert "title names" not in (core.handle(question, ME).notice or "")
