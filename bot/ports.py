"""The small state interfaces the chat adapters get instead of the store or the bot's state.

The bot's state lives in bot/state.py (tables of its own in the archive's SQLite file); the
composition root (bot/bootstrap.py) hands each adapter the part it needs: Matrix gets the
`BotState` as its `KeyValue`, Slack a `bot.state.SeenEvents` as its `SeenEventsPort`. An
adapter sees nothing else of the database, and tests can hand it any object of the same shape.
"""
from __future__ import annotations

from typing import Protocol


class KeyValue(Protocol):
    """Small strings kept across restarts (Matrix: next_batch, invites, DM rooms)."""

    def kv_get(self, key: str) -> str | None: ...

    def kv_set(self, key: str, value: str) -> None: ...


class SeenEventsPort(Protocol):
    """Which platform events were already answered (Slack re-sends unacknowledged ones)."""

    def claim(self, event_id: str | None) -> bool: ...
