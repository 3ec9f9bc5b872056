"""Ingest into a real SQLite store: idempotent, incremental, and honest about what it skipped."""
from __future__ import annotations

import os
from datetime import date

import pytest

from archive import search_index, store as store_module
from archive.store import Store
from bot import ingest as ingesting
from bot.config import Config
from tests.conftest import TODAY
from tests.posts import write_issue

CONFIG = Config()


def dump(store: Store) -> dict:
    c = store.conn
    return {
        t: c.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall()
        for t in ("issues", "items", "announced_keys")
    }


def ingest(store, root, when=TODAY, changes=None):
    def record(db, ch):
        changes.extend(ch)

    return ingesting.ingest(store, CONFIG, root, when=when, on_change=record if changes is not None else None)


@pytest.fixture
def root(tmp_path):
    r = tmp_path / "site"
    write_issue(r, 1, date(2014, 1, 10), {"Nova": ["one.  \n<http://e.org/1>"], "Heat": ["two 热迁移"]})
    write_issue(r, 2, date(2014, 1, 24), {"Nova": ["three live migration  \n<http://e.org/3>"]},
                folder="_posts/技术")
    return r


def test_same_archive_twice_same_rows(store, root, tmp_path):
    s1 = ingest(store, root)
    t = store.totals()
    assert (t.issues, t.items, t.links, s1.parsed) == (2, 3, 2, 2)
    before = dump(store)
    s2 = ingest(store, root)
    assert s2.parsed == 0 and s2.unchanged == 2 and not s2.changes
    assert dump(store) == before
    other = Store(tmp_path / "other.db")
    ingest(other, root)
    assert dump(other) == before


def test_changed_file_is_replaced_and_deleted_file_removed(store, root):
    changes = []
    ingest(store, root, changes=changes)
    assert [(c.number, c.kind) for c in changes] == [(1, "published"), (2, "published")]
    changes.clear()
    path = write_issue(root, 1, date(2014, 1, 10), {"Nova": ["one, corrected"]})
    os.utime(path, ns=(1, 1))  # a new mtime even on coarse clocks
    s = ingest(store, root, changes=changes)
    assert s.parsed == 1 and [(c.number, c.kind) for c in changes] == [(1, "corrected")]
    texts = [t for (t,) in store.conn.execute("SELECT text FROM items ORDER BY id")]
    assert "one, corrected" in texts and "two 热迁移" not in texts
    assert store.search(["热迁移"], limit=10)[1] == 0  # the FTS index followed the change
    path.unlink()
    s = ingest(store, root)
    assert s.removed == 1 and store.totals().issues == 1
    assert store.search(["corrected"], limit=10)[1] == 0


def test_rename_is_not_a_new_publication(store, root):
    changes = []
    ingest(store, root, changes=changes)
    changes.clear()
    old = next((root / "_posts").glob("2014-01-10-*.md"))
    old.rename(old.with_name("2014-01-10-renamed.md"))
    ingest(store, root, changes=changes)
    assert changes == []
    assert store.issue_by_number(1).path.endswith("renamed.md")
    # even when the delete and the add are seen by two separate ingests
    moved = root / "_posts" / "2014-01-10-renamed.md"
    data = moved.read_bytes()
    moved.unlink()
    ingest(store, root, changes=changes)
    (root / "_posts" / "2014-01-10-again.md").write_bytes(data)
    ingest(store, root, changes=changes)
    assert changes == []


def test_future_and_unpublished_posts_are_hidden_until_due(store, root):
    write_issue(root, 3, date(2014, 2, 7), {"Heat": ["soon"]})
    write_issue(root, 4, date(2014, 1, 31), {"Heat": ["never"]}, front="published: false")
    changes = []
    ingest(store, root, when=date(2014, 2, 1), changes=changes)
    assert (store.totals().issues, store.totals().hidden) == (2, 2)
    assert store.latest_issue().number == 2
    changes.clear()
    ingest(store, root, when=date(2014, 2, 7), changes=changes)  # no file changed, the date did
    assert [(c.number, c.kind) for c in changes] == [(3, "published")]
    assert store.latest_issue().number == 3


def test_drafts_and_non_posts_are_not_read(store, root):
    write_issue(root, 5, date(2014, 3, 1), {"Heat": ["draft"]}, folder="_drafts")
    (root / "_posts" / "notes.txt").write_text("not a post")
    s = ingest(store, root)
    assert s.files == 2 and store.totals().issues == 2


def test_bad_files_are_skipped_with_reasons_while_the_rest_is_indexed(store, root):
    posts = root / "_posts"
    (posts / "2014-05-01-empty.md").write_bytes(b"")
    (posts / "2014-05-02-binary.md").write_bytes(b"\x00\x01\x02" * 100)
    (posts / "2014-05-03-latin1.md").write_bytes("---\ntitle: 第九期 ".encode() + b"caf\xe9\n---\n")
    (posts / "2014-05-04-broken.md").write_text("---\ntitle: [unclosed\n---\nbody\n")
    (posts / "2014-05-05-notitle.md").write_text("---\nlayout: post\n---\nbody\n")
    (posts / "2014-05-06-guide.md").write_text("---\ntitle: How we write the digest\n---\nbody\n")
    with open(posts / "2014-05-07-huge.md", "w") as f:
        f.write("---\ntitle: OpenStack社区动态第九十期\n---\n")
        f.write(("### Nova\n" + "很长的一段文字。" * 1000 + "\n\n") * 800)  # ~20 MB
    ingest(store, root)
    assert store.totals().issues == 2
    reasons = {sk.path.rsplit("/", 1)[1]: sk.reason for sk in store.skipped_files()}
    assert set(reasons) == {f"2014-05-0{n}-{k}.md" for n, k in
                            enumerate(["empty", "binary", "latin1", "broken", "notitle", "guide", "huge"], 1)}
    assert all(reasons.values())
    assert "too large" in reasons["2014-05-07-huge.md"]
    assert store.totals().skipped == 7


def test_duplicate_issue_numbers_keep_one(store, root):
    write_issue(root, 1, date(2014, 1, 11), {"Nova": ["copy"]}, slug="copy-of-one")
    ingest(store, root)
    assert store.totals().issues == 2
    assert any("duplicate of issue 1" in sk.reason for sk in store.skipped_files())


def test_search_index_follows_visibility(store, root):
    write_issue(root, 3, date(2014, 2, 7), {"Heat": ["来自未来 futuristic"]})
    ingest(store, root, when=date(2014, 2, 1))
    for term in ("未来", "来自未来", "futuristic", "futurist"):
        assert store.search([term], limit=10)[1] == 0, term  # not published yet: not searchable
    ingest(store, root, when=date(2014, 2, 7))
    for term in ("未来", "来自未来", "futuristic", "futurist"):
        assert store.search([term], limit=10)[1] == 1, term


def test_vague_searches_are_counted_to_a_bound(store, tmp_path):
    root = tmp_path / "big"
    write_issue(root, 1, date(2014, 1, 10), {"Nova": [f"nova item {n}" for n in range(1105)]})
    ingest(store, root)
    rows, total, capped = store.search(["nova"], limit=10)  # counted as far as the ranked pool
    assert capped and total == search_index.RANK_POOL == 100 and len(rows) == 10
    rows, total, capped = store.search(["nova"], limit=10, offset=90)  # the pool's last page: one more
    assert capped and total == 101 and len(rows) == 10
    rows, total, capped = store.search(["nova"], limit=10, offset=1100)
    assert not capped and total == 1105 and len(rows) == 5
    rows, total, capped = store.search(["item", "1104"], limit=10)
    assert (total, capped, rows[0][2]) == (1, False, "nova item 1104")


@pytest.mark.parametrize("phrases", [0, 7, 10, 13, 20, 23])
def test_phrase_tier_pages_continue_into_the_other_matches(store, tmp_path, phrases):
    # 23 items, newest first by position; `phrases` of them have the words as a phrase, spread out
    texts = [f"live migration {n}" if n % 23 < phrases else f"migration of a live vm {n}" for n in range(23)]
    texts = texts[::2] + texts[1::2]  # interleave the tiers by age
    root = tmp_path / "site"
    write_issue(root, 1, date(2014, 1, 10), {"Nova": texts})
    ingest(store, root)
    pages = [store.search(["live", "migration"], limit=10, offset=o) for o in (0, 10, 20, 30)]
    assert [(total, capped) for _, total, capped in pages] == [(23, False)] * 4
    shown = [row[2] for rows, _, _ in pages for row in rows]
    in_order = [t for t in texts if t.startswith("live migration")] + [t for t in texts if t.startswith("migration")]
    assert shown == in_order  # the phrase tier first, each tier in the issue's order, nothing twice


def test_a_big_ingest_merges_the_search_indexes(store, tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "OPTIMIZE_AFTER", 3)
    root = tmp_path / "site"
    for n in range(1, 4):
        write_issue(root, n, date(2014, 1, n), {"Nova": [f"live migration {n}", "调度器"]})
    statements = []
    store.conn.set_trace_callback(statements.append)
    ingest(store, root)
    assert sum("'optimize'" in s for s in statements) == 2  # the two indexes
    write_issue(root, 4, date(2014, 1, 4), {"Nova": ["live migration 4"]})
    ingest(store, root)  # one new file: FTS5's own merging is enough
    store.conn.set_trace_callback(None)
    assert sum("'optimize'" in s for s in statements) == 2  # the two indexes
    assert store.search(["live", "migration"], limit=10)[1] == 4 and store.search(["调度"], limit=10)[1] == 3


def test_an_older_layout_is_rebuilt_without_forgetting_what_was_announced(store, root):
    changes = []
    ingest(store, root, changes=changes)
    store._set_meta("schema_version", "0")  # as if written by an older digest-bot
    path = store.path
    store.close()
    reopened = Store(path)
    assert reopened.latest_issue() is None  # the parsed archive was dropped...
    assert reopened.archive_root is None  # ...and `ask` knows to ingest again
    changes.clear()
    s = ingest(reopened, root, changes=changes)
    assert s.parsed == 2 and reopened.totals().issues == 2 and changes == []  # ...re-read, and nothing re-announced
    reopened.close()


def test_found_items_follow_a_change_the_index_does_not_see(store, root, tmp_path):
    """A link's label is not indexed: after a writer elsewhere changes only that, the same search
    shows the new label (found items are kept only while nothing is written)."""
    ingest(store, root)
    def labels():
        items, _, _ = store.search(["live migration"], limit=10)
        return [label for item in items for _, label in item.links]
    assert labels() == [""]
    path = write_issue(root, 2, date(2014, 1, 24), {"Nova": ["three live migration  \n[the spec](http://e.org/3)"]},
                       folder="_posts/技术")
    os.utime(path, ns=(1, 1))
    writer = Store(tmp_path / "digest.db")  # the store's own file, through another connection
    ingest(writer, root)
    writer.close()
    assert labels() == ["the spec"]
