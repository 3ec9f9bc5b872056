"""Prometheus metrics of one running bot, in a registry of its own (several bots in one test
process must not share the global one).

Commands are counted by wrapping the core's `handle` (the core knows nothing of metrics),
deliveries through the announcer's `on_result` hook. What the database already knows (outbox rows, issues) is read at scrape time by a
collector: a number kept in memory would drift from the table that `publish` also writes.
"""
from __future__ import annotations

import functools
import logging
import sqlite3
import threading
import time
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from bot.scan import Bot

log = logging.getLogger("digest_bot.metrics")

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

# From a publication noticed to its message posted: seconds (pacing) to hours (an outage).
DELIVERY_BUCKETS = (0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600, 24 * 3600)
COMMAND_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5)


class Metrics:
    def __init__(self, bot: "Bot"):
        self.bot = bot
        self.registry = CollectorRegistry()
        r = self.registry
        self.deliveries = Counter("digest_bot_deliveries", "Delivery attempts by outcome "
                                  "(delivered, retry, failing, cancelled)", ["destination", "result"], registry=r)
        self.publish_to_delivery = Histogram(
            "digest_bot_publish_to_delivery_seconds",
            "From the scan that queued a delivery (a new or corrected issue) to its delivery",
            buckets=DELIVERY_BUCKETS, registry=r)
        self.commands = Counter("digest_bot_commands", "Commands answered", ["platform"], registry=r)
        self.command_seconds = Histogram("digest_bot_command_seconds", "Time to answer a command (core only)",
                                         buckets=COMMAND_BUCKETS, registry=r)
        self._store_gauges = _StoreCollector(bot)
        r.register(self._store_gauges)
        self._wrap_core()  # deliveries come through on_result, the announcer's hook

    def render(self) -> bytes:
        return generate_latest(self.registry)

    def close(self) -> None:
        self._store_gauges.close()

    # --- feeding ------------------------------------------------------------------------

    def _wrap_core(self) -> None:
        core = self.bot.core
        handle = core.handle

        @functools.wraps(handle)
        def timed(text, ctx):
            t0 = time.perf_counter()
            try:
                return handle(text, ctx)
            finally:
                self.command_seconds.observe(time.perf_counter() - t0)
                self.commands.labels(ctx.platform).inc()

        core.handle = timed  # adapters look `core.handle` up on every command

    def on_result(self, destination: str, result: str, seconds: float) -> None:
        """The announcer's hook, after each delivery attempt: `result` is delivered, retry,
        failing or cancelled; `seconds` since the row was queued (the publication noticed)."""
        self.deliveries.labels(destination, result).inc()
        if result == "delivered":
            self.publish_to_delivery.observe(seconds)


class _StoreCollector(Collector):
    """Gauges read from the database at scrape time, on a read-only connection of their own:
    the HTTP server renders in a thread, so a scrape never holds up the loop (a count over
    200,000 outbox rows takes ~40 ms; bench/metrics_scrape.py)."""

    def __init__(self, bot: "Bot"):
        self.bot = bot
        self._conn: sqlite3.Connection | None = None  # kept: its page cache makes the next scrape faster
        self._lock = threading.Lock()  # scrapes may overlap, in different threads

    def _query(self) -> tuple[list, int]:
        with self._lock:
            if self._conn is None:
                self._conn = sqlite3.connect(f"file:{self.bot.store.path.resolve()}?mode=ro", uri=True,
                                             timeout=2, check_same_thread=False)
            try:
                rows = self._conn.execute("SELECT destination, state, count(*) FROM outbox GROUP BY 1, 2").fetchall()
                issues = self._conn.execute("SELECT count(*) FROM issues WHERE visible = 1").fetchone()[0]
            except sqlite3.Error:
                self._conn.close()
                self._conn = None
                raise
            return rows, issues

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def describe(self):
        return []

    def collect(self):
        try:
            rows, issues = self._query()
        except sqlite3.Error as e:  # a locked or broken database: /healthz says so; keep /metrics up
            log.warning("metrics: cannot read the database: %s", e)
            return
        g = GaugeMetricFamily("digest_bot_outbox_rows", "Outbox rows by destination and state "
                              "(pending, delivered, failing, cancelled, seeded)", labels=["destination", "state"])
        for dest, state, n in rows:
            g.add_metric([dest, state], n)
        yield g
        yield GaugeMetricFamily("digest_bot_issues", "Published issues in the archive", value=issues)
        if self.bot.last_scan_at is not None:
            yield GaugeMetricFamily("digest_bot_last_scan_timestamp_seconds",
                                    "When the last successful archive scan finished (Unix time)",
                                    value=self.bot.last_scan_at)
