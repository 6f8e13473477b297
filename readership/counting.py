"""The first half of counting: one beacon, two increments in Redis (the fold does the rest).

Redis keeps two hashes until the next fold (readership/folding.py) takes them:

- VIEWS:     field "<story id>:<YYYYmmddHH>"           one per story and hour (UTC)
- REFERRERS: field "<story id>:<YYYYmmdd>:<domain>"   one per story, day and referring site

Nothing about the reader is written: no address, no user agent, no cookie. Whether the
story is public is the fold's question, asked once a minute for every story at once
(a beacon costs no database query). When Redis cannot be reached the view is not
counted and the beacon is answered all the same: that is the one way counts are lost.
"""

import logging
import time
from datetime import UTC, datetime

import redis
from django.conf import settings
from redis.backoff import NoBackoff
from redis.retry import Retry

logger = logging.getLogger(__name__)

_client: redis.Redis | None = None
_last_warning = float("-inf")
WARN_EVERY = 60  # seconds: a Redis that is away costs one log line a minute, not one per beacon


def key(name: str) -> str:
    return f"{settings.NEWSROOM_READERSHIP_KEY_PREFIX}readership:{name}"


VIEWS = "views"
REFERRERS = "referrers"


def client() -> redis.Redis:
    """One connection pool per process, with short timeouts and no retry: a hung Redis costs a beacon
    250 ms at most (redis-py would otherwise try again, up to ten times)."""
    global _client
    if _client is None:
        _client = redis.Redis.from_url(
            settings.NEWSROOM_READERSHIP_REDIS_URL,
            socket_timeout=0.25,
            socket_connect_timeout=0.25,
            health_check_interval=30,
            retry=Retry(NoBackoff(), 0),
        )
    return _client


def client_reset() -> None:
    """Forget the connection pool, so the next client() reads NEWSROOM_READERSHIP_REDIS_URL again."""
    global _client
    if _client is not None:
        _client.close()
    _client = None


def view_record(*, story_id: int, domain: str, at: datetime) -> bool:
    """Count one view of `story_id` at `at` (UTC), from `domain` ("" for none); False if Redis is away."""
    global _last_warning
    at = at.astimezone(UTC)
    pipe = client().pipeline(transaction=False)
    pipe.hincrby(key(VIEWS), f"{story_id}:{at:%Y%m%d%H}", 1)
    if domain:
        pipe.hincrby(key(REFERRERS), f"{story_id}:{at:%Y%m%d}:{domain}", 1)
    try:
        pipe.execute()
    # redis-py can also raise OSError or ValueError ("I/O operation on closed file") from a
    # connection torn down while it was being used (seen under a saturated CPU): the same outage.
    except (redis.RedisError, OSError, ValueError) as error:
        if time.monotonic() - _last_warning >= WARN_EVERY:
            _last_warning = time.monotonic()
            logger.warning("Readership: views are not being counted, Redis is away (%s).", error)
        return False
    return True
