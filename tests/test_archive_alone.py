"""`archive/` stands alone: it imports nothing from `bot/` (nor any chat platform)."""
import ast
from pathlib import Path

ARCHIVE = Path(__file__).resolve().parent.parent / "archive"


def test_archive_imports_nothing_above_it():
    for path in ARCHIVE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
            for name in names:
                assert name.split(".")[0] not in ("bot", "adapters", "slack_bolt", "nio"), f"{path.name}: {name}"


def test_ingesting_hands_the_changes_back_inside_its_transaction(tmp_path):
    """The caller writes with the changes in the ingest's own transaction: both commit, or an
    exception in the caller's block rolls back both (the store calls nothing of the bot's)."""
    from datetime import date

    from archive.config import ArchiveConfig
    from archive.parse import Parser
    from archive.store import Store
    from tests.posts import write_issue

    root = tmp_path / "site"
    write_issue(root, 1, date(2014, 1, 10), {"Nova": ["one <http://e.org/1>"]})
    store = Store(tmp_path / "x.db")
    store.conn.execute("CREATE TABLE queued (key TEXT)")
    parser = Parser(ArchiveConfig(path=root))

    class Crash(Exception):
        pass

    try:
        with store.ingesting(root, parser, today=date(2020, 1, 1)) as summary:
            assert [(c.key, c.kind) for c in summary.changes] == [("1", "published")]
            store.conn.execute("INSERT INTO queued VALUES ('1')")
            raise Crash
    except Crash:
        pass
    assert store.conn.execute("SELECT count(*) FROM queued").fetchone()[0] == 0
    assert store.latest_issue() is None  # the ingest went with it, so the next one reports it again

    with store.ingesting(root, parser, today=date(2020, 1, 1)) as summary:
        assert [c.key for c in summary.changes] == ["1"]
        store.conn.executemany("INSERT INTO queued VALUES (?)", [(c.key,) for c in summary.changes])
    assert store.conn.execute("SELECT key FROM queued").fetchall() == [("1",)]
    assert store.latest_issue().number == 1
    with store.ingesting(root, parser, today=date(2020, 1, 1)) as summary:
        assert summary.changes == []
