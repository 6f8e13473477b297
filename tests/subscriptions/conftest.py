"""Shared by the newsletter tests: a clean cache, subscribers one call away, what a browser sends."""

import re
import time
from itertools import count

import pytest
from django.core import signing
from django.core.cache import cache
from django.utils import timezone

from subscriptions import services
from subscriptions.forms import STAMP_SALT
from subscriptions.models import Subscriber

_numbers = count(1)


@pytest.fixture(autouse=True)
def fresh_cache():
    """Sign-up rate limits (and cached reader pages) live in the cache."""
    cache.clear()
    yield
    cache.clear()


def make_subscriber(*, sections=(), tags=(), **fields) -> Subscriber:
    """A confirmed subscriber with a consent record; `fields` override (status=…, paused=…, email=…)."""
    now = timezone.now()
    n = next(_numbers)
    data = {
        "email": f"reader{n}@example.org",
        "name": f"Reader {n}",
        "status": Subscriber.Status.CONFIRMED,
        "confirmed_at": now,
        "consent_at": now,
        "consent_ip": "192.0.2.10",
        "consent_text": services.consent_text(),
    }
    data.update(fields)
    subscriber = Subscriber.objects.create(**data)
    if sections:
        subscriber.sections.set(sections)
    if tags:
        subscriber.tags.set(tags)
    return subscriber


@pytest.fixture
def subscriber(db):
    return make_subscriber(email="ada@example.org", name="Ada Reader")


def signup_data(*, age: int = 30, **fields) -> dict:
    """What the sign-up form sends, shown `age` seconds ago."""
    stamp = signing.dumps({"t": int(time.time()) - age, "c": services.consent_text()}, salt=STAMP_SALT)
    data = {"email": "ada@example.org", "name": "", "honeypot": "", "shown": stamp}
    data.update(fields)
    return data


def run_queued_tasks() -> int:
    """Run every task that is ready, as `manage.py db_worker` would (its own Worker.run_task), in this
    process and this test's transaction; returns how many ran. Tasks enqueued meanwhile run too."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="tests",
        excluded_queue_names=[],
    )
    ran = 0
    while (row := DBTaskResult.objects.ready().order_by("enqueued_at").first()) is not None:
        row.claim(worker.worker_id)
        worker.run_task(row)
        row.refresh_from_db()
        assert row.status == "SUCCESSFUL", row.traceback
        ran += 1
    return ran


def text_of(response) -> str:
    """The words on a page, tags removed and spaces collapsed."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
