"""Command intake: which messages of a sync batch are commands for the bot, each answered
once, within the room's reply budget, as `m.notice` replies (threaded where the command was).

Never answered: our own messages, `m.notice`s (other bots), edits, and a command repeated in
the same batch. A reply's transaction id comes from the command's event id, so a batch
replayed after a failure or a crash posts nothing twice.
"""
from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from nio import LocalProtocolError, MegolmEvent, RoomMessageText, RoomSendError, SyncResponse
from nio.exceptions import SendRetryError

from adapters.matrix.client import NETWORK_ERRORS, TOKEN_CODES, delivery_error, txn_id
from adapters.matrix.commands import command_text
from adapters.matrix.limits import RoomLimiter
from adapters.matrix.rooms import MatrixRooms
from adapters.matrix.session import MatrixSession
from adapters.matrix_render import Rendered, notice_content, render_messages
from bot.config import MatrixConfig
from bot.reply import Context, Reply

log = logging.getLogger("digest_bot.matrix")

HANDLED_MEMORY = 5000  # event ids remembered: enough to cover any batch replayed


@dataclass(frozen=True, slots=True)
class Command:
    room_id: str
    event_id: str
    sender: str
    text: str
    is_dm: bool
    content: dict


class HandledEvents:
    """The messages dealt with (answered, coalesced or dropped), newest last: a replayed batch
    skips them. Bounded: the oldest are forgotten first."""

    def __init__(self, limit: int = HANDLED_MEMORY):
        self.limit = limit
        self._ids: OrderedDict[str, None] = OrderedDict()

    def __contains__(self, event_id: str) -> bool:
        return event_id in self._ids

    def add(self, event_id: str) -> None:
        self._ids[event_id] = None
        while len(self._ids) > self.limit:
            self._ids.popitem(last=False)


class CommandIntake:
    def __init__(self, session: MatrixSession, rooms: MatrixRooms, core, cfg: MatrixConfig):
        self.session = session  # the client, who we are (addressing), giving up on a dead token
        self.rooms = rooms  # whether a room is a DM; its new events
        self.core = core
        self.cfg = cfg
        self.limiter = RoomLimiter(cfg.replies_per_minute)
        self.handled = HandledEvents()

    async def handle(self, resp: SyncResponse, since: str | None) -> bool:
        """Answer the commands of every joined room (rooms at once, each in order). False if an
        answer must be retried."""
        by_room: dict[str, list[Command]] = {}
        for room_id, info in resp.rooms.join.items():
            try:
                events = await self.rooms.new_events(room_id, info.timeline, since)
            except NETWORK_ERRORS as e:
                log.warning("Matrix: cannot fill the gap in %s (%s)", room_id, type(e).__name__)
                return False
            seen: set[tuple[str, str]] = set()
            for ev in events:
                cmd = self._command(room_id, ev)
                if cmd is None:
                    continue
                if (cmd.sender, cmd.text.casefold()) in seen:  # the same command twice: once
                    self.handled.add(cmd.event_id)
                    continue
                seen.add((cmd.sender, cmd.text.casefold()))
                by_room.setdefault(room_id, []).append(cmd)
        results = await asyncio.gather(*(self._answer_room(cmds) for cmds in by_room.values()))
        return all(results)

    def _command(self, room_id: str, ev) -> Command | None:
        if isinstance(ev, MegolmEvent):
            log.warning("Matrix: cannot decrypt %s in %s (no keys)", ev.event_id, room_id)
            return None
        if not isinstance(ev, RoomMessageText):  # notices, emotes, redactions, state...
            return None
        me = self.session.me
        if ev.sender == me.user_id or ev.event_id in self.handled:
            return None
        content = ev.source.get("content") or {}
        rel = content.get("m.relates_to") or {}
        if rel.get("rel_type") == "m.replace" or "m.new_content" in content:
            return None  # an edit: the original was (or was not) a command already
        is_dm = self.rooms.is_dm(room_id)
        text = command_text(content, me, prefix=self.cfg.command_prefix, is_dm=is_dm)
        if text is None:
            return None
        return Command(room_id, ev.event_id, ev.sender, text, is_dm, content)

    def _ask(self, cmd: Command) -> Reply:
        ctx = Context(platform="matrix", user=cmd.sender, where=cmd.room_id, is_dm=cmd.is_dm)
        try:
            return self.core.handle(cmd.text, ctx)
        except Exception:
            log.exception("Matrix: the core failed on %r", cmd.text)
            return self.core.failure(cmd.text, ctx)

    @staticmethod
    def _reply_wrap(cmd: Command) -> Callable[[Rendered], dict]:
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
        client = self.session.client
        for cmd in cmds:
            if not self.limiter.allow(cmd.room_id):
                log.info("Matrix: reply limit reached in %s, dropped %s", cmd.room_id,
                         cmd.event_id)
                self.handled.add(cmd.event_id)
                continue
            reply = self._ask(cmd)
            more = "more" if cmd.is_dm else f"{self.cfg.command_prefix} more"
            contents = render_messages(reply, more_hint=more, wrap=self._reply_wrap(cmd))
            for n, content in enumerate(contents):
                try:
                    resp = await client.room_send(
                        cmd.room_id, "m.room.message", content,
                        tx_id=txn_id("reply", cmd.event_id, str(n)),
                        ignore_unverified_devices=True)
                except (*NETWORK_ERRORS, LocalProtocolError, SendRetryError) as e:
                    log.warning("Matrix: reply to %s not sent (%s); will retry", cmd.event_id,
                                type(e).__name__)
                    return False
                if isinstance(resp, RoomSendError):
                    if resp.status_code in TOKEN_CODES:
                        self.session.give_up(resp)
                        return True
                    err = delivery_error(resp, f"reply in {cmd.room_id}")
                    log.warning("Matrix: %s", err)
                    if not err.permanent:
                        return False
                    break
            self.handled.add(cmd.event_id)
        return True
