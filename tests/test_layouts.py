"""Digests in every layout, read with nothing configured but `archive.path`.

Golden files: for each example archive in `examples/<layout>/`, what discovery takes (and leaves,
with its reason) in `tests/golden/<layout>/_discovery.json`, and each post's parse beside it
(`tests/golden/<layout>/<path with / as __>.json`). Regenerate with UPDATE_GOLDEN=1 and read the diff.
Then the whole way through the store and the core, and the real posts of two public digests in
`../shared/fixtures/digests/` (skipped when absent; never copied into the project).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from adapters.text import render_text
from archive import discovery
from archive.model import ParsedIssue, Skipped
from archive.parse import PREFACE, Parser
from archive.store import Store
from bot.config import ArchiveConfig, Config
from bot.core import Core
from bot.ingest import ingest
from bot.reply import Context

from test_parse import as_json

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
GOLDEN = Path(__file__).resolve().parent / "golden"
DIGESTS = ROOT.parent / "shared" / "fixtures" / "digests"
LAYOUTS = ["zola", "pelican", "docusaurus", "plain", "weekly"]
TODAY = date(2027, 1, 1)
ASKER = Context(platform="console", user="tester", where="terminal", is_dm=True)


def _cases():
    for layout in LAYOUTS:
        found = discovery.find(EXAMPLES / layout)
        for rel, path in found.posts:
            yield layout, rel, path


CASES = list(_cases())


@pytest.mark.parametrize("layout", LAYOUTS)
def test_discovery_golden(layout):
    found = discovery.find(EXAMPLES / layout)
    got = {"layout": found.layout, "posts": [rel for rel, _ in found.posts],
           "not_taken": [list(x) for x in found.not_taken]}
    _golden(GOLDEN / layout / "_discovery.json", got)


@pytest.mark.parametrize("layout,rel,path", CASES, ids=[f"{c[0]}/{c[1]}" for c in CASES])
def test_layout_golden(layout, rel, path):
    parser = Parser(ArchiveConfig(path=EXAMPLES / layout))
    got = as_json(parser.parse(rel, path.read_bytes()))
    _golden(GOLDEN / layout / (rel.replace("/", "__") + ".json"), got)


def test_no_stale_layout_golden_files():
    expected = {GOLDEN / layout / (rel.replace("/", "__") + ".json") for layout, rel, _ in CASES}
    expected |= {GOLDEN / layout / "_discovery.json" for layout in LAYOUTS}
    assert {p for layout in LAYOUTS for p in (GOLDEN / layout).glob("*.json")} == expected


def _golden(target: Path, got) -> None:
    if os.environ.get("UPDATE_GOLDEN"):
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(got, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert target.exists(), f"no golden file {target}: run with UPDATE_GOLDEN=1 and review it"
    assert got == json.loads(target.read_text(encoding="utf-8"))


# --- through the store and the core ------------------------------------------------------

def _bot(tmp_path: Path, layout: str, **archive) -> tuple[Store, Core, object]:
    """The example copied out of the git work tree (so no commit dates), ingested as a user
    whose config sets only `archive.path`."""
    root = tmp_path / layout
    shutil.copytree(EXAMPLES / layout, root)
    config = Config(archive=ArchiveConfig(path=root, **archive))
    store = Store(tmp_path / "db.sqlite")
    summary = ingest(store, config, when=TODAY)
    return store, Core(store, config), summary


def _ask(core: Core, text: str) -> str:
    return render_text(core.handle(text, ASKER))


def _numbers(store: Store) -> list[tuple[int, str]]:
    rows, _ = store.issues(100)
    return [(r.number, r.date.isoformat()) for r in rows]


def test_zola_toml(tmp_path):
    store, core, summary = _bot(tmp_path, "zola")
    assert _numbers(store) == [(42, "2026-03-09"), (41, "2026-03-02")]
    assert [s.path for s in summary.not_taken] == ["content/newsletter/_index.md"]
    assert "Issue 42" in _ask(core, "latest") and "Hoe 3.1" in _ask(core, "issue 42")
    events = _ask(core, "events links")
    assert "Europe: 2026-03-17 | Ghent | Tool repair café" in events  # a subheading is context
    assert "Europe" not in dict(store.projects())
    assert "https://history.example.org/wheelbarrow" in _ask(core, "reading links")  # a reference link


def test_pelican(tmp_path):
    store, core, summary = _bot(tmp_path, "pelican")
    assert _numbers(store) == [(119, "2026-02-11"), (118, "2026-02-04")]
    assert [(s.path, s.reason) for s in store.skipped_files()] == [
        ("content/about.md", "not a digest issue (no number in its title, front matter or file name)")]
    names = dict(store.projects())
    assert {"Upcoming Events", "Updates from the Kite Community", PREFACE} <= set(names)
    assert not {"Virtual", "Europe", "Official", "News"} & set(names)
    assert "Winter kite meet" in _ask(core, "upcoming events")
    assert "forum" in _ask(core, "issue 118").lower()  # text before the first heading is shown


def test_posts_in_other_markup_are_counted_with_the_reason(tmp_path):
    # Pelican's .rst, Hugo's .adoc: not read, but never silently: the ingest summary names them
    (tmp_path / "pelican" / "content").mkdir(parents=True)
    (tmp_path / "pelican" / "content" / "notes-13.rst").write_text("Notes 13\n########\n")
    (tmp_path / "pelican" / "content" / "notes-14.md").write_text("Title: Notes 14\n\nx\n")
    (tmp_path / "jekyll" / "_posts").mkdir(parents=True)
    (tmp_path / "jekyll" / "_posts" / "2026-01-02-a.adoc").write_text("= A\n")
    pelican, jekyll = discovery.find(tmp_path / "pelican"), discovery.find(tmp_path / "jekyll")
    assert [rel for rel, _ in pelican.posts] == ["content/notes-14.md"] and not jekyll.posts
    assert pelican.not_taken == [("content/notes-13.rst", "a .rst file, not markdown (posts are .md, .markdown or .mdx)")]
    assert jekyll.not_taken == [("_posts/2026-01-02-a.adoc", "a .adoc file, not markdown (posts are .md, .markdown or .mdx)")]


def test_jekyll_posts_in_category_folders(tmp_path):
    # Jekyll reads every `<category>/_posts/`; the site's pages (about.md) are no posts then
    site = tmp_path / "site"
    for folder, day in (("news/_posts", "2026-10-01"), ("blog/releases/_posts", "2026-10-08")):
        (site / folder).mkdir(parents=True)
        (site / folder / f"{day}-weekly.md").write_text(f"---\ntitle: Weekly #{day[-1]}\n---\n\n## A\n\n- x\n")
    (site / "about.md").write_text("---\ntitle: About\n---\n\nAbout us.\n")
    (site / "node_modules" / "pkg" / "_posts").mkdir(parents=True)
    (site / "node_modules" / "pkg" / "_posts" / "2026-01-01-x.md").write_text("---\ntitle: No #3\n---\n")
    found = discovery.find(site)
    assert found.layout == "jekyll"
    assert [rel for rel, _ in found.posts] == ["blog/releases/_posts/2026-10-08-weekly.md", "news/_posts/2026-10-01-weekly.md"]
    issue = Parser(ArchiveConfig()).parse("news/_posts/2026-10-01-weekly.md", b"---\ntitle: Weekly #1\n---\n\nx\n")
    assert issue.categories == ("news",) and issue.date == date(2026, 10, 1)


def test_pelican_pages_are_no_issues(tmp_path):
    # a weekly numbered by date: its About page in content/pages/ would otherwise be the newest issue
    site = tmp_path / "site"
    (site / "content" / "pages").mkdir(parents=True)
    (site / "pelicanconf.py").write_text("AUTHOR = 'x'\n")
    for day in ("01", "08"):
        (site / "content" / f"2026-08-{day}-notes.md").write_text(f"Title: Field notes {day}/8\nDate: 2026-08-{day}\n\nx\n")
    (site / "content" / "pages" / "about.md").write_text("Title: About\n\nWe watch birds.\n")
    for root in (site, site / "content"):  # the site, or its content folder
        found = discovery.find(root)
        assert [rel.rsplit("/", 1)[-1] for rel, _ in found.posts] == ["2026-08-01-notes.md", "2026-08-08-notes.md"]
        assert [reason.split(" (")[0] for _, reason in found.not_taken] == ["Pelican page"]
    (site / "pelicanconf.py").unlink()  # elsewhere a folder named pages may hold posts
    assert len(discovery.find(site).posts) == 3


def test_hugo_pages_beside_the_posts_section_are_no_issues(tmp_path):
    # a weekly numbered by date: content/about.md would otherwise be its newest issue (dated by mtime)
    site = tmp_path / "site"
    (site / "content" / "posts").mkdir(parents=True)
    for day in ("01", "08", "15"):
        (site / "content" / "posts" / f"notes-{day}.md").write_text(
            f'+++\ntitle = "Field notes, August {day}"\ndate = 2026-08-{day}\n+++\n\n- x\n')
    (site / "content" / "about.md").write_text('+++\ntitle = "About"\n+++\n\nWe watch birds.\n')
    (site / "content" / "_index.md").write_text('+++\ntitle = "Home"\n+++\n')
    found = discovery.find(site)
    assert [rel for rel, _ in found.posts] == [f"content/posts/notes-{d}.md" for d in ("01", "08", "15")]
    assert ("content/about.md", "a page beside the sections that hold the posts (content/about.md)") in found.not_taken
    # posts at the top of content/ (Pelican's way) stay posts, beside a folder of fewer files
    for n in (1, 2, 3):
        (site / "content" / f"2026-09-0{n}-weekly.md").write_text(f"Title: Weekly {n}\nDate: 2026-09-0{n}\n\nx\n")
    (site / "content" / "posts" / "notes-15.md").unlink()
    (site / "content" / "posts" / "notes-08.md").unlink()
    assert "content/2026-09-01-weekly.md" in [rel for rel, _ in discovery.find(site).posts]


def test_docusaurus_docs_and_pages_are_no_issues_beside_a_blog(tmp_path):
    # a weekly numbered by date: its docs/ and src/pages/ would otherwise be issues (dated by mtime)
    site = tmp_path / "repo" / "website"
    for folder in ("blog", "docs/guides", "src/pages"):
        (site / folder).mkdir(parents=True)
    (site / "docusaurus.config.ts").write_text("export default {title: 'Moss weekly'};\n")
    for day in ("03", "10"):
        (site / "blog" / f"2026-05-{day}-moss.md").write_text(f"---\ntitle: Moss notes {day} May\n---\n\n- x\n")
    (site / "docs" / "intro.md").write_text("---\ntitle: How to read these notes\n---\n\nx\n")
    (site / "docs" / "guides" / "submit.mdx").write_text("# Sending us a sighting\n\nx\n")
    (site / "src" / "pages" / "about.md").write_text("# About the moss club\n\nx\n")
    for root in (site, site.parent):  # the site, or the repository holding it
        found = discovery.find(root)
        assert [rel.rsplit("/", 1)[-1] for rel, _ in found.posts] == ["2026-05-03-moss.md", "2026-05-10-moss.md"]
        assert sorted(reason.split(" (")[0] + " " + rel.rsplit("/", 1)[-1] for rel, reason in found.not_taken) == [
            "Docusaurus page about.md", "Docusaurus page intro.md", "Docusaurus page submit.mdx"]
    store = Store(tmp_path / "db.sqlite")
    ingest(store, Config(archive=ArchiveConfig(path=site)), when=TODAY)
    assert [(n, d) for n, d in _numbers(store)] == [(2, "2026-05-10"), (1, "2026-05-03")]
    (site / "docusaurus.config.ts").unlink()  # without the site's config, a docs/ folder may hold posts
    assert len(discovery.find(site).posts) == 5


def test_docusaurus_mdx(tmp_path):
    store, core, summary = _bot(tmp_path, "docusaurus")
    assert _numbers(store) == [(41, "2026-03-02"), (40, "2026-02-23")]
    assert [r.path for r in store.issues(10)[0]] == ["website/newsletter/41/index.mdx",
                                                    "website/newsletter/40.mdx"]
    assert set(dict(store.projects())) == {"React", "CSS", "Events", PREFACE}
    text = _ask(core, "issue 40")
    assert "import" not in text and "<Tweet" not in text and "Callout" not in text
    assert "Sponsored slots" in text  # the text inside a JSX component stays


def test_plain_files_numbered_by_name(tmp_path):
    store, core, summary = _bot(tmp_path, "plain")
    assert _numbers(store) == [(9, "2020-01-01"), (8, "2019-01-01"), (7, "2019-01-01")]
    assert [s.path for s in summary.not_taken] == ["README.md"]
    issue7 = _ask(core, "issue 7")
    assert "Parsers from scratch" in issue7 and "Thunks drawn as boxes" in issue7  # all before any heading
    assert "Types as documentation" in _ask(core, "latest featured")


def test_weekly_without_numbers_is_numbered_by_date(tmp_path):
    store, core, summary = _bot(tmp_path, "weekly")
    assert summary.numbering == "order"
    assert _numbers(store) == [(3, "2026-08-23"), (2, "2026-08-16"), (1, "2026-08-09")]
    assert store.skipped_files() == []
    assert "Week Ending August 23, 2026" in _ask(core, "latest")
    # distinct names stay apart; names of any length can be asked for
    assert "Featured KEPs" in dict(store.projects()) and "Featured PRs" in dict(store.projects())
    assert "Sidecar containers" in _ask(core, "kep of the week")
    prs = _ask(core, "featured prs links")
    assert "#9020: retry on conflict: Retries status updates that lost a race." in prs
    assert "https://code.example.io/pull/9031" in prs


def test_a_new_week_is_numbered_next_and_announced(tmp_path):
    store, core, _ = _bot(tmp_path, "weekly")
    post = tmp_path / "weekly" / "_posts" / "2026-08-30-week-ending-august-30.md"
    post.write_text('---\ntitle: "Week Ending August 30, 2026"\n---\n\n## Featured KEPs\n\n- [x](https://k.example/1)\n')
    summary = ingest(store, Config(archive=ArchiveConfig(path=tmp_path / "weekly")), when=TODAY)
    assert [(c.number, c.kind) for c in summary.changes] == [(4, "published")]


def test_number_from_order_and_stated_can_be_forced(tmp_path):
    store, _, _ = _bot(tmp_path, "zola", number_from="order")
    assert [n for n, _ in _numbers(store)] == [2, 1]
    store2, _, _ = _bot(tmp_path / "b", "weekly", number_from="stated")
    assert _numbers(store2) == []


def test_day_of_month_in_title_is_no_issue_number(tmp_path):
    root = tmp_path / "site" / "_posts"
    root.mkdir(parents=True)
    for day in (2, 9, 16):
        (root / f"2026-08-{day:02d}-week.md").write_text(
            f'---\ntitle: "Week Ending August {day}"\n---\n\n## News\n\n- [n{day}](https://n.example/{day})\n')
    # even a pattern that takes any number in the title
    config = Config(archive=ArchiveConfig(path=root.parent, title_pattern=r"(?P<number>\d+)",
                                          title_pattern_set=True))
    store = Store(tmp_path / "db.sqlite")
    ingest(store, config, when=TODAY)
    assert _numbers(store) == []  # a configured pattern: no issue number in these titles, so no issues
    store = Store(tmp_path / "db2.sqlite")
    ingest(store, Config(archive=ArchiveConfig(path=root.parent)), when=TODAY)
    assert _numbers(store) == [(3, "2026-08-16"), (2, "2026-08-09"), (1, "2026-08-02")]


def test_duplicate_number_the_earliest_keeps_it(tmp_path):
    root = tmp_path / "site" / "content"
    root.mkdir(parents=True)
    # "b" sorts after "a" but is dated earlier: it keeps the number whichever is read first
    (root / "a.md").write_text("Title: Digest #5\nDate: 2026-05-09\n\n## News\n\n- [a](https://a.example)\n")
    (root / "b.md").write_text("Title: Digest #5\nDate: 2026-05-02\n\n## News\n\n- [b](https://b.example)\n")
    store = Store(tmp_path / "db.sqlite")
    summary = ingest(store, Config(archive=ArchiveConfig(path=root.parent)), when=TODAY)
    assert _numbers(store) == [(5, "2026-05-02")]
    assert [(s.path, s.reason) for s in store.skipped_files()] == [
        ("content/a.md", "duplicate of issue 5 (content/b.md)")]
    assert {s.path for s in summary.skipped} == {"content/a.md"}
    (root / "b.md").unlink()  # the duplicate takes over when the original goes
    ingest(store, Config(archive=ArchiveConfig(path=root.parent)), when=TODAY)
    assert _numbers(store) == [(5, "2026-05-09")] and store.skipped_files() == []


def test_git_first_commit_dates_a_post_that_states_none(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("no git")
    root = tmp_path / "site"
    (root / "issues").mkdir(parents=True)
    (root / "issues" / "issue-3.md").write_text("## News\n\n- [x](https://x.example)\n")
    env = {**os.environ, "GIT_AUTHOR_DATE": "2021-06-07T10:00:00Z", "GIT_COMMITTER_DATE": "2021-06-07T10:00:00Z",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "HOME": str(tmp_path)}
    for cmd in (["init", "-q"], ["add", "."], ["commit", "-qm", "x"]):
        subprocess.run(["git", "-C", str(root), *cmd], check=True, env=env)
    store = Store(tmp_path / "db.sqlite")
    ingest(store, Config(archive=ArchiveConfig(path=root)), when=TODAY)
    assert _numbers(store) == [(3, "2021-06-07")]


def test_posts_globs(tmp_path):
    root = tmp_path / "site"
    (root / "news").mkdir(parents=True)
    (root / "pages").mkdir()
    (root / "news" / "n1.md").write_text("Title: Issue 1\nDate: 2026-01-05\n\nhello [x](https://x.example)\n")
    (root / "pages" / "p.md").write_text("Title: Issue 2\nDate: 2026-01-06\n\nnot an issue\n")
    store = Store(tmp_path / "db.sqlite")
    summary = ingest(store, Config(archive=ArchiveConfig(path=root, posts=("news/*.md",))), when=TODAY)
    assert _numbers(store) == [(1, "2026-01-05")]
    assert [(s.path, s.reason) for s in summary.not_taken] == [("pages/p.md", "outside archive.posts")]


# --- rules, one by one -----------------------------------------------------------------------

PARSER = Parser(ArchiveConfig())


@pytest.mark.parametrize("title,number", [
    ("OpenStack社区动态第十九期(0826-0916)", 19), ("Frontend Weekly #294", 294), ("Issue 42: spring", 42),
    ("No. 7 — the summer one", 7), ("This Week in Rust 665", 665), ("Last Week in Rust 8", 8),
    ("Haskell Weekly 150", 150), ("Week Ending August 16, 2026", None), ("Weekly update 2026", None),
    ("16 August: the week in review", None), ("A guide to things", None),
    ("Vol. 3, No. 12", 12), ("Volume 2, Issue 7", 7), ("Vol. 4", 4),
    # what else a periodical is called: "Radio Notes 10", "Community Update 12", "Friday Recap 3"
    ("Radio Notes 10", 10), ("Community Update 12", 12), ("Friday Recap 3", 3), ("Status Report 2026", None),
    ("Release notes 1.3", None),
])
def test_default_title_patterns(title, number):
    issue = PARSER.parse("content/x.md", f"Title: {title}\nDate: 2026-08-16\n\nx\n".encode())
    assert isinstance(issue, ParsedIssue)
    assert (issue.number if issue.number_from else None) == number


@pytest.mark.parametrize("value,fmt,expected", [
    ("2026-08-20 22:00:00 -0000", "", date(2026, 8, 20)), ("2014-09-16", "", date(2014, 9, 16)),
    ("2013-08-19 00:33", "", date(2013, 8, 19)), ("08-19-2026", "", date(2026, 8, 19)),
    ("19.08.2026", "", date(2026, 8, 19)), ("August 19, 2026", "", date(2026, 8, 19)),
    ("Wed, 19 Aug 2026", "", date(2026, 8, 19)), ("08-07-2026", "%d-%m-%Y", date(2026, 7, 8)),
    ("2019-10", "", date(2019, 10, 1)), ("October 2019", "", date(2019, 10, 1)),
])
def test_front_matter_dates(value, fmt, expected):
    parser = Parser(ArchiveConfig(date_format=fmt))
    issue = parser.parse("content/x.md", f"Title: Issue 1\nDate: {value}\n\nx\n".encode())
    assert isinstance(issue, ParsedIssue), issue
    assert issue.date == expected


@pytest.mark.parametrize("path,number", [
    ("content/2019/10/index.md", None), ("content/2019/10/16.md", None), ("content/2019/10/16/index.md", None),
    ("data/newsletter/2019/issue-7.markdown", 7), ("website/newsletter/294.mdx", 294), ("news/2019/150.md", 150),
])
def test_a_month_or_day_folder_is_no_issue_number(path, number):
    issue = PARSER.parse(path, b"---\ntitle: Monthly news\ndate: 2019-10-07\n---\n\nx\n")
    assert (issue.number if issue.number_from else None) == number


def test_header_keys_in_any_case_and_toml_yaml():
    pelican = PARSER.parse("content/x.md", b"TITLE: Something\nNUMBER: 12\nDATE: 2026-01-02\n\nx\n")
    toml = PARSER.parse("content/x.md", b'+++\nTitle = "Something"\nNumber = 13\ndate = 2026-01-02\n+++\nx\n')
    yaml = PARSER.parse("content/x.md", b"---\nTitle: Something\nNumber: 14\nDate: 2026-01-02\n---\nx\n")
    assert [(i.number, i.number_from, i.date) for i in (pelican, toml, yaml)] == [
        (n, "front matter", date(2026, 1, 2)) for n in (12, 13, 14)]


def test_a_number_in_zola_extra_or_hugo_params_is_the_issue_number():
    # Zola refuses keys of a site's own at the top of the front matter: they go in [extra]
    zola = PARSER.parse("content/blog/letter.md", b'+++\ntitle = "Foragers Letter"\ndate = 2026-05-02\n'
                                                  b'[extra]\nnumber = 31\n[taxonomies]\ntags = ["x"]\n+++\nx\n')
    hugo = PARSER.parse("content/posts/letter.md", b'+++\ntitle = "Foragers Letter"\ndate = 2026-05-09\n'
                                                   b'[params]\nIssue = 32\n+++\nx\n')
    yaml = PARSER.parse("content/posts/l.md", b"---\ntitle: Foragers Letter\ndate: 2026-05-16\nextra:\n  number: 33\n---\nx\n")
    assert [(i.number, i.number_from) for i in (zola, hugo, yaml)] == [(n, "front matter") for n in (31, 32, 33)]


def test_a_hugo_publish_date_later_than_the_date_dates_the_issue():
    # Hugo publishes a post on its publishDate: announced then, not on its (earlier) date
    later = PARSER.parse("content/posts/a.md", b'+++\ntitle = "Issue 5"\ndate = 2026-09-01\npublishDate = 2026-09-08\n+++\nx\n')
    earlier = PARSER.parse("content/posts/b.md", b'+++\ntitle = "Issue 6"\ndate = 2026-09-10\npublishDate = 2026-09-08\n+++\nx\n')
    assert (later.date, earlier.date) == (date(2026, 9, 8), date(2026, 9, 10))


def test_broken_toml_is_a_reason():
    result = PARSER.parse("content/x.md", b'+++\ntitle = "unterminated\n+++\nx\n')
    assert isinstance(result, Skipped) and result.reason.startswith("broken front matter")


def test_prose_starting_with_a_colon_is_no_header():
    issue = PARSER.parse("content/2026/issue-4.md", b"Note: the meeting moved.\nSee below.\n\n## News\n\n- x\n")
    assert isinstance(issue, ParsedIssue) and issue.number == 4
    assert issue.sections[0].items[0].text.startswith("Note: the meeting moved.")


def test_topic_level_can_be_set():
    # detected: a lone "## A" with nothing of its own only wraps the topics below it
    body = b"Title: Issue 1\nDate: 2026-01-02\n\n## A\n\n### B\n\n- [b](https://b.example)\n"
    assert [s.name for s in PARSER.parse("content/x.md", body).sections] == ["B"]
    assert [s.name for s in Parser(ArchiveConfig(topic_level=2)).parse("content/x.md", body).sections] == ["A"]


def test_emoji_and_anchors_leave_heading_names():
    issue = PARSER.parse("content/x.mdx", "---\ntitle: '#3'\ndate: 2026-01-02\n---\n\n## ⚛️ React {#react}\n\n- a\n\n"
                         "## 🧑‍💻 Jobs\n\n- b\n".encode())
    assert [s.name for s in issue.sections] == ["React", "Jobs"]


def test_no_dangling_punctuation_when_a_url_is_cut():
    body = ("Title: Issue 1\nDate: 2026-01-02\n\n## A\n\n- Slides: <https://a.example/1>\n"
            "- See <https://a.example/2>, <https://a.example/3> and more\n- <https://a.example/4> - a talk\n")
    texts = [i.text for i in PARSER.parse("content/x.md", body.encode()).sections[0].items]
    assert texts == ["Slides", "See and more", "a talk"]


def test_fuzzy_matching_only_onto_configured_names():
    cfg = ArchiveConfig(aliases=(("Featured PRs", ()), ("Tempest", ())))
    body = b"Title: Issue 1\nDate: 2026-01-02\n\n## Featured KEPs\n\n- a\n\n## Tempst\n\n- b\n\n## Featured PRs\n\n- c\n"
    names = [s.name for s in Parser(cfg).parse("content/x.md", body).sections]
    assert names == ["Featured KEPs", "Tempest", "Featured PRs"]
    assert [s.name for s in PARSER.parse("content/x.md", body).sections] == ["Featured KEPs", "Tempst", "Featured PRs"]


# --- the real posts of two public digests ------------------------------------------------------

def _digest(name: str) -> Path:
    path = DIGESTS / name
    if not path.is_dir():
        pytest.skip(f"{path} not present")
    return path


# an independent count of the links a post states (outside comments and code): every URL in a
# markdown link, an autolink, a reference definition or bare text
_URL = re.compile(r"""(?:\]\(\s*<?|<|\]:\s*|(?<![\w/(\[<"'=]))(https?://[^\s<>"')\]]+)""")


def _stated_links(text: str) -> set[str]:
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    text = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
    return {m.group(1).rstrip(".,;:!?*").replace("\\_", "_") for m in _URL.finditer(text)}


@pytest.mark.parametrize("name,expected", [
    ("this-week-in-rust", [(665, "2026-08-19"), (166, "2017-01-24"), (11, "2013-08-19")]),
    ("haskell-weekly", [(538, "2026-01-01"), (192, "2020-01-01"), (1, "2016-01-01")]),
])
def test_real_digests(tmp_path, name, expected):
    root = tmp_path / name
    shutil.copytree(_digest(name), root)  # out of any git work tree: dates from the posts alone
    store = Store(tmp_path / "db.sqlite")
    config = Config(archive=ArchiveConfig(path=root))
    summary = ingest(store, config, when=TODAY)
    assert _numbers(store) == expected and store.skipped_files() == [] and summary.not_taken == []
    stated = found = both = 0
    parser = Parser(config.archive)
    for rel, path in discovery.find(root).posts:
        issue = parser.parse(rel, path.read_bytes())
        got = {link.url for s in issue.sections for item in s.items for link in item.links}
        truth = _stated_links(path.read_text(encoding="utf-8"))
        stated, found, both = stated + len(truth), found + len(got), both + len(truth & got)
    assert both / stated >= 0.99 and both / found >= 0.97, (both, stated, found)
    core = Core(store, config)
    assert f"Issue {expected[0][0]}" in _ask(core, "latest")


def test_real_openstack_weekly_with_nothing_configured(tmp_path):
    source = ROOT.parent / "shared" / "fixtures" / "archive"
    if not (source / "_posts").is_dir():
        pytest.skip(f"{source} not present")
    root = tmp_path / "openstack"
    shutil.copytree(source, root)
    store = Store(tmp_path / "db.sqlite")
    ingest(store, Config(archive=ArchiveConfig(path=root)), when=TODAY)
    assert _numbers(store) == [(19, "2014-09-16"), (15, "2014-06-16")] and store.skipped_files() == []
    parser = Parser(ArchiveConfig(path=root))
    for rel, path in discovery.find(root).posts:
        issue = parser.parse(rel, path.read_bytes())
        got = {link.url for s in issue.sections for item in s.items for link in item.links}
        assert got == _stated_links(path.read_text(encoding="utf-8")), rel


def test_real_this_week_in_rust_sections():
    root = _digest("this-week-in-rust") / "content"
    issue = PARSER.parse("content/2026-08-19-this-week-in-rust.md",
                         (root / "2026-08-19-this-week-in-rust.md").read_bytes())
    names = [s.name for s in issue.sections]
    assert {"Crate of the Week", "Upcoming Events", "Quote of the Week", PREFACE} <= set(names)
    assert not {"Europe", "Virtual", "Compiler", "Official"} & set(names)  # deeper headings are context
    events = next(s for s in issue.sections if s.name == "Upcoming Events")
    assert any(item.context.startswith("Europe") for item in events.items)
    intro = next(s for s in issue.sections if s.name == PREFACE)
    assert sum(len(item.links) for item in intro.items) >= 5  # links before the first heading


def test_a_misspelt_heading_joins_the_name_other_issues_use(tmp_path):
    root = tmp_path / "site" / "content"
    root.mkdir(parents=True)
    for n in range(1, 6):
        heading = "Calls for Tseting" if n == 5 else "Calls for Testing"
        (root / f"issue-{n}.md").write_text(
            f"Title: Digest #{n}\nDate: 2026-05-0{n}\n\n## {heading}\n\n- [t{n}](https://t.example/{n})\n\n"
            f"## Featured PRs\n\n- [p{n}](https://p.example/{n})\n\n## Featured KEPs\n\n- [k](https://k.example/{n})\n")
    store = Store(tmp_path / "db.sqlite")
    config = Config(archive=ArchiveConfig(path=root.parent))
    ingest(store, config, when=TODAY)
    assert dict(store.projects()) == {"Calls for Testing": 5, "Featured PRs": 5, "Featured KEPs": 5}
    assert [name for name, _, _ in store.sections(store.issue_by_number(5).key)] == [
        "Calls for Testing", "Featured PRs", "Featured KEPs"]
    # and the search index knows it by that name: a search inside the section finds it
    from archive.search_index import Query
    _items, total, _ = store.search(Query((("t5",),), project="calls for testing"), limit=10)
    assert total == 1, "the merged item is searchable inside its new section"


def test_a_post_in_a_dated_folder_takes_the_folder_date():
    issue = PARSER.parse("blog/2026-08-19-summer/index.mdx", b"---\ntitle: Digest #4\n---\n\nx\n")
    assert issue.date == date(2026, 8, 19) and issue.slug == "2026-08-19-summer"


def _weekly(posts: Path, first: date, count: int, title, slug: str) -> None:
    """`count` Jekyll posts a week apart from `first`, each one link under News, titled
    `title(k, day)`."""
    posts.mkdir(parents=True)
    for k in range(count):
        day = date.fromordinal(first.toordinal() + 7 * k)
        (posts / f"{day.isoformat()}-{slug}.md").write_text(
            f'---\ntitle: "{title(k, day)}"\n---\n\n## News\n\n- [n](https://n.example/{k})\n')


def _week_ending(day: date) -> str:
    return "Week Ending {:%B} {}, {}".format(day, day.day, day.year)


def test_a_title_that_happens_to_look_numbered_does_not_number_a_weekly(tmp_path):
    root = tmp_path / "site" / "_posts"
    _weekly(root, date(2024, 1, 7), 120, lambda k, day: _week_ending(day) + (" (issue 5 of the survey)" if k == 60 else ""),
            "week")
    store = Store(tmp_path / "db.sqlite")
    summary = ingest(store, Config(archive=ArchiveConfig(path=root.parent)), when=TODAY)
    assert summary.numbering == "order" and store.totals().issues == 120
    assert store.latest_issue().number == 120


def test_link_destinations_as_the_post_writes_them():
    body = ("Title: Weekly 3\nDate: 2026-01-02\n\n## A\n\n"
            "- [wiki](https://zh.wikipedia.org/wiki/%E7%83%AD) and [raw](https://zh.example.org/wiki/热迁移)"
            " and [amp](https://x.example/?a=1&amp;b=2)\n"
            "- [ref][中文] and [paren](https://en.wikipedia.org/wiki/Heat_(disambiguation)) [sp](<https://x.example/a b>)\n"
            "- [esc](https://x.example/a\\_b) <https://x.example/auto\\_q>\n\n[中文]: https://zh.example.org/参考\n")
    items = PARSER.parse("content/x.md", body.encode()).sections[0].items
    assert [[link.url for link in item.links] for item in items] == [
        ["https://zh.wikipedia.org/wiki/%E7%83%AD", "https://zh.example.org/wiki/热迁移", "https://x.example/?a=1&b=2"],
        ["https://zh.example.org/参考", "https://en.wikipedia.org/wiki/Heat_(disambiguation)", "https://x.example/a%20b"],
        ["https://x.example/a_b", "https://x.example/auto_q"]]


def test_a_digest_that_is_one_series_of_a_blog(tmp_path):
    # "This Week in Gardens <date>" among a project's other blog posts: only the series is the digest
    root = tmp_path / "site" / "content" / "blog"
    root.mkdir(parents=True)
    first = date(2026, 1, 2)
    for k in range(12):
        day = date.fromordinal(first.toordinal() + 7 * k)
        (root / f"{day.isoformat()}-twig.md").write_text(
            f'+++\ntitle = "This Week in Gardens {day.isoformat()}"\n+++\n\n## Dept of Beds\n\n- [b{k}](https://beds.example/{k})\n')
    for k, title in enumerate(["Hoe 1.3.1 released", "Hoe 1.4.0 released", "Garden merch now available",
                               "Our summer meetup", "A new logo", "Hoe 2.0 released", "Year in review"]):
        day = date.fromordinal(first.toordinal() + 10 * k + 3)
        (root / f"{day.isoformat()}-post-{k}.md").write_text(f'+++\ntitle = "{title}"\n+++\n\nNews [x](https://x.example/{k})\n')
    store = Store(tmp_path / "db.sqlite")
    config = Config(archive=ArchiveConfig(path=tmp_path / "site"))
    summary = ingest(store, config, when=TODAY)
    assert summary.numbering == "order"
    assert [n for n, _ in _numbers(store)] == list(range(12, 0, -1))
    skipped = store.skipped_files()
    assert len(skipped) == 7 and all("not a post of the digest's series" in s.reason for s in skipped)
    assert "This Week in Gardens 2026-03-20" in _ask(Core(store, config), "latest")
    store2 = Store(tmp_path / "db2.sqlite")  # number_from = "order" still numbers every post
    ingest(store2, Config(archive=ArchiveConfig(path=tmp_path / "site", number_from="order")), when=TODAY)
    assert store2.totals().issues == 19


def test_a_weekly_with_a_few_odd_titles_keeps_them(tmp_path):
    root = tmp_path / "site" / "_posts"
    _weekly(root, date(2025, 1, 5), 20,
            lambda k, day: {4: "KubeCon special edition", 11: "Holiday break"}.get(k, _week_ending(day)), "update")
    store = Store(tmp_path / "db.sqlite")
    ingest(store, Config(archive=ArchiveConfig(path=root.parent)), when=TODAY)
    assert store.totals().issues == 20 and store.skipped_files() == []


def _grouped_archive(root: Path, with_plain_issue: bool) -> None:
    posts = root / "_posts"
    posts.mkdir(parents=True, exist_ok=True)
    (posts / "2014-06-16-a.md").write_text(
        "---\ntitle: Digest No. 15\n---\n\n## News\n\nA cloud vendor ships a distribution <http://n.example/1>\n\n"
        "## Tracking\n### Nova\nnova cells rework <http://nova.example/1>\n\n### Neutron\nneutron dvr notes <http://q.example/1>\n\n"
        "### Keystone\nkeystone tokens <http://k.example/1>\n\n"
        "## Events\n\nWhat is on.\n\n### Europe\n- a meetup <http://e.example/1>\n\n### Virtual\n- a call <http://v.example/1>\n",
        encoding="utf-8")
    if with_plain_issue:
        (posts / "2014-09-16-b.md").write_text(
            "---\ntitle: Digest No. 19\n---\n\n### Nova\nnova live migration <http://nova.example/2>\n\n"
            "### Neutron\nneutron l3 ha <http://q.example/2>\n\n"
            "### Events\nnothing this week <http://e.example/2>\n", encoding="utf-8")


def test_a_heading_that_groups_topics_other_issues_have_on_their_own_is_unwrapped(tmp_path):
    """`## Tracking` > `### Nova` reads, in one post, like `## Events` > `### Europe`; the issue
    that has `### Nova` at the top tells them apart. Nothing configured but the path."""
    root = tmp_path / "site"
    _grouped_archive(root, with_plain_issue=False)
    store = Store(tmp_path / "db.sqlite")
    config = Config(archive=ArchiveConfig(path=root))
    ingest(store, config, when=TODAY)
    assert "Tracking" in dict(store.projects())  # one post alone: no evidence either way
    _grouped_archive(root, with_plain_issue=True)  # the evidence arrives with a later issue
    ingest(store, config, when=TODAY)
    assert [name for name, _, _ in store.sections(store.issue_by_number(15).key)] == [
        "News", "Nova", "Neutron", "Keystone", "Events"]
    projects = dict(store.projects())
    assert "Tracking" not in projects and projects["Nova"] == 2 and projects["Events"] == 4
    assert "Europe" not in projects and "Virtual" not in projects  # a topic's subheadings stay its context
    items, total, _ = store.search(["cells"], limit=5)
    assert total == 1 and items[0].section == "Nova" and items[0].text.startswith("nova cells")
    core = Core(store, config)
    assert "nova cells rework" in render_text(core.handle("nova cells", Context("cli", "t", "t")))
    assert "keystone tokens" in render_text(core.handle("keystone", Context("cli", "t", "t")))


def test_a_configured_topic_level_is_left_as_it_is(tmp_path):
    root = tmp_path / "site"
    _grouped_archive(root, with_plain_issue=True)
    store = Store(tmp_path / "db.sqlite")
    ingest(store, Config(archive=ArchiveConfig(path=root, topic_level=2)), when=TODAY)
    assert "Tracking" in dict(store.projects())
