"""Questions a reader of another community's digest asks (a Pelican weekly of a made-up tool
community, written here): section names that hold stop words, the wording of the replies."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from adapters.text import render_text
from archive.store import Store
from bot.config import ArchiveConfig, Config
from bot.core import Core
from bot.ingest import ingest
from bot.reply import Context
from tests.posts import site_core

ASKER = Context(platform="console", user="tester", where="terminal", is_dm=True)
TODAY = date(2027, 1, 1)

POST_40 = """Title: This Week in Kites 40
Number: 40
Date: 2026-03-02
Category: This Week in Kites

Hello and welcome to another issue of *This Week in Kites*!

# Updates from the Kite Community

* [Winding line by hand](https://lines.example.org/winding).
* [A new spar for windy days](https://spars.example.org/windy).

# Tool of the Week

This week's tool is [knotbook](https://tools.example.org/knotbook), a guide to the knots of kite lines.

# Call for Helpers

* [kiteweb: translate the guide](https://code.example.org/kiteweb/issues/12).

# In brief

* [Spring meet moved to April](https://meet.example.org/spring).

# Show & tell

* [My first box kite](https://show.example.org/box-kite).

# Kite Jobs

* [Line winder wanted at Loft](https://jobs.example.org/winder).
"""

POST_41 = """Title: This Week in Kites 41
Number: 41
Date: 2026-03-09
Category: This Week in Kites

# Tool of the Week

This week's tool is [spoolmaster](https://tools.example.org/spoolmaster), a reel that counts the line out.

# Show & tell

* [A tool shed for kites](https://show.example.org/shed).

# Call for Helpers; projects and events

* [kitemap: draw the fields](https://code.example.org/kitemap/issues/3).

# Jobs

* [Spar maker at Windworks](https://jobs.example.org/spars).
"""


@pytest.fixture
def core(tmp_path: Path) -> Core:
    core, store = site_core(tmp_path, "content", {"2026-03-02-this-week-in-kites.md": POST_40,
                                              "2026-03-09-this-week-in-kites.md": POST_41}, TODAY)
    yield core
    store.close()


def _ask(core: Core, text: str) -> str:
    return render_text(core.handle(text, ASKER))


@pytest.mark.parametrize("question,section", [
    ("tool of the week", "Tool of the Week"),
    ("what's the tool of the week?", "Tool of the Week"),
    ("call for helpers", "Call for Helpers, Call for Helpers; projects and events"),
    ("in brief", "In brief"),
    ("show & tell", "Show & tell"),
    ("show and tell", "Show & tell"),
    ("updates from the kite community", "Updates from the Kite Community"),
])
def test_a_section_name_holding_stop_words_is_that_section(core, question, section):
    reply = core.handle(question, ASKER)
    assert reply.title.startswith(f"{section}:"), reply.title


def test_a_section_name_with_stop_words_takes_a_time_and_a_topic(core):
    assert _ask(core, "tool of the week in issue 40").startswith("Tool of the Week in issue 40")
    assert "knotbook" in _ask(core, "what was the tool of the week in issue 40")
    shed = _ask(core, "show and tell shed")
    assert "A tool shed for kites" in shed and "box kite" not in shed


def test_a_word_of_such_a_name_alone_is_still_a_search(core):
    reply = core.handle("tool", ASKER)
    assert not reply.title.startswith("Tool of the Week"), reply.title
    assert "A tool shed for kites" in render_text(reply)


def test_subscribing_to_a_section_name_with_stop_words(core):
    assert "subscribed to Show & tell" in _ask(core, "subscribe show and tell")
    assert "subscribed to Tool of the Week" in _ask(core, "subscribe me to tool of the week")


_OPENSTACK = ("heat", "nova", "neutron", "ceilometer", "live migration", "热迁移", "2014")


def test_a_digest_of_sections_is_answered_in_its_own_words(core):
    listing = core.handle("sections", ASKER)
    assert listing.title == "9 sections", listing.title
    for text in (_ask(core, "help"), _ask(core, "help search"), _ask(core, "hi"), _ask(core, "xyzzy"),
                 _ask(core, "subscribe"), _ask(core, "帮助")):
        assert not any(word in text.casefold() for word in _OPENSTACK), text
        assert "project" not in text.replace("`projects`", "").casefold() and "项目的" not in text, text
    help_text = _ask(core, "help")
    assert "subscribe SECTION" in help_text and "issue 41" in help_text
    assert "`tool of the week`" not in _ask(core, "hi")  # the examples' names are short ones
    assert "`in brief`" in _ask(core, "hi") or "`show & tell`" in _ask(core, "hi")


@pytest.mark.parametrize("question,both", [
    ("jobs", ("Line winder", "Spar maker")),
    ("kite jobs", ("Line winder", "Spar maker")),
    ("call for helpers", ("kiteweb", "kitemap")),
])
def test_a_section_renamed_in_later_issues_is_answered_with_both_names(core, question, both):
    text = _ask(core, question)
    assert all(word in text for word in both), text


def test_an_issue_without_a_title_is_not_named_twice(tmp_path):
    posts = tmp_path / "site" / "data" / "newsletter" / "2020"
    posts.mkdir(parents=True)
    (posts / "issue-7.markdown").write_text("## Featured\n\n- [Folds](https://f.example.org/)\n", encoding="utf-8")
    config = Config(archive=ArchiveConfig(path=tmp_path / "site"))
    store = Store(tmp_path / "db.sqlite")
    ingest(store, config, when=TODAY)
    core = Core(store, config)
    assert core.handle("issue 7", ASKER).title == "Issue 7"
    assert core.handle("第7期", ASKER).title == "第 7 期"
    store.close()


KITCHEN_1 = """+++
title = "厨房周报 第1期"
date = 2026-09-05
+++

## 烘焙

- 天然酵母的养法：https://bake.example.cn/levain

## 火锅

- 牛油锅底的炒制方法：https://hotpot.example.cn/tallow
- 清汤锅底用什么骨头：https://hotpot.example.cn/bone-broth
"""

KITCHEN_2 = """+++
title = "厨房周报 第2期"
date = 2026-09-12
+++

开篇的话。

## 火锅

- 锅底里的花椒要先泡水：https://hotpot.example.cn/pepper
- 蘸料与锅底的搭配：https://hotpot.example.cn/dips
"""


def test_a_digest_with_chinese_section_names_shows_them_in_its_examples(tmp_path):
    # every section named in Chinese: the examples are written with those names, never with the
    # Introduction (前言) nor a name twice ("introduction introduction")
    core, store = site_core(tmp_path, "content/posts", {"issue-1.md": KITCHEN_1, "issue-2.md": KITCHEN_2}, TODAY)
    texts = [_ask(core, q) for q in ("help", "帮助", "help search", "hi", "谢谢")]
    for text in texts:
        assert "introduction" not in text.casefold() and "前言" not in text, text
        assert "火锅 火锅" not in text and "ceilometer" not in text, text
    assert "订阅 火锅" in texts[1] and "`火锅 锅底`" in texts[4], texts
    assert "search 锅底 -烘焙" in texts[2], texts[2]
    store.close()


def test_a_digest_whose_section_is_named_links_names_it_once_per_example(tmp_path):
    folder = tmp_path / "site"
    folder.mkdir()
    for n in (1, 2):
        (folder / f"week-{n}.md").write_text(f"# Link list week {n}\n\n## Links\n\n- https://a.example.org/{n}\n")
    config = Config(archive=ArchiveConfig(path=folder))
    store = Store(tmp_path / "db.sqlite")
    ingest(store, config, when=TODAY)
    core = Core(store, config)
    hi = _ask(core, "hi")
    assert "`links`, `links last 3`" in hi and "links links" not in hi, hi
    store.close()


def _glider_issue(n: int) -> str:
    return f"""+++
title = "Club Weekly {n}"
date = 2026-10-{n:02d}
+++

## News

- Glider winch repaired at the field: https://news.example.org/{n}/winch
- Glider winch cable replaced: https://news.example.org/{n}/cable

## Events

- Glider flying day: https://events.example.org/{n}/day
"""


def test_help_does_not_give_the_digests_own_subject_as_a_search_example(tmp_path):
    # "glider" is in every item of every section (the digest's subject): it tells no item from
    # another, so the example searches the section's own topic instead
    posts = {f"issue-{n}.md": _glider_issue(n) for n in (1, 2, 3)}
    core, store = site_core(tmp_path, "content/posts", posts, TODAY)
    text = _ask(core, "help")
    assert "search winch" in text and "search glider" not in text, text
    store.close()
