"""Issues named together are those issues alone ("issues 15 and 19", 第24期和第26期, 上期和上上期),
a range only when written as one (to, -, 到, between ... and); and a project named by what it does
with 组件/模块/项目/服务 after it (网络组件, 计算模块) is that project."""
from __future__ import annotations

import pytest

from bot.config import Config
from bot.reply import Context
from bot.terms import Glossary

ME = Context("console", "ann", "room")


def ask(core, line, who=ME):
    return core.handle(line, Context(who.platform, who.user, line))  # a conversation of its own


def items_issues(reply) -> set[int]:
    return {i.issue for i in reply.items}


@pytest.mark.parametrize("line, issues", [
    ("nova in issues 20 and 24", {20, 24}),
    ("第24期和第26期的heat", {24, 26}),
    ("heat in issue 20 and issue 22", {20, 22}),
    ("第二十期、第二十六期的nova", {20, 26}),
    ("上期和上上期的nova", {25, 26}),
    ("live migration in issues 20 and 26", {20, 26}),
    ("第20期与第26期的热迁移", {20, 26}),
])
def test_issues_named_together_answer_those_alone(core, line, issues):
    reply = ask(core, line)
    assert reply.ok and items_issues(reply) == issues, (reply.title, items_issues(reply))


@pytest.mark.parametrize("line, issues", [
    ("heat in issues 20 to 22", {20, 21, 22}),
    ("第20期到第22期的heat", {20, 21, 22}),
    ("heat between issues 20 and 22", {20, 21, 22}),
])
def test_a_range_written_as_one_stays_a_range(core, line, issues):
    assert items_issues(ask(core, line)) == issues


@pytest.mark.parametrize("line, numbers", [
    ("第二十期与第二十四期", [24, 20]),
    ("issues 20 and 24", [24, 20]),
    ("上期和上上期", [26, 25]),
    ("the last issue and the one before", [26, 25]),
])
def test_issues_alone_named_together_are_listed(core, line, numbers):
    reply = ask(core, line)
    assert [i.number for i in reply.issues] == numbers, reply.title


def test_the_scope_is_said_and_a_missing_issue_named(core):
    assert "issues 20 and 24" in ask(core, "nova in issues 20 and 24").title
    assert "20、24" in ask(core, "第20期和第24期的nova").title
    reply = ask(core, "nova in issues 20 and 99")
    assert not reply.ok and "99" in reply.title


@pytest.mark.parametrize("line, section", [
    ("网络组件最近有什么新闻", "Neutron"),
    ("计算模块的热迁移", "Nova"),
    ("编排组件有什么新东西", "Heat"),
    ("镜像组件", "Glance"),
    ("计量模块的采样", "Ceilometer"),
])
def test_a_program_name_with_its_suffix_is_the_project(core, line, section):
    reply = ask(core, line)
    assert reply.items and all(i.section == section for i in reply.items), (reply.title, [i.section for i in reply.items])


def test_program_forms_come_from_the_glossary_names(example_store):
    groups = Glossary(Config().search, example_store).groups
    assert "neutron" in groups["网络组件"] and "nova" in groups["计算模块"] and "cinder" in groups["块存储组件"]
    assert "swift" in groups["对象存储组件"] and "存储组件" not in groups  # Cinder or Swift: no one name
    assert "数据库即组件" not in groups  # "即服务" is "as a service", no program name
