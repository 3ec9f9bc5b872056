"""The outbox's view of Matrix: a configured room, or a user's DM (opened on first use)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from bot.delivery import Delivery, DeliveryError
from bot.reply import Reply

if TYPE_CHECKING:
    from adapters.matrix.adapter import MatrixAdapter

# Per room (per lane). Synapse's rc_message limit is per sending account, across rooms: by
# default a burst of 10, then 0.2 messages a second. A bot that DMs many subscribers needs the
# admin's override for its account (README "Matrix"); without it, M_LIMIT_EXCEEDED answers
# hold every Matrix destination of the account (rate_group) for the retry_after_ms asked.
MIN_INTERVAL = 0.5
DM_CONCURRENCY = 8  # DMs to different rooms at once


class MatrixRoomDestination:
    """Announcements in one configured room (an id or an alias): name "matrix:<room>"."""

    def __init__(self, adapter: "MatrixAdapter", room: str):
        self.adapter = adapter
        self.room = room
        self.name = f"matrix:{room}"
        self.min_interval = MIN_INTERVAL
        self.rate_group = f"matrix:{adapter.cfg.user_id}"

    async def send(self, delivery: Delivery, reply: Reply) -> str | None:
        self.adapter.check_usable(self.name)
        room_id = await self.adapter.room_id_for(self.room)
        return await self.adapter.post(room_id, delivery, reply)


class MatrixDMDestination:
    """Subscription messages: `delivery.target` is a user id; the DM room is reused."""

    name = "matrix-dm"

    def __init__(self, adapter: "MatrixAdapter", concurrency: int = DM_CONCURRENCY):
        self.adapter = adapter
        self.min_interval = MIN_INTERVAL
        self.concurrency = concurrency
        self.rate_group = f"matrix:{adapter.cfg.user_id}"
        self._reopened: set[str] = set()  # users whose DM was reopened once already

    async def send(self, delivery: Delivery, reply: Reply) -> str | None:
        user = delivery.target
        if not (user.startswith("@") and ":" in user):
            raise DeliveryError(f"matrix-dm: {user!r} is not a Matrix user id", permanent=True)
        self.adapter.check_usable(self.name)
        room_id = await self.adapter.dm_room(user)
        try:
            return await self.adapter.post(room_id, delivery, reply)
        except DeliveryError as e:
            if e.permanent and not self.adapter.fatal and user not in self._reopened:
                # The DM is gone (the user left, the room was shut down): open a new one
                # on the next attempt instead of failing forever; only once, so that a
                # user who cannot be reached is not sent a new room on every retry.
                self._reopened.add(user)
                self.adapter.forget_dm(user)
                raise DeliveryError(f"{e} (the DM will be reopened)", retry_after=1) from None
            raise
