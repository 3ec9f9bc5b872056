"""items_scoped (a project's terms as one posting list each) finds exactly the rows the AND of
the section phrase with the query finds in items_grams, and the pages ranked from it are the same."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

from archive import bm25, search_index
from archive.search_index import Query, compile, day_range
from archive.store import Store
from bot.config import Config
from bot.core import Core
from bot.ingest import ingest
from bot.reply import Context
from tests.conftest import TODAY
from tests.posts import write_issue

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from synth import write_archive  # noqa: E402


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    root = tmp_path_factory.mktemp("scoped") / "site"
    write_archive(root, 120)  # the bench's archive, small: 14 one-word projects, Chinese and English
    # and sections whose names share words (a section phrase finds both), differ only in case,
    # hold a query's words, or are Chinese; a misspelt one (merged into Project Updates: hidden, renamed, shown)
    extra = {
        "Nova API": ["scheduler filters for the nova api 热迁移", "api quota live migration", "监控 alarm"],
        "NOVA": ["scheduler weights live migration", "调度器 scheduling"],
        "Scheduler": ["nova scheduler placement", "cells scheduler"],
        "Project Updates": ["nova scheduler news", "live migration 的实现细节 schedulers"],
        "其他": ["调度器 监控", "nova 热迁移 scheduler"],
        "Project Updatez": ["scheduler typo section"],
    }
    for k in range(30):
        sections = {name: [f"{text} {k}" for text in items] for name, items in extra.items()
                    if name != "Project Updatez" or k == 0}
        write_issue(root, 200 + k, date(2025, 1, 1 + k), sections)
    s = Store(tmp_path_factory.mktemp("db") / "scoped.db")
    ingest(s, Config(), root, when=TODAY)
    yield s
    s.close()


LO, HI = day_range(date(2020, 1, 1), date(2025, 1, 20))
QUERIES = [
    Query((("scheduler",),), project="Nova"),
    Query((("scheduler",),), project="Nova API"),
    Query((("api",),), project="Nova"),  # a word of a section holding the project's name
    Query((("live migration",),), project="Nova"),  # a phrase
    Query((("live", ), ("migration",)), project="Nova"),
    Query((("热迁移",),), project="Nova"),  # Chinese: its pairs
    Query((("监控",),), project="Nova"),
    Query((("调度器",),), project="其他"),
    Query((("scheduler", "调度器", "scheduling"),), project="Nova"),  # synonyms
    Query((("scheduler",),), ("filters",), project="Nova"),  # -filters
    Query((("scheduler",),), ("api",), project="Nova"),  # -word of a section's name
    Query((("scheduler",), ("quota",), ("weights",)), project="Nova", any_group=True),  # relaxed
    Query((("scheduler",),), project="Nova", ids=(LO, HI)),  # dates
    Query((("scheduler",),), project="Project Updates"),  # a project of two words
    Query((("nova",),), project="Scheduler"),
    Query((("scheduler",),), project="Scheduler"),  # every row of the section: items_grams reads it
    Query((("image", "volume"), ("token",)), project="Glance"),
    Query((("nosuchword",),), project="Nova"),
    Query((("example",),), project="Nova"),  # a word of the items' link URLs (their `links` column)
    Query((("example nova",), ("scheduler",)), project="Nova"),  # a phrase of a URL, and a word of the text
    Query((("scheduler",),), project="Nosuchproject"),
]


def rows(conn, table, text, ids=None):
    where = f" AND rowid BETWEEN {ids[0]} AND {ids[1]}" if ids else ""
    return {r for (r,) in conn.execute(f"SELECT rowid FROM {table} WHERE {table} MATCH ?{where}", (text,))}


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: f"{q.project}:{q.groups}-{q.exclude}")
def test_the_scoped_index_finds_the_rows_of_the_section_and_the_query(store, query):
    ranker = bm25.Ranker(store.conn, (1.0, search_index.SECTION_WEIGHT))
    c = compile(query)
    want = rows(store.conn, "items_grams", c.expr, query.ids)  # section : "p" AND (...), FTS5 itself
    found = search_index.find(c, ranker, query.project)
    if found is None:
        assert not want
        return
    assert rows(store.conn, found.table, found.text, query.ids) == want
    # every row of a section holding the project's name: items_grams reads that list as well
    whole_section = (query.groups, query.project) in {((("scheduler",),), "Scheduler"), ((("api",),), "Nova")}
    if want and not whole_section:
        assert found.table == "items_scoped", found


def test_the_pages_are_the_same(store, monkeypatch):
    pages = [search_index.search(store.conn, q, 10, offset) for q in QUERIES for offset in (0, 10, 100)]
    assert sum(bool(p[0]) for p in pages) > 20
    monkeypatch.setattr(search_index, "SCOPED_SECTIONS", 0)  # the old way: items_grams alone
    search_index._FINDS.clear()
    try:
        assert [search_index.search(store.conn, q, 10, offset) for q in QUERIES for offset in (0, 10, 100)] == pages
    finally:
        search_index._FINDS.clear()


def test_questions_read_the_scoped_index(store):
    core = Core(store, Config())
    me = Context(platform="console", user="ann", where="terminal", is_dm=True)
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        assert core.handle("nova scheduler", me).items
    finally:
        store.conn.set_trace_callback(None)
    assert any("items_scoped MATCH" in s for s in statements)


def test_moved_items_follow_in_the_scoped_index(store):
    """The misspelt section's items (Project Updatez) were merged into Project Updates by hiding,
    renaming and showing them: the scoped index holds them under its tag, and under the old no more."""
    moved = store.conn.execute("SELECT count(*) FROM items WHERE text LIKE 'scheduler typo section%'").fetchone()[0]
    assert moved and not store.conn.execute("SELECT count(*) FROM items WHERE section = 'Project Updatez'").fetchone()[0]
    right, wrong = search_index.section_tag("Project Updates"), search_index.section_tag("Project Updatez")
    assert len(rows(store.conn, "items_scoped", f'"{right}typo {right}section"')) == moved
    assert not rows(store.conn, "items_scoped", f'"{wrong}typo"')


def test_the_index_follows_visibility_and_deletes(tmp_path):
    root = tmp_path / "site"
    write_issue(root, 1, date(2014, 1, 1), {"Nova": ["live migration kilo"]})
    write_issue(root, 2, date(2099, 6, 1), {"Nova": ["live migration zed"]})  # not yet published
    s = Store(tmp_path / "db.db")
    ingest(s, Config(), root, when=date(2014, 2, 1))
    tag = search_index.section_tag("Nova")

    def scoped(word):
        return len(rows(s.conn, "items_scoped", f'"{tag}{word}"'))

    assert (scoped("kilo"), scoped("zed")) == (1, 0)
    ingest(s, Config(), root, when=date(2099, 7, 1))  # published now
    assert (scoped("kilo"), scoped("zed")) == (1, 1)
    (root / "_posts").joinpath(next(p.name for p in (root / "_posts").iterdir() if "2014" in p.name)).unlink()
    ingest(s, Config(), root, when=date(2099, 7, 1))
    assert (scoped("kilo"), scoped("zed")) == (0, 1)
    s.close()
