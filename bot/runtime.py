"""Building the platform-free parts (store, parser, core) and running an ingest.

`bot.app` (the composition root for live clients) and the CLI both start here, so the
database location and the archive's permalinks are decided in one place.
"""
from __future__ import annotations

import hashlib
import os
import re
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import platformdirs

from archive.model import ParsedIssue
from archive.permalink import permalink
from archive.store import IngestSummary, Store, StoreError
from bot.config import EXAMPLE_ARCHIVE, Config

DB_ENV = "DIGEST_BOT_DB"
TODAY_ENV = "DIGEST_BOT_TODAY"  # tests only: pretend today is this ISO date


DEFAULT_DB = "digest.db"  # in the per-user data directory, for the example archive


def archive_identity(root: Path) -> str:
    """What a database records as the archive it was built from: the site folder (a path to
    its `_posts/` is the same archive)."""
    root = Path(root).resolve()
    return str(root.parent if root.name == "_posts" else root)


def default_db_path(archive: Path) -> Path:
    """The per-user default: `digest.db` for the example archive, a database of its own
    (`digest-<folder>-<hash>.db`) for any other, so answers never come from another archive."""
    base = Path(platformdirs.user_data_dir("digest-bot", appauthor=False))
    ident = archive_identity(archive)
    if ident == archive_identity(EXAMPLE_ARCHIVE):
        return base / DEFAULT_DB
    name = re.sub(r"[^\w.-]+", "-", Path(ident).name).strip("-.")[:40] or "archive"
    return base / f"digest-{name}-{hashlib.sha1(ident.encode()).hexdigest()[:8]}.db"


def resolve_db(config: Config, override: str | None = None, archive: Path | None = None) -> tuple[Path, str | None]:
    """The database and where that choice came from (None: the per-user default for the
    archive): `--db`, else $DIGEST_BOT_DB, else the config's `db`, else `default_db_path`."""
    if override is not None:
        if not str(override).strip():
            raise StoreError('--db "": an empty path (give a file, e.g. --db digest.db)')
        return Path(override).expanduser(), "--db"
    if os.environ.get(DB_ENV):
        return Path(os.environ[DB_ENV]).expanduser(), f"${DB_ENV}"
    if config.db:
        return config.db, f"{config.source or 'the config'}: db"
    return default_db_path(Path(archive) if archive else config.archive.path), None


def _writable(path: Path) -> bool:
    """Writable by this user; for root (who may write anything) only when some write bit is
    set: a file or folder made read-only with chmod is not written, as `rm` asks before."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return os.access(path, os.W_OK) and (os.geteuid() != 0 or bool(mode & 0o222))


def db_access(path: Path, origin: str | None, mode: str) -> str:
    """How `path` can be used for `mode` ("write": ingest, run, publish; "read": ask, chat,
    export, which create it to ingest into; "inspect": status, which creates nothing).
    Returns "rw", "ro" or "missing" (inspect only); raises StoreError naming the path."""
    where = f"database {path}" + (f" (from {origin})" if origin else "")
    if path.is_dir():
        raise StoreError(f"{where}: is a folder, not a database file")
    if path.exists():
        if not path.is_file():
            raise StoreError(f"{where}: not a regular file")
        if not os.access(path, os.R_OK):
            raise StoreError(f"{where}: cannot read it (permission denied)")
        side = [Path(f"{path}-wal"), Path(f"{path}-shm")]  # WAL's files, made in the folder
        writable = _writable(path) and (_writable(path.parent) or all(_writable(f) for f in side))
        if writable:
            return "rw"
        if mode == "write":
            raise StoreError(f"{where}: cannot write it (read-only for this user)")
        return "ro"
    if mode == "inspect":
        return "missing"
    parent = path.parent
    if origin is not None:  # the per-user default's folder is ours to make; any other is not
        if not parent.exists():
            raise StoreError(f"{where}: folder {parent} does not exist (create it, or choose another path)")
        if not parent.is_dir():
            raise StoreError(f"{where}: {parent} is not a folder")
    if parent.is_dir() and not _writable(parent):
        raise StoreError(f"{where}: cannot create it: folder {parent} is not writable")
    return "rw"


def today() -> date:
    forced = os.environ.get(TODAY_ENV)
    return date.fromisoformat(forced) if forced else date.today()


def make_parser(config: Config):
    from archive.parse import Parser

    return Parser(config.archive)


def make_outbox(store: Store, clock=None):
    from bot.outbox import Outbox

    extra = {"clock": clock} if clock else {}
    return Outbox(store.db, issue_projects=store.issue_project_names, subscribers=store.subscribers, **extra)


def make_core(store: Store, config: Config):
    from bot.core import Core

    return Core(store, config)


def ensure_ingested(store: Store, config: Config) -> None:
    """A store that has never ingested anything, or was built from another archive, gets the
    configured archive first."""
    built_from = store.kv_get("archive_root")
    if built_from is not None and archive_identity(Path(built_from)) == archive_identity(config.archive.path):
        return
    if store.readonly:
        why = "has no archive in it" if built_from is None else f"was built from {built_from}"
        raise StoreError(f"database {store.path} {why} and is read-only: it cannot be filled from"
                         f" {config.archive.path}")
    ingest(store, config)


def _notice(line: str) -> None:
    print(f"digest-bot: {line}", file=sys.stderr)


def permalinks(config: Config) -> Callable[[ParsedIssue], str | None] | None:
    a = config.archive
    if not a.base_url:
        return None
    return lambda issue: permalink(
        a.permalink, date=issue.date, slug=issue.slug, categories=issue.categories, base_url=a.base_url
    )


def ingest(
    store: Store,
    config: Config,
    root: Path | None = None,
    *,
    parser=None,
    on_change=None,
    progress=None,
    when: date | None = None,
    notice: Callable[[str], None] = _notice,
) -> IngestSummary:
    root = Path(root).resolve() if root else config.archive.path
    if not root.is_dir():
        raise FileNotFoundError(f"archive not found: {root}")
    built_from = store.kv_get("archive_root")
    afresh = built_from is not None and archive_identity(Path(built_from)) != archive_identity(root)
    if afresh:  # a database belongs to one archive: this one's back catalogue is seeded, not announced
        store.forget_archive()
        on_change = None
    elif on_change is None:  # every ingest queues announcements, whichever command runs it
        on_change = make_outbox(store).on_change
    with store.ingesting(
        root, parser or make_parser(config), today=when or today(), progress=progress, permalink=permalinks(config)
    ) as summary:
        if on_change and summary.changes:  # the outbox rows commit with the ingest, or neither does
            on_change(store.db, summary.changes)
    store.kv_set("archive_root", str(root))
    if afresh:
        seeded = _seed_destinations(store)
        notice(f"database {store.path} was built from archive {built_from}; started afresh for {root}"
               f" ({len(seeded)} issues, counted as announced: nothing is announced)")
        summary.changes = []
    return summary


def _seed_destinations(store: Store) -> list[tuple[str, int]]:
    """After a switch of archive: the other archive's deliveries go, and every destination
    counts the new back catalogue as announced (as on a first start, without a backlog)."""
    from bot.outbox import DestinationSpec

    outbox = make_outbox(store)  # creates its tables when this store never had any
    visible = store.visible_issues()
    known = store.conn.execute("SELECT name, target, is_dm FROM outbox_destinations WHERE NOT retired").fetchall()
    store.conn.execute("DELETE FROM outbox")
    outbox.retire_missing(())
    outbox.introduce([DestinationSpec(n, target=t, is_dm=bool(dm)) for n, t, dm in known], visible)
    return visible
