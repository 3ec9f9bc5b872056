"""Choosing the database: which file (`--db`, $DIGEST_BOT_DB, the config, or a per-user
default per archive) and whether this user may read or write it, before anything opens it.
"""
from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import platformdirs

from archive.store import StoreError
from bot.config import EXAMPLE_ARCHIVE, Config

DB_ENV = "DIGEST_BOT_DB"
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
