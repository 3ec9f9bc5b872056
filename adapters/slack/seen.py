"""Which Slack events were already handled, persisted in the store's SQLite database.

Slack re-sends an event it believes was not acknowledged in 3 seconds (`X-Slack-Retry-Num`,
or `retry_attempt` in Socket Mode), up to three times within about five minutes; the same
`event_id` also arrives twice when two connections are open. Claiming the id in SQLite
before answering makes a re-send (even after a restart) produce no second answer.
"""
from __future__ import annotations

import sqlite3
import time

TABLE = "slack_seen_events"
KEEP_SECONDS = 3600.0  # Slack's last retry comes ~5 minutes after the first attempt
PRUNE_EVERY = 500  # claims between two deletions of expired ids


class SeenEvents:
    def __init__(self, conn: sqlite3.Connection, *, keep_seconds: float = KEEP_SECONDS):
        self._conn = conn
        self._keep = keep_seconds
        self._claims = 0
        with conn:
            conn.execute(
                f"CREATE TABLE IF NOT EXISTS {TABLE} (event_id TEXT PRIMARY KEY, seen_at REAL NOT NULL)"
            )
        self.prune()

    def claim(self, event_id: str | None) -> bool:
        """True the first time `event_id` is seen (the caller answers), False for a repeat.
        Events without an id are always answered."""
        if not event_id:
            return True
        now = time.time()
        with self._conn:
            cur = self._conn.execute(
                f"INSERT OR IGNORE INTO {TABLE} (event_id, seen_at) VALUES (?, ?)", (event_id, now)
            )
            self._claims += 1
            if self._claims % PRUNE_EVERY == 0:
                self._conn.execute(f"DELETE FROM {TABLE} WHERE seen_at < ?", (now - self._keep,))
        return cur.rowcount == 1

    def prune(self) -> int:
        with self._conn:
            cur = self._conn.execute(f"DELETE FROM {TABLE} WHERE seen_at < ?", (time.time() - self._keep,))
        return cur.rowcount
