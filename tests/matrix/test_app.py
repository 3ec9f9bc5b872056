"""The whole bot (`digest-bot run`, the composition root) on Matrix: answers in a room,
announces a newly published issue once, and after a SIGKILL and a restart neither loses nor
repeats anything."""
from __future__ import annotations

import os
import random
import shutil
import sys
from datetime import date

import pytest
from matrix_support import EXAMPLES, ROOT

sys.path.insert(0, str(ROOT))
from tests.bot_process import BIN, FAST_RUN_TOML, BotProcess  # noqa: E402
from tests.posts import write_issue  # noqa: E402

CONFIG = """
[archive]
path = "site"
""" + FAST_RUN_TOML + """
[matrix]
homeserver = "{homeserver}"
user_id = "{user_id}"
rooms = ["{room}"]
allow_invites_from = ["{alice}"]
password_env = "MATRIX_APP_PASSWORD"
access_token_env = "MATRIX_APP_NO_TOKEN"
"""


@pytest.mark.skipif(not BIN.exists(), reason="digest-bot is not installed (pip install -e .)")
async def test_digest_bot_run_on_matrix_survives_sigkill(people, synapse, tmp_path):
    alice = await people("alice")
    room = await alice.create_room(public=True)
    reg = synapse.register("appbot" + alice.user_id[1:].split(":")[0])
    shutil.copytree(EXAMPLES, tmp_path / "site")
    (tmp_path / "config.toml").write_text(CONFIG.format(
        homeserver=synapse.base_url, user_id=reg.user_id, room=room, alice=alice.user_id))
    env = {**os.environ, "MATRIX_APP_PASSWORD": reg.password,
           "DIGEST_BOT_TODAY": "2026-11-01", "DIGEST_BOT_LOG_LEVEL": "INFO"}
    env.pop("MATRIX_APP_NO_TOKEN", None)

    def announcements(number_cn: str) -> list[dict]:
        return [m for m in alice.messages(room, reg.user_id)
                if "m.relates_to" not in m["content"] and number_cn in m["content"]["body"]]

    with BotProcess(tmp_path, env) as run:
        await alice.wait_for(lambda: alice.membership(room, reg.user_id) == "join", deadline=30,
                             what="the bot to join its announcement room")
        ask = await alice.send(room, "!digest latest")
        await alice.wait_for(lambda: alice.replies_to(room, ask, reg.user_id), deadline=30,
                             what="an answer from `digest-bot run`")

        write_issue(tmp_path / "site", 27, date(2015, 2, 3), {"Nova": ["Nova 第二十七期条目。"]})
        await alice.wait_for(lambda: announcements("第二十七期"), deadline=30,
                             what="the announcement of issue 27")

        # a new issue, and a SIGKILL at a random moment while it is noticed / announced
        # (each poll of alice's sync is a 30% chance to pull the plug)
        write_issue(tmp_path / "site", 28, date(2015, 2, 17), {"Heat": ["Heat 第二十八期条目。"]})
        await alice.wait_for(lambda: random.random() < 0.3 or announcements("第二十八期"),
                             deadline=5)
        run.kill()
        run.start()
        await alice.wait_for(lambda: announcements("第二十八期"), deadline=30,
                             what="the announcement of issue 28 after the restart")
        sentinel = await alice.send(room, "!digest issue 28")
        await alice.wait_for(lambda: alice.replies_to(room, sentinel, reg.user_id), deadline=30)
    await alice.sync()
    assert len(announcements("第二十七期")) == 1
    assert len(announcements("第二十八期")) == 1
    assert len(alice.replies_to(room, ask, reg.user_id)) == 1  # not replayed by the restart
    # the back catalogue (issues 20-26) was not announced on the first start
    assert not any("第二十期" in m["content"]["body"] for m in alice.messages(room, reg.user_id)
                   if "m.relates_to" not in m["content"])
