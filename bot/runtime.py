"""Building the platform-free parts (store, parser, core) and running an ingest.

`bot.app` (the composition root for live clients) and the CLI both start here, so the
database location and the archive's permalinks are decided in one place.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from pathlib import Path

import platformdirs

from archive.model import ParsedIssue
from archive.permalink import permalink
from archive.store import IngestSummary, Store
from bot.config import Config

DB_ENV = "DIGEST_BOT_DB"
TODAY_ENV = "DIGEST_BOT_TODAY"  # tests only: pretend today is this ISO date


def db_path(config: Config, override: Path | None = None) -> Path:
    """`--db`, else $DIGEST_BOT_DB, else the config's `db`, else a per-user data directory."""
    if override:
        return Path(override)
    if os.environ.get(DB_ENV):
        return Path(os.environ[DB_ENV])
    if config.db:
        return config.db
    return Path(platformdirs.user_data_dir("digest-bot", appauthor=False)) / "digest.db"


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
    """A store that has never ingested anything gets the configured archive first."""
    if store.kv_get("archive_root") is None:
        ingest(store, config)


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
) -> IngestSummary:
    root = Path(root).resolve() if root else config.archive.path
    if on_change is None:  # every ingest queues announcements, whichever command runs it
        on_change = make_outbox(store).on_change
    if not root.is_dir():
        raise FileNotFoundError(f"archive not found: {root}")
    summary = store.ingest(
        root,
        parser or make_parser(config),
        today=when or today(),
        on_change=on_change,
        progress=progress,
        permalink=permalinks(config),
    )
    store.kv_set("archive_root", str(root))
    return summary
