"""MatrixAdapter: the Matrix `Platform`, composed of its parts by job:

- `session.MatrixSession`: login, the sync loop, reconnects, soft logout, `next_batch`;
- `rooms.MatrixRooms`: configured rooms, invites, DMs and `m.direct`, a timeline's new events;
- `intake.CommandIntake`: the commands in a batch and their replies;
- `destinations`: posting what the outbox hands over.

Every message the bot sends has a transaction id derived from what caused it (the command's
event id, the delivery's key): the homeserver dedupes repeats per device, so replaying a
sync batch or a delivery after a crash posts nothing twice.
"""
from __future__ import annotations

from nio import AsyncClient, SyncResponse

from adapters.matrix.destinations import MatrixDMDestination, MatrixRoomDestination
from adapters.matrix.intake import CommandIntake
from adapters.matrix.rooms import MatrixRooms
from adapters.matrix.session import MatrixSession, SyncHandler
from bot.config import MatrixConfig
from bot.delivery import Destination, Platform
from bot.ports import KeyValue


class MatrixAdapter(Platform, SyncHandler):
    name = "matrix"

    def __init__(self, client: AsyncClient, core, state: KeyValue, cfg: MatrixConfig, *,
                 sync_timeout_ms: int = 30_000, backoff_max: float = 30.0):
        self.cfg = cfg
        self.session = MatrixSession(client, state, cfg, self, sync_timeout_ms=sync_timeout_ms,
                                     backoff_max=backoff_max)
        self.rooms = MatrixRooms(client, state, cfg)
        self.intake = CommandIntake(self.session, self.rooms, core, cfg)

    # --- Platform --------------------------------------------------------------------

    async def start(self) -> None:
        await self.session.start()

    async def run_forever(self) -> None:
        await self.session.run_forever()

    async def stop(self) -> None:
        await self.session.stop()

    def destinations(self) -> list[Destination]:
        return [MatrixRoomDestination(self.session, self.rooms, room) for room in self.cfg.rooms] + [
            MatrixDMDestination(self.session, self.rooms)]

    # --- what a sync batch means (the session's SyncHandler) -------------------------

    async def first_batch(self, resp: SyncResponse) -> None:
        await self.rooms.handle_invites(resp)  # invites are not history: act on them

    async def batch(self, resp: SyncResponse, since: str | None) -> bool:
        await self.rooms.handle_invites(resp)
        return await self.intake.handle(resp, since)

    async def join_rooms(self) -> bool:
        return bool(await self.rooms.join_configured())
