"""Socket Mode: slack_sdk's aiohttp socket client against the fake's local websocket."""
from __future__ import annotations

import json

import pytest
from slack_env import slack_cfg
from slack_signing import block_action, event_callback, mention, slash_payload

from adapters.slack import SeenEvents, SlackAdapter, make_app, make_client
from bot.config import ConfigError


@pytest.fixture
async def socket_bot(fake, slack_core, slack_store):
    cfg = slack_cfg(fake, mode="socket")
    app, answers = make_app(cfg, slack_core, SeenEvents(slack_store.db.conn))
    adapter = SlackAdapter(app, answers, cfg)
    await adapter.start()
    yield adapter
    await adapter.stop()


async def test_socket_mode_connects_with_the_app_token(socket_bot, fake):
    await fake.wait_for(lambda: fake.socket_connections == 1)
    [opened] = fake.calls_to("apps.connections.open")
    assert opened.ok and opened.token == fake.app_token
    assert socket_bot.port is None  # no HTTP server in socket mode


async def test_slash_command_over_the_socket(socket_bot, fake):
    url = fake.response_url("C0GENERAL", "U0ALICE")
    eid = await fake.send_envelope("slash_commands", slash_payload("issue 18", response_url=url))
    await fake.wait_for(lambda: eid in fake.acks)
    ack = fake.acks[eid]
    assert ack["envelope_id"] == eid
    assert ack["payload"]["response_type"] == "ephemeral"  # the answer rides in the ack
    assert "18" in ack["payload"]["blocks"][0]["text"]["text"]


async def test_mention_over_the_socket_answered_once_despite_retry(socket_bot, fake):
    payload = event_callback(mention("latest heat", thread_ts="1710000000.000900"), event_id="Ev0SOCK")
    first = await fake.send_envelope("events_api", payload)
    await fake.wait_for(lambda: fake.calls_to("chat.postMessage"))
    again = await fake.send_envelope("events_api", payload, retry_attempt=1)
    await fake.wait_for(lambda: first in fake.acks and again in fake.acks)
    await socket_bot.answers.drain()
    [call] = fake.calls_to("chat.postMessage")
    assert call.args["thread_ts"] == "1710000000.000900"
    assert "Heat" in call.args["blocks"][0]["text"]["text"]


async def test_show_more_over_the_socket(socket_bot, fake):
    url = fake.response_url("C0GENERAL", "U0ALICE")
    first = await fake.send_envelope("slash_commands", slash_payload("issue 30 cinder", response_url=url))
    await fake.wait_for(lambda: first in fake.acks)
    assert "cinder/0|" in json.dumps(fake.acks[first]["payload"]["blocks"])
    # 50 long items exceed one message: the rest, with the button, came via response_url.
    await fake.wait_for(lambda: "Show more" in json.dumps([m["blocks"] for m in fake.ephemeral]))
    await socket_bot.answers.drain()
    fake.ephemeral.clear()
    eid = await fake.send_envelope("interactive", block_action(response_url=fake.response_url("C0GENERAL", "U0ALICE")))
    await fake.wait_for(lambda: eid in fake.acks and fake.ephemeral)
    blob = json.dumps([m["blocks"] for m in fake.ephemeral])
    assert "cinder/50|" in blob and "cinder/0|" not in blob


async def test_bad_app_token_fails_at_start(fake, slack_core, slack_store, monkeypatch):
    cfg = slack_cfg(fake, mode="socket")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-wrong")
    app, answers = make_app(cfg, slack_core, SeenEvents(slack_store.db.conn))
    adapter = SlackAdapter(app, answers, cfg)
    with pytest.raises(ConfigError, match="SLACK_APP_TOKEN.*invalid_auth"):
        await adapter.start()
    await adapter.stop()
    assert fake.socket_connections == 0


async def test_bad_bot_token_fails_at_start(fake, slack_core, slack_store, monkeypatch):
    cfg = slack_cfg(fake)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-wrong")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s")
    app, answers = make_app(cfg, slack_core, SeenEvents(slack_store.db.conn))
    adapter = SlackAdapter(app, answers, cfg)
    with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN.*invalid_auth"):
        await adapter.start()
    await adapter.stop()
    assert "xoxb-wrong" not in str(fake.calls[-1].response)


def test_missing_env_vars_are_named(monkeypatch, fake, slack_core, slack_store):
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    monkeypatch.delenv("SLACK_SIGNING_SECRET", raising=False)
    with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN"):
        make_client(slack_cfg(fake))
    monkeypatch.setenv("SLACK_BOT_TOKEN", "x")
    with pytest.raises(ConfigError, match="SLACK_SIGNING_SECRET"):
        make_app(slack_cfg(fake, mode="http"), slack_core, SeenEvents(slack_store.db.conn))


async def test_from_config_reads_the_env(monkeypatch, fake, slack_core, slack_store):
    monkeypatch.setenv("SLACK_BOT_TOKEN", fake.bot_token)
    monkeypatch.setenv("SLACK_APP_TOKEN", fake.app_token)
    adapter = SlackAdapter.from_config(slack_cfg(fake, mode="socket"), slack_core, slack_store)
    await adapter.start()
    try:
        await fake.wait_for(lambda: fake.socket_connections == 1)
        assert [d.name for d in adapter.destinations()] == ["slack:C0NEWS", "slack-dm"]
    finally:
        await adapter.stop()
