"""The fold: Redis's counts reach the database exactly once, in their hours and days, public stories only."""

import logging
import os
import signal
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db.models import Sum

from articles.services import article_unpublish
from readership import counting, folding
from readership.management.commands.readership_fold import Command
from readership.models import Fold, StoryHour, StoryReferrer
from tests.factories import ArticleFactory

from .conftest import BROWSER, beacon, closed_port

ELEVEN = datetime(2030, 3, 2, 11, tzinfo=UTC)
BOTS = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "curl/8.5.0",
    BROWSER.replace("Chrome/", "HeadlessChrome/"),
    "",
]


def fold() -> None:
    call_command("readership_fold", "--once", verbosity=0)


def hours(article) -> dict[datetime, int]:
    return {row.hour: row.views for row in StoryHour.objects.filter(article=article)}


def referrers(article) -> dict[tuple[date, str], int]:
    return {(row.day, row.domain): row.views for row in StoryReferrer.objects.filter(article=article)}


def test_n_beacons_across_an_hour_are_exactly_n_views_in_their_hours(client, counts, db):
    with time_machine.travel(ELEVEN - timedelta(hours=3), tick=False) as clock:
        story = ArticleFactory(live=True)
        draft = ArticleFactory()
        scheduled = ArticleFactory(scheduled=True)  # public tomorrow: not yet
        clock.move_to(ELEVEN - timedelta(seconds=9))
        for n in range(37):  # 20 at 10:59:51–10:59:59.55, 17 at 11:00:00–11:00:07.2
            clock.move_to(ELEVEN - timedelta(seconds=9) + timedelta(seconds=0.45 * n))
            assert beacon(client, story.pk).status_code == 204
        for other in (draft.pk, scheduled.pk, 2_000_000_000):  # unknown
            assert beacon(client, other).status_code == 204
        for agent in BOTS:
            assert beacon(client, story.pk, HTTP_USER_AGENT=agent).status_code == 204
        clock.move_to(ELEVEN + timedelta(seconds=30))
        fold()
    assert hours(story) == {ELEVEN - timedelta(hours=1): 20, ELEVEN: 17}
    assert StoryHour.objects.count() == 2  # nothing for the draft, the scheduled story or the unknown id
    assert list(Fold.objects.values_list("views", "dropped")) == [(37, 3)]  # the bots never reached Redis


def test_counts_wait_in_redis_while_no_fold_runs(client, counts, story):
    with time_machine.travel(ELEVEN, tick=False) as clock:
        beacon(client, story.pk)
        clock.move_to(ELEVEN + timedelta(minutes=40))  # the scheduler was away for 40 minutes
        beacon(client, story.pk)
        fold()
    assert hours(story) == {ELEVEN: 2}


def test_referring_sites_per_story_per_day(client, counts, story):
    midnight = datetime(2030, 3, 3, tzinfo=UTC)
    with time_machine.travel(midnight - timedelta(seconds=5), tick=False) as clock:
        for ref in ("www.Example.org", "example.org", "EXAMPLE.ORG.", "testserver", "www.testserver"):
            beacon(client, story.pk, ref=ref)
        for ref in ("example.org/news?id=7", "https://example.org/a", "exa mple.org", ""):
            beacon(client, story.pk, ref=ref)  # malformed or none: no referrer, but a view
        clock.move_to(midnight + timedelta(seconds=5))
        beacon(client, story.pk, ref="www.example.org")
        beacon(client, story.pk, ref="news.example.net")
        fold()
    assert referrers(story) == {
        (date(2030, 3, 2), "example.org"): 3,
        (date(2030, 3, 3), "example.org"): 1,
        (date(2030, 3, 3), "news.example.net"): 1,
    }
    assert sum(hours(story).values()) == 11
    stored = " ".join(StoryReferrer.objects.values_list("domain", flat=True))
    assert "/" not in stored and "?" not in stored and "news?id" not in stored


def test_two_folds_in_a_row_add_up(client, counts, story):
    with time_machine.travel(ELEVEN, tick=False) as clock:
        for _ in range(2):
            beacon(client, story.pk, ref="example.org")
        fold()
        clock.move_to(ELEVEN + timedelta(minutes=1))
        for _ in range(3):
            beacon(client, story.pk, ref="example.org")
        fold()
        fold()  # nothing new: nothing added
    assert hours(story) == {ELEVEN: 5}
    assert referrers(story) == {(ELEVEN.date(), "example.org"): 5}
    assert sorted(Fold.objects.values_list("views", flat=True)) == [0, 2, 3]


def test_a_fold_that_died_after_committing_is_finished_without_counting_twice(client, counts, story):
    for _ in range(4):
        beacon(client, story.pk, ref="example.org")
    token = folding.counts_take(counts)
    assert folding.token_store(counts, token).views == 4
    # It died here: its hashes and its token are still in Redis.
    assert counts.sismember(counting.key(folding.FOLDS), token)
    assert counts.exists(counting.key(f"folding:{token}:views"))
    for _ in range(3):
        beacon(client, story.pk, ref="example.org")
    result = folding.readership_fold()
    assert (result.views, result.tokens) == (3, 2)
    assert sum(hours(story).values()) == 7
    assert sum(referrers(story).values()) == 7
    assert not list(counts.scan_iter(match=f"{counting.key('')}*"))  # all cleaned up


def test_a_fold_that_died_before_committing_is_counted_by_the_next(client, counts, story):
    for _ in range(4):
        beacon(client, story.pk)
    folding.counts_take(counts)  # it died here: taken, never stored
    beacon(client, story.pk)
    assert folding.readership_fold().views == 5
    assert sum(hours(story).values()) == 5


def test_a_story_unpublished_between_beacon_and_fold_is_dropped(client, counts, story, editor):
    other = ArticleFactory(live=True)
    for article in (story, story, other):
        beacon(client, article.pk, ref="example.org")
    article_unpublish(article=story, by=editor)
    fold()
    assert hours(story) == {} and referrers(story) == {}
    assert sum(hours(other).values()) == 1
    assert list(Fold.objects.values_list("views", "dropped")) == [(1, 2)]


def test_a_malformed_count_in_redis_is_skipped_not_fatal(client, counts, story, caplog):
    beacon(client, story.pk)
    counts.hincrby(counting.key(counting.VIEWS), "x:nonsense", 5)
    counts.hincrby(counting.key(counting.REFERRERS), f"{story.pk}:notaday:example.org", 5)
    fold()
    assert sum(hours(story).values()) == 1 and referrers(story) == {}
    assert "malformed" in caplog.text


REDIS_AWAY = "Redis cannot be reached"


def test_with_redis_away_the_fold_fails_with_one_clear_line(db, redis_at, caplog):
    with redis_at(f"redis://127.0.0.1:{closed_port()}/0"), pytest.raises(CommandError):
        fold()
    [line] = [r for r in caplog.records if REDIS_AWAY in r.getMessage()]
    assert line.levelno == logging.ERROR and "Connection refused" in line.getMessage()
    assert not line.exc_info  # one line, no traceback


def test_a_round_with_redis_away_fails_and_the_next_one_folds(client, counts, story, redis_at, caplog):
    beacon(client, story.pk)
    with redis_at(f"redis://127.0.0.1:{closed_port()}/0"):
        assert Command().round(verbosity=0) is False
    assert REDIS_AWAY in caplog.text
    assert Command().round(verbosity=0) is True  # Redis is back: what waited is folded
    assert sum(hours(story).values()) == 1


def test_the_loop_keeps_running_while_redis_is_away(transactional_db, redis_at, caplog):
    previous = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGINT)}
    stopper = threading.Timer(0.6, os.kill, (os.getpid(), signal.SIGTERM))
    try:
        with redis_at(f"redis://127.0.0.1:{closed_port()}/0"):
            stopper.start()
            call_command("readership_fold", "--interval", "0.1", verbosity=0)  # returns on SIGTERM
    finally:
        stopper.cancel()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    assert sum(REDIS_AWAY in r.getMessage() for r in caplog.records) >= 3


def test_fold_records_older_than_a_week_are_deleted(counts, db):
    with time_machine.travel(ELEVEN - timedelta(days=8), tick=False):
        folding.readership_fold()
    with time_machine.travel(ELEVEN, tick=False):
        folding.readership_fold()
    assert Fold.objects.count() == 1
    assert Fold.objects.aggregate(Sum("views"))["views__sum"] == 0
