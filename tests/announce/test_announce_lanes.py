"""The announcer with scripted destinations over a real outbox: what a failed attempt tells the
next one, rate groups, and the metrics hook."""
from __future__ import annotations

import sqlite3
import time

import pytest
import sqlite_utils

from archive.store import IssueChange
from bot.announcer import Announcer
from bot.delivery import DeliveryError, Destination
from bot.outbox import DestinationSpec, Outbox
from bot.reply import Reply


@pytest.fixture
def outbox(tmp_path):
    conn = sqlite3.connect(tmp_path / "o.db", isolation_level=None)
    yield Outbox(sqlite_utils.Database(conn))
    conn.close()


class Scripted(Destination):
    """Raises the scripted errors in turn, then succeeds; keeps every delivery it saw."""

    def __init__(self, name, errors=(), rate_group=None):
        self.name, self.min_interval, self.errors, self.seen = name, 0.0, list(errors), []
        if rate_group:
            self.rate_group = rate_group

    async def send(self, delivery, reply):
        self.seen.append((delivery, time.monotonic()))
        if self.errors:
            raise self.errors.pop(0)
        return f"ref-{delivery.id}"


def queue(outbox, *names, issue="1"):
    outbox.introduce([DestinationSpec(n) for n in names], [])
    outbox.on_change(outbox.db, [IssueChange(issue, int(issue), "published")])


def render(pending):
    return Reply(title="hello")


async def test_only_an_attempt_that_may_have_arrived_makes_the_next_one_check(outbox):
    dest = Scripted("d", [DeliveryError("connection reset"),  # may have reached the platform
                          DeliveryError("429", retry_after=0.01, unsent=True, rate_limited=True)])
    queue(outbox, "d")
    results = []
    ann = Announcer(outbox, [dest], render, retry_min=0.01, retry_max=0.01,
                    on_result=lambda *a: results.append(a))
    assert await ann.drain(budget=10) == {"d": 1}
    first, second, third = (d for d, _ in dest.seen)
    assert first.maybe_sent_at is None
    assert second.maybe_sent_at == first.started_at  # the reset one may be on the platform
    assert third.maybe_sent_at == first.started_at  # a 429 settles only itself, not the reset
    assert [r for _, r, _ in results] == ["retry", "retry", "delivered"]
    assert all(name == "d" and seconds >= 0 for name, _, seconds in results)
    assert ann.rate_limited == {"d": 1}


async def test_a_check_that_found_nothing_settles_earlier_attempts(outbox):
    dest = Scripted("d", [DeliveryError("connection reset"),
                          DeliveryError("429", retry_after=0.01, unsent=True, checked=True)])
    queue(outbox, "d")
    await Announcer(outbox, [dest], render, retry_min=0.01, retry_max=0.01).drain(budget=10)
    assert dest.seen[2][0].maybe_sent_at is None


async def test_a_429_holds_every_destination_of_its_rate_group(outbox):
    a = Scripted("a", [DeliveryError("429", retry_after=0.5, unsent=True, rate_limited=True)], rate_group="ws")
    b = Scripted("b", rate_group="ws")
    c = Scripted("c")
    queue(outbox, "a", "b", "c")
    ann = Announcer(outbox, [a, b, c], render)
    outcome = await ann.deliver(a, outbox.claim("a"))
    assert outcome.retry_in == 0.5 and ann.rate_limited == {"ws": 1}
    held_until = ann._group_until["ws"]
    assert ann._group_hold(b) > 0 and ann._group_hold(c) <= 0
    assert await ann.drain(budget=10) == {"a": 1, "b": 1, "c": 1}
    assert b.seen[0][1] >= held_until  # b waited out a's Retry-After
    assert c.seen[0][1] < held_until  # c, not in the group, did not
