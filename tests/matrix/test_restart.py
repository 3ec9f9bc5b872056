"""Sync tokens in the store: no history on a first start, catch-up after a restart, nothing
answered twice."""
from __future__ import annotations

from matrix_support import room_with_bot, unique


async def test_history_before_the_first_join_is_not_answered(people, make_bot):
    alice = await people("alice")
    bot = await make_bot(allow=(alice.user_id,))
    room = await alice.create_room()
    old = [await alice.send(room, "!digest latest"), await alice.send(room, "!digest issue 21")]
    await alice.invite(room, bot.user_id)
    await alice.wait_for(lambda: alice.membership(room, bot.user_id) == "join")
    sentinel = await alice.send(room, "!digest issue 20")
    await alice.wait_for(lambda: alice.replies_to(room, sentinel, bot.user_id), what="sentinel")
    assert [alice.replies_to(room, e, bot.user_id) for e in old] == [[], []]
    assert len(alice.messages(room, bot.user_id)) == 1


async def test_first_start_skips_what_was_said_in_rooms_it_is_already_in(people, make_bot, synapse):
    """The bot's account is already in a room (joined by hand) when the bot first starts."""
    from nio import AsyncClient

    alice = await people("alice")
    reg = synapse.register("digestbotpre" + alice.user_id[1:].split(":")[0])
    room = await alice.create_room(invite=(reg.user_id,))
    by_hand = AsyncClient(synapse.base_url, reg.user_id, device_id=reg.device_id)
    by_hand.restore_login(reg.user_id, reg.device_id, reg.access_token)
    await by_hand.join(room)
    await by_hand.close()
    old = await alice.send(room, "!digest latest")
    bot = await make_bot(reg=reg, allow=(alice.user_id,))
    sentinel = await alice.send(room, "!digest issue 20")
    await alice.wait_for(lambda: alice.replies_to(room, sentinel, bot.user_id), what="sentinel")
    assert alice.replies_to(room, old, bot.user_id) == []
    assert bot.store.kv_get(f"matrix:{bot.user_id}:next_batch")


async def test_restart_answers_what_was_said_while_down_exactly_once(people, make_bot):
    alice = await people("alice")
    bot = await make_bot(allow=(alice.user_id,))
    room = await room_with_bot(alice, bot)
    before = await alice.send(room, "!digest issue 21")
    await alice.wait_for(lambda: alice.replies_to(room, before, bot.user_id))
    await bot.stop()

    while_down = [await alice.send(room, f"!digest issue {n}") for n in (22, 23, 24)]
    await bot.start()
    for ev in while_down:
        await alice.wait_for(lambda: alice.replies_to(room, ev, bot.user_id), what=ev)

    await bot.restart()  # and once more, with nothing new: nothing is answered again
    sentinel = await alice.send(room, "!digest issue 25")
    await alice.wait_for(lambda: alice.replies_to(room, sentinel, bot.user_id))
    await alice.sync()
    for ev in [before, *while_down, sentinel]:
        assert len(alice.replies_to(room, ev, bot.user_id)) == 1, ev
    assert len(alice.messages(room, bot.user_id)) == 5


async def test_a_long_absence_fills_the_gap(people, make_bot):
    """More messages while down than one sync timeline holds (limit 50): all are seen."""
    alice = await people("alice")
    bot = await make_bot(allow=(alice.user_id,))
    room = await room_with_bot(alice, bot)
    await bot.stop()
    first = await alice.send(room, "!digest issue 20")
    for n in range(70):
        await alice.send(room, f"chatter {n}")
    last = await alice.send(room, "!digest issue 21")
    await bot.start()
    await alice.wait_for(lambda: alice.replies_to(room, last, bot.user_id), what="last")
    await alice.wait_for(lambda: alice.replies_to(room, first, bot.user_id), what="first (gap)")


async def test_an_expired_access_token_is_replaced_by_a_password_login(people, make_bot, synapse, admin,
                                                                      monkeypatch):
    import os
    import time
    from urllib.parse import quote

    from matrix_support import until

    alice = await people("alice")
    reg = synapse.register(unique("digestbot"), displayname="Digest Bot")
    # a token that expires: the homeserver answers with a *soft* logout once it has
    token = synapse.request("POST", f"/_synapse/admin/v1/users/{quote(reg.user_id)}/login",
                            {"valid_until_ms": int(time.time() * 1000) + 3000},
                            token=admin.access_token)["access_token"]
    monkeypatch.setenv(f"MATRIX_TEST_NO_TOKEN_{os.getpid()}", token)  # the bot's access_token_env
    bot = await make_bot(reg=reg, allow=(alice.user_id,), adapter={"sync_timeout_ms": 300})
    assert bot.adapter.session.client.access_token == token
    await until(lambda: bot.adapter.session.client.access_token not in ("", token), timeout=15,
                what="a password login after the token expired")
    room = await room_with_bot(alice, bot)
    ev = await alice.send(room, "!digest latest")
    await alice.wait_for(lambda: alice.replies_to(room, ev, bot.user_id), what="an answer after it")
    assert bot.adapter.session.fatal is None


async def test_an_access_token_that_expired_while_down_falls_back_to_the_password(people, make_bot, synapse,
                                                                                 admin, monkeypatch):
    import os
    import time
    from urllib.parse import quote

    alice = await people("alice")
    reg = synapse.register(unique("digestbot"), displayname="Digest Bot")
    token = synapse.request("POST", f"/_synapse/admin/v1/users/{quote(reg.user_id)}/login",
                            {"valid_until_ms": int(time.time() * 1000) - 1000},
                            token=admin.access_token)["access_token"]  # already expired
    monkeypatch.setenv(f"MATRIX_TEST_NO_TOKEN_{os.getpid()}", token)
    bot = await make_bot(reg=reg, allow=(alice.user_id,))
    assert bot.adapter.session.client.access_token not in ("", token) and bot.adapter.session.fatal is None
    room = await room_with_bot(alice, bot)
    ev = await alice.send(room, "!digest latest")
    await alice.wait_for(lambda: alice.replies_to(room, ev, bot.user_id), what="an answer")


async def test_a_first_start_soon_after_another_still_skips_history(people, make_bot, tmp_path):
    # Synapse caches a /sync answer for two minutes: the second first start must not get the first's
    alice = await people("alice")
    bot = await make_bot(allow=(alice.user_id,))
    room = await room_with_bot(alice, bot)
    await bot.stop()
    old = await alice.send(room, "!digest latest")  # said while the bot was away, before its store was lost
    bot.db = tmp_path / "a-new-install.db"
    await bot.start()
    sentinel = await alice.send(room, "!digest issue 20")
    await alice.wait_for(lambda: alice.replies_to(room, sentinel, bot.user_id), what="the sentinel's answer")
    assert alice.replies_to(room, old, bot.user_id) == []
