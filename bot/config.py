"""Configuration: one TOML file, parsed once into frozen, typed objects.

A bad value fails at start with one message that names the key (`ConfigError`).
Secrets never live in the file: it names environment variables, read by `secret()`.
"""
from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive.config import (  # noqa: F401 - the archive's own settings live in archive/, parsed here
    DEFAULT_TITLE_PATTERN,
    DEFAULT_TITLE_PATTERNS,
    EXAMPLE_ARCHIVE,
    NUMBER_FROM,
    REPO_ROOT,
    ArchiveConfig,
)

# The embedded default's archive config (aliases, group headings) lives in this file, not in code.
EMBEDDED_CONFIG = Path(__file__).resolve().parent / "embedded.toml"


class ConfigError(Exception):
    """A config problem; the message names the key."""


@dataclass(frozen=True, slots=True)
class WatchConfig:
    debounce_ms: int = 300
    rescan_seconds: float = 300.0  # full rescan: lost file events, future-dated posts
    git_pull_seconds: float = 0.0  # 0: never `git pull` the archive


@dataclass(frozen=True, slots=True)
class WebhookConfig:
    name: str
    url_env: str  # environment variable holding the incoming-webhook URL (a secret)
    backlog: int = 0
    min_interval_seconds: float = 1.0  # between two posts (Slack's incoming webhooks: ~1 a second)


@dataclass(frozen=True, slots=True)
class SlackConfig:
    mode: str = "socket"  # "socket" or "http"
    channels: tuple[str, ...] = ()  # channel ids that get announcements
    backlog: int = 0
    base_url: str = "https://slack.com/api/"
    host: str = "0.0.0.0"  # http mode: where the Events API / slash command server listens
    port: int = 3000
    slash_command: str = "/digest"
    bot_token_env: str = "SLACK_BOT_TOKEN"
    app_token_env: str = "SLACK_APP_TOKEN"
    signing_secret_env: str = "SLACK_SIGNING_SECRET"
    # conversations.history calls a minute the bot allows itself (only to check a send that
    # may have reached Slack): 50 for an internal app (Tier 3); 1 for a distributed app
    # outside the Marketplace (Tier 1 since 2025-05-29)
    history_per_minute: int = 50
    dm_concurrency: int = 16  # subscription DMs sent at once (each DM paced at ~1/s)

    def configured(self) -> bool:
        return bool(os.environ.get(self.bot_token_env))


@dataclass(frozen=True, slots=True)
class MatrixConfig:
    homeserver: str = ""
    user_id: str = ""
    device_id: str = "DIGESTBOT"
    device_name: str = "digest-bot"
    rooms: tuple[str, ...] = ()  # rooms joined at start that get announcements
    backlog: int = 0
    command_prefix: str = "!digest"
    allow_invites_from: tuple[str, ...] = ()  # "@user:server" or ":server"
    replies_per_minute: int = 20  # per room
    access_token_env: str = "MATRIX_ACCESS_TOKEN"
    password_env: str = "MATRIX_PASSWORD"

    def configured(self) -> bool:
        return bool(self.homeserver and self.user_id) and bool(
            os.environ.get(self.access_token_env) or os.environ.get(self.password_env)
        )


@dataclass(frozen=True, slots=True)
class AnnounceConfig:
    items_per_section: int = 3  # first items shown per section in an announcement
    retry_min_seconds: float = 2.0
    retry_max_seconds: float = 300.0
    console: bool = True  # print announcements in the terminal adapter


def _shipped_glossary() -> dict:
    """The glossary shipped in the package (bot/data/glossary.toml; config.example.toml has the
    same [search.synonyms]) and its [domain]."""
    return tomllib.loads((Path(__file__).resolve().parent / "data" / "glossary.toml").read_text(encoding="utf-8"))


_GLOSSARY = _shipped_glossary()
DEFAULT_SYNONYMS = tuple((k, tuple(v)) for k, v in _GLOSSARY["search"]["synonyms"].items())
DOMAIN_PROJECTS = tuple(_GLOSSARY["domain"]["projects"])
LANGUAGES = ("auto", "en", "zh")

Synonyms = tuple[tuple[str, tuple[str, ...]], ...]  # (term, its equivalents): ("live migration", ("热迁移", "在线迁移"))


@dataclass(frozen=True, slots=True)
class SearchConfig:
    # equivalent terms, expanded in both directions. `glossary`: the shipped one, less the keys the
    # config's own replace; its English<->English alternatives only over an archive of its domain
    # (one with sections named after `domain_projects`, see bot/terms.py)
    glossary: Synonyms = DEFAULT_SYNONYMS
    # the config's own [search.synonyms] (an entry the same as the glossary's is the glossary's): always, whole
    synonyms: Synonyms = ()
    domain_projects: tuple[str, ...] = DOMAIN_PROJECTS  # the glossary's [domain] projects


@dataclass(frozen=True, slots=True)
class HttpConfig:
    """/healthz and /metrics (Prometheus). Off unless `enabled`."""
    enabled: bool = False
    host: str = "127.0.0.1"
    port: int = 9464


@dataclass(frozen=True, slots=True)
class Config:
    db: Path | None = None  # None: a per-user data directory
    page_size: int = 10
    archive: ArchiveConfig = field(default_factory=lambda: EMBEDDED_ARCHIVE)
    watch: WatchConfig = field(default_factory=WatchConfig)
    announce: AnnounceConfig = field(default_factory=AnnounceConfig)
    slack: SlackConfig | None = None
    matrix: MatrixConfig | None = None
    webhooks: tuple[WebhookConfig, ...] = ()
    http: HttpConfig = field(default_factory=HttpConfig)
    source: Path | None = None  # the file this was read from
    search: SearchConfig = field(default_factory=SearchConfig)
    language: str = "auto"  # replies: "auto" (the asker's language), "en" or "zh"
    language_overrides: tuple[tuple[str, str], ...] = ()  # (channel or room id, language)

    def terminal_only(self) -> bool:
        """No chat platform has credentials: the terminal is where the bot talks (and DMs)."""
        return not ((self.slack and self.slack.configured()) or (self.matrix and self.matrix.configured()))


def secret(env_name: str) -> str | None:
    """Read a secret from the environment. Never log what this returns."""
    value = os.environ.get(env_name)
    return value or None


# --- parsing -------------------------------------------------------------------------

def _reads_back(fmt: str) -> bool:
    """A date written with the format is read back by it (a bad directive, "%Q", raises)."""
    from datetime import datetime

    try:
        datetime.strptime(datetime(2026, 8, 19, 22, 5).strftime(fmt), fmt)
    except ValueError:
        return False
    return True


# What a TOML user calls each type (the file's words, not Python's)
_TOML_KIND = {"str": "a string", "int": "an integer", "float": "a number", "bool": "true or false",
              "list": "an array [...]", "dict": "a table", "datetime": "a date", "date": "a date"}


def _toml_kind(name: str) -> str:
    return _TOML_KIND.get(name, name)


def _take(table: dict, key: str, path: str, kind: type | tuple, default: Any) -> Any:
    if key not in table:
        return default
    value = table.pop(key)
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if bool in kinds or not isinstance(value, bool):
        if isinstance(value, kinds):
            return value
    wanted = [_toml_kind(k.__name__) for k in kinds if not (k is int and float in kinds)]  # a number covers both
    names = " or ".join(dict.fromkeys(wanted))
    raise ConfigError(f"{path}{key}: expected {names}, got {_toml_kind(type(value).__name__)} {value!r}")


_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SLACK_ID = re.compile(r"[CGD][A-Z0-9]+")  # a public (C) or private (G) channel's, a DM's (D)


def _env_name(table: dict, key: str, path: str, default: str | None) -> str | None:
    """A `*_env` key: the name of the environment variable holding a secret. A token or URL
    pasted there instead is refused without being repeated: it must never reach a log."""
    value = _take(table, key, path, str, default)
    if value is not None and value != "" and not _ENV_NAME.fullmatch(value):
        raise ConfigError(f"{path}{key}: must name an environment variable (letters, digits, _), such as"
                          f" {default or 'DIGEST_WEBHOOK_TEAM_URL'}; the secret itself goes in that variable,"
                          " never in this file")
    return value


def _str_list(table: dict, key: str, path: str, default: tuple[str, ...]) -> tuple[str, ...]:
    value = _take(table, key, path, list, None)
    if value is None:
        return default
    if not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{path}{key}: expected a list of strings")
    return tuple(value)


def _no_leftovers(table: dict, path: str) -> None:
    if table:
        key = sorted(table)[0]
        raise ConfigError(f"{path}{key}: unknown key")


def _positive(value: float, name: str, allow_zero: bool = False) -> float:
    if value < 0 or (value == 0 and not allow_zero):
        raise ConfigError(f"{name}: must be {'>= 0' if allow_zero else '> 0'}, got {value}")
    return value


def _resolve(base: Path, value: str) -> Path:
    p = Path(value).expanduser()
    return p if p.is_absolute() else (base / p).resolve()


def _archive(t: dict, base: Path, d: ArchiveConfig | None = None) -> ArchiveConfig:
    p = "archive."
    path = _take(t, "path", p, str, None)
    if d is None:  # the example archive keeps its own settings unless the file replaces them
        d = ArchiveConfig() if path else EMBEDDED_ARCHIVE
    pattern_set = "title_pattern" in t
    pattern = _take(t, "title_pattern", p, str, d.title_pattern)
    try:
        compiled = re.compile(pattern)
    except re.error as e:
        raise ConfigError(f"{p}title_pattern: not a valid regular expression ({e})") from None
    if "number" not in compiled.groupindex:
        raise ConfigError(f"{p}title_pattern: needs a named group (?P<number>...)")
    aliases_t = _take(t, "aliases", p, dict, None)
    aliases = d.aliases
    if aliases_t is not None:
        merged = dict(d.aliases)
        for name, names in aliases_t.items():
            if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                raise ConfigError(f"{p}aliases.{name}: expected a list of strings")
            merged[name] = tuple(names)
        aliases = tuple(merged.items())
    posts = _take(t, "posts", p, (str, list), None)
    if isinstance(posts, str):
        posts = [posts]
    if posts is not None and not all(isinstance(g, str) and g.strip() for g in posts):
        raise ConfigError(f"{p}posts: expected a glob or a list of globs")
    cfg = ArchiveConfig(
        path=_resolve(base, path) if path else d.path,
        title_pattern=pattern,
        base_url=_take(t, "base_url", p, str, d.base_url).rstrip("/"),
        permalink=_take(t, "permalink", p, str, d.permalink),
        aliases=aliases,
        group_headings=_str_list(t, "group_headings", p, d.group_headings),
        fuzzy_threshold=_take(t, "fuzzy_threshold", p, int, d.fuzzy_threshold),
        max_file_bytes=_take(t, "max_file_bytes", p, int, d.max_file_bytes),
        posts=tuple(posts) if posts is not None else d.posts,
        date_format=_take(t, "date_format", p, str, d.date_format),
        topic_level=_take(t, "topic_level", p, int, d.topic_level),
        number_from=_take(t, "number_from", p, str, d.number_from),
        title_pattern_set=pattern_set or d.title_pattern_set,
    )
    if cfg.number_from not in NUMBER_FROM:
        raise ConfigError(f"{p}number_from: must be one of {', '.join(map(repr, NUMBER_FROM))},"
                          f" got {cfg.number_from!r}")
    if not 0 <= cfg.topic_level <= 6:
        raise ConfigError(f"{p}topic_level: must be 0 (detect) or a heading level 1-6")
    if cfg.date_format and ("%" not in cfg.date_format or not _reads_back(cfg.date_format)):
        raise ConfigError(f"{p}date_format: a strptime format like \"%m-%d-%Y\", got {cfg.date_format!r}")
    if not 0 <= cfg.fuzzy_threshold <= 100:
        raise ConfigError(f"{p}fuzzy_threshold: must be between 0 and 100")
    _positive(cfg.max_file_bytes, f"{p}max_file_bytes")
    _no_leftovers(t, p)
    return cfg


def _watch(t: dict) -> WatchConfig:
    p = "watch."
    d = WatchConfig()
    cfg = WatchConfig(
        debounce_ms=_take(t, "debounce_ms", p, int, d.debounce_ms),
        rescan_seconds=float(_take(t, "rescan_seconds", p, (int, float), d.rescan_seconds)),
        git_pull_seconds=float(_take(t, "git_pull_seconds", p, (int, float), d.git_pull_seconds)),
    )
    _positive(cfg.debounce_ms, f"{p}debounce_ms", allow_zero=True)
    _positive(cfg.rescan_seconds, f"{p}rescan_seconds")
    _positive(cfg.git_pull_seconds, f"{p}git_pull_seconds", allow_zero=True)
    _no_leftovers(t, p)
    return cfg


def _announce(t: dict) -> AnnounceConfig:
    p = "announce."
    d = AnnounceConfig()
    cfg = AnnounceConfig(
        items_per_section=_take(t, "items_per_section", p, int, d.items_per_section),
        retry_min_seconds=float(_take(t, "retry_min_seconds", p, (int, float), d.retry_min_seconds)),
        retry_max_seconds=float(_take(t, "retry_max_seconds", p, (int, float), d.retry_max_seconds)),
        console=_take(t, "console", p, bool, d.console),
    )
    _positive(cfg.items_per_section, f"{p}items_per_section", allow_zero=True)
    _positive(cfg.retry_min_seconds, f"{p}retry_min_seconds")
    if cfg.retry_max_seconds < cfg.retry_min_seconds:
        raise ConfigError(f"{p}retry_max_seconds: must be >= retry_min_seconds")
    _no_leftovers(t, p)
    return cfg


def _backlog(t: dict, p: str) -> int:
    return int(_positive(_take(t, "backlog", p, int, 0), f"{p}backlog", allow_zero=True))


def _slack(t: dict) -> SlackConfig:
    p = "slack."
    d = SlackConfig()
    cfg = SlackConfig(
        mode=_take(t, "mode", p, str, d.mode),
        channels=_str_list(t, "channels", p, ()),
        backlog=_backlog(t, p),
        base_url=_take(t, "base_url", p, str, d.base_url),
        host=_take(t, "host", p, str, d.host),
        port=_take(t, "port", p, int, d.port),
        slash_command=_take(t, "slash_command", p, str, d.slash_command),
        bot_token_env=_env_name(t, "bot_token_env", p, d.bot_token_env),
        app_token_env=_env_name(t, "app_token_env", p, d.app_token_env),
        signing_secret_env=_env_name(t, "signing_secret_env", p, d.signing_secret_env),
        history_per_minute=int(_positive(_take(t, "history_per_minute", p, int, d.history_per_minute),
                                         f"{p}history_per_minute")),
        dm_concurrency=int(_positive(_take(t, "dm_concurrency", p, int, d.dm_concurrency), f"{p}dm_concurrency")),
    )
    if cfg.mode not in ("socket", "http"):
        raise ConfigError(f"{p}mode: must be \"socket\" or \"http\", got {cfg.mode!r}")
    if not cfg.base_url.endswith("/"):
        cfg = SlackConfig(**{**_asdict(cfg), "base_url": cfg.base_url + "/"})
    if not cfg.slash_command.startswith("/"):
        raise ConfigError(f"{p}slash_command: must start with '/'")
    for channel in cfg.channels:  # a name fails only at the first delivery (channel_not_found): say it now
        if not _SLACK_ID.fullmatch(channel):
            raise ConfigError(f"{p}channels: {channel!r} is not a channel ID; give its ID (C…: the channel's"
                              " name at the top → About → Channel ID), not its name")
    _no_leftovers(t, p)
    return cfg


def _matrix(t: dict) -> MatrixConfig:
    p = "matrix."
    d = MatrixConfig()
    cfg = MatrixConfig(
        homeserver=_take(t, "homeserver", p, str, d.homeserver).rstrip("/"),
        user_id=_take(t, "user_id", p, str, d.user_id),
        device_id=_take(t, "device_id", p, str, d.device_id),
        device_name=_take(t, "device_name", p, str, d.device_name),
        rooms=_str_list(t, "rooms", p, ()),
        backlog=_backlog(t, p),
        command_prefix=_take(t, "command_prefix", p, str, d.command_prefix),
        allow_invites_from=_str_list(t, "allow_invites_from", p, ()),
        replies_per_minute=_take(t, "replies_per_minute", p, int, d.replies_per_minute),
        access_token_env=_env_name(t, "access_token_env", p, d.access_token_env),
        password_env=_env_name(t, "password_env", p, d.password_env),
    )
    if not cfg.homeserver.startswith(("http://", "https://")):
        raise ConfigError(f"{p}homeserver: must be an http(s) URL, got {cfg.homeserver!r}")
    if not re.fullmatch(r"@[^:]+:.+", cfg.user_id):
        raise ConfigError(f"{p}user_id: must look like @name:server, got {cfg.user_id!r}")
    if not cfg.device_id:
        raise ConfigError(f"{p}device_id: must not be empty (it keeps transaction ids idempotent)")
    _positive(cfg.replies_per_minute, f"{p}replies_per_minute")
    _no_leftovers(t, p)
    return cfg


def _http(t: dict) -> HttpConfig:
    p = "http."
    d = HttpConfig()
    cfg = HttpConfig(enabled=_take(t, "enabled", p, bool, d.enabled), host=_take(t, "host", p, str, d.host),
                     port=_take(t, "port", p, int, d.port))
    if not 0 <= cfg.port <= 65535:
        raise ConfigError(f"{p}port: must be between 0 and 65535, got {cfg.port}")
    _no_leftovers(t, p)
    return cfg


def _webhooks(items: list, ) -> tuple[WebhookConfig, ...]:
    out = []
    names = set()
    for n, t in enumerate(items):
        p = f"webhook[{n}]."
        if not isinstance(t, dict):
            raise ConfigError(f"webhook[{n}]: expected a table ([[webhook]])")
        name = _take(t, "name", p, str, None)
        if "url" in t:  # the URL itself: a secret, which this file must not hold (nor a log repeat)
            raise ConfigError(f"{p}url: the URL is a secret: put it in an environment variable and name"
                              " that variable with url_env")
        url_env = _env_name(t, "url_env", p, None)
        if not name:
            raise ConfigError(f"{p}name: required")
        if not url_env:
            raise ConfigError(f"{p}url_env: required (the environment variable holding the URL)")
        if name in names:
            raise ConfigError(f"{p}name: {name!r} is used twice")
        names.add(name)
        interval = _positive(float(_take(t, "min_interval_seconds", p, (int, float), 1.0)),
                             f"{p}min_interval_seconds", allow_zero=True)
        out.append(WebhookConfig(name=name, url_env=url_env, backlog=_backlog(t, p),
                                 min_interval_seconds=interval))
        _no_leftovers(t, p)
    return tuple(out)


def _search(t: dict) -> SearchConfig:
    p = "search."
    syn = _take(t, "synonyms", p, dict, {})
    shipped = dict(DEFAULT_SYNONYMS)
    own = {}
    for key, values in syn.items():
        if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
            raise ConfigError(f"{p}synonyms.{key}: expected a list of words")
        if shipped.get(key) != tuple(values):  # (config.example.toml's copy of the glossary is the glossary)
            own[key] = tuple(values)
    _no_leftovers(t, p)
    return SearchConfig(glossary=tuple((k, v) for k, v in DEFAULT_SYNONYMS if k not in own), synonyms=tuple(own.items()))


def _language(value: str, key: str) -> str:
    if value not in LANGUAGES:
        raise ConfigError(f"{key}: must be \"auto\", \"en\" or \"zh\", got {value!r}")
    return value


def _asdict(obj: Any) -> dict:
    return {f: getattr(obj, f) for f in obj.__dataclass_fields__}


def parse(data: dict, base: Path, source: Path | None = None) -> Config:
    """Build a Config from a parsed TOML document. Relative paths resolve against `base`."""
    data = {k: (dict(v) if isinstance(v, dict) else v) for k, v in data.items()}
    d = Config()
    db = _take(data, "db", "", str, None)
    page_size = _take(data, "page_size", "", int, d.page_size)
    if not 1 <= page_size <= 50:
        raise ConfigError("page_size: must be between 1 and 50")

    def table(name: str) -> dict | None:
        value = _take(data, name, "", dict, None)
        return dict(value) if value is not None else None

    archive_t, watch_t, announce_t = table("archive"), table("watch"), table("announce")
    slack_t, matrix_t = table("slack"), table("matrix")
    webhooks_t = _take(data, "webhook", "", list, [])
    http_t = table("http")
    search_t = table("search")
    language = _language(_take(data, "language", "", str, "auto"), "language")
    overrides = table("language_overrides") or {}
    for where, lang in overrides.items():
        _language(lang if isinstance(lang, str) else repr(lang), f"language_overrides.{where}")
    _no_leftovers(data, "")
    return Config(
        db=_resolve(base, db) if db else None,
        page_size=page_size,
        archive=_archive(archive_t, base) if archive_t is not None else EMBEDDED_ARCHIVE,
        watch=_watch(watch_t) if watch_t is not None else WatchConfig(),
        announce=_announce(announce_t) if announce_t is not None else AnnounceConfig(),
        slack=_slack(slack_t) if slack_t is not None else None,
        matrix=_matrix(matrix_t) if matrix_t is not None else None,
        webhooks=_webhooks(webhooks_t),
        http=_http(http_t) if http_t is not None else HttpConfig(),
        source=source,
        search=_search(search_t) if search_t is not None else SearchConfig(),
        language=language,
        language_overrides=tuple(overrides.items()),
    )


def load(path: Path | None) -> Config:
    """Read the config file, or the embedded default when `path` is None."""
    if path is None:
        return Config()
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as e:
        raise ConfigError(f"{path}: cannot read ({e.strerror})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML ({e})") from None
    try:
        return parse(data, Path(path).resolve().parent, source=Path(path))
    except ConfigError as e:
        raise ConfigError(f"{path}: {e}") from None


def _embedded_archive() -> ArchiveConfig:
    data = tomllib.loads(EMBEDDED_CONFIG.read_text(encoding="utf-8"))
    return _archive(dict(data["archive"]), REPO_ROOT, ArchiveConfig())


EMBEDDED_ARCHIVE = _embedded_archive()
