"""How adapters/ is put together (docs/architecture.md): no import circles between its modules,
every destination declares the `Destination` protocol (so the core reads its optional
attributes directly), and the Matrix adapter is split by job."""
import ast
import inspect
from pathlib import Path

from test_floors import imported

REPO = Path(__file__).resolve().parent.parent
ADAPTERS = REPO / "adapters"


def _module(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _graph() -> dict[str, set[str]]:
    """adapters' module -> the adapters' modules it imports (anywhere, TYPE_CHECKING included:
    a type-only circle is still a circle for the reader)."""
    mods = {_module(p): p for p in ADAPTERS.rglob("*.py")}
    graph = {}
    for mod, path in mods.items():
        deps = set()
        for name in imported(path):
            # `from adapters.matrix import x` may name a module or a package's attribute
            while name and name not in mods:
                name = name.rpartition(".")[0]
            if name and name != mod:
                deps.add(name)
        graph[mod] = deps
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the path, 2: done
    path: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        path.append(m)
        for d in sorted(graph.get(m, ())):
            if state.get(d) == 1:
                return path[path.index(d):] + [d]
            if d not in state and (found := visit(d)):
                return found
        path.pop()
        state[m] = 2
        return None

    for m in sorted(graph):
        if m not in state and (found := visit(m)):
            return found
    return None


def test_the_adapters_import_no_circle():
    graph = _graph()
    assert "adapters.matrix.session" in graph and graph["adapters.matrix.adapter"]
    assert _cycle(graph) is None, " -> ".join(_cycle(graph))


def test_the_circle_check_finds_a_circle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_every_destination_declares_the_protocol_and_its_optional_attributes():
    from adapters.console import ConsoleDestination
    from adapters.matrix import MatrixDMDestination, MatrixRoomDestination
    from adapters.slack.destinations import SlackChannelDestination, SlackDMDestination
    from adapters.webhook import WebhookDestination
    from bot.delivery import Destination

    for cls in (ConsoleDestination, MatrixDMDestination, MatrixRoomDestination, SlackChannelDestination,
                SlackDMDestination, WebhookDestination):
        assert Destination in cls.__mro__, f"{cls.__name__} does not declare Destination"
        for attr in ("concurrency", "rate_group", "target"):
            assert hasattr(cls, attr), f"{cls.__name__}.{attr}"
        assert inspect.iscoroutinefunction(cls.close), cls


def test_the_core_reads_destination_attributes_directly():
    """No `getattr(dest, "concurrency", 1)`: an attribute the protocol declares is read as one."""
    declared = {"concurrency", "rate_group", "target", "close", "min_interval", "name"}
    found = []
    for path in (REPO / "bot").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr"
                    and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant)
                    and node.args[1].value in declared):
                found.append(f"{path.name}:{node.lineno} {node.args[1].value}")
    assert found == []


def test_the_matrix_adapter_is_split_by_job():
    from adapters.matrix.adapter import MatrixAdapter
    from adapters.matrix.intake import CommandIntake
    from adapters.matrix.rooms import MatrixRooms
    from adapters.matrix.session import MatrixSession

    jobs = {MatrixSession: ("run_forever", "give_up", "check_usable", "room_known"),
            MatrixRooms: ("handle_invites", "join_configured", "dm_room", "is_dm", "new_events"),
            CommandIntake: ("handle",)}
    for cls, methods in jobs.items():
        assert all(callable(getattr(cls, m)) for m in methods), cls
    source = inspect.getsource(MatrixAdapter)
    assert len(source.splitlines()) < 100, "the adapter composes its parts; the work is in them"


def test_the_adapters_take_secrets_only_from_the_environment():
    """No `token=` / `signing_secret=` side doors (they existed for tests): the env vars the
    config names are the one way in, as in production."""
    import importlib

    found = []
    for name in ("adapters.console", "adapters.matrix.client", "adapters.slack.listeners",
                 "adapters.slack.server", "adapters.webhook"):
        module = importlib.import_module(name)
        own = [o for _, o in inspect.getmembers(module) if getattr(o, "__module__", None) == name]
        functions = [o for o in own if inspect.isfunction(o)]
        functions += [f for c in own if inspect.isclass(c) for _, f in inspect.getmembers(c, inspect.isfunction)]
        functions += [f.__func__ for c in own if inspect.isclass(c)
                      for _, f in inspect.getmembers(c, inspect.ismethod)]  # classmethods
        found += [f"{f.__qualname__}({p})" for f in functions for p in inspect.signature(f).parameters
                  if "token" in p or "secret" in p]
    assert found == []
