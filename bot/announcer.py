"""The delivery loop: one worker per live destination drains that destination's outbox rows.

Per destination, in row order, paced by `Destination.min_interval`. A transient failure backs
the whole destination off (exponential, or the platform's Retry-After): when a destination is
down, every row would fail the same way, and waiting together keeps the announcements in
order once it is back. A permanent failure marks the row failing and moves on.
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


@dataclass(frozen=True, slots=True)
class Outcome:
    ok: bool
    retry_in: float | None = None  # transient failure: when to try again
    final: bool = False  # no further attempt for this row (delivered, failing, cancelled)


def backoff(attempt: int, lo: float, hi: float) -> float:
    """Delay after the `attempt`-th failure (1-based): lo, 2lo, 4lo ... capped at hi, +-10%."""
    base = min(hi, lo * (2 ** max(0, attempt - 1)))
    return base * random.uniform(0.9, 1.1)


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
        self._not_before: dict[str, float] = {}
        self._last_sent: dict[str, float] = {}

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
        while not self._stopping:
            ev.clear()
            wait = self._hold_off(dest)
            if wait <= 0:
                pending = self.outbox.claim(dest.name)
                if pending is not None:
                    outcome = await self.deliver(dest, pending)
                    if outcome.retry_in is not None:
                        self._not_before[dest.name] = self.clock() + outcome.retry_in
                    continue
                nxt = self.outbox.next_due_at(dest.name)
                wait = self.idle_poll if nxt is None else min(self.idle_poll, max(0.25, nxt - self.clock()))
            try:
                await asyncio.wait_for(ev.wait(), timeout=wait)
            except TimeoutError:
                pass

    def _hold_off(self, dest: Destination) -> float:
        """Seconds before this destination may be sent to: backoff, then pacing."""
        return max(self._not_before.get(dest.name, 0.0) - self.clock(), self._pace(dest))

    def _pace(self, dest: Destination) -> float:
        last = self._last_sent.get(dest.name)
        return -1.0 if last is None else last + dest.min_interval - time.monotonic()

    # --- one delivery ---------------------------------------------------------------------

    async def deliver(self, dest: Destination, pending: Pending) -> Outcome:
        d = pending.delivery
        try:
            reply = self.render(pending)
        except Exception as e:  # a bug or a half-written issue: keep the row, try later
            log.exception("could not render %s for %s", d.kind, d.destination)
            return self._transient(d.id, d.attempt, f"render failed: {type(e).__name__}", None)
        if reply is None:
            self.outbox.finish(d.id, "cancelled", error="nothing to announce (issue gone)")
            return Outcome(ok=False, final=True)
        try:
            ref = await asyncio.wait_for(dest.send(d, reply), timeout=self.send_timeout)
        except asyncio.CancelledError:
            self.outbox.release(d.id)
            raise
        except DeliveryError as e:
            if e.permanent:
                log.warning("%s to %s failed for good: %s", d.kind, d.destination, e)
                self.outbox.finish(d.id, "failing", error=str(e))
                return Outcome(ok=False, final=True)
            return self._transient(d.id, d.attempt, str(e), e.retry_after)
        except TimeoutError:
            return self._transient(d.id, d.attempt, f"no answer within {self.send_timeout:g}s", None)
        except Exception as e:  # a destination bug must not kill the loop; retried like a network error
            log.exception("%s to %s raised", d.kind, d.destination)
            return self._transient(d.id, d.attempt, f"{type(e).__name__}: {e}", None)
        finally:
            # Paced from the END of a send: its look-ups and the client's own retries after
            # a 429 are part of it, and the platform counts from the post it last accepted.
            self._last_sent[dest.name] = time.monotonic()
        self.outbox.delivered(d.id, ref)
        log.info("%s of issue %s delivered to %s (attempt %d)", d.kind, d.issue, d.destination, d.attempt + 1)
        return Outcome(ok=True, final=True)

    def _transient(self, row_id: int, attempt: int, error: str, retry_after: float | None) -> Outcome:
        if retry_after is not None:
            delay = min(max(retry_after, 0.0), 86400.0)
        else:
            delay = backoff(attempt + 1, self.retry_min, self.retry_max)
        self.outbox.retry_later(row_id, error, self.clock() + delay)
        log.info("delivery %d failed (%s); retrying in %.1fs", row_id, error, delay)
        return Outcome(ok=False, retry_in=delay)

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
                pending = self.outbox.claim(dest.name, ignore_backoff=True, skip=set(
                    rid for rid, n in tried.items() if n >= tries))
                if pending is None:
                    break
                rid = pending.delivery.id
                while (pace := self._pace(dest)) > 0 and time.monotonic() < deadline:
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
