"""The floors of docs/architecture.md: `bot/` reaches `adapters/` (and the platform libraries)
only through its composition root, `bot/bootstrap.py`."""
import ast
from pathlib import Path

BOT = Path(__file__).resolve().parent.parent / "bot"
ROOT = "bootstrap.py"
PLATFORM = ("adapters", "slack_bolt", "slack_sdk", "nio")


def imported(path: Path) -> list[str]:
    """Every module `path` imports, at the top or inside a function."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level:
            names.append(node.module or "")
    return names


def test_only_the_composition_root_imports_adapters():
    found = {p.name: [n for n in imported(p) if n.split(".")[0] in PLATFORM] for p in BOT.glob("*.py")}
    assert found.pop(ROOT), "bot/bootstrap.py builds the adapters: it must import them"
    assert {name: mods for name, mods in found.items() if mods} == {}


def test_the_check_sees_imports_inside_functions(tmp_path):
    sample = tmp_path / "x.py"
    sample.write_text("def f():\n    from adapters.console import local_user\n")
    assert imported(sample) == ["adapters.console"]


def test_every_chat_adapter_implements_the_platform_protocol():
    import inspect

    from adapters.console import ConsoleAdapter
    from adapters.matrix import MatrixAdapter
    from adapters.slack import SlackAdapter
    from bot.delivery import Platform

    for adapter in (ConsoleAdapter, MatrixAdapter, SlackAdapter):
        assert Platform in adapter.__mro__, f"{adapter.__name__} does not declare Platform"
        assert adapter.name in ("console", "matrix", "slack")
        for method in ("start", "run_forever", "stop"):
            assert inspect.iscoroutinefunction(getattr(adapter, method)), f"{adapter.__name__}.{method}"
        assert getattr(adapter, "destinations") is not getattr(Platform, "destinations"), adapter


def test_encodings_stay_in_archive():
    """The store's lookups return decoded records: nothing above archive/ unpacks a column."""
    for path in [*BOT.glob("*.py"), *(BOT.parent / "adapters").rglob("*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert "marshal" not in imported(path), path.name
        names = {a.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                 and node.module == "archive.store" for a in node.names}
        assert not names & {"pack", "unpack"}, path.name
