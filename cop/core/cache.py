"""A Redis cache that degrades instead of raising when Redis is unreachable.

Django's ``RedisCache`` raises ``redis.ConnectionError`` on every call while Redis is
down, which would turn every page that touches the cache (page caching, allauth's rate
limits) into a 500. This backend answers from a per-process memory cache during an
outage and goes back to Redis as soon as it answers again; it re-probes Redis at most
every ``RETRY_AFTER`` seconds so that an outage does not cost a connect timeout per call.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
T = TypeVar("T")
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class _SharedClient(RedisCacheClient):
    """Django's Redis client with one ``redis.Redis`` per connection pool.

    Django builds a new ``redis.Redis`` around the pool on every call, which costs
    more CPU than the command itself (a few hundred response callbacks registered
    each time). A ``redis.Redis`` over a pool is safe to share between threads.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        # django-stubs leave out these private members of Django's client.
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            new = self._client(connection_pool=pool)  # type: ignore[attr-defined]
            client = self._clients.setdefault(id(pool), new)
        return client


class ResilientRedisCache(RedisCache):
    """``RedisCache`` with a local fallback during a Redis outage."""

    RETRY_AFTER = 5.0

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _SharedClient
        self._fallback = LocMemCache(
            f"cop-fallback-{id(self)}", {"OPTIONS": {"MAX_ENTRIES": 10_000}}
        )
        self._down_until = 0.0

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if time.monotonic() >= self._down_until:
            try:
                return getattr(super(), name)(*args, **kwargs)
            except UNAVAILABLE as exc:
                self._down_until = time.monotonic() + self.RETRY_AFTER
                logger.warning(
                    "Redis cache unavailable (%s); using the local fallback",
                    type(exc).__name__,
                )
        return getattr(self._fallback, name)(*args, **kwargs)


def _delegate(name: str) -> Callable[..., Any]:
    def method(self: ResilientRedisCache, *args: Any, **kwargs: Any) -> Any:
        return self._call(name, *args, **kwargs)

    method.__name__ = name
    return method


for _name in (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "has_key",
    "incr",
    "set_many",
    "delete_many",
    "clear",
):
    setattr(ResilientRedisCache, _name, _delegate(_name))
