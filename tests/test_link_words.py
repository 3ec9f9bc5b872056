"""The words of an item's links are indexed in a column of their own (archive.search_index.link_words):
a question whose words are only in a URL finds its item, a link's kind (a gerrit review, a
blueprint, a mailing-list thread) is a word of it, text matches still rank first, and links
change no score of the text."""
from __future__ import annotations

from datetime import date

import pytest

from archive import bm25, search_index
from archive.search_index import Query, compile, link_words
from archive.store import Store
from bot.config import Config
from bot.core import Core
from bot.ingest import ingest
from bot.reply import Context
from tests.conftest import TODAY
from tests.posts import write_issue


@pytest.mark.parametrize("url, words", [
    ("https://review.openstack.org/#/c/123456/", "https review openstack org c 123456 gerrit patch change"),
    ("https://blueprints.launchpad.net/heat/+spec/stack-lifecycle-hooks",
     "https blueprints launchpad net heat spec stack lifecycle hooks blueprint bp"),
    ("http://lists.openstack.org/pipermail/openstack-dev/2015-May/061234.html",
     "http lists openstack org pipermail openstack dev 2015 may 061234 html mailing list ml thread"),
    ("https://bugs.launchpad.net/nova/+bug/1400001", "https bugs launchpad net nova bug 1400001"),
    ("https://wiki.openstack.org/wiki/ReleaseNotes/Kilo", "https wiki openstack org wiki release notes kilo"),  # camelCase
    ("https://etherpad.openstack.org/p/liberty-nova-cells", "https etherpad openstack org p liberty nova cells"),
    ("https://github.com/openstack/heat-specs/blob/master/specs/kilo/x.rst",
     "https github com openstack heat specs blob master specs kilo x rst spec specification git repo code"),
    ("https://github.com/someone/tool/pull/12", "https github com someone tool pull 12 request pr patch git repo code"),
    ("http://www.example.com/2015/03/a%20b-c_d.html", "http www example com 2015 03 a b c d html"),  # %20 decoded
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
    assert _search(stores["links"], Query((("https://review.openstack.org/#/c/222333/",),))) == [
        "Nova 的调度器重构有了新进展。"]  # a URL pasted: a phrase of the column
    assert _search(stores["links"], Query((("222333",),))) == ["Nova 的调度器重构有了新进展。"]  # a change number
    assert _search(stores["bare"], Query((("live-migrate-scheduling-hooks",),))) == []


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
                  Query((("mailing list",), ("cells",)), project="Nova"), Query((("调度器",), ("patch",)), project="Nova")):
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
