"""The parser against golden files (the spec), the two real posts, and its rules one by one.

Regenerate the golden files after a deliberate change with
    UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_parse.py
and read every changed JSON before committing it.
"""
from __future__ import annotations

import dataclasses
import json
import os
from datetime import date
from pathlib import Path

import pytest

from archive.model import ParsedIssue, Skipped
from archive.parse import Parser, parse_period
from bot.config import EMBEDDED_ARCHIVE, ArchiveConfig

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "archive"
GOLDEN = Path(__file__).resolve().parent / "golden"
REAL_POSTS = ROOT.parent / "shared" / "fixtures" / "archive" / "_posts"

PARSER = Parser(EMBEDDED_ARCHIVE)


def as_json(result: ParsedIssue | Skipped) -> dict:
    def plain(value):
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        if isinstance(value, dict):  # an item's context is written out only when it has one
            return {k: plain(v) for k, v in value.items() if not (k == "context" and v == "")}
        return value

    return {"type": type(result).__name__, **plain(dataclasses.asdict(result))}


def golden_cases() -> list[tuple[str, Path, str]]:
    """(id, file, path as the parser sees it: relative to the archive root)."""
    cases = [
        (p.stem, p, p.relative_to(EXAMPLES).as_posix())
        for p in sorted((EXAMPLES / "_posts").rglob("*.md"))
    ]
    cases += [(p.stem, p, f"_posts/{p.name}") for p in sorted((GOLDEN / "posts").glob("*.md"))]
    return cases


CASES = golden_cases()


def test_golden_names_are_unique():
    stems = [stem for stem, _, _ in CASES]
    assert len(stems) == len(set(stems))
    assert len(stems) >= 8 + 15


@pytest.mark.parametrize("stem,source,rel", CASES, ids=[c[0] for c in CASES])
def test_golden(stem: str, source: Path, rel: str):
    got = as_json(PARSER.parse(rel, source.read_bytes()))
    target = GOLDEN / f"{stem}.json"
    if os.environ.get("UPDATE_GOLDEN"):
        target.write_text(json.dumps(got, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert target.exists(), f"no golden file {target.name}: run with UPDATE_GOLDEN=1 and review it"
    assert got == json.loads(target.read_text(encoding="utf-8"))


def test_no_stale_golden_files():
    expected = {f"{stem}.json" for stem, _, _ in CASES}
    assert {p.name for p in GOLDEN.glob("*.json")} == expected


# --- the two real issues of the reference digest (never copied into the project) --------------

def real(name: str) -> bytes:
    path = REAL_POSTS / name
    if not path.exists():
        pytest.skip(f"{path} not present")
    return path.read_bytes()


def urls(issue: ParsedIssue) -> set[str]:
    return {link.url for s in issue.sections for item in s.items for link in item.links}


def test_real_issue_19():
    issue = PARSER.parse("_posts/2014-09-16-openstack-activity-0826-0916.md",
                         real("2014-09-16-openstack-activity-0826-0916.md"))
    assert isinstance(issue, ParsedIssue), issue
    assert issue.number == 19 and issue.key == "19"
    assert issue.date == date(2014, 9, 16)
    assert issue.period == (date(2014, 8, 26), date(2014, 9, 16))
    assert issue.categories == ("技术",)
    assert [s.name for s in issue.sections] == [  # the text before the first heading is a section too
        "Introduction", "Common", "Nova", "Neutron", "Heat", "Ceilometer", "Glance", "Tempest"]
    assert len(urls(issue)) == 21
    heat = next(s for s in issue.sections if s.name == "Heat")
    assert len({link.url for item in heat.items for link in item.links}) == 4
    # the post ends with "<http://blog.kortar.org/?p=4": found, without the "<"
    assert "http://blog.kortar.org/?p=4" in urls(issue)
    assert not any("<" in u or ">" in u for u in urls(issue))
    # "text  \n<url>" is one item: text without the URL, the URL as its link
    first = issue.sections[1].items[0]
    assert len(first.links) == 1 and first.links[0].url not in first.text and first.text
    assert issue.preface and "**" not in issue.preface


def test_real_issue_15():
    issue = PARSER.parse("_posts/2014-06-16-openstack-activity-0528-0616.md",
                         real("2014-06-16-openstack-activity-0528-0616.md"))
    assert isinstance(issue, ParsedIssue), issue
    assert issue.number == 15
    assert issue.period == (date(2014, 5, 28), date(2014, 6, 16))
    assert [(s.name, s.heading) for s in issue.sections][:2] == [
        ("Industry news", "业界动态"), ("Common", "Common")]
    assert [s.name for s in issue.sections] == [
        "Industry news", "Common", "Nova", "Cinder", "Neutron", "Heat", "Ceilometer", "Horizon"]
    assert len(urls(issue)) == 50
    # the blueprint list under Ceilometer: one item per list entry, each labelled
    ceilometer = next(s for s in issue.sections if s.name == "Ceilometer")
    labelled = [item for item in ceilometer.items if len(item.links) == 1 and item.links[0].label]
    assert len(labelled) >= 8
    assert issue.preface == ""


# --- rules --------------------------------------------------------------------------------

def post(title: str = "OpenStack社区动态第十九期(0826-0916)", body: str = "", front: str = "") -> bytes:
    return f"---\nlayout: post\ntitle: {title}\n{front}---\n\n{body}".encode()


def test_twenty_megabytes_of_text_is_skipped(tmp_path):
    big = tmp_path / "2014-09-16-huge.md"
    line = "### Nova\n热迁移 live migration <https://example.org/x>\n\n"
    with big.open("w", encoding="utf-8") as f:
        f.write("---\ntitle: OpenStack社区动态第十九期(0826-0916)\n---\n")
        while f.tell() < 20 * 1024 * 1024:
            f.write(line * 1000)
    result = PARSER.parse("_posts/2014-09-16-huge.md", big.read_bytes())
    assert isinstance(result, Skipped)
    assert result.reason.startswith("too large")


def test_front_matter_fences_with_trailing_spaces():
    data = b"---   \ntitle: OpenStack\xe7\xa4\xbe\xe5\x8c\xba\xe5\x8a\xa8\xe6\x80\x81\xe7\xac\xac19\xe6\x9c\x9f\n--- \t\n\n### Nova\ntext\n"
    issue = PARSER.parse("_posts/2014-09-16-x.md", data)
    assert isinstance(issue, ParsedIssue), issue
    assert issue.number == 19 and [s.name for s in issue.sections] == ["Nova"]


def test_front_matter_number_wins_over_title():
    issue = PARSER.parse("_posts/2014-09-16-x.md", post(front="number: 20\n", body="### Nova\nx\n"))
    assert issue.number == 20 and issue.key == "20"


def test_front_matter_id_is_the_key():
    issue = PARSER.parse("_posts/2014-09-16-x.md", post(front="id: 42\n", body="### Nova\nx\n"))
    assert issue.key == "42" and issue.number == 19


@pytest.mark.parametrize("value", ["true", "yes", "'no'", "1"])
def test_only_boolean_false_unpublishes(value):
    issue = PARSER.parse("_posts/2014-09-16-x.md", post(front=f"published: {value}\n", body="x\n"))
    assert issue.published is True


def test_draft_is_dated_by_mtime_and_never_published():
    data = (EXAMPLES / "_drafts" / "openstack-activity-draft.md").read_bytes()
    issue = PARSER.parse("_drafts/openstack-activity-draft.md", data, mtime_date=date(2015, 1, 19))
    assert isinstance(issue, ParsedIssue), issue
    assert issue.number == 27 and issue.published is False
    assert issue.date == date(2015, 1, 19) and issue.slug == "openstack-activity-draft"
    without = PARSER.parse("_drafts/openstack-activity-draft.md", data)
    assert isinstance(without, Skipped) and without.is_digest


def test_categories_from_folders_above_posts_and_front_matter():
    issue = PARSER.parse("blog/cn/_posts/2014-09-16-x.md", post(front="categories: a b a\n", body="x\n"))
    assert issue.categories == ("blog", "cn", "a", "b")
    issue = PARSER.parse("_posts/sub/2014-09-16-x.md", post(front="category: 技术 周报\n", body="x\n"))
    assert issue.categories == ("技术 周报",)  # Jekyll: `category` is one name, never split
    assert issue.path == "_posts/sub/2014-09-16-x.md"


def test_windows_path_separators():
    issue = PARSER.parse("_posts\\技术\\2014-09-16-x.md", post(body="x\n"))
    assert issue.path == "_posts/技术/2014-09-16-x.md" and issue.slug == "x"


def test_custom_title_pattern():
    parser = Parser(ArchiveConfig(title_pattern=r"Weekly #(?P<number>\d+)", title_pattern_set=True))
    assert parser.parse("_posts/2014-09-16-x.md", post(title='"Weekly #7"', body="x\n")).number == 7
    skipped = parser.parse("_posts/2014-09-16-x.md", post(body="x\n"))
    assert isinstance(skipped, Skipped) and not skipped.is_digest
    assert skipped.reason.startswith("not a digest issue (title 'OpenStack社区动态第十九期")


def test_item_text_and_link_lines():
    body = "### Heat\n**Bold** text with `code`.  \n<https://a.example/x>\n<https://a.example/y>\n"
    [section] = PARSER.parse("_posts/2014-09-16-x.md", post(body=body)).sections
    [item] = section.items
    assert item.text == "Bold text with code."
    assert [link.url for link in item.links] == ["https://a.example/x", "https://a.example/y"]


def test_chinese_lines_join_without_a_space():
    body = "### Nova\n第一行中文，\n第二行中文。\nEnglish line\nnext line\n"
    [section] = PARSER.parse("_posts/2014-09-16-x.md", post(body=body)).sections
    assert section.items[0].text == "第一行中文，第二行中文。 English line next line"


def test_a_link_label_wrapped_over_lines_keeps_a_space():
    body = ("### Nova\n- [Default methods in the\n  compiler (alice)](https://a.example/x)\n"
            "- [`to_str` now fails on interior\n  `NUL`s](https://a.example/y)\n- [中文\n标题](https://a.example/z)\n")
    [section] = PARSER.parse("_posts/2014-09-16-x.md", post(body=body)).sections
    assert [item.text for item in section.items] == [
        "Default methods in the compiler (alice)", "to_str now fails on interior NULs", "中文标题"]
    assert [item.links[0].label for item in section.items] == [
        "Default methods in the compiler (alice)", "to_str now fails on interior NULs", "中文标题"]


def test_an_entry_with_one_nested_detail_is_one_item():
    body = ("### Events\n* 03-17 | Ghent | [Kite club](https://club.example.org/)\n"
            "    * [**Winter meet**](https://club.example.org/winter)\n"
            "* Two talks:\n    * [First](https://t.example.org/1)\n    * [Second](https://t.example.org/2)\n")
    [section] = PARSER.parse("_posts/2014-09-16-x.md", post(body=body)).sections
    assert [(item.context, item.text, [link.url for link in item.links]) for item in section.items] == [
        ("03-17 | Ghent | Kite club", "Winter meet", ["https://club.example.org/", "https://club.example.org/winter"]),
        ("", "Two talks:", []),
        ("Two talks:", "First", ["https://t.example.org/1"]),
        ("Two talks:", "Second", ["https://t.example.org/2"])]


def test_a_title_and_its_quoted_summary_are_set_apart():
    body = ("### Featured\n- [Folds in practice](https://f.example.org/) by Ann\n  > When to fold left.\n\n"
            "- [Done!](https://d.example.org/)\n  > Shipped.\n\n- 中文标题\n  > 摘要。\n")
    [section] = PARSER.parse("_posts/2014-09-16-x.md", post(body=body)).sections
    assert [item.text for item in section.items] == [
        "Folds in practice by Ann — When to fold left.", "Done! Shipped.", "中文标题 摘要。"]


def test_empty_heading_is_not_a_section():
    body = "### Nova\none\n\n### **\ntwo\n\n###\n\n### Heat\nthree\n"
    sections = PARSER.parse("_posts/2014-09-16-x.md", post(body=body)).sections
    assert [(s.name, [i.text for i in s.items]) for s in sections] == [
        ("Nova", ["one", "two"]), ("Heat", ["three"])]


def test_horizontal_rule_and_code_are_not_items():
    body = "### Nova\none\n\n---\n\n```\ncode <https://example.org/code>\n```\n\n    indented\n"
    [section] = PARSER.parse("_posts/2014-09-16-x.md", post(body=body)).sections
    assert [item.text for item in section.items] == ["one"]


def test_never_raises_on_odd_front_matter_values():
    odd = [
        "title: [a, b]\n", "title: 123\n", "number: true\n", "number: -3\n", "number: [1]\n",
        "date: 99\n", "date: 2014-02-30\n", "categories: {a: 1}\n", "id: ''\n", "published: null\n",
        "slug: 5\n",
    ]
    for front in odd:
        data = f"---\ntitle: OpenStack社区动态第十九期(0826-0916)\n{front}---\n\n### Nova\nx\n".encode()
        result = PARSER.parse("_posts/2014-09-16-x.md", data)
        assert isinstance(result, (ParsedIssue, Skipped)), front


@pytest.mark.parametrize("title,post_date,expected", [
    ("第十九期(0826-0916)", date(2014, 9, 16), (date(2014, 8, 26), date(2014, 9, 16))),
    ("第十九期(08.26-09.16)", date(2014, 9, 16), (date(2014, 8, 26), date(2014, 9, 16))),
    ("第N期(11.17-11.22)", date(2014, 11, 24), (date(2014, 11, 17), date(2014, 11, 22))),
    ("第N期（1222-0105）", date(2015, 1, 6), (date(2014, 12, 22), date(2015, 1, 5))),
    ("第N期(1222~0105)", date(2015, 1, 6), (date(2014, 12, 22), date(2015, 1, 5))),
    ("第N期(12.10–01.05)", date(2015, 1, 6), (date(2014, 12, 10), date(2015, 1, 5))),
    ("第N期(8月26日-9月16日)", date(2014, 9, 16), (date(2014, 8, 26), date(2014, 9, 16))),
    # posted in early January about December: the whole period is last year
    ("第N期(1201-1231)", date(2015, 1, 2), (date(2014, 12, 1), date(2014, 12, 31))),
    ("第十九期", date(2014, 9, 16), None),
    ("第N期(0230-0316)", date(2014, 3, 16), None),
    ("第N期(1301-1302)", date(2014, 3, 16), None),
])
def test_period(title, post_date, expected):
    assert parse_period(title, post_date) == expected
