"""``ResilientRedisCache`` builds one Redis client per connection pool, not one per call."""

from __future__ import annotations

import threading

import redis

from cop.core.cache import ResilientRedisCache
from tests.integration_support import service_missing


def _cache() -> ResilientRedisCache:
    # Nothing listens on port 9 (discard): building clients opens no connection.
    return ResilientRedisCache("redis://127.0.0.1:9/4", {})


def test_the_client_is_built_once_per_pool():
    cache = _cache()
    first = cache._cache.get_client("a")
    assert cache._cache.get_client("b") is first
    assert cache._cache.get_client("a", write=True) is first  # one server: one pool
    assert first.connection_pool is cache._cache._get_connection_pool(False)


def test_threads_share_the_client():
    cache = _cache()
    seen = []
    threads = [
        threading.Thread(target=lambda: seen.append(cache._cache.get_client()))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(client) for client in seen}) == 1


def test_a_down_server_still_answers_from_the_fallback():
    cache = ResilientRedisCache(
        "redis://127.0.0.1:9/4",
        {"OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}},
    )
    cache.set("k", "v")
    assert cache.get("k") == "v"


def test_the_shared_client_reads_and_writes_a_live_redis():
    url = "redis://127.0.0.1:6379/14"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        service_missing("Redis is not reachable at 127.0.0.1:6379")
    cache = ResilientRedisCache(url, {"KEY_PREFIX": "cop-client-test"})
    cache.set("a", "first", 30)
    cache.set_many({"b": "second"}, 30)
    assert cache.get_many(["a", "b"]) == {"a": "first", "b": "second"}
    cache.delete_many(["a", "b"])
    assert cache.get("a") is None
