"""Noticing publications: file events, a periodic full rescan, and an optional `git pull`.

File events are a fast path only: they get lost (editors, network file systems, a full
inotify queue), and a future-dated post becomes published with no file event at all. The
rescan on a timer is what guarantees a publication is noticed; it is cheap because ingest
only re-parses files whose size or mtime changed.

Scans are serialised: triggers that arrive during a scan coalesce into one more scan.
"""
from __future__ import annotations

import asyncio
import logging
import os
import re
from collections.abc import Callable
from pathlib import Path

from watchfiles import Change, DefaultFilter, awatch

from bot.config import WatchConfig

log = logging.getLogger("digest_bot.watcher")


# --- watcher ----------------------------------------------------------------------------

class _PostFilter(DefaultFilter):
    """Changes that can matter to the archive: not the database, not editor droppings."""

    def __call__(self, change: Change, path: str) -> bool:
        if path.endswith((".db", ".db-wal", ".db-shm", "-journal")):
            return False
        return super().__call__(change, path)


MISSING_POLL_SECONDS = 2.0  # how often a missing archive is looked for
_CREDENTIALS_IN_URL = re.compile(r"(://)[^/@\s]+@")


class Watcher:
    def __init__(
        self,
        root: Path,
        scan: Callable[[], object],
        cfg: WatchConfig,
        *,
        git_timeout: float = 120.0,
    ):
        """`scan()` is the synchronous ingest (+ notify). It runs on the loop: the store's
        connection is not shared with a thread, and an incremental scan takes milliseconds."""
        self.root = Path(root)
        self.scan = scan
        self.cfg = cfg
        self.git_timeout = git_timeout
        self._wanted = asyncio.Event()
        self._stop = asyncio.Event()
        self.scans = 0  # completed scans (tests wait on this)
        # set once file events are watched (or, for a missing archive, polled for): a file
        # written after this is noticed by its event, not only by the next rescan
        self.watching = asyncio.Event()
        self.last_error: str | None = None

    def trigger(self) -> None:
        self._wanted.set()

    def stop(self) -> None:
        self._stop.set()
        self._wanted.set()

    async def run(self) -> None:
        tasks = [
            asyncio.create_task(self._scanner(), name="watch:scan"),
            asyncio.create_task(self._events(), name="watch:events"),
            asyncio.create_task(self._timer(), name="watch:rescan"),
        ]
        if self.cfg.git_pull_seconds > 0:
            tasks.append(asyncio.create_task(self._git_puller(), name="watch:git"))
        try:
            await self._stop.wait()
        finally:
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _scanner(self) -> None:
        while not self._stop.is_set():
            await self._wanted.wait()
            if self._stop.is_set():
                return
            self._wanted.clear()
            try:
                self.scan()
                self.last_error = None
            except Exception as e:  # keep watching: the next trigger or rescan tries again
                self.last_error = f"{type(e).__name__}: {e}"
                if self.root.is_dir():  # a missing archive is reported once, by _events
                    log.exception("scan of %s failed", self.root)
            self.scans += 1
            await asyncio.sleep(0)  # let file events queue up before the next scan

    async def _events(self) -> None:
        missing = False
        while not self._stop.is_set():
            if not self.root.is_dir():
                self.watching.set()
                if not missing:
                    log.warning("archive %s does not exist (yet); waiting for it to appear", self.root)
                    missing = True
                await self._wait_stop(min(self.cfg.rescan_seconds, MISSING_POLL_SECONDS))
                continue
            if missing:
                log.warning("archive %s is there now; reading it", self.root)
                missing = False
                self.trigger()
            try:
                # awatch sets up its inotify watches before its first await: by the time
                # anyone waiting on `watching` runs, they are in place
                self.watching.set()
                async for changes in awatch(
                    self.root,
                    watch_filter=_PostFilter(),
                    debounce=max(1, self.cfg.debounce_ms),
                    step=min(50, max(1, self.cfg.debounce_ms)),
                    stop_event=self._stop,
                    recursive=True,
                ):
                    log.debug("%d file change(s) under %s", len(changes), self.root)
                    self.trigger()
            except (FileNotFoundError, OSError, RuntimeError) as e:
                log.warning("file watching stopped (%s); relying on rescans", e)
                await self._wait_stop(self.cfg.rescan_seconds)

    async def _timer(self) -> None:
        while not await self._wait_stop(self.cfg.rescan_seconds):
            self.trigger()

    async def _wait_stop(self, seconds: float) -> bool:
        """Sleep, unless stopped first. True when stopped."""
        try:
            await asyncio.wait_for(self._stop.wait(), timeout=seconds)
            return True
        except TimeoutError:
            return False

    async def _git_puller(self) -> None:
        while not await self._wait_stop(self.cfg.git_pull_seconds):
            if await self.git_pull():
                self.trigger()

    async def git_pull(self) -> bool:
        """`git pull --ff-only` in the archive. True when it ran cleanly. Never merges or
        rebases: a diverged checkout is somebody's work, reported and left alone."""
        try:
            proc = await asyncio.create_subprocess_exec(
                "git", "-C", str(self.root), "pull", "--ff-only", "--quiet",
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
                env={**os.environ, "GIT_TERMINAL_PROMPT": "0"},
            )
        except OSError as e:
            log.warning("git pull: cannot run git (%s)", e.strerror)
            return False
        try:
            _, err = await asyncio.wait_for(proc.communicate(), timeout=self.git_timeout)
        except TimeoutError:
            proc.kill()
            await proc.wait()
            log.warning("git pull: no answer within %gs", self.git_timeout)
            return False
        if proc.returncode != 0:
            tail = _CREDENTIALS_IN_URL.sub(r"\1***@", err.decode(errors="replace").strip().splitlines()[-1:][0]
                                           if err.strip() else "")
            log.warning("git pull --ff-only failed (exit %d): %s", proc.returncode, tail[:200])
            return False
        return True
