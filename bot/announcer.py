"""The delivery loop: one worker per live destination drains that destination's outbox rows.

Rows are kept in order per lane: a destination's target (a channel has one lane; a DM
destination one per user). Only a lane's oldest pending row is sent, so a row backing off
holds the rows behind it, in the table, across restarts. Lanes of one destination go out
concurrently, up to its `concurrency`, each paced by `min_interval` from the END of its
previous send. A transient failure backs the lane off (exponential, or the platform's
Retry-After); a rate-limited one (a 429) also holds every destination of its `rate_group`
(a Slack workspace, a Matrix account), since the platform counts them together. A permanent
failure marks the row failing and moves on.
"""
from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.delivery import DeliveryError, Destination
from bot.outbox import Outbox, Pending
from bot.reply import Reply

log = logging.getLogger("digest_bot.announcer")

Render = Callable[[Pending], Reply | None]  # None: nothing to say any more (issue gone)
# on_result(destination, result, seconds): result is "delivered", "retry", "failing" or
# "cancelled"; seconds since the row was queued (for "delivered": publish-to-delivery).
OnResult = Callable[[str, str, float], None]


def _no_result(destination: str, result: str, seconds: float) -> None:
    pass


@dataclass(frozen=True, slots=True)
class Outcome:
    ok: bool
    retry_in: float | None = None  # transient failure: when to try again
    final: bool = False  # no further attempt for this row (delivered, failing, cancelled)
    result: str = "failing"  # for on_result: delivered | retry | failing | cancelled


def backoff(attempt: int, lo: float, hi: float) -> float:
    """Delay after the `attempt`-th failure (1-based): lo, 2lo, 4lo ... capped at hi, +-10%."""
    base = min(hi, lo * (2 ** max(0, attempt - 1)))
    return base * random.uniform(0.9, 1.1)


def unsure_after(pending: Pending, error: DeliveryError | None) -> float | None:
    """The start of the oldest attempt that may have reached the platform, after a failed one."""
    d = pending.delivery
    earlier = None if error is not None and error.checked else d.maybe_sent_at
    this = None if error is not None and error.unsent else d.started_at
    known = [t for t in (earlier, this) if t is not None]
    return min(known) if known else None


class Announcer:
    def __init__(
        self,
        outbox: Outbox,
        destinations: Iterable[Destination],
        render: Render,
        *,
        retry_min: float = 2.0,
        retry_max: float = 300.0,
        clock: Callable[[], float] = time.time,
        idle_poll: float = 5.0,  # rows queued by another process (`digest-bot publish`) are seen this fast
        send_timeout: float = 60.0,
        on_result: OnResult = _no_result,  # a hook for metrics; must not raise or block
    ):
        self.outbox = outbox
        self.destinations = {d.name: d for d in destinations}
        self.render = render
        self.retry_min = retry_min
        self.retry_max = retry_max
        self.clock = clock
        self.idle_poll = idle_poll
        self.send_timeout = send_timeout
        self._events = {name: asyncio.Event() for name in self.destinations}
        self._stopping = False
        self._tasks: list[asyncio.Task] = []
        self.on_result = on_result
        self._lane_end: dict[tuple[str, str], float] = {}  # (destination, target) -> monotonic end of last send
        self._group_until: dict[str, float] = {}  # rate group -> monotonic time it may send again
        self.rate_limited: dict[str, int] = {}  # rate group -> rate-limited answers met (429s)
        # rate group -> sends allowed at once: halved by a 429, grown back by successes (AIMD),
        # so that the end of a hold does not release a whole burst into the same limit
        self._window: dict[str, float] = {}

    def add(self, destination: Destination) -> None:
        """Add a destination (before `run`)."""
        self.destinations[destination.name] = destination
        self._events[destination.name] = asyncio.Event()

    def notify(self) -> None:
        """New rows may be due (called after an ingest queued some)."""
        for ev in self._events.values():
            ev.set()

    # --- long-running ---------------------------------------------------------------------

    async def run(self) -> None:
        self._tasks = [
            asyncio.create_task(self._worker(d), name=f"announce:{d.name}") for d in self.destinations.values()
        ]
        try:
            await asyncio.gather(*self._tasks)
        finally:
            for t in self._tasks:
                t.cancel()

    async def stop(self, grace: float = 10.0) -> None:
        """Let sends in flight finish (and be recorded) for up to `grace` seconds; a send cut
        short is released and retried with the same key next time."""
        self._stopping = True
        self.notify()
        tasks = [t for t in self._tasks if not t.done()]
        if tasks:
            _, late = await asyncio.wait(tasks, timeout=grace)
            for t in late:
                t.cancel()
            if late:
                await asyncio.wait(late)

    async def _worker(self, dest: Destination) -> None:
        ev = self._events[dest.name]
        limit = self._limit(dest)
        inflight: dict[str, asyncio.Task] = {}  # lane (target) -> its send
        broken: list[BaseException] = []  # deliver() raised (e.g. the database): stop, as a serial loop would

        def done(task: asyncio.Task, lane: str) -> None:
            inflight.pop(lane, None)
            if not task.cancelled() and task.exception() is not None:
                broken.append(task.exception())
            ev.set()

        try:
            while not self._stopping:
                if broken:
                    raise broken[0]
                ev.clear()
                wait = self.idle_poll
                hold = self._group_hold(dest)
                allowed = min(limit, int(self._window.get(self._group(dest), limit)))
                if hold > 0:
                    wait = hold
                elif len(inflight) < allowed:
                    now = self.clock()
                    for head in self.outbox.heads(dest.name):
                        if len(inflight) >= allowed:
                            break
                        if head.target in inflight:
                            continue
                        due = max(head.next_at - now, self._pace(dest, head.target))
                        if due > 0:
                            wait = min(wait, due)
                            continue
                        pending = self.outbox.take(dest.name, head, now=now)
                        if pending is None:  # another process holds it, or the head changed
                            wait = min(wait, 0.25)
                            continue
                        task = asyncio.create_task(self.deliver(dest, pending), name=f"send:{dest.name}")
                        inflight[head.target] = task
                        task.add_done_callback(lambda t, lane=head.target: done(t, lane))
                if self._stopping:
                    break
                try:
                    await asyncio.wait_for(ev.wait(), timeout=max(wait, 0.001))
                except TimeoutError:
                    pass
        finally:
            if inflight:  # stopping: the sends in flight finish and are recorded (stop() bounds it)
                await asyncio.gather(*inflight.values(), return_exceptions=True)

    @staticmethod
    def _limit(dest: Destination) -> int:
        return max(1, dest.concurrency)

    def _group(self, dest: Destination) -> str:
        return dest.rate_group or dest.name

    def _group_hold(self, dest: Destination) -> float:
        """Seconds before anything in this destination's rate group may be sent (after a 429)."""
        return self._group_until.get(self._group(dest), 0.0) - time.monotonic()

    def _pace(self, dest: Destination, lane: str) -> float:
        last = self._lane_end.get((dest.name, lane))
        return -1.0 if last is None else last + dest.min_interval - time.monotonic()

    # --- one delivery ---------------------------------------------------------------------

    async def deliver(self, dest: Destination, pending: Pending) -> Outcome:
        outcome = await self._deliver(dest, pending)
        try:
            self.on_result(dest.name, outcome.result, max(0.0, self.clock() - pending.queued_at))
        except Exception:
            log.exception("on_result hook failed")
        return outcome

    async def _deliver(self, dest: Destination, pending: Pending) -> Outcome:
        d = pending.delivery
        try:
            reply = self.render(pending)
        except Exception as e:  # a bug or a half-written issue: keep the row, try later
            log.exception("could not render %s for %s", d.kind, d.destination)
            return self._transient(dest, pending, f"render failed: {type(e).__name__}",
                                   DeliveryError("render", unsent=True))
        if reply is None:
            self.outbox.finish(d.id, "cancelled", error="nothing to announce (issue gone)",
                               unsure_since=d.maybe_sent_at)
            return Outcome(ok=False, final=True, result="cancelled")
        try:
            ref = await asyncio.wait_for(dest.send(d, reply), timeout=self.send_timeout)
        except asyncio.CancelledError:
            self.outbox.release(d.id)
            raise
        except DeliveryError as e:
            if e.permanent:
                log.warning("%s to %s failed for good: %s", d.kind, d.destination, e)
                self.outbox.finish(d.id, "failing", error=str(e), unsure_since=unsure_after(pending, e))
                return Outcome(ok=False, final=True)
            return self._transient(dest, pending, str(e), e)
        except TimeoutError:
            return self._transient(dest, pending, f"no answer within {self.send_timeout:g}s", None)
        except Exception as e:  # a destination bug must not kill the loop; retried like a network error
            log.exception("%s to %s raised", d.kind, d.destination)
            return self._transient(dest, pending, f"{type(e).__name__}: {e}", None)
        finally:
            # Paced from the END of a send: its look-ups and the client's own retries after
            # a 429 are part of it, and the platform counts from the post it last accepted.
            self._lane_end[(dest.name, d.target)] = time.monotonic()
        group = self._group(dest)
        if group in self._window:
            w = self._window[group]
            self._window[group] = min(float(self._limit(dest)), w + 1.0 / w)
        self.outbox.delivered(d.id, ref)
        log.info("%s of issue %s delivered to %s (attempt %d)", d.kind, d.issue, d.destination, d.attempt + 1)
        return Outcome(ok=True, final=True, result="delivered")

    def _transient(self, dest: Destination, pending: Pending, error: str, e: DeliveryError | None) -> Outcome:
        d = pending.delivery
        retry_after = e.retry_after if e is not None else None
        if retry_after is not None:
            delay = min(max(retry_after, 0.0), 86400.0)
        else:
            delay = backoff(d.attempt + 1, self.retry_min, self.retry_max)
        if e is not None and e.rate_limited:  # the platform counts the whole group: all of it waits
            group = self._group(dest)
            self.rate_limited[group] = self.rate_limited.get(group, 0) + 1
            until = time.monotonic() + delay
            if until > self._group_until.get(group, 0.0) + 0.5:  # one halving per hold, not per 429 of a burst
                self._window[group] = max(1.0, self._window.get(group, self._limit(dest)) / 2)
            self._group_until[group] = max(self._group_until.get(group, 0.0), until)
        self.outbox.retry_later(d.id, error, self.clock() + delay, unsure_since=unsure_after(pending, e))
        log.info("delivery %d failed (%s); retrying in %.1fs", d.id, error, delay)
        return Outcome(ok=False, retry_in=delay, result="retry")

    # --- one-shot (the `publish` command) -------------------------------------------------

    async def drain(self, *, budget: float = 30.0, tries: int = 3) -> dict[str, int]:
        """Try every pending row of every destination now (backoff ignored), retrying a
        transient failure up to `tries` times within `budget` seconds; what is left stays
        queued for the running bot. Returns {destination: rows delivered}."""
        deadline = time.monotonic() + budget

        async def one(dest: Destination) -> int:
            done = 0
            tried: dict[int, int] = {}
            while time.monotonic() < deadline:
                # a row out of tries holds its lane: the rows behind it wait for the bot
                pending = self.outbox.claim(dest.name, ignore_backoff=True, skip=set(
                    rid for rid, n in tried.items() if n >= tries))
                if pending is None:
                    break
                rid = pending.delivery.id
                lane = pending.delivery.target
                while (pace := max(self._pace(dest, lane), self._group_hold(dest))) > 0 \
                        and time.monotonic() < deadline:
                    await asyncio.sleep(pace)  # pacing the platform asks for, not a test wait
                tried[rid] = tried.get(rid, 0) + 1
                outcome = await self.deliver(dest, pending)
                done += outcome.ok
                if outcome.retry_in is not None and tried[rid] < tries:
                    left = deadline - time.monotonic()
                    if outcome.retry_in > left:
                        tried[rid] = tries  # not within budget: the bot will do it
                    else:
                        await asyncio.sleep(outcome.retry_in)  # a wait the server asked for, not a test
            return done

        results = await asyncio.gather(*(one(d) for d in self.destinations.values()))
        return dict(zip(self.destinations, results))
