"""The bot's state (bot/state.py): subscriptions with their language, paging, key-values and
answered events, in tables of its own beside the archive's; and a database of the previous
layout (schema 7: one `kv` for the archive and the bot, Slack's own seen-events table) keeps
all of it when the new code opens it."""
from __future__ import annotations

import time

import pytest

from archive.store import SCHEMA_VERSION, Store, StoreError
from bot.config import Config
from bot.core import Core
from bot.ingest import ingest, make_outbox
from bot.outbox import DestinationSpec
from bot.reply import Context
from bot.state import PRUNE_EVERY, BotState, Page
from tests.conftest import EXAMPLES, TODAY

ALICE = Context(platform="slack", user="U0ALICE", where="D0ALICE", is_dm=True)
BOT_ID = "@digest:example.org"


@pytest.fixture
def state(store) -> BotState:
    return BotState.of(store)


def test_the_language_of_the_latest_subscribe_is_the_users(state):
    assert state.language_of("slack", "U0ALICE") is None
    assert state.subscribe("slack", "U0ALICE", "Heat", lang="en")
    assert state.language_of("slack", "U0ALICE") == "en"
    assert state.subscribe("slack", "U0ALICE", "Nova", lang="zh")
    assert state.language_of("slack", "U0ALICE") == "zh"
    assert not state.subscribe("slack", "U0ALICE", "Heat", lang="en")  # again: no new subscription...
    assert state.language_of("slack", "U0ALICE") == "en"  # ...but the latest language
    assert state.subscribe("slack", "U0ALICE", "Cinder")  # a caller that does not know keeps it
    assert state.language_of("slack", "U0ALICE") == "en"
    assert state.language_of("matrix", "U0ALICE") is None  # per platform
    assert state.subscriptions_of("slack", "U0ALICE") == ["Cinder", "Heat", "Nova"]
    assert state.unsubscribe("slack", "U0ALICE", None) == 3
    assert state.language_of("slack", "U0ALICE") is None


def test_a_subscribe_records_the_language_it_was_asked_in(example_store):
    core = Core(example_store, Config())
    assert "订阅" in core.handle("订阅 heat", ALICE).title
    assert core.state.language_of("slack", "U0ALICE") == "zh"
    assert "subscribed" in core.handle("subscribe nova", ALICE).title
    assert core.state.language_of("slack", "U0ALICE") == "en"
    assert core.state.subscribers("Heat") == [("slack", "U0ALICE")]


def test_key_values_are_the_bots_and_the_archive_keeps_its_own(store, state, config):
    ingest(store, config, EXAMPLES, when=TODAY)
    state.kv_set(f"matrix:{BOT_ID}:next_batch", "s1_2")
    state.kv_set(f"matrix:{BOT_ID}:next_batch", "s1_3")
    assert state.kv_get(f"matrix:{BOT_ID}:next_batch") == "s1_3"
    assert state.kv_get("archive_root") is None and state.kv_get("schema_version") is None  # not the bot's
    assert store.archive_root == str(EXAMPLES)
    assert not hasattr(store, "kv_get") and not hasattr(store, "subscribe")


def test_answered_events_are_claimed_once_per_platform_and_expire(state):
    slack = state.seen_events("slack", keep_seconds=60)
    assert slack.claim("Ev1") and not slack.claim("Ev1")
    assert slack.claim(None) and slack.claim("")  # no id: always answered
    assert state.seen_events("matrix").claim("Ev1")  # another platform's ids are its own
    assert not state.seen_events("slack").claim("Ev1")  # a new instance (a restart) still knows it
    state.conn.execute("UPDATE seen_events SET seen_at = seen_at - 120 WHERE platform = 'slack'")
    assert slack.prune() == 1
    assert slack.claim("Ev1")
    for n in range(PRUNE_EVERY):  # claims prune now and then by themselves
        state.conn.execute("UPDATE seen_events SET seen_at = seen_at - 120 WHERE platform = 'slack'")
        slack.claim(f"Ev-{n}")
    assert state.conn.execute("SELECT count(*) FROM seen_events WHERE platform = 'slack'").fetchone()[0] < PRUNE_EVERY


# --- a database of schema 7, as the previous digest-bot left it -------------------------

# The old code's SQL for the tables that changed (archive/store.py and adapters/slack/seen.py
# before bot/state.py). The archive's own tables did not change; they are made by ingesting.
SCHEMA_7 = """
    CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT);
    CREATE TABLE subscriptions (
        platform TEXT NOT NULL, user TEXT NOT NULL, project TEXT NOT NULL,
        PRIMARY KEY (platform, user, project));
    CREATE TABLE conversations (
        conversation TEXT PRIMARY KEY, command TEXT NOT NULL, offset INTEGER NOT NULL);
    CREATE TABLE slack_seen_events (event_id TEXT PRIMARY KEY, seen_at REAL NOT NULL);
"""
MATRIX_KEYS = {
    f"matrix:{BOT_ID}:next_batch": "s72594_4483_1934",
    f"matrix:{BOT_ID}:invites": '{"!new:example.org": ["@alice:example.org", true]}',
    f"matrix:{BOT_ID}:direct_rooms": '["!dm:example.org"]',
    f"matrix:{BOT_ID}:dm:@alice:example.org": "!dm:example.org",
}


def schema_7_database(path, config) -> tuple[int, int]:
    """A database in the layout of schema 7 with an ingested archive, subscriptions, paging,
    Matrix state, a Slack event id and what was announced; (announced issues, outbox rows)."""
    store = Store(path)
    ingest(store, config, EXAMPLES, when=TODAY)
    make_outbox(store).introduce([DestinationSpec("slack:C0NEWS", target="C0NEWS")], store.visible_issues())
    c = store.conn
    meta = dict(c.execute("SELECT key, value FROM archive_meta"))
    assert meta["schema_version"] == SCHEMA_VERSION == "10"  # the archive's layout just after
    meta["schema_version"] = "7"
    for table in ("archive_meta", "kv", "subscriptions", "conversations", "seen_events"):
        c.execute(f"DROP TABLE {table}")
    c.executescript(SCHEMA_7)
    c.executemany("INSERT INTO kv (key, value) VALUES (?, ?)", [*meta.items(), *MATRIX_KEYS.items()])
    c.executemany("INSERT INTO subscriptions (platform, user, project) VALUES (?,?,?)",
                  [("slack", "U0ALICE", "Heat"), ("matrix", "@bob:example.org", "Nova")])
    c.execute("INSERT INTO conversations VALUES ('console:terminal:ann', 'cinder', 10)")
    c.execute("INSERT INTO slack_seen_events VALUES ('Ev0OLD', ?)", (time.time(),))
    counts = (c.execute("SELECT count(*) FROM announced_keys").fetchone()[0],
              c.execute("SELECT count(*) FROM outbox").fetchone()[0])
    store.close()
    return counts


def test_a_schema_7_database_keeps_everything_when_opened_by_this_version(tmp_path, config):
    db = tmp_path / "old.db"
    announced, queued = schema_7_database(db, config)
    assert announced and queued
    store = Store(db)
    state = BotState.of(store)
    assert state.subscriptions_of("slack", "U0ALICE") == ["Heat"]
    assert state.subscribers("Nova") == [("matrix", "@bob:example.org")]
    assert state.language_of("slack", "U0ALICE") is None  # not recorded then
    assert state.last_page("console:terminal:ann") == Page("cinder", 10)  # `more` continues it
    state.remember_page("console:terminal:bob", "jobs", 0, 6, "items")  # the columns added in place
    assert state.last_page("console:terminal:bob") == Page("jobs", 0, 6, "items")
    assert {k: state.kv_get(k) for k in MATRIX_KEYS} == MATRIX_KEYS
    assert not state.seen_events("slack").claim("Ev0OLD")  # still answered once
    assert store.archive_root is None  # schema 8 indexes the archive anew (items_scoped) ...
    again = ingest(store, config, EXAMPLES, when=TODAY)
    assert again.parsed and again.changes == []  # ... and nothing is announced again
    assert store.archive_root == str(EXAMPLES)
    assert store.conn.execute("SELECT count(*) FROM outbox").fetchone()[0] == queued
    # the archive's keys left the bot's table; the old Slack table is gone
    tables = set(store.db.table_names())
    assert "slack_seen_events" not in tables and {"archive_meta", "kv", "seen_events"} <= tables
    assert {k for (k,) in store.conn.execute("SELECT key FROM kv")} == set(MATRIX_KEYS)
    state.subscribe("slack", "U0ALICE", "Nova", lang="zh")
    assert state.language_of("slack", "U0ALICE") == "zh"
    store.close()
    reopened = Store(db)  # and once migrated, it opens as it is
    assert BotState.of(reopened).subscriptions_of("slack", "U0ALICE") == ["Heat", "Nova"]
    assert ingest(reopened, config, EXAMPLES, when=TODAY).parsed == 0
    reopened.close()


def test_a_schema_7_database_opened_read_only_is_refused_and_not_changed(tmp_path, config):
    db = tmp_path / "old.db"
    schema_7_database(db, config)
    before = db.read_bytes()
    with pytest.raises(StoreError, match="rebuilt"):  # its archive needs indexing anew, which writes
        Store(db, readonly=True)
    assert db.read_bytes() == before
