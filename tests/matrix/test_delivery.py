"""Destinations: room announcements, edits, subscription DMs, error mapping, 429s, homeserver
downtime (through the real outbox and announcer), a revoked token."""
from __future__ import annotations

import asyncio
from urllib.parse import quote

import pytest
from matrix_support import until

from adapters.matrix import MatrixAuthError
from adapters.matrix.destinations import MatrixRoomDestination
from archive.store import IssueChange
from bot.announcer import Announcer
from bot.delivery import Delivery, DeliveryError
from bot.outbox import DestinationSpec, Outbox
from tests.outbox_rows import outbox_rows


def announce(dest, issue: int = 20, kind: str = "announce", n: int = 0, **kw) -> Delivery:
    return Delivery(id=1, key=f"digest-bot:test-{issue}:{dest.name}:{kind}:{n}",
                    destination=dest.name, target=getattr(dest, "room", ""), issue=issue,
                    kind=kind, **kw)


async def test_announcement_once_per_key_and_edit(people, make_bot):
    alice = await people("alice")
    room = await alice.create_room(public=True)
    bot = await make_bot(rooms=(room,))
    room_dest, dm_dest = bot.adapter.destinations()
    assert room_dest.name == f"matrix:{room}" and dm_dest.name == "matrix-dm"

    d = announce(room_dest)
    reply = bot.core.announcement(20)
    first = await room_dest.send(d, reply)
    again = await room_dest.send(d, reply)  # a retry after a lost answer / a crash
    assert first and again == first
    [msg] = await alice.wait_for(lambda: alice.messages(room, bot.user_id))
    c = msg["content"]
    assert c["msgtype"] == "m.notice" and "m.relates_to" not in c and c["m.mentions"] == {}
    assert "第二十期" in c["body"] and "<b>" in c["formatted_body"]

    edit = await room_dest.send(announce(room_dest, kind="edit", remote_ref=first),
                                bot.core.announcement(21))
    [e] = await alice.wait_for(lambda: [m for m in alice.messages(room, bot.user_id)
                                        if m["event_id"] == edit])
    assert e["content"]["m.relates_to"] == {"rel_type": "m.replace", "event_id": first}
    assert "第二十一期" in e["content"]["m.new_content"]["body"]
    await alice.sync()
    assert len(alice.messages(room, bot.user_id)) == 2


async def test_subscription_dm_opens_one_direct_room_and_reuses_it(people, make_bot):
    alice = await people("alice")
    bot = await make_bot()
    dm = bot.adapter.destinations()[-1]
    d1 = Delivery(1, "k-dm-1", "matrix-dm", alice.user_id, 20, "dm")
    ev1 = await dm.send(d1, bot.core.subscription_digest(20, "Nova"))
    [room] = await alice.wait_for(lambda: sorted(alice.invites), what="the DM invite")
    await alice.join(room)
    await bot.restart()  # the DM room is remembered in the store
    dm = bot.adapter.destinations()[-1]
    ev2 = await dm.send(Delivery(2, "k-dm-2", "matrix-dm", alice.user_id, 21, "dm"),
                        bot.core.subscription_digest(21, "Nova"))
    msgs = await alice.wait_for(lambda: len(alice.messages(room, bot.user_id)) == 2
                                and alice.messages(room, bot.user_id))
    assert [m["event_id"] for m in msgs] == [ev1, ev2]
    assert alice.invites == {room}  # no second DM room
    assert bot.adapter.rooms.is_dm(room)


async def test_a_new_store_finds_the_dm_through_m_direct(people, make_bot, tmp_path):
    from urllib.parse import quote

    alice = await people("alice")
    bot = await make_bot()
    ev1 = await bot.adapter.destinations()[-1].send(Delivery(1, "k-md-1", "matrix-dm", alice.user_id, 20, "dm"),
                                                    bot.core.subscription_digest(20, "Nova"))
    [room] = await alice.wait_for(lambda: sorted(alice.invites), what="the DM invite")
    await alice.join(room)
    direct = bot.server.request(
        "GET", f"/_matrix/client/v3/user/{quote(bot.user_id)}/account_data/m.direct",
        token=bot.adapter.session.client.access_token)
    assert direct == {alice.user_id: [room]}  # what clients keep, on the account
    bot.db = tmp_path / "a-new-install.db"  # the store is gone; the account and device are not
    await bot.restart()
    ev2 = await bot.adapter.destinations()[-1].send(Delivery(2, "k-md-2", "matrix-dm", alice.user_id, 21, "dm"),
                                                    bot.core.subscription_digest(21, "Nova"))
    msgs = await alice.wait_for(lambda: len(alice.messages(room, bot.user_id)) == 2
                                and alice.messages(room, bot.user_id), what="the second DM, same room")
    assert [m["event_id"] for m in msgs] == [ev1, ev2] and alice.invites == {room}


async def test_failures_map_to_delivery_errors(people, make_bot):
    alice = await people("alice")
    private = await alice.create_room()  # the bot is not invited
    bot = await make_bot()
    nowhere = MatrixRoomDestination(bot.adapter.session, bot.adapter.rooms, private)
    with pytest.raises(DeliveryError) as e:
        await nowhere.send(announce(nowhere), bot.core.announcement(20))
    assert e.value.permanent
    dm = bot.adapter.destinations()[-1]
    with pytest.raises(DeliveryError) as e:
        await dm.send(Delivery(1, "k", "matrix-dm", "alice", 20, "dm"), bot.core.announcement(20))
    assert e.value.permanent


async def test_rate_limited_send_says_when_to_retry(people, make_bot, synapse, admin):
    alice = await people("alice")
    room = await alice.create_room(public=True)
    # nio gives up on the first 429 here, so the error reaches the outbox with retry_after
    bot = await make_bot(rooms=(room,), client={"max_limit_exceeded": 0})
    dest = bot.adapter.destinations()[0]
    synapse.override_ratelimit(admin.access_token, bot.user_id, per_second=1, burst=1)
    try:
        with pytest.raises(DeliveryError) as e:
            for n in range(5):
                await dest.send(announce(dest, n=n), bot.core.announcement(20))
        assert not e.value.permanent and e.value.rate_limited  # holds the account's rate group
        assert e.value.retry_after and 0 < e.value.retry_after <= 60
    finally:
        synapse.clear_ratelimit(admin.access_token, bot.user_id)


async def test_rate_limit_is_honoured_then_the_send_succeeds(people, make_bot, synapse, admin):
    alice = await people("alice")
    room = await alice.create_room(public=True)
    bot = await make_bot(rooms=(room,))  # default: nio waits retry_after_ms, up to 3 times
    dest = bot.adapter.destinations()[0]
    synapse.override_ratelimit(admin.access_token, bot.user_id, per_second=1, burst=1)
    try:
        refs = [await dest.send(announce(dest, n=n), bot.core.announcement(20)) for n in range(4)]
    finally:
        synapse.clear_ratelimit(admin.access_token, bot.user_id)
    assert len(set(refs)) == 4
    await alice.wait_for(lambda: len(alice.messages(room, bot.user_id)) == 4)


async def test_dms_to_different_people_go_out_concurrently_and_once(people, make_bot):
    """The announcer opens and sends the DMs of several subscribers at once (one lane per user);
    each gets exactly one message, in a DM of its own."""
    users = [await people(name) for name in ("dora", "emil", "fay", "gus")]
    bot = await make_bot()
    dm = bot.adapter.destinations()[-1]
    assert dm.name == "matrix-dm" and dm.concurrency > 1 and dm.rate_group == f"matrix:{bot.user_id}"
    outbox = Outbox(bot.store.db, issue_projects=lambda key: ["Nova"],
                    subscribers=lambda p: [("matrix", u.user_id) for u in users])
    outbox.introduce([DestinationSpec("matrix-dm", is_dm=True)], visible=[])
    outbox.on_change(bot.store.db, [IssueChange("k21", 21, "published")])
    in_flight, most = set(), [0]
    send = dm.send

    async def counting(delivery, reply):
        in_flight.add(delivery.target)
        most[0] = max(most[0], len(in_flight))
        try:
            return await send(delivery, reply)
        finally:
            in_flight.discard(delivery.target)

    dm.send = counting
    announcer = Announcer(outbox, [dm], lambda p: bot.core.subscription_digest(21, "Nova"), idle_poll=0.2)
    running = asyncio.create_task(announcer.run())
    try:
        await until(lambda: all(r["state"] == "delivered" for r in outbox_rows(bot.store.db, "matrix-dm")), timeout=60,
                    what="four DMs")
    finally:
        await announcer.stop(1)
        running.cancel()
    assert most[0] > 1  # not one after the other
    rooms = set()
    for u in users:
        [room] = await u.wait_for(lambda u=u: u.invites, what=f"{u.user_id}'s DM invite")
        rooms.add(room)
    assert len(rooms) == 4


async def test_homeserver_down_then_back_announcements_delivered_once(people, make_bot, own_synapse):
    alice = await people("alice", own_synapse)
    room = await alice.create_room(public=True)
    bot = await make_bot(server=own_synapse, rooms=(room,), adapter={"backoff_max": 1.0},
                         client={"max_timeouts": 1})
    dest = bot.adapter.destinations()[0]
    outbox = Outbox(bot.store.db)
    outbox.introduce([DestinationSpec(dest.name, target=room)], visible=[])
    announcer = Announcer(outbox, [dest], lambda p: bot.core.announcement(p.delivery.issue),
                          retry_min=0.2, retry_max=1.0, idle_poll=0.2)

    own_synapse.stop()
    outbox.on_change(bot.store.db, [IssueChange("k20", 20, "published"),
                                    IssueChange("k21", 21, "published")])
    running = asyncio.create_task(announcer.run())
    try:
        # the first attempts fail while the homeserver is down; everything stays queued
        await until(lambda: outbox_rows(bot.store.db, dest.name)[0]["attempts"] >= 2, what="failed attempts")
        assert "unreachable" in outbox_rows(bot.store.db, dest.name)[0]["last_error"]
        assert {r["state"] for r in outbox_rows(bot.store.db, dest.name)} == {"pending"}

        own_synapse.start()
        await alice.wait_for(lambda: all(r["state"] == "delivered" for r in outbox_rows(bot.store.db, dest.name)),
                             what="delivery after the restart")
    finally:
        await announcer.stop(1)
        running.cancel()
    await alice.wait_for(lambda: len(alice.messages(room, bot.user_id)) >= 2)
    await alice.sync()
    bodies = [m["content"]["body"] for m in alice.messages(room, bot.user_id)]
    assert len(bodies) == 2 and "第二十期" in bodies[0] and "第二十一期" in bodies[1]
    # and the bot's own sync loop came back too: it answers commands again
    ev = await alice.send(room, "!digest issue 22")
    await alice.wait_for(lambda: alice.replies_to(room, ev, bot.user_id), what="answer after restart")


async def test_revoked_token_stops_the_adapter_with_one_clear_error(people, make_bot, synapse, admin,
                                                                    caplog, monkeypatch):
    from adapters.matrix import make_client
    from adapters.matrix.adapter import MatrixAdapter
    from bot.config import MatrixConfig

    alice = await people("alice")
    room = await alice.create_room(public=True)
    bot = await make_bot(rooms=(room,), adapter={"sync_timeout_ms": 500})
    # an admin deletes the bot's device: its access token dies with it
    synapse.request("DELETE", f"/_synapse/admin/v2/users/{quote(bot.user_id)}/devices/DIGESTBOT",
                    token=admin.access_token)
    await asyncio.wait_for(bot.task, 20)  # run_forever returns by itself, no exception
    assert bot.adapter.session.fatal and "M_UNKNOWN_TOKEN" in bot.adapter.session.fatal
    errors = [r for r in caplog.records if r.levelname == "ERROR" and "M_UNKNOWN_TOKEN" in r.message]
    assert len(errors) == 1
    dest = bot.adapter.destinations()[0]
    with pytest.raises(DeliveryError) as e:
        await dest.send(announce(dest), bot.core.announcement(20))
    assert e.value.permanent

    # starting with a revoked access token fails at once, with the same clear reason
    monkeypatch.setenv("MATRIX_TEST_REVOKED", bot.adapter.session.client.access_token)
    cfg = MatrixConfig(homeserver=synapse.base_url, user_id=bot.user_id,
                       access_token_env="MATRIX_TEST_REVOKED", password_env="MATRIX_TEST_NONE")
    client = make_client(cfg, bot.store_dir)
    adapter = MatrixAdapter(client, bot.core, bot.store, cfg)
    with pytest.raises(MatrixAuthError, match="M_UNKNOWN_TOKEN"):
        await adapter.start()
    await adapter.stop()


async def test_homeserver_down_at_start_does_not_block_and_connects_later(people, make_bot,
                                                                          own_synapse):
    alice = await people("alice", own_synapse)
    room = await alice.create_room(public=True)
    reg = own_synapse.register("lateb0t")
    own_synapse.stop()
    bot = await make_bot(server=own_synapse, reg=reg, rooms=(room,), allow=(alice.user_id,),
                         adapter={"backoff_max": 1.0}, client={"max_timeouts": 1})
    assert not bot.adapter.session.ready.is_set()  # start() returned: the rest of the bot can run
    dest = bot.adapter.destinations()[0]
    with pytest.raises(DeliveryError) as e:
        await dest.send(announce(dest), bot.core.announcement(20))
    assert not e.value.permanent and e.value.retry_after

    own_synapse.start()
    await until(bot.adapter.session.ready.is_set, what="the start-up to complete in the background")
    assert await dest.send(announce(dest), bot.core.announcement(20))
    ev = await alice.send(room, "!digest issue 21")
    await alice.wait_for(lambda: alice.replies_to(room, ev, bot.user_id))


def _long_announcement(word: str, paragraphs: int):
    from bot.reply import Reply

    return Reply(title=f"New issue 20: {word}", kind="announcement",
                 text=tuple(f"{word} {n} " + "migration " * 1000 for n in range(paragraphs)))


def _parts(reply) -> int:
    from adapters.matrix_render import render_messages

    return len(render_messages(reply))


async def test_a_correction_replaces_every_part_of_a_split_announcement(people, make_bot):
    alice = await people("alice")
    room = await alice.create_room(public=True)
    bot = await make_bot(rooms=(room,))
    room_dest = bot.adapter.destinations()[0]
    first, shorter, longer = (_long_announcement(w, n) for w, n in (("first", 9), ("second", 5), ("third", 14)))
    assert _parts(shorter) < _parts(first) < _parts(longer)

    refs = (await room_dest.send(announce(room_dest), first)).split()
    assert len(refs) == _parts(first) >= 3
    await room_dest.send(announce(room_dest, kind="edit", remote_ref=" ".join(refs)), shorter)
    edits = await alice.wait_for(lambda: len(alice.messages(room, bot.user_id)) == 2 * len(refs)
                                 and alice.messages(room, bot.user_id)[len(refs):], what="the edits")
    assert [e["content"]["m.relates_to"]["event_id"] for e in edits] == refs  # part n replaces part n
    kept = _parts(shorter)
    assert all("second" in e["content"]["m.new_content"]["body"] for e in edits[:kept])
    assert all(e["content"]["m.new_content"]["body"] == "…" for e in edits[kept:])  # the left-over parts

    sent = (await room_dest.send(announce(room_dest, kind="edit", n=1, remote_ref=" ".join(refs)), longer)).split()
    assert len(sent) == _parts(longer)
    added = await alice.wait_for(lambda: len(alice.messages(room, bot.user_id)) == 2 * len(refs) + len(sent)
                                 and alice.messages(room, bot.user_id)[2 * len(refs):], what="the longer one")
    assert [e["content"].get("m.relates_to", {}).get("event_id") for e in added] == \
        refs + [None] * (len(sent) - len(refs))  # the parts beyond the original ones are new messages
    assert all("third" in e["content"]["body"] for e in added[len(refs):])
