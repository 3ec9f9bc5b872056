"""SIGKILL in the middle of an announcement, restart, and the room has each message once."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from matrix_support import HERE, ROOT, until

CHILD = HERE / "matrix_deliver_child.py"


class Child:
    def __init__(self, args: list[str], env: dict, log: Path):
        self.log = open(log, "wb")
        self.proc = subprocess.Popen([sys.executable, str(CHILD), *args], cwd=ROOT, env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.log)
        os.set_blocking(self.proc.stdout.fileno(), False)
        self.out = b""

    def read(self) -> str:
        chunk = self.proc.stdout.read()
        if chunk:
            self.out += chunk
        return self.out.decode()

    def sent(self) -> str | None:
        for line in self.read().splitlines():
            if line.startswith("SENT "):
                return line.split()[1]
        return None

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        self.log.close()

    def finish(self) -> None:
        self.proc.stdin.write(b"\n")
        self.proc.stdin.flush()
        self.proc.wait(20)
        self.log.close()


async def test_sigkill_mid_announcement_then_restart_posts_each_part_once(
        people, synapse, admin, tmp_path):
    alice = await people("alice")
    room = await alice.create_room(public=True)
    reg = synapse.register("crashbot" + alice.user_id[1:].split(":")[0])
    env = {**os.environ, "MATRIX_CHILD_PASSWORD": reg.password, "PYTHONPATH": str(ROOT)}
    args = [synapse.base_url, reg.user_id, "MATRIX_CHILD_PASSWORD", str(tmp_path / "bot.db"),
            str(tmp_path / "nio"), room, "digest-bot:k99:matrix:room:announce:0"]

    # 1 message a second: the parts go out slowly (nio waits out the 429s), so the kill lands
    # while the announcement is half posted.
    synapse.override_ratelimit(admin.access_token, reg.user_id, per_second=1, burst=1)
    try:
        first = Child(args, env, tmp_path / "child-1.log")
        await alice.wait_for(lambda: alice.messages(room, reg.user_id), deadline=30,
                             what="the first part")
        first.kill()
        assert first.sent() is None, "killed too late: the whole announcement was out"
    finally:
        synapse.clear_ratelimit(admin.access_token, reg.user_id)

    second = Child(args, env, tmp_path / "child-2.log")  # the restart: same key, same device
    ref = await until(second.sent, timeout=30, what="the second run to send")
    second.finish()
    third = Child(args, env, tmp_path / "child-3.log")  # crashed after sending, before recording
    assert await until(third.sent, timeout=30, what="the third run") == ref
    third.finish()

    await alice.sync()
    msgs = alice.messages(room, reg.user_id)
    bodies = [m["content"]["body"] for m in msgs]
    assert msgs[0]["event_id"] == ref
    assert len(bodies) == len(set(bodies)) >= 3, [b[:30] for b in bodies]
    assert bodies[0].startswith("New issue 99")
    text = "".join(bodies)
    assert all(f"{n}: 热迁移" in text for n in range(5))
