"""Per-room reply budget: a token bucket, so a user flooding commands cannot make the bot
flood the room. Commands beyond the budget are dropped (and logged)."""
from __future__ import annotations

import time
from collections.abc import Callable


class RoomLimiter:
    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic):
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # room -> (tokens, at)

    def allow(self, room: str) -> bool:
        now = self.clock()
        tokens, at = self._buckets.get(room, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - at) * self.rate)
        if tokens < 1.0:
            self._buckets[room] = (tokens, now)
            return False
        self._buckets[room] = (tokens - 1.0, now)
        return True
