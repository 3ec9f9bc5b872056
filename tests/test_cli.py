"""The `digest-bot` command line, in-process, over a real database and the example archive."""
from __future__ import annotations

import json

import pytest

from bot.cli import main
from tests.conftest import EXAMPLES


@pytest.fixture
def db(tmp_path, monkeypatch):
    monkeypatch.delenv("DIGEST_BOT_CONFIG", raising=False)
    monkeypatch.setenv("DIGEST_BOT_TODAY", "2026-11-01")
    path = tmp_path / "cli.db"
    monkeypatch.setenv("DIGEST_BOT_DB", str(path))
    return path


def test_ingest_prints_a_summary_with_skipped_files(db, capsys):
    assert main(["ingest", str(EXAMPLES), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "8 issues" in out and "items" in out and "links" in out
    assert "1  not a digest issue" in out and "devstack-quickstart-guide.md" not in out
    assert main(["ingest", str(EXAMPLES), "--quiet"]) == 0
    assert "0 files parsed, 9 unchanged" in capsys.readouterr().out


def test_ask_answers_text_and_json(db, capsys):
    assert main(["ask", "latest", "heat", "links"]) == 0  # a new database ingests the archive first
    assert "Heat in issue 26" in capsys.readouterr().out
    assert main(["ask", "--json", "heat links"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["items"] and {"issue", "section", "text", "links"} <= set(answer["items"][0])
    assert answer["items"][0]["links"][0]["url"].startswith("http")
    assert main(["ask", "--json", "issues"]) == 0
    issues = json.loads(capsys.readouterr().out)["issues"]
    assert [i["number"] for i in issues] == [26, 25, 24, 23, 22, 21, 20, 19]
    assert issues[0]["date"] == "2015-01-06"
    assert main(["ask", "issue", "99"]) == 1  # an error reply is a failing exit code
    assert "no issue 99" in capsys.readouterr().out


def test_more_continues_across_invocations(db, capsys):
    main(["ask", "issues"])
    capsys.readouterr()
    main(["ask", "nova"])
    first = capsys.readouterr().out
    assert "more: say `more`" in first
    main(["ask", "more"])
    second = capsys.readouterr().out
    assert second.splitlines()[0] == first.splitlines()[0] and second != first


def test_more_after_a_one_page_ask_says_it_showed_everything(db, capsys):
    main(["ask", "--json", "latest", "nova", "links"])  # each ask is a process of its own: the database keeps it
    n = len(json.loads(capsys.readouterr().out)["items"])
    assert 1 < n < 10
    main(["ask", "more"])
    assert capsys.readouterr().out.splitlines()[0] == f"That was everything: the last answer showed all {n} items."
    main(["ask", "更多"])
    assert capsys.readouterr().out.splitlines()[0] == f"上一个回答已是全部：共 {n} 条。"
    main(["ask", "help"])
    capsys.readouterr()
    main(["ask", "more"])
    assert capsys.readouterr().out.splitlines()[0] == "Nothing more to show."


def test_export_is_the_whole_archive_as_json(db, capsys):
    assert main(["export", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    issue = next(i for i in data["issues"] if i["number"] == 26)
    assert issue["date"] == "2015-01-06" and issue["period"] == ["2014-12-10", "2015-01-05"]
    assert issue["path"].startswith("_posts/")
    section = issue["sections"][0]
    assert {"name", "heading", "items"} <= set(section)
    assert {"text", "links"} <= set(section["items"][0])


def test_bad_config_is_one_clear_message(tmp_path, capsys):
    bad = tmp_path / "c.toml"
    bad.write_text('page_size = "ten"\n')
    assert main(["--config", str(bad), "ask", "latest"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == f'digest-bot: config error: {bad}: page_size: expected an integer, got a string \'ten\''


def test_help_lists_every_command(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command in ("ingest", "ask", "chat", "export", "run", "publish", "status"):
        assert command in out


def test_version_prints_the_installed_version(capsys):
    from importlib.metadata import version

    with pytest.raises(SystemExit) as e:
        main(["--version"])
    assert e.value.code == 0 and capsys.readouterr().out.strip() == f"digest-bot {version('digest-bot')}"


def test_ingest_of_another_folder_without_a_config_says_how_to_ask_it(db, tmp_path, capsys):
    # `ask` without a config reads the example archive, not the folder just ingested
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "week-1.md").write_text("# Club week 1\n\n## Openings\n\n- https://chess.example.com/london\n")
    assert main(["ingest", str(folder)]) == 0
    out = capsys.readouterr().out
    assert f'[archive] path = "{folder.resolve()}" and pass --config config.toml' in out, out
    assert main(["ingest", str(EXAMPLES)]) == 0
    assert "[archive] path" not in capsys.readouterr().out
