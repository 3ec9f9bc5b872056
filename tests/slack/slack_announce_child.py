"""A bot process that only delivers queued announcements to one Slack channel (and may be
killed mid-way by the test). Usage: slack_announce_child.py DB ARCHIVE BASE_URL CHANNEL
The bot token comes from SLACK_BOT_TOKEN, as in production."""
from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from adapters.slack import SlackChannelDestination, make_client  # noqa: E402
from bot.announcer import Announcer  # noqa: E402
from bot.config import Config, SlackConfig  # noqa: E402
from bot.scan import Bot  # noqa: E402


async def main(db: str, archive: str, base_url: str, channel: str) -> None:
    config = Config(slack=SlackConfig(channels=(channel,), base_url=base_url))
    bot = Bot(config, Path(db), archive=Path(archive))
    dest = SlackChannelDestination(make_client(config.slack), channel)
    announcer = Announcer(bot.outbox, [dest], bot.render)
    print("ready", flush=True)
    print(json.dumps(await announcer.drain(budget=30)), flush=True)


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:]))
