"""Running an ingest: the archive's files into the store, each publication queued on the
outbox, whichever command runs it (`ingest`, `publish`, `run`'s scans, `ask`'s first fill).
"""
from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from archive.model import ParsedIssue
from archive.permalink import permalink
from archive.store import IngestSummary, Store, StoreError
from bot.clock import clock_from_env
from bot.config import Config
from bot.database import archive_identity
from bot.state import BotState


def today() -> date:
    return clock_from_env().today()


def make_parser(config: Config):
    from archive.parse import Parser

    return Parser(config.archive)


def make_outbox(store: Store, clock=None, state: BotState | None = None):
    """The outbox on `store`'s database; its DMs go to the subscribers in `state` (default: the
    bot's state in that database)."""
    from bot.outbox import Outbox

    extra = {"clock": clock} if clock else {}
    state = state if state is not None else BotState.of(store)
    return Outbox(store.db, issue_projects=store.issue_project_names, subscribers=state.subscribers, **extra)


def ensure_ingested(store: Store, config: Config) -> None:
    """A store that has never ingested anything, or was built from another archive, gets the
    configured archive first."""
    built_from = store.archive_root
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
    built_from = store.archive_root
    afresh = built_from is not None and archive_identity(Path(built_from)) != archive_identity(root)
    if afresh:  # a database belongs to one archive: this one's back catalogue is seeded, not announced
        store.forget_archive()
        BotState.of(store).forget_pages()  # `more` continued answers about the other archive
        on_change = None
    elif on_change is None:  # every ingest queues announcements, whichever command runs it
        on_change = make_outbox(store).on_change
    with store.ingesting(
        root, parser or make_parser(config), today=when or today(), progress=progress, permalink=permalinks(config)
    ) as summary:
        if on_change and summary.changes:  # the outbox rows commit with the ingest, or neither does
            on_change(store.db, summary.changes)
    store.set_archive_root(str(root))
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
