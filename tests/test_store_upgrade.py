"""A database from an older schema: rebuilt from the posts, and nothing announced again or edited."""
from __future__ import annotations

import shutil
from datetime import date

from archive.store import Store
from bot.config import Config
from bot.ingest import ingest
from tests.conftest import EXAMPLES

TODAY = date(2026, 11, 1)


def test_a_new_parser_is_no_correction(tmp_path):
    root = tmp_path / "archive"
    shutil.copytree(EXAMPLES, root)
    config = Config()
    db = tmp_path / "db.sqlite"
    store = Store(db)
    first = ingest(store, config, root, when=TODAY, on_change=lambda db, changes: None)
    assert first.changes
    # as an older digest-bot left it: another schema, hashes of another parser's reading
    store.conn.execute("UPDATE archive_meta SET value = '5' WHERE key = 'schema_version'")
    store.conn.execute("UPDATE announced_keys SET hash = 'from-an-older-parser'")
    store.close()
    store = Store(db)
    again = ingest(store, config, root, when=TODAY, on_change=lambda db, changes: None)
    assert again.parsed == first.parsed and again.changes == []
    (root / "_posts" / "2015-01-06-openstack-activity-1210-0105.md").write_text(
        (root / "_posts" / "2015-01-06-openstack-activity-1210-0105.md").read_text() + "\n### Nova\n一条新消息。\n")
    later = ingest(store, config, root, when=TODAY, on_change=lambda db, changes: None)
    assert [(c.number, c.kind) for c in later.changes] == [(26, "corrected")]  # a real correction still is one


def test_a_schema_8_database_gets_its_links_indexed(tmp_path):
    """Schema 8's indexes had no `links` column: opened by this version, the parsed archive is
    rebuilt, and a word only in a link (a change number of a review URL) finds its item."""
    root = tmp_path / "archive"
    shutil.copytree(EXAMPLES, root)
    db = tmp_path / "db.sqlite"
    store = Store(db)
    ingest(store, Config(), root, when=TODAY, on_change=lambda db, changes: None)
    # as schema 8 left it: both indexes without their links column
    store.conn.executescript(
        "DROP TABLE items_grams; DROP TABLE items_scoped;"
        " CREATE VIRTUAL TABLE items_grams USING fts5(grams, section, content='', tokenize='porter unicode61');"
        " CREATE VIRTUAL TABLE items_scoped USING fts5(tokens, content='', columnsize=0, tokenize='unicode61');"
        " UPDATE archive_meta SET value = '8' WHERE key = 'schema_version';")
    store.close()
    store = Store(db)
    again = ingest(store, Config(), root, when=TODAY, on_change=lambda db, changes: None)
    assert again.changes == []  # nothing announced again
    columns = [r[1] for r in store.conn.execute("PRAGMA table_info(items_grams)")]
    assert "links" in columns
    items, total, _ = store.search(["130904"], limit=5)  # review.openstack.org/#/c/130904/
    assert total == 1 and items[0].section == "Glance"
    store.close()


def test_a_schema_9_database_loses_the_link_words_every_link_has(tmp_path, monkeypatch):
    """Schema 9 indexed every word of a URL (`https`, `www`, `org`): opened by this version, the
    parsed archive is rebuilt, so that `org` finds nothing and a link's own words still find it."""
    from archive import search_index

    root = tmp_path / "archive"
    shutil.copytree(EXAMPLES, root)
    db = tmp_path / "db.sqlite"
    with monkeypatch.context() as m:  # as schema 9 made the links column: all of a URL's words
        m.setattr(search_index, "link_words", lambda links: " ".join(
            " ".join(search_index.ascii_words(url)) for url, _ in links))
        store = Store(db)
        ingest(store, Config(), root, when=TODAY, on_change=lambda db, changes: None)
        assert store.search(["org"], limit=1)[1] > 0
        store.conn.execute("UPDATE archive_meta SET value = '9' WHERE key = 'schema_version'")
        store.close()
    store = Store(db)
    again = ingest(store, Config(), root, when=TODAY, on_change=lambda db, changes: None)
    assert again.changes == []  # nothing announced again
    assert store.search(["org"], limit=1)[1] == 0 and store.search(["https"], limit=1)[1] == 0
    items, total, _ = store.search(["130904"], limit=5)  # review.openstack.org/#/c/130904/
    assert total == 1 and items[0].section == "Glance"
    store.close()
