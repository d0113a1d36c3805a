"""The StateStore on Redis, for replicas behind one load balancer, and the one place that picks a store
from the settings."""
from __future__ import annotations

import math
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from qa.settings import Settings
from qa.state_store import InMemoryStateStore, StateStore

if TYPE_CHECKING:
    import redis

# Store calls run on the service's event loop: a Redis that stops answering must fail them soon
# rather than stall every request behind them.
SOCKET_TIMEOUT_SECONDS = 2.0
DEFAULT_PORT = 6379


class StateStoreUnavailable(RuntimeError):
    """QA_REDIS_URL is not a Redis URL, or no Redis answers at it."""


class RedisStateStore:
    """Each key under `prefix`, so that several deployments or libraries can share one Redis."""

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self.client = client
        self.prefix = prefix

    @classmethod
    def connect(cls, url: str, prefix: str) -> RedisStateStore:
        """A store on the Redis at `url`, once it has answered a PING."""
        import redis  # here: the redis client costs every start a tenth of a second, and only replicas use it

        address = redis_address(url)
        try:
            client = redis.Redis.from_url(url, socket_timeout=SOCKET_TIMEOUT_SECONDS, socket_connect_timeout=SOCKET_TIMEOUT_SECONDS)
        except ValueError as error:
            reason = _without_password(str(error), url)
            raise StateStoreUnavailable(f"QA_REDIS_URL ({address}) is not a Redis URL: {reason}") from None
        try:
            client.ping()
        except redis.RedisError as error:
            client.close()
            raise StateStoreUnavailable(f"cannot reach Redis at {address}: {_without_password(str(error), url)}") from None
        return cls(client, prefix)

    def get(self, key: str) -> bytes | None:
        return self.client.get(self.prefix + key)  # type: ignore[return-value]

    def put(self, key: str, value: bytes, ttl_seconds: float) -> None:
        self.client.set(self.prefix + key, value, px=_milliseconds(ttl_seconds))

    def put_if_absent(self, key: str, value: bytes, ttl_seconds: float) -> bool:
        return bool(self.client.set(self.prefix + key, value, px=_milliseconds(ttl_seconds), nx=True))

    def delete(self, key: str) -> None:
        self.client.delete(self.prefix + key)

    def close(self) -> None:
        self.client.close()


def open_state_store(settings: Settings) -> StateStore:
    """In the process when QA_REDIS_URL is empty, else on that Redis (StateStoreUnavailable if it does not answer)."""
    if not settings.redis_url:
        return InMemoryStateStore()
    return RedisStateStore.connect(settings.redis_url, settings.redis_prefix)


def redis_address(url: str) -> str:
    """The URL without its user name and password, fit for logs and error messages."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        return f"unix://{parts.path}"
    port: int | str
    try:
        port = parts.port or DEFAULT_PORT
    except ValueError:  # not a number: the URL is refused by name all the same
        port = "?"
    return f"{parts.scheme}://{parts.hostname or ''}:{port}{parts.path}"


def _without_password(text: str, url: str) -> str:
    password = urlsplit(url).password
    return text.replace(password, "***") if password else text


def _milliseconds(ttl_seconds: float) -> int:
    # Redis refuses a zero or negative expiry; the shortest it takes is one millisecond.
    return max(1, math.ceil(ttl_seconds * 1000))
