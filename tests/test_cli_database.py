"""The first hour with the database (issue #9, items 1-4 and 12): the real CLI over real SQLite
files in the states a new user leaves them in. Every mistake is one clear message naming the
path, a non-zero exit and nothing created; a read-only database still answers."""
from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import sysconfig
import tempfile
from datetime import date
from pathlib import Path

import pytest

from bot.cli import main
from tests.conftest import EXAMPLES, ROOT
from tests.posts import write_issue


@pytest.fixture
def env(tmp_path, monkeypatch):
    """No config, a private per-user data directory, a fixed today."""
    for name in ("DIGEST_BOT_CONFIG", "DIGEST_BOT_DB", "SLACK_BOT_TOKEN", "MATRIX_PASSWORD", "MATRIX_ACCESS_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DIGEST_BOT_TODAY", "2026-11-01")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def one_clear_message(capsys, *needles: str) -> str:
    cap = capsys.readouterr()
    err = cap.err.strip()
    assert "Traceback" not in cap.err + cap.out
    assert 1 <= len(err.splitlines()) <= 3, err
    for n in needles:
        assert n in err, err
    return err


def listing(folder) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


@pytest.mark.parametrize("case", ["text file", "folder", "empty", "missing parent", "unwritable folder",
                                  "another program's database"])
def test_a_bad_db_path_is_one_message_naming_it_and_nothing_is_created(env, capsys, case):
    target = {"text file": "notes.txt", "folder": "somewhere", "empty": "",
              "missing parent": "no/such/folder/digest.db", "unwritable folder": "locked/digest.db",
              "another program's database": "other.sqlite"}[case]
    if case == "text file":
        (env / "notes.txt").write_text("shopping: milk, eggs\n")
    elif case == "folder":
        (env / "somewhere").mkdir()
    elif case == "unwritable folder":
        (env / "locked").mkdir()
        (env / "locked").chmod(0o555)
    elif case == "another program's database":
        sqlite3.connect(env / "other.sqlite").execute("CREATE TABLE songs (title TEXT)").connection.commit()
    before = listing(env)
    for command in (["ask", "latest"], ["ingest", str(EXAMPLES), "--quiet"], ["status"]):
        code = main(["--db", target, *command])
        assert code != 0, command
        one_clear_message(capsys, f"--db {target}" if case == "empty" else target)
    assert listing(env) == before  # no database, no -wal, no parent folder
    if case == "text file":
        assert (env / "notes.txt").read_text() == "shopping: milk, eggs\n"


def test_the_default_database_folder_is_still_made(env, capsys):
    assert main(["ask", "latest"]) == 0
    assert (env / "data" / "digest-bot" / "digest.db").is_file()


@pytest.fixture
def read_only_db(env, capsys):
    """A database built by `ingest`, then made read-only: the file (0444) and its folder (0555)."""
    folder = env / "shared"
    folder.mkdir()
    db = folder / "digest.db"
    assert main(["--db", str(db), "ingest", str(EXAMPLES), "--quiet"]) == 0
    capsys.readouterr()
    db.chmod(0o444)
    folder.chmod(0o555)
    yield db
    folder.chmod(0o755)


def test_a_read_only_database_answers_and_writes_nothing(read_only_db, capsys, monkeypatch):
    db = read_only_db
    before = (listing(db.parent), db.stat().st_mtime_ns, db.read_bytes())
    assert main(["ask", "latest", "heat", "links", "--db", str(db)]) == 0
    assert "Heat in issue 26" in capsys.readouterr().out
    assert main(["--db", str(db), "ask", "search", "监控"]) == 0
    assert "监控" in capsys.readouterr().out
    assert main(["--db", str(db), "export"]) == 0
    assert len(json.loads(capsys.readouterr().out)["issues"]) == 8
    assert main(["--db", str(db), "status"]) == 0
    assert "No destinations yet" in capsys.readouterr().out
    # paging works within one process (a chat session), kept in memory
    monkeypatch.setattr("sys.stdin", io.StringIO("nova\nmore\n"))
    assert main(["--db", str(db), "chat"]) == 0
    out = capsys.readouterr().out
    assert out.count("Nova") >= 2 and "Nothing more to show" not in out
    # a command that must write says so, naming the file
    assert main(["--db", str(db), "ask", "subscribe", "heat"]) != 0
    one_clear_message(capsys, str(db), "read-only", "subscribe heat")
    assert main(["--db", str(db), "ingest", str(EXAMPLES), "--quiet"]) != 0
    one_clear_message(capsys, str(db), "cannot write")
    assert (listing(db.parent), db.stat().st_mtime_ns, db.read_bytes()) == before
    assert stat.S_IMODE(db.stat().st_mode) == 0o444


def test_status_on_a_database_that_does_not_exist_says_so_and_creates_nothing(env, capsys):
    assert main(["--db", "fresh.db", "status"]) == 1
    one_clear_message(capsys, "no database", "fresh.db")
    assert not (env / "fresh.db").exists()
    assert main(["status"]) == 1  # the per-user default too
    one_clear_message(capsys, "no database")
    assert not (env / "data").exists()


def own_site(root, numbers=(1, 2, 3)):
    for n in numbers:
        write_issue(root, n, date(2020, 1, n), {"Heat": [f"Heat news number {n}.  \n<http://example.org/heat/{n}>"]})
    return root


def test_another_archive_gets_a_default_database_of_its_own(env, capsys):
    assert main(["ask", "latest"]) == 0  # the README's first step: the example archive
    assert "Issue 26" in capsys.readouterr().out
    own_site(env / "site")
    (env / "bot.toml").write_text('[archive]\npath = "site"\n')
    assert main(["--config", "bot.toml", "ask", "latest"]) == 0
    cap = capsys.readouterr()
    assert "Issue 3" in cap.out and "26" not in cap.out
    assert "a database of its own" in cap.err and len(cap.err.strip().splitlines()) == 1
    dbs = sorted(p.name for p in (env / "data" / "digest-bot").glob("*.db"))
    assert len(dbs) == 2 and "digest.db" in dbs
    assert main(["ask", "latest"]) == 0  # the example archive's database is untouched
    assert "Issue 26" in capsys.readouterr().out


def test_an_explicit_database_opened_for_another_archive_starts_afresh_and_announces_nothing(env, capsys):
    db = str(env / "bot.db")
    slack = '[slack]\nchannels = ["C0NEWS"]\n'
    (env / "example.toml").write_text(slack)
    (env / "mine.toml").write_text(slack + '[archive]\npath = "site"\n')
    own_site(env / "site")

    def pending() -> int:
        assert main(["--db", db, "status", "--json"]) == 0
        return sum(d["pending"] for d in json.loads(capsys.readouterr().out)["destinations"])

    assert main(["--db", db, "--config", "example.toml", "publish"]) == 0  # first run: 7 seeded
    capsys.readouterr()
    assert pending() == 0
    assert main(["--db", db, "--config", "mine.toml", "publish"]) == 0
    cap = capsys.readouterr()
    assert "started afresh" in cap.err and str(env / "site") in cap.err
    assert len(cap.err.strip().splitlines()) == 1
    assert "published:" not in cap.out
    assert pending() == 0  # the user's three existing issues are not announced as new
    assert main(["--db", db, "--config", "mine.toml", "ask", "issues"]) == 0
    out = capsys.readouterr().out
    assert "#3 " in out and "#26" not in out
    own_site(env / "site", numbers=(4,))  # a real new issue is announced, once
    assert main(["--db", db, "--config", "mine.toml", "publish"]) == 0
    assert "published: issue 4" in capsys.readouterr().out
    assert pending() == 1


def test_global_options_work_after_the_command(env, capsys):
    own_site(env / "site")
    (env / "bot.toml").write_text('[archive]\npath = "site"\n')
    assert main(["ask", "latest", "--config", "bot.toml", "--db", "after.db"]) == 0
    assert "Issue 3" in capsys.readouterr().out
    assert (env / "after.db").is_file()
    assert main(["--db", "before.db", "status", "--db", "after.db"]) == 0  # the later one wins
    assert not (env / "before.db").exists()
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    assert "--config" in capsys.readouterr().out


def _python_for_another_user() -> str | None:
    """A Python of this version that user `nobody` may run (this one may live under /root)."""
    exe = Path(sys.executable).resolve()
    candidates = [exe, Path(f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}")]
    for c in candidates:
        if c.is_file() and all(os.stat(p).st_mode & 0o001 for p in [c, *c.parents]):
            return str(c)
    return None


@pytest.fixture
def as_another_user(tmp_path):
    """Runs the CLI as user `nobody` (uid 65534): a real "file owned by someone else". Needs root."""
    if os.geteuid() != 0 or not shutil.which("setpriv") or not (python := _python_for_another_user()):
        pytest.skip("needs root, setpriv and a Python that another user may run")
    site = sysconfig.get_paths()["purelib"]
    env = {"HOME": "/tmp", "PYTHONPATH": f"{site}:{ROOT}", "DIGEST_BOT_TODAY": "2026-11-01", "PATH": "/usr/bin:/bin"}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", python, "-c",
                               "import sys; from bot.cli import main; sys.exit(main(sys.argv[1:]))", *args],
                              capture_output=True, text=True, env=env, timeout=60, cwd="/")

    if run("--help").returncode != 0:
        pytest.skip("this Python cannot import the project as another user")
    return run


def test_a_database_owned_by_another_user_answers_and_ingest_says_it_cannot_write(as_another_user, capsys):
    folder = Path(tempfile.mkdtemp(prefix="digest-owner-"))  # root's folder, readable by all, like a home
    try:
        folder.chmod(0o755)
        db = folder / "digest.db"
        assert main(["--db", str(db), "ingest", str(EXAMPLES), "--quiet"]) == 0
        db.chmod(0o644)  # the owner's ordinary mode: others may read
        before = (listing(folder), db.read_bytes())
        r = as_another_user("ask", "--db", str(db), "latest heat links")
        assert r.returncode == 0 and "Heat in issue 26" in r.stdout, r.stderr
        r = as_another_user("--db", str(db), "status")
        assert r.returncode == 0, r.stderr
        r = as_another_user("--db", str(db), "ingest", str(EXAMPLES))
        assert r.returncode != 0 and "Traceback" not in r.stderr
        assert str(db) in r.stderr and "cannot write" in r.stderr
        assert (listing(folder), db.read_bytes()) == before
    finally:
        shutil.rmtree(folder)
