"""The composition root: the one module of `bot/` that imports `adapters/`. It builds the
store, parser, core and outbox (`bot.scan.Bot`), the live destinations and the chat
platforms (`bot.delivery.Platform`), and runs them in one asyncio loop.

`run_async`, `publish_async` and `status_rows` are what `digest-bot run|publish|status` call
(`bot.cli` prints their results).

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
import logging
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from adapters.console import QUIT_WORDS, local_user  # noqa: F401 (QUIT_WORDS: for `chat`)
from adapters.text import render_text  # noqa: F401 (for `ask` and `chat`)
from archive.store import Store
from bot.announcer import Announcer
from bot.config import Config, secret
from bot.delivery import Destination, Platform
from bot.outbox import DestinationSpec, DestinationStatus, Outbox
from bot.reply import Context
from bot.scan import Bot
from bot.watcher import Watcher

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
    urls = [(n, w, secret(w.url_env)) for n, w in enumerate(config.webhooks)]
    errors = [f"webhook[{n}] ({w.name!r}): environment variable {w.url_env} (its URL) is not set;"
              " set it, or remove the [[webhook]]" for n, w, url in urls if not url]
    errors += [f"webhook[{n}] ({w.name!r}): environment variable {w.url_env} does not hold an http(s) URL"
               for n, w, url in urls  # (what it holds is a secret: not repeated)
               if url and not url.strip().lower().startswith(("http://", "https://"))]
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


# --- live destinations and platform adapters ---------------------------------------------

def webhook_destinations(config: Config) -> list[Destination]:
    from adapters.webhook import WebhookDestination

    return [WebhookDestination.from_config(w) for w in config.webhooks]


def build_platforms(config: Config, bot: Bot, db_path: Path) -> list[Platform]:
    """The chat platforms that have credentials (lazy imports: their libraries load only
    when configured)."""
    platforms: list[Platform] = []
    if config.slack and config.slack.configured():
        from adapters.slack import SlackAdapter, seen

        handled = bot.state.seen_events(seen.PLATFORM, keep_seconds=seen.KEEP_SECONDS)  # its SeenEventsPort
        platforms.append(SlackAdapter.from_config(config.slack, bot.core, handled))
    if config.matrix and config.matrix.configured():
        from adapters.matrix import MatrixAdapter, make_client

        client = make_client(config.matrix, db_path.parent / "matrix-store")  # e2e crypto store
        platforms.append(MatrixAdapter(client, bot.core, bot.state, config.matrix))  # its KeyValue port
    return platforms


def build_console(config: Config, bot: Bot, console_io: tuple[Any, Any] | None,
                  on_quit: Callable[[], None]) -> Platform:
    from adapters.console import ConsoleAdapter

    inp, out = console_io or (None, None)
    return ConsoleAdapter(bot.core, inp=inp, out=out, on_quit=on_quit)


# --- the terminal, for `ask` and `chat` ----------------------------------------------------

def terminal_context(where: str = "terminal"):
    """Who asks in this terminal (the local user), in a DM-like conversation `where`."""
    return Context(platform="console", user=local_user(), where=where, is_dm=True)


# --- run ---------------------------------------------------------------------------------

class StartError(Exception):
    """A platform could not be reached at start (the message names it and the address)."""


def _banner(bot: Bot, live: list[Destination], console: bool) -> str:
    where = ", ".join("this terminal" if d.name == "console" else d.name for d in live
                      if not d.name.endswith("-dm")) or "nowhere (no destination configured)"
    quit_how = "type `quit` or press Ctrl-C to stop" if console else "Ctrl-C or SIGTERM stops it"
    n = len(bot.visible())
    found = f"{n} issue{'s' if n != 1 else ''}" if bot.root.is_dir() else "not there yet"
    summary = bot.last_summary
    if n == 0 and summary is not None and not summary.files:
        from bot.ingest_report import NO_POSTS

        found = NO_POSTS
    return (f"digest-bot: watching {bot.root} ({found}); new issues are announced to"
            f" {where}; {quit_how}.")


async def run_async(config: Config, db_path: Path, *, console_io: tuple[Any, Any] | None = None) -> int:
    """`digest-bot run` in the current loop: start, serve until SIGINT/SIGTERM (or `quit`)."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    installed = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
            installed.append(sig)
        except (NotImplementedError, RuntimeError, ValueError):
            pass  # not the main thread: nothing but `quit` ends us
    try:
        running = await start(config, db_path, stop=stop, console_io=console_io)
        return await running.serve()
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)


class Running:
    """A started bot: its live pieces, the tasks that serve it, and the `stop` event that ends
    them (the [http] health check reads it too). `serve` until stopped, which also shuts down."""

    def __init__(self, bot: Bot, stop: asyncio.Event):
        self.bot = bot
        self.stop = stop
        self.destinations: list[Destination] = []  # live, the webhooks first
        self.platforms: list[Platform] = []
        self.announcer: Announcer | None = None
        self.watcher: Watcher | None = None
        self.http = None  # the [http] server, when enabled
        self.tasks: list[asyncio.Task] = []
        self._closed = False

    async def serve(self) -> int:
        """Until `stop` is set or a task fails (1, after stopping the rest); then shut down."""
        failed = False
        stopper = asyncio.create_task(self.stop.wait())
        try:
            while not self.stop.is_set():
                done, _ = await asyncio.wait([stopper, *self.tasks], return_when=asyncio.FIRST_COMPLETED)
                for t in done:
                    if t is stopper:
                        continue
                    self.tasks.remove(t)
                    if t.cancelled():
                        continue
                    if t.exception() is not None:
                        log.error("%s stopped: %r; shutting down", t.get_name(), t.exception())
                        failed = True
                        self.stop.set()
            log.info("stopping")
            return 1 if failed else 0
        finally:
            stopper.cancel()
            await self.close()

    async def close(self) -> None:
        """Stop everything `start` started, in order: no new scans, sends in flight finish
        (up to SHUTDOWN_GRACE), platforms disconnect, the store closes. Once only."""
        if self._closed:
            return
        self._closed = True
        self.stop.set()
        if self.http is not None:
            await self.http.stop()
        if self.watcher is not None:
            self.watcher.stop()
        if self.announcer is not None:
            await self.announcer.stop(SHUTDOWN_GRACE)
        for p in self.platforms:
            try:
                await p.stop()
            except Exception:
                log.exception("stopping %s", p.name)
        for t in self.tasks:
            t.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        for d in self.destinations:
            await d.close()  # a webhook's connection pool
        self.bot.close()


async def start(config: Config, db_path: Path, *, clock=None, stop: asyncio.Event | None = None,
                console_io: tuple[Any, Any] | None = None) -> Running:
    """Build everything the config names, scan the archive, connect the platforms and start
    the tasks that serve them. Set `running.stop` to end; `await running.serve()` to wait for
    that (it shuts down). Raises StartError when a platform cannot be reached."""
    stop = stop or asyncio.Event()
    bot = Bot(config, db_path, clock=clock)
    running = Running(bot, stop)
    try:
        await _start(running, config, db_path, console_io)
    except BaseException:
        await running.close()
        raise
    return running


async def _start(running: Running, config: Config, db_path: Path, console_io) -> None:
    bot, stop = running.bot, running.stop
    metrics = None
    if config.http.enabled:  # [http]: /healthz and /metrics
        from bot.metrics import Metrics

        metrics = Metrics(bot)
    live = running.destinations
    live += webhook_destinations(config)
    platforms = running.platforms
    platforms += build_platforms(config, bot, db_path)
    console = None
    if not platforms:  # the terminal: its destinations exist before the first scan
        console = build_console(config, bot, console_io, on_quit=stop.set)
        live += [d for d in console.destinations() if config.announce.console or d.name == "console-dm"]
    specs = destination_specs(config, console=console is not None)
    names = {s.name for s in specs}
    bot.outbox.retire_missing(names | {d.name for d in live})
    retried = bot.outbox.retry_failing()  # a restart gives failed-for-good rows one more try
    if retried:
        log.info("%d failed deliveries queued again", retried)
    announcer = running.announcer = Announcer(
        bot.outbox, live, bot.render,
        retry_min=config.announce.retry_min_seconds, retry_max=config.announce.retry_max_seconds,
        clock=bot.clock.now, **({"on_result": metrics.on_result} if metrics else {}),
    )
    bot.on_scanned = announcer.notify
    bot.introduce(specs + [DestinationSpec(d.name, target=d.target)
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
                bot.introduce([DestinationSpec(d.name, target=d.target)])
    watcher = running.watcher = Watcher(bot.root, bot.scan, config.watch)
    if bot.last_summary is None:
        watcher.trigger()
    if metrics is not None:
        from bot.http_server import HttpServer

        running.http = await HttpServer(config.http, running, metrics).start()
    tasks = running.tasks
    tasks.append(watcher_task := asyncio.create_task(watcher.run(), name="watcher"))
    # return once file events are watched: a post written after start() is noticed at once
    ready = asyncio.create_task(watcher.watching.wait())
    await asyncio.wait([ready, watcher_task], return_when=asyncio.FIRST_COMPLETED)
    ready.cancel()
    tasks.append(asyncio.create_task(announcer.run(), name="announcer"))
    if console is not None:
        tasks.append(asyncio.create_task(console.run_forever(), name="console"))
    for p in platforms:
        tasks.append(asyncio.create_task(p.run_forever(), name=f"{p.name}:forever"))
    log.info("running: %d destination(s): %s", len(live), ", ".join(d.name for d in live) or "none")
    from bot import logs, systemd

    if logs.json_format():  # a collector reads JSON lines only: the banner is a record then
        log.info("%s", _banner(bot, live, console is not None))
    else:
        print(_banner(bot, live, console is not None), file=sys.stderr, flush=True)
    # Type=notify and WatchdogSec= (docs/deploy.md); a no-op elsewhere
    tasks.append(asyncio.create_task(systemd.ready_and_watchdog(f"running: {len(live)} destination(s)"),
                                     name="systemd"))


# --- publish -----------------------------------------------------------------------------

@dataclass
class Published:
    """What `digest-bot publish` did (the CLI prints it)."""

    first_run_seeded: int | None = None  # on a first run: how many issues count as announced
    changes: list = field(default_factory=list)  # the ingest's IssueChanges
    not_indexed: list = field(default_factory=list)  # SkippedFiles that look like digests
    delivered: dict[str, int] = field(default_factory=dict)  # webhook name -> deliveries
    pending: list[DestinationStatus] = field(default_factory=list)  # what the running bot sends
    issues: int = 0  # the archive's published issues after the ingest
    root: Path | None = None  # the archive read


async def publish_async(config: Config, db_path: Path, archive: Path | None, *, clock=None) -> Published:
    """Ingest now, queue announcements, deliver what needs no long-lived connection
    (webhooks). The running bot sends the rest."""
    bot = Bot(config, db_path, clock=clock, archive=archive)
    try:
        result = Published()
        first = not bot.outbox.known_destinations(include_retired=True)
        specs = destination_specs(config, console=False)
        bot.introduce(specs)
        summary = bot.scan()
        if first and specs:
            result.first_run_seeded = len(bot.visible())
        result.changes = [c for c in summary.changes if c.kind in ("published", "corrected")]
        result.not_indexed = [s for s in summary.skipped if s.is_digest]
        hooks = webhook_destinations(config)
        if hooks:
            announcer = Announcer(
                bot.outbox, hooks, bot.render,
                retry_min=config.announce.retry_min_seconds, retry_max=config.announce.retry_max_seconds,
                clock=bot.clock.now,
            )
            try:
                result.delivered = await announcer.drain()
            finally:
                for h in hooks:
                    await h.close()
        result.pending = [s for s in bot.outbox.status() if not s.retired and s.pending]
        result.issues, result.root = len(bot.visible()), bot.root
        return result
    finally:
        bot.close()


# --- status ------------------------------------------------------------------------------

def status_rows(config: Config, db_path: Path, *, readonly: bool = False) -> tuple[list[DestinationStatus], set[str]]:
    """`digest-bot status`: the outbox's rows per destination, and the names the config
    configures (others are leftovers)."""
    store = Store(db_path, readonly=readonly)
    try:
        # a read-only database that no `run` or `publish` has used has no outbox to read
        rows = Outbox(store.db).status() if not readonly or "outbox" in store.db.table_names() else []
    finally:
        store.close()
    return rows, {s.name for s in destination_specs(config, console=console_mode(config))}
