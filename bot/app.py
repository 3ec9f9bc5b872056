"""The composition root: the one place that builds the store, parser, core, outbox, live
clients and destinations, and runs them in one asyncio loop.

`run`, `publish` and `status` are what `digest-bot run|publish|status` call.

Destination names (the outbox's `destination` column; adapters' `destinations()` must use them):
  webhook:<name>      one per [[webhook]]
  slack:<channel id>  one per slack.channels          slack-dm   subscribers' DMs on Slack
  matrix:<room id>    one per matrix.rooms            matrix-dm  subscribers' DMs on Matrix
  console             the terminal, when neither Slack nor Matrix has credentials
  console-dm          subscribers' messages in that terminal
Which destinations exist is decided from the config alone (`destination_specs`), so
`publish` (no live connections) queues for Slack and Matrix too and the running bot sends.

Slack and Matrix are imported lazily, inside the functions that build them: nothing in the
core imports slack_bolt or nio, and a terminal-only bot never loads them.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from archive.store import IngestSummary, Store
from bot import runtime
from bot.announcer import Announcer
from bot.config import Config, ConfigError, secret
from bot.delivery import Destination
from bot.outbox import DestinationSpec, Outbox, Pending
from bot.reply import Reply
from bot.watcher import Watcher, clock_from_env

log = logging.getLogger("digest_bot.app")

SHUTDOWN_GRACE = 10.0  # seconds a send in flight may take to finish when stopping


# --- what the config says exists ---------------------------------------------------------

def console_mode(config: Config) -> bool:
    """The terminal adapter runs when no chat platform has credentials."""
    return config.terminal_only()


def destination_specs(config: Config, *, console: bool) -> list[DestinationSpec]:
    specs = [DestinationSpec(f"webhook:{w.name}", backlog=w.backlog) for w in config.webhooks]
    if config.slack:
        specs += [DestinationSpec(f"slack:{c}", target=c, backlog=config.slack.backlog) for c in config.slack.channels]
        specs.append(DestinationSpec("slack-dm", is_dm=True))
    if config.matrix:
        specs += [DestinationSpec(f"matrix:{r}", target=r, backlog=config.matrix.backlog) for r in config.matrix.rooms]
        specs.append(DestinationSpec("matrix-dm", is_dm=True))
    if console and config.announce.console:
        specs.append(DestinationSpec("console"))
    if console:  # subscriptions made in the terminal are printed there
        specs.append(DestinationSpec("console-dm", is_dm=True))
    return specs


def missing_secrets(config: Config, *, live: bool) -> tuple[list[str], list[str]]:
    """(errors, notes) about environment variables, from the config alone, before any network
    call: a required variable that is unset is an error naming it; a platform left off for want
    of its credentials is a note. `live`: `run` (connections), not `publish` (webhooks only)."""
    errors = [f"webhook[{n}] ({w.name!r}): environment variable {w.url_env} (its URL) is not set;"
              " set it, or remove the [[webhook]]"
              for n, w in enumerate(config.webhooks) if not secret(w.url_env)]
    notes = []
    s = config.slack
    if live and s is not None:
        if not s.configured():
            notes.append(f"slack: {s.bot_token_env} is not set, so Slack is off")
        elif s.mode == "socket" and not secret(s.app_token_env):
            errors.append(f"slack: environment variable {s.app_token_env} (the app-level token, xapp-…) is not set;"
                          " it is required in socket mode")
        elif s.mode == "http" and not secret(s.signing_secret_env):
            errors.append(f"slack: environment variable {s.signing_secret_env} (the app's signing secret) is not"
                          " set; it is required in http mode")
    m = config.matrix
    if live and m is not None and not m.configured():
        notes.append(f"matrix: neither {m.access_token_env} nor {m.password_env} is set, so Matrix is off")
    return errors, notes


# --- the platform-free part --------------------------------------------------------------

class Bot:
    """Store + parser + core + outbox, and the scan that ties the archive to the outbox."""

    def __init__(self, config: Config, db_path: Path, *, clock=None, archive: Path | None = None):
        self.config = config
        self.clock = clock or clock_from_env(os.environ.get(runtime.TODAY_ENV))
        self.root = Path(archive).resolve() if archive else config.archive.path
        self.store = Store(db_path)
        self.parser = runtime.make_parser(config)
        self.core = runtime.make_core(self.store, config)
        self.outbox = runtime.make_outbox(self.store, clock=self.clock.now)
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
        summary = runtime.ingest(
            self.store, self.config, self.root, parser=self.parser,
            on_change=self.outbox.on_change, when=self.clock.today(),
        )
        self.last_summary = summary
        self.last_scan_at = time.time()
        for s in summary.skipped:  # only files that changed since the last scan: no repeats
            log.warning("not indexed: %s: %s", s.path, s.reason)
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
        d = pending.delivery
        if d.kind == "dm":
            return self.core.subscription_digest(d.issue, pending.project or "")
        return self.core.announcement(d.issue)

    def close(self) -> None:
        self.store.close()


# --- live destinations and platform adapters ---------------------------------------------

def webhook_destinations(config: Config) -> list[Destination]:
    from adapters.webhook import WebhookDestination

    return [WebhookDestination.from_config(w) for w in config.webhooks]


class _Platform:
    """What app.py needs from a chat platform adapter (Slack, Matrix)."""

    def __init__(self, name: str, adapter: Any):
        self.name = name
        self.adapter = adapter

    async def start(self) -> None:
        await _maybe_await(self.adapter.start())

    async def stop(self) -> None:
        await _maybe_await(self.adapter.stop())

    def destinations(self) -> list[Destination]:
        return list(self.adapter.destinations())

    def forever(self) -> Awaitable | None:
        run_forever = getattr(self.adapter, "run_forever", None)
        return run_forever() if run_forever else None


async def _maybe_await(x):
    if asyncio.iscoroutine(x) or isinstance(x, asyncio.Future):
        return await x
    return x


def build_platforms(config: Config, bot: Bot, db_path: Path) -> list[_Platform]:
    """The chat platforms that have credentials. Builders of the Slack / Matrix adapters:
    construct yours in its branch below (lazy imports only)."""
    platforms: list[_Platform] = []
    if config.slack and config.slack.configured():
        # --- Slack ---------------------------------------------------------------------
        from adapters.slack import SeenEvents, SlackAdapter  # lazy: slack_bolt only when configured

        seen = SeenEvents(bot.store.db.conn)  # the adapter's port on the store: handled event ids
        platforms.append(_Platform("slack", SlackAdapter.from_config(config.slack, bot.core, seen)))
    if config.matrix and config.matrix.configured():
        # --- Matrix --------------------------------------------------------------------
        from adapters.matrix import MatrixAdapter, make_client  # lazy: nio only when configured

        client = make_client(config.matrix, db_path.parent / "matrix-store")  # e2e crypto store
        platforms.append(_Platform("matrix", MatrixAdapter(client, bot.core, bot.store, config.matrix)))
    return platforms


# --- run ---------------------------------------------------------------------------------

def _setup_logging(config: Config, console: bool) -> None:
    from bot import logs  # one line per event, text or JSON, secrets removed

    logs.setup(config, default_level="WARNING" if console and sys.stdin.isatty() else "INFO")


def _preflight(config: Config, *, live: bool) -> bool:
    """Say what the environment lacks, before any network call. False: do not start."""
    errors, notes = missing_secrets(config, live=live)
    for line in notes + errors:
        print(f"digest-bot: {line}", file=sys.stderr)
    return not errors


def run(config: Config, db_path: Path) -> int:
    """`digest-bot run`: everything the config names, until SIGINT/SIGTERM (or `quit`)."""
    if not _preflight(config, live=True):
        return 2
    _setup_logging(config, console_mode(config))
    try:
        return asyncio.run(run_async(config, db_path))
    except ConfigError as e:
        print(f"digest-bot: {e}", file=sys.stderr)
        return 2
    except StartError as e:
        print(f"digest-bot: {e}", file=sys.stderr)
        return 1


class StartError(Exception):
    """A platform could not be reached at start (the message names it and the address)."""


def _banner(bot: Bot, live: list[Destination], console: bool) -> str:
    where = ", ".join("this terminal" if d.name == "console" else d.name for d in live
                      if not d.name.endswith("-dm")) or "nowhere (no destination configured)"
    quit_how = "type `quit` or press Ctrl-C to stop" if console else "Ctrl-C or SIGTERM stops it"
    n = len(bot.visible())
    found = f"{n} issue{'s' if n != 1 else ''}" if bot.root.is_dir() else "not there yet"
    return (f"digest-bot: watching {bot.root} ({found}); new issues are announced to"
            f" {where}; {quit_how}.")


async def run_async(config: Config, db_path: Path, *, clock=None, stop: asyncio.Event | None = None,
                    console_io: tuple[Any, Any] | None = None, ready: Callable[["Running"], None] | None = None) -> int:
    """The bot in the current loop. Tests pass `stop` (set it to end), a `clock`, and get the
    running pieces through `ready`."""
    loop = asyncio.get_running_loop()
    stop = stop or asyncio.Event()
    installed = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
            installed.append(sig)
        except (NotImplementedError, RuntimeError, ValueError):
            pass  # not the main thread (tests): the caller's `stop` ends us
    bot = Bot(config, db_path, clock=clock)
    metrics = http_server = None
    if config.http.enabled:  # [http]: /healthz and /metrics
        from bot.metrics import Metrics

        metrics = Metrics(bot)
    live: list[Destination] = webhook_destinations(config)
    platforms = build_platforms(config, bot, db_path)
    console = None
    if not platforms:
        from adapters.console import ConsoleAdapter

        inp, out = console_io or (None, None)
        console = ConsoleAdapter(bot.core, inp=inp, out=out, on_quit=stop.set)
        live += [d for d in console.destinations() if config.announce.console or d.name == "console-dm"]
    tasks: list[asyncio.Task] = []
    running = None
    try:
        specs = destination_specs(config, console=console is not None)
        names = {s.name for s in specs}
        bot.outbox.retire_missing(names | {d.name for d in live})
        retried = bot.outbox.retry_failing()  # a restart gives failed-for-good rows one more try
        if retried:
            log.info("%d failed deliveries queued again", retried)
        announcer = Announcer(
            bot.outbox, live, bot.render,
            retry_min=config.announce.retry_min_seconds, retry_max=config.announce.retry_max_seconds,
            clock=bot.clock.now, **({"on_result": metrics.on_result} if metrics else {}),
        )
        bot.on_scanned = announcer.notify
        bot.introduce(specs + [DestinationSpec(d.name, target=getattr(d, "target", ""))
                               for d in live if d.name not in names])
        # The full scan at start, before the chat platforms connect: a first ingest of a big
        # archive takes seconds, and must not hold up their 3-second acknowledgements.
        try:
            bot.scan()
        except Exception as e:  # e.g. the archive is not cloned yet: the watcher keeps trying
            if bot.root.is_dir():  # (a missing archive is the watcher's to report, once)
                log.error("first scan of %s failed: %s", bot.root, e)
        for p in platforms:
            try:
                await p.start()
            except (OSError, TimeoutError) as e:  # aiohttp's connection errors are OSErrors
                raise StartError(f"{p.name}: cannot start ({type(e).__name__}: {e})") from None
            for d in p.destinations():
                live.append(d)
                announcer.add(d)
                if d.name not in names:
                    log.warning("destination %s is not named by the config's conventions", d.name)
                    bot.introduce([DestinationSpec(d.name, target=getattr(d, "target", ""))])
        watcher = Watcher(bot.root, bot.scan, config.watch)
        if bot.last_summary is None:
            watcher.trigger()
        running = Running(bot, announcer, watcher, live, stop)
        if metrics is not None:
            from bot.http_server import HttpServer

            http_server = running.http = await HttpServer(config.http, running, metrics).start()
        tasks.append(asyncio.create_task(watcher.run(), name="watcher"))
        tasks.append(asyncio.create_task(announcer.run(), name="announcer"))
        if console is not None:
            tasks.append(asyncio.create_task(console.run(), name="console"))
        for p in platforms:
            f = p.forever()
            if f is not None:
                tasks.append(asyncio.create_task(f, name=f"{p.name}:forever"))
        if ready:
            ready(running)
        log.info("running: %d destination(s): %s", len(live), ", ".join(d.name for d in live) or "none")
        from bot import logs, systemd

        if logs.json_format():  # a collector reads JSON lines only: the banner is a record then
            log.info("%s", _banner(bot, live, console is not None))
        else:
            print(_banner(bot, live, console is not None), file=sys.stderr, flush=True)
        # Type=notify and WatchdogSec= (docs/deploy.md); a no-op elsewhere
        tasks.append(asyncio.create_task(systemd.ready_and_watchdog(f"running: {len(live)} destination(s)"),
                                         name="systemd"))
        failed = False
        stopper = asyncio.create_task(stop.wait())
        while not stop.is_set():
            done, _ = await asyncio.wait([stopper, *tasks], return_when=asyncio.FIRST_COMPLETED)
            for t in done:
                if t is stopper:
                    continue
                tasks.remove(t)
                if t.cancelled():
                    continue
                if t.exception() is not None:
                    log.error("%s stopped: %r; shutting down", t.get_name(), t.exception())
                    failed = True
                    stop.set()
        log.info("stopping")
        return 1 if failed else 0
    finally:
        if http_server is not None:
            await http_server.stop()
        if running is not None:
            running.watcher.stop()
            await running.announcer.stop(SHUTDOWN_GRACE)
        for p in platforms:
            try:
                await p.stop()
            except Exception:
                log.exception("stopping %s", p.name)
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for d in live:
            close = getattr(d, "close", None)
            if close:
                await _maybe_await(close())
        for sig in installed:
            loop.remove_signal_handler(sig)
        bot.close()


class Running:
    """The live pieces of a running bot (for tests and diagnostics)."""

    def __init__(self, bot: Bot, announcer: Announcer, watcher: Watcher, destinations: list, stop: asyncio.Event):
        self.bot = bot
        self.announcer = announcer
        self.watcher = watcher
        self.destinations = destinations
        self.stop = stop
        self.http = None  # the [http] server, when enabled


# --- publish -----------------------------------------------------------------------------

def publish(config: Config, db_path: Path, archive: Path | None) -> int:
    """`digest-bot publish [PATH]`: ingest now, queue announcements, deliver what needs no
    long-lived connection (webhooks), exit. The running bot sends the rest."""
    if not _preflight(config, live=False):
        return 2
    _setup_logging(config, console=False)
    return asyncio.run(publish_async(config, db_path, archive))


async def publish_async(config: Config, db_path: Path, archive: Path | None, *, clock=None,
                        out=None) -> int:
    out = out or sys.stdout
    bot = Bot(config, db_path, clock=clock, archive=archive)
    try:
        first = not bot.outbox.known_destinations(include_retired=True)
        specs = destination_specs(config, console=False)
        bot.introduce(specs)
        summary = bot.scan()
        published = [c for c in summary.changes if c.kind == "published"]
        corrected = [c for c in summary.changes if c.kind == "corrected"]
        if first and specs:
            print(f"First run: {len(bot.visible())} existing issue(s) marked as already announced.", file=out)
        for c in published:
            print(f"published: issue {c.number} ({c.key})", file=out)
        for c in corrected:
            print(f"corrected: issue {c.number} ({c.key})", file=out)
        bad = [s for s in summary.skipped if s.is_digest]
        for s in bad:
            print(f"not indexed: {s.path}: {s.reason}", file=sys.stderr)
        hooks = webhook_destinations(config)
        if hooks:
            announcer = Announcer(
                bot.outbox, hooks, bot.render,
                retry_min=config.announce.retry_min_seconds, retry_max=config.announce.retry_max_seconds,
                clock=bot.clock.now,
            )
            try:
                sent = await announcer.drain()
            finally:
                for h in hooks:
                    await h.close()
            for name, n in sent.items():
                if n:
                    print(f"{name}: {n} delivered", file=out)
        left = [s for s in bot.outbox.status() if not s.retired and s.pending]
        for s in left:
            why = f" (last error: {s.last_error})" if s.last_error else ""
            print(f"{s.name}: {s.pending} pending{why}", file=out)
        return 0
    finally:
        bot.close()


# --- status ------------------------------------------------------------------------------

def status(config: Config, db_path: Path, as_json: bool, *, readonly: bool = False) -> int:
    """`digest-bot status [--json]`: per destination, delivered / pending / failing."""
    store = Store(db_path, readonly=readonly)
    try:
        # a read-only database that no `run` or `publish` has used has no outbox to read
        rows = Outbox(store.db).status() if not readonly or "outbox" in store.db.table_names() else []
    finally:
        store.close()
    configured = {s.name for s in destination_specs(config, console=console_mode(config))}
    if as_json:
        print(json.dumps({"destinations": [dict(r.to_json(), configured=r.name in configured) for r in rows]},
                         ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print("No destinations yet: `digest-bot run` or `digest-bot publish` introduces them.")
        return 0
    width = max(len(r.name) for r in rows)
    print(f"{'destination':<{width}}  {'delivered':>9}  {'pending':>7}  {'failing':>7}  last error")
    now = time.time()
    for r in rows:
        note = [f"{r.retrying} retrying"] if r.retrying else []
        if r.last_error:
            note.append(r.last_error)
        if r.pending and r.next_attempt_at and r.next_attempt_at > now:
            note.append(f"next attempt {datetime.fromtimestamp(r.next_attempt_at).strftime('%H:%M:%S')}")
        if r.retired:
            note.append("retired: no longer configured")
        print(f"{r.name:<{width}}  {r.delivered:>9}  {r.pending:>7}  {r.failing:>7}  {'; '.join(note)}")
    return 0
