"""What real digests write beyond plain markdown, read with nothing configured: golden files in
`tests/golden/unconfigured/` (our own sample posts, each beside its parse as JSON; regenerate with
UPDATE_GOLDEN=1 and read the diff), then the rules one by one: a lone wrapper heading, MDX
partials and page bundles, shortcodes and Liquid tags, image links, admonitions, HTML links."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from archive import discovery, site_syntax
from archive.config import ArchiveConfig
from archive.parse import Parser

from test_parse import as_json

GOLDEN = Path(__file__).resolve().parent / "golden" / "unconfigured"
PARSER = Parser(ArchiveConfig())
POSTS = sorted(p for p in GOLDEN.iterdir() if p.suffix in (".md", ".mdx"))


def _parse(name: str):
    return PARSER.parse(f"content/{name}", (GOLDEN / name).read_bytes())


@pytest.mark.parametrize("post", POSTS, ids=[p.name for p in POSTS])
def test_golden(post: Path):
    got = as_json(_parse(post.name))
    target = post.with_name(post.name + ".json")
    if os.environ.get("UPDATE_GOLDEN"):
        target.write_text(json.dumps(got, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert target.exists(), f"no golden file {target.name}: run with UPDATE_GOLDEN=1 and review it"
    assert got == json.loads(target.read_text(encoding="utf-8"))


def test_no_stale_golden_files():
    assert {p.name for p in GOLDEN.glob("*.json")} == {p.name + ".json" for p in POSTS}


def _texts(issue) -> list[str]:
    return [item.text for s in issue.sections for item in s.items]


def _urls(issue) -> set[str]:
    return {link.url for s in issue.sections for item in s.items for link in item.links}


def test_topics_below_a_lone_wrapper_heading():
    assert [s.name for s in _parse("lone-wrapper-h1.md").sections] == ["Nova", "Neutron", "Cinder"]
    assert [s.name for s in _parse("lone-wrapper-h2.md").sections] == ["Introduction", "Tomatoes", "Beans"]
    assert [s.name for s in _parse("lone-wrapper-one-topic.md").sections] == ["Tomatoes"]


def test_a_wrapper_beside_other_topics_stays_a_topic():
    body = (b"Title: Issue 1\nDate: 2026-01-02\n\n## Updates\n\n### Official\n\n- [a](https://a.example)\n\n"
            b"## Jobs\n\n- [j](https://j.example)\n")
    issue = PARSER.parse("content/x.md", body)
    assert [s.name for s in issue.sections] == ["Updates", "Jobs"]
    assert issue.sections[0].items[0].context == "Official"


def test_mdx_partials_are_not_posts(tmp_path):
    folder = tmp_path / "website" / "newsletter" / "117"
    folder.mkdir(parents=True)
    for name in ("index.mdx", "_jobs.mdx", "_react.md"):
        (folder / name).write_text("---\ntitle: '#117'\ndate: 2026-01-02\n---\n\nx\n")
    (tmp_path / "_posts").mkdir()
    found = discovery.find(tmp_path / "website")
    assert [rel for rel, _ in found.posts] == ["newsletter/117/index.mdx"]  # beside partials, still the post
    assert found.not_taken == [
        ("newsletter/117/_jobs.mdx", "partial (_jobs.mdx, included by other pages)"),
        ("newsletter/117/_react.md", "partial (_react.md, included by other pages)")]
    (tmp_path / "_posts" / "2026-01-02-a.md").write_text("---\ntitle: A\n---\nx\n")
    (tmp_path / "_posts" / "_draft-notes.md").write_text("---\ntitle: B\n---\nx\n")
    jekyll = discovery.find(tmp_path)
    assert [rel for rel, _ in jekyll.posts] == ["_posts/2026-01-02-a.md"]
    assert [rel for rel, _ in jekyll.not_taken] == ["_posts/_draft-notes.md"]


def test_no_template_tag_in_any_item_text():
    issue = _parse("shortcodes.md")
    outside_code = [t for t in _texts(issue) if "code spans" not in t and "as written" not in t]
    assert not [t for t in outside_code if "{{" in t or "{%" in t or "%}" in t or "}}" in t]
    assert "Hoe 4.0 released finally" in _texts(issue)  # a paired shortcode keeps its inside
    assert "The old API is gone: see the migration guide." in _texts(issue)
    assert "https://hidden.example.org/" not in _urls(issue)  # a Liquid comment is no text
    assert "/rake-tips" in _urls(issue)  # "{{ site.baseurl }}/rake-tips"
    assert not [t for t in _texts(issue) if "Println" in t]  # a highlight shortcode holds code


def test_braces_in_code_stay_as_written():
    assert site_syntax.strip("Use `{{ x }}` and ``{% y %}`` here {{< z >}}.") == "Use `{{ x }}` and ``{% y %}`` here ."
    fenced = "```\n{% for a in b %}\n:::note\n```\n"
    assert site_syntax.strip(fenced) == fenced
    assert site_syntax.strip("{% raw %}{{ kept }}{% endraw %}") == "{{ kept }}"
    assert site_syntax.strip("a { b } c {d}") == "a { b } c {d}"  # single braces (MDX, prose) are not tags


def test_an_image_link_is_labelled_by_its_alt_text_and_points_to_its_target():
    issue = _parse("image-links.mdx")
    sponsor = next(s for s in issue.sections if s.name == "Sponsor")
    assert [(i.text, [(l.url, l.label) for l in i.links]) for i in sponsor.items][0] == (
        "Ship widgets twice as fast", [("https://sponsor.example.com/?utm=twiw", "Ship widgets twice as fast")])
    assert not {u for u in _urls(issue) if u.endswith((".png", ".jpg", ".svg"))}  # image sources are no links
    assert "https://npm.example.com/widget" in _urls(issue)
    fun = next(s for s in issue.sections if s.name == "Fun")  # alt="alt" says nothing: no label
    assert [l.label for i in fun.items for l in i.links] == ["", "A cat typing", ""]


def test_admonition_fences_are_not_items_but_their_inside_is():
    texts = _texts(_parse("admonitions.mdx"))
    assert not [t for t in texts if ":::" in t]
    assert "Gadget 2.0 is out: release notes." in texts and "The old CLI goes away in June." in texts


def test_a_page_bundle_is_one_post(tmp_path):
    bundle = tmp_path / "content" / "newsletter" / "201911"
    (bundle / "extra").mkdir(parents=True)
    (bundle / "index.md").write_text("---\ntitle: November\ndate: 2019-11-07\n---\n\nx\n")
    (bundle / "releases.md").write_text("---\nheadless: true\n---\n\nx\n")
    (bundle / "extra" / "notes.md").write_text("x\n")
    (tmp_path / "content" / "newsletter" / "other.md").write_text("---\ntitle: Other\n---\nx\n")
    found = discovery.find(tmp_path)
    assert [rel for rel, _ in found.posts] == ["content/newsletter/other.md", "content/newsletter/201911/index.md"]
    assert sorted(found.not_taken) == [
        ("content/newsletter/201911/extra/notes.md", "page bundle resource (content/newsletter/201911/index.md)"),
        ("content/newsletter/201911/releases.md", "page bundle resource (content/newsletter/201911/index.md)")]
    (tmp_path / "content" / "index.md").write_text("---\ntitle: Home\n---\nx\n")  # a home page bundles nothing
    again = discovery.find(tmp_path)  # the two before stay posts; it is a page beside their section
    assert [rel for rel, _ in again.posts] == ["content/newsletter/other.md", "content/newsletter/201911/index.md"]
    assert ("content/index.md", "a page beside the sections that hold the posts (content/about.md)") in again.not_taken
    headless = PARSER.parse("content/h/index.md", b"---\ntitle: H\nheadless: true\n---\nx\n")
    assert headless.reason == "headless page (headless: true)" and not headless.is_digest


def test_html_links_are_links():
    issue = _parse("html-links.md")
    links = [(l.url, l.label) for s in issue.sections for i in s.items for l in i.links]
    assert links == [("https://pond.example.org/frogs", "the frog census"), ("https://pond.example.org/reeds", "reed notes"),
                     ("https://pond.example.org/a?x=1&y=2", "Amp & entities")]  # no mailto:, no image source


def test_a_table_of_contents_points_nowhere_else():
    body = (b"+++\ntitle = \"Gamedev Monthly #40\"\ndate = 2026-12-01\n+++\n\n- [Announcements](#announcements)\n"
            b"- [Game Updates](#game-updates)\n\n## Game Updates\n\n[Rusty](https://rusty.example/) ([notes](notes.html))\n")
    issue = PARSER.parse("content/news/040/index.md", body)
    assert [l.url for s in issue.sections for i in s.items for l in i.links] == ["https://rusty.example/", "notes.html"]


def test_kramdown_attribute_lists_and_extensions_are_no_text():
    issue = _parse("kramdown.md")
    assert [s.name for s in issue.sections] == ["Glazes"]
    assert _texts(issue) == ["Celadon that does not craze: notes.", "Ash glaze results from the spring firing",
                             "Use {:toc} to get a table of contents."]
    assert "https://kiln.example.org/draft" not in _urls(issue)
