"""Building and logging in the nio client, and what its errors mean to us."""
from __future__ import annotations

import asyncio
import hashlib
import logging
from contextlib import contextmanager
from pathlib import Path

from aiohttp import ClientError
from nio import AsyncClient, AsyncClientConfig, ErrorResponse, LocalProtocolError, LoginError, WhoamiError
from nio.crypto import ENCRYPTION_ENABLED
from nio.exceptions import SendRetryError

from bot.config import ConfigError, MatrixConfig, secret
from bot.delivery import DeliveryError

log = logging.getLogger("digest_bot.matrix")

# Error codes after which retrying the same request cannot succeed.
PERMANENT_CODES = {
    "M_FORBIDDEN", "M_NOT_FOUND", "M_UNKNOWN_TOKEN", "M_MISSING_TOKEN", "M_USER_DEACTIVATED",
    "M_BAD_JSON", "M_NOT_JSON", "M_TOO_LARGE", "M_INVALID_PARAM", "M_UNSUPPORTED_ROOM_VERSION",
}
TOKEN_CODES = {"M_UNKNOWN_TOKEN", "M_MISSING_TOKEN", "M_USER_DEACTIVATED"}
# What nio lets through when the homeserver cannot be reached.
NETWORK_ERRORS = (ClientError, asyncio.TimeoutError, TimeoutError, OSError)


class MatrixAuthError(ConfigError):
    """The homeserver does not accept our credentials (expired / revoked token, bad password).
    A ConfigError, so that `digest-bot run` stops at start with this one message."""


def make_client(
    cfg: MatrixConfig,
    store_dir: Path,
    *,
    max_limit_exceeded: int = 3,
    max_timeouts: int = 3,
    request_timeout: float = 30.0,
) -> AsyncClient:
    """A nio client with our device id, bounded retries (nio's defaults retry forever) and,
    when vodozemac is installed, end-to-end encryption with a crypto store in `store_dir`."""
    store_dir = Path(store_dir)
    store_dir.mkdir(parents=True, exist_ok=True)
    config = AsyncClientConfig(
        max_limit_exceeded=max_limit_exceeded,  # 429s honoured (retry_after_ms), then given up
        max_timeouts=max_timeouts,  # connection errors retried, then raised to our loop
        backoff_factor=0.25,
        max_timeout_retry_wait_time=10,
        request_timeout=request_timeout,
        encryption_enabled=ENCRYPTION_ENABLED,
        store_sync_tokens=False,  # next_batch lives in our SQLite store
    )
    return AsyncClient(
        cfg.homeserver, cfg.user_id, device_id=cfg.device_id, store_path=str(store_dir),
        config=config,
    )


async def login(client: AsyncClient, cfg: MatrixConfig) -> None:
    """Log in with the access token, else the password (env vars named in the config).
    Raises MatrixAuthError with one clear message when the homeserver refuses."""
    token = secret(cfg.access_token_env)
    password = secret(cfg.password_env)
    if token:
        client.user_id = cfg.user_id
        client.access_token = token  # for whoami only: restore_login() below makes it final
        try:
            who = await client.whoami()
        finally:
            client.access_token = ""
        if isinstance(who, WhoamiError):
            if who.soft_logout and password:  # the token expired: the password still works
                log.info("Matrix: the access token in $%s expired; logging in with the password",
                         cfg.access_token_env)
                await password_login(client, cfg)
                return
            if who.status_code in TOKEN_CODES:
                raise MatrixAuthError(
                    f"Matrix: the access token in ${cfg.access_token_env} was refused "
                    f"({who.status_code}): it expired or was revoked. Issue a new one for device "
                    f"{cfg.device_id} (behind Matrix Authentication Service: `mas-cli manage "
                    f"issue-compatibility-token {cfg.user_id[1:].split(':')[0]} {cfg.device_id}`), put it in "
                    f"${cfg.access_token_env} and restart.")
            raise MatrixAuthError(f"Matrix: cannot check the access token: {who}")
        if who.user_id != cfg.user_id:
            raise MatrixAuthError(
                f"Matrix: the access token belongs to {who.user_id}, not {cfg.user_id}")
        device = who.device_id or cfg.device_id
        if device != cfg.device_id:
            log.warning("Matrix: the access token belongs to device %s, not the configured "
                        "device_id %s; transaction ids are scoped to %s", device, cfg.device_id,
                        device)
        client.restore_login(cfg.user_id, device, token)
        return
    if password:
        await password_login(client, cfg)
        return
    raise MatrixAuthError(
        f"Matrix: no credentials: set ${cfg.access_token_env} or ${cfg.password_env}")


async def password_login(client: AsyncClient, cfg: MatrixConfig) -> None:
    """Log in with the password, on the configured device (also after a soft logout, when the
    access token has expired)."""
    resp = await client.login(password=secret(cfg.password_env), device_name=cfg.device_name)
    if isinstance(resp, LoginError):
        raise MatrixAuthError(f"Matrix: password login as {cfg.user_id} refused: "
                              f"{resp.status_code} {resp.message}")


async def exchange_keys(client: AsyncClient) -> None:
    """What nio's sync_forever does between syncs for end-to-end encryption: upload, query and
    claim keys, and send the queued to-device messages."""
    if client.should_upload_keys:
        await client.keys_upload()
    if client.should_query_keys:
        await client.keys_query()
    if client.should_claim_keys:
        await client.keys_claim(client.get_users_for_key_claiming())
    await client.send_to_device_messages()


def state_key(cfg: MatrixConfig, name: str) -> str:
    """Where the KeyValue port keeps this account's `name` (next_batch, invites, DMs): per
    account, so that two bots can share a database."""
    return f"matrix:{cfg.user_id}:{name}"


def txn_id(*parts: str) -> str:
    """A transaction id derived from stable parts: the homeserver dedupes a repeat of it
    (per user and device), so a retry after a crash posts nothing new."""
    return "digestbot-" + hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:40]


def delivery_error(resp: ErrorResponse, what: str) -> DeliveryError:
    code = resp.status_code or "error"
    message = f"{what}: {code} {resp.message}".strip()
    status = getattr(resp.transport_response, "status", None)
    if code == "M_LIMIT_EXCEEDED" or status == 429:
        return DeliveryError(message, retry_after=(resp.retry_after_ms or 5000) / 1000, rate_limited=True)
    return DeliveryError(message, permanent=code in PERMANENT_CODES)


@contextmanager
def homeserver_errors(what: str):
    """The one place where nio's and the network's exceptions become DeliveryErrors (error
    *responses* go through delivery_error): unreachable is retried with backoff; nio refusing
    locally (logged out meanwhile, retries spent) is retried shortly."""
    try:
        yield
    except NETWORK_ERRORS as e:
        raise DeliveryError(f"{what}: homeserver unreachable ({type(e).__name__})") from None
    except (LocalProtocolError, SendRetryError) as e:
        raise DeliveryError(f"{what}: {e}", retry_after=5) from None
