"""The platform-free bot: store, state, parser, core and outbox, and the scan that ties the archive
to the outbox (each scan ingests what changed, queues what was published, wakes the announcer).
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from archive.store import IngestSummary, Store
from bot.clock import clock_from_env
from bot.config import Config
from bot.core import Core
from bot.ingest import ingest, make_outbox, make_parser
from bot.outbox import DestinationSpec, Pending
from bot.reply import Reply
from bot.state import BotState

log = logging.getLogger("digest_bot.scan")
# what a site holds beside its issues (archive.parse's reasons): pages, guides, notes
_EXPECTED_SKIPS = ("not a digest issue", "headless page", "no title", "empty file")


class Bot:
    """Store + the bot's state + parser + core + outbox, and the scan that ties the archive to
    the outbox."""

    def __init__(self, config: Config, db_path: Path, *, clock=None, archive: Path | None = None):
        self.config = config
        self.clock = clock or clock_from_env()
        self.root = Path(archive).resolve() if archive else config.archive.path
        self.store = Store(db_path)
        self.state = BotState.of(self.store)  # subscriptions, paging, the adapters' key-values
        self.parser = make_parser(config)
        self.core = Core(self.store, config, self.state)
        self.outbox = make_outbox(self.store, clock=self.clock.now, state=self.state)
        self.on_scanned: Callable[[], None] = lambda: None
        self._to_introduce: list[DestinationSpec] = []
        self.last_summary: IngestSummary | None = None
        self.last_scan_at: float | None = None  # time.time() of the last successful scan

    def introduce(self, specs: list[DestinationSpec]) -> None:
        """Introduce destinations (see bot.outbox): now if a scan has succeeded, else after the
        first one that does: the back catalogue must be in the store to be marked announced."""
        if self.last_summary is not None:
            self.outbox.introduce(specs, self.visible())
        else:
            self._to_introduce += specs

    def scan(self) -> IngestSummary:
        summary = ingest(
            self.store, self.config, self.root, parser=self.parser,
            on_change=self.outbox.on_change, when=self.clock.today(),
        )
        self.last_summary = summary
        self.last_scan_at = time.time()
        # only files that changed since the last scan: no repeats. A file that cannot be read or
        # looked like an issue (broken front matter, invalid UTF-8, a number used twice) needs
        # fixing: a warning each; the blog's other posts and pages are expected: one line for all
        # (a blog's first scan skips hundreds)
        others = 0
        for s in summary.skipped:
            if s.is_digest or not s.reason.startswith(_EXPECTED_SKIPS):
                log.warning("not indexed: %s: %s", s.path, s.reason)
            else:
                others += 1
                log.debug("not indexed: %s: %s", s.path, s.reason)
        if others:
            log.info("%d file%s not read as issues (no digest issue: pages, other posts; "
                     "`digest-bot ingest --verbose` names them)", others, "" if others == 1 else "s")
        for ch in summary.changes:
            log.info("issue %s (%s) %s", ch.number, ch.key, ch.kind)
        visible = self.visible()
        if self._to_introduce:
            specs, self._to_introduce = self._to_introduce, []
            self.outbox.introduce(specs, visible)
        self.outbox.reconcile(visible)
        self.on_scanned()
        return summary

    def visible(self) -> list[tuple[str, int]]:
        """(key, number) of the visible issues, newest first."""
        return self.store.visible_issues()

    def render(self, pending: Pending) -> Reply | None:
        """The message of an outbox row, in its destination's language: a channel's or room's
        override, else `language` ("auto": the language the issue is written in); a DM in the
        subscriber's own language (that of their latest `subscribe`) when the state has one."""
        d = pending.delivery
        lang = self.core.destination_language(d.destination)
        if d.kind == "dm":
            platform = d.destination.removesuffix("-dm")
            lang = self.state.language_of(platform, d.target) or lang
            return self.core.subscription_digest(d.issue, pending.project or "", lang=lang)
        return self.core.announcement(d.issue, lang=lang)

    def close(self) -> None:
        self.store.close()
