"""A hostile, huge reply: escaped, nothing pings, split into events under 65,536 bytes."""
from __future__ import annotations

import json

from matrix_support import FixedCore

from adapters.matrix_render import MAX_EVENT_BYTES, WORD_JOINER
from bot.reply import Item, Reply

LONG = ("热迁移<script>alert('x')</script> @room 在共享存储与块迁移两种模式下的配置差异。" * 2000
        ).encode()[:61_440].decode(errors="ignore")  # 60 KB of mostly Chinese UTF-8


def hostile_reply() -> Reply:
    return Reply(title="<script>alert(1)</script> @room", text=(LONG,),
                 items=(Item(20, "Nova", "@room <img src=x onerror=alert(1)>",
                             (("javascript:alert(1)", "@room"),)),))


def notified(human, sender: str) -> list[dict]:
    got = human.server.request("GET", "/_matrix/client/v3/notifications?limit=100",
                               token=human.reg.access_token)["notifications"]
    return [n for n in got if n["event"]["sender"] == sender]


def highlights(human, sender: str) -> list[dict]:
    return [n for n in notified(human, sender)
            if any(isinstance(a, dict) and a.get("set_tweak") == "highlight" and a.get("value", True)
                    for a in n["actions"])]


async def test_hostile_sixty_kilobyte_reply(people, make_bot):
    assert len(LONG.encode()) > 61_000
    alice, carol = await people("alice"), await people("carol")
    bot = await make_bot(allow=(alice.user_id,), core_factory=lambda store: FixedCore(hostile_reply()))
    # everyone may use @room here, so only the bot's care keeps it from pinging
    room = await alice.create_room(invite=(bot.user_id, carol.user_id))
    from nio import RoomPutStateResponse

    r = await alice.client.room_put_state(room, "m.room.power_levels", {  # alice: the creator
        "users": {bot.user_id: 100, carol.user_id: 100}, "notifications": {"room": 0}})
    assert isinstance(r, RoomPutStateResponse), r
    await carol.join(room)
    # alice wants to hear from bots too: notices are no longer muted for her
    alice.server.request("PUT", "/_matrix/client/v3/pushrules/global/override/"
                         ".m.rule.suppress_notices/enabled", {"enabled": False},
                         token=alice.reg.access_token)
    await alice.wait_for(lambda: alice.membership(room, bot.user_id) == "join")

    control = await carol.send(room, "@room lunch?")  # proves @room would ping alice here
    ev = await alice.send(room, "!digest search everything")
    parts = await alice.wait_for(
        lambda: len(alice.replies_to(room, ev, bot.user_id)) >= 2
        and ev in bot.adapter.intake.handled and alice.replies_to(room, ev, bot.user_id), what="the parts")
    await alice.sync()
    parts = alice.replies_to(room, ev, bot.user_id)
    assert len(parts) >= 3
    for p in parts:
        size = len(json.dumps(p, ensure_ascii=False).encode())
        assert size <= MAX_EVENT_BYTES, size
        c = p["content"]
        assert c["msgtype"] == "m.notice" and c["m.mentions"] == {}
        assert "<script>" not in c["formatted_body"] and "<img" not in c["formatted_body"]
        assert "javascript:" not in c["formatted_body"]
        assert "@room" not in c["body"] and "@room" not in c["formatted_body"]
    body = "".join(p["content"]["body"] for p in parts).replace(WORD_JOINER, "")
    assert body.count("热迁移<script>alert('x')</script> @room") == LONG.count("热迁移<script>")
    assert "&lt;script&gt;" in parts[0]["content"]["formatted_body"]

    assert [n["event"]["event_id"] for n in highlights(alice, carol.user_id)] == [control]
    assert highlights(alice, bot.user_id) == []
    assert notified(alice, bot.user_id)  # the notices were evaluated, and did not highlight
