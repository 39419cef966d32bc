"""The Redis cache keeps one client per connection pool, and still degrades when down."""

from __future__ import annotations

import pytest
import redis

from cop.core.cache import ResilientRedisCache
from tests.integration_support import service_missing

REDIS_TEST_URL = "redis://127.0.0.1:6379/14"


@pytest.fixture
def live_cache() -> ResilientRedisCache:
    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        service_missing("Redis is not reachable at 127.0.0.1:6379")
    return ResilientRedisCache(REDIS_TEST_URL, {"KEY_PREFIX": "cop-client-test"})


def test_one_client_serves_every_call(live_cache: ResilientRedisCache) -> None:
    client = live_cache._cache.get_client("a")

    live_cache.set("a", "first", 30)
    live_cache.set_many({"b": "second"}, 30)

    assert live_cache._cache.get_client("b", write=True) is client
    assert live_cache.get_many(["a", "b"]) == {"a": "first", "b": "second"}
    live_cache.delete_many(["a", "b"])
    assert live_cache.get("a") is None


def test_an_unreachable_redis_still_answers_from_the_fallback() -> None:
    cache = ResilientRedisCache(
        # Nothing listens on port 9 (discard) of the loopback address.
        "redis://127.0.0.1:9/0",
        {"OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}},
    )

    cache.set("kept", "locally", 30)

    assert cache.get("kept") == "locally"
    assert cache._cache.get_client() is cache._cache.get_client(write=True)
