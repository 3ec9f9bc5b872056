"""The small state interfaces the chat adapters get instead of the whole Store.

The composition root builds them from the Store (`archive.store.Store` has `kv_get`/`kv_set`;
`adapters.slack.seen.SeenEvents` keeps its table in the store's database), so an adapter sees
only the state it needs and tests can hand it any object of the same shape.
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
