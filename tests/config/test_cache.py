"""The Redis cache keeps one client per connection pool (config.cache) and works as Django's own."""

import socket
from concurrent.futures import ThreadPoolExecutor

import pytest

from config.cache import RedisCache

REDIS = ("127.0.0.1", 6379)


def _redis_up() -> bool:
    try:
        socket.create_connection(REDIS, timeout=0.5).close()
    except OSError:
        return False
    return True


pytestmark = pytest.mark.skipif(not _redis_up(), reason="nécessite Redis (127.0.0.1:6379)")


@pytest.fixture
def redis_cache():
    cache = RedisCache("redis://127.0.0.1:6379/15", {"KEY_PREFIX": "test-config-cache"})
    yield cache
    cache.clear()


def test_one_client_serves_every_operation(redis_cache):
    redis_cache.set("a", {"menu": ["x"]}, 30)
    first = redis_cache._cache.get_client("a")
    assert redis_cache.get("a") == {"menu": ["x"]}
    assert redis_cache._cache.get_client("b", write=True) is first
    redis_cache.delete("a")
    assert redis_cache.get("a", "absent") == "absent"


def test_threads_share_the_client_safely(redis_cache):
    def work(i: int) -> int:
        redis_cache.set(f"k{i}", i, 30)
        return redis_cache.get(f"k{i}")

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(work, range(200))) == list(range(200))
