"""The real bot (watcher, ingest, outbox, announcer, webhook, console) on real files."""
from __future__ import annotations

import asyncio
import logging
import time
from datetime import timedelta

from bot.announcer import Announcer
from bot.clock import FixedClock
from bot.delivery import Destination
from bot.outbox import DestinationSpec
from bot.scan import Bot

from announce_helpers import TODAY, make_config, outbox_rows, post_text, rows, until, write_atomic, write_post


def delivered(running, destination="webhook:team", kind=None):
    return [r for r in rows(running, destination=destination, states=["delivered"]) if kind in (None, r["kind"])]


async def test_publish_one_post_one_delivery(archive, receiver, start_bot):
    for n in (1, 2, 3):
        write_post(archive, n)
    bot = await start_bot(make_config(archive), clock=FixedClock(TODAY))
    assert receiver.requests == []
    write_post(archive, 4)
    await until(lambda: delivered(bot), what="the webhook delivery")
    assert receiver.keys() == ["digest-bot:4:webhook:team:announce:0"]
    body = receiver.requests[0]["body"]
    assert "第四期" in body["blocks"][0]["text"]["text"]
    assert "digest.example.org" in body["text"]  # the link to the post
    assert rows(bot, states=["pending"]) == []
    # the console got it too, once
    await until(lambda: delivered(bot, "console"), what="the console delivery")
    assert bot.console_out.getvalue().count("=== New issue ===") == 1


async def test_200_existing_posts_at_first_start_announce_nothing(archive, receiver, start_bot):
    for n in range(1, 201):
        write_post(archive, n)
    bot = await start_bot(make_config(archive), clock=FixedClock(TODAY))
    await until(lambda: bot.bot.outbox.known_destinations(), what="destinations introduced")
    assert len(rows(bot, destination="webhook:team", states=["seeded"])) == 200
    assert rows(bot, states=["pending", "delivered"]) == []
    assert receiver.requests == [] and "New issue" not in bot.console_out.getvalue()
    write_post(archive, 201)  # and the pipe works: the next one goes out
    await until(lambda: delivered(bot), what="issue 201")
    assert receiver.keys() == ["digest-bot:201:webhook:team:announce:0"]


async def test_backlog_announces_only_the_newest(archive, receiver, start_bot):
    for n in range(1, 6):
        write_post(archive, n)
    bot = await start_bot(make_config(archive, backlog=2, console=False), clock=FixedClock(TODAY))
    await until(lambda: len(delivered(bot)) == 2, what="two backlog deliveries")
    assert receiver.keys() == ["digest-bot:4:webhook:team:announce:0", "digest-bot:5:webhook:team:announce:0"]


async def test_receiver_down_then_up_delivered_once(archive, receiver, start_bot):
    write_post(archive, 1)
    bot = await start_bot(make_config(archive, console=False), clock=FixedClock(TODAY))
    await receiver.stop()
    write_post(archive, 2)
    await until(lambda: any(r["last_error"] and r["attempts"] >= 2 for r in rows(bot)), what="failed attempts")
    assert "sEcReT" not in rows(bot)[-1]["last_error"]
    await receiver.start()  # same port
    await until(lambda: delivered(bot), what="delivery after the receiver is back")
    assert receiver.keys() == ["digest-bot:2:webhook:team:announce:0"]
    assert rows(bot, states=["delivered"])[0]["last_error"] is None


async def test_429_retry_after_is_honoured_with_the_same_key(archive, receiver, start_bot):
    write_post(archive, 1)
    bot = await start_bot(make_config(archive, console=False), clock=FixedClock(TODAY))
    receiver.responses = [(429, {"Retry-After": "0.3"}), (500, {})]
    write_post(archive, 2)
    await until(lambda: delivered(bot), what="delivery after 429 and 500")
    assert receiver.keys() == ["digest-bot:2:webhook:team:announce:0"] * 3
    assert receiver.requests[1]["at"] - receiver.requests[0]["at"] >= 0.29


async def test_permanent_error_marks_failing_and_moves_on(archive, receiver, start_bot):
    write_post(archive, 1)
    bot = await start_bot(make_config(archive, console=False), clock=FixedClock(TODAY))
    receiver.responses = [(404, {})]
    write_post(archive, 2)
    write_post(archive, 3)
    await until(lambda: delivered(bot), what="the next issue after a permanent failure")
    failing = rows(bot, states=["failing"])
    assert [r["issue"] for r in failing] == [2] and failing[0]["last_error"].startswith("HTTP 404")
    st = {s.name: s for s in bot.bot.outbox.status()}["webhook:team"]
    assert (st.delivered, st.failing) == (1, 1) and "sEcReT" not in st.last_error


async def test_future_dated_post_is_announced_when_the_clock_passes_its_date(archive, receiver, start_bot):
    write_post(archive, 1)
    clock = FixedClock(TODAY)
    # rescans every 0.2 s: a date passing makes no file event, the timer must notice
    bot = await start_bot(make_config(archive, rescan=0.2, console=False), clock=clock)
    write_post(archive, 2, TODAY + timedelta(days=3))
    await until(lambda: bot.bot.store.conn.execute("SELECT count(*) FROM issues").fetchone()[0] == 2,
                what="the future post indexed")
    scans = bot.watcher.scans
    await until(lambda: bot.watcher.scans >= scans + 2, what="two more rescans")
    assert receiver.requests == []
    clock.set_today(TODAY + timedelta(days=3))
    await until(lambda: delivered(bot), what="the announcement on its date")
    assert receiver.keys() == ["digest-bot:2:webhook:team:announce:0"]


async def test_unpublished_and_drafts_never_announced(archive, receiver, start_bot):
    write_post(archive, 1)
    bot = await start_bot(make_config(archive, console=False), clock=FixedClock(TODAY))
    write_post(archive, 2, front="published: false")
    write_post(archive, 3, folder="_drafts")
    await until(lambda: bot.bot.store.conn.execute("SELECT count(*) FROM issues WHERE number = 2").fetchone()[0],
                what="the unpublished post indexed")
    write_post(archive, 4)  # a barrier: announcements go out in order, so 2 or 3 would come first
    await until(lambda: delivered(bot), what="issue 4")
    assert receiver.keys() == ["digest-bot:4:webhook:team:announce:0"]
    # un-publishing changes: now it is announced
    write_post(archive, 2, front="published: true")
    await until(lambda: len(delivered(bot)) == 2, what="issue 2 once published")
    assert receiver.keys()[-1] == "digest-bot:2:webhook:team:announce:0"


async def test_renamed_post_is_not_announced_again(archive, receiver, start_bot):
    write_post(archive, 1)
    bot = await start_bot(make_config(archive, console=False), clock=FixedClock(TODAY))
    path = write_post(archive, 2)
    await until(lambda: delivered(bot), what="issue 2")
    path.rename(path.with_name(path.name.replace("activity-2", "renamed-slug")))
    await until(lambda: bot.bot.store.conn.execute(
        "SELECT 1 FROM issues WHERE path LIKE '%renamed-slug%'").fetchone(), what="the rename indexed")
    write_post(archive, 3)
    await until(lambda: len(delivered(bot)) == 2, what="issue 3")
    assert receiver.keys() == ["digest-bot:2:webhook:team:announce:0", "digest-bot:3:webhook:team:announce:0"]


async def test_corrected_post_is_edited_not_reposted(archive, receiver, start_bot):
    write_post(archive, 1)
    bot = await start_bot(make_config(archive), clock=FixedClock(TODAY))
    day = TODAY - timedelta(days=1)
    path = write_post(archive, 2, day)
    await until(lambda: delivered(bot, "console") and delivered(bot), what="issue 2 announced")
    write_atomic(path, post_text(2, day, {"Nova": ["Fixed typo in the Nova item"], "Heat": ["A Heat item"]}))
    await until(lambda: delivered(bot, "console", kind="edit"), what="the console edit")
    out = bot.console_out.getvalue()
    assert out.count("=== New issue ===") == 1 and out.count("=== Corrected ===") == 1
    assert "Fixed typo" in out.split("=== Corrected ===")[1]
    edit = delivered(bot, "console", kind="edit")[0]
    assert edit["key"] == "digest-bot:2:console:edit:0"
    # the webhook has no edit API: no second post (see adapters/webhook.py)
    write_post(archive, 3)
    await until(lambda: len(delivered(bot)) == 2, what="issue 3 (a barrier)")
    assert receiver.keys() == ["digest-bot:2:webhook:team:announce:0", "digest-bot:3:webhook:team:announce:0"]


async def test_malformed_post_not_announced_reason_logged_others_go_through(archive, receiver, start_bot, caplog):
    caplog.set_level(logging.WARNING, logger="digest_bot.scan")
    write_post(archive, 1)
    bot = await start_bot(make_config(archive, console=False), clock=FixedClock(TODAY))
    bad = archive / "_posts" / f"{TODAY.isoformat()}-broken.md"
    write_atomic(bad, "---\ntitle: OpenStack社区动态第九期(0101-0114)\ndate: [unclosed\n---\n\n### Nova\n\nx\n")
    write_atomic(archive / "_posts" / f"{TODAY.isoformat()}-binary.md", b"---\ntitle: \xff\xfe\n---\n")
    write_post(archive, 2)
    await until(lambda: delivered(bot), what="the good post")
    await until(lambda: "binary.md" in caplog.text and "broken.md" in caplog.text, what="the reasons logged")
    assert receiver.keys() == ["digest-bot:2:webhook:team:announce:0"]
    assert "invalid UTF-8" in caplog.text


async def test_announcements_are_paced_per_destination(archive, tmp_path):
    """Three pending rows, min_interval 0.3 s: sends at least 0.3 s apart."""
    for n in (1, 2):
        write_post(archive, n)
    bot = Bot(make_config(archive, webhooks=0), tmp_path / "p.db", clock=FixedClock(TODAY))
    try:
        bot.introduce([DestinationSpec("rec", backlog=0)])
        bot.scan()
        for n in (3, 4, 5):
            write_post(archive, n)
        bot.scan()
        rec = Recording("rec", min_interval=0.3)
        ann = Announcer(bot.outbox, [rec], bot.render, retry_min=0.05, retry_max=0.5)
        task = asyncio.create_task(ann.run())
        await until(lambda: len(rec.sent) == 3, what="three sends")
        await ann.stop(1)
        await asyncio.gather(task, return_exceptions=True)
        gaps = [b[0] - a[0] for a, b in zip(rec.sent, rec.sent[1:])]
        assert all(g >= 0.29 for g in gaps), gaps
        assert [r.issue.number for _, r in rec.sent] == [3, 4, 5]
    finally:
        bot.close()


async def test_subscribers_get_a_dm_with_their_project_items(archive, tmp_path):
    write_post(archive, 1)
    bot = Bot(make_config(archive, webhooks=0), tmp_path / "s.db", clock=FixedClock(TODAY))
    try:
        bot.introduce([DestinationSpec("test-dm", is_dm=True), DestinationSpec("other-dm", is_dm=True)])
        bot.scan()
        bot.store.subscribe("test", "alice", "Heat")
        bot.store.subscribe("test", "bob", "Swift")  # no Swift section: no DM
        bot.store.subscribe("nowhere", "carol", "Heat")  # no such destination: no DM
        write_post(archive, 2, sections={"Heat": ["Heat gets a new template function"], "Nova": ["n"]})
        bot.scan()
        rec = Recording("test-dm")
        ann = Announcer(bot.outbox, [rec], bot.render)
        task = asyncio.create_task(ann.run())
        await until(lambda: rec.sent, what="the DM")
        await ann.stop(1)
        await asyncio.gather(task, return_exceptions=True)
        (_, reply), = rec.sent
        assert rec.deliveries[0].target == "alice" and rec.deliveries[0].kind == "dm"
        assert [i.text for i in reply.items] == ["Heat gets a new template function"]
        assert [r["target"] for r in outbox_rows(bot.store.db)] == ["alice"]
    finally:
        bot.close()


class Recording(Destination):
    """A destination that keeps what it was sent (in-process tests)."""

    def __init__(self, name, min_interval=0.0):
        self.name = name
        self.min_interval = min_interval
        self.sent = []
        self.deliveries = []

    async def send(self, delivery, reply):
        self.sent.append((time.monotonic(), reply))
        self.deliveries.append(delivery)
        return f"ref-{delivery.id}"


async def test_a_publication_ingested_without_the_outbox_is_still_announced(archive, tmp_path):
    """An ingest that bypasses the outbox (an older bot, a hand-run script) must not swallow a
    publication; and `bot.ingest.ingest`, which every command uses, queues by itself."""
    from bot.ingest import ingest

    write_post(archive, 1)
    config = make_config(archive, webhooks=0)
    bot = Bot(config, tmp_path / "r.db", clock=FixedClock(TODAY))
    try:
        bot.introduce([DestinationSpec("rec"), DestinationSpec("rec2", backlog=1)])
        bot.scan()
        assert [(r["destination"], r["state"]) for r in outbox_rows(bot.store.db)] == [("rec", "seeded"), ("rec2", "pending")]
        write_post(archive, 2)
        summary = bot.store.ingest(archive, bot.parser, today=TODAY)  # no on_change
        assert [c.kind for c in summary.changes] == ["published"]
        assert len(outbox_rows(bot.store.db)) == 2
        bot.scan()  # nothing changed on disk; the outbox notices the gap
        assert [(r["destination"], r["issue"]) for r in outbox_rows(bot.store.db, states=["pending"])] == [
            ("rec2", 1), ("rec", 2), ("rec2", 2)]
        bot.scan()
        assert len(outbox_rows(bot.store.db)) == 4
        write_post(archive, 3)
        ingest(bot.store, config, archive, when=TODAY)  # what `digest-bot ingest` runs
        assert [(r["destination"], r["issue"]) for r in outbox_rows(bot.store.db, states=["pending"])][-2:] == [
            ("rec", 3), ("rec2", 3)]
    finally:
        bot.close()


async def test_git_pull_brings_a_new_post_and_it_is_announced(tmp_path, receiver, start_bot):
    import shutil
    import subprocess

    from bot.config import WatchConfig

    if not shutil.which("git"):
        import pytest

        pytest.skip("git is not installed")

    def git(cwd, *args):
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "init.defaultBranch=main",
                        *args], cwd=cwd, check=True, capture_output=True)

    remote, author, site = tmp_path / "remote.git", tmp_path / "author", tmp_path / "site"
    git(tmp_path, "init", "--bare", str(remote))
    git(tmp_path, "clone", str(remote), str(author))
    write_post(author, 1)
    git(author, "add", "-A")
    git(author, "commit", "-m", "issue 1")
    git(author, "push", "origin", "HEAD")
    git(tmp_path, "clone", str(remote), str(site))
    config = make_config(site, console=False)
    config = type(config)(**{**{f: getattr(config, f) for f in config.__dataclass_fields__},
                             "watch": WatchConfig(debounce_ms=20, rescan_seconds=300, git_pull_seconds=0.2)})
    bot = await start_bot(config, clock=FixedClock(TODAY))
    write_post(author, 2)
    git(author, "add", "-A")
    git(author, "commit", "-m", "issue 2")
    git(author, "push", "origin", "HEAD")
    await until(lambda: delivered(bot), what="the pulled issue announced")
    assert receiver.keys() == ["digest-bot:2:webhook:team:announce:0"]


async def test_archive_missing_at_first_start_is_no_flood_when_it_appears(tmp_path, receiver, start_bot):
    site = tmp_path / "not-cloned-yet"
    bot = await start_bot(make_config(site, rescan=0.2, console=False), clock=FixedClock(TODAY), scanned=False)
    assert bot.bot.outbox.known_destinations() == []  # not introduced against an empty store
    staging = tmp_path / "staging"
    for n in range(1, 6):
        write_post(staging, n)
    staging.rename(site)  # the clone lands
    await until(lambda: bot.bot.outbox.known_destinations(), what="introduction after the first good scan")
    assert len(rows(bot, states=["seeded"])) == 5 and receiver.requests == []
    write_post(site, 6)
    await until(lambda: delivered(bot), what="issue 6")
    assert receiver.keys() == ["digest-bot:6:webhook:team:announce:0"]
