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
    started_at: float = 0.0  # when this attempt began (time.time())
    # When an earlier attempt that may have reached the platform began (a crash or a network
    # error after sending), else None: only then need a destination look for its key first.
    maybe_sent_at: float | None = None


class DeliveryError(Exception):
    """A send failed. `retry_after` (seconds) when the platform said when to come back;
    `permanent` when retrying cannot help (bad token, channel gone); `rate_limited` when the
    platform said to slow down (a 429): everything sharing its `rate_group` waits then.
    `unsent`: the platform answered, so this attempt surely posted nothing; `checked`: the
    destination looked for the key of earlier attempts and found none."""

    def __init__(self, message: str, *, retry_after: float | None = None, permanent: bool = False,
                 rate_limited: bool = False, unsent: bool = False, checked: bool = False):
        super().__init__(message)
        self.retry_after = retry_after
        self.permanent = permanent
        self.rate_limited = rate_limited
        self.unsent = unsent
        self.checked = checked


class Destination(Protocol):
    """A place to announce to. The adapters' destinations subclass it, so that they get the
    defaults of the optional attributes below and the announcer reads every one directly."""

    name: str  # unique, used as the outbox's destination column
    min_interval: float  # seconds between the end of one send and the next, per lane (Slack: ~1/channel)
    # Sends to different targets (lanes) at once: a DM destination has one lane per user, a
    # channel one lane.
    concurrency: int = 1
    # Destinations sharing a platform limit (a Slack workspace, a Matrix account): a
    # rate-limited error holds the whole group. "": a group of its own (its name).
    rate_group: str = ""
    # The outbox rows' target when the config's conventions do not name this destination
    # (bot.bootstrap.destination_specs): its channel or room; "" for one place only.
    target: str = ""

    async def send(self, delivery: Delivery, reply: Reply) -> str | None:
        """Post `reply` (or, for kind "edit", replace `delivery.remote_ref` with it), idempotently
        on `delivery.key`. Return the platform's reference to the message, if it has one.
        Raise DeliveryError on failure."""
        ...

    async def close(self) -> None:
        """Release what the destination holds of its own (a webhook's connection pool) at
        shutdown; most hold nothing."""


class Platform(Protocol):
    """A chat platform adapter (Slack, Matrix, the terminal), as the composition root
    (`bot.bootstrap`) drives it: `start` connects (raise OSError/TimeoutError when the
    server cannot be reached), `destinations` are its places to announce to (named as
    `bot.bootstrap.destination_specs` says), `run_forever` serves until cancelled (return at
    once when something else serves, e.g. Slack's HTTP server), `stop` disconnects."""

    name: str  # "slack", "matrix", "console": in logs and start errors

    async def start(self) -> None: ...

    def destinations(self) -> list[Destination]: ...

    async def run_forever(self) -> None: ...

    async def stop(self) -> None: ...
