"""A newcomer's questions over community newsletters of other teams: samples written here in the
two layouts of such digests (a Pelican weekly with `Key: value` headers; plain markdown named
issue-N.markdown under year folders), and the real digests of ../shared/fixtures/digests when
they are there."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from archive.store import Store
from bot.config import ArchiveConfig, Config
from bot.core import Core
from bot.ingest import ingest
from bot.reply import Context

ASKER = Context(platform="console", user="newcomer", where="terminal", is_dm=True)
TODAY = date(2027, 1, 1)
DIGESTS = Path(__file__).resolve().parent.parent.parent / "shared" / "fixtures" / "digests"

# a weekly of a made-up glider club: "glider" is in most of its items, as a digest's subject is
GLIDER_POSTS = {
    "2026-05-04-this-week-in-gliders.md": """Title: This Week in Gliders 20
Number: 20
Date: 2026-05-04
Category: This Week in Gliders

Welcome to *This Week in Gliders*, the weekly of the glider club.

## Glider News

* [Glider wings of balsa, glued at home](https://wings.example.org/balsa).
* [A glider tail that folds](https://tails.example.org/fold).
* [Glider club gets a new winch](https://club.example.org/winch).

## Upcoming Events

### Europe

* 2026-05-10 | Lyon, FR | [Glider flying day](https://events.example.org/lyon)

### Virtual

* 2026-05-12 | Online | [Glider trim talk](https://events.example.org/trim)

## Jobs

* [Glider instructor wanted at the Hill club](https://jobs.example.org/instructor).
""",
    "2026-05-11-this-week-in-gliders.md": """Title: This Week in Gliders 21
Number: 21
Date: 2026-05-11
Category: This Week in Gliders

Welcome to *This Week in Gliders*, the weekly of the glider club.

## Glider News

* [Glider 2.4 rules published](https://rules.example.org/2-4).
* [Winter storage for a glider](https://store.example.org/winter).

## Calls for Testing

* [Try the glider launcher before it ships](https://code.example.org/launcher/issues/9).

## Upcoming Events

### Asia

* 2026-05-20 | Osaka, JP | [Glider meet by the bay](https://events.example.org/osaka)
""",
}

# a plain-markdown weekly: no header, the number only in the file name, the year in the folder
KNOT_POSTS = {
    "2025/issue-7.markdown": """Welcome to another issue of Knot Weekly!

## Featured

- [Tying the bowline with one hand](https://knots.example.org/bowline) by Ann
  > A knot for a rescue line.

## Jobs

- [Rigger wanted at the harbour](https://jobs.example.org/rigger)
  > Full time, by the sea.
""",
    "2025/issue-8.markdown": """Welcome to another issue of Knot Weekly!

## Featured

- [Weekly practice: the sheet bend](https://knots.example.org/sheet-bend) by Bo
  > Two ropes joined in a minute.
""",
    "2024/issue-1.markdown": """- [Why a knot holds](https://knots.example.org/friction)

    > Friction, and nothing else.
""",
}


def _core(tmp_path: Path, posts: dict[str, str], folder: str) -> Core:
    root = tmp_path / "site"
    for name, text in posts.items():
        path = root / folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    config = Config(archive=ArchiveConfig(path=root))
    store = Store(tmp_path / "db.sqlite")
    ingest(store, config, when=TODAY)
    return Core(store, config)


@pytest.fixture
def gliders(tmp_path: Path) -> Core:
    core = _core(tmp_path, GLIDER_POSTS, "content")
    yield core
    core.store.close()


@pytest.fixture
def knots(tmp_path: Path) -> Core:
    core = _core(tmp_path, KNOT_POSTS, "data/newsletter")
    yield core
    core.store.close()


def test_the_digests_own_subject_beside_an_issue_is_that_issue(gliders):
    reply = gliders.handle("this week in gliders latest", ASKER)
    assert reply.kind == "issue" and reply.issue.number == 21


def test_a_word_most_items_hold_is_no_evidence_when_the_rest_is_nowhere(gliders):
    reply = gliders.handle("glider 3.1", ASKER)
    assert not reply.items and "Nothing in the archive mentions" in reply.title


def test_with_that_word_set_aside_the_telling_words_still_answer(gliders):
    reply = gliders.handle("glider 3.1 winch", ASKER)
    assert [i.text for i in reply.items] == ["Glider club gets a new winch."]
    assert reply.notice == "No item has all of these words; these have some of them."


@pytest.mark.parametrize("question", ["call for testing", "calls for testing", "what's the call for testing?"])
def test_a_name_of_several_words_is_read_in_the_singular_or_plural_of_its_first_word(gliders, question):
    reply = gliders.handle(question, ASKER)
    assert [i.section for i in reply.items] == ["Calls for Testing"]
    assert reply.title.startswith("Calls for Testing:")


def test_a_word_fewer_items_hold_is_still_searched(gliders):
    reply = gliders.handle("glider 2.4", ASKER)
    assert [i.text for i in reply.items] == ["Glider 2.4 rules published."]


@pytest.mark.parametrize("question,section,first", [
    ("有工作吗", "Jobs", "Glider instructor wanted at the Hill club."),
    ("有工作机会吗", "Jobs", "Glider instructor wanted at the Hill club."),
    ("最新的招聘", "Jobs", "Glider instructor wanted at the Hill club."),
    ("欧洲的活动", "Upcoming Events", "Europe: 2026-05-10 | Lyon, FR | Glider flying day"),
    ("线上活动", "Upcoming Events", "Virtual: 2026-05-12 | Online | Glider trim talk"),
])
def test_a_chinese_reader_names_a_newsletters_usual_parts(gliders, question, section, first):
    reply = gliders.handle(question, ASKER)
    assert reply.lang == "zh"
    assert reply.items and {i.section for i in reply.items} == {section}
    assert reply.items[0].text == first


@pytest.mark.parametrize("question,number", [("knot weekly latest", 8), ("knot weekly issue 7", 7)])
def test_the_name_a_digest_greets_with_beside_an_issue_is_that_issue(knots, question, number):
    reply = knots.handle(question, ASKER)
    assert reply.kind == "issue" and reply.issue.number == number


def test_a_word_of_that_greeting_in_an_item_is_still_a_topic_beside_an_issue(knots):
    reply = knots.handle("weekly practice latest", ASKER)
    assert [i.text for i in reply.items] == ["Weekly practice: the sheet bend by Bo — Two ropes joined in a minute."]


def test_a_chinese_reader_of_a_plain_markdown_weekly_finds_its_jobs(knots):
    reply = knots.handle("有工作吗", ASKER)
    assert reply.lang == "zh" and [i.section for i in reply.items] == ["Jobs"]


# the real digests: questions a newcomer of each team asks, and the section (and a word of the
# first item) that answers each; None: the right answer is that nothing mentions it
REAL = [
    ("this-week-in-rust", "crate of the week", "Crate of the Week", "crate"),
    ("this-week-in-rust", "any jobs?", "Jobs", None),
    ("this-week-in-rust", "upcoming events in europe", "Upcoming Events", "Europe"),
    ("this-week-in-rust", "call for participation", "Call for Participation; projects and speakers", None),
    ("this-week-in-rust", "crate of teh week", "Crate of the Week", "crate"),
    ("this-week-in-rust", "有工作机会吗", "Jobs", None),
    ("this-week-in-rust", "欧洲的活动", "Upcoming Events", "Europe"),
    ("this-week-in-rust", "活动", "Upcoming Events", None),
    ("this-week-in-rust", "rust 1.80", None, None),
    ("this-week-in-rust", "call for testing", "Calls for Testing", None),
    ("this-week-in-rust", "crates of the week", "Crate of the Week", "crate"),
    ("this-week-in-rust", "this week in rust latest", "issue 665", None),
    ("haskell-weekly", "call for participation", "Call for participation", None),
    ("haskell-weekly", "any jobs?", "Jobs", "Haskell"),
    ("haskell-weekly", "package of the week", "Package of the week", "package"),
    ("haskell-weekly", "ghc 9.8", "Featured", "GHC 9.8"),
    ("haskell-weekly", "有工作吗", "Jobs", "Haskell"),
    ("haskell-weekly", "servant tutorial", None, None),
    ("haskell-weekly", "what's new in issue 538", "issue 538", None),
    ("haskell-weekly", "haskell weekly latest", "issue 538", None),
    ("haskell-weekly", "haskell weekly issue 192", "issue 192", None),
]


@pytest.fixture(scope="module")
def real_cores(tmp_path_factory):
    if not DIGESTS.is_dir():
        pytest.skip("../shared/fixtures/digests is not here")
    cores = {}
    for digest in ("this-week-in-rust", "haskell-weekly"):
        config = Config(archive=ArchiveConfig(path=DIGESTS / digest))
        store = Store(tmp_path_factory.mktemp(digest) / "db.sqlite")
        ingest(store, config, when=date(2026, 11, 1))
        cores[digest] = Core(store, config)
    yield cores
    for core in cores.values():
        core.store.close()


@pytest.mark.parametrize("digest,question,answer,word", REAL)
def test_a_newcomers_question_over_a_real_digest(real_cores, digest, question, answer, word):
    reply = real_cores[digest].handle(question, ASKER)
    assert reply.ok
    if answer is None:
        assert not reply.items and not reply.issue
    elif answer.startswith("issue "):
        assert reply.kind == "issue" and reply.issue.number == int(answer.split()[1])
    else:
        assert reply.items and reply.items[0].section == answer
        if word is not None:
            assert word.casefold() in reply.items[0].text.casefold()
    if any("\u4e00" <= c <= "\u9fff" for c in question):
        assert reply.lang == "zh"
