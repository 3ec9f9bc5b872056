"""Ingest throughput per layout: a synthetic digest of N issues (about 20 KB each, like a big
English weekly) in each layout of bench/synth.py, read with nothing configured but the path.

    .venv/bin/python bench/ingest_throughput.py [--issues 664] [--layouts pelican,zola,...]

Target (issue #11): >= 2 MB/s of markdown on a 2-core machine (a 13 MB, 664-issue digest in <= 7 s).
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from archive.store import Store  # noqa: E402
from bot import runtime  # noqa: E402
from bot.config import ArchiveConfig, Config  # noqa: E402
from synth import LAYOUTS, write_layout  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--issues", type=int, default=664)
    ap.add_argument("--layouts", default=",".join(LAYOUTS))
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="digest-throughput-"))
    print(f"load average before: {os.getloadavg()[0]:.2f} (1 min), {os.cpu_count()} cores")
    print("CPU: seconds of CPU the ingest used, in this process and in its parse workers; on an idle")
    print("machine the ingest takes about the larger of the two (they overlap), which `idle MB/s` assumes")
    print(f"{'layout':<12}{'issues':>7}{'MB':>7}{'ingest s':>10}{'MB/s':>7}{'CPU main':>9}{'CPU work':>9}"
          f"{'idle MB/s':>10}{'items':>8}{'links':>8}{'restart ms':>12}")
    for layout in args.layouts.split(","):
        root = write_layout(work / layout, layout, args.issues)
        size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) / 1e6
        config = Config(archive=ArchiveConfig(path=root))
        store = Store(work / f"{layout}.db")
        me0, kids0 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        runtime.ingest(store, config, when=date(2100, 1, 1))
        took = time.perf_counter() - t
        me1, kids1 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        main_cpu = me1.ru_utime + me1.ru_stime - me0.ru_utime - me0.ru_stime
        work_cpu = kids1.ru_utime + kids1.ru_stime - kids0.ru_utime - kids0.ru_stime
        idle = max(main_cpu, (main_cpu + work_cpu) / (os.cpu_count() or 1))
        totals = store.totals()
        t = time.perf_counter()
        runtime.ingest(store, config, when=date(2100, 1, 1))
        restart = (time.perf_counter() - t) * 1000
        print(f"{layout:<12}{totals.issues:>7}{size:>7.1f}{took:>10.2f}{size / took:>7.2f}{main_cpu:>9.1f}"
              f"{work_cpu:>9.1f}{size / idle:>10.2f}{totals.items:>8}{totals.links:>8}{restart:>12.0f}")
        store.close()
    print(f"load average after: {os.getloadavg()[0]:.2f} (1 min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
