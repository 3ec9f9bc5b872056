"""Logging for `digest-bot run` and `publish`: one line per event, as text for people or JSON
for collectors (`--log-format json`, or $DIGEST_BOT_LOG_FORMAT), and never a secret.

Secrets are removed from the finished line, whoever logged it (our code, slack_sdk, nio,
aiohttp), tracebacks included: the values of the environment variables the config names as
secrets (tokens, passwords, webhook URLs), and anything token-shaped.
"""
from __future__ import annotations

import json
import logging
import os
import re
import sys
from collections.abc import Iterable
from datetime import datetime, timezone
from urllib.parse import urlsplit

from bot.config import Config

LEVEL_ENV = "DIGEST_BOT_LOG_LEVEL"
FORMAT_ENV = "DIGEST_BOT_LOG_FORMAT"
FORMATS = ("text", "json")

# Slack bot/user/app tokens, Synapse (syt_) and Matrix Authentication Service (mat_, mct_)
# access tokens, and a bearer header's value.
_TOKENISH = re.compile(r"\b(?:xox[abposr]-[\w-]+|xapp-[\w-]+|sy[tr]_[\w-]+|m[ac]t_[\w-]+)|(?<=Bearer )[\w.~+/-]+=*")
_MIN_SECRET = 6  # shorter values would blank out ordinary words


def secret_envs(config: Config) -> list[str]:
    """The environment variables that the config says hold secrets."""
    names = [w.url_env for w in config.webhooks]
    if config.slack:
        names += [config.slack.bot_token_env, config.slack.app_token_env, config.slack.signing_secret_env]
    if config.matrix:
        names += [config.matrix.access_token_env, config.matrix.password_env]
    return names


def _parts(value: str) -> set[str]:
    """A secret, and for a URL (a webhook's, whose path is the secret) its path and long path
    segments too: an error message may quote the path alone."""
    out = {value}
    u = urlsplit(value)
    if u.scheme and u.netloc:
        out.add(u.path + (f"?{u.query}" if u.query else ""))
        out.update(seg for seg in u.path.split("/") if len(seg) >= 16)
    return out


class Redactor:
    def __init__(self, env_names: Iterable[str]):
        values = set().union(*(_parts(v) for n in env_names if (v := os.environ.get(n, ""))))
        # longest first, so a value containing another is removed whole
        self.values = sorted((v for v in values if len(v) >= _MIN_SECRET), key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for v in self.values:
            if v in text:
                text = text.replace(v, "<redacted>")
        return _TOKENISH.sub("<redacted>", text)


def _one_line(text: str) -> str:
    return text.replace("\r", "").replace("\n", " | ")


class TextFormatter(logging.Formatter):
    def __init__(self, redact: Redactor):
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self.redact = redact

    def format(self, record: logging.LogRecord) -> str:
        return _one_line(self.redact(super().format(record)))


class JsonFormatter(logging.Formatter):
    def __init__(self, redact: Redactor):
        super().__init__()
        self.redact = redact

    def format(self, record: logging.LogRecord) -> str:
        out = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": self.redact(record.getMessage()),
        }
        if record.exc_info:
            out["exc"] = self.redact(self.formatException(record.exc_info))
        return json.dumps(out, ensure_ascii=False)


def json_format() -> bool:
    return os.environ.get(FORMAT_ENV) == "json"


def setup(config: Config, *, default_level: str = "INFO") -> None:
    """Configure the root logger once (a test or an embedding program may have done it)."""
    root = logging.getLogger()
    if root.handlers:
        return
    fmt = os.environ.get(FORMAT_ENV) or "text"
    if fmt not in FORMATS:
        fmt = "text"
    redact = Redactor(secret_envs(config))
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(redact) if fmt == "json" else TextFormatter(redact))
    root.addHandler(handler)
    root.setLevel(os.environ.get(LEVEL_ENV) or default_level)
    logging.captureWarnings(True)  # a library's warning is a log line too, not three raw ones

    def crashed(kind, value, tb):  # an uncaught exception: one record, not a raw traceback
        logging.getLogger("digest_bot").critical("crashed: %r", value, exc_info=(kind, value, tb))

    sys.excepthook = crashed
