"""The real bolt app behind the real aiohttp server, driven with signed requests, answering
through a fake Slack on 127.0.0.1, with the real core over a real store."""
from __future__ import annotations

import json
import time

from fake_slack import check_message
from slack_signing import FORM, JSON, block_action, dm, event_callback, mention, signed_headers, slash_command

from slack_env import SECRET

from adapters.slack_render import MORE_ACTION, WORD_JOINER
from bot.state import BotState


def texts(entries) -> str:
    return json.dumps([e.get("blocks") for e in entries], ensure_ascii=False) + "".join(e["text"] for e in entries)


async def test_slash_command_is_answered_ephemerally(bot, fake):
    status, body = await bot.command("issue 19")
    assert status == 200
    answer = json.loads(body)  # the answer rides in the ack: Slack's immediate response
    assert answer["response_type"] == "ephemeral"
    assert check_message(answer) is None
    assert answer["blocks"][0]["type"] == "header" and "19" in answer["blocks"][0]["text"]["text"]
    assert "Heat" in texts([answer])
    await bot.settle()
    assert fake.posts() == [] and fake.ephemeral == []  # nothing else was sent anywhere


async def test_share_posts_in_the_channel(bot, fake):
    status, body = await bot.command("share latest heat")
    assert status == 200
    answer = json.loads(body)
    assert answer["response_type"] == "in_channel"
    assert "Heat" in answer["blocks"][0]["text"]["text"]
    assert "share" not in answer["blocks"][0]["text"]["text"].lower()


async def test_empty_command_gives_help(bot, fake):
    _, body = await bot.command("")
    assert "What I can do" in json.loads(body)["blocks"][0]["text"]["text"]


async def _rejected(bot, fake, body: str, headers: dict) -> int:
    async with bot.session.post(bot.url, data=body.encode(), headers=headers) as resp:
        status = resp.status
    await bot.settle()
    assert fake.ephemeral == [] and fake.posts() == []
    assert [c for c in fake.calls if c.method != "auth.test"] == []
    return status


async def test_bad_signature_is_401_and_nothing_posted(bot, fake):
    body = slash_command("latest", response_url=fake.response_url("C0GENERAL", "U0ALICE"))
    headers = signed_headers("not-the-secret", body, content_type=FORM)
    assert await _rejected(bot, fake, body, headers) == 401


async def test_missing_signature_is_401(bot, fake):
    body = slash_command("latest", response_url=fake.response_url("C0GENERAL", "U0ALICE"))
    assert await _rejected(bot, fake, body, {"Content-Type": FORM}) == 401


async def test_six_minute_old_timestamp_is_401(bot, fake):
    body = slash_command("latest", response_url=fake.response_url("C0GENERAL", "U0ALICE"))
    headers = signed_headers(SECRET, body, content_type=FORM,
                             timestamp=int(time.time()) - 6 * 60)
    assert await _rejected(bot, fake, body, headers) == 401


async def test_body_altered_after_signing_is_401(bot, fake):
    body = slash_command("latest", response_url=fake.response_url("C0GENERAL", "U0ALICE"))
    headers = signed_headers(SECRET, body, content_type=FORM)
    tampered = body.replace("text=latest", "text=share+latest")
    assert tampered != body
    assert await _rejected(bot, fake, tampered, headers) == 401


async def test_signed_event_with_wrong_secret_is_401(bot, fake):
    body = json.dumps(event_callback(mention("latest")))
    headers = signed_headers("wrong", body, content_type=JSON)
    assert await _rejected(bot, fake, body, headers) == 401


async def test_url_verification_challenge(bot):
    status, text = await bot.post(json.dumps({"type": "url_verification", "challenge": "abc123",
                                              "token": "x"}), JSON)
    assert status == 200 and "abc123" in text


async def test_app_mention_in_a_thread_is_answered_in_that_thread(bot, fake):
    status, _ = await bot.event(mention("latest heat", thread_ts="1710000000.000100"))
    assert status == 200
    await fake.wait_for(lambda: fake.calls_to("chat.postMessage"))
    [call] = fake.calls_to("chat.postMessage")
    assert call.ok and call.args["channel"] == "C0GENERAL"
    assert call.args["thread_ts"] == "1710000000.000100"
    assert "Heat" in call.args["blocks"][0]["text"]["text"]
    assert call.args["link_names"] is False


async def test_app_mention_outside_a_thread_answers_in_the_channel(bot, fake):
    await bot.event(mention("issue 18"))
    await fake.wait_for(lambda: fake.calls_to("chat.postMessage"))
    [call] = fake.calls_to("chat.postMessage")
    assert "thread_ts" not in call.args
    assert "18" in call.args["blocks"][0]["text"]["text"]


async def test_direct_message_is_answered(bot, fake):
    await bot.event(dm("issues"))
    await fake.wait_for(lambda: fake.posts("D0ALICE"))
    [msg] = fake.posts("D0ALICE")
    assert "3 issues" in msg["blocks"][0]["text"]["text"]


async def test_bot_messages_edits_and_channel_chatter_are_ignored(bot, fake):
    await bot.event(dm("issues", bot_id="B0OTHER"))
    await bot.event(dm("issues", subtype="bot_message"))
    await bot.event(dm("issues", subtype="message_changed"))
    await bot.event({**dm("issues"), "channel_type": "channel", "channel": "C0GENERAL"})
    await bot.event(dm("issues", user="U0BOT", bot_id="B0BOT"))  # ourselves
    await bot.event(dm("help"))  # the control: a real DM is answered
    await fake.wait_for(lambda: fake.posts("D0ALICE"))
    await bot.settle()
    assert len(fake.calls_to("chat.postMessage")) == 1
    assert "What I can do" in fake.posts("D0ALICE")[0]["blocks"][0]["text"]["text"]


async def test_retried_event_is_answered_once(bot, fake):
    event = mention("issue 19")
    status1, _ = await bot.event(event, event_id="Ev0RETRY1")
    status2, _ = await bot.event(event, event_id="Ev0RETRY1",
                                 headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    assert status1 == status2 == 200
    await bot.settle()
    assert len(fake.calls_to("chat.postMessage")) == 1
    await bot.event(mention("issue 19"), event_id="Ev0OTHER")  # a new event is still answered
    await fake.wait_for(lambda: len(fake.calls_to("chat.postMessage")) == 2)


async def test_same_event_id_twice_without_retry_headers_is_answered_once(bot, fake):
    for _ in range(3):
        await bot.event(dm("issues"), event_id="Ev0DOUBLE")
    await bot.settle()
    assert len(fake.calls_to("chat.postMessage")) == 1


async def test_dedupe_survives_a_restart_of_the_app(bot, fake, slack_core, slack_store):
    """The seen ids live in SQLite: a new app over the same store still knows them."""
    await bot.event(dm("issues"), event_id="Ev0PERSIST")
    await bot.settle()
    assert BotState.of(slack_store).seen_events("slack").claim("Ev0PERSIST") is False
    assert BotState.of(slack_store).seen_events("slack").claim("Ev0FRESH") is True


async def test_429_then_success(bot, fake):
    fake.inject_429("chat.postMessage", 1, retry_after=0, channel="C0GENERAL")
    await bot.event(mention("issue 18"))
    await fake.wait_for(lambda: fake.calls_to("chat.postMessage", ok=True), timeout=10)
    statuses = [c.status for c in fake.calls_to("chat.postMessage")]
    assert statuses == [429, 200]
    assert len(fake.posts("C0GENERAL")) == 1


async def test_200_items_paged_within_limits_and_show_more(bot, fake):
    _, body = await bot.command("issue 30 cinder")
    await bot.settle()
    first = [json.loads(body)] + list(fake.ephemeral)  # the ack, and any overflow messages
    for m in first:
        assert check_message(m) is None
        assert len(m["blocks"]) <= 50
    blob = texts(first)
    assert "cinder/0|" in blob and "cinder/49|" in blob and "cinder/50|" not in blob
    buttons = [e for m in first for b in m["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [b["action_id"] for b in buttons] == [MORE_ACTION]
    assert "150" in buttons[0]["text"]["text"]

    fake.ephemeral.clear()
    url = fake.response_url("C0GENERAL", "U0ALICE")
    status, ack = await bot.interactive(block_action(response_url=url))
    assert status == 200 and ack == ""
    await fake.wait_for(lambda: fake.ephemeral)
    await bot.settle()
    second = texts(fake.ephemeral)
    assert "cinder/50|" in second and "cinder/99|" in second and "cinder/49|" not in second
    assert all(check_message(m) is None for m in fake.ephemeral)
    assert "100" in second  # the next button: 100 left

    # Someone else's click pages their own conversation, not Alice's.
    fake.ephemeral.clear()
    await bot.interactive(block_action(user="U0BOB", response_url=fake.response_url("C0GENERAL", "U0BOB")))
    await fake.wait_for(lambda: fake.ephemeral)
    assert "Nothing more to show" in texts(fake.ephemeral)


async def test_a_reply_longer_than_one_message_continues_via_response_url(bot, fake, slack_core):
    """A page too big for one message: the ack carries the first message, the rest goes to
    the response_url (which takes 5), every message within Slack's limits."""
    slack_core.page_size = 200  # what a huge page_size would do: 200 items of ~260 characters
    _, body = await bot.command("issue 30 cinder")
    await fake.wait_for(lambda: len(fake.ephemeral) >= 1)
    await bot.settle()
    messages = [json.loads(body)] + fake.ephemeral
    assert 2 <= len(messages) <= 5
    assert len([c for c in fake.calls if c.method == "response_url"]) == len(messages) - 1
    for m in messages:
        assert check_message(m) is None and m["response_type"] == "ephemeral"
    blob = texts(messages)
    shown = [n for n in range(200) if f"cinder/{n}|" in blob]
    assert shown == list(range(len(shown))) and len(shown) > 100  # in order, nothing skipped
    if len(shown) < 200:
        assert "…and" in texts(messages[-1:])  # says what is left


async def test_hostile_archive_text_arrives_escaped(bot, fake):
    await bot.event(mention("issue 19 neutron"))
    await fake.wait_for(lambda: fake.calls_to("chat.postMessage"))
    [call] = fake.calls_to("chat.postMessage")
    sent = json.dumps(call.args["blocks"], ensure_ascii=False) + call.args["text"]
    for ping in ("<!channel>", "<!here>", "<@U0ALICE>"):
        assert ping not in sent
    assert "&lt;!channel&gt;" in sent and "&lt;!here&gt;" in sent and "&lt;@U0ALICE&gt;" in sent
    for word in ("here", "channel", "everyone"):
        assert f"@{word}" not in sent and f"@{WORD_JOINER}{word}" in sent
    assert "a=1&amp;b=2" in sent


async def test_subscribe_from_slack_is_stored_for_dm_announcements(bot, fake, slack_store):
    _, body = await bot.command("subscribe heat", user="U0CAROL")
    assert "subscribed to Heat" in json.loads(body)["blocks"][0]["text"]["text"]
    assert ("slack", "U0CAROL") in [tuple(r) for r in BotState.of(slack_store).subscribers("Heat")]
