"""Where the time of the two pure index lookups goes, on a database `archive_bench.py` left behind.

    # the tail: percentiles over alternating core / floor runs
    .venv/bin/python bench/lookup_cost.py DB --percentiles [--runs 20000]
    # instructions, which no noise moves: subtract a `--calls 0` run, divide by the calls
    valgrind --tool=callgrind --callgrind-out-file=/dev/null \\
        .venv/bin/python bench/lookup_cost.py DB --only core --command issue --calls 1000

DB is `/tmp/digest-bench-*/bench.db` (10,000 issues; `issue 5000` is the middle one).
"""
from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from archive.store import Store  # noqa: E402
from archive_bench import pct, timed_pair  # noqa: E402
from bot.config import Config  # noqa: E402
from bot.core import Core  # noqa: E402
from bot.reply import Context  # noqa: E402

HEAT_KEY = ("(SELECT issue_key FROM items WHERE project = 'heat' AND visible = 1"
            " ORDER BY date DESC, number DESC LIMIT 1)")
ISSUE_KEY = "(SELECT key FROM issues WHERE number = 5000 AND +visible = 1)"
# the same text and floor as archive_bench.py
COMMANDS = {
    "heat": ("latest heat links", [
        f"SELECT * FROM issues WHERE key = {HEAT_KEY}",
        f"SELECT text, links FROM items WHERE issue_key = {HEAT_KEY} AND project = 'heat' ORDER BY position"]),
    "issue": ("issue 5000", [
        f"SELECT * FROM issues WHERE key = {ISSUE_KEY}",
        f"SELECT text, links FROM items WHERE issue_key = {ISSUE_KEY} ORDER BY position LIMIT 10"]),
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("db")
    ap.add_argument("--percentiles", action="store_true", help="time alternating runs and print percentiles")
    ap.add_argument("--runs", type=int, default=20_000)
    ap.add_argument("--only", choices=("core", "floor"), help="just run CALLS of one side (for callgrind)")
    ap.add_argument("--command", choices=sorted(COMMANDS), default="issue")
    ap.add_argument("--calls", type=int, default=1000)
    args = ap.parse_args()

    core = Core(Store(args.db), Config())
    ctx = Context("cli", "bench", "bench")
    raw = sqlite3.connect(args.db)
    for text, sqls in COMMANDS.values():  # warm up: cached project counts, paging state, statements
        core.handle(text, ctx)
        for sql in sqls:
            raw.execute(sql).fetchall()

    if args.only:
        text, sqls = COMMANDS[args.command]
        for _ in range(args.calls):
            if args.only == "core":
                core.handle(text, ctx)
            else:
                for sql in sqls:
                    raw.execute(sql).fetchall()
        return 0

    marks = (50, 90, 95, 98, 99, 99.5)
    print("µs at " + " / ".join(f"p{m}" for m in marks))
    for text, sqls in COMMANDS.values():
        a, b = timed_pair(lambda: core.handle(text, ctx),
                          lambda: [raw.execute(sql).fetchall() for sql in sqls], args.runs)
        for side, samples in (("core", a), ("floor", b)):
            print(f"{text:<20}{side:<6}" + " / ".join(f"{pct(samples, m) * 1000:.1f}" for m in marks))
        print(f"{'':<20}p99 / floor p99: {pct(a, 99) / pct(b, 99):.1f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
