"""The webhook destination against a real local HTTP receiver."""
from __future__ import annotations

import json
from datetime import date

import pytest

from adapters.webhook import WebhookDestination, payload
from bot.delivery import Delivery, DeliveryError
from bot.reply import IssueRef, Item, Reply, SectionCount

from announce_helpers import SECRET_PATH

REPLY = Reply(
    title="New issue 19: <!channel> OpenStack & friends",
    kind="announcement",
    issue=IssueRef(19, "t", date(2014, 9, 16)),
    sections=(SectionCount("Nova", 2),),
    items=(Item(19, "Nova", "ping @here and <@U123> > all", (("https://e.org/a?b=1&c=2", "a|b>"),)),),
    url="https://digest.example.org/2014/09/16/x.html",
)


def delivery(key="digest-bot:19:webhook:team:announce:0", kind="announce"):
    return Delivery(id=1, key=key, destination="webhook:team", target="", issue=19, kind=kind)


def test_payload_is_escaped_and_cannot_ping():
    p = payload(REPLY)
    mrkdwn = json.dumps([b for b in p["blocks"] if b["type"] != "header"] + [p["text"]], ensure_ascii=False)
    assert "<!channel>" not in mrkdwn and "<@U123>" not in mrkdwn  # header is plain_text: never parsed
    assert "&lt;@U123&gt; &gt; all" in mrkdwn
    assert "@here" not in mrkdwn  # an invisible joiner breaks it
    assert "https://e.org/a?b=1&amp;c=2|" in mrkdwn
    assert p["blocks"][0]["type"] == "header"
    assert "&lt;!channel&gt;" in p["text"]


async def test_posts_json_with_a_stable_idempotency_key(receiver):
    dest = WebhookDestination("webhook:team", receiver.url)
    try:
        assert await dest.send(delivery(), REPLY) is None  # no reference: nothing to edit later
        await dest.send(delivery(), REPLY)
    finally:
        await dest.close()
    assert receiver.keys() == ["digest-bot:19:webhook:team:announce:0"] * 2
    assert receiver.requests[0]["path"] == SECRET_PATH
    assert receiver.requests[0]["body"]["blocks"][0]["text"]["text"].startswith("New issue 19")


async def test_429_is_transient_with_retry_after(receiver):
    receiver.responses = [(429, {"Retry-After": "7"}), (503, {}), (404, {})]
    dest = WebhookDestination("webhook:team", receiver.url)
    try:
        with pytest.raises(DeliveryError) as e:
            await dest.send(delivery(), REPLY)
        assert not e.value.permanent and e.value.retry_after == 7
        with pytest.raises(DeliveryError) as e:
            await dest.send(delivery(), REPLY)
        assert not e.value.permanent and e.value.retry_after is None
        with pytest.raises(DeliveryError) as e:
            await dest.send(delivery(), REPLY)
        assert e.value.permanent
        assert SECRET_PATH not in str(e.value) and "127.0.0.1" not in str(e.value)
    finally:
        await dest.close()


async def test_refused_connection_is_transient_and_hides_the_url(receiver):
    await receiver.stop()
    dest = WebhookDestination("webhook:team", receiver.url)
    try:
        with pytest.raises(DeliveryError) as e:
            await dest.send(delivery(), REPLY)
    finally:
        await dest.close()
    assert not e.value.permanent
    assert "sEcReT" not in str(e.value)


async def test_missing_url_env_is_permanent_and_names_the_variable():
    dest = WebhookDestination("webhook:team", None, url_env="NO_SUCH_HOOK")
    with pytest.raises(DeliveryError) as e:
        await dest.send(delivery(), REPLY)
    assert e.value.permanent and "NO_SUCH_HOOK" in str(e.value)


def test_pacing_comes_from_the_config(monkeypatch):
    from pathlib import Path

    from bot.config import parse

    monkeypatch.setenv("DIGEST_TEST_HOOK", "http://127.0.0.1:9/hook")
    cfg = parse({"webhook": [{"name": "discord", "url_env": "DIGEST_TEST_HOOK", "min_interval_seconds": 2.5},
                             {"name": "team", "url_env": "DIGEST_TEST_HOOK"}]}, Path("."))
    slow, default = (WebhookDestination.from_config(w) for w in cfg.webhooks)
    assert (slow.name, slow.min_interval) == ("webhook:discord", 2.5)
    assert default.min_interval == 1.0
