"""The newsletter's background work: the send task's hand-overs and pauses, the daily task, the scheduler."""

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from subscriptions import tasks
from subscriptions.models import Delivery, Digest
from subscriptions.services import digest_assemble
from tests.factories import ArticleFactory
from tests.subscriptions.conftest import add_subscribers, new_digest, send_tasks

State = Delivery.State


def test_the_task_waits_longer_each_time_the_server_is_down(
    sink, story, settings, django_capture_on_commit_callbacks
):
    settings.NEWSLETTER_RETRY_BASE_SECONDS = 30
    add_subscribers(3)
    digest = new_digest()
    sink.stop()

    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.send_digest_task.call(digest_id=digest.pk)
    assert result["paused"]
    (successor,) = send_tasks(digest.pk).filter(status="READY")
    assert successor.args_kwargs["kwargs"] == {"digest_id": digest.pk, "pauses": 1}
    assert 25 < (successor.run_after - timezone.now()).total_seconds() <= 30
    digest.refresh_from_db()
    assert digest.heartbeat_at == successor.run_after  # a promise: recover() leaves it alone meanwhile
    assert tasks.recover() == []

    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_digest_task.call(digest_id=digest.pk, pauses=1)
    latest = send_tasks(digest.pk).filter(status="READY").order_by("-run_after").first()
    assert 55 < (latest.run_after - timezone.now()).total_seconds() <= 60

    sink.start()
    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.send_digest_task.call(digest_id=digest.pk, pauses=2)
    assert result["done"] and result["sent"] == 3


# --- the tasks -------------------------------------------------------------------------------


def test_the_send_task_hands_over_when_its_time_is_up(
    sink, story, settings, django_capture_on_commit_callbacks
):
    add_subscribers(3)
    digest = new_digest()
    settings.NEWSLETTER_BATCH_SECONDS = 0

    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_digest_task.call(digest_id=digest.pk)

    (successor,) = send_tasks(digest.pk).filter(status="READY")
    assert successor.args_kwargs["kwargs"] == {"digest_id": digest.pk, "pauses": 0}
    settings.NEWSLETTER_BATCH_SECONDS = 10
    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.send_digest_task.call(digest_id=digest.pk)
    assert result["done"] and sink.received == 3
    assert send_tasks(digest.pk).filter(status="READY").count() == 1  # no successor of a finished digest
    assert tasks.send_digest_task.call(digest_id=digest.pk) == {"digest": digest.pk, "done": True}


def test_the_daily_task_makes_the_digest_and_starts_sending(story, django_capture_on_commit_callbacks):
    add_subscribers(2)
    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.daily_digest_task.call(edition=timezone.localdate().isoformat())
    digest = Digest.objects.get()
    assert digest.kind == Digest.Kind.DAILY and result["digest"] == digest.pk and result["started"]
    assert send_tasks(digest.pk).filter(status="READY").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        again = tasks.daily_digest_task.call(edition=timezone.localdate().isoformat())
    assert again["digest"] == digest.pk and not again["started"]
    assert send_tasks(digest.pk).count() == 1


# --- the scheduler -------------------------------------------------------------------------


def local(hour, minute, settings):
    return datetime(2026, 3, 2, hour, minute, tzinfo=ZoneInfo(settings.TIME_ZONE))


def daily_tasks():
    return DBTaskResult.objects.filter(task_path=tasks.daily_digest_task.module_path)


def test_the_scheduler_enqueues_the_daily_digest_once_after_its_time(settings, db):
    settings.NEWSLETTER_DIGEST_TIME = "07:00"
    with time_machine.travel(local(6, 0, settings), tick=False):
        ArticleFactory(live=True)
    with time_machine.travel(local(6, 59, settings), tick=False):
        call_command("newsletter_scheduler", "--once", stdout=io.StringIO())
        assert not daily_tasks().exists()
    with time_machine.travel(local(7, 0, settings), tick=False):
        out = io.StringIO()
        call_command("newsletter_scheduler", "--once", stdout=out)
        assert "Enqueued today's daily digest." in out.getvalue()
    with time_machine.travel(local(7, 1, settings), tick=False):
        call_command("newsletter_scheduler", "--once", stdout=io.StringIO())
        assert tasks.tick() == {"daily": False, "recovered": []}
    (task,) = daily_tasks()
    assert task.args_kwargs["kwargs"] == {"edition": "2026-03-02"}


def test_the_scheduler_does_nothing_without_new_stories_or_once_the_digest_exists(settings, db):
    settings.NEWSLETTER_DIGEST_TIME = "07:00"
    with time_machine.travel(local(8, 0, settings), tick=False):
        assert tasks.schedule_daily_digest() is False  # nothing published
        ArticleFactory(live=True)
        add_subscribers(1)
        digest_assemble(kind=Digest.Kind.DAILY)
    with time_machine.travel(local(9, 0, settings), tick=False):
        ArticleFactory(live=True, published_at=timezone.now())
        assert tasks.schedule_daily_digest() is False  # today's is made
    with time_machine.travel(local(8, 0, settings) + timedelta(days=1), tick=False):
        assert tasks.schedule_daily_digest() is True  # a new day, and a story since the last digest


def test_the_scheduler_tries_a_failed_daily_task_again_a_few_times(settings, db):
    settings.NEWSLETTER_DIGEST_TIME = "07:00"
    with time_machine.travel(local(7, 0, settings), tick=False):
        ArticleFactory(live=True, published_at=timezone.now() - timedelta(hours=2))
        assert tasks.schedule_daily_digest()
        daily_tasks().update(status="FAILED", finished_at=timezone.now())
        assert not tasks.schedule_daily_digest()  # too soon
    with time_machine.travel(local(7, 6, settings), tick=False):
        assert tasks.schedule_daily_digest()
        daily_tasks().update(status="FAILED", finished_at=timezone.now())
    with time_machine.travel(local(7, 12, settings), tick=False):
        assert tasks.schedule_daily_digest()
        daily_tasks().update(status="FAILED", finished_at=timezone.now())
    with time_machine.travel(local(7, 30, settings), tick=False):
        assert not tasks.schedule_daily_digest()  # three failures: an operator looks at it
    assert daily_tasks().count() == 3


def test_recover_hands_a_silent_digest_to_a_new_sender_once(
    story, settings, django_capture_on_commit_callbacks
):
    settings.NEWSLETTER_LEASE_SECONDS = 120
    add_subscribers(2)
    silent = new_digest()
    ArticleFactory(live=True, published_at=timezone.now())
    alive = new_digest(kind=Digest.Kind.DAILY)
    long_ago = timezone.now() - timedelta(minutes=5)
    Digest.objects.filter(pk=silent.pk).update(heartbeat_at=long_ago)
    Digest.objects.filter(pk=alive.pk).update(heartbeat_at=timezone.now() - timedelta(seconds=30))

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.recover() == [silent.pk]
        assert tasks.recover() == []  # its heartbeat was touched

    assert send_tasks(silent.pk).filter(status="READY").count() == 1
    assert not send_tasks(alive.pk).exists()
    with (
        time_machine.travel(timezone.now() + timedelta(minutes=5)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        # Both silent now; the first still has a task waiting in the queue: no second one.
        assert tasks.recover() == [alive.pk]
    assert send_tasks(silent.pk).count() == 1


def test_recover_picks_up_a_digest_nobody_ever_started(story, settings, django_capture_on_commit_callbacks):
    settings.NEWSLETTER_LEASE_SECONDS = 120
    add_subscribers(1)
    digest = new_digest()
    assert tasks.recover() == []  # just made: its sender may still be coming
    with (
        time_machine.travel(timezone.now() + timedelta(minutes=3)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert tasks.recover() == [digest.pk]
