"""archive.bm25 scores exactly as FTS5's bm25() does, and its cached statistics follow the index."""
from __future__ import annotations

from datetime import date

import pytest

from archive import bm25, search_index
from archive.search_index import Query, match_expr
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
]


def fts5_bm25(conn, expr):
    return dict(conn.execute("SELECT rowid, bm25(items_grams, 1.0, ?) FROM items_grams WHERE items_grams MATCH ?",
                             (search_index.SECTION_WEIGHT, expr)))


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: str(q.groups))
def test_scores_equal_fts5_bm25(store, query):
    s, _ = store
    expr = match_expr(query)
    want = fts5_bm25(s.conn, expr)
    assert want, expr  # the query matches something, or the comparison proves nothing
    got = bm25.Ranker(s.conn, (1.0, search_index.SECTION_WEIGHT)).scores(expr, list(want))
    assert got.keys() == want.keys()
    for rowid, score in want.items():
        assert got[rowid] == pytest.approx(score, rel=1e-9, abs=1e-12), (expr, rowid)


def test_statistics_follow_the_index(store, tmp_path):
    s, root = store
    ranker = bm25.Ranker(s.conn, (1.0, search_index.SECTION_WEIGHT))
    expr = match_expr(QUERIES[0])
    before = ranker.scores(expr, list(fts5_bm25(s.conn, expr)))
    _archive(root, 10, start=31)  # more items: other document counts, row count and average length
    ingest(s, Config(), root, when=TODAY)
    want = fts5_bm25(s.conn, expr)
    got = ranker.scores(expr, list(want))
    assert any(got[i] != pytest.approx(before[i], rel=1e-9) for i in before)
    for rowid, score in want.items():
        assert got[rowid] == pytest.approx(score, rel=1e-9), rowid


def test_search_ranks_the_same_either_way(store, monkeypatch):
    s, _ = store
    fts5 = [s.search(q, limit=10) for q in QUERIES]
    monkeypatch.setattr(bm25, "HEAVY_ENTRIES", -1)  # every query through the cached statistics
    s._ranker = None
    assert [s.search(q, limit=10) for q in QUERIES] == fts5
