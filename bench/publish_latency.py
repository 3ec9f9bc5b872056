"""Publish-to-delivery latency: a post file written -> the webhook receives the announcement.

    .venv/bin/python bench/publish_latency.py [--publications 50] [--existing 100] [--debounce-ms 300]

A real `digest-bot run` (subprocess) watches a temporary archive with a webhook pointing at
a local aiohttp receiver in this process. Each publication is a post file renamed into
`_posts/`; the clock starts after the rename and stops when the receiver has the request.
Publications are spaced more than the webhook's pacing interval apart, so pacing never
adds to a sample. Target (issue #3): p50 <= 1 s. For comparison, feed bots (RSS to chat)
poll every 10-60 minutes.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2100, 1, 1)
BIN = Path(sys.executable).with_name("digest-bot")
PACING = 1.0  # WebhookDestination.min_interval

CONFIG = """
[archive]
path = "site"
[watch]
debounce_ms = {debounce}
rescan_seconds = 300
[announce]
console = false
[[webhook]]
name = "bench"
url_env = "BENCH_HOOK_URL"
"""


def post(number: int, day: date) -> str:
    return (
        "---\nlayout: post\n"
        f"title: OpenStack社区动态第{number}期({(day - timedelta(days=13)):%m%d}-{day:%m%d})\n"
        "category: 技术\n---\n\n## 社区跟踪\n\n### Nova\n\n"
        f"Nova item of issue {number} <https://review.openstack.org/{number}>\n\n"
        "### Neutron\n\nA Neutron item\n"
    )


def write(site: Path, number: int) -> None:
    day = TODAY - timedelta(days=7 * (10_000 - number))
    final = site / "_posts" / f"{day.isoformat()}-activity-{number}.md"
    tmp = final.with_name("." + final.name)
    tmp.write_text(post(number, day), encoding="utf-8")
    os.replace(tmp, final)


def pct(samples: list[float], p: float) -> float:
    s = sorted(samples)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


async def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--publications", type=int, default=50)
    ap.add_argument("--existing", type=int, default=100, help="posts in the archive before the bot starts")
    ap.add_argument("--debounce-ms", type=int, default=300, help="watch.debounce_ms (the default config's value)")
    args = ap.parse_args()
    if not BIN.exists():
        print("digest-bot is not installed: .venv/bin/pip install -e .", file=sys.stderr)
        return 2

    got: dict[str, float] = {}
    arrived = asyncio.Event()

    async def receive(request: web.Request) -> web.Response:
        got[request.headers.get("Idempotency-Key", "")] = time.monotonic()
        arrived.set()
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/hook", receive)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]

    with tempfile.TemporaryDirectory(prefix="digest-latency-") as tmp:
        tmp = Path(tmp)
        site = tmp / "site"
        (site / "_posts").mkdir(parents=True)
        for n in range(1, args.existing + 1):
            write(site, n)
        (tmp / "config.toml").write_text(CONFIG.format(debounce=args.debounce_ms))
        env = {**os.environ, "BENCH_HOOK_URL": f"http://127.0.0.1:{port}/hook",
               "DIGEST_BOT_TODAY": TODAY.isoformat(), "DIGEST_BOT_LOG_LEVEL": "WARNING"}
        env.pop("DIGEST_BOT_DB", None)
        log = open(tmp / "bot.log", "wb")
        proc = subprocess.Popen([str(BIN), "--config", str(tmp / "config.toml"), "--db", str(tmp / "bot.db"), "run"],
                                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=tmp)
        try:
            # ready when the first scan has introduced the webhook
            import sqlite3

            deadline = time.monotonic() + 60
            while True:
                try:
                    c = sqlite3.connect(f"file:{tmp / 'bot.db'}?mode=ro", uri=True)
                    if c.execute("SELECT count(*) FROM outbox_destinations").fetchone()[0]:
                        c.close()
                        break
                    c.close()
                except sqlite3.Error:
                    pass
                if time.monotonic() > deadline or proc.poll() is not None:
                    print((tmp / "bot.log").read_text(), file=sys.stderr)
                    return 1
                await asyncio.sleep(0.05)

            samples = []
            last = 0.0
            for i in range(args.publications):
                number = args.existing + 1 + i
                key = f"digest-bot:{number}:webhook:bench:announce:0"
                wait = last + PACING + 0.05 - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)  # keep pacing out of the figures
                arrived.clear()
                write(site, number)
                t0 = time.monotonic()
                while key not in got:
                    try:
                        await asyncio.wait_for(arrived.wait(), timeout=30)
                    except TimeoutError:
                        print(f"issue {number}: not delivered within 30 s", file=sys.stderr)
                        print((tmp / "bot.log").read_text()[-3000:], file=sys.stderr)
                        return 1
                    arrived.clear()
                samples.append(got[key] - t0)
                last = got[key]
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
            log.close()
    await runner.cleanup()

    ms = [s * 1000 for s in samples]
    print(f"publish-to-delivery latency, {len(ms)} publications, archive of {args.existing}+ posts, "
          f"debounce {args.debounce_ms} ms")
    print(f"  p50 {pct(ms, 50):7.0f} ms   (target <= 1000 ms)")
    print(f"  p90 {pct(ms, 90):7.0f} ms")
    print(f"  p99 {pct(ms, 99):7.0f} ms")
    print(f"  min {min(ms):7.0f} ms   max {max(ms):.0f} ms   mean {statistics.mean(ms):.0f} ms")
    print("  for comparison: feed bots poll every 10-60 min (600,000-3,600,000 ms)")
    return 0 if pct(ms, 50) <= 1000 else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
