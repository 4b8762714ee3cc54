"""Django's Redis cache backend, keeping its redis client.

Django's own builds a new ``redis.Redis`` for every cache operation, and redis-py fills a table of some
two hundred response callbacks in each; a page of the portal reads the cache two or three times. A
``redis.Redis`` is safe to share between threads (it takes a connection from its pool for each command),
so one per connection pool is kept."""

from __future__ import annotations

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
