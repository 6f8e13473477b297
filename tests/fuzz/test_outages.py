"""The two outages the drills rehearse (bench/drills/), at the size of a unit test.

- The database cannot be reached: readers get the 503 "try again" page with
  Retry-After, made without the database, never a 500 traceback page.
- Redis dies: the cache acts as an empty one (reader pages are rendered from the
  database) and is used again as soon as Redis answers. Needs the redis package and
  redis-server; skipped without them.
"""

import shutil
import socket
import subprocess
import time

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test import Client

from articles import caching
from tests.factories import ArticleFactory


@pytest.mark.django_db(transaction=True)
def test_a_database_that_cannot_be_reached_is_a_503_with_retry_after(tmp_path):
    story = ArticleFactory(live=True, headline="Ferry timetable changes")
    client = Client(raise_request_exception=False)
    assert client.get(story.get_absolute_url()).status_code == 200
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "postgresql":
        with socket.socket() as sock:  # a port nothing listens on
            sock.bind(("127.0.0.1", 0))
            connection.settings_dict["PORT"] = sock.getsockname()[1]
    else:
        connection.settings_dict["NAME"] = str(tmp_path / "no-such-folder" / "db.sqlite3")
    cache.clear()  # the page is cached now, and a query string no view reads shares its entry
    caching.forget_local()
    try:
        response = client.get(story.get_absolute_url())
    finally:
        connection.close()
        connection.settings_dict.update(saved)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "no-store" in response["Cache-Control"]
    assert "Back in a moment" in response.content.decode()
    assert client.get(story.get_absolute_url()).status_code == 200  # and back, by itself


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_port():
    pytest.importorskip("redis")
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    port = free_port()
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]

    def start():
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return process
            except OSError:
                time.sleep(0.05)
        process.kill()
        pytest.fail("redis-server did not start")

    servers = [start()]
    yield port, servers, start
    for process in servers:
        process.kill()
        process.wait(5)


@pytest.mark.django_db
def test_a_dead_redis_is_an_empty_cache_and_a_returning_one_is_used_again(redis_port, settings):
    from newsroom import cache as resilient

    port, servers, start = redis_port
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
        }
    }
    cache = caches["default"]
    story = ArticleFactory(live=True, headline="Ferry timetable changes")
    client = Client(raise_request_exception=False)
    cache.set("greeting", "hello")
    assert cache.get("greeting") == "hello"
    assert client.get(story.get_absolute_url()).status_code == 200

    servers[0].kill()
    servers[0].wait(5)
    assert cache.get("greeting", "missing") == "missing"
    cache.set("greeting", "ignored")  # nothing raised
    assert cache.add("other", 1) is False
    with pytest.raises(ValueError):
        cache.incr("counter")
    assert cache.get_many(["greeting"]) == {}
    response = client.get(f"{story.get_absolute_url()}?while=down")
    assert response.status_code == 200 and "Ferry timetable changes" in response.content.decode()

    servers.append(start())  # a new, empty Redis on the same port
    time.sleep(resilient.BACKOFF_SECONDS + 0.1)
    cache.set("greeting", "back")
    assert cache.get("greeting") == "back"


@pytest.mark.django_db
def test_a_full_redis_is_a_cache_that_keeps_nothing_not_a_500(redis_port, settings):
    """Redis at its maxmemory with nothing it may evict refuses writes (OOM): pages are still served."""
    import redis

    port, servers, start = redis_port
    direct = redis.Redis(port=port)
    direct.config_set("maxmemory-policy", "noeviction")
    direct.config_set("maxmemory", "2mb")
    try:
        for n in range(10_000):
            direct.set(f"filler:{n}", "x" * 1024)
    except redis.exceptions.OutOfMemoryError:
        pass
    else:
        pytest.fail("Redis never filled up")
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
        }
    }
    cache = caches["default"]
    story = ArticleFactory(live=True, headline="Ferry timetable changes")
    cache.set("greeting", "hello")  # refused by Redis; nothing raised here
    response = Client(raise_request_exception=False).get(story.get_absolute_url())
    assert response.status_code == 200 and "Ferry timetable changes" in response.content.decode()


def test_one_redis_client_serves_every_call_and_survives_a_restart(redis_port):
    """Django makes a redis.Redis per call; ours keeps one per connection pool, which reconnects."""
    from newsroom.cache import ResilientRedisCache

    port, servers, start = redis_port
    cache = ResilientRedisCache(f"redis://127.0.0.1:{port}/0", {})
    cache.set("greeting", "hello")
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client(write=False) is client
    assert cache.get("greeting") == "hello"
    assert cache.get_many(["greeting", "nothing"]) == {"greeting": "hello"}

    servers[0].kill()
    servers[0].wait(5)
    servers.append(start())  # the pool's connections are dead; the next call makes a new one
    assert cache.get("greeting", "gone") == "gone"  # a new, empty Redis
    cache.set("greeting", "again")
    assert cache.get("greeting") == "again"
    assert cache._cache.get_client() is client
