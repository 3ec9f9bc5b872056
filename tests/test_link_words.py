"""The words of an item's links are indexed in a column of their own (archive.search_index.link_words):
a question whose words are only in a URL finds its item, a link's kind (a gerrit review, a
blueprint, a mailing-list thread) is a word of it, text matches still rank first, and links
change no score of the text."""
from __future__ import annotations

from datetime import date

import pytest

from archive import bm25, search_index
from archive.link_words import pasted_links, url_words
from archive.search_index import Query, compile, link_words
from archive.store import Store
from bot.config import Config
from bot.core import Core
from bot.ingest import ingest
from bot.reply import Context
from tests.conftest import TODAY
from tests.posts import write_issue


@pytest.mark.parametrize("url, words", [
    ("https://review.openstack.org/#/c/123456/", "review openstack c 123456 gerrit patch change"),
    ("https://blueprints.launchpad.net/heat/+spec/stack-lifecycle-hooks",
     "blueprints launchpad heat spec stack lifecycle hooks blueprint bp"),
    ("http://lists.openstack.org/pipermail/openstack-dev/2015-May/061234.html",
     "lists openstack pipermail openstack dev 2015 may 061234 html mailing list ml thread"),
    ("https://bugs.launchpad.net/nova/+bug/1400001", "bugs launchpad nova bug 1400001"),
    ("https://wiki.openstack.org/wiki/ReleaseNotes/Kilo", "wiki openstack wiki release notes kilo"),  # camelCase
    ("https://etherpad.openstack.org/p/liberty-nova-cells", "etherpad openstack p liberty nova cells"),
    ("https://github.com/openstack/heat-specs/blob/master/specs/kilo/x.rst",
     "github openstack heat specs blob master specs kilo x rst spec specification git repo code"),
    ("https://github.com/someone/tool/pull/12", "github someone tool pull 12 request pr patch git repo code"),
    ("http://www.example.com/2015/03/a%20b-c_d.html", "example 2015 03 a b c d html"),  # %20 decoded
])
def test_link_words_are_the_urls_words_and_its_kind(url, words):
    assert link_words([(url, "")]) == words


def _items(root, links: bool):
    """Two issues of our own: the same texts, with links or without."""
    def link(url):
        return f" <{url}>" if links else ""
    write_issue(root, 1, date(2015, 3, 1), {
        "Nova": ["Nova 的调度器重构有了新进展。" + link("https://review.openstack.org/#/c/222333/"),
                 "Cells v2 设计讨论。" + link("http://lists.openstack.org/pipermail/openstack-dev/2015-March/059999.html"),
                 "热迁移的新测试。" + link("https://blueprints.launchpad.net/nova/+spec/live-migrate-scheduling-hooks")],
        "Heat": ["Heat 的 stack 生命周期钩子。" + link("https://blog.example.org/2015/03/heat-hooks-walkthrough"),
                 "A walkthrough of heat hooks, step by step." + link("https://docs.example.org/heat/")],
    })
    write_issue(root, 2, date(2015, 3, 15), {
        "Nova": ["Nova scheduler 的性能测试。", "另一条调度器的消息。"],
    })


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    out = {}
    for name in ("links", "bare"):
        root = tmp_path_factory.mktemp(name) / "site"
        _items(root, name == "links")
        s = Store(tmp_path_factory.mktemp(name + "db") / "db.sqlite")
        ingest(s, Config(), root, when=TODAY)
        out[name] = s
    yield out
    for s in out.values():
        s.close()



def _search(store, query) -> list[str]:
    items, _, _ = store.search(query, limit=10)
    return [i.text for i in items]


def test_a_word_only_in_a_url_finds_its_item(stores):
    assert _search(stores["links"], Query((("live-migrate-scheduling-hooks",),))) == ["热迁移的新测试。"]
    assert _search(stores["links"], Query((), links=(" ".join(url_words("https://review.openstack.org/#/c/222333/")),))) == [
        "Nova 的调度器重构有了新进展。"]  # a URL pasted: its words a phrase of the column
    assert _search(stores["links"], Query((("222333",),))) == ["Nova 的调度器重构有了新进展。"]  # a change number
    assert _search(stores["bare"], Query((("live-migrate-scheduling-hooks",),))) == []


@pytest.mark.parametrize("word", ["https", "http", "www", "org", "com", "net", "io", "cn", "uk", "co"])
def test_the_words_every_link_has_are_not_indexed(stores, word):
    """The scheme, `www` and the top-level domain would match almost every item that has a link."""
    assert _search(stores["links"], Query(((word,),))) == []


@pytest.mark.parametrize("url, words", [
    ("https://www.example.co.uk/a", "example a"),  # a country's registry: .co.uk, .com.cn
    ("http://news.example.com.cn/2015/x.html", "news example 2015 x html"),
    ("https://crates.io/crates/serde", "crates crates serde"),
    ("git+ssh://git@gitlab.example.org:2222/team/tool.git", "gitlab example git 2222 team tool git"),
    ("http://127.0.0.1:8080/status", "127 0 0 1 8080 status"),  # no top-level domain to drop
    ("/2015/03/notes.md", "2015 03 notes md"),  # a relative link has no host: nothing is dropped
    ("www.example.org/x", "www example org x"),  # (no scheme: relative, as a browser reads it)
])
def test_a_hosts_top_level_domain_and_www_are_left_out(url, words):
    assert link_words([(url, "")]) == words


def test_a_pasted_host_or_url_is_read_as_its_links_words():
    assert pasted_links("anything on docs.openstack.org?") == [("docs.openstack.org", "docs openstack")]
    assert pasted_links("see <https://review.openstack.org/#/c/123/>, please") == [
        ("https://review.openstack.org/#/c/123/", "review openstack c 123")]
    assert pasted_links("(github.com/openstack/nova) and bbc.co.uk") == [
        ("github.com/openstack/nova", "github openstack nova"), ("bbc.co.uk", "bbc")]
    assert pasted_links("nova 2014.1.1, e.g. node.js and v2.0") == []  # versions, abbreviations, no TLD


def test_the_text_ranks_above_the_url(stores):
    # "walkthrough" is in the English item's text and in the other's URL only
    assert _search(stores["links"], Query((("walkthrough",),))) == [
        "A walkthrough of heat hooks, step by step.", "Heat 的 stack 生命周期钩子。"]


def test_links_change_no_score_of_the_text(stores):
    """A query no URL holds scores every item as it would without the links (their words are no
    part of an item's length), and equal to FTS5's bm25() over the archive without links."""
    query = Query((("调度器", "性能"),))
    scores = {}
    for name, s in stores.items():
        c = compile(query)
        ids = [r for (r,) in s.conn.execute("SELECT rowid FROM items_grams WHERE items_grams MATCH ?", (c.expr,))]
        got, _ = search_index.new_ranker(s.conn).scores(c.tree, ids)
        scores[name] = got
    assert scores["links"] and scores["links"] == pytest.approx(scores["bare"], rel=1e-9)
    bare = stores["bare"].conn
    want = dict(bare.execute("SELECT rowid, bm25(items_grams, 1.0, ?, ?) FROM items_grams WHERE items_grams MATCH ?",
                             (search_index.SECTION_WEIGHT, search_index.LINK_WEIGHT, compile(query).expr)))
    assert scores["bare"] == pytest.approx(want, rel=1e-9)


def test_the_ranker_counts_link_hits_at_the_links_weight(stores):
    """A word only in one link: its BM25 term with LINK_WEIGHT hits, over the text's length."""
    s = stores["links"]
    c = compile(Query((("gerrit",),)))
    (rowid,) = [r for (r,) in s.conn.execute("SELECT rowid FROM items_grams WHERE items_grams MATCH 'gerrit'")]
    got, _ = search_index.new_ranker(s.conn).scores(c.tree, [rowid])
    rows, *totals = bm25._varints(s.conn.execute("SELECT block FROM items_grams_data WHERE id = 1").fetchone()[0])
    sz = bm25._varints(s.conn.execute("SELECT sz FROM items_grams_docsize WHERE id = ?", (rowid,)).fetchone()[0])
    avgdl = (totals[0] + totals[1]) / rows
    idf = max(__import__("math").log((rows - 1 + 0.5) / (1 + 0.5)), 1e-6)
    f = search_index.LINK_WEIGHT
    want = idf * f * (bm25.K1 + 1) / (f + bm25.K1 * (1 - bm25.B + bm25.B * (sz[0] + sz[1]) / avgdl))
    assert -got[rowid] == pytest.approx(want, rel=1e-9)


def test_the_scoped_index_finds_link_words_as_items_grams(stores):
    s = stores["links"]
    ranker = search_index.new_ranker(s.conn)
    for query in (Query((("gerrit",),), project="Nova"), Query((("hooks",),), project="Nova"),
                  Query((("mailing list",), ("cells",)), project="Nova"), Query((("调度器",), ("patch",)), project="Nova"),
                  Query((("调度器",),), project="Nova", links=("review openstack",)),  # a pasted host: in its column,
                  Query((("walkthrough",),), project="Heat", links=("heat hooks",))):  # not the text's "heat hooks"
        c = compile(query)
        want = {r for (r,) in s.conn.execute("SELECT rowid FROM items_grams WHERE items_grams MATCH ?", (c.expr,))}
        found = search_index.find(c, ranker, query.project)
        assert want and found.table == "items_scoped", query
        assert {r for (r,) in s.conn.execute(f"SELECT rowid FROM {found.table} WHERE {found.table} MATCH ?",
                                             (found.text,))} == want, query


@pytest.mark.parametrize("question, text", [
    ("nova gerrit reviews", "Nova 的调度器重构有了新进展。"),
    ("nova的补丁", "Nova 的调度器重构有了新进展。"),  # 补丁: patch (the glossary), a review link's kind
    ("ML thread on cells v2", "Cells v2 设计讨论。"),
    ("邮件列表里关于cells的讨论", "Cells v2 设计讨论。"),
    ("nova bp about live migration", "热迁移的新测试。"),
    ("nova的蓝图", "热迁移的新测试。"),
])
def test_a_kind_of_link_is_asked_for_by_its_names(stores, question, text):
    reply = Core(stores["links"], Config()).handle(question, Context("cli", "t", "q"))
    assert [i.text for i in reply.items[:1]] == [text], (question, reply.title)


@pytest.mark.parametrize("question, text", [
    ("https://review.openstack.org/#/c/222333/", "Nova 的调度器重构有了新进展。"),  # a URL pasted whole
    ("review.openstack.org/#/c/222333", "Nova 的调度器重构有了新进展。"),
    ("what links to blueprints.launchpad.net/nova/+spec/live-migrate-scheduling-hooks?", "热迁移的新测试。"),
    ("docs.example.org", "A walkthrough of heat hooks, step by step."),  # a host
    ("heat hooks on blog.example.org", "Heat 的 stack 生命周期钩子。"),  # with other words: those too
])
def test_a_pasted_host_or_url_finds_the_items_linking_there(stores, question, text):
    reply = Core(stores["links"], Config()).handle(question, Context("cli", "t", "q"))
    assert [i.text for i in reply.items] == [text], (question, reply.title)
    assert reply.notice and "link to" in reply.notice


def test_a_pasted_host_no_item_links_to_finds_nothing(stores):
    reply = Core(stores["links"], Config()).handle("lists.example.net", Context("cli", "t", "q"))
    assert not reply.items and "Nothing" in reply.title, reply.title


def test_the_notice_of_a_pasted_link_in_chinese(stores):
    reply = Core(stores["links"], Config()).handle("docs.example.org 上有什么", Context("cli", "t", "zh"))
    assert [i.text for i in reply.items] == ["A walkthrough of heat hooks, step by step."], reply.title
    assert reply.notice == "这些条目链接到 docs.example.org。"
