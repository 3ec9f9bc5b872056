"""The terminal adapter: answers typed commands, prints announcements, shows no escape codes."""
from __future__ import annotations

import asyncio
import io

from adapters.console import ConsoleAdapter, ConsoleDestination, render_text
from bot.clock import FixedClock
from bot.delivery import Delivery
from bot.reply import Reply
from bot.scan import Bot

from announce_helpers import TODAY, make_config, write_post


def test_render_text_neutralises_terminal_escapes():
    text = render_text(Reply(title="New issue \x1b[2J\x1b]0;pwned\x07 19", text=("a\u202eb",)))
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert text.startswith("New issue")


async def test_console_answers_lines_and_quit_stops(archive, tmp_path):
    write_post(archive, 7)
    bot = Bot(make_config(archive, webhooks=0), tmp_path / "c.db", clock=FixedClock(TODAY))
    try:
        bot.scan()
        quit_called = asyncio.Event()
        out = io.StringIO()
        console = ConsoleAdapter(bot.core, inp=io.StringIO("issue 7\n\nquit\nissue 7\n"), out=out, user="tester",
                                 on_quit=quit_called.set)
        await asyncio.wait_for(console.run(), 10)
        assert quit_called.is_set()
        assert out.getvalue().count("第七期") == 1  # answered once; nothing read after `quit`
        assert console.context().platform == "console" and console.context().is_dm
    finally:
        bot.close()


async def test_console_destination_prints_once_per_key_and_returns_a_reference():
    out = io.StringIO()
    dest = ConsoleDestination(out)
    d = Delivery(id=1, key="digest-bot:1:console:announce:0", destination="console", target="", issue=1,
                 kind="announce")
    reply = Reply(title="New issue 1: t")
    assert await dest.send(d, reply) == d.key
    await dest.send(d, reply)
    assert out.getvalue().count("New issue 1: t") == 1
    edit = Delivery(id=2, key="digest-bot:1:console:edit:0", destination="console", target="", issue=1,
                    kind="edit", remote_ref=d.key)
    assert await dest.send(edit, Reply(title="New issue 1: fixed")) == d.key
    assert "=== Corrected ===" in out.getvalue()
