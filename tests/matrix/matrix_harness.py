"""A throwaway Synapse for the Matrix tests and the round-trip bench.

Starts `synapse.app.homeserver` (from this venv) on 127.0.0.1 with its own data directory:
SQLite, no federation, relaxed rate limits, fast bcrypt. Users are registered through the
shared-secret admin API. Stopped and restarted by PID, waited for with `/health` and a deadline.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

SERVER_NAME = "digest.test"
_HIGH = {"per_second": 10000, "burst_count": 100000}


def synapse_available() -> bool:
    """Installed in this interpreter? (Not imported here: it would drag Twisted into the tests.)"""
    import importlib.util

    return all(importlib.util.find_spec(m) is not None for m in ("synapse", "signedjson"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Registered:
    user_id: str
    access_token: str
    device_id: str
    password: str


def _homeserver_yaml(data: Path, port: int, shared_secret: str) -> dict:
    return {
        "server_name": SERVER_NAME,
        "pid_file": str(data / "homeserver.pid"),
        "public_baseurl": f"http://127.0.0.1:{port}/",
        "listeners": [
            {
                "port": port,
                "bind_addresses": ["127.0.0.1"],
                "type": "http",
                "tls": False,
                "x_forwarded": False,
                "resources": [{"names": ["client"], "compress": False}],
            }
        ],
        "database": {"name": "sqlite3", "args": {"database": str(data / "homeserver.db")}},
        "log_config": str(data / "log.yaml"),
        "media_store_path": str(data / "media"),
        "enable_media_repo": False,
        "url_preview_enabled": False,
        "registration_shared_secret": shared_secret,
        "enable_registration": False,
        "report_stats": False,
        "macaroon_secret_key": secrets.token_hex(16),
        "form_secret": secrets.token_hex(16),
        "signing_key_path": str(data / "signing.key"),
        "trusted_key_servers": [],
        "suppress_key_server_warning": True,
        "federation_domain_whitelist": [],
        "send_federation": False,
        "bcrypt_rounds": 4,
        "presence": {"enabled": False},
        "rc_message": _HIGH,
        "rc_login": {"address": _HIGH, "account": _HIGH, "failed_attempts": _HIGH},
        "rc_registration": _HIGH,
        "rc_joins": {"local": _HIGH, "remote": _HIGH},
        "rc_joins_per_room": _HIGH,
        "rc_invites": {"per_room": _HIGH, "per_user": _HIGH, "per_issuer": _HIGH},
        "rc_3pid_validation": _HIGH,
        "rc_admin_redaction": _HIGH,
        "rc_room_creation": _HIGH,
        "rc_delayed_event_mgmt": _HIGH,
        "rc_reports": _HIGH,
        "rc_presence": {"per_user": _HIGH},
        "rc_key_requests": _HIGH,
        "rc_media_create": _HIGH,
    }


_LOG_YAML = """\
version: 1
formatters:
  precise:
    format: '%(asctime)s - %(name)s - %(lineno)d - %(levelname)s - %(request)s - %(message)s'
handlers:
  file:
    class: logging.FileHandler
    formatter: precise
    filename: {log}
root:
  level: WARNING
  handlers: [file]
disable_existing_loggers: false
"""


class SynapseServer:
    """One homeserver process; `stop()` and `start()` again keep its data and port."""

    def __init__(self, data: Path, port: int | None = None):
        self.data = Path(data)
        self.port = port or free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.shared_secret = secrets.token_hex(16)
        self.proc: subprocess.Popen | None = None
        self._write_config()

    # --- lifecycle ------------------------------------------------------------------

    def _write_config(self) -> None:
        from signedjson.key import generate_signing_key, write_signing_keys

        self.data.mkdir(parents=True, exist_ok=True)
        (self.data / "media").mkdir(exist_ok=True)
        (self.data / "log.yaml").write_text(_LOG_YAML.format(log=self.data / "homeserver.log"))
        with open(self.data / "signing.key", "w") as f:
            write_signing_keys(f, [generate_signing_key("a_test")])
        # JSON is valid YAML: no PyYAML needed to write it.
        cfg = _homeserver_yaml(self.data, self.port, self.shared_secret)
        (self.data / "homeserver.yaml").write_text(json.dumps(cfg, indent=1))

    def start(self, deadline: float = 60.0) -> None:
        assert self.proc is None or self.proc.poll() is not None, "already running"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "synapse.app.homeserver", "--config-path",
             str(self.data / "homeserver.yaml")],
            cwd=self.data,
            stdout=open(self.data / "stdout.log", "ab"),
            stderr=subprocess.STDOUT,
            env={**os.environ, "SYNAPSE_ASYNC_IO_REACTOR": "0"},
        )
        self.wait_healthy(deadline)

    def wait_healthy(self, deadline: float) -> None:
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"synapse exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/health", timeout=1) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.05)  # polling interval while waiting for a deadline, not a wait
        raise TimeoutError(f"synapse not healthy after {deadline}s:\n{self.log_tail()}")

    def stop(self, deadline: float = 20.0) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=deadline)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def log_tail(self, n: int = 40) -> str:
        out = []
        for name in ("stdout.log", "homeserver.log"):
            p = self.data / name
            if p.exists():
                out += p.read_text(errors="replace").splitlines()[-n:]
        return "\n".join(out)

    # --- admin API ------------------------------------------------------------------

    def request(self, method: str, path: str, body: dict | None = None,
                token: str | None = None) -> dict:
        req = urllib.request.Request(
            self.base_url + path,
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Content-Type": "application/json",
                     **({"Authorization": f"Bearer {token}"} if token else {})},
        )
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return json.loads(r.read() or b"{}")
        except urllib.error.HTTPError as e:
            raise RuntimeError(f"{method} {path}: {e.code} {e.read()[:500]!r}") from None

    def register(self, localpart: str, password: str | None = None, admin: bool = False,
                 displayname: str | None = None) -> Registered:
        """Shared-secret registration (/_synapse/admin/v1/register with an HMAC)."""
        password = password or secrets.token_hex(8)
        nonce = self.request("GET", "/_synapse/admin/v1/register")["nonce"]
        mac = hmac.new(self.shared_secret.encode(), digestmod=hashlib.sha1)
        for part in (nonce, localpart, password):
            mac.update(part.encode())
            mac.update(b"\x00")
        mac.update(b"admin" if admin else b"notadmin")
        body = {"nonce": nonce, "username": localpart, "password": password,
                "admin": admin, "mac": mac.hexdigest()}
        if displayname:
            body["displayname"] = displayname
        r = self.request("POST", "/_synapse/admin/v1/register", body)
        return Registered(r["user_id"], r["access_token"], r["device_id"], password)

    def override_ratelimit(self, admin_token: str, user_id: str, per_second: int,
                           burst: int) -> None:
        from urllib.parse import quote

        self.request(
            "POST", f"/_synapse/admin/v1/users/{quote(user_id)}/override_ratelimit",
            {"messages_per_second": per_second, "burst_count": burst}, token=admin_token)

    def clear_ratelimit(self, admin_token: str, user_id: str) -> None:
        from urllib.parse import quote

        self.request("DELETE", f"/_synapse/admin/v1/users/{quote(user_id)}/override_ratelimit",
                     token=admin_token)
