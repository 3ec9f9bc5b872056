"""Archive and command speed at scale, side by side with the raw-SQL floor and grep.

    .venv/bin/python bench/archive_bench.py [--issues 10000] [--runs 10000]

Prints: full ingest, restart with an unchanged archive, peak RSS, and per command p50/p99
through the core, as one raw SQLite query, and as `grep -r` over the markdown.
Targets (issues #2 and #10): p99 <= 5 ms and <= 3x the floor; >= 100x faster than grep;
full ingest <= 60 s; unchanged restart <= 1 s; peak RSS <= 150 MB.
"""
from __future__ import annotations

import argparse
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from archive import bm25, search_index  # noqa: E402
from archive.store import Store  # noqa: E402
from bot.config import Config  # noqa: E402
from bot.core import Core  # noqa: E402
from bot.ingest import ingest  # noqa: E402
from bot.reply import Context  # noqa: E402
from synth import chinese, write_archive  # noqa: E402

TODAY = date(2100, 1, 1)


def pct(samples: list[float], p: float) -> float:
    s = sorted(samples)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def timed_pair(a, b, runs: int) -> tuple[list[float], list[float]]:
    """Alternate a and b, so that both see the same moments of the machine (a fair ratio)."""
    out_a, out_b = [], []
    for _ in range(runs):
        out_a += timed(a, 1)
        out_b += timed(b, 1)
    return out_a, out_b


def rss_mb() -> tuple[float, float]:
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return me, kids


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--issues", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=10_000)
    ap.add_argument("--grep-runs", type=int, default=3)
    ap.add_argument("--work", type=Path, help="reuse this folder of an earlier run (its site and database)")
    args = ap.parse_args()

    work = args.work or Path(tempfile.mkdtemp(prefix="digest-bench-"))
    t = time.perf_counter()
    root = work / "site"
    if (root / "_posts").is_dir():  # --work of an earlier run: its archive (and database) again
        print(f"reusing the archive under {root}")
    else:
        write_archive(root, args.issues)
        print(f"generated {args.issues} issues in {time.perf_counter() - t:.1f} s under {root}")

    config = Config()
    db = work / "bench.db"
    store = Store(db)
    t = time.perf_counter()
    s = ingest(store, config, root, when=TODAY)
    full = time.perf_counter() - t
    held = store.totals()
    print(f"full ingest: {full:.1f} s  ({held.issues} issues, {held.items} items, {held.links} links, "
          f"{len(s.skipped)} skipped)")
    store.close()

    t = time.perf_counter()
    store = Store(db)
    s2 = ingest(store, config, root, when=TODAY)
    restart = time.perf_counter() - t
    print(f"restart, unchanged archive: {restart * 1000:.0f} ms  (parsed {s2.parsed} files)")

    core = Core(store, config)
    ctx = Context("cli", "bench", "bench")
    n = args.issues // 2
    raw = sqlite3.connect(db)
    search_index.install(raw)
    # The floor: the same answer (the same rows and counts the reply shows) from hand-written SQL
    # over the same indexes, with no Python around it.
    heat_key = "(SELECT issue_key FROM items WHERE project = 'heat' AND visible = 1 ORDER BY date DESC, number DESC LIMIT 1)"
    issue_key = f"(SELECT key FROM issues WHERE number = {n} AND +visible = 1)"
    ranker = bm25.Ranker(raw, (1.0, search_index.SECTION_WEIGHT))

    def ranked(expr: str) -> list[str]:
        """A ranked search page by hand, the same algorithm as archive.search_index: the matches
        newest first up to 1,001 (the count, and the newest 100 are the pool); then, unless there
        are more than 1,000 (too vague to rank: the newest 10), either bm25() over the pool and the
        best 10 rows, or (when bm25() would read long posting lists) the reads of the cached-statistics
        ranker: the pool's text, section and %_docsize rows, then the best 10 rows. Its Python
        arithmetic (stems, term counts, the formula) is what the floor leaves out."""
        m = expr.replace("'", "''")
        newest = f"SELECT rowid FROM items_grams WHERE items_grams MATCH '{m}' ORDER BY rowid DESC LIMIT 1001"
        found = [r for (r,) in raw.execute(newest)]
        page = "SELECT i.number, i.section, i.text, i.links, i.date FROM items i WHERE i.id IN ({})"
        if len(found) > 1000:
            return [newest, page.format(",".join(map(str, found[:10])))]
        pool = found[:100]
        if ranker.heavy(expr):
            score = ranker.scores(expr, pool)
            best = sorted(pool, key=score.get)[:10]
            return [newest, "SELECT i.id, i.text, i.section, d.sz FROM items i JOIN items_grams_docsize d"
                    f" ON d.id = i.id WHERE i.id IN ({','.join(map(str, pool))})",
                    page.format(",".join(map(str, best)))]
        return [newest, "SELECT i.number, i.section, i.text, i.links, i.date FROM (SELECT rowid AS id,"
                f" bm25(items_grams, 1.0, {search_index.SECTION_WEIGHT}) AS r FROM items_grams WHERE items_grams"
                f" MATCH '{m}' AND rowid >= {pool[-1]} ORDER BY rowid DESC LIMIT 100) AS pool"
                " JOIN items i ON i.id = pool.id ORDER BY pool.r LIMIT 10"]

    cases = [
        ("latest heat links", "latest heat links", [
            f"SELECT * FROM issues WHERE key = {heat_key}",
            f"SELECT text, links FROM items WHERE issue_key = {heat_key} AND project = 'heat' ORDER BY position",
        ], ["grep", "-r", "-l", "### Heat", str(root / "_posts")]),
        ("nova links", "nova links", [
            "SELECT text, links FROM items WHERE project = 'nova' AND visible = 1"
            " ORDER BY date DESC, number DESC, position LIMIT 10",
            "SELECT count(*) FROM items WHERE project = 'nova' AND visible = 1",
        ], ["grep", "-r", "-A", "12", "# Nova", str(root / "_posts")]),
        (f"issue {n}", f"issue {n}", [
            f"SELECT * FROM issues WHERE key = {issue_key}",
            f"SELECT text, links FROM items WHERE issue_key = {issue_key} ORDER BY position LIMIT 10",
        ], ["grep", "-r", "-l", f"第{chinese(n)}期", str(root / "_posts")]),
        ("search 热迁移", "search 热迁移", ranked('(("热迁" AND "迁移") OR "live migration" OR ("在线" AND "线迁" AND "迁移") OR ("动态" AND "态迁" AND "迁移"))'), ["grep", "-r", "热迁移", str(root / "_posts")]),
        ("search 监控", "search 监控", ranked('("监控" OR "monitoring")'), ["grep", "-r", "监控", str(root / "_posts")]),
        ("search live migration", "search live migration", ranked('("live migration" OR ("热迁" AND "迁移") OR ("在线" AND "线迁" AND "迁移") OR ("动态" AND "态迁" AND "迁移") OR ("live" AND "migration"))'),
         ["grep", "-r", "-i", "live migration", str(root / "_posts")]),
        ("search scheduler", "search scheduler", ranked('("scheduler" OR ("调度" AND "度器") OR "调度" OR "scheduling")'), ["grep", "-r", "-i", "scheduler", str(root / "_posts")]),
        # natural questions (issue #10): a question frame + a term, a project + a topic, a
        # cross-lingual term, a Chinese sentence; their floor is the same ranked page in SQL
        ("frame + term", "any news about live migration?", ranked('("live migration" OR ("热迁" AND "迁移") OR ("在线" AND "线迁" AND "迁移") OR ("动态" AND "态迁" AND "迁移") OR ("live" AND "migration"))'),
         ["grep", "-r", "-i", "live migration", str(root / "_posts")]),
        ("project + topic", "nova scheduler", ranked('section : "Nova" AND (' + '("scheduler" OR ("调度" AND "度器") OR "调度" OR "scheduling")' + ')'),
         ["grep", "-r", "-i", "scheduler", str(root / "_posts")]),
        ("cross-lingual term", "monitoring", ranked('("monitoring" OR "监控")'),
         ["grep", "-r", "-i", "-e", "monitoring", "-e", "监控", str(root / "_posts")]),
        ("Chinese sentence", "有没有关于热迁移的文章", ranked('(("热迁" AND "迁移") OR "live migration" OR ("在线" AND "线迁" AND "迁移") OR ("动态" AND "态迁" AND "迁移"))'), ["grep", "-r", "热迁移", str(root / "_posts")]),
    ]
    print()
    print("times in ms; floor = the same answer from hand-written SQL; grep = `grep -r` over the posts")
    print(f"{'command':<24}{'core p50':>10}{'core p99':>10}{'floor p50':>10}{'floor p99':>10}"
          f"{'p99/floor':>10}{'grep':>9}{'grep/p99':>10}")
    ok = True
    for label, text, sqls, grep in cases:
        assert core.handle(text, ctx).ok, label
        core_ms, raw_ms = timed_pair(lambda: core.handle(text, ctx),
                                     lambda: [raw.execute(sql).fetchall() for sql in sqls], args.runs)
        grep_ms = timed(lambda: subprocess.run(grep, stdout=subprocess.DEVNULL, check=False), args.grep_runs)
        p99, r99, g = pct(core_ms, 99), pct(raw_ms, 99), statistics.median(grep_ms)
        ok &= p99 <= 5 and p99 <= 3 * r99 and g / p99 >= 100
        print(f"{label:<24}{pct(core_ms, 50):>10.3f}{p99:>10.3f}{pct(raw_ms, 50):>10.3f}{r99:>10.3f}"
              f"{p99 / r99:>9.1f}x{g:>9.1f}{g / p99:>9.0f}x")
    me, kids = rss_mb()
    print()
    print(f"peak RSS: {me:.0f} MB (this process), {kids:.0f} MB (largest parse worker)")
    print(f"targets: full ingest <= 60 s: {full:.1f} s; restart <= 1 s: {restart:.2f} s; "
          f"RSS <= 150 MB: {me:.0f} MB; p99 <= 5 ms, <= 3x floor and >= 100x grep: {'yes' if ok else 'NO'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
