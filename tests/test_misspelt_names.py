"""A section name of several words typed with a typo ("tool of the wek", "upcomming meets") is
answered as that section, and the reply says so in the asker's language; words that are another
word of the archive, or too many misspelt words, are no such typo. Over a real store of a small
Pelican weekly written here, and the real This Week in Rust posts when they are present."""
from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from archive.store import Store
from bot.config import ArchiveConfig, Config
from bot.core import Core
from bot.i18n import tr
from bot.ingest import ingest
from bot.reply import Context
from tests.posts import site_core

ASKER = Context(platform="console", user="tester", where="terminal", is_dm=True)
TODAY = date(2027, 1, 1)
DIGESTS = Path(__file__).resolve().parent.parent.parent / "shared" / "fixtures" / "digests"

POST_7 = """Title: Kite Weekly 7
Number: 7
Date: 2026-05-04
Category: Kite Weekly

# Updates from the Kite Community

* [Fill in the field survey form](https://survey.example.org/fields).
* [A lighter frame for stunt kites](https://frames.example.org/stunt).

# Tool of the Week

This week's tool is [tailcut](https://tools.example.org/tailcut), which cuts tails to length.

# Upcoming Meets

* [Dune meet, 2026-05-16](https://meets.example.org/dunes).
* [Harbour fly-in, 2026-05-23](https://meets.example.org/harbour).

# Call for Helpers; projects and events

* [kitelog: a logbook for flights](https://code.example.org/kitelog/issues/4).
"""

POST_8 = """Title: Kite Weekly 8
Number: 8
Date: 2026-05-11
Category: Kite Weekly

# Tool of the Week

This week's tool is [knotcard](https://tools.example.org/knotcard), knots on a card.

# Upcoming Meets

* [Night flying with lights, 2026-05-30](https://meets.example.org/night).

# Call for Helpers

* [fieldmap: mark the fields](https://code.example.org/fieldmap/issues/9).
"""


def _core(tmp_path: Path, *posts: str) -> tuple[Core, Store]:
    return site_core(tmp_path, "content", {f"2026-05-{n + 1:02d}-kite-weekly.md": post for n, post in enumerate(posts)}, TODAY)


@pytest.fixture
def core(tmp_path: Path) -> Core:
    core, store = _core(tmp_path, POST_7, POST_8)
    yield core
    store.close()


def _showing(typed: str, section: str, lang: str = "en") -> str:
    return tr(lang).gettext("“{words}” is no name in the archive; showing {project}.").format(
        words=typed, project=section)


@pytest.mark.parametrize("question,typed,section", [
    ("tool of the wek", "tool of the wek", "Tool of the Week"),  # a double typed once
    ("tool of teh week", "tool of teh week", "Tool of the Week"),  # two letters swapped
    ("upcomming meets", "upcomming meets", "Upcoming Meets"),  # the index reads it as upcoming: found, yet no name
    ("what's the tool of the wek?", "tool of the wek", "Tool of the Week"),
    ("call for helprs", "call for helprs", "Call for Helpers"),  # from six letters on, one left out
    ("updates from the kite comunity", "updates from the kite comunity", "Updates from the Kite Community"),
    # two misspelt words in a name of six
    ("call for helprs projects and evnets", "call for helprs projects and evnets", "Call for Helpers; projects and events"),
])
def test_a_misspelt_name_of_several_words_is_that_section_and_said(core, question, typed, section):
    reply = core.handle(question, ASKER)
    assert reply.title.startswith(f"{section}:") or reply.title.startswith(f"{section},"), reply.title
    assert reply.items and reply.notice == _showing(typed, section)


def test_the_typo_keeps_the_rest_of_the_question(core):
    reply = core.handle("tool of the wek in issue 8", ASKER)
    assert [i.text for i in reply.items] == ["This week's tool is knotcard, knots on a card."], reply.items
    assert reply.notice == _showing("tool of the wek", "Tool of the Week")
    night = core.handle("upcomming meets night", ASKER)
    assert [i.issue for i in night.items] == [8] and "Upcoming Meets" in night.title


def test_the_chinese_reply_says_which_section_it_shows(core):
    reply = core.handle("最近的 tool of the wek 有哪些", ASKER)
    assert reply.lang == "zh" and reply.items
    assert reply.notice == _showing("tool of the wek", "Tool of the Week", "zh")
    assert "Tool of the Week" in reply.notice and "往期里没有" in reply.notice


def test_subscribing_to_a_misspelt_name(core):
    assert core.handle("subscribe tool of the wek", ASKER).title == "You are subscribed to Tool of the Week."
    assert core.handle("订阅 upcomming meets", ASKER).title == tr("zh").gettext(
        "You are subscribed to {project}.").format(project="Upcoming Meets")


@pytest.mark.parametrize("question", [
    "tool of the weak",  # another word, not a slip of the fingers ("weak" for week)
    "tol of the wek",  # two misspelt words in a name of four: too many
    "upcoming meet",  # one letter left out of a short word: no clear typo
    "updates form the kite community",  # "form" is a word of the archive (the survey form)
])
def test_no_section_for_what_is_no_clear_typo(core, question):
    reply = core.handle(question, ASKER)
    assert reply.notice is None or "showing" not in reply.notice, reply.notice
    assert not reply.title.startswith(("Tool of the Week:", "Upcoming Meets:", "Updates from")), reply.title


def test_a_swapped_word_is_a_typo_when_the_archive_has_no_such_word(tmp_path):
    core, store = _core(tmp_path, POST_7.replace("survey form", "survey sheet"), POST_8)
    reply = core.handle("updates form the kite community", ASKER)
    assert reply.notice == _showing("updates form the kite community", "Updates from the Kite Community")
    store.close()


def test_as_close_to_two_names_is_neither(tmp_path):
    twin = POST_8.replace("# Call for Helpers", "# Toll of the Week\n\n* [Bridge tolls for the coast meet](https://roads.example.org/tolls).\n\n# Call for Helpers")
    core, store = _core(tmp_path, POST_7, twin)
    reply = core.handle("tol of the week", ASKER)  # a double typed once of tool and of toll
    assert reply.notice is None or "showing" not in reply.notice, reply.notice
    assert core.handle("tool of the wek", ASKER).notice == _showing("tool of the wek", "Tool of the Week")
    store.close()


def test_words_of_a_name_in_another_question_are_no_typo_of_it(core):
    reply = core.handle("lighter frame for the kite community", ASKER)  # two words unlike "updates from"
    assert reply.notice is None and reply.items[0].text.startswith("A lighter frame"), reply


# --- the real This Week in Rust posts (skipped when absent) -----------------------------------

@pytest.fixture
def rust(tmp_path: Path) -> Core:
    source = DIGESTS / "this-week-in-rust"
    if not source.is_dir():
        pytest.skip(f"{source} not present")
    root = tmp_path / "rust"
    shutil.copytree(source, root)  # out of any git work tree: dates from the posts alone
    config = Config(archive=ArchiveConfig(path=root))
    store = Store(tmp_path / "rust.db")
    ingest(store, config, when=TODAY)
    yield Core(store, config)
    store.close()


@pytest.mark.parametrize("question,section", [
    ("crate of the wek", "Crate of the Week"),
    ("upcomming events", "Upcoming Events"),
    ("call for particpation", "Call for Participation"),
])
def test_the_real_sections_typed_with_a_typo(rust, question, section):
    for lang, asked in (("en", question), ("zh", f"{question} 有什么")):
        reply = rust.handle(asked, ASKER)
        assert reply.lang == lang and reply.items and reply.title.startswith(section), (asked, reply.title)
        assert reply.notice == _showing(question, section, lang), reply.notice
