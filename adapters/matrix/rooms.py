"""The bot's rooms: the configured announcement rooms, invites (and who may invite), DM rooms
(in the store and in the account's `m.direct`), and what a room's timeline holds since the last
sync: the gap filled, and nothing from before our own join.

Invites, DM rooms and pending joins are kept through the KeyValue port: an invite arrives in
one sync only, and a DM found again after a restart is not opened twice.
"""
from __future__ import annotations

import asyncio
import json
import logging
from urllib.parse import quote

from nio import (AsyncClient, DirectRoomsResponse, InviteMemberEvent, JoinError, LocalProtocolError, RoomCreateError,
                 RoomMemberEvent, RoomMessagesError, RoomPreset, SyncResponse)
from nio.responses import Timeline

from adapters.matrix.client import NETWORK_ERRORS, delivery_error, homeserver_errors, state_key
from bot.config import MatrixConfig
from bot.delivery import DeliveryError
from bot.ports import KeyValue

log = logging.getLogger("digest_bot.matrix")

MAX_GAP_EVENTS = 500  # events fetched back through a gap after a long absence


class MatrixRooms:
    def __init__(self, client: AsyncClient, state: KeyValue, cfg: MatrixConfig):
        self.client = client
        self.state = state  # invites, DM rooms
        self.cfg = cfg
        self._room_ids: dict[str, str] = {}  # configured room (id or alias) -> room id
        self._direct: set[str] = set(json.loads(state.kv_get(self._key("direct_rooms")) or "[]"))
        # allowed invites not joined yet: room id -> (inviter, is_direct), as last stored
        self._invites_saved = state.kv_get(self._key("invites")) or "{}"
        self.pending_invites: dict[str, tuple[str, bool]] = {
            room: (inviter, is_direct) for room, (inviter, is_direct) in json.loads(self._invites_saved).items()}
        self._dm_lock = asyncio.Lock()  # m.direct is read, changed and written back whole
        self._dm_user_locks: dict[str, asyncio.Lock] = {}  # one DM opened per user at a time

    def _key(self, name: str) -> str:
        return state_key(self.cfg, name)

    # --- joining ---------------------------------------------------------------------

    async def _join(self, room: str) -> str:
        """Join `room` (an id or an alias) and return its id; a failure is a DeliveryError,
        transient (network, 429, 5xx) or permanent (refused)."""
        with homeserver_errors(f"join {room}"):
            resp = await self.client.join(room)
        if isinstance(resp, JoinError):
            raise delivery_error(resp, f"join {room}")
        return resp.room_id

    async def join_configured(self) -> list[str]:
        """Join the announcement rooms; returns those we were not in yet."""
        new = []
        for room in self.cfg.rooms:
            try:
                room_id = await self._join(room)
            except DeliveryError as e:
                log.warning("Matrix: cannot join configured room %s yet: %s", room, e)
                continue
            self._room_ids[room] = room_id
            if room_id not in self.client.rooms:
                new.append(room_id)
        return new

    async def room_id_for(self, room: str) -> str:
        """The id of a configured room (an id or an alias), joining it if needed."""
        if room not in self._room_ids:
            self._room_ids[room] = await self._join(room)
        return self._room_ids[room]

    # --- invites ---------------------------------------------------------------------

    def invite_allowed(self, inviter: str) -> bool:
        server = inviter.split(":", 1)[1] if ":" in inviter else ""
        for entry in self.cfg.allow_invites_from:
            if entry.startswith("@") and entry == inviter:
                return True
            if entry.startswith(":") and entry[1:] == server:
                return True
        return False

    async def handle_invites(self, resp: SyncResponse) -> None:
        """Decline invites from strangers; queue the allowed ones and join what is queued."""
        for room_id, info in resp.rooms.invite.items():
            inviter, is_direct = None, False
            for ev in info.invite_state:
                if (isinstance(ev, InviteMemberEvent) and ev.state_key == self.client.user_id
                        and ev.membership == "invite"):
                    inviter, is_direct = ev.sender, bool(ev.content.get("is_direct"))
            if inviter and self.invite_allowed(inviter):
                self.pending_invites[room_id] = (inviter, is_direct)
                continue
            try:
                await self.client.room_leave(room_id)
                log.info("Matrix: declined the invite to %s from %s", room_id, inviter)
            except NETWORK_ERRORS as e:  # left pending on the server: it stays unanswered
                log.warning("Matrix: cannot decline the invite to %s (%s)", room_id, type(e).__name__)
        await self._join_invited()

    async def _join_invited(self) -> None:
        """Join the allowed invites. An invite arrives in one sync only, so one that fails for
        a passing reason (network, 429, 5xx) is kept, in the store too, and tried after each
        sync until it works; a refusal (the invite was withdrawn) drops it."""
        for room_id, (inviter, is_direct) in list(self.pending_invites.items()):
            try:
                await self._join(room_id)
            except DeliveryError as e:
                if not e.permanent:
                    log.warning("Matrix: %s; will retry", e)
                    continue
                log.warning("Matrix: cannot join %s (invited by %s): %s", room_id, inviter, e)
            else:
                log.info("Matrix: joined %s, invited by %s", room_id, inviter)
                if is_direct:
                    await self._mark_direct(room_id, inviter)
            del self.pending_invites[room_id]
        state = json.dumps(self.pending_invites, sort_keys=True)
        if state != self._invites_saved:
            self.state.kv_set(self._key("invites"), state)
            self._invites_saved = state

    # --- DMs -------------------------------------------------------------------------

    def is_dm(self, room_id: str) -> bool:
        if room_id in self._room_ids.values() or room_id in self.cfg.rooms:
            return False  # announcement rooms are never DMs, however empty
        if room_id in self._direct:
            return True
        room = self.client.rooms.get(room_id)
        return room is not None and room.member_count <= 2

    async def dm_room(self, user: str) -> str:
        """The DM room with `user`: remembered in the store, else found, else created. DMs
        with different users are opened concurrently (the announcer fans out)."""
        async with self._dm_user_locks.setdefault(user, asyncio.Lock()):
            key = self._key(f"dm:{user}")
            room_id = self.state.kv_get(key)
            if room_id and self._dm_usable(room_id, user):
                return room_id
            room_id = await self._find_dm(user)
            if room_id is None:
                with homeserver_errors(f"DM with {user}"):
                    resp = await self.client.room_create(
                        is_direct=True, invite=[user], preset=RoomPreset.trusted_private_chat)
                if isinstance(resp, RoomCreateError):
                    raise delivery_error(resp, f"DM with {user}")
                room_id = resp.room_id
                log.info("Matrix: opened a DM with %s: %s", user, room_id)
            await self._mark_direct(room_id, user)
            self.state.kv_set(key, room_id)
            return room_id

    def forget_dm(self, user: str) -> None:
        self.state.kv_set(self._key(f"dm:{user}"), "")

    def _dm_usable(self, room_id: str, user: str) -> bool:
        room = self.client.rooms.get(room_id)
        return room is None or user in room.users  # unknown yet: trust the store

    async def _find_dm(self, user: str) -> str | None:
        def usable(room_id: str) -> bool:
            room = self.client.rooms.get(room_id)
            return room is not None and user in room.users and room.member_count <= 2

        found = next((r for r in self.client.rooms if r in self._direct and usable(r)), None)
        if found is None:  # a new store: the account may know the DM from an earlier install
            try:
                found = next((r for r in (await self._m_direct()).get(user, []) if usable(r)), None)
            except NETWORK_ERRORS:
                pass
        return found

    async def _mark_direct(self, room_id: str, user: str) -> None:
        """A DM room: in our store, and in the account's `m.direct` as clients keep it (which
        outlives the store: a new install finds the DM instead of opening another)."""
        async with self._dm_lock:
            await self._mark_direct_locked(room_id, user)

    async def _mark_direct_locked(self, room_id: str, user: str) -> None:
        if room_id in self._direct:
            return
        self._direct.add(room_id)
        self.state.kv_set(self._key("direct_rooms"), json.dumps(sorted(self._direct)))
        try:
            rooms = await self._m_direct()
            if room_id not in rooms.get(user, []):
                rooms[user] = [*rooms.get(user, []), room_id]
                path = f"/_matrix/client/v3/user/{quote(self.client.user_id, safe='')}/account_data/m.direct"
                r = await self.client.send("PUT", path, json.dumps(rooms), headers={
                    "Content-Type": "application/json", "Authorization": f"Bearer {self.client.access_token}"})
                r.release()
                if r.status != 200:
                    log.warning("Matrix: cannot record the DM %s in m.direct (HTTP %s)", room_id, r.status)
        except (*NETWORK_ERRORS, LocalProtocolError) as e:  # best effort: the store has it
            log.warning("Matrix: cannot record the DM %s in m.direct (%s)", room_id, type(e).__name__)

    async def _m_direct(self) -> dict[str, list[str]]:
        """The account's `m.direct`: user -> their DM rooms ({} when none was ever set)."""
        resp = await self.client.list_direct_rooms()
        return {u: list(rs) for u, rs in resp.rooms.items()} if isinstance(resp, DirectRoomsResponse) else {}

    # --- what a room's timeline holds ------------------------------------------------

    async def new_events(self, room_id: str, timeline: Timeline, since: str | None) -> list:
        """What happened in a joined room since the sync token `since`, oldest first: a
        timeline the server cut short (limited) has its gap filled, and what came before our
        own (last) join is history. Raises NETWORK_ERRORS when the gap cannot be filled (the
        batch is then replayed)."""
        events = list(timeline.events)
        if since and timeline.limited and not any(map(self._is_own_join, events)):
            events = await self._fill_gap(room_id, timeline.prev_batch, since) + events
        for i in range(len(events) - 1, -1, -1):
            if self._is_own_join(events[i]):
                return events[i + 1:]
        return events

    def _is_own_join(self, ev) -> bool:
        return (isinstance(ev, RoomMemberEvent) and ev.state_key == self.client.user_id
                and ev.membership == "join" and ev.prev_membership != "join")

    async def _fill_gap(self, room_id: str, start: str | None, until: str) -> list:
        """Events between the previous sync token and a limited timeline, oldest first."""
        events: list = []
        while start and len(events) < MAX_GAP_EVENTS:
            resp = await self.client.room_messages(room_id, start=start, end=until, limit=100)
            if isinstance(resp, RoomMessagesError) or not resp.chunk:
                break
            events.extend(resp.chunk)
            if resp.end in (None, start):
                break
            start = resp.end
        return list(reversed(events))
