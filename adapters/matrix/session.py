"""The Matrix session: log in (password, or an access token alone as behind MAS), keep
syncing, reconnect with backoff, log in again after a soft logout, store `next_batch` and do
the end-to-end key exchange between syncs.

What a sync batch *means* (invites, commands) is the `SyncHandler`'s business: the session
only says when a batch may count as done, so that a batch whose answers failed is replayed
from the same `next_batch` (the replies' transaction ids make that post nothing twice).
"""
from __future__ import annotations

import asyncio
import logging
import random
import secrets
from typing import Protocol

from nio import AsyncClient, ErrorResponse, LocalProtocolError, ProfileGetDisplayNameResponse, SyncError, SyncResponse

from adapters.matrix.client import (NETWORK_ERRORS, TOKEN_CODES, MatrixAuthError, exchange_keys, login,
                                    password_login, state_key)
from adapters.matrix.commands import Me
from bot.config import MatrixConfig, secret
from bot.delivery import DeliveryError
from bot.ports import KeyValue

log = logging.getLogger("digest_bot.matrix")

# Presence is noise for a bot; a generous timeline limit means fewer gaps to fill.
SYNC_FILTER = {"room": {"timeline": {"limit": 50}}, "presence": {"not_types": ["*"]}}
# The first sync only learns rooms and state: its timeline is history and is ignored.
FIRST_SYNC_FILTER = {"room": {"timeline": {"limit": 1}}, "presence": {"not_types": ["*"]}}
START_ATTEMPTS = 3  # start() gives up waiting after this many tries; run_forever() goes on
POISON_LIMIT = 3  # a batch whose handling raises this many times is skipped


class _Transient(Exception):
    """The homeserver answered with an error worth retrying (5xx, 429 after nio's retries)."""


class SyncHandler(Protocol):
    """What the session calls with what it syncs (the adapter: rooms, then command intake)."""

    async def first_batch(self, resp: SyncResponse) -> None:
        """A first start's batch: its timeline is history, only its invites count."""

    async def batch(self, resp: SyncResponse, since: str | None) -> bool:
        """Handle a batch synced from `since`. False: something must be retried (the batch is
        handled again, not skipped)."""

    async def join_rooms(self) -> bool:
        """Once logged in and synced: join what must be joined. True when a room is new to us
        (then one more sync, so that nio knows its state before anything is sent there)."""


class MatrixSession:
    def __init__(self, client: AsyncClient, state: KeyValue, cfg: MatrixConfig, handler: SyncHandler, *,
                 sync_timeout_ms: int = 30_000, backoff_max: float = 30.0):
        self.client = client
        self.state = state  # next_batch only
        self.cfg = cfg
        self.handler = handler
        self.sync_timeout_ms = sync_timeout_ms
        self.backoff_max = backoff_max
        self.me = Me(cfg.user_id)  # with the display name once logged in (people address it by that)
        self.ready = asyncio.Event()  # set once the first sync is handled
        self.fatal: str | None = None  # why the session stopped for good (bad token)
        self._stopping = asyncio.Event()
        self._stopped = asyncio.Event()
        self._synced = asyncio.Condition()  # notified after each batch: room_known() waits on it
        self._since: str | None = None
        self._running = False

    # --- lifecycle -------------------------------------------------------------------

    async def start(self) -> None:
        """Log in, handle the first sync (skipping history on a first start, catching up
        otherwise) and let the handler join its rooms. Raises MatrixAuthError when the
        homeserver refuses our credentials. If it cannot be reached after a few tries, returns
        anyway: run_forever() finishes the start-up once it is back (so one platform being down
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
        since = self.state.kv_get(state_key(self.cfg, "next_batch"))
        if since is None:
            # Synapse serves a repeated /sync from a 2-minute cache: a first start soon after
            # another would get the old answer (rooms unknown, and everything said since then
            # answered as new). A nonce in the filter makes this request its own.
            first = {**FIRST_SYNC_FILTER, "org.digest_bot.nonce": secrets.token_hex(8)}
            resp = await self._checked_sync(0, first, since=None, full_state=True)
            await self.handler.first_batch(resp)
            log.info("Matrix: first start, %d rooms known, history skipped", len(resp.rooms.join))
            await self._finish_batch(resp)
        else:
            # Resume: full state so that room members are known again; the timeline holds
            # what was said while we were away, and is answered.
            resp = await self._checked_sync(0, SYNC_FILTER, since=since, full_state=True)
            self._since = since
            if await self.handler.batch(resp, since):
                await self._finish_batch(resp)  # else: run_forever replays the batch
        if await self.handler.join_rooms():
            # One more sync so that the rooms just joined are known (nio needs a room's state
            # before it sends there); our join event marks where their history ends.
            resp = await self._checked_sync(0, SYNC_FILTER, since=self._since)
            if await self.handler.batch(resp, self._since):
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
                    done = await self.handler.batch(resp, self._since)
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

    def give_up(self, why: ErrorResponse | str) -> None:
        """Stop for good: the homeserver no longer takes our token (one error, naming the cure)."""
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

    # --- what senders ask of the session ---------------------------------------------

    def check_usable(self, what: str) -> None:
        """Raise the DeliveryError that says why nothing can be sent now, if anything does."""
        if self.fatal:
            raise DeliveryError(f"{what}: {self.fatal}", permanent=True)
        if not self.ready.is_set():
            raise DeliveryError(f"{what}: the Matrix adapter has not started yet", retry_after=5)
        if self._stopping.is_set():
            raise DeliveryError(f"{what}: the Matrix adapter is stopping", retry_after=5)

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

    async def _finish_batch(self, resp: SyncResponse) -> None:
        self._since = resp.next_batch
        self.state.kv_set(state_key(self.cfg, "next_batch"), resp.next_batch)
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
