"""archive.bm25 scores exactly as FTS5's bm25() does, and its cached statistics follow the index."""
from __future__ import annotations

from datetime import date

import pytest

from archive import bm25, search_index
from archive.search_index import Query, compile
from archive.store import Store
from bot.config import Config
from bot.ingest import ingest
from tests.conftest import TODAY
from tests.posts import write_issue

WORDS = ["live migration", "scheduler", "schedulers scheduling", "quota", "热迁移", "调度器", "监控 monitoring",
         "nova scheduler filters", "live live migration migrations", "ceilometer", "network-stack"]


def _archive(root, issues: int, start: int = 1):
    for n in range(start, start + issues):
        sections = {}
        for k, name in enumerate(["Nova", "Heat", "Common", "其他"]):
            sections[name] = [f"{name} item {n}-{j} {WORDS[(n * 7 + k * 3 + j) % len(WORDS)]} "
                              f"{WORDS[(n + j) % len(WORDS)] if j % 2 else ''}，第{j}条。" for j in range(3)]
        write_issue(root, n, date(2014, 1, 1).replace(day=1 + n % 27, month=1 + n // 27 % 12,
                                                      year=2014 + n // 324), sections)


@pytest.fixture
def store(tmp_path):
    root = tmp_path / "site"
    _archive(root, 30)
    s = Store(tmp_path / "db.sqlite")
    ingest(s, Config(), root, when=TODAY)
    yield s, root
    s.close()


QUERIES = [
    Query((("live migration", "热迁移"),)),
    Query((("scheduler", "scheduling", "调度器"),), project="nova"),
    Query((("监控", "monitoring"),), exclude=("quota",)),
    Query((("nova",), ("quota",))),
    Query((("live",), ("migration",), ("ceilometer",)), any_group=True),
    Query((("network-stack",),)),
    Query((("其他",),)),
    Query((("热迁移",),), project="其他"),
    Query((("live migration", "动态迁移", "live & migration"),)),  # no row holds 动态迁移: a branch left out
    Query((("quota",),), exclude=("动态迁移",)),  # (a NOT of nothing)
]


def fts5_bm25(conn, expr):
    return dict(conn.execute("SELECT rowid, bm25(items_grams, 1.0, ?) FROM items_grams WHERE items_grams MATCH ?",
                             (search_index.SECTION_WEIGHT, expr)))


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: str(q.groups))
def test_scores_equal_fts5_bm25(store, query):
    s, _ = store
    c = compile(query)
    want = fts5_bm25(s.conn, c.expr)
    assert want, c.expr  # the query matches something, or the comparison proves nothing
    got, _ = bm25.Ranker(s.conn, (1.0, search_index.SECTION_WEIGHT)).scores(c.tree, list(want))
    assert got.keys() == want.keys()
    for rowid, score in want.items():
        assert got[rowid] == pytest.approx(score, rel=1e-9, abs=1e-12), (c.expr, rowid)


def test_statistics_follow_the_index(store, tmp_path):
    s, root = store
    ranker = bm25.Ranker(s.conn, (1.0, search_index.SECTION_WEIGHT))
    c = compile(QUERIES[0])
    before, _ = ranker.scores(c.tree, list(fts5_bm25(s.conn, c.expr)))
    _archive(root, 10, start=31)  # more items: other document counts, row count and average length
    ingest(s, Config(), root, when=TODAY)
    want = fts5_bm25(s.conn, c.expr)
    got, _ = ranker.scores(c.tree, list(want))
    assert any(got[i] != pytest.approx(before[i], rel=1e-9) for i in before)
    for rowid, score in want.items():
        assert got[rowid] == pytest.approx(score, rel=1e-9), rowid


def reference_search(conn, query: Query, limit: int) -> list[int]:
    """The first page as FTS5 alone ranks it: bm25() over the newest RANK_POOL matches, the
    recency prior, and the phrase boost from an FTS5 phrase query."""
    c = compile(query)
    ids = [r for (r,) in conn.execute("SELECT rowid FROM items_grams WHERE items_grams MATCH ? ORDER BY rowid DESC"
                                      " LIMIT ?", (c.expr, search_index.RANK_POOL))]
    rank = {r: v for r, v in fts5_bm25(conn, c.expr).items() if r in ids}
    boosted = set()
    if c.phrase:
        phrase = '"' + " ".join(c.phrase) + '"'
        expr = f'section : "{query.project}" AND {phrase}' if query.project else phrase
        boosted = {r for (r,) in conn.execute("SELECT rowid FROM items_grams WHERE items_grams MATCH ?", (expr,))}
    n = len(ids)
    scored = sorted(((-rank[r] * (1 + search_index.RECENCY_PRIOR * (n - k) / n)
                      * (search_index.PHRASE_BOOST if r in boosted else 1), r) for k, r in enumerate(ids)), reverse=True)
    return [r for _, r in scored[:limit]]


@pytest.mark.parametrize("query", QUERIES + [Query((("live",), ("migration",))), Query((("nova",), ("scheduler",)))],
                         ids=lambda q: str(q.groups))
def test_search_ranks_as_fts5_would(store, query):
    s, _ = store
    ids, total, _ = search_index.search(s.conn, query, 10, 0)
    assert total and ids == reference_search(s.conn, query, 10)


@pytest.mark.parametrize("query", QUERIES + [Query((("live migration", "热迁移", "live & migration"),)),
                                             Query((("scheduler", "调度器", "调度"),), project="Nova")],
                         ids=lambda q: str(q.groups))
def test_the_find_text_finds_the_rows_of_the_whole_expression(store, query):
    s, _ = store
    c = compile(query)

    def rows(expr):
        return {r for (r,) in s.conn.execute("SELECT rowid FROM items_grams WHERE items_grams MATCH ?", (expr,))}

    assert rows(c.find) == rows(c.expr)


def test_the_find_text_leaves_out_alternatives_another_one_finds():
    c = compile(Query((("live migration", "live & migration"),)))
    assert c.find == '("live" AND "migration")'  # the phrase's rows hold both words: no positions read
    assert compile(Query((("调度器", "调度"),))).find == '"调度"'
    two = compile(Query((("live migration", "migration live"),)))  # two phrases: neither finds the other's rows
    assert two.find == two.expr


def test_a_query_no_row_can_match_reads_nothing(store):
    s, _ = store
    ranker = bm25.Ranker(s.conn, (1.0, search_index.SECTION_WEIGHT))
    c = compile(Query((("动态迁移", "态迁"),)))
    assert ranker.live(c.tree) is None and search_index.find_text(c, ranker) is None
    assert search_index.search(s.conn, Query((("动态迁移", "态迁"),)), 10, 0, ranker) == ([], 0, False)
    c = compile(Query((("live migration", "动态迁移"),)))
    assert search_index.find_text(c, ranker) == '"live migration"'


# A relaxed query (no item has every word: items with some of them) is ranked by each group's
# BEST alternative, deliberately not as FTS5's bm25() of the OR would rank it (which adds up every
# alternative that matches, so a word with many glossary forms outweighs a rare word). The reference
# is still FTS5's own bm25(): of each alternative alone (the sum of its phrases' terms, as bm25() of
# the alternative gives it; a phrase with its words anywhere, which it holds), the best per group, summed,
# times the share of the groups the row holds.
RELAXED = [
    Query((("live migration", "热迁移", "live & migration"), ("scheduler", "调度器"), ("quota",)), any_group=True),
    Query((("监控", "monitoring"), ("ceilometer",), ("network-stack",)), any_group=True),
    Query((("scheduler", "scheduling", "调度器"), ("quota",)), project="nova", any_group=True),
    Query((("live migration", "热迁移"), ("quota",)), exclude=("ceilometer",), any_group=True),
]


def best_alternative_reference(conn, query: Query) -> dict[int, float]:
    def match(expr):
        return {r for (r,) in conn.execute("SELECT rowid FROM items_grams WHERE items_grams MATCH ?", (expr,))}

    groups = [[bm25.Phrase(query.project, "section")]] if query.project else []
    groups += [[n for n in map(search_index.term_node, alternatives) if n] for alternatives in query.groups]
    rows = match(compile(query).expr)  # (a row matching the whole query: the NOT applied)
    total = dict.fromkeys(rows, 0.0)
    covered = dict.fromkeys(rows, 0)
    for alternatives in groups:
        best: dict[int, float] = {}
        alternatives = list({search_index._same(a): bm25.prepare(a) for a in alternatives}.values())  # scheduler = scheduling
        for node in alternatives:  # with the alternatives it surely holds (a phrase: its words anywhere)
            held = [fts5_bm25(conn, bm25.render(b)) for b in alternatives if b is not node and search_index._implies(node, b)]
            for rowid, score in fts5_bm25(conn, bm25.render(node)).items():
                best[rowid] = max(best.get(rowid, 0.0), -score - sum(h[rowid] for h in held))
        for rowid in rows:
            total[rowid] -= best.get(rowid, 0.0)
            covered[rowid] += rowid in best
    return {rowid: v * covered[rowid] / len(groups) for rowid, v in total.items()}  # the share of groups held


@pytest.mark.parametrize("query", RELAXED, ids=lambda q: str(q.groups))
def test_relaxed_scores_are_each_groups_best_alternative(store, query):
    s, _ = store
    c = compile(query)
    want = best_alternative_reference(s.conn, query)
    assert len(want) > 5, c.expr
    got, _ = bm25.Ranker(s.conn, (1.0, search_index.SECTION_WEIGHT)).scores(c.tree, list(want), groups=c.groups)
    for rowid, score in want.items():
        assert got[rowid] == pytest.approx(score, rel=1e-9, abs=1e-12), (c.expr, rowid)
    assert want != fts5_bm25(s.conn, c.expr) or all(len(g) == 1 for g in query.groups)  # it does differ


def test_a_word_of_many_glossary_forms_does_not_outrank_a_rare_word(tmp_path):
    # "cloud manila": no item has both. The one item on Manila answers it, not the item that
    # says cloud in every form the glossary knows (cloud, 云, 云计算, cloud computing).
    root = tmp_path / "site"
    for n in range(1, 9):
        write_issue(root, n, date(2015, 1, n), {"Common": [
            f"云计算新闻第{n}条：a public cloud computing offer, 云服务 number {n}.",  # cloud in every issue, in all its forms
            f"Release notes for week {n} of the scheduler work.",
            "Manila, the shared file system service, is incubated." if n == 3 else f"Quota fixes {n}.",
            "云计算入门：cloud computing 与云，什么是 cloud。" if n == 5 else f"Tempest runs {n}.",  # ...and more
        ]})
    s = Store(tmp_path / "db.sqlite")
    ingest(s, Config(), root, when=TODAY)
    try:
        query = Query((("cloud", "云", "云计算", "cloud computing"), ("manila",)), any_group=True)
        ids, total, _ = search_index.search(s.conn, query, 3, 0)
        texts = [t for (t,) in (s.conn.execute("SELECT text FROM items WHERE id = ?", (i,)).fetchone() for i in ids)]
        assert total > 3 and texts[0].startswith("Manila"), texts
        c = compile(query)  # as FTS5's bm25() of the whole OR would rank them: the cloud item first
        fts5 = fts5_bm25(s.conn, c.expr)
        assert s.conn.execute("SELECT text FROM items WHERE id = ?", (min(fts5, key=fts5.get),)).fetchone()[0].startswith("云计算")
    finally:
        s.close()


def test_an_item_with_more_of_the_words_comes_first(tmp_path):
    # No item has all four words; the long Chinese item holds three of them, the short English
    # ones two: a Chinese item's terms are small (every character and pair is a token), so by
    # bm25() alone the short ones come first.
    root = tmp_path / "site"
    for n in range(1, 7):
        write_issue(root, n, date(2015, 2, n), {"Heat": [
            f"Heat template basics, part {n}.",
            "两位核心开发者写了一个工具，根据租户现有的资源自动生成 Heat 可以使用的模板。" if n == 2 else f"Convergence 进展 {n}。",
        ], "Common": [f"第{n}份报告已生成。", f"Release notes {n}."]})
    s = Store(tmp_path / "db.sqlite")
    ingest(s, Config(), root, when=TODAY)
    try:
        query = Query((("heat",), ("生成",), ("模板", "template"), ("flame",)), any_group=True)
        ids, _, _ = search_index.search(s.conn, query, 3, 0)
        first = s.conn.execute("SELECT text FROM items WHERE id = ?", (ids[0],)).fetchone()[0]
        assert first.startswith("两位"), first
        fts5 = fts5_bm25(s.conn, compile(query).expr)
        assert s.conn.execute("SELECT text FROM items WHERE id = ?", (min(fts5, key=fts5.get),)).fetchone()[0].startswith("Heat")
    finally:
        s.close()
