"""The first hour with `run`, `publish` and `chat` (issue #9, items 5, 6, 7, 9, 10 (the banner)
and 11): real processes and real SQLite; every mistake is a clear message naming the variable
or path, before any network call."""
from __future__ import annotations

import asyncio
import io
import logging
import os
import socket
import subprocess
from datetime import date
from pathlib import Path

import pytest

from bot.bootstrap import start
from bot.cli import main
from bot.config import ArchiveConfig, Config, WatchConfig
from tests.bot_process import BIN
from tests.polling import until
from tests.posts import write_issue

SECRETS = ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "MATRIX_ACCESS_TOKEN", "MATRIX_PASSWORD",
           "DIGEST_BOT_CONFIG", "DIGEST_BOT_DB")


@pytest.fixture
def env(tmp_path, monkeypatch) -> dict:
    for name in SECRETS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DIGEST_BOT_TODAY", "2026-11-01")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    return {**os.environ}


@pytest.fixture
def listener():
    """A local port that records whether anything connected to it."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    srv.setblocking(False)
    yield srv
    srv.close()


def connections(srv: socket.socket) -> int:
    n = 0
    while True:
        try:
            conn, _ = srv.accept()
        except BlockingIOError:
            return n
        conn.close()
        n += 1


def digest_bot(tmp_path: Path, env: dict, *args: str, stdin: str = "", timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN), *args], input=stdin, capture_output=True, text=True, env=env, cwd=tmp_path,
                          timeout=timeout)


def clear(err: str, *needles: str) -> None:
    lines = err.strip().splitlines()
    assert "Traceback" not in err and 1 <= len(lines) <= 3, err
    for n in needles:
        assert n in err, err


# --- item 6: every required variable before any network call -----------------------------

@pytest.mark.parametrize("mode, have, missing", [
    ("socket", {"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_APP_TOKEN"),
    ("http", {"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
])
def test_run_names_a_missing_slack_variable_before_contacting_slack(tmp_path, env, listener, mode, have, missing):
    port = listener.getsockname()[1]
    (tmp_path / "bot.toml").write_text(f'[slack]\nmode = "{mode}"\nbase_url = "http://127.0.0.1:{port}/api/"\n'
                                       f'port = 0\nhost = "127.0.0.1"\n')
    r = digest_bot(tmp_path, {**env, **have}, "run", "--config", "bot.toml", "--db", "bot.db")
    assert r.returncode == 2
    clear(r.stderr, missing, mode)
    assert connections(listener) == 0


def test_an_unreachable_slack_at_start_is_one_line(tmp_path, env, listener):
    port = listener.getsockname()[1]
    listener.close()  # nothing listens there now
    (tmp_path / "bot.toml").write_text(f'[slack]\nbase_url = "http://127.0.0.1:{port}/api/"\n')
    r = digest_bot(tmp_path, {**env, "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"},
                   "run", "--config", "bot.toml", "--db", "bot.db")
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert "slack: cannot start (ClientConnectorError" in r.stderr and f"127.0.0.1:{port}" in r.stderr


# --- item 7: a webhook without its URL, at start -----------------------------------------

@pytest.mark.parametrize("command", ["run", "publish"])
def test_a_webhook_without_its_url_variable_is_named_at_start(tmp_path, env, command):
    (tmp_path / "bot.toml").write_text('[[webhook]]\nname = "team"\nurl_env = "TEAM_WEBHOOK_URL"\n')
    r = digest_bot(tmp_path, env, command, "--config", "bot.toml", "--db", "bot.db", stdin="quit\n")
    assert r.returncode == 2
    clear(r.stderr, "TEAM_WEBHOOK_URL", "team")
    assert not (tmp_path / "bot.db").exists()  # stopped before anything


# --- item 5: a missing archive -------------------------------------------------------------

async def test_run_waits_quietly_for_a_missing_archive_and_says_when_it_appears(tmp_path, caplog, monkeypatch):
    monkeypatch.setattr("bot.watcher.MISSING_POLL_SECONDS", 0.05)
    site = tmp_path / "site"
    config = Config(archive=ArchiveConfig(path=site), watch=WatchConfig(rescan_seconds=0.05, debounce_ms=10))
    caplog.set_level(logging.INFO)
    running = await start(config, tmp_path / "bot.db", console_io=(io.StringIO(""), io.StringIO()))
    stop, task = running.stop, asyncio.create_task(running.serve())
    try:
        watcher = running.watcher
        await until(lambda: watcher.scans >= 5, what="rescans of the missing archive")
        while_missing = list(caplog.records)
        write_issue(site, 1, date(2020, 1, 1), {"Heat": ["Heat news.  \n<http://example.org/heat>"]})
        await until(lambda: running.bot.visible(), what="the archive to be read once it appears")
    finally:
        stop.set()
        assert await asyncio.wait_for(task, 30) == 0
    missing = [r for r in while_missing if "does not exist" in r.getMessage()]
    assert len(missing) == 1 and str(site) in missing[0].getMessage()
    assert not [r for r in while_missing if r.levelno >= logging.ERROR or r.exc_info]
    assert any("is there now" in r.getMessage() for r in caplog.records)


async def test_run_warns_only_of_posts_that_looked_like_issues(tmp_path, caplog):
    # a blog's notes and pages are expected: one line for all, not a warning each
    site = tmp_path / "site"
    write_issue(site, 1, date(2020, 1, 1), {"Heat": ["Heat news.  \n<http://example.org/heat>"]})
    for n in range(3):
        (site / "_posts" / f"2020-01-0{n + 2}-note-{n}.md").write_text("---\nlayout: note\n---\n\nno title\n")
    write_issue(site, 1, date(2020, 1, 9), {"Nova": ["Again issue one"]}, slug="duplicate")
    config = Config(archive=ArchiveConfig(path=site), watch=WatchConfig(rescan_seconds=30, debounce_ms=10))
    caplog.set_level(logging.INFO)
    running = await start(config, tmp_path / "bot.db", console_io=(io.StringIO(""), io.StringIO()))
    running.stop.set()
    assert await asyncio.wait_for(asyncio.create_task(running.serve()), 30) == 0
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and "not indexed" in r.getMessage()]
    assert len(warned) == 1 and "duplicate" in warned[0], warned
    assert any(r.getMessage().startswith("3 files not read as issues") for r in caplog.records), \
        [r.getMessage() for r in caplog.records]


# --- item 9: chat leaves on quit ---------------------------------------------------------

@pytest.mark.parametrize("word", ["quit", "exit", "EXIT", "退出"])
def test_chat_leaves_on_quit(env, capsys, monkeypatch, word):
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{word}\nlatest\n"))
    assert main(["--db", "chat.db", "chat"]) == 0
    out = capsys.readouterr().out
    assert "Issue 26" not in out  # left before the next line
    assert "Nothing in the archive" not in out and "searched" not in out


def test_chat_greets_in_the_configured_language(env, capsys, monkeypatch, tmp_path):
    (tmp_path / "zh.toml").write_text('language = "zh"\n')
    monkeypatch.setattr("sys.stdin", io.StringIO("退出\n"))
    assert main(["--config", "zh.toml", "--db", "chat.db", "chat"]) == 0
    assert capsys.readouterr().out.startswith("digest-bot：请提问（发送 `帮助` 查看命令")
    monkeypatch.setattr("sys.stdin", io.StringIO("quit\n"))
    assert main(["--db", "chat.db", "chat"]) == 0  # "auto": English, as the asker has said nothing yet
    assert capsys.readouterr().out.startswith("digest-bot: ask away")


# --- item 10: the run banner ---------------------------------------------------------------

def test_run_says_in_one_line_what_it_watches_where_it_announces_and_how_to_quit(tmp_path, env):
    r = digest_bot(tmp_path, env, "run", "--db", "bot.db", stdin="quit\n")
    assert r.returncode == 0, r.stderr
    [banner] = [line for line in r.stderr.splitlines() if line.startswith("digest-bot: watching")]
    assert "examples/archive" in banner and "8 issues" in banner
    assert "this terminal" in banner and "`quit`" in banner
    (tmp_path / "bot.toml").write_text('[[webhook]]\nname = "team"\nurl_env = "TEAM_WEBHOOK_URL"\n'
                                       '[announce]\nconsole = false\n')
    r = digest_bot(tmp_path, {**env, "TEAM_WEBHOOK_URL": "http://127.0.0.1:9/hook"},
                   "run", "--config", "bot.toml", "--db", "bot.db", stdin="quit\n")
    assert r.returncode == 0, r.stderr
    [banner] = [line for line in r.stderr.splitlines() if line.startswith("digest-bot: watching")]
    assert "webhook:team" in banner and "this terminal" not in banner


def test_run_and_ingest_of_a_folder_without_posts_say_none_was_found(tmp_path, env):
    # the wrong folder (its parent, the built site, a Pelican site of .rst files): said at start
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<html></html>")
    (site / "notes.rst").write_text("Notes\n=====\n")
    (tmp_path / "bot.toml").write_text('[archive]\npath = "site"\n')
    r = digest_bot(tmp_path, env, "run", "--config", "bot.toml", "--db", "bot.db", stdin="quit\n")
    assert r.returncode == 0, r.stderr
    [banner] = [line for line in r.stderr.splitlines() if line.startswith("digest-bot: watching")]
    assert f"watching {site} (no posts found there: no .md, .markdown or .mdx file; `archive.posts` says" \
        " which, if elsewhere); new issues" in banner and "0 issues" not in banner, banner
    r = digest_bot(tmp_path, env, "ingest", "--config", "bot.toml", "--db", "bot.db")
    assert r.returncode == 0, r.stderr
    assert f"No posts found in {site}: no .md, .markdown or .mdx file; `archive.posts` says which, if elsewhere" \
        in r.stdout, r.stdout
    write_issue(site, 1, date(2020, 1, 1), {"Heat": ["Heat news.  \n<http://example.org/heat>"]})
    r = digest_bot(tmp_path, env, "ingest", "--config", "bot.toml", "--db", "bot.db")
    assert r.stdout.startswith("1 issue, 1 item, 1 link (1 file parsed,") and "No posts" not in r.stdout, r.stdout


def test_a_webhook_variable_that_holds_no_url_stops_run_and_publish_without_repeating_it(tmp_path, env):
    (tmp_path / "bot.toml").write_text('[[webhook]]\nname = "team"\nurl_env = "TEAM_WEBHOOK_URL"\n')
    for command in ("run", "publish"):
        r = digest_bot(tmp_path, {**env, "TEAM_WEBHOOK_URL": "hooks.example.com/T0/B0/secret42"},
                       command, "--config", "bot.toml", "--db", "bot.db", stdin="quit\n")
        assert r.returncode == 2, r.stderr
        clear(r.stderr, "webhook[0] ('team')", "TEAM_WEBHOOK_URL does not hold an http(s) URL")
        assert "secret42" not in r.stderr + r.stdout


# --- item 11: subscriptions in the terminal ----------------------------------------------

async def test_a_subscription_made_in_the_terminal_is_printed_there_by_run(tmp_path, env, capsys):
    site = tmp_path / "site"
    write_issue(site, 1, date(2020, 1, 1), {"Heat": ["Old heat news.  \n<http://example.org/heat/1>"]})
    (tmp_path / "bot.toml").write_text('[archive]\npath = "site"\n')
    assert main(["--config", "bot.toml", "--db", "bot.db", "ask", "subscribe", "heat"]) == 0
    said = capsys.readouterr().out
    assert "this terminal" in said and "direct message" not in said
    config = Config(archive=ArchiveConfig(path=site), watch=WatchConfig(rescan_seconds=0.05, debounce_ms=10))
    out = io.StringIO()
    running = await start(config, tmp_path / "bot.db", console_io=(io.StringIO(""), out))
    stop, task = running.stop, asyncio.create_task(running.serve())
    try:
        write_issue(site, 2, date(2020, 1, 15), {"Nova": ["Nova news.  \n<http://example.org/nova/2>"],
                                                 "Heat": ["New heat news.  \n<http://example.org/heat/2>"]})
        await until(lambda: "=== For you ===" in out.getvalue(), what="the subscriber's message")
    finally:
        stop.set()
        assert await asyncio.wait_for(task, 30) == 0
    shown = out.getvalue()
    assert "=== New issue ===" in shown
    mine = shown.split("=== For you ===", 1)[1]
    assert "New heat news" in mine and "Nova news" not in mine and "Old heat news" not in mine


def test_subscribing_in_the_terminal_when_the_bot_runs_on_slack_says_where_to_subscribe(tmp_path, env, capsys,
                                                                                         monkeypatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    (tmp_path / "bot.toml").write_text('[slack]\nchannels = ["C0NEWS"]\n')
    assert main(["--config", "bot.toml", "--db", "bot.db", "ask", "subscribe", "heat"]) == 1
    said = capsys.readouterr().out
    assert "Slack or Matrix" in said and "/digest subscribe Heat" in said
    assert main(["--config", "bot.toml", "--db", "bot.db", "ask", "subscriptions"]) == 0
    assert "no subscriptions" in capsys.readouterr().out


@pytest.mark.parametrize("word", ["quit", "exit", "退出"])
async def test_run_in_the_terminal_stops_on_the_same_words(tmp_path, word):
    out = io.StringIO()
    running = await start(Config(), tmp_path / "bot.db", console_io=(io.StringIO(f"{word}\nlatest\n"), out))
    code = await asyncio.wait_for(running.serve(), 30)
    assert code == 0 and running.stop.is_set()
    assert "Issue 26" not in out.getvalue()  # the line after the word was not answered
