"""The outbox's view of Matrix: a configured room, or a user's DM (opened on first use), and
the posting itself (idempotent on the delivery's key, corrections as m.replace edits).

A destination sends over the session (is it usable, the client, giving up on a dead token) to
a room the rooms part finds (a configured room joined, a DM found or opened)."""
from __future__ import annotations

from nio import RoomSendError

from adapters.matrix.client import TOKEN_CODES, delivery_error, homeserver_errors, txn_id
from adapters.matrix.rooms import MatrixRooms
from adapters.matrix.session import MatrixSession
from adapters.matrix_render import Rendered, edit_content, notice_content, render_messages
from bot.delivery import Delivery, DeliveryError, Destination
from bot.reply import Reply

# Per room (per lane). Synapse's rc_message limit is per sending account, across rooms: by
# default a burst of 10, then 0.2 messages a second. A bot that DMs many subscribers needs the
# admin's override for its account (README "Matrix"); without it, M_LIMIT_EXCEEDED answers
# hold every Matrix destination of the account (rate_group) for the retry_after_ms asked.
MIN_INTERVAL = 0.5
DM_CONCURRENCY = 8  # DMs to different rooms at once


def _edits(parts: list[dict], refs: list[str]) -> list[dict]:
    """A correction of a message sent in parts `refs`: new part n replaces part n; parts beyond
    the original ones are new notices, and original parts beyond the new ones are emptied."""
    out = [edit_content(part, ref) for part, ref in zip(parts, refs)] + parts[len(refs):]
    return out + [edit_content(notice_content(Rendered("…", "…")), ref) for ref in refs[len(parts):]]


async def post(session: MatrixSession, room_id: str, delivery: Delivery, reply: Reply) -> str | None:
    """Send `reply` (or an m.replace edit of delivery.remote_ref) idempotently on
    delivery.key. Returns the event ids of its parts, space-separated (what an edit replaces)."""
    what = f"{delivery.destination} ({delivery.key})"
    session.check_usable(what)
    client = session.client
    if not await session.room_known(room_id):
        raise DeliveryError(f"{what}: room {room_id} not synced yet", retry_after=5)
    room = client.rooms.get(room_id)
    if room is not None and room.encrypted and not client.olm:
        raise DeliveryError(f"{what}: {room_id} is encrypted and this install has no "
                            f"end-to-end support (pip install 'matrix-nio[e2e]')",
                            permanent=True)
    refs = (delivery.remote_ref or "").split() if delivery.kind == "edit" else []
    contents = render_messages(reply, wrap=notice_content)
    if refs:
        contents = _edits(contents, refs)
    sent: list[str] = []
    for n, content in enumerate(contents):
        with homeserver_errors(what):
            resp = await client.room_send(
                room_id, "m.room.message", content,
                tx_id=txn_id("delivery", delivery.key, str(n)),
                ignore_unverified_devices=True)
        if isinstance(resp, RoomSendError):
            if resp.status_code in TOKEN_CODES:
                session.give_up(resp)
            raise delivery_error(resp, what)
        sent.append(resp.event_id)
    return " ".join(sent) or None  # every part, so that a correction can replace each


def _rate_group(session: MatrixSession) -> str:
    return f"matrix:{session.cfg.user_id}"  # the homeserver limits the account, across rooms


class MatrixRoomDestination(Destination):
    """Announcements in one configured room (an id or an alias): name "matrix:<room>"."""

    min_interval = MIN_INTERVAL

    def __init__(self, session: MatrixSession, rooms: MatrixRooms, room: str):
        self.session = session
        self.rooms = rooms
        self.room = room
        self.name = f"matrix:{room}"
        self.target = room
        self.rate_group = _rate_group(session)

    async def send(self, delivery: Delivery, reply: Reply) -> str | None:
        self.session.check_usable(self.name)
        room_id = await self.rooms.room_id_for(self.room)
        return await post(self.session, room_id, delivery, reply)


class MatrixDMDestination(Destination):
    """Subscription messages: `delivery.target` is a user id; the DM room is reused."""

    name = "matrix-dm"
    min_interval = MIN_INTERVAL

    def __init__(self, session: MatrixSession, rooms: MatrixRooms, concurrency: int = DM_CONCURRENCY):
        self.session = session
        self.rooms = rooms
        self.concurrency = concurrency
        self.rate_group = _rate_group(session)
        self._reopened: set[str] = set()  # users whose DM was reopened once already

    async def send(self, delivery: Delivery, reply: Reply) -> str | None:
        user = delivery.target
        if not (user.startswith("@") and ":" in user):
            raise DeliveryError(f"matrix-dm: {user!r} is not a Matrix user id", permanent=True)
        self.session.check_usable(self.name)
        room_id = await self.rooms.dm_room(user)
        try:
            return await post(self.session, room_id, delivery, reply)
        except DeliveryError as e:
            if e.permanent and not self.session.fatal and user not in self._reopened:
                # The DM is gone (the user left, the room was shut down): open a new one
                # on the next attempt instead of failing forever; only once, so that a
                # user who cannot be reached is not sent a new room on every retry.
                self._reopened.add(user)
                self.rooms.forget_dm(user)
                raise DeliveryError(f"{e} (the DM will be reopened)", retry_after=1) from None
            raise
