"""Cost of one /metrics scrape and one /healthz probe on a big outbox.

    .venv/bin/python bench/metrics_scrape.py [ROWS]

Fills an outbox with ROWS rows (default 200,000: 2,000 subscribers x 100 issues) over 12
destinations and states, then times Metrics.render() (the database gauges are computed at
scrape time) and the write probe of /healthz, median of 50 runs each.
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.config import Config  # noqa: E402
from bot.http_server import _probe_write  # noqa: E402
from bot.metrics import Metrics  # noqa: E402
from bot.scan import Bot  # noqa: E402


def main(rows: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        bot = Bot(Config(), db)
        bot.scan()
        conn = bot.store.conn
        states = ("delivered", "delivered", "delivered", "pending", "failing", "seeded")
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO outbox (key, destination, target, issue_key, issue, kind, state, created_at)"
            " VALUES (?,?,?,?,?,?,?,?)",
            ((f"k{i}", "slack-dm" if i % 3 else f"slack:C{i % 10}", f"U{i}", str(i % 100), i % 100, "dm",
              states[i % len(states)], time.time()) for i in range(rows)))
        conn.execute("COMMIT")
        m = Metrics(bot)

        def timed(f, n=50):
            out = []
            for _ in range(n):
                t0 = time.perf_counter()
                f()
                out.append(time.perf_counter() - t0)
            return statistics.median(out) * 1000

        scrape = timed(m.render)
        probe = timed(lambda: _probe_write(str(db)))
        size = len(m.render())
        print(f"{rows} outbox rows: /metrics {scrape:.1f} ms ({size / 1000:.0f} kB), /healthz write probe {probe:.2f} ms")
        bot.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)
