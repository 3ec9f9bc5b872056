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
