"""systemd's notify protocol, for `Type=notify` and `WatchdogSec=` (docs/deploy.md): READY=1
once the bot runs, then WATCHDOG=1 from the event loop itself, so a loop that hangs is
killed and restarted by systemd. A no-op when not started by systemd ($NOTIFY_SOCKET unset).
"""
from __future__ import annotations

import asyncio
import logging
import os
import socket

log = logging.getLogger("digest_bot.systemd")


def notify(message: str) -> bool:
    """Send one datagram to $NOTIFY_SOCKET; False when there is none (or it is gone)."""
    address = os.environ.get("NOTIFY_SOCKET")
    if not address:
        return False
    if address.startswith("@"):  # an abstract socket
        address = "\0" + address[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as s:
            s.connect(address)
            s.sendall(message.encode())
        return True
    except OSError as e:
        log.warning("systemd: cannot notify %s: %s", os.environ.get("NOTIFY_SOCKET"), e)
        return False


def watchdog_interval() -> float | None:
    """Half of WatchdogSec= when the watchdog is meant for this process, else None."""
    usec = os.environ.get("WATCHDOG_USEC")
    pid = os.environ.get("WATCHDOG_PID")
    if not usec or not usec.isdigit() or (pid and pid != str(os.getpid())):
        return None
    return int(usec) / 2e6


async def ready_and_watchdog(status: str) -> None:
    """READY=1, then a WATCHDOG=1 every half interval until cancelled (STOPPING=1 then)."""
    if not notify(f"READY=1\nSTATUS={status}"):
        return
    interval = watchdog_interval()
    try:
        while interval:
            await asyncio.sleep(interval)  # the heartbeat's period: the loop must be free to come back
            notify("WATCHDOG=1")
        await asyncio.Event().wait()
    finally:
        notify("STOPPING=1")
