"""The vocabulary of a whole OpenStack archive: release cycles as time, milestones as typed, and
projects by their program names and former names, for a team whose config only sets the path (no
[archive.aliases]: the glossary is all it has)."""
from __future__ import annotations

from datetime import date

import pytest

from archive.store import Store
from bot.config import parse
from bot.core import Core, _milestone
from bot.ingest import ingest
from bot.reply import Context
from bot.time_words import RELEASES, take_scope
from tests.conftest import EXAMPLES, ROOT, TODAY

ME = Context("console", "ann", "room")


@pytest.fixture(scope="module")
def bare(tmp_path_factory) -> Core:
    """The example archive under a config that sets only its path, as a new team's does."""
    cfg = parse({"archive": {"path": str(EXAMPLES)}}, ROOT)
    store = Store(tmp_path_factory.mktemp("bare") / "bare.db")
    ingest(store, cfg, EXAMPLES, when=TODAY)
    return Core(store, cfg)


@pytest.mark.parametrize("text, since, until", [
    ("nova during the juno cycle", date(2014, 4, 18), date(2014, 10, 16)),
    ("the kilo release cycle", date(2014, 10, 17), date(2015, 4, 30)),
    ("icehouse周期 nova 动态", date(2013, 10, 18), date(2014, 4, 17)),
    ("j版期间的heat", date(2014, 4, 18), date(2014, 10, 16)),  # a release by its letter (the core casefolds)
    ("k版本开发周期", date(2014, 10, 17), date(2015, 4, 30)),
    ("juno这个周期里neutron做了啥", date(2014, 4, 18), date(2014, 10, 16)),
    ("整个j版周期的heat", date(2014, 4, 18), date(2014, 10, 16)),
    ("during train", date(2019, 4, 11), date(2019, 10, 16)),
    ("since icehouse", date(2014, 4, 17), None),
    ("after the juno release", date(2014, 10, 17), None),
    ("before kilo", None, date(2015, 4, 29)),
    ("kilo之后的heat", date(2015, 5, 1), None),
    ("icehouse发布以来 nova", date(2014, 4, 17), None),
])
def test_a_release_cycle_is_a_time(text, since, until):
    scope, rest = take_scope(text)
    assert (scope.since, scope.until) == (since, until)
    assert not any(name in rest for name, _ in RELEASES)


@pytest.mark.parametrize("text", ["juno", "icehouse rc1", "juno-2", "during juno-2", "what happened in juno-2",
                                  "j版峰会", "train", "newtonian physics", "stable/kilo"])
def test_a_release_name_alone_is_a_word_not_a_time(text):
    assert not take_scope(text)[0]


def test_releases_are_in_order():
    days = [day for _, day in RELEASES]
    assert days == sorted(days) and len({n[0] for n, _ in RELEASES[:26]}) == 26


@pytest.mark.parametrize("typed, forms", [
    ("j 3", ("juno 3", "j 3")), ("juno 2", ("juno 2", "j 2")), ("kilo2", ("kilo 2", "k 2")),
    ("j2", ("juno 2",)), ("l3", ("liberty 3",)), ("v2", ("victoria 2",)),  # glued: the name only
    ("a 4", ()), ("x", ()), ("epoxy 1", ("epoxy 1",)),
])
def test_a_milestone_as_typed_is_the_milestone_as_written(typed, forms):
    assert _milestone(typed) == forms


@pytest.mark.parametrize("question, issue, piece", [
    ("j-3", 19, "Juno-3"),  # posts write Juno-3, people type j-3
    ("k-2 什么时候", 26, "Kilo-2"),
    ("kilo2", 26, "Kilo-2"),
])
def test_milestones_are_found_as_people_type_them(bare, question, issue, piece):
    items = bare.handle(question, ME).items[:3]
    assert any(i.issue == issue and piece in i.text for i in items), [i.text for i in items]


def test_a_milestone_said_in_chinese_is_that_milestone(bare):
    # not the Juno cycle and some of the words: every word found, the milestone's items only
    r = bare.handle("J版第三个里程碑", ME)
    assert r.notice is None and r.items and all("Juno-3" in i.text for i in r.items), [i.text for i in r.items]
    r = bare.handle("kilo的第2个里程碑什么时候发布", ME)  # 什么时候 is a question word
    assert r.notice is None and [i.issue for i in r.items] == [26]


@pytest.mark.parametrize("question", ["heat during the juno cycle", "J版期间的heat"])
def test_a_cycle_narrows_to_its_dates(bare, question):
    reply = bare.handle(question, ME)
    assert reply.items and all(i.section == "Heat" and date(2014, 4, 18) <= i.date <= date(2014, 10, 16)
                               for i in reply.items)


@pytest.mark.parametrize("question, issue, piece", [
    ("身份认证 token", 19, "Fernet"),  # Identity (身份认证) is Keystone's program
    ("orchestration convergence", 22, "convergence"),  # Orchestration is Heat's
    ("编排 convergence", 22, "convergence"),
    ("telemetry gnocchi", 23, "Gnocchi"),  # Telemetry is Ceilometer's
])
def test_program_names_find_their_project_without_aliases(bare, question, issue, piece):
    items = bare.handle(question, ME).items[:3]
    assert any(i.issue == issue and piece in i.text for i in items), [i.text for i in items]


@pytest.mark.parametrize("question", ["compute", "nova", "compute program", "nova links"])
def test_a_program_heading_and_its_project_heading_answer_together(bare, question):
    # the example archive heads Nova "Compute" in one issue: without aliases both are sections
    sections = {i.section for i in bare.handle(question, ME).items} | set(bare.handle(question, ME).title.split(":")[0].split(", "))
    assert {"Nova", "Compute"} <= sections


@pytest.mark.parametrize("question, section", [("编排项目最近的新闻", "Heat"), ("身份认证", "Keystone"), ("计量", "Ceilometer")])
def test_a_chinese_program_name_is_its_project(bare, question, section):
    reply = bare.handle(question, ME)
    assert reply.lang == "zh" and reply.items and all(i.section == section for i in reply.items)
    dates = [i.date for i in reply.items]
    assert dates == sorted(dates, reverse=True)  # the project's items, newest first: no search
