"""`digest-bot backup PATH` on a live database: another connection keeps writing (and holds
its write lock) while the real command runs; the copy must open, pass its check and hold
everything committed before the backup began."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

from archive.store import Store
from bot.config import Config
from bot.ingest import ingest

BIN = Path(sys.executable).with_name("digest-bot")


def live_db(tmp_path: Path) -> Path:
    db = tmp_path / "live.db"
    store = Store(db)
    ingest(store, Config())  # the example archive
    store.close()
    return db


class Writer(threading.Thread):
    """Commits row after row, each transaction held open a moment, until stopped."""

    def __init__(self, db: Path):
        super().__init__(daemon=True)
        self.conn = sqlite3.connect(db, isolation_level=None, check_same_thread=False, timeout=10)
        self.conn.execute("CREATE TABLE IF NOT EXISTS busy (n INTEGER)")
        self.committed = 0
        self.halt = threading.Event()
        self.in_tx = threading.Event()

    def run(self) -> None:
        while not self.halt.is_set():
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.execute("INSERT INTO busy VALUES (?)", (self.committed,))
            self.in_tx.set()
            self.halt.wait(0.005)  # the lock is held while the backup runs
            self.conn.execute("COMMIT")
            self.committed += 1
        self.conn.close()


def run_backup(db: Path, dest: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN), "--db", str(db), "backup", str(dest)], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "HOME": str(db.parent)})


def test_backup_while_another_connection_writes(tmp_path):
    db = live_db(tmp_path)
    with sqlite3.connect(db) as c:
        issues = c.execute("SELECT count(*) FROM issues WHERE visible = 1").fetchone()[0]
    assert issues > 0
    writer = Writer(db)
    writer.start()
    try:
        assert writer.in_tx.wait(10)
        before = writer.committed
        r = run_backup(db, tmp_path / "copy.db")
        after = writer.committed
    finally:
        writer.halt.set()
        writer.join(10)
    assert r.returncode == 0, r.stderr
    assert f"{issues} issues" in r.stdout
    assert after > before, "the writer was not held up by the backup"
    copy = tmp_path / "copy.db"
    assert not (tmp_path / "copy.db-wal").exists()
    with sqlite3.connect(f"file:{copy}?mode=ro", uri=True) as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert c.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert c.execute("SELECT count(*) FROM issues WHERE visible = 1").fetchone()[0] == issues
        rows = c.execute("SELECT count(*) FROM busy").fetchone()[0]
    assert before <= rows <= after + 1
    # and the copy is a database the bot can use
    store = Store(copy)
    try:
        assert store.latest_issue() is not None
    finally:
        store.close()
    assert not list(tmp_path.glob(".copy.db.*"))  # no temporary file left behind


def test_backup_into_a_directory_and_of_a_missing_database(tmp_path):
    db = live_db(tmp_path)
    (tmp_path / "backups").mkdir()
    r = run_backup(db, tmp_path / "backups")
    assert r.returncode == 0, r.stderr
    made = list((tmp_path / "backups").glob("digest-*.db"))
    assert len(made) == 1
    r = run_backup(tmp_path / "nope.db", tmp_path / "x.db")
    assert r.returncode == 1 and "no database at" in r.stderr
    assert not (tmp_path / "x.db").exists()
    size = db.stat().st_size
    r = run_backup(db, db)  # onto the live database itself: refused, untouched
    assert r.returncode == 1 and "is the database itself" in r.stderr and db.stat().st_size == size
