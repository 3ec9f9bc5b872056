"""The announcement outbox: one row per (issue, destination, kind), in the store's database.

Why a table and not a queue in memory: the ingest that finds a newly published issue writes
the rows in its own transaction (`on_change`), so a publication can never be noticed without
being queued, and a crash at any later point leaves the row there to retry. Each row's `key`
is unique and stable; destinations use it for idempotency, so a retry after a crash between
"sent" and "recorded" posts nothing new.

Row states: pending -> delivered | failing (permanent error) | cancelled (issue withdrawn or
nothing to say); `seeded` marks the back catalogue a destination was introduced with, so it is
never announced.

Which destinations get rows: those *introduced* (table outbox_destinations) and not retired.
A destination is introduced after the ingest that accompanies its first start, marking every
visible issue as seeded except the newest `backlog` ones; a destination dropped from the
config is retired (its rows stay, `status` shows them), and re-adding it introduces it again.
"""
from __future__ import annotations

import logging
import os
import random
import re
import socket
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import NamedTuple

from bot.delivery import Delivery

log = logging.getLogger("digest_bot.outbox")

LEASE_SECONDS = 120.0  # a claimed row is not taken by another live process for this long

SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox_destinations (
    name TEXT PRIMARY KEY, target TEXT NOT NULL DEFAULT '', is_dm INTEGER NOT NULL DEFAULT 0,
    introduced_at REAL NOT NULL, retired INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    destination TEXT NOT NULL, target TEXT NOT NULL DEFAULT '',
    issue_key TEXT NOT NULL, issue INTEGER NOT NULL,
    kind TEXT NOT NULL, project TEXT,
    state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
    next_at REAL NOT NULL DEFAULT 0, lease_owner TEXT, lease_until REAL,
    created_at REAL NOT NULL, delivered_at REAL,
    remote_ref TEXT, last_error TEXT);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (destination, state, next_at, id);
CREATE INDEX IF NOT EXISTS outbox_issue ON outbox (issue_key, destination, kind);
CREATE INDEX IF NOT EXISTS outbox_lane ON outbox (destination, state, target, id);
"""
# Added after the first release: CREATE TABLE IF NOT EXISTS does not add them to an old table.
COLUMNS = {"unsure_since": "REAL"}  # start of the oldest attempt that may have reached the platform

_KEEP = object()

_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://\S+", re.I)
_TOKENISH = re.compile(r"\b(xox[a-z]-[\w-]+|xapp-[\w-]+|syt_[\w-]+|[A-Za-z0-9_-]{32,})\b")


def scrub(message: str, limit: int = 300) -> str:
    """An error message fit for the database and `status`: no URLs (a webhook URL *is* its
    secret), nothing token-shaped, one short line."""
    message = _URL.sub("<url>", message)
    message = _TOKENISH.sub("<redacted>", message)
    message = " ".join(message.split())
    return message[:limit]


@dataclass(frozen=True, slots=True)
class DestinationSpec:
    """What the outbox needs to know about a destination, without a live client."""

    name: str
    target: str = ""
    backlog: int = 0
    is_dm: bool = False  # "<platform>-dm": gets subscription messages only, never the back catalogue


@dataclass(frozen=True, slots=True)
class Pending:
    """A claimed row: the Delivery a destination sees, plus what the renderer needs."""

    delivery: Delivery
    issue_key: str
    project: str | None
    queued_at: float = 0.0  # when the row was written (the publication noticed)


class Head(NamedTuple):
    """The oldest pending row of one lane (a destination's target)."""

    target: str
    id: int
    next_at: float
    lease_owner: str | None
    lease_until: float | None


@dataclass(frozen=True, slots=True)
class DestinationStatus:
    name: str
    retired: bool
    delivered: int
    pending: int  # not delivered yet, the retrying ones included
    failing: int  # failed for good (a permanent error); never also counted as pending
    seeded: int
    last_error: str | None
    last_delivered_at: float | None
    next_attempt_at: float | None
    retrying: int = 0  # of `pending`: rows whose last attempt failed and that will be tried again

    def to_json(self) -> dict:
        return {
            "destination": self.name,
            "retired": self.retired,
            "delivered": self.delivered,
            "pending": self.pending,
            "retrying": self.retrying,
            "failing": self.failing,
            "back_catalogue": self.seeded,
            "last_error": self.last_error,
            "last_delivered_at": self.last_delivered_at,
            "next_attempt_at": self.next_attempt_at,
        }


@dataclass(frozen=True, slots=True)
class _Change:  # an IssueChange's shape, for reconcile()
    key: str
    number: int
    kind: str


def delivery_key(issue_key: str, destination: str, kind: str, n: str | int) -> str:
    return f"digest-bot:{issue_key}:{destination}:{kind}:{n}"


def _owner_alive(owner: str | None) -> bool:
    """Is the process that holds a lease still running? Same host: ask the kernel; another
    host: trust the lease's expiry."""
    if not owner:
        return False
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Outbox:
    def __init__(
        self,
        db,
        *,
        issue_projects: Callable[[str], Sequence[str]] = lambda key: (),
        subscribers: Callable[[str], Sequence[tuple[str, str]]] = lambda project: (),
        clock: Callable[[], float] = time.time,
    ):
        """`db`: a sqlite_utils.Database (the store's). `issue_projects(issue_key)` and
        `subscribers(project)` feed the subscription fan-out; both read through the same
        connection, so they see the ingest's uncommitted rows."""
        self.db = db
        self.conn: sqlite3.Connection = db.conn
        self.issue_projects = issue_projects
        self.subscribers = subscribers
        self.clock = clock
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{random.getrandbits(32):08x}"
        self.conn.executescript(SCHEMA)
        have = {r[1] for r in self.conn.execute("PRAGMA table_info(outbox)")}
        for name, decl in COLUMNS.items():
            if name not in have:
                try:
                    self.conn.execute(f"ALTER TABLE outbox ADD COLUMN {name} {decl}")
                except sqlite3.OperationalError:  # a read-only database: only read from it
                    pass

    # --- transactions --------------------------------------------------------------------

    @contextmanager
    def _tx(self):
        """BEGIN IMMEDIATE .. COMMIT, unless a transaction is already open (the ingest's)."""
        if self.conn.in_transaction:
            yield
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # --- destinations --------------------------------------------------------------------

    def known_destinations(self, include_retired: bool = False) -> list[str]:
        sql = "SELECT name FROM outbox_destinations" + ("" if include_retired else " WHERE NOT retired")
        return [n for (n,) in self.conn.execute(sql + " ORDER BY name")]

    def retire_missing(self, names: Iterable[str]) -> list[str]:
        """Retire destinations no longer configured, so new issues are not queued for them."""
        keep = set(names)
        gone = [n for n in self.known_destinations() if n not in keep]
        with self._tx():
            for n in gone:
                self.conn.execute("UPDATE outbox_destinations SET retired = 1 WHERE name = ?", (n,))
        for n in gone:
            log.info("destination %s retired (no longer configured)", n)
        return gone

    def introduce(self, specs: Iterable[DestinationSpec], visible: Sequence[tuple[str, int]]) -> list[str]:
        """Make destinations known that are not (or are retired). `visible`: (issue_key, number)
        of the visible issues, newest first. The newest `backlog` are queued, the rest marked
        as already announced. Returns the names introduced."""
        now = self.clock()
        introduced = []
        with self._tx():
            for spec in specs:
                row = self.conn.execute(
                    "SELECT retired FROM outbox_destinations WHERE name = ?", (spec.name,)
                ).fetchone()
                if row is not None and not row[0]:
                    continue
                self.conn.execute(
                    "INSERT INTO outbox_destinations (name, target, is_dm, introduced_at, retired)"
                    " VALUES (?,?,?,?,0) ON CONFLICT(name) DO UPDATE SET retired = 0,"
                    " target = excluded.target, introduced_at = excluded.introduced_at",
                    (spec.name, spec.target, int(spec.is_dm), now),
                )
                introduced.append(spec.name)
                if spec.is_dm:
                    continue
                backlog = min(spec.backlog, len(visible))
                # oldest first, so a backlog is announced in publication order
                for i in reversed(range(len(visible))):
                    key, number = visible[i]
                    state = "pending" if i < backlog else "seeded"
                    self._insert(spec.name, spec.target, key, number, "announce", 0, state, now)
        for name in introduced:
            log.info("destination %s introduced", name)
        return introduced

    # --- enqueueing (inside the ingest transaction) --------------------------------------

    def _insert(self, dest, target, issue_key, number, kind, n, state, now, project=None) -> bool:
        cur = self.conn.execute(
            "INSERT OR IGNORE INTO outbox (key, destination, target, issue_key, issue, kind, project,"
            " state, next_at, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (delivery_key(issue_key, dest, kind, n), dest, target, issue_key, number, kind, project,
             state, now, now),
        )
        return cur.rowcount == 1

    def _active(self) -> list[tuple[str, str, bool]]:
        return [
            (n, t, bool(dm))
            for n, t, dm in self.conn.execute(
                "SELECT name, target, is_dm FROM outbox_destinations WHERE NOT retired ORDER BY name"
            )
        ]

    def on_change(self, db, changes) -> int:
        """The store's ingest callback: queue deliveries for `changes` (IssueChange list).
        Runs inside the ingest transaction: plain execute() only, no commit. Returns rows queued."""
        now = self.clock()
        active = self._active()
        queued = 0
        with self._tx():
            for ch in changes:
                if ch.kind == "published":
                    queued += self._published(ch, active, now)
                elif ch.kind == "corrected":
                    queued += self._corrected(ch, active, now)
                elif ch.kind == "withdrawn":
                    self._withdrawn(ch)
        return queued

    def _published(self, ch, active, now) -> int:
        queued = 0
        # the number may have changed with the content; keep rows pointing at the right issue
        self.conn.execute("UPDATE outbox SET issue = ? WHERE issue_key = ?", (ch.number, ch.key))
        # re-published after a withdrawal: what was cancelled goes out after all
        self.conn.execute(
            "UPDATE outbox SET state = 'pending', next_at = ?, last_error = NULL"
            " WHERE issue_key = ? AND state = 'cancelled' AND last_error = 'issue withdrawn'",
            (now, ch.key),
        )
        dm_dests = {name: target for name, target, is_dm in active if is_dm}
        for name, target, is_dm in active:
            if not is_dm:
                queued += self._insert(name, target, ch.key, ch.number, "announce", 0, "pending", now)
        if dm_dests:
            for project in dict.fromkeys(self.issue_projects(ch.key)):
                for platform, user in self.subscribers(project):
                    dest = f"{platform}-dm"
                    if dest in dm_dests:
                        queued += self._insert(
                            dest, user, ch.key, ch.number, "dm", f"{project}:{user}", "pending", now,
                            project=project,
                        )
        return queued

    def reconcile(self, visible: Sequence[tuple[str, int]]) -> int:
        """Queue what an ingest without `on_change` (`digest-bot ingest`, another tool) let
        through. Introduction gives every visible issue an announce row per destination, so
        a visible issue without one became visible after the destination was introduced:
        it is a publication nobody queued. Returns rows queued."""
        active = self._active()
        channels = [name for name, _, is_dm in active if not is_dm]
        if not channels or not visible:
            return 0
        have: dict[str, set[str]] = {name: set() for name in channels}
        for dest, key in self.conn.execute(
            "SELECT destination, issue_key FROM outbox WHERE kind = 'announce'"
        ):
            if dest in have:
                have[dest].add(key)
        missed = [(k, n) for k, n in visible if any(k not in keys for keys in have.values())]
        if not missed:
            return 0
        now = self.clock()
        queued = 0
        with self._tx():
            for key, number in reversed(missed):  # oldest first
                queued += self._published(_Change(key, number, "published"), active, now)
        if queued:
            log.warning("queued %d announcement(s) for issue(s) %s found without any (ingested "
                        "without the outbox?)", queued, ", ".join(str(n) for _, n in missed))
        return queued

    def _corrected(self, ch, active, now) -> int:
        """Queue an edit where the announcement already went out with a reference to edit,
        or is pending (it may be in flight with the old text). One pending edit per message is
        enough: it renders the issue as it is when it is sent."""
        queued = 0
        self.conn.execute("UPDATE outbox SET issue = ? WHERE issue_key = ?", (ch.number, ch.key))
        for name, target, is_dm in active:
            if is_dm:
                continue
            row = self.conn.execute(
                "SELECT state, remote_ref FROM outbox WHERE issue_key = ? AND destination = ? AND kind = 'announce'",
                (ch.key, name),
            ).fetchone()
            if row is None:
                continue
            state, ref = row
            if not (state == "pending" or (state == "delivered" and ref)):
                continue  # back catalogue, cancelled, failing, or sent where nothing can be edited
            if self.conn.execute(
                "SELECT 1 FROM outbox WHERE issue_key = ? AND destination = ? AND kind = 'edit' AND state = 'pending'",
                (ch.key, name),
            ).fetchone():
                continue
            n = self.conn.execute(
                "SELECT count(*) FROM outbox WHERE issue_key = ? AND destination = ? AND kind = 'edit'",
                (ch.key, name),
            ).fetchone()[0]
            queued += self._insert(name, target, ch.key, ch.number, "edit", n, "pending", now)
        return queued

    def _withdrawn(self, ch) -> None:
        self.conn.execute(
            "UPDATE outbox SET state = 'cancelled', last_error = 'issue withdrawn'"
            " WHERE issue_key = ? AND state = 'pending'",
            (ch.key,),
        )

    # --- delivering ----------------------------------------------------------------------

    def next_due_at(self, destination: str) -> float | None:
        """When the first lane of `destination` may be tried again (None: nothing pending)."""
        due = [max(h.next_at, h.lease_until or 0) for h in self.heads(destination)]
        return min(due) if due else None

    def heads(self, destination: str) -> list[Head]:
        """The oldest pending row of each lane (target) of `destination`, oldest lane first.

        Order is kept per lane: only a lane's head may be sent, so a head that is backing off
        holds its lane; its `next_at` is in the table, so the hold survives a restart."""
        return [
            Head(*r)
            for r in self.conn.execute(
                # SQLite: the bare columns of a min() aggregate come from the row holding the min
                "SELECT target, min(id), next_at, lease_owner, lease_until FROM outbox"
                " WHERE destination = ? AND state = 'pending' GROUP BY target ORDER BY 2",
                (destination,),
            )
        ]

    def claim(
        self, destination: str, *, target: str | None = None, ignore_backoff: bool = False,
        skip: set[int] | frozenset = frozenset(),
    ) -> Pending | None:
        """Take the head of a lane of `destination` that is due (of lane `target`, if given),
        lease it to this process and count the attempt. None when no head is due. A row in
        `skip` holds its lane (the rows behind it wait, as they would for a backoff)."""
        now = self.clock()
        for head in self.heads(destination):
            if target is not None and head.target != target:
                continue
            if head.id in skip:
                continue
            pending = self.take(destination, head, ignore_backoff=ignore_backoff, now=now)
            if pending is not None:
                return pending
        return None

    def take(self, destination: str, head: Head, *, ignore_backoff: bool = False,
             now: float | None = None) -> Pending | None:
        """Claim this lane head if it is due and no other live process holds it."""
        now = self.clock() if now is None else now
        if not (ignore_backoff or head.next_at <= now):
            return None
        if (head.lease_owner and head.lease_owner != self.owner and head.lease_until
                and head.lease_until > now and _owner_alive(head.lease_owner)):
            return None  # another live process is sending it right now
        return self._take(destination, head.id, head.lease_owner, now)

    def _take(self, destination: str, rid: int, owner: str | None, now: float) -> Pending | None:
        row = self.conn.execute(
            "SELECT key, target, issue, kind, project, issue_key, attempts, unsure_since, created_at"
            " FROM outbox WHERE id = ?",
            (rid,),
        ).fetchone()
        if row is None:
            return None
        key, target, issue, kind, project, issue_key, attempts, unsure, created = row
        remote_ref = None
        if kind == "edit":
            ann = self.conn.execute(
                "SELECT state, remote_ref FROM outbox WHERE issue_key = ? AND destination = ? AND kind = 'announce'",
                (issue_key, destination),
            ).fetchone()
            if ann is None or ann[0] in ("seeded", "cancelled", "failing") or (ann[0] == "delivered" and not ann[1]):
                self.finish(rid, "cancelled", error="nothing to edit")
                return None
            if ann[0] == "pending":
                return None  # the announcement goes first
            remote_ref = ann[1]
        with self._tx():
            # Recorded before sending: this attempt may reach the platform from now on (a crash
            # leaves it so); the oldest such start is kept until an attempt settles it.
            cur = self.conn.execute(
                "UPDATE outbox SET lease_owner = ?, lease_until = ?, attempts = attempts + 1,"
                " unsure_since = coalesce(unsure_since, ?)"
                " WHERE id = ? AND state = 'pending' AND lease_owner IS ?",
                (self.owner, now + LEASE_SECONDS, now, rid, owner),
            )
        if cur.rowcount != 1:
            return None  # someone else took it between our read and our write
        return Pending(
            Delivery(id=rid, key=key, destination=destination, target=target, issue=issue, kind=kind,
                     remote_ref=remote_ref, attempt=attempts, started_at=now, maybe_sent_at=unsure),
            issue_key,
            project,
            created,
        )

    def delivered(self, row_id: int, remote_ref: str | None) -> None:
        with self._tx():
            self.conn.execute(
                "UPDATE outbox SET state = 'delivered', delivered_at = ?, remote_ref = coalesce(?, remote_ref),"
                " lease_owner = NULL, lease_until = NULL, last_error = NULL WHERE id = ?",
                (self.clock(), remote_ref, row_id),
            )

    def retry_later(self, row_id: int, error: str, at: float, *, unsure_since=_KEEP) -> None:
        """Back the row (and so its lane) off until `at`. `unsure_since`: the start of the
        oldest attempt that may have reached the platform (None: none did)."""
        with self._tx():
            self.conn.execute(
                "UPDATE outbox SET next_at = ?, last_error = ?, lease_owner = NULL, lease_until = NULL"
                + (", unsure_since = ?" if unsure_since is not _KEEP else "") + " WHERE id = ?",
                (at, scrub(error), *(() if unsure_since is _KEEP else (unsure_since,)), row_id),
            )

    def finish(self, row_id: int, state: str, *, error: str | None = None, unsure_since=_KEEP) -> None:
        """End a row without delivering it: `failing` (permanent error) or `cancelled`."""
        with self._tx():
            self.conn.execute(
                "UPDATE outbox SET state = ?, last_error = ?, lease_owner = NULL, lease_until = NULL"
                + (", unsure_since = ?" if unsure_since is not _KEEP else "") + " WHERE id = ?",
                (state, scrub(error) if error else None, *(() if unsure_since is _KEEP else (unsure_since,)),
                 row_id),
            )

    def release(self, row_id: int) -> None:
        """Give a claimed row back untouched (shutdown mid-send): it is retried, same key."""
        with self._tx():
            self.conn.execute(
                "UPDATE outbox SET lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ?",
                (row_id, self.owner),
            )

    def retry_failing(self, destination: str | None = None) -> int:
        """Put permanently failed rows back in the queue (after fixing a token, say)."""
        with self._tx():
            cur = self.conn.execute(
                "UPDATE outbox SET state = 'pending', next_at = 0 WHERE state = 'failing'"
                + (" AND destination = ?" if destination else ""),
                (destination,) if destination else (),
            )
        return cur.rowcount

    # --- reporting -----------------------------------------------------------------------

    def status(self) -> list[DestinationStatus]:
        out = []
        names = self.known_destinations(include_retired=True)
        extra = [n for (n,) in self.conn.execute("SELECT DISTINCT destination FROM outbox") if n not in names]
        for name in names + sorted(extra):
            r = self.conn.execute("SELECT retired FROM outbox_destinations WHERE name = ?", (name,)).fetchone()
            counts = dict(
                self.conn.execute(
                    "SELECT CASE WHEN state = 'pending' AND last_error IS NOT NULL THEN 'retrying' ELSE state END,"
                    " count(*) FROM outbox WHERE destination = ? GROUP BY 1",
                    (name,),
                ).fetchall()
            )
            err = self.conn.execute(
                "SELECT last_error FROM outbox WHERE destination = ? AND state IN ('pending', 'failing')"
                " AND last_error IS NOT NULL ORDER BY id DESC LIMIT 1",
                (name,),
            ).fetchone()
            last = self.conn.execute(
                "SELECT max(delivered_at) FROM outbox WHERE destination = ?", (name,)
            ).fetchone()[0]
            nxt = self.conn.execute(
                "SELECT min(next_at) FROM outbox WHERE destination = ? AND state = 'pending'", (name,)
            ).fetchone()[0]
            out.append(
                DestinationStatus(
                    name=name,
                    retired=bool(r[0]) if r else True,
                    delivered=counts.get("delivered", 0),
                    pending=counts.get("pending", 0) + counts.get("retrying", 0),
                    failing=counts.get("failing", 0),
                    retrying=counts.get("retrying", 0),
                    seeded=counts.get("seeded", 0),
                    last_error=err[0] if err else None,
                    last_delivered_at=last,
                    next_attempt_at=nxt,
                )
            )
        return out
