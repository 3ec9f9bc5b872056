"""Invites: join allow-listed inviters (user or server), decline the rest; configured rooms
are joined at start."""
from __future__ import annotations

from matrix_support import room_with_bot

from adapters.matrix.client import state_key


async def test_invite_from_a_stranger_is_declined_and_from_an_allowed_user_joined(people, make_bot):
    alice, mallory = await people("alice"), await people("mallory")
    bot = await make_bot(allow=(alice.user_id,))
    bad = await mallory.create_room(invite=(bot.user_id,))
    good = await alice.create_room(invite=(bot.user_id,))
    await mallory.wait_for(lambda: mallory.membership(bad, bot.user_id) == "leave",
                           what="the invite to be declined")
    await alice.wait_for(lambda: alice.membership(good, bot.user_id) == "join")
    assert mallory.membership(bad, bot.user_id) == "leave"
    assert bad not in bot.adapter.session.client.rooms


async def test_server_wide_allow_entry(people, make_bot, synapse):
    from matrix_harness import SERVER_NAME

    alice = await people("alice")
    bot = await make_bot(allow=(":" + SERVER_NAME,))
    room = await room_with_bot(alice, bot)
    await alice.wait_for(lambda: room in bot.adapter.session.client.rooms, what="the bot to sync it")
    assert bot.adapter.rooms.invite_allowed("@x:" + SERVER_NAME)
    assert not bot.adapter.rooms.invite_allowed("@x:evil." + SERVER_NAME)
    assert not bot.adapter.rooms.invite_allowed("@x:" + SERVER_NAME + ".evil")


async def test_configured_rooms_are_joined_at_start(people, make_bot):
    alice = await people("alice")
    room = await alice.create_room(public=True)
    bot = await make_bot(rooms=(room,))  # nobody is allowed to invite it: it joins by config
    await alice.wait_for(lambda: alice.membership(room, bot.user_id) == "join")
    assert not bot.adapter.rooms.is_dm(room)  # an announcement room is never a DM, however quiet


async def test_a_join_that_fails_on_the_way_is_retried_until_it_works(people, make_bot, synapse):
    from matrix_support import FlakyProxy, unique

    alice = await people("alice")
    proxy = await FlakyProxy(synapse.base_url, "/join/", fail=2).start()
    try:
        reg = synapse.register(unique("digestbot"), displayname="Digest Bot")
        bot = await make_bot(server=proxy, reg=reg, allow=(alice.user_id,),
                             adapter={"sync_timeout_ms": 300})  # a retry follows each sync
        room = await alice.create_room(invite=(bot.user_id,))
        await alice.wait_for(lambda: alice.membership(room, bot.user_id) == "join",
                             what="the bot to join after two failed tries")
        assert proxy.failed == 2
        assert bot.adapter.rooms.pending_invites == {} and bot.store.kv_get(state_key(bot.cfg, "invites")) == "{}"
    finally:
        await proxy.close()


async def test_an_invite_not_joined_yet_survives_a_restart(people, make_bot, synapse):
    from matrix_support import FlakyProxy, unique, until

    alice = await people("alice")
    proxy = await FlakyProxy(synapse.base_url, "/join/", fail=10**6).start()
    try:
        reg = synapse.register(unique("digestbot"), displayname="Digest Bot")
        bot = await make_bot(server=proxy, reg=reg, allow=(alice.user_id,), adapter={"sync_timeout_ms": 300})
        room = await alice.create_room(invite=(bot.user_id,))
        await until(lambda: room in (bot.store.kv_get(state_key(bot.cfg, "invites")) or ""),
                    what="the failed join to be kept in the store")
        await bot.stop()  # the invite will not come again in a sync: only the store has it
        proxy.fail = 0
        await bot.start()
        await alice.wait_for(lambda: alice.membership(room, bot.user_id) == "join",
                             what="the bot to join after its restart")
    finally:
        await proxy.close()
