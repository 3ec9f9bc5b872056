"""Announcements through the Slack destinations, with the real outbox and announcer."""
from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from dataclasses import replace
from datetime import date

import pytest
from slack_sdk.web.async_client import AsyncWebClient
from slack_env import HERE
from fake_slack import check_message

from adapters.slack import SlackChannelDestination, SlackDMDestination, make_client
from adapters.slack.destinations import EVENT_TYPE, Workspace, find_posted
from bot.announcer import Announcer
from bot.bootstrap import destination_specs
from bot.config import AnnounceConfig, Config, SlackConfig
from bot.delivery import Delivery, DeliveryError
from bot.reply import Context
from bot.scan import Bot
from tests.outbox_rows import outbox_rows
from tests.polling import until
from tests.posts import write_issue

CHANNEL = "C0NEWS"
CHILD = HERE / "slack_announce_child.py"


def delivery(key: str = "digest-bot:19:slack:C0NEWS:announce:0", *, kind: str = "announce", target: str = CHANNEL,
             issue: int = 19, remote_ref: str | None = None) -> Delivery:
    return Delivery(id=1, key=key, destination=f"slack:{target}", target=target, issue=issue, kind=kind,
                    remote_ref=remote_ref)


@pytest.fixture
def client(fake):
    return make_client(SlackConfig(base_url=fake.base_url))  # the token: $SLACK_BOT_TOKEN (the fake's)


@pytest.fixture
def channel(client):
    return SlackChannelDestination(client, CHANNEL)


# --- the destination on its own --------------------------------------------------------

async def test_posts_with_metadata_and_looks_up_only_after_an_unsure_attempt(channel, fake, slack_core):
    fake.channel_interval = 0  # the destination alone, without the announcer's pacing
    reply = slack_core.announcement(19)
    fake.add_message(CHANNEL, "chatter before")
    ts = await channel.send(delivery(), reply)
    [msg] = [m for m in fake.posts(CHANNEL) if m.get("bot_id")]
    assert msg["ts"] == ts
    assert msg["metadata"] == {"event_type": EVENT_TYPE, "event_payload": {
        "issue": 19, "delivery_key": "digest-bot:19:slack:C0NEWS:announce:0", "kind": "announce"}}
    assert fake.calls_to("conversations.history") == []  # a first attempt posts at once
    fake.add_message(CHANNEL, "chatter after")
    # An attempt after one that may have reached Slack: the key is found, nothing posted again.
    again = replace(delivery(), maybe_sent_at=time.time() - 1, attempt=1)
    assert await channel.send(again, reply) == ts
    assert len(fake.calls_to("chat.postMessage")) == 1
    [hist] = fake.calls_to("conversations.history")
    assert hist.args["include_all_metadata"] in (True, "true", "1", 1)
    assert int(hist.args["limit"]) <= 15 and float(hist.args["oldest"]) <= again.maybe_sent_at
    other = await channel.send(delivery("digest-bot:19:slack:C0NEWS:announce:1"), reply)
    assert other != ts and len(fake.calls_to("chat.postMessage")) == 2
    assert channel.name == "slack:C0NEWS" and channel.min_interval == 1.0


async def test_an_unsure_attempt_that_did_not_arrive_is_posted_once(channel, fake, slack_core):
    d = replace(delivery(), maybe_sent_at=time.time() - 5, attempt=1)
    ts = await channel.send(d, slack_core.announcement(19))
    assert ts and len(fake.posts(CHANNEL)) == 1 and len(fake.calls_to("conversations.history")) == 1


async def test_lookups_are_held_to_the_workspace_budget(client, fake, slack_core):
    """A distributed app outside the Marketplace may read history once a minute: the second
    look-up waits (this lane only; it is not a 429 for the workspace)."""
    ws = Workspace(client, history_per_minute=1)
    a = SlackChannelDestination(client, CHANNEL, workspace=ws)
    b = SlackChannelDestination(client, "C0OTHER", workspace=ws)
    unsure = dict(maybe_sent_at=time.time() - 1, attempt=1)
    await a.send(replace(delivery(), **unsure), slack_core.announcement(19))
    with pytest.raises(DeliveryError) as e:
        await b.send(replace(delivery(target="C0OTHER"), **unsure), slack_core.announcement(19))
    assert 0 < e.value.retry_after <= 60 and not e.value.rate_limited and e.value.unsent
    assert ws.history_calls == 1 and len(fake.calls_to("conversations.history")) == 1


async def test_lookup_window_is_limited(client, fake):
    for n in range(5):
        fake.add_message(CHANNEL, f"m{n}")
    assert await find_posted(client, CHANNEL, "k", window=3) is None
    assert fake.calls_to("conversations.history")[-1].args["limit"] in ("3", 3)


async def test_edit_updates_the_message_in_place(channel, fake, slack_core):
    ts = await channel.send(delivery(), slack_core.announcement(18))
    ref = await channel.send(delivery("digest-bot:19:slack:C0NEWS:edit:0", kind="edit", remote_ref=ts),
                             slack_core.announcement(19))
    assert ref == ts
    [msg] = fake.posts(CHANNEL)
    assert "19" in msg["blocks"][0]["text"]["text"] and "edited" in msg
    [upd] = fake.calls_to("chat.update")
    assert upd.ok and upd.args["ts"] == ts


async def test_dm_destination_posts_to_the_user_and_is_idempotent(client, fake, slack_core):
    dm = SlackDMDestination(client)
    assert dm.name == "slack-dm" and dm.concurrency > 1 and dm.rate_group == "slack"
    d = Delivery(id=2, key="digest-bot:19:slack-dm:dm:Heat:U0CAROL", destination="slack-dm", target="U0CAROL",
                 issue=19, kind="dm")
    reply = slack_core.subscription_digest(19, "Heat")
    ts = await dm.send(d, reply)
    assert fake.calls_to("conversations.open") == []  # posted with the user id as the channel
    # after a crash mid-send, a fresh process (no DM ids known) opens the DM to look the key up
    fresh = SlackDMDestination(client)
    assert await fresh.send(replace(d, maybe_sent_at=time.time() - 1, attempt=1), reply) == ts
    [msg] = fake.posts("D0CAROL")
    assert "Heat" in msg["blocks"][0]["text"]["text"]
    assert fake.calls_to("conversations.open")[0].args["users"] == "U0CAROL"


@pytest.mark.parametrize("setup,error", [
    (lambda f: f.missing.add(CHANNEL), "channel_not_found"),
    (lambda f: f.not_in.add(CHANNEL), "not_in_channel"),
])
async def test_channel_problems_are_permanent(channel, fake, slack_core, setup, error):
    setup(fake)
    with pytest.raises(DeliveryError) as e:
        await channel.send(delivery(), slack_core.announcement(19))
    assert e.value.permanent and error in str(e.value)


async def test_bad_token_is_permanent(fake, slack_core, monkeypatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-wrong")
    dest = SlackChannelDestination(make_client(SlackConfig(base_url=fake.base_url)), CHANNEL)
    with pytest.raises(DeliveryError) as e:
        await dest.send(delivery(), slack_core.announcement(19))
    assert e.value.permanent and "invalid_auth" in str(e.value)
    assert fake.posts(CHANNEL) == []


async def test_429_comes_back_to_the_announcer(channel, fake, slack_core):
    """The destinations' client does not retry a 429 itself: the announcer holds the workspace."""
    fake.inject_429("chat.postMessage", 1, retry_after=0, channel=CHANNEL)
    with pytest.raises(DeliveryError) as e:
        await channel.send(delivery(), slack_core.announcement(19))
    assert not e.value.permanent and e.value.retry_after is not None and e.value.retry_after >= 1
    assert e.value.rate_limited and e.value.unsent
    assert fake.posts(CHANNEL) == []
    ts = await channel.send(delivery(), slack_core.announcement(19))  # the outbox's retry
    assert ts and len(fake.posts(CHANNEL)) == 1


async def test_retry_after_reaches_the_outbox(fake, slack_core):
    """Without the client's own retry, the 429's Retry-After is what the outbox waits."""
    bare = AsyncWebClient(token=fake.bot_token, base_url=fake.base_url)
    fake.inject_429("chat.postMessage", 1, retry_after=7, channel=CHANNEL)
    with pytest.raises(DeliveryError) as e:
        await SlackChannelDestination(bare, CHANNEL).send(delivery(), slack_core.announcement(19))
    assert e.value.retry_after == 7.0 and not e.value.permanent


async def test_network_error_is_transient(slack_core, monkeypatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-x")
    dead = SlackChannelDestination(make_client(SlackConfig(base_url="http://127.0.0.1:9/api/")), CHANNEL)
    with pytest.raises(DeliveryError) as e:
        await dead.send(delivery(), slack_core.announcement(19))
    assert not e.value.permanent


async def test_big_and_hostile_announcement_fits_and_cannot_ping(channel, fake, slack_core):
    fake.channel_interval = 0
    await channel.send(delivery(issue=30), slack_core.announcement(30, items_per_section=200))
    await channel.send(delivery("k19", issue=19), slack_core.announcement(19))
    for call in fake.calls_to("chat.postMessage"):
        assert call.ok and check_message(call.args) is None
    sent = json.dumps(fake.posts(CHANNEL), ensure_ascii=False)
    assert "<!channel>" not in sent and "&lt;!channel&gt;" in sent


# --- with the real outbox and announcer ------------------------------------------------

def news_config(fake, **slack) -> Config:
    return Config(page_size=50, announce=AnnounceConfig(items_per_section=3),
                  slack=SlackConfig(channels=(CHANNEL,), base_url=fake.base_url, **slack))


async def test_killed_mid_delivery_then_restarted_posts_once(fake, tmp_path, slack_archive):
    config = news_config(fake, backlog=1)
    db = tmp_path / "bot.db"
    bot = Bot(config, db, archive=slack_archive)
    bot.introduce(destination_specs(config, console=False))
    bot.scan()
    [row] = outbox_rows(bot.store.db, f"slack:{CHANNEL}", ["pending"])
    assert row["issue"] == 30

    fake.hold_posts = asyncio.Event()  # the post reaches Slack; the answer never gets back
    env = {**os.environ, "SLACK_BOT_TOKEN": fake.bot_token}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, str(CHILD), str(db), str(slack_archive), fake.base_url, CHANNEL,
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        await fake.wait_for(lambda: fake.posts(CHANNEL), timeout=30)
    finally:
        proc.send_signal(signal.SIGKILL)
        out, err = await proc.communicate()
    assert proc.returncode == -signal.SIGKILL, err.decode()[-2000:]
    assert b"{" not in out  # it never finished its drain
    fake.hold_posts.set()
    fake.hold_posts = None
    [posted] = fake.posts(CHANNEL)

    [row] = outbox_rows(bot.store.db, f"slack:{CHANNEL}", ["pending", "delivered"])
    assert row["state"] == "pending" and row["remote_ref"] is None  # sent, but not recorded

    # The restarted bot sends the same delivery again: the metadata is found, nothing is posted.
    dest = SlackChannelDestination(make_client(config.slack), CHANNEL)
    result = await Announcer(bot.outbox, [dest], bot.render).drain(budget=30)
    assert result == {f"slack:{CHANNEL}": 1}
    assert fake.posts(CHANNEL) == [posted]
    [row] = outbox_rows(bot.store.db, f"slack:{CHANNEL}", ["pending", "delivered"])
    assert row["state"] == "delivered" and row["remote_ref"] == posted["ts"]
    history = fake.calls_to("conversations.history")
    assert history and history[-1].args["channel"] == CHANNEL
    bot.close()


async def test_announcer_pacing_matches_slacks_one_message_per_second(fake, tmp_path, slack_archive):
    """The fake answers 429 to posts closer than 1 s in a channel, by its own clock; the
    announcer paces from the end of each send (after the fake stamped the post), so it never
    meets one, however slow the machine."""
    config = news_config(fake, backlog=3)
    bot = Bot(config, tmp_path / "bot.db", archive=slack_archive)
    bot.introduce(destination_specs(config, console=False))
    bot.scan()
    fake.pace(CHANNEL, 1.0)
    client = make_client(config.slack)
    result = await Announcer(bot.outbox, [SlackChannelDestination(client, CHANNEL)], bot.render).drain(budget=30)
    assert result == {f"slack:{CHANNEL}": 3}
    posts = fake.calls_to("chat.postMessage")
    assert [c.status for c in posts] == [200, 200, 200]
    assert [m["metadata"]["event_payload"]["issue"] for m in fake.posts(CHANNEL)] == [18, 19, 30]  # in order
    bot.close()


async def test_pacing_after_a_429_counts_from_the_successful_retry(fake, tmp_path, slack_archive):
    """The first post meets a 429 and the client retries it after Retry-After; the next post
    is paced from that retry's answer, not from when the first attempt began."""
    config = news_config(fake, backlog=2)
    bot = Bot(config, tmp_path / "bot.db", archive=slack_archive)
    bot.introduce(destination_specs(config, console=False))
    bot.scan()
    fake.pace(CHANNEL, 1.0)
    fake.inject_429("chat.postMessage", 1, retry_after=1, channel=CHANNEL)
    client = make_client(config.slack)
    result = await Announcer(bot.outbox, [SlackChannelDestination(client, CHANNEL)], bot.render).drain(budget=30)
    assert result == {f"slack:{CHANNEL}": 2}
    assert [c.status for c in fake.calls_to("chat.postMessage")] == [429, 200, 200]
    bot.close()


async def test_subscriber_gets_a_dm_and_a_correction_edits_the_announcement(fake, tmp_path, slack_archive):
    config = news_config(fake)
    bot = Bot(config, tmp_path / "bot.db", archive=slack_archive)
    bot.introduce(destination_specs(config, console=False))
    bot.scan()  # back catalogue: nothing to announce
    reply = bot.core.handle("subscribe heat", Context("slack", "U0CAROL", "C0GENERAL"))
    assert reply.ok

    post = write_issue(slack_archive, 31, date(2015, 2, 3), {
        "Heat": ["Heat 新功能。  \n<http://example.org/heat/31>"], "Nova": ["Nova news.  \n<http://example.org/n/31>"]})
    bot.scan()
    client = make_client(config.slack)
    dests = [SlackChannelDestination(client, CHANNEL), SlackDMDestination(client)]
    result = await Announcer(bot.outbox, dests, bot.render).drain(budget=30)
    assert result == {f"slack:{CHANNEL}": 1, "slack-dm": 1}
    [ann] = fake.posts(CHANNEL)
    assert "31" in ann["blocks"][0]["text"]["text"]
    [dm] = fake.posts("D0CAROL")
    assert "heat/31" in json.dumps(dm["blocks"]) and "n/31" not in json.dumps(dm["blocks"])

    post.write_text(post.read_text(encoding="utf-8").replace("Heat 新功能", "Heat 新功能 (corrected)"),
                    encoding="utf-8")
    bot.scan()
    result = await Announcer(bot.outbox, dests, bot.render).drain(budget=30)
    assert result[f"slack:{CHANNEL}"] == 1
    [ann2] = fake.posts(CHANNEL)
    assert ann2["ts"] == ann["ts"] and "corrected" in json.dumps(ann2["blocks"], ensure_ascii=False)
    assert len(fake.calls_to("chat.postMessage")) == 2  # the announcement and the DM; the edit updated
    bot.close()


async def test_dm_fan_out_is_concurrent_and_slows_down_only_on_429(fake, tmp_path, slack_archive):
    """40 subscribers of Heat, a workspace limit of 10 posts/s (burst 5) enforced by the fake:
    every DM arrives exactly once, with no history look-up; each 429 reached the announcer,
    which held the workspace; one user subscribed to two projects gets two DMs, 1 s apart."""
    fake.workspace_limit(10, burst=5)
    config = news_config(fake)
    bot = Bot(config, tmp_path / "bot.db", archive=slack_archive)
    bot.introduce(destination_specs(config, console=False))
    bot.scan()
    users = [f"U{n:04d}" for n in range(40)]
    for u in users:
        assert bot.core.handle("subscribe heat", Context("slack", u, "C0GENERAL")).ok
    assert bot.core.handle("subscribe nova", Context("slack", users[0], "C0GENERAL")).ok
    write_issue(slack_archive, 31, date(2015, 2, 3), {
        "Heat": ["Heat 新功能。  \n<http://example.org/heat/31>"], "Nova": ["Nova news.  \n<http://example.org/n/31>"]})
    bot.scan()
    client = make_client(config.slack)
    dm = SlackDMDestination(client, concurrency=16)
    ann = Announcer(bot.outbox, [dm], bot.render, retry_min=0.05, retry_max=0.5)
    task = asyncio.create_task(ann.run())
    try:
        await fake.wait_for(lambda: len(fake.posts()) == 41, timeout=60)
        await until(lambda: not outbox_rows(bot.store.db, "slack-dm", ["pending"]), what="every DM recorded")
    finally:
        await ann.stop(5)
        await asyncio.gather(task, return_exceptions=True)
    per_dm = {u: fake.posts("D" + u[1:]) for u in users}
    assert sorted(len(p) for p in per_dm.values()) == [1] * 39 + [2]
    keys = [m["metadata"]["event_payload"]["delivery_key"] for m in fake.posts()]
    assert len(keys) == len(set(keys)) == 41
    assert fake.calls_to("conversations.history") == [] and fake.calls_to("conversations.open") == []
    assert fake.rate_limited >= 1 and ann.rate_limited == {"slack": fake.rate_limited}
    two = [c for c in fake.calls_to("chat.postMessage", ok=True) if c.args["channel"] == "D" + users[0][1:]]
    assert len(two) == 2  # the fake accepted both: they were >= 1 s apart by its clock
    bot.close()
