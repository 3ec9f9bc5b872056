"""Clocks: what "today" (publication dates) and "now" (retry times) mean to the bot.

Everything that asks the date takes a clock, so a test (or $DIGEST_BOT_TODAY) can move it.
"""
from __future__ import annotations

import os
import time
from datetime import date

TODAY_ENV = "DIGEST_BOT_TODAY"  # tests only: pretend today is this ISO date


class SystemClock:
    def today(self) -> date:
        return date.today()

    def now(self) -> float:
        return time.time()


class FixedClock:
    """A clock a test moves by hand: `clock.set_today(date(2030, 1, 1))`."""

    def __init__(self, today: date):
        self._today = today

    def set_today(self, today: date) -> None:
        self._today = today

    def today(self) -> date:
        return self._today

    def now(self) -> float:
        return time.time()


def clock_from_env(value: str | None = None):
    """$DIGEST_BOT_TODAY (tests only): pretend today is this ISO date."""
    value = os.environ.get(TODAY_ENV) if value is None else value
    return FixedClock(date.fromisoformat(value)) if value else SystemClock()
