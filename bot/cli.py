"""`digest-bot`: the command line. Parses arguments, loads the config once, and hands over."""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import sys
from pathlib import Path

from bot.config import Config, ConfigError, load

CONFIG_ENV = "DIGEST_BOT_CONFIG"

DESCRIPTION = """\
A chat bot for teams that publish a periodic digest. It reads the digest's markdown archive
(Jekyll, Hugo, Zola, Pelican, Docusaurus or plain files) into SQLite, announces each new issue
once in Slack, Matrix, webhooks or this terminal, and answers questions in English or Chinese
like `latest heat links`, `issue 19` or `search 热迁移`, in the asker's language.

With no --config it runs on its embedded default: the example archive, and the terminal
(Slack and Matrix start only when the config names them and their credentials are set)."""


def _global_options(p: argparse.ArgumentParser, default=None) -> None:
    """Options that go before or after the command (`digest-bot run --config bot.toml`). After
    it they default to SUPPRESS, so they override the ones before only when given."""
    p.add_argument("--config", type=Path, metavar="PATH", default=default,
                   help=f"TOML config (default: ${CONFIG_ENV}, else the embedded default)")
    p.add_argument("--db", metavar="PATH", default=default,
                   help="SQLite file (default: $DIGEST_BOT_DB, else the config's `db`, else a per-user data"
                        " directory: digest.db for the example archive, one database per other archive)")
    p.add_argument("--log-format", choices=("text", "json"), default=default,
                   help="run/publish logs: one line per event, as text (default) or JSON ($DIGEST_BOT_LOG_FORMAT)")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("digest-bot")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "(not installed)"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="digest-bot", description=DESCRIPTION,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    _global_options(p)
    p.add_argument("--version", action="version", version=f"digest-bot {_version()}")
    common = argparse.ArgumentParser(add_help=False)
    _global_options(common, default=argparse.SUPPRESS)
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, **kw) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[common], **kw)

    s = add("ingest", help="read the archive into the database, with a summary")
    s.add_argument("archive", nargs="?", type=Path, metavar="ARCHIVE",
                   help="the site (Jekyll, Hugo, Zola, Pelican, Docusaurus) or a folder of posts (default: the config's archive.path)")
    s.add_argument("--quiet", action="store_true", help="no progress bar")
    s.add_argument("--verbose", action="store_true", help="list every file not read as an issue, with its reason")

    s = add("ask", help="answer one command and exit")
    s.add_argument("text", nargs="+", help='the command, e.g. "latest heat links"')
    s.add_argument("--json", action="store_true", help="print the answer as JSON")

    add("chat", help="an interactive session in the terminal")

    s = add("export", help="the whole parsed archive")
    s.add_argument("--json", action="store_true", default=True, help="as JSON (the only format)")

    s = add("run", help="watch the archive, announce new issues, answer in chat")

    s = add("publish", help="ingest now and queue (and send what can be sent) announcements")
    s.add_argument("archive", nargs="?", type=Path, metavar="PATH", help="default: the config's archive.path")

    s = add("status", help="deliveries per destination: delivered, pending, failing")
    s.add_argument("--json", action="store_true", help="print as JSON")

    s = add("backup", help="copy the database to PATH, safely while the bot runs")
    s.add_argument("path", type=Path, metavar="PATH", help="the copy (a directory: a timestamped file in it)")
    return p


# how each command uses the database (see database.db_access)
DB_MODES = {"ingest": "write", "run": "write", "publish": "write",
            "ask": "read", "chat": "read", "export": "read", "status": "inspect",
            "backup": "inspect"}


# --- run, publish, status: the composition root does the work, this prints it ------------

def _setup_logging(config: Config, console: bool) -> None:
    from bot import logs  # one line per event, text or JSON, secrets removed

    logs.setup(config, default_level="WARNING" if console and sys.stdin.isatty() else "INFO")


def _preflight(config: Config, *, live: bool) -> bool:
    """Say what the environment lacks, before any network call. False: do not start."""
    from bot.bootstrap import missing_secrets

    errors, notes = missing_secrets(config, live=live)
    for line in notes + errors:
        print(f"digest-bot: {line}", file=sys.stderr)
    return not errors


def cmd_run(config: Config, db: Path) -> int:
    """`digest-bot run`: everything the config names, until SIGINT/SIGTERM (or `quit`)."""
    from bot.bootstrap import StartError, console_mode, run_async

    if not _preflight(config, live=True):
        return 2
    _setup_logging(config, console_mode(config))
    try:
        return asyncio.run(run_async(config, db))
    except ConfigError as e:
        print(f"digest-bot: {e}", file=sys.stderr)
        return 2
    except StartError as e:
        print(f"digest-bot: {e}", file=sys.stderr)
        return 1


def cmd_publish(config: Config, db: Path, archive: Path | None, *, out=None) -> int:
    """`digest-bot publish [PATH]`: ingest now, queue announcements, deliver to webhooks, exit."""
    from bot.bootstrap import publish_async

    if not _preflight(config, live=False):
        return 2
    _setup_logging(config, console=False)
    out = out or sys.stdout
    done = asyncio.run(publish_async(config, db, archive))
    if done.first_run_seeded is not None:
        print(f"First run: {done.first_run_seeded} existing issue(s) marked as already announced.", file=out)
    for kind in ("published", "corrected"):
        for c in done.changes:
            if c.kind == kind:
                print(f"{kind}: issue {c.number} ({c.key})", file=out)
    for s in done.not_indexed:
        print(f"not indexed: {s.path}: {s.reason}", file=sys.stderr)
    for name, n in done.delivered.items():
        if n:
            print(f"{name}: {n} delivered", file=out)
    for s in done.pending:
        why = f" (last error: {s.last_error})" if s.last_error else ""
        print(f"{s.name}: {s.pending} pending{why}", file=out)
    if done.first_run_seeded is None and not (done.changes or done.not_indexed or any(done.delivered.values())
                                              or done.pending):  # a git hook's run that found nothing: say so
        print(f"Nothing new to announce ({done.issues} issue{'' if done.issues == 1 else 's'} in {done.root}).", file=out)
    return 0


def cmd_status(config: Config, db: Path, as_json: bool, *, readonly: bool = False) -> int:
    """`digest-bot status [--json]`: per destination, delivered / pending / failing."""
    import json
    import time
    from datetime import datetime

    from bot.bootstrap import status_rows

    rows, configured = status_rows(config, db, readonly=readonly)
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


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    config_path = args.config or (Path(os.environ[CONFIG_ENV]) if os.environ.get(CONFIG_ENV) else None)
    try:
        config = load(config_path)
    except ConfigError as e:
        print(f"digest-bot: config error: {e}", file=sys.stderr)
        return 2
    from archive.store import StoreError
    from bot import database

    archive = getattr(args, "archive", None) or config.archive.path  # `ingest X`, `publish X`
    try:
        db, origin = database.resolve_db(config, args.db, archive)
        access = database.db_access(db, origin, DB_MODES[args.command])
    except StoreError as e:
        print(f"digest-bot: {e}", file=sys.stderr)
        return 2
    if origin is None and access == "rw" and not db.exists() and db.name != database.DEFAULT_DB:
        print(f"digest-bot: archive {database.archive_identity(archive)} gets a database of its own: {db}",
              file=sys.stderr)
    args.readonly = access == "ro"
    if args.log_format:
        from bot.logs import FORMAT_ENV

        os.environ[FORMAT_ENV] = args.log_format
    try:
        if args.command == "run":
            return cmd_run(config, db)
        if args.command == "publish":
            return cmd_publish(config, db, args.archive)
        if args.command == "status":
            if access == "missing":
                print(f"digest-bot: there is no database at {db} (nothing has run with it yet;"
                      " `digest-bot run` or `publish` creates it)", file=sys.stderr)
                return 1
            return cmd_status(config, db, args.json, readonly=args.readonly)
        handler = {"ingest": cmd_ingest, "ask": cmd_ask, "chat": cmd_chat, "export": cmd_export,
                   "backup": cmd_backup}[args.command]
        return handler(args, config, db)
    except StoreError as e:
        print(f"digest-bot: {e}", file=sys.stderr)
        return 2
    except sqlite3.OperationalError as e:
        if "readonly" not in str(e):
            raise
        what = " ".join(args.text) if args.command == "ask" else args.command
        print(f"digest-bot: database {db} is read-only, and `{what}` needs to write to it", file=sys.stderr)
        return 1
    except FileNotFoundError as e:
        print(f"digest-bot: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `digest-bot export | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _store(db: Path, readonly: bool = False):
    from archive.store import Store

    return Store(db, readonly=readonly)


def cmd_ingest(args, config, db) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from bot import ingest_report
    from bot.ingest import ingest

    ad_hoc = args.archive and config.source is None and args.archive.resolve() != config.archive.path
    if ad_hoc:
        # another archive than the embedded default's, and no config: read it with the defaults
        from dataclasses import replace

        from bot.config import ArchiveConfig
        config = replace(config, archive=ArchiveConfig(path=args.archive.resolve()))
    store = _store(db)
    console = Console(stderr=True)
    with Progress(TextColumn("parsing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, disable=args.quiet or not console.is_terminal, transient=True) as bar:
        task = bar.add_task("parse", total=None)
        summary = ingest(store, config, args.archive,
                         progress=lambda done, total: bar.update(task, completed=done, total=total))
    totals = store.totals()
    plural = ingest_report.plural
    print(f"{plural(totals.issues, 'issue')}, {plural(totals.items, 'item')}, {plural(totals.links, 'link')}"
          f" ({plural(summary.parsed, 'file')} parsed, {summary.unchanged} unchanged, {summary.removed} removed)")
    if totals.hidden:
        print(f"{plural(totals.hidden, 'issue')} not published yet (drafts: published: false, draft = true,"
              " Status: draft; or dated in the future)")
    if not summary.files:
        print(f"No posts found in {args.archive or config.archive.path}: {ingest_report.NO_POSTS_WHY}")
    for line in ingest_report.lines(store.skipped_files(), summary.not_taken, args.verbose):
        print(line)
    print(f"database: {db}")
    if ad_hoc:  # `ask` and `run` without a config read the example archive: say how to reach this one
        print(f"`ask`, `chat` and `run` read the archive a config names: write a config.toml with"
              f' [archive] path = "{args.archive.resolve()}" and pass --config config.toml')
    return 0


def _console_context(where: str = "terminal"):
    """`ask` runs share one conversation, so `ask more` continues the last `ask`."""
    from bot.bootstrap import terminal_context

    return terminal_context(where)


def _ready_core(config, db, readonly: bool = False):
    from bot.core import Core
    from bot.ingest import ensure_ingested

    store = _store(db, readonly)
    ensure_ingested(store, config)
    return Core(store, config)


def cmd_ask(args, config, db) -> int:
    from bot.bootstrap import render_text

    core = _ready_core(config, db, args.readonly)
    reply = core.handle(" ".join(args.text), _console_context())
    if args.json:
        print(json.dumps(reply.to_json(), ensure_ascii=False, indent=2))
    else:
        print(render_text(reply))
    return 0 if reply.ok else 1


def cmd_chat(args, config, db) -> int:
    from bot.bootstrap import QUIT_WORDS, render_text

    core = _ready_core(config, db, args.readonly)
    ctx = _console_context(where=f"chat-{os.getpid()}")  # a session is a conversation of its own
    from bot.i18n import N_, tr

    # the asker's greeting: in the configured language when one is fixed (language = "zh")
    greeting = N_("digest-bot: ask away (`help` lists the commands, `quit` or Ctrl-D leaves).")
    print(tr(config.language).gettext(greeting) if config.language in ("en", "zh") else greeting)
    try:
        while True:
            try:
                line = input("> ")
            except EOFError:
                print()
                return 0
            if line.strip().casefold() in QUIT_WORDS:
                return 0
            if line.strip():
                print(render_text(core.handle(line, ctx)))
    finally:
        core.state.forget_page(ctx.conversation)


def cmd_export(args, config, db) -> int:
    from bot.ingest import ensure_ingested

    store = _store(db, args.readonly)
    ensure_ingested(store, config)
    issues = []
    for issue, sections in store.export():
        issues.append({
            "number": issue.number,
            "title": issue.title,
            "date": issue.date.isoformat(),
            "period": [issue.period[0].isoformat(), issue.period[1].isoformat()] if issue.period else None,
            "path": issue.path,
            "url": issue.url,
            "sections": [
                {"name": section.name, "heading": section.heading,
                 "items": [{"text": it.text, "links": [{"url": u, "label": l} for u, l in it.links]} for it in items]}
                for section, items in sections
            ],
        })
    json.dump({"issues": issues}, sys.stdout, ensure_ascii=False, indent=2)
    print()
    return 0


def cmd_backup(args, config, db) -> int:
    import sqlite3

    from bot.backup import backup

    try:
        r = backup(db, args.path)
    except (sqlite3.Error, ValueError) as e:
        print(f"digest-bot: backup of {db} failed: {e}", file=sys.stderr)
        return 1
    print(f"{db} -> {r.path}: {r.bytes / 1e6:.1f} MB, {r.issues} issues, {r.seconds:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
