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
