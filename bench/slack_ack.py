"""Ack latency of the Slack adapter's HTTP endpoint under load.

N signed `/digest …` slash commands, C in flight at a time, against the real bolt app on the
real aiohttp server (http mode) with the real core over examples/archive; the answers go
to a fake Slack (response_url) in another process, as they would go to slack.com.
Three processes, so the load generator and the fake do not steal the bot's event loop.

    .venv/bin/python bench/slack_ack.py [--n 1000] [--concurrency 50]

Prints p50/p90/p99/max of the time from sending a request to having its 200 ack, which
carries the answer (Slack's immediate response). Target: p99 <= 50 ms.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "slack"))

SECRET = "bench-signing-secret"
TOKEN = "xoxb-fake-bot-token"
COMMANDS = ["latest", "issues", "help", "latest nova", "nova links", "search 热迁移", "projects",
            "neutron since 2014-06-01", "heat", "issue 19"]


# --- the fake Slack process ------------------------------------------------------------

async def run_fake() -> None:
    from fake_slack import FakeSlack

    fake = await FakeSlack(bot_token=TOKEN, any_response_url=True).start()
    print(f"PORT {fake.port}", flush=True)
    await _until_terminated()
    await fake.stop()


# --- the bot process -------------------------------------------------------------------

async def run_bot(fake_port: int, db: str) -> None:
    from adapters.slack import SeenEvents, SlackAdapter, make_app
    from archive.store import Store
    from bot.config import Config, SlackConfig
    from bot.core import Core
    from bot.ingest import ingest

    config = Config()
    store = Store(db)
    ingest(store, config, ROOT / "examples" / "archive")
    core = Core(store, config)
    cfg = SlackConfig(mode="http", host="127.0.0.1", port=0, base_url=f"http://127.0.0.1:{fake_port}/api/")
    os.environ.update({cfg.bot_token_env: TOKEN, cfg.signing_secret_env: SECRET})  # where the adapter reads them
    app, answers = make_app(cfg, core, SeenEvents(store.db.conn))
    adapter = SlackAdapter(app, answers, cfg)
    await adapter.start()
    print(f"PORT {adapter.port}", flush=True)
    await _until_terminated()
    await adapter.stop()
    store.close()


async def _until_terminated() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


# --- the load generator ----------------------------------------------------------------

async def _spawn(*args: str) -> tuple[asyncio.subprocess.Process, int]:
    proc = await asyncio.create_subprocess_exec(sys.executable, __file__, *args, stdout=asyncio.subprocess.PIPE)
    line = await asyncio.wait_for(proc.stdout.readline(), 60)
    if not line.startswith(b"PORT "):
        raise RuntimeError(f"{args[1]} process did not start: {line!r}")
    return proc, int(line.split()[1])


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc), 0 where unavailable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def percentile(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s)) - 1))]


def _request(port: int, fake_port: int, i: int, tag: str) -> bytes:
    """One signed slash-command POST, as raw HTTP/1.1 bytes (built before the clock runs)."""
    from slack_signing import FORM, signed_headers, slash_command

    body = slash_command(COMMANDS[i % len(COMMANDS)], user=f"U{i % 97:04d}", channel="C0BENCH",
                         response_url=f"http://127.0.0.1:{fake_port}/response/{tag}{i}").encode()
    headers = signed_headers(SECRET, body.decode(), content_type=FORM)
    head = ["POST /slack/events HTTP/1.1", f"Host: 127.0.0.1:{port}", f"Content-Length: {len(body)}"]
    head += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> tuple[int, bytes]:
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = next(int(l.split(":", 1)[1]) for l in lines if l.lower().startswith("content-length:"))
    return status, await reader.readexactly(length)


async def load(n: int, concurrency: int) -> int:
    """`concurrency` keep-alive connections, each sending its next request as soon as the
    previous is acked. A bare asyncio client rather than aiohttp's: the figures should be
    the bot's, not the load generator's."""
    import aiohttp

    tmp = tempfile.mkdtemp(prefix="slack-ack-")
    fake, fake_port = await _spawn("--role", "fake")
    bot, bot_port = await _spawn("--role", "bot", "--fake-port", str(fake_port), "--db", os.path.join(tmp, "b.db"))
    latencies: list[float] = []
    answered_in_ack = 0
    statuses: dict[int, int] = {}
    stats: dict = {}
    try:
        async def run(requests: list[bytes], record: bool) -> None:
            queue = list(reversed(requests))

            async def worker() -> None:
                nonlocal answered_in_ack
                reader, writer = await asyncio.open_connection("127.0.0.1", bot_port)
                try:
                    while queue:
                        request = queue.pop()
                        t0 = time.perf_counter()
                        status, answer = await _exchange(reader, writer, request)
                        if record:
                            latencies.append(time.perf_counter() - t0)
                            statuses[status] = statuses.get(status, 0) + 1
                            # The answer rides in the ack (an empty ack would be faster, and useless).
                            if status == 200 and b'"blocks"' in answer:
                                answered_in_ack += 1
                finally:
                    writer.close()

            await asyncio.gather(*(worker() for _ in range(concurrency)))

        warmup = [_request(bot_port, fake_port, i, "w") for i in range(concurrency * 4)]
        requests = [_request(bot_port, fake_port, i, "r") for i in range(n)]
        await run(warmup, record=False)  # connections, auth.test, SQLite and bolt caches
        bot_cpu, load_cpu = _cpu_seconds(bot.pid), time.process_time()
        started = time.perf_counter()
        await run(requests, record=True)
        acked = time.perf_counter() - started
        cpu = {"bot": _cpu_seconds(bot.pid) - bot_cpu, "load generator": time.process_time() - load_cpu}

        # Replies longer than one message continue at the response_url: let them land.
        async with aiohttp.ClientSession() as session:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                async with session.get(f"http://127.0.0.1:{fake_port}/_stats") as resp:
                    new = await resp.json()
                if new == stats:
                    break
                stats = new
                await asyncio.sleep(0.2)  # polling another process until it is quiet, with a deadline
    finally:
        for proc in (bot, fake):
            proc.send_signal(signal.SIGTERM)
        for proc in (bot, fake):
            await proc.wait()

    ms = [x * 1000 for x in latencies]
    p99 = percentile(ms, 99)
    print(f"slack ack latency: {n} signed slash commands, {concurrency} in flight, http mode, 127.0.0.1, "
          f"{os.cpu_count()} CPUs")
    print(f"  statuses: {json.dumps(statuses)}")
    print(f"  p50 {percentile(ms, 50):.1f} ms   p90 {percentile(ms, 90):.1f} ms   "
          f"p99 {p99:.1f} ms   max {max(ms):.1f} ms   mean {statistics.mean(ms):.1f} ms")
    print(f"  throughput: {n / acked:.0f} commands/s ({acked:.2f} s); CPU per command: "
          + ", ".join(f"{k} {v / n * 1000:.2f} ms" for k, v in cpu.items()))
    print(f"  answers in the ack: {answered_in_ack}/{n}; follow-up messages at the response_url: "
          f"{stats.get('ephemeral', 0)} (failed: {stats.get('errors')})")
    print(f"  target p99 <= 50 ms: {'met' if p99 <= 50 else 'NOT met'}")
    ok = statuses == {200: n} and answered_in_ack == n and not stats.get("errors")
    return 0 if ok else 1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--concurrency", type=int, default=50)
    ap.add_argument("--role", choices=["load", "fake", "bot"], default="load", help=argparse.SUPPRESS)
    ap.add_argument("--fake-port", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.role == "fake":
        asyncio.run(run_fake())
        return 0
    if a.role == "bot":
        if os.environ.get("SLACK_ACK_PROFILE"):  # where the bot's time goes: a cProfile dump
            import cProfile

            cProfile.runctx("asyncio.run(run_bot(a.fake_port, a.db))", globals(), locals(),
                            os.environ["SLACK_ACK_PROFILE"])
        else:
            asyncio.run(run_bot(a.fake_port, a.db))
        return 0
    return asyncio.run(load(a.n, a.concurrency))


if __name__ == "__main__":
    sys.exit(main())
