"""Commands against a real Synapse: rooms, DMs, mentions, and what the bot must ignore."""
from __future__ import annotations

from matrix_support import room_with_bot


async def test_room_command_answered_as_notice_in_reply(people, make_bot):
    alice = await people("alice")
    bot = await make_bot(allow=(alice.user_id,))
    room = await room_with_bot(alice, bot)
    ev = await alice.send(room, "!digest latest heat links")
    [reply] = await alice.wait_for(lambda: alice.replies_to(room, ev, bot.user_id),
                                   what="the answer")
    c = reply["content"]
    assert c["msgtype"] == "m.notice"
    assert c["m.relates_to"] == {"m.in_reply_to": {"event_id": ev}}
    assert c["format"] == "org.matrix.custom.html"
    assert "<b>Heat" in c["formatted_body"]
    assert "Heat" in c["body"] and "<b>" not in c["body"]
    assert "https://orchestration.example.com/heat-and-mistral" in c["formatted_body"]
    assert c["m.mentions"] == {}


async def test_dm_any_message_is_a_command(people, make_bot):
    alice = await people("alice")
    bot = await make_bot(allow=(alice.user_id,))
    room = await room_with_bot(alice, bot, is_direct=True)
    ev = await alice.send(room, "issue 20")
    [reply] = await alice.wait_for(lambda: alice.replies_to(room, ev, bot.user_id),
                                   what="the DM answer")
    assert reply["content"]["msgtype"] == "m.notice"
    assert "第二十期" in reply["content"]["body"]
    # paging hint in a DM is plain `more`, not the room prefix
    ev = await alice.send(room, "nova")
    [reply] = await alice.wait_for(lambda: alice.replies_to(room, ev, bot.user_id))
    assert "say “more”" in reply["content"]["body"]


async def test_mentions_are_commands(people, make_bot):
    alice = await people("alice")
    bot = await make_bot(allow=(alice.user_id,))
    room = await room_with_bot(alice, bot)
    await alice.invite(room, (await people("carol")).user_id)  # three members: not a DM
    pill = (f'<a href="https://matrix.to/#/{bot.user_id}">Digest Bot</a>: issue 20')
    by_pill = await alice.send(room, "Digest Bot: issue 20", format="org.matrix.custom.html",
                               formatted_body=pill)
    by_mentions = await alice.send(room, "what is the latest from the bot?",
                                   **{"m.mentions": {"user_ids": [bot.user_id]}})
    localpart = bot.user_id[1:].split(":")[0]
    by_name = await alice.send(room, f"{localpart}: search 热迁移")
    chatter = await alice.send(room, "latest heat links")  # a room, no mention: not for the bot
    for ev in (by_pill, by_mentions, by_name):
        await alice.wait_for(lambda: alice.replies_to(room, ev, bot.user_id), what=ev)
    assert "第二十期" in alice.replies_to(room, by_pill, bot.user_id)[0]["content"]["body"]
    assert "热迁移" in alice.replies_to(room, by_name, bot.user_id)[0]["content"]["body"]
    await alice.wait_for(lambda: by_name in bot.adapter.intake.handled)
    assert chatter not in bot.adapter.intake.handled
    assert alice.replies_to(room, chatter, bot.user_id) == []


async def test_notices_edits_and_other_bots_are_ignored(people, make_bot):
    alice, other_bot = await people("alice"), await people("otherbot")
    bot = await make_bot(allow=(alice.user_id,))
    room = await room_with_bot(alice, bot)
    await alice.invite(room, other_bot.user_id)
    await other_bot.join(room)
    notice = await other_bot.send(room, "!digest latest", msgtype="m.notice")
    original = await alice.send(room, "hello")
    edit = await alice.send(room, "* !digest latest",
                            **{"m.new_content": {"msgtype": "m.text", "body": "!digest latest"},
                               "m.relates_to": {"rel_type": "m.replace", "event_id": original}})
    sentinel = await alice.send(room, "!digest issue 20")
    await alice.wait_for(lambda: alice.replies_to(room, sentinel, bot.user_id), what="sentinel")
    answered = alice.messages(room, bot.user_id)
    assert len(answered) == 1, [m["content"]["body"][:60] for m in answered]
    for ev in (notice, edit):
        assert alice.replies_to(room, ev, bot.user_id) == []


async def test_flooding_does_not_flood_the_room(people, make_bot):
    alice = await people("alice")
    bot = await make_bot(allow=(alice.user_id,), replies_per_minute=3)
    room = await room_with_bot(alice, bot)
    sent = [await alice.send(room, f"!digest issue {20 + n % 7}") for n in range(12)]
    await alice.wait_for(lambda: all(e in bot.adapter.intake.handled for e in sent), what="all handled")
    await alice.sync()
    replies = alice.messages(room, bot.user_id)
    assert len(replies) == 3  # the budget; the rest were dropped, not queued
    assert {r["content"]["m.relates_to"]["m.in_reply_to"]["event_id"] for r in replies} \
        == set(sent[:3])


async def test_the_same_command_repeated_in_one_batch_is_answered_once(people, make_bot):
    alice = await people("alice")
    bot = await make_bot(allow=(alice.user_id,))
    room = await room_with_bot(alice, bot)
    await bot.stop()  # while it is away, the commands pile up into one sync batch
    evs = [await alice.send(room, "!digest latest") for _ in range(3)]
    other = await alice.send(room, "!digest issue 20")
    await bot.start()
    await alice.wait_for(lambda: alice.replies_to(room, other, bot.user_id))
    assert all(e in bot.adapter.intake.handled for e in evs)
    await alice.sync()
    assert [len(alice.replies_to(room, e, bot.user_id)) for e in evs] == [1, 0, 0]
