"""The contract between the announcer's outbox and the places it announces to.

Every destination (terminal, webhook, Slack channel, Matrix room, a user's DM) implements
`Destination`. The outbox hands it a `Delivery` whose `key` is stable across retries and
restarts: the destination must use it so that a repeat after a crash posts nothing new
(Matrix: the transaction id; Slack: message metadata looked up before posting;
webhook: the `Idempotency-Key` header).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.reply import Reply


@dataclass(frozen=True, slots=True)
class Delivery:
    id: int
    key: str  # stable idempotency key, e.g. "digest-bot/19/matrix:ops/3"
    destination: str  # destination name, e.g. "matrix:!abc:example.org", "webhook:team"
    target: str  # channel / room / user id the message goes to
    issue: int
    kind: str  # "announce" (a new issue), "edit" (a corrected issue), "dm" (subscription)
    remote_ref: str | None = None  # what the platform called the earlier message (for edits)
    attempt: int = 0


class DeliveryError(Exception):
    """A send failed. `retry_after` (seconds) when the platform said when to come back;
    `permanent` when retrying cannot help (bad token, channel gone)."""

    def __init__(self, message: str, *, retry_after: float | None = None, permanent: bool = False):
        super().__init__(message)
        self.retry_after = retry_after
        self.permanent = permanent


class Destination(Protocol):
    name: str  # unique, used as the outbox's destination column
    min_interval: float  # seconds to leave between two sends (Slack: ~1 per channel)

    async def send(self, delivery: Delivery, reply: Reply) -> str | None:
        """Post `reply` (or, for kind "edit", replace `delivery.remote_ref` with it), idempotently
        on `delivery.key`. Return the platform's reference to the message, if it has one.
        Raise DeliveryError on failure."""
        ...
