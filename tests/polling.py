"""Waiting for something in a test: poll with a deadline, never sleep for a result."""
from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


async def until(predicate: Callable[[], object], timeout: float = 15.0, what: str = "condition",
                interval: float = 0.02):
    """Poll `predicate` until it is truthy and return its value; fail after `timeout` seconds."""
    end = time.monotonic() + timeout
    while not (found := predicate()):
        if time.monotonic() > end:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(interval)  # the polling interval, not a wait for the condition
    return found
