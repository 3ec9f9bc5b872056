"""End-to-end encrypted rooms (nio with vodozemac): the bot reads and answers encrypted
commands, and its crypto identity survives a restart (persistent store, same device)."""
from __future__ import annotations

import pytest
from matrix_support import Human


crypto = pytest.importorskip("nio.crypto")
if not crypto.ENCRYPTION_ENABLED:
    pytest.skip("matrix-nio without its e2e extra (vodozemac): encrypted rooms unsupported",
                allow_module_level=True)


class EncryptedHuman(Human):
    def __init__(self, server, reg, store_dir):
        from nio import AsyncClient, AsyncClientConfig

        super().__init__(server, reg)
        store_dir.mkdir(parents=True, exist_ok=True)
        self.client = AsyncClient(server.base_url, reg.user_id, device_id=reg.device_id,
                                  store_path=str(store_dir),
                                  config=AsyncClientConfig(encryption_enabled=True,
                                                           max_timeouts=2, request_timeout=10))
        self.client.restore_login(reg.user_id, reg.device_id, reg.access_token)

    async def sync(self, timeout_ms: int = 0) -> None:
        from adapters.matrix.client import exchange_keys

        await super().sync(timeout_ms)
        await exchange_keys(self.client)

    async def send(self, room_id: str, body: str, **extra) -> str:
        from nio import RoomSendResponse

        resp = await self.client.room_send(room_id, "m.room.message",
                                           {"msgtype": "m.text", "body": body, **extra},
                                           ignore_unverified_devices=True)
        assert isinstance(resp, RoomSendResponse), resp
        return resp.event_id


async def test_encrypted_room_command_answered_encrypted(synapse, make_bot, tmp_path):
    from nio import RoomCreateResponse

    from matrix_support import unique

    alice = EncryptedHuman(synapse, synapse.register(unique("alice")), tmp_path / "alice")
    try:
        await alice.sync()
        bot = await make_bot(allow=(alice.user_id,))
        resp = await alice.client.room_create(
            invite=[bot.user_id],
            initial_state=[{"type": "m.room.encryption", "state_key": "",
                            "content": {"algorithm": "m.megolm.v1.aes-sha2"}}])
        assert isinstance(resp, RoomCreateResponse), resp
        room = resp.room_id
        await alice.wait_for(lambda: alice.membership(room, bot.user_id) == "join")
        await alice.wait_for(lambda: room in bot.adapter.session.client.rooms
                             and bot.adapter.session.client.rooms[room].encrypted, what="bot sees e2e")

        ev = await alice.send(room, "!digest issue 20")
        [reply] = await alice.wait_for(lambda: alice.replies_to(room, ev, bot.user_id),
                                       what="the decrypted answer")
        assert reply["content"]["msgtype"] == "m.notice"
        assert "第二十期" in reply["content"]["body"]
        # what went over the wire was encrypted
        raw = synapse.request(
            "GET", f"/_matrix/client/v3/rooms/{room}/event/{reply['event_id']}",
            token=alice.reg.access_token)
        assert raw["type"] == "m.room.encrypted" and "body" not in raw["content"]

        await bot.restart()  # same device, keys from the persistent store
        ev = await alice.send(room, "!digest issue 21")
        [reply] = await alice.wait_for(lambda: alice.replies_to(room, ev, bot.user_id),
                                       what="the answer after a restart")
        assert "第二十一期" in reply["content"]["body"]
    finally:
        await alice.close()
