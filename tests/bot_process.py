"""A real `digest-bot run` in a subprocess, for the tests that kill and restart it: its config
is `config.toml` and its database `bot.db` in a test's directory, each run logs to a file."""
from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).with_name("digest-bot")

# What a test config starts with: a fast watcher and fast retries, no console destination.
FAST_RUN_TOML = """
[watch]
debounce_ms = 20
rescan_seconds = 1

[announce]
retry_min_seconds = 0.05
retry_max_seconds = 0.5
console = false
"""


class BotProcess:
    """`with BotProcess(dir, env) as bot:` starts it; leaving stops it (its logs are printed
    when the test failed)."""

    def __init__(self, tmp: Path, env: dict):
        self.tmp, self.env, self.proc, self.runs = tmp, env, None, 0

    def start(self) -> None:
        self.runs += 1
        with open(self.tmp / f"bot-{self.runs}.log", "wb") as log:
            self.proc = subprocess.Popen(
                [str(BIN), "--config", str(self.tmp / "config.toml"), "--db", str(self.tmp / "bot.db"), "run"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=self.env, cwd=self.tmp)

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()

    def logs(self) -> str:
        return "\n".join((self.tmp / f"bot-{n}.log").read_text(errors="replace")[-3000:]
                         for n in range(1, self.runs + 1))

    def __enter__(self) -> "BotProcess":
        self.start()
        return self

    def __exit__(self, exc_type, *_) -> None:
        if exc_type is not None:
            print(self.logs())  # shown with the failure
        self.stop()
