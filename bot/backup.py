"""`digest-bot backup PATH`: a consistent copy of the live database, while the bot runs.

SQLite's online backup API copies the database as of one read transaction; in WAL mode that
blocks no writer, and commits made meanwhile are simply not in the copy. The copy is written
next to PATH and renamed into place, so PATH is never a half-written file, and it is turned
into a single self-contained file (rollback journal, no -wal beside it) and checked.
"""
from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class BackupResult:
    path: Path
    bytes: int
    issues: int
    seconds: float


def target_path(path: Path, now: float | None = None) -> Path:
    """A directory gets a timestamped file inside it (for a cron job keeping several)."""
    if path.is_dir():
        return path / time.strftime("digest-%Y%m%d-%H%M%S.db", time.localtime(now))
    return path


def backup(db: Path, dest: Path) -> BackupResult:
    if not Path(db).is_file():
        raise FileNotFoundError(f"no database at {db}")
    dest = target_path(Path(dest))
    if dest.resolve() == Path(db).resolve():
        raise ValueError(f"{dest} is the database itself; back it up somewhere else")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    t0 = time.monotonic()
    src = sqlite3.connect(f"file:{Path(db).resolve()}?mode=ro", uri=True, timeout=30)
    try:
        out = sqlite3.connect(tmp)
        try:
            src.backup(out)  # all pages in one step: one consistent snapshot
            out.execute("PRAGMA journal_mode=DELETE")
            check = out.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise sqlite3.DatabaseError(f"the copy failed its check: {check}")
            try:
                issues = out.execute("SELECT count(*) FROM issues WHERE visible = 1").fetchone()[0]
            except sqlite3.OperationalError:  # a database that has never ingested anything
                issues = 0
        finally:
            out.close()
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        src.close()
    os.replace(tmp, dest)
    return BackupResult(dest, dest.stat().st_size, issues, time.monotonic() - t0)
