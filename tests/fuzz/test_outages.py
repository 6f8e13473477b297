"""The two outages the drills rehearse (bench/drills/), at the size of a unit test.

- The database cannot be reached: readers get the 503 "try again" page with
  Retry-After, made without the database, never a 500 traceback page.
- Redis dies, hangs or is full: the cache acts as an empty one (reader pages are made
  from the database, never a 500) and is used again as soon as Redis answers. Each case
  runs against a redis-server of its own; skipped without redis-server.
"""

import shutil
import signal
import socket
import subprocess
import time

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from newsroom.forms_on_cached_pages import seconds_to_wait
from newsroom.settings.base import redis_cache
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
    cache.clear()  # the page is cached now
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
    """A free port among 6390-6399, the ones set aside here for throwaway Redis servers."""
    for port in range(6390, 6400):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.skip("no free port in 6390-6399 for a throwaway redis-server")


@pytest.fixture
def redis(settings):
    """A redis-server of this test's own, as the site's cache (settings' redis_cache); start/process."""
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    port = free_port()
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    servers = []

    def start():
        servers.append(subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return servers[-1]
            except OSError:
                time.sleep(0.05)
        pytest.fail("redis-server did not start")

    start()
    settings.CACHES = {"default": redis_cache(f"redis://127.0.0.1:{port}/0")}
    yield port, start, servers
    for process in servers:
        if process.poll() is None:
            process.send_signal(signal.SIGCONT)
            process.kill()
            process.wait(5)


def read_story(story) -> tuple[int, str, int]:
    """An anonymous reader's status, page and the SQL queries it cost."""
    with CaptureQueriesContext(connection) as queries:
        response = Client(raise_request_exception=False).get(story.get_absolute_url())
    return response.status_code, response.content.decode(), len(queries)


@pytest.mark.django_db
def test_a_dead_redis_is_an_empty_cache_and_a_returning_one_is_used_again(redis):
    port, start, servers = redis
    cache = caches["default"]
    story = ArticleFactory(live=True, headline="Ferry timetable changes")
    read_story(story)
    assert read_story(story)[2] == 0  # from Redis

    servers[0].kill()
    servers[0].wait(5)
    assert cache.get("greeting", "missing") == "missing"
    assert cache.get_many(["greeting"]) == {}
    cache.set("greeting", "dropped")  # nothing raised
    assert cache.incr("counter") is None
    status, html, queries = read_story(story)
    assert status == 200 and "Ferry timetable changes" in html and queries > 0

    start()  # a new, empty Redis on the same port: used at once, nothing restarted
    read_story(story)
    status, html, queries = read_story(story)
    assert status == 200 and "Ferry timetable changes" in html and queries == 0


@pytest.mark.django_db
def test_a_hung_redis_costs_its_time_outs_not_a_500(redis):
    port, start, servers = redis
    story = ArticleFactory(live=True, headline="Ferry timetable changes")
    read_story(story)
    servers[0].send_signal(signal.SIGSTOP)  # it holds its connections and answers nothing
    try:
        began = time.monotonic()
        status, html, queries = read_story(story)
        took = time.monotonic() - began
        assert caches["default"].get("greeting", "missing") == "missing"
    finally:
        servers[0].send_signal(signal.SIGCONT)
    assert status == 200 and "Ferry timetable changes" in html and queries > 0
    # Each cache call waits out its 0.25 s time-out (settings' redis_cache); a page makes a few dozen.
    assert took < 12, f"a story page took {took:.1f} s while Redis hung"
    assert read_story(story)[0] == 200


@pytest.mark.django_db
def test_a_full_redis_is_a_cache_that_keeps_nothing_not_a_500(redis):
    """Redis at its maxmemory with nothing it may evict refuses writes (OOM, a ResponseError)."""
    import redis as redis_client

    port, start, servers = redis
    direct = redis_client.Redis(port=port)
    direct.config_set("maxmemory-policy", "noeviction")
    direct.config_set("maxmemory", "2mb")
    try:
        for n in range(10_000):
            direct.set(f"filler:{n}", "x" * 1024)
    except redis_client.exceptions.OutOfMemoryError:
        pass
    else:
        pytest.fail("Redis never filled up")
    cache = caches["default"]
    cache.set("greeting", "hello")  # refused by Redis; nothing raised here
    assert cache.get("greeting") is None
    assert cache.add("other", 1) is None
    story = ArticleFactory(live=True, headline="Ferry timetable changes")
    for _ in range(2):
        status, html, queries = read_story(story)
        assert status == 200 and "Ferry timetable changes" in html and queries > 0


@pytest.mark.django_db
def test_forms_on_cached_pages_work_while_redis_is_dead(redis):
    """The rate limits count in the cache: with Redis gone they count nothing, and the form still posts."""
    from tests.comments.conftest import form_data

    port, start, servers = redis
    story = ArticleFactory(live=True, headline="Ferry timetable changes")
    servers[0].kill()
    servers[0].wait(5)
    assert [seconds_to_wait("outage-test", "198.51.100.7", 1, 60) for _ in range(3)] == [0, 0, 0]
    response = Client(raise_request_exception=False).post("/comments/post/", form_data(story, age=60))
    assert response.status_code in (200, 302), response.status_code
