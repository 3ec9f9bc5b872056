"""Token-only login, as behind Matrix Authentication Service (OIDC), where a bot has no
password: an access token issued for a device (here from one password login done by hand, as
`mas-cli manage issue-compatibility-token USER DEVICE` would issue it) is all the bot gets.
It must work, keep working after the token is rotated (a new one in the environment at the
restart), and say clearly what to do when the token is revoked."""
from __future__ import annotations

import os
import signal
import subprocess
import sys

from matrix_support import BotRun, room_with_bot, unique

DEVICE = "DIGESTBOT"
BIN = os.path.join(os.path.dirname(sys.executable), "digest-bot")


def issue_token(synapse, reg) -> str:
    """A fresh access token for the bot's device (what an admin hands over)."""
    r = synapse.request("POST", "/_matrix/client/v3/login", {
        "type": "m.login.password", "identifier": {"type": "m.id.user", "user": reg.user_id},
        "password": reg.password, "device_id": DEVICE})
    assert r["device_id"] == DEVICE
    return r["access_token"]


async def test_only_an_access_token_and_a_device_id_rotated_then_revoked(people, synapse, tmp_path, monkeypatch):
    from adapters.matrix.client import MatrixAuthError
    from bot.config import MatrixConfig

    alice = await people("alice")
    reg = synapse.register(unique("digestbot"), displayname="Digest Bot")
    token_env, password_env = f"OPS_TOKEN_{os.getpid()}", f"OPS_NO_PASSWORD_{os.getpid()}"
    monkeypatch.delenv(password_env, raising=False)
    first = issue_token(synapse, reg)
    monkeypatch.setenv(token_env, first)
    cfg = MatrixConfig(homeserver=synapse.base_url, user_id=reg.user_id, device_id=DEVICE,
                       allow_invites_from=(alice.user_id,), access_token_env=token_env, password_env=password_env)
    assert cfg.configured()
    bot = BotRun(synapse, reg, tmp_path / "bot.db", cfg, store_dir=tmp_path / "nio")
    await bot.start()
    try:
        assert (bot.adapter.session.client.access_token, bot.adapter.session.client.device_id) == (first, DEVICE)
        olm = bot.adapter.session.client.olm
        identity = olm.account.identity_keys if olm else None
        room = await room_with_bot(alice, bot)
        ev = await alice.send(room, "!digest latest")
        await alice.wait_for(lambda: alice.replies_to(room, ev, bot.user_id), what="an answer on the first token")

        # rotation: a new token for the same device, in the environment at the restart
        await bot.stop()
        second = issue_token(synapse, reg)
        assert second != first
        monkeypatch.setenv(token_env, second)
        await bot.start()
        assert (bot.adapter.session.client.access_token, bot.adapter.session.client.device_id) == (second, DEVICE)
        if olm:  # the same device, so the same end-to-end identity from the crypto store
            assert bot.adapter.session.client.olm.account.identity_keys == identity
        ev = await alice.send(room, "!digest issue 20")
        await alice.wait_for(lambda: alice.replies_to(room, ev, bot.user_id), what="an answer on the new token")
        assert len(alice.messages(room, bot.user_id)) == 2  # nothing answered twice across the restart
    finally:
        await bot.stop()

    # revoked (the session is ended: /logout): one clear message at start, naming what to do
    synapse.request("POST", "/_matrix/client/v3/logout", {}, token=second)
    bot = BotRun(synapse, reg, tmp_path / "bot.db", cfg, store_dir=tmp_path / "nio")
    try:
        await bot.start()
        raise AssertionError("started with a revoked token")
    except MatrixAuthError as e:
        message = str(e)
    finally:
        await bot.stop()
    assert "M_UNKNOWN_TOKEN" in message and f"${token_env}" in message and DEVICE in message
    assert second not in message

    # the same through a real `digest-bot run`: exit status 2 and that one line, no traceback
    (tmp_path / "config.toml").write_text(f"""
[announce]
console = false
[matrix]
homeserver = "{synapse.base_url}"
user_id = "{reg.user_id}"
device_id = "{DEVICE}"
access_token_env = "{token_env}"
password_env = "{password_env}"
""")
    env = {**os.environ, "HOME": str(tmp_path), token_env: second}
    env.pop(password_env, None)
    proc = subprocess.Popen([BIN, "--config", str(tmp_path / "config.toml"), "--db", str(tmp_path / "run.db"), "run"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    try:
        out, err = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        out, err = proc.communicate()
        raise AssertionError(f"digest-bot run did not stop on a revoked token: {err[-2000:]}")
    assert proc.returncode == 2, err[-2000:]
    last = err.strip().splitlines()[-1]
    assert last.startswith("digest-bot: Matrix: the access token in $") and "revoked" in last
    assert "Traceback" not in err and second not in out + err


async def test_a_token_only_bot_whose_token_expires_stops_matrix_with_a_clear_message(people, synapse, admin,
                                                                                      tmp_path, monkeypatch):
    import time
    from urllib.parse import quote

    from bot.config import MatrixConfig
    from matrix_support import until

    reg = synapse.register(unique("digestbot"), displayname="Digest Bot")
    token = synapse.request("POST", f"/_synapse/admin/v1/users/{quote(reg.user_id)}/login",
                            {"valid_until_ms": int(time.time() * 1000) + 3000},
                            token=admin.access_token)["access_token"]  # expires: a soft logout follows
    token_env, password_env = f"OPS_TOKEN_X_{os.getpid()}", f"OPS_NO_PASSWORD_X_{os.getpid()}"
    monkeypatch.setenv(token_env, token)
    monkeypatch.delenv(password_env, raising=False)
    cfg = MatrixConfig(homeserver=synapse.base_url, user_id=reg.user_id, device_id=DEVICE,
                       access_token_env=token_env, password_env=password_env)
    bot = BotRun(synapse, reg, tmp_path / "bot.db", cfg, store_dir=tmp_path / "nio",
                 extra={"adapter": {"sync_timeout_ms": 300}})
    await bot.start()
    try:
        await until(lambda: bot.adapter.session.fatal, timeout=30, what="the adapter to give up")
        assert "expired" in bot.adapter.session.fatal and f"${token_env}" in bot.adapter.session.fatal
        assert token not in bot.adapter.session.fatal
    finally:
        await bot.stop()
