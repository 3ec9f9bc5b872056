"""Matrix fixtures: a real Synapse on 127.0.0.1 (one per session, plus throwaway ones for the
tests that stop it), human users on real nio clients, and the bot: the real MatrixAdapter over
a real Store and Core. Helpers live in matrix_support.py (a unique module name)."""
from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from matrix_harness import Registered, SynapseServer, synapse_available  # noqa: E402
from matrix_support import BotRun, Human, unique  # noqa: E402


def _need_synapse() -> None:
    if not synapse_available():
        pytest.skip("matrix-synapse cannot be imported: the Matrix server tests need it "
                    "(pip install 'digest-bot[test]')")


@pytest.fixture(scope="session")
def synapse(tmp_path_factory) -> SynapseServer:
    _need_synapse()
    server = SynapseServer(tmp_path_factory.mktemp("synapse"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def own_synapse(tmp_path) -> SynapseServer:
    """A homeserver of the test's own, for tests that stop and start it."""
    _need_synapse()
    server = SynapseServer(tmp_path / "synapse")
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def admin(synapse) -> Registered:
    return synapse.register(unique("admin"), admin=True)


@pytest.fixture
async def people(synapse):
    """people("alice") -> a registered Human on the session homeserver."""
    made: list[Human] = []

    async def make(name: str, server: SynapseServer | None = None) -> Human:
        srv = server or synapse
        h = Human(srv, srv.register(unique(name), displayname=name.capitalize()))
        await h.sync()
        made.append(h)
        return h

    yield make
    for h in made:
        await h.close()


@pytest.fixture
async def make_bot(synapse, tmp_path, monkeypatch):
    """make_bot(rooms=..., allow=..., core=...) -> a started BotRun (password login, device
    DIGESTBOT), stopped at the end of the test."""
    from bot.config import MatrixConfig

    made: list[BotRun] = []

    async def make(*, server: SynapseServer | None = None, rooms: tuple[str, ...] = (),
                   allow: tuple[str, ...] = (), replies_per_minute: int = 600,
                   core_factory: Callable | None = None, start: bool = True, run: bool = True,
                   reg: Registered | None = None, **extra) -> BotRun:
        srv = server or synapse
        reg = reg or srv.register(unique("digestbot"), displayname="Digest Bot")
        env = f"MATRIX_TEST_PASSWORD_{len(made)}_{os.getpid()}"
        monkeypatch.setenv(env, reg.password)
        cfg = MatrixConfig(homeserver=srv.base_url, user_id=reg.user_id, device_id="DIGESTBOT",
                           rooms=tuple(rooms), allow_invites_from=tuple(allow),
                           replies_per_minute=replies_per_minute,
                           access_token_env=f"MATRIX_TEST_NO_TOKEN_{os.getpid()}",
                           password_env=env)
        bot = BotRun(srv, reg, tmp_path / f"{reg.user_id[1:].split(':')[0]}.db", cfg,
                     core_factory, store_dir=tmp_path / f"nio-{len(made)}", extra=extra)
        made.append(bot)
        if start:
            await bot.start(run=run)
        return bot

    yield make
    for bot in made:
        try:
            await bot.stop()
        except Exception:  # a test that broke the bot on purpose still cleans up the rest
            pass
