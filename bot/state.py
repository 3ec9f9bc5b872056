"""The bot's own state, kept in the archive's SQLite file but in tables of its own: who
subscribed to what (and in which language), what `more` continues in each conversation, the
adapters' small key-values (Matrix: next_batch, invites, DM rooms) and which platform events
were already answered. archive/ keeps the parsed archive and its own metadata; it never reads
these tables, and nothing here reads the archive's.

    subscriptions (platform, user, project, lang, at)   conversations (conversation, command, offset, shown, unit)
    kv (key, value)                                     seen_events (platform, event_id, seen_at)

`BotState.of(store)` works on the Store's connection: one connection per process (the outbox
uses it too), so a write here never waits behind the process's own ingest transaction, and what
it reads inside one sees that transaction's rows. On a read-only Store (`mode=ro`/`immutable=1`)
nothing is created or written: paging lives in memory, and a subscribe raises SQLite's
"readonly" error, which the CLI turns into one line naming the file.
"""
from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from archive.store import Store

KEEP_SECONDS = 3600.0  # how long an answered event id is kept (the platform may say otherwise)
PRUNE_EVERY = 500  # claims between two deletions of expired ids

_SCHEMA = """
    CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT);
    CREATE TABLE IF NOT EXISTS subscriptions (
        platform TEXT NOT NULL, user TEXT NOT NULL, project TEXT NOT NULL,
        lang TEXT,  -- the language of the subscribe command ("en", "zh"), NULL before it was recorded
        at REAL,  -- when that subscribe was made (time.time()): the latest one's language is the user's
        PRIMARY KEY (platform, user, project));
    CREATE TABLE IF NOT EXISTS conversations (
        conversation TEXT PRIMARY KEY, command TEXT NOT NULL, offset INTEGER NOT NULL,
        shown INTEGER,  -- the answer had one page, of this many (NULL: `more` shows the next page)
        unit TEXT);  -- what it showed: 'items' or 'issues'
    CREATE TABLE IF NOT EXISTS seen_events (
        platform TEXT NOT NULL, event_id TEXT NOT NULL, seen_at REAL NOT NULL,
        PRIMARY KEY (platform, event_id)) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS seen_events_at ON seen_events (platform, seen_at);
"""


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}


def _up_to_date(conn: sqlite3.Connection) -> tuple[bool, set[str], bool, bool]:
    """(nothing to do, the tables, `subscriptions` is of schema 7, `conversations` keeps no `shown`)"""
    tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    old_subscriptions = "subscriptions" in tables and "lang" not in _columns(conn, "subscriptions")
    old_pages = "conversations" in tables and "shown" not in _columns(conn, "conversations")
    done = ({"kv", "subscriptions", "conversations", "seen_events"} <= tables and not old_subscriptions
            and not old_pages and "slack_seen_events" not in tables)
    return done, tables, old_subscriptions, old_pages


def install(conn: sqlite3.Connection) -> None:
    """Create the tables, or bring those of an older digest-bot (schema 7: `kv` shared with the
    archive, `subscriptions` without a language, Slack's `slack_seen_events`; `conversations`
    without `shown`, before 2026-12) up to date, in one transaction. Nothing kept is lost: the archive's keys leave `kv` in archive.store."""
    if _up_to_date(conn)[0]:
        return  # the common case: nothing to do, and no write lock taken
    outer = conn.in_transaction
    conn.execute("SAVEPOINT bot_state" if outer else "BEGIN IMMEDIATE")
    try:
        _, tables, old_subscriptions, old_pages = _up_to_date(conn)  # again under the lock: another process may have been first
        if old_subscriptions:
            conn.execute("ALTER TABLE subscriptions ADD COLUMN lang TEXT")
            conn.execute("ALTER TABLE subscriptions ADD COLUMN at REAL")
        if old_pages:
            conn.execute("ALTER TABLE conversations ADD COLUMN shown INTEGER")
            conn.execute("ALTER TABLE conversations ADD COLUMN unit TEXT")
        for statement in filter(str.strip, _SCHEMA.split(";")):  # (executescript would COMMIT)
            conn.execute(statement)
        if "slack_seen_events" in tables:  # schema 7 kept Slack's ids in a table of the adapter's
            conn.execute("INSERT OR IGNORE INTO seen_events (platform, event_id, seen_at)"
                         " SELECT 'slack', event_id, seen_at FROM slack_seen_events")
            conn.execute("DROP TABLE slack_seen_events")
    except BaseException:
        conn.execute("ROLLBACK TO bot_state" if outer else "ROLLBACK")
        if outer:
            conn.execute("RELEASE bot_state")
        raise
    conn.execute("RELEASE bot_state" if outer else "COMMIT")


class Page(NamedTuple):
    """What `more` says next in a conversation: the page after `offset` of the line `command`;
    or, when `shown` is set, that the line's answer had a single page showing all its `shown`
    things (`unit`: "items" or "issues"; 0: it found nothing)."""
    command: str
    offset: int
    shown: int | None = None
    unit: str | None = None


class BotState:
    """Subscriptions, paging and key-values (the `KeyValue` port: `kv_get`/`kv_set`)."""

    def __init__(self, conn: sqlite3.Connection, *, readonly: bool = False, path: Path | None = None):
        self.conn = conn
        self.readonly = readonly
        self.path = path  # the database file, for messages
        self._pages: dict[str, Page] = {}  # read-only: `more` state of this process
        if not readonly:
            install(conn)
        # a read-only database of an older digest-bot has no languages to read (and cannot get them)
        self._has_lang = "lang" in _columns(conn, "subscriptions")

    @classmethod
    def of(cls, store: Store) -> BotState:
        """The bot's state in `store`'s database, on its connection (read-only when it is)."""
        return cls(store.conn, readonly=store.readonly, path=store.path)

    # --- key-value (bot.ports.KeyValue) ------------------------------------------------------

    def kv_get(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM kv WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def kv_set(self, key: str, value: str) -> None:
        self.conn.execute(
            "INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    # --- subscriptions -----------------------------------------------------------------------

    def subscribe(self, platform: str, user: str, project: str, lang: str | None = None) -> bool:
        """True when new. A repeated subscribe keeps the subscription and records its language."""
        now = time.time()
        if not self._has_lang:  # read-only, of an older digest-bot: SQLite says it cannot write
            return self.conn.execute("INSERT OR IGNORE INTO subscriptions (platform, user, project) VALUES (?,?,?)",
                                     (platform, user, project)).rowcount == 1
        cur = self.conn.execute(
            "INSERT OR IGNORE INTO subscriptions (platform, user, project, lang, at) VALUES (?,?,?,?,?)",
            (platform, user, project, lang, now),
        )
        if cur.rowcount == 1:
            return True
        if lang is not None:
            self.conn.execute("UPDATE subscriptions SET lang = ?, at = ? WHERE platform = ? AND user = ? AND project = ?",
                              (lang, now, platform, user, project))
        return False

    def unsubscribe(self, platform: str, user: str, project: str | None) -> int:
        """How many subscriptions ended (`project` None: all of the user's)."""
        if project is None:
            cur = self.conn.execute("DELETE FROM subscriptions WHERE platform = ? AND user = ?", (platform, user))
        else:
            cur = self.conn.execute(
                "DELETE FROM subscriptions WHERE platform = ? AND user = ? AND project = ?", (platform, user, project)
            )
        return cur.rowcount

    def subscriptions_of(self, platform: str, user: str) -> list[str]:
        return [p for (p,) in self.conn.execute(
            "SELECT project FROM subscriptions WHERE platform = ? AND user = ? ORDER BY project", (platform, user)
        )]

    def subscribers(self, project: str) -> list[tuple[str, str]]:
        """(platform, user) of everyone subscribed to `project`."""
        return self.conn.execute(
            "SELECT platform, user FROM subscriptions WHERE project = ? ORDER BY platform, user", (project,)
        ).fetchall()

    def language_of(self, platform: str, user: str) -> str | None:
        """The language of the user's latest subscribe that recorded one (None: none did), for
        the messages their subscriptions send."""
        if not self._has_lang:
            return None
        row = self.conn.execute(
            "SELECT lang FROM subscriptions WHERE platform = ? AND user = ? AND lang IS NOT NULL"
            " ORDER BY at DESC, rowid DESC LIMIT 1", (platform, user)).fetchone()
        return row[0] if row else None

    # --- paging: what `more` continues --------------------------------------------------------

    def remember_page(self, conversation: str, command: str, offset: int, shown: int | None = None,
                      unit: str | None = None) -> None:
        """Keep what `more` says next (see `Page`)."""
        if self.readonly:
            self._pages[conversation] = Page(command, offset, shown, unit)
            return
        self.conn.execute(
            "INSERT INTO conversations (conversation, command, offset, shown, unit) VALUES (?,?,?,?,?)"
            " ON CONFLICT(conversation) DO UPDATE SET command = excluded.command, offset = excluded.offset,"
            " shown = excluded.shown, unit = excluded.unit",
            (conversation, command, offset, shown, unit),
        )

    def forget_page(self, conversation: str) -> None:
        if self.readonly:
            self._pages.pop(conversation, None)
            return
        self.conn.execute("DELETE FROM conversations WHERE conversation = ?", (conversation,))

    def last_page(self, conversation: str) -> Page | None:
        if self.readonly:
            return self._pages.get(conversation)
        row = self.conn.execute(
            "SELECT command, offset, shown, unit FROM conversations WHERE conversation = ?", (conversation,)
        ).fetchone()
        return Page(*row) if row else None

    def forget_pages(self) -> None:
        """Every conversation's paging (the database now holds another archive)."""
        self._pages.clear()
        if not self.readonly:
            self.conn.execute("DELETE FROM conversations")

    # --- answered events (bot.ports.SeenEventsPort) -------------------------------------------

    def seen_events(self, platform: str, *, keep_seconds: float = KEEP_SECONDS) -> SeenEvents:
        return SeenEvents(self.conn, platform, keep_seconds=keep_seconds)


class SeenEvents:
    """Which of a platform's events were already handled. Claiming an id in SQLite before
    answering makes a re-send of the event (even after a restart) produce no second answer."""

    def __init__(self, conn: sqlite3.Connection, platform: str, *, keep_seconds: float = KEEP_SECONDS):
        self._conn = conn
        self._platform = platform
        self._keep = keep_seconds
        self._claims = 0
        self.prune()

    def claim(self, event_id: str | None) -> bool:
        """True the first time `event_id` is seen (the caller answers), False for a repeat.
        Events without an id are always answered."""
        if not event_id:
            return True
        now = time.time()
        cur = self._conn.execute("INSERT OR IGNORE INTO seen_events (platform, event_id, seen_at) VALUES (?, ?, ?)",
                                 (self._platform, event_id, now))
        self._claims += 1
        if self._claims % PRUNE_EVERY == 0:
            self._prune(now)
        return cur.rowcount == 1

    def prune(self) -> int:
        """Forget the ids older than `keep_seconds`; how many."""
        return self._prune(time.time())

    def _prune(self, now: float) -> int:
        return self._conn.execute("DELETE FROM seen_events WHERE platform = ? AND seen_at < ?",
                                  (self._platform, now - self._keep)).rowcount
