"""Shared by the newsletter tests: a clean cache, subscribers one call away, what a browser sends."""

import re
import time
from collections import Counter
from itertools import count

import pytest
import time_machine
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from newsroom.settings.base import mailers_from_url
from subscriptions import services, tasks
from subscriptions.forms import SignupForm
from subscriptions.models import Delivery, Digest, Subscriber
from tests.factories import ArticleFactory
from tests.subscriptions.smtp_sink import SmtpSink

_numbers = count(1)


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
    """What the sign-up form sends, shown `age` seconds ago (its signed stamp made then)."""
    with time_machine.travel(time.time() - age, tick=False):
        stamp = SignupForm().initial["stamp"]
    data = {"email": "ada@example.org", "name": "", "honeypot": "", "stamp": stamp}
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


# Sending ---------------------------------------------------------------------------------


@pytest.fixture
def sink(settings):
    with SmtpSink() as sink:
        settings.MAILERS = mailers_from_url(sink.url)
        yield sink


@pytest.fixture
def staff_user(db):
    from django.contrib.auth.models import User

    return User.objects.create_superuser("chief", "chief@example.org", "a long password")


@pytest.fixture
def story(db):
    return ArticleFactory(live=True, headline="The harbour reopens to ferries")


def add_subscribers(count: int, *, start: int = 0) -> list[Subscriber]:
    now = timezone.now()
    Subscriber.objects.bulk_create(
        Subscriber(
            email=f"reader{i}@example.org",
            name=f"Reader {i}" if i % 2 else "",
            status=Subscriber.Status.CONFIRMED,
            confirmed_at=now,
            consent_at=now,
        )
        for i in range(start, start + count)
    )
    return list(Subscriber.objects.order_by("pk"))


def new_digest(kind=Digest.Kind.MANUAL) -> Digest:
    digest = services.digest_assemble(kind=kind)
    assert digest is not None
    return digest


def progress(digest) -> dict[str, int]:
    return Delivery.objects.progress([digest.pk])[digest.pk]


def states(digest) -> Counter:
    return Counter(digest.deliveries.values_list("state", flat=True))


def send_tasks(digest_id=None):
    rows = DBTaskResult.objects.filter(task_path=tasks.send_digest_task.module_path)
    if digest_id is not None:
        rows = rows.filter(args_kwargs__kwargs__digest_id=digest_id)
    return rows
