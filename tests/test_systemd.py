"""A real `digest-bot run` under a stand-in for systemd's notify socket: READY=1 once it runs,
WATCHDOG=1 heartbeats from its loop while WatchdogSec= is set, STOPPING=1 on SIGTERM."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).with_name("digest-bot")


def test_ready_then_heartbeats_then_stopping(tmp_path):
    path = tmp_path / "notify.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.settimeout(60)
    env = {**os.environ, "HOME": str(tmp_path), "NOTIFY_SOCKET": str(path), "WATCHDOG_USEC": "200000"}
    env.pop("WATCHDOG_PID", None)
    proc = subprocess.Popen([str(BIN), "--db", str(tmp_path / "bot.db"), "run"], env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    got = []
    try:
        deadline = time.monotonic() + 60
        while sum(m == "WATCHDOG=1" for m in got) < 3 and time.monotonic() < deadline:
            got.append(sock.recv(4096).decode())
        assert got[0].startswith("READY=1\nSTATUS=running: ")
        assert got[1:4] == ["WATCHDOG=1"] * 3
        proc.send_signal(signal.SIGTERM)
        while "STOPPING=1" not in got and time.monotonic() < deadline:
            got.append(sock.recv(4096).decode())
        assert "STOPPING=1" in got
        assert proc.wait(30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        sock.close()
