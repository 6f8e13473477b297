"""Django's Redis cache, made optional: while Redis is unreachable the site runs as if the cache were empty.

Every reader page, rate limit and the pages' generation number go through the
cache. Django's RedisCache raises redis's ConnectionError when Redis is down,
which would turn every page into a 500 (and an out-of-memory error when Redis is
full with nothing it may evict). Here a connection error, a time-out or a full
Redis counts as a miss (get returns the default, set/add/delete do nothing, incr acts
as for a missing key), and for BACKOFF_SECONDS afterwards this process does not
even try, so a dead Redis costs one failed attempt per process per interval
instead of one per call. When Redis answers again, the next attempt after the
back-off uses it: nothing has to be restarted.

What that means while Redis is down: pages are rendered from the database on
every request (slower, still correct), and the per-address rate limits of the
comment and sign-up forms count nothing (they fail open; the forms' other
guards still apply).
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)

BACKOFF_SECONDS = 2.0

# Per server, shared by the cache objects of every thread of this process: until when not to try.
_down_until: dict[str, float] = {}


class Unavailable(Exception):
    """Raised inside this module only: Redis is in its back-off period."""


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's Redis client, keeping one redis.Redis per connection pool instead of one per call.

    Django makes a new redis.Redis for every cache operation; its constructor fills
    a table of response callbacks, which cost more CPU than the round trip to Redis
    (about 0.15 ms a call here, several calls a page). A redis.Redis only borrows
    connections from its pool, so one per pool can serve every call.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        # A Redis that hangs (rather than refusing) must not hold a request for long.
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 1.0)
        params["OPTIONS"] = options
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        self._server_key = ",".join(self._servers)
        self._errors = None

    def _redis_errors(self) -> tuple[type[BaseException], ...]:
        if self._errors is None:
            import redis

            # Full (at maxmemory with nothing it may evict) is treated like away: it refuses writes.
            self._errors = (
                redis.exceptions.ConnectionError,
                redis.exceptions.TimeoutError,
                redis.exceptions.OutOfMemoryError,
            )
        return self._errors

    def _call(self, method, *args, **kwargs):
        down_until = _down_until.get(self._server_key, 0.0)
        if time.monotonic() < down_until:
            raise Unavailable
        try:
            result = method(*args, **kwargs)
        except self._redis_errors() as error:
            if not down_until:
                logger.warning("Redis is unreachable or full (%s); serving without the cache.", error)
            _down_until[self._server_key] = time.monotonic() + BACKOFF_SECONDS
            raise Unavailable from error
        if down_until:
            logger.warning("Redis answers again; the cache is back.")
            _down_until.pop(self._server_key, None)
        return result

    @property
    def available(self) -> bool:
        return time.monotonic() >= _down_until.get(self._server_key, 0.0)

    # Reads: a miss.

    def get(self, key, default=None, version=None):
        try:
            return self._call(super().get, key, default, version)
        except Unavailable:
            return default

    def get_many(self, keys, version=None):
        try:
            return self._call(super().get_many, keys, version)
        except Unavailable:
            return {}

    def has_key(self, key, version=None):
        try:
            return self._call(super().has_key, key, version)
        except Unavailable:
            return False

    # Writes: nothing kept.

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            self._call(super().set, key, value, timeout, version)
        except Unavailable:
            pass

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return self._call(super().add, key, value, timeout, version)
        except Unavailable:
            return False

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return self._call(super().touch, key, timeout, version)
        except Unavailable:
            return False

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return self._call(super().set_many, data, timeout, version)
        except Unavailable:
            return list(data)  # Django's contract: the keys that were not stored

    def delete(self, key, version=None):
        try:
            return self._call(super().delete, key, version)
        except Unavailable:
            return False

    def delete_many(self, keys, version=None):
        try:
            self._call(super().delete_many, keys, version)
        except Unavailable:
            pass

    def clear(self):
        try:
            return self._call(super().clear)
        except Unavailable:
            return False

    def incr(self, key, delta=1, version=None):
        try:
            return self._call(super().incr, key, delta, version)
        except Unavailable:
            raise ValueError(f"Key '{key}' not found (the cache is unavailable).") from None
