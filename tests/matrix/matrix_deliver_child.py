"""Run in a subprocess by test_crash.py: start the Matrix adapter, send one announcement
through its room destination with a fixed delivery key, print the event id, then wait for
the parent (which may SIGKILL it at any point: mid-send, or after the send but before the
outbox would have recorded it).

argv: homeserver user_id password_env db store_dir room key
"""
from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path


def long_reply():
    from bot.reply import Reply

    para = "热迁移在共享存储与块迁移两种模式下的配置差异。Live migration notes. " * 120
    return Reply(title="New issue 99: 长公告", kind="announcement",
                 text=tuple(f"{n}: {para}" for n in range(5)))


async def main() -> None:
    from adapters.matrix import MatrixAdapter, make_client
    from archive.store import Store
    from bot.config import MatrixConfig
    from bot.delivery import Delivery
    from bot.state import BotState

    homeserver, user_id, password_env, db, store_dir, room, key = sys.argv[1:8]
    cfg = MatrixConfig(homeserver=homeserver, user_id=user_id, device_id="DIGESTBOT",
                       rooms=(room,), password_env=password_env,
                       access_token_env="MATRIX_CHILD_NO_TOKEN")
    store = Store(Path(db))
    adapter = MatrixAdapter(make_client(cfg, Path(store_dir)), None, BotState.of(store), cfg)
    await adapter.start()
    dest = adapter.destinations()[0]
    ref = await dest.send(Delivery(1, key, dest.name, room, 99, "announce"), long_reply())
    print(f"SENT {ref}", flush=True)
    sys.stdin.readline()  # "recording the delivery": the parent may kill us here
    await adapter.stop()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    asyncio.run(main())
