"""MatrixAdapter: log in, skip history on a first start, resume from the stored sync token,
answer commands, accept allowed invites, and post what the outbox hands its destinations.

Every message the bot sends has a transaction id derived from what caused it (the command's
event id, the delivery's key): the homeserver dedupes repeats per device, so replaying a
sync batch or a delivery after a crash posts nothing twice.
"""
from __future__ import annotations

import asyncio
import json
import logging
import random
import secrets
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from nio import (
    AsyncClient,
    DirectRoomsResponse,
    ErrorResponse,
    InviteMemberEvent,
    JoinError,
    LocalProtocolError,
    MegolmEvent,
    ProfileGetDisplayNameResponse,
    RoomCreateError,
    RoomMemberEvent,
    RoomMessagesError,
    RoomMessageText,
    RoomPreset,
    RoomSendError,
    SyncError,
    SyncResponse,
)
from nio.exceptions import SendRetryError

from adapters.matrix.client import (NETWORK_ERRORS, TOKEN_CODES, MatrixAuthError, delivery_error, exchange_keys,
                                    homeserver_errors, login, password_login, txn_id)
from adapters.matrix.commands import Me, command_text
from adapters.matrix.destinations import MatrixDMDestination, MatrixRoomDestination
from adapters.matrix.limits import RoomLimiter
from adapters.matrix_render import Rendered, notice_content, render_messages
from bot.config import MatrixConfig, secret
from bot.delivery import DeliveryError, Platform
from bot.ports import KeyValue
from bot.reply import Context, Reply

log = logging.getLogger("digest_bot.matrix")

# Presence is noise for a bot; a generous timeline limit means fewer gaps to fill.
SYNC_FILTER = {"room": {"timeline": {"limit": 50}}, "presence": {"not_types": ["*"]}}
# The first sync only learns rooms and state: its timeline is history and is ignored.
FIRST_SYNC_FILTER = {"room": {"timeline": {"limit": 1}}, "presence": {"not_types": ["*"]}}
MAX_GAP_EVENTS = 500  # events fetched back through a gap after a long absence
START_ATTEMPTS = 3  # start() gives up waiting after this many tries; run_forever() goes on
POISON_LIMIT = 3  # a batch whose handling raises this many times is skipped


class _Transient(Exception):
    """The homeserver answered with an error worth retrying (5xx, 429 after nio's retries)."""


@dataclass(frozen=True, slots=True)
class Command:
    room_id: str
    event_id: str
    sender: str
    text: str
    is_dm: bool
    content: dict


class MatrixAdapter(Platform):
    name = "matrix"

    def __init__(
        self,
        client: AsyncClient,
        core,
        state: KeyValue,
        cfg: MatrixConfig,
        *,
        sync_timeout_ms: int = 30_000,
        backoff_max: float = 30.0,
    ):
        self.client = client
        self.core = core
        self.state = state  # next_batch, invites, DM rooms (the composition root passes the Store)
        self.cfg = cfg
        self.sync_timeout_ms = sync_timeout_ms
        self.backoff_max = backoff_max
        self.me = Me(cfg.user_id)
        self.limiter = RoomLimiter(cfg.replies_per_minute)
        self.ready = asyncio.Event()  # set once the first sync is handled
        self.fatal: str | None = None  # why the adapter stopped for good (bad token)
        self._stopping = asyncio.Event()
        self._stopped = asyncio.Event()
        self._synced = asyncio.Condition()
        self._since: str | None = None
        self._answered: OrderedDict[str, None] = OrderedDict()
        self._room_ids: dict[str, str] = {}  # configured room (id or alias) -> room id
        self._direct: set[str] = set(json.loads(state.kv_get(self._key("direct_rooms")) or "[]"))
        # allowed invites not joined yet: room id -> (inviter, is_direct), as last stored
        self._invites_saved = state.kv_get(self._key("invites")) or "{}"
        self._invites: dict[str, tuple[str, bool]] = {
            room: (inviter, is_direct) for room, (inviter, is_direct) in json.loads(self._invites_saved).items()}
        self._dm_lock = asyncio.Lock()  # m.direct is read, changed and written back whole
        self._dm_user_locks: dict[str, asyncio.Lock] = {}  # one DM opened per user at a time
        self._running = False

    # --- lifecycle -------------------------------------------------------------------

    def _key(self, name: str) -> str:
        return f"matrix:{self.cfg.user_id}:{name}"

    async def start(self) -> None:
        """Log in, handle the first sync (skipping history on a first start, catching up
        otherwise) and join the configured rooms. Raises MatrixAuthError when the homeserver
        refuses our credentials. If it cannot be reached after a few tries, returns anyway:
        run_forever() finishes the start-up once it is back (so one platform being down
        does not hold up the rest of the bot)."""
        failures = 0
        while not self.ready.is_set():
            try:
                await self._startup()
            except (*NETWORK_ERRORS, _Transient) as e:
                failures += 1
                if failures >= START_ATTEMPTS or self._stopping.is_set():
                    log.warning("Matrix: homeserver unavailable at start (%s); carrying on, "
                                "will connect in the background", e or type(e).__name__)
                    return
                await self._pause(self._backoff(failures))

    async def _startup(self) -> None:
        if not self.client.logged_in:
            await login(self.client, self.cfg)
            self.me = Me(self.client.user_id, await self._display_name())
        since = self.state.kv_get(self._key("next_batch"))
        if since is None:
            # Synapse serves a repeated /sync from a 2-minute cache: a first start soon after
            # another would get the old answer (rooms unknown, and everything said since then
            # answered as new). A nonce in the filter makes this request its own.
            first = {**FIRST_SYNC_FILTER, "org.digest_bot.nonce": secrets.token_hex(8)}
            resp = await self._checked_sync(0, first, since=None, full_state=True)
            await self._handle_invites(resp)  # invites are not history: act on them
            log.info("Matrix: first start, %d rooms known, history skipped", len(resp.rooms.join))
            await self._finish_batch(resp)
        else:
            # Resume: full state so that room members are known again; the timeline holds
            # what was said while we were away, and is answered.
            resp = await self._checked_sync(0, SYNC_FILTER, since=since, full_state=True)
            self._since = since
            if await self._process(resp, since):
                await self._finish_batch(resp)  # else: run_forever replays the batch
        if await self._join_configured():
            # One more sync so that the rooms just joined are known (nio needs a room's state
            # before it sends there); our join event marks where their history ends.
            resp = await self._checked_sync(0, SYNC_FILTER, since=self._since)
            if await self._process(resp, self._since):
                await self._finish_batch(resp)
        self.ready.set()

    async def _checked_sync(self, timeout_ms: int, sync_filter: dict, *, since: str | None,
                            full_state: bool | None = None) -> SyncResponse:
        resp = await self._sync_call(timeout_ms, sync_filter, since=since, full_state=full_state)
        if isinstance(resp, SyncError):
            if resp.status_code in TOKEN_CODES:
                raise MatrixAuthError(f"Matrix: the homeserver refused our access token "
                                      f"({resp.status_code}): it expired or was revoked")
            raise _Transient(f"sync error {resp.status_code}")
        return resp

    async def run_forever(self) -> None:
        """Sync until stop() or a revoked token; reconnects with backoff when the homeserver
        is unreachable or failing. Returns normally; `self.fatal` says why if it gave up."""
        failures = poison = 0
        self._running = True
        try:
            while not self.ready.is_set() and not self._stopping.is_set():
                try:
                    await self._startup()  # start() could not reach the homeserver
                except MatrixAuthError as e:
                    self.give_up(str(e))
                    return
                except (*NETWORK_ERRORS, _Transient) as e:
                    failures += 1
                    log.warning("Matrix: still cannot start (%s), retry %d",
                                e or type(e).__name__, failures)
                    await self._pause(self._backoff(failures))
            while not self._stopping.is_set() and not self.fatal:
                if not self.client.logged_in:  # nio drops the token when any call meets a soft logout
                    if not await self._relogin():
                        self.give_up("Matrix: the access token expired (a soft logout) and there is no "
                                      f"password in ${self.cfg.password_env} to log in again")
                        break
                    continue
                try:
                    resp = await self._interruptible(self._sync_call(
                        self.sync_timeout_ms, SYNC_FILTER, since=self._since))
                except (*NETWORK_ERRORS, ValueError) as e:
                    failures += 1
                    log.warning("Matrix: sync failed (%s), retry %d", type(e).__name__, failures)
                    await self._pause(self._backoff(failures))
                    continue
                except Exception:  # a bug must not take the whole bot down with it
                    failures += 1
                    log.exception("Matrix: sync raised, retry %d", failures)
                    await self._pause(self._backoff(failures))
                    continue
                if resp is None:  # stopping
                    break
                if isinstance(resp, SyncError):
                    if resp.status_code in TOKEN_CODES:
                        if resp.soft_logout and await self._relogin():
                            continue
                        self.give_up(resp)
                        break
                    failures += 1
                    log.warning("Matrix: sync error %s, retry %d", resp.status_code, failures)
                    await self._pause(self._backoff(failures))
                    continue
                if failures:
                    log.info("Matrix: reconnected after %d failed syncs", failures)
                failures = 0
                try:
                    done = await self._process(resp, self._since)
                except Exception:
                    poison += 1
                    log.exception("Matrix: handling a sync batch failed (%d)", poison)
                    done = poison >= POISON_LIMIT  # do not stall forever on one bad batch
                if done:
                    poison = 0
                    await self._finish_batch(resp)
                else:
                    failures += 1  # an answer could not be sent: replay this batch later
                    await self._pause(self._backoff(failures))
        finally:
            self._stopped.set()

    async def stop(self) -> None:
        """Stop syncing, let the current batch finish, close the HTTP session."""
        self._stopping.set()
        if self._running:
            try:
                await asyncio.wait_for(self._stopped.wait(), timeout=15)
            except asyncio.TimeoutError:
                log.warning("Matrix: sync loop did not stop in time")
        await self.client.close()

    def destinations(self) -> list:
        return [MatrixRoomDestination(self, room) for room in self.cfg.rooms] + [
            MatrixDMDestination(self)]

    # --- sync plumbing ---------------------------------------------------------------

    async def _sync_call(self, timeout_ms: int, sync_filter: dict, *, since: str | None,
                         full_state: bool | None = None):
        return await self.client.sync(timeout=timeout_ms, sync_filter=sync_filter, since=since,
                                      full_state=full_state)

    async def _interruptible(self, coro):
        """Run `coro` unless stop() is called first (then cancel it and return None)."""
        task = asyncio.ensure_future(coro)
        stop = asyncio.ensure_future(self._stopping.wait())
        try:
            done, _ = await asyncio.wait({task, stop}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stop.cancel()
            if not task.done():
                task.cancel()
        return task.result() if task in done else None

    def _backoff(self, failures: int) -> float:
        return min(self.backoff_max, 0.5 * 2 ** min(failures - 1, 10)) * (0.5 + random.random() / 2)

    async def _pause(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)
        except asyncio.TimeoutError:
            pass

    async def _relogin(self) -> bool:
        """After a soft logout (the token expired), with a password configured: log in again on
        the same device."""
        if not secret(self.cfg.password_env):
            return False
        self.client.access_token = ""
        try:
            await password_login(self.client, self.cfg)  # not the token again: it has expired
        except (MatrixAuthError, *NETWORK_ERRORS) as e:
            log.error("Matrix: re-login after soft logout failed: %s", e)
            return False
        log.info("Matrix: the access token expired; logged in again with the password")
        return True

    def give_up(self, why: ErrorResponse | str) -> None:
        if self.fatal:
            return
        again = (f"put a new access token for device {self.cfg.device_id} in ${self.cfg.access_token_env} "
                 f"(or set ${self.cfg.password_env}) and restart")
        if isinstance(why, str):
            self.fatal = f"{why}. The Matrix adapter has stopped; {again}."
        else:
            self.fatal = (f"Matrix: the homeserver no longer accepts our access token "
                          f"({why.status_code}): it expired or was revoked. The Matrix adapter "
                          f"has stopped; {again}.")
        log.error(self.fatal)
        self._stopping.set()

    async def _finish_batch(self, resp: SyncResponse) -> None:
        self._since = resp.next_batch
        self.state.kv_set(self._key("next_batch"), resp.next_batch)
        await self._crypto_housekeeping()
        async with self._synced:
            self._synced.notify_all()

    async def _crypto_housekeeping(self) -> None:
        """What nio's sync_forever does between syncs for end-to-end encryption."""
        c = self.client
        if not c.olm:
            return
        try:
            await exchange_keys(c)
        except (*NETWORK_ERRORS, LocalProtocolError) as e:  # LocalProtocolError: logged out meanwhile
            log.warning("Matrix: key exchange failed (%s); retried after the next sync",
                        type(e).__name__)

    async def _display_name(self) -> str | None:
        try:
            resp = await self.client.get_displayname(self.client.user_id)
        except NETWORK_ERRORS:
            return None
        return resp.displayname if isinstance(resp, ProfileGetDisplayNameResponse) else None

    # --- rooms and invites -----------------------------------------------------------

    async def _join(self, room: str) -> str:
        """Join `room` (an id or an alias) and return its id; a failure is a DeliveryError,
        transient (network, 429, 5xx) or permanent (refused)."""
        with homeserver_errors(f"join {room}"):
            resp = await self.client.join(room)
        if isinstance(resp, JoinError):
            raise delivery_error(resp, f"join {room}")
        return resp.room_id

    async def _join_configured(self) -> list[str]:
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

    def invite_allowed(self, inviter: str) -> bool:
        server = inviter.split(":", 1)[1] if ":" in inviter else ""
        for entry in self.cfg.allow_invites_from:
            if entry.startswith("@") and entry == inviter:
                return True
            if entry.startswith(":") and entry[1:] == server:
                return True
        return False

    async def _handle_invites(self, resp: SyncResponse) -> None:
        """Decline invites from strangers; queue the allowed ones and join what is queued."""
        for room_id, info in resp.rooms.invite.items():
            inviter, is_direct = None, False
            for ev in info.invite_state:
                if (isinstance(ev, InviteMemberEvent) and ev.state_key == self.me.user_id
                        and ev.membership == "invite"):
                    inviter, is_direct = ev.sender, bool(ev.content.get("is_direct"))
            if inviter and self.invite_allowed(inviter):
                self._invites[room_id] = (inviter, is_direct)
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
        for room_id, (inviter, is_direct) in list(self._invites.items()):
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
            del self._invites[room_id]
        state = json.dumps(self._invites, sort_keys=True)
        if state != self._invites_saved:
            self.state.kv_set(self._key("invites"), state)
            self._invites_saved = state

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

    def is_dm(self, room_id: str) -> bool:
        if room_id in self._room_ids.values() or room_id in self.cfg.rooms:
            return False  # announcement rooms are never DMs, however empty
        if room_id in self._direct:
            return True
        room = self.client.rooms.get(room_id)
        return room is not None and room.member_count <= 2

    # --- commands --------------------------------------------------------------------

    def _is_own_join(self, ev) -> bool:
        return (isinstance(ev, RoomMemberEvent) and ev.state_key == self.me.user_id
                and ev.membership == "join" and ev.prev_membership != "join")

    def _after_own_join(self, events: list) -> list:
        """Only what happened after we (last) joined: earlier events are history."""
        for i in range(len(events) - 1, -1, -1):
            if self._is_own_join(events[i]):
                return events[i + 1:]
        return events

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

    def _command(self, room_id: str, ev) -> Command | None:
        if isinstance(ev, MegolmEvent):
            log.warning("Matrix: cannot decrypt %s in %s (no keys)", ev.event_id, room_id)
            return None
        if not isinstance(ev, RoomMessageText):  # notices, emotes, redactions, state...
            return None
        if ev.sender == self.me.user_id or ev.event_id in self._answered:
            return None
        content = ev.source.get("content") or {}
        rel = content.get("m.relates_to") or {}
        if rel.get("rel_type") == "m.replace" or "m.new_content" in content:
            return None  # an edit: the original was (or was not) a command already
        is_dm = self.is_dm(room_id)
        text = command_text(content, self.me, prefix=self.cfg.command_prefix, is_dm=is_dm)
        if text is None:
            return None
        return Command(room_id, ev.event_id, ev.sender, text, is_dm, content)

    async def _process(self, resp: SyncResponse, since: str | None) -> bool:
        """Invites, then commands of every joined room. False if an answer must be retried."""
        await self._handle_invites(resp)
        by_room: dict[str, list[Command]] = {}
        for room_id, info in resp.rooms.join.items():
            events = list(info.timeline.events)
            if since and info.timeline.limited and not any(map(self._is_own_join, events)):
                try:
                    events = await self._fill_gap(room_id, info.timeline.prev_batch, since) + events
                except NETWORK_ERRORS as e:
                    log.warning("Matrix: cannot fill the gap in %s (%s)", room_id,
                                type(e).__name__)
                    return False
            seen: set[tuple[str, str]] = set()
            for ev in self._after_own_join(events):
                cmd = self._command(room_id, ev)
                if cmd is None:
                    continue
                if (cmd.sender, cmd.text.casefold()) in seen:  # the same command twice: once
                    self._remember(cmd.event_id)
                    continue
                seen.add((cmd.sender, cmd.text.casefold()))
                by_room.setdefault(room_id, []).append(cmd)
        results = await asyncio.gather(*(self._answer_room(cmds) for cmds in by_room.values()))
        return all(results)

    def handled(self, event_id: str) -> bool:
        """Whether this message has been dealt with (answered, coalesced or dropped)."""
        return event_id in self._answered

    def _remember(self, event_id: str) -> None:
        self._answered[event_id] = None
        while len(self._answered) > 5000:
            self._answered.popitem(last=False)

    def _ask(self, cmd: Command) -> Reply:
        ctx = Context(platform="matrix", user=cmd.sender, where=cmd.room_id, is_dm=cmd.is_dm)
        try:
            return self.core.handle(cmd.text, ctx)
        except Exception:
            log.exception("Matrix: the core failed on %r", cmd.text)
            return Reply(title="Sorry, something went wrong answering that.", kind="error",
                         ok=False)

    def _reply_wrap(self, cmd: Command) -> Callable[[Rendered], dict]:
        rel = cmd.content.get("m.relates_to") or {}

        def wrap(r: Rendered) -> dict:
            content = notice_content(r, cmd.event_id)
            if rel.get("rel_type") == "m.thread" and rel.get("event_id"):  # stay in the thread
                content["m.relates_to"] = {
                    "rel_type": "m.thread", "event_id": rel["event_id"],
                    "is_falling_back": False, "m.in_reply_to": {"event_id": cmd.event_id}}
            return content

        return wrap

    async def _answer_room(self, cmds: list[Command]) -> bool:
        """Answer one room's commands in order. False if one must be retried."""
        for cmd in cmds:
            if not self.limiter.allow(cmd.room_id):
                log.info("Matrix: reply limit reached in %s, dropped %s", cmd.room_id,
                         cmd.event_id)
                self._remember(cmd.event_id)
                continue
            reply = self._ask(cmd)
            more = "more" if cmd.is_dm else f"{self.cfg.command_prefix} more"
            contents = render_messages(reply, more_hint=more, wrap=self._reply_wrap(cmd))
            for n, content in enumerate(contents):
                try:
                    resp = await self.client.room_send(
                        cmd.room_id, "m.room.message", content,
                        tx_id=txn_id("reply", cmd.event_id, str(n)),
                        ignore_unverified_devices=True)
                except (*NETWORK_ERRORS, LocalProtocolError, SendRetryError) as e:
                    log.warning("Matrix: reply to %s not sent (%s); will retry", cmd.event_id,
                                type(e).__name__)
                    return False
                if isinstance(resp, RoomSendError):
                    if resp.status_code in TOKEN_CODES:
                        self.give_up(resp)
                        return True
                    err = delivery_error(resp, f"reply in {cmd.room_id}")
                    log.warning("Matrix: %s", err)
                    if not err.permanent:
                        return False
                    break
            self._remember(cmd.event_id)
        return True

    # --- posting for the outbox ------------------------------------------------------

    async def room_known(self, room_id: str, timeout: float = 5.0) -> bool:
        """With encryption on, nio can only send to rooms a sync has shown it."""
        if not self.client.olm or room_id in self.client.rooms:
            return True
        try:
            async with self._synced:
                await asyncio.wait_for(
                    self._synced.wait_for(lambda: room_id in self.client.rooms), timeout)
        except asyncio.TimeoutError:
            return False
        return True

    def check_usable(self, what: str) -> None:
        if self.fatal:
            raise DeliveryError(f"{what}: {self.fatal}", permanent=True)
        if not self.ready.is_set():
            raise DeliveryError(f"{what}: the Matrix adapter has not started yet", retry_after=5)
        if self._stopping.is_set():
            raise DeliveryError(f"{what}: the Matrix adapter is stopping", retry_after=5)

    async def room_id_for(self, room: str) -> str:
        """The id of a configured room (an id or an alias), joining it if needed."""
        if room not in self._room_ids:
            self._room_ids[room] = await self._join(room)
        return self._room_ids[room]

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
