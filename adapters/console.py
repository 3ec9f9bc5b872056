"""The terminal adapter: commands typed on stdin are answered, announcements are printed.

Replies are rendered by adapters.text, which also neutralises terminal escape sequences.
"""
from __future__ import annotations

import asyncio
import getpass
import logging
import sys
import threading
from collections.abc import Callable
from typing import TextIO

from adapters.text import render_text
from bot.delivery import Delivery, Destination, Platform
from bot.reply import Context, Reply

log = logging.getLogger("digest_bot.console")

__all__ = ["QUIT_WORDS", "ConsoleAdapter", "ConsoleDestination", "local_user", "render_text"]

QUIT_WORDS = frozenset({"quit", "exit", "/quit", "/exit", "退出"})  # `run` and `chat` leave on these


class ConsoleDestination(Destination):
    """Announcements printed in the terminal. Idempotent within a process (a terminal cannot
    be asked what it showed before a crash); edits are printed as corrections."""

    def __init__(self, out: TextIO | None = None, name: str = "console"):
        self.name = name
        self.min_interval = 0.0
        self.out = out
        self._shown: set[str] = set()

    async def send(self, delivery: Delivery, reply: Reply) -> str | None:
        if delivery.key not in self._shown:
            out = self.out or sys.stdout
            banner = {"announce": "New issue", "edit": "Corrected", "dm": "For you"}.get(delivery.kind, "")
            out.write(f"\n=== {banner} ===\n{render_text(reply)}\n")
            out.flush()
            self._shown.add(delivery.key)
        return delivery.remote_ref or delivery.key  # a reference, so corrections are shown as edits


class ConsoleAdapter(Platform):
    """Reads commands from `inp` line by line and prints `core.handle`'s answers."""

    name = "console"

    def __init__(self, core, *, inp: TextIO | None = None, out: TextIO | None = None, user: str | None = None,
                 on_quit: Callable[[], None] | None = None):
        self.core = core
        self.inp = inp or sys.stdin
        self.out = out or sys.stdout
        self.user = user if user is not None else local_user()
        self.on_quit = on_quit
        self.destination = ConsoleDestination(self.out)
        self.dm = ConsoleDestination(self.out, name="console-dm")  # `subscribe heat` typed here

    def destinations(self) -> list[ConsoleDestination]:
        return [self.destination, self.dm]

    async def start(self) -> None:
        """Nothing to connect: the terminal is there."""

    async def stop(self) -> None:
        """Nothing to disconnect."""

    async def run_forever(self) -> None:
        await self.run()

    def context(self) -> Context:
        return Context(platform="console", user=self.user, where="console", is_dm=True)

    def _prompt(self) -> None:
        if _isatty(self.inp) and _isatty(self.out):
            self.out.write("> ")
            self.out.flush()

    async def run(self) -> None:
        """Answer lines until EOF (then return; the rest of the bot keeps running)."""
        loop = asyncio.get_running_loop()
        lines: asyncio.Queue[str | None] = asyncio.Queue()

        def read() -> None:  # a daemon thread: a blocking readline must never hold up shutdown
            try:
                for line in self.inp:
                    loop.call_soon_threadsafe(lines.put_nowait, line)
            except (OSError, ValueError):
                pass
            finally:
                try:
                    loop.call_soon_threadsafe(lines.put_nowait, None)
                except RuntimeError:
                    pass  # the loop is gone already

        threading.Thread(target=read, name="console-stdin", daemon=True).start()
        self._prompt()
        while (line := await lines.get()) is not None:
            text = line.strip()
            if text.casefold() in QUIT_WORDS:
                if self.on_quit:
                    self.on_quit()
                return
            if text:
                self.out.write(self.answer(text) + "\n")
                self.out.flush()
            self._prompt()
        log.info("stdin closed; announcements continue until the bot is stopped")

    def answer(self, text: str) -> str:
        try:
            return render_text(self.core.handle(text, self.context()))
        except Exception:
            log.exception("command failed: %r", text[:100])
            return "Sorry, that failed (see the log)."


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def local_user() -> str:
    """Who is at this terminal (`ask`, `chat` and `run` agree, so a subscription finds them)."""
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry in a container, no LOGNAME
        return "local"
