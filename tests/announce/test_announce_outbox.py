"""The outbox on its own: a real SQLite database, IssueChange lists as the store emits them."""
from __future__ import annotations

import sqlite3

import pytest
import sqlite_utils

from archive.store import IssueChange
from announce_helpers import outbox_rows
from bot.outbox import DestinationSpec, Outbox, scrub


@pytest.fixture
def db(tmp_path):
    conn = sqlite3.connect(tmp_path / "o.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    yield sqlite_utils.Database(conn)
    conn.close()


def published(*keys):
    return [IssueChange(k, int(k), "published") for k in keys]


def test_introduce_seeds_back_catalogue_and_queues_backlog(db):
    ob = Outbox(db)
    visible = [(str(n), n) for n in range(10, 0, -1)]  # newest first
    ob.introduce([DestinationSpec("webhook:a"), DestinationSpec("webhook:b", backlog=2)], visible)
    assert {r["state"] for r in outbox_rows(db, "webhook:a")} == {"seeded"}
    assert len(outbox_rows(db, "webhook:a")) == 10
    pending = outbox_rows(db, "webhook:b", states=["pending"])
    assert [r["issue"] for r in pending] == [9, 10]  # the newest two, oldest first
    # introducing again changes nothing
    assert ob.introduce([DestinationSpec("webhook:a")], visible) == []


def test_published_queues_once_per_destination_even_if_reported_twice(db):
    ob = Outbox(db)
    ob.introduce([DestinationSpec("webhook:a"), DestinationSpec("console")], [])
    assert ob.on_change(db, published("7")) == 2
    assert ob.on_change(db, published("7")) == 0  # a repeat (re-publication) is no new announcement
    keys = [r["key"] for r in outbox_rows(db)]
    assert keys == ["digest-bot:7:console:announce:0", "digest-bot:7:webhook:a:announce:0"]


def test_not_introduced_destination_gets_nothing(db):
    ob = Outbox(db)
    assert ob.on_change(db, published("1")) == 0
    assert outbox_rows(db) == []


def test_claim_delivered_and_retry(db):
    t = [1000.0]
    ob = Outbox(db, clock=lambda: t[0])
    ob.introduce([DestinationSpec("webhook:a")], [])
    ob.on_change(db, published("1", "2"))
    p = ob.claim("webhook:a")
    assert p.delivery.issue == 1 and p.delivery.attempt == 0
    ob.retry_later(p.delivery.id, "HTTP 503 from https://hooks.example/secret/abc", 1010.0)
    assert ob.claim("webhook:a") is None  # row 1 is backing off, and issue 2 waits behind it
    st = {s.name: s for s in ob.status()}["webhook:a"]
    assert (st.delivered, st.pending, st.retrying, st.failing) == (0, 2, 1, 0)
    assert "secret" not in st.last_error and "<url>" in st.last_error
    t[0] = 1011.0
    again = ob.claim("webhook:a")
    assert again.delivery.key == p.delivery.key and again.delivery.attempt == 1
    ob.delivered(again.delivery.id, None)
    p2 = ob.claim("webhook:a")
    assert p2.delivery.issue == 2
    ob.delivered(p2.delivery.id, None)
    assert ob.claim("webhook:a") is None


def test_order_is_kept_per_lane_and_lanes_are_independent(db):
    """A DM destination has a lane per user: one user's backoff holds only that user's rows."""
    subs = {"Nova": [("slack", "U1"), ("slack", "U2")]}
    t = [1000.0]
    ob = Outbox(db, issue_projects=lambda key: ["Nova"], subscribers=lambda p: subs.get(p, []),
                clock=lambda: t[0])
    ob.introduce([DestinationSpec("slack-dm", is_dm=True)], [])
    ob.on_change(db, published("1", "2"))
    assert [(h.target, h.id) for h in ob.heads("slack-dm")] == [("U1", 1), ("U2", 2)]
    p = ob.claim("slack-dm", target="U1")
    ob.retry_later(p.delivery.id, "down", 1010.0)
    q = ob.claim("slack-dm")
    assert (q.delivery.target, q.delivery.issue) == ("U2", 1)  # U1 is held, U2 is not
    ob.delivered(q.delivery.id, None)
    q = ob.claim("slack-dm")
    assert (q.delivery.target, q.delivery.issue) == ("U2", 2)
    ob.delivered(q.delivery.id, None)
    assert ob.claim("slack-dm") is None  # U1's issue 2 stays behind its issue 1
    assert ob.next_due_at("slack-dm") == 1010.0


def test_an_attempt_that_may_have_reached_the_platform_is_remembered(db):
    """claim() records when an attempt began; the next attempt is told (maybe_sent_at) unless
    the failure said nothing was sent."""
    t = [1000.0]
    ob = Outbox(db, clock=lambda: t[0])
    ob.introduce([DestinationSpec("webhook:a")], [])
    ob.on_change(db, published("1"))
    first = ob.claim("webhook:a").delivery
    assert first.maybe_sent_at is None and first.started_at == 1000.0
    ob.release(first.id)  # e.g. cut short at shutdown: it may have been sent
    t[0] = 1001.0
    second = ob.claim("webhook:a").delivery
    assert second.maybe_sent_at == 1000.0
    ob.release(second.id)  # cut short again: the oldest start is what counts
    t[0] = 1001.5
    second = ob.claim("webhook:a").delivery
    assert second.maybe_sent_at == 1000.0
    ob.retry_later(second.id, "429", 1002.0, unsure_since=None)  # answered: nothing was sent
    t[0] = 1003.0
    assert ob.claim("webhook:a").delivery.maybe_sent_at is None


def test_status_counts_a_row_once(db):
    """A retrying row is pending (it will go out), not failing; a permanent failure is failing
    only; `status --json` says the same."""
    ob = Outbox(db, clock=lambda: 1000.0)
    ob.introduce([DestinationSpec("webhook:a")], [])
    ob.on_change(db, published("1", "2", "3"))
    one, two, _ = (r["id"] for r in outbox_rows(db, "webhook:a"))
    ob.retry_later(one, "HTTP 503", 1010.0)
    ob.finish(two, "failing", error="HTTP 410")
    st = {s.name: s for s in ob.status()}["webhook:a"]
    assert (st.pending, st.retrying, st.failing, st.delivered) == (2, 1, 1, 0)
    assert st.pending + st.failing == len(outbox_rows(db, "webhook:a"))
    j = st.to_json()
    assert (j["pending"], j["retrying"], j["failing"]) == (2, 1, 1)


def test_a_live_lease_is_not_taken_by_another_process(db, tmp_path):
    ob = Outbox(db)
    ob.introduce([DestinationSpec("webhook:a")], [])
    ob.on_change(db, published("1"))
    assert ob.claim("webhook:a") is not None
    other = Outbox(db)  # same host and pid: treated as alive (it is us)
    other.owner = ob.owner.rsplit(":", 1)[0] + ":other"
    assert other.claim("webhook:a") is None
    # a lease held by a process that is gone is taken over at once
    db.conn.execute("UPDATE outbox SET lease_owner = ?", (ob.owner.split(":")[0] + ":999999999:dead",))
    assert other.claim("webhook:a") is not None


def test_corrected_queues_an_edit_only_where_there_is_something_to_edit(db):
    ob = Outbox(db)
    ob.introduce([DestinationSpec("slack:C1"), DestinationSpec("webhook:a")], [("1", 1)])
    ob.on_change(db, published("2"))
    for dest, ref in (("slack:C1", "1700000000.0001"), ("webhook:a", None)):
        p = ob.claim(dest)
        ob.delivered(p.delivery.id, ref)
    ob.on_change(db, [IssueChange("2", 2, "corrected"), IssueChange("1", 1, "corrected")])
    edits = outbox_rows(db, states=["pending"])
    assert [(r["destination"], r["key"]) for r in edits] == [("slack:C1", "digest-bot:2:slack:C1:edit:0")]
    ob.on_change(db, [IssueChange("2", 2, "corrected")])  # a second fix before the edit went: coalesced
    assert len(outbox_rows(db, states=["pending"])) == 1
    p = ob.claim("slack:C1")
    assert p.delivery.kind == "edit" and p.delivery.remote_ref == "1700000000.0001"
    ob.delivered(p.delivery.id, "1700000000.0002")
    ob.on_change(db, [IssueChange("2", 2, "corrected")])
    assert [r["key"] for r in outbox_rows(db, states=["pending"])] == ["digest-bot:2:slack:C1:edit:1"]
    assert ob.claim("slack:C1").delivery.remote_ref == "1700000000.0001"  # always the original message


def test_withdrawn_cancels_and_republished_revives(db):
    ob = Outbox(db)
    ob.introduce([DestinationSpec("webhook:a")], [])
    ob.on_change(db, published("3"))
    ob.on_change(db, [IssueChange("3", 3, "withdrawn")])
    assert ob.claim("webhook:a") is None
    ob.on_change(db, published("3"))
    assert ob.claim("webhook:a").delivery.issue == 3


def test_dm_fan_out_to_subscribers_of_the_issue_projects(db):
    subs = {"Nova": [("slack", "U1"), ("matrix", "@a:x")], "Heat": [("slack", "U2")]}
    ob = Outbox(db, issue_projects=lambda key: ["Nova", "Neutron"], subscribers=lambda p: subs.get(p, []))
    ob.introduce([DestinationSpec("slack-dm", is_dm=True)], [("1", 1)])
    assert outbox_rows(db) == []  # DMs have no back catalogue
    ob.on_change(db, published("4"))
    r = outbox_rows(db)
    assert [(x["destination"], x["target"], x["project"], x["kind"]) for x in r] == [("slack-dm", "U1", "Nova", "dm")]


def test_retired_destination_gets_no_new_rows_and_reintroduction_seeds(db):
    ob = Outbox(db)
    ob.introduce([DestinationSpec("webhook:a"), DestinationSpec("webhook:b")], [])
    assert ob.retire_missing(["webhook:a"]) == ["webhook:b"]
    ob.on_change(db, published("5"))
    assert [r["destination"] for r in outbox_rows(db)] == ["webhook:a"]
    ob.introduce([DestinationSpec("webhook:b")], [("5", 5)])
    assert [(r["destination"], r["state"]) for r in outbox_rows(db, "webhook:b")] == [("webhook:b", "seeded")]
    assert {s.name: s.retired for s in ob.status()} == {"webhook:a": False, "webhook:b": False}


def test_on_change_inside_an_open_transaction_does_not_commit(db):
    ob = Outbox(db)
    ob.introduce([DestinationSpec("webhook:a")], [])
    db.conn.execute("BEGIN IMMEDIATE")
    ob.on_change(db, published("6"))
    db.conn.execute("ROLLBACK")  # the ingest failed: its queued rows go with it
    assert outbox_rows(db) == []


def test_scrub_removes_urls_and_tokens():
    s = scrub("failed: https://hooks.slack.com/services/T/B/XYZ token xoxb-123-456-abc\nsecond line")
    assert "hooks.slack.com" not in s and "xoxb" not in s and "\n" not in s
