"""A real worker killed in the middle of a digest: nobody gets two messages, and what is uncertain shows.

Two `manage.py db_worker` processes, one after the other, send a digest of 3,000
deliveries to the SMTP sink on 127.0.0.1. The first is SIGKILLed once the sink has
about a third of the messages: its task stays "running" for ever (django-tasks-db never
retries it), and the message it had in flight stays `sending`; the rest of its batch is
still `queued`. `newsletter_scheduler --once`, run after the lease, marks that one
`unknown` and hands the silent digest to the second worker, which sends the rest. The
editor then sees the unknown delivery in the admin and resends it with one action.

The kill is made twice: once while the sink holds the sender waiting for its answer to
MAIL FROM (the message in flight certainly never arrived), and once wherever the sender
happens to be (it may have arrived: the resend then gives that reader a second copy,
which is why resending is the editor's decision).
"""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from subscriptions import services
from subscriptions.models import Delivery, Digest, Subscriber
from subscriptions.services import digest_assemble
from tests.factories import ArticleFactory
from tests.subscriptions.smtp_sink import SmtpSink

ROOT = Path(__file__).resolve().parents[2]
READERS = 3_000
KILL_AT = READERS * 3 // 10
LEASE = 2  # seconds, for the workers and the scheduler
# newsroom.settings.test always uses the locmem mailer; the development settings read EMAIL_URL.
WORKER_SETTINGS = "newsroom.settings.dev"

State = Delivery.State


def database_url() -> str:
    """The test database, as the worker processes must see it."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    assert connection.vendor == "postgresql", connection.vendor
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def environment(sink: SmtpSink) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "NEWSLETTER_"))}
    return env | {
        "DJANGO_SETTINGS_MODULE": WORKER_SETTINGS,
        "DATABASE_URL": database_url(),
        "EMAIL_URL": sink.url,
        "NEWSLETTER_LEASE_SECONDS": str(LEASE),
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }


def manage(*args: str, env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 (our manage.py, fixed arguments)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )


def worker(env: dict, log: Path) -> subprocess.Popen:
    return manage("db_worker", "--no-startup-delay", "--interval", "0.2", "--no-reload", env=env, log=log)


def wait_until(condition, timeout: float, what: str, log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.1)
    pytest.fail(
        f"Timed out after {timeout} s waiting for {what}.\n--- worker log ---\n{log.read_text()[-4000:]}"
    )


def seed() -> Digest:
    ArticleFactory(live=True, headline="Storm closes the ferry terminal")
    now = timezone.now()
    Subscriber.objects.bulk_create(
        Subscriber(email=f"reader{i}@example.org", status=Subscriber.Status.CONFIRMED, confirmed_at=now)
        for i in range(READERS)
    )
    digest = digest_assemble(kind=Digest.Kind.DAILY)
    assert digest is not None and digest.deliveries.count() == READERS
    return digest


WAITING = "while every sender waits for the server"
ANYWHERE = "at whatever point the senders are"


def kill_mid_send(digest: Digest, sink: SmtpSink, moment: str, env: dict, log: Path) -> Counter:
    """Start a worker, kill it a third of the way through; the deliveries' states just after."""
    first = worker(env, log)
    try:
        if moment == WAITING:
            sink.stall_after(KILL_AT)
        assert services.digest_enqueue(digest=digest)
        wait_until(lambda: sink.received >= KILL_AT, 300, f"{KILL_AT} messages at the sink", log)
        if moment == WAITING:
            wait_until(
                lambda: sink.held and sink.held == sink.open_connections, 30, "the sender to wait", log
            )
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    time.sleep(0.3)  # a message whose end was on its way
    sink.resume()
    return Counter(digest.deliveries.values_list("state", flat=True))


def recover(env: dict) -> str:
    """What the scheduler, run once after the lease, says."""
    time.sleep(LEASE + 0.5)
    scheduler = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "newsletter_scheduler", "--once"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert scheduler.returncode == 0, scheduler.stderr
    return scheduler.stdout.strip()


def wait_until_done(digest: Digest, log: Path) -> None:
    done = Digest.objects.filter(pk=digest.pk, status=Digest.Status.DONE)
    wait_until(done.exists, 120, "the digest to be done", log)


@pytest.mark.parametrize("moment", [WAITING, ANYWHERE])
@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_leaves_its_message_in_flight_unknown_and_the_editor_resends_it(moment, tmp_path):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip(
            "The SQLite test database is in memory, where a worker process cannot see it; "
            'set DATABASES["default"]["TEST"]["NAME"] to a file to run this on SQLite.'
        )
    digest = seed()
    log = tmp_path / "workers.log"
    editor = Client()
    editor.force_login(User.objects.create_superuser("chief", "chief@example.org", "a long password"))
    with SmtpSink() as sink:
        env = environment(sink)
        at_kill = kill_mid_send(digest, sink, moment, env, log)
        received_before = sink.received
        in_flight = at_kill[State.SENDING]
        assert in_flight == 1 if moment == WAITING else in_flight <= 1, at_kill
        assert at_kill[State.QUEUED] > 0 and at_kill[State.SENT] >= received_before - 1, at_kill
        unknown = list(
            digest.deliveries.filter(state=State.SENDING).values_list("subscriber__email", flat=True)
        )

        second = worker(env, log)
        try:
            said = recover(env)
            wait_until_done(digest, log)
            counts = sink.counts()
            assert not {a: n for a, n in counts.items() if n > 1}, "sent twice"
            states = Counter(digest.deliveries.values_list("state", flat=True))
            assert states == +Counter({State.SENT: READERS - in_flight, State.UNKNOWN: in_flight}), states
            missing = {f"reader{i}@example.org" for i in range(READERS)} - set(counts)
            assert missing <= set(unknown) and (missing == set(unknown) or moment == ANYWHERE)

            page = editor.get(reverse("admin:subscriptions_digest_changelist"))
            assert (f"unknown {in_flight}" in page.content.decode()) == bool(in_flight)
            response = editor.post(
                reverse("admin:subscriptions_digest_changelist"),
                {"action": "resend_unknown", "_selected_action": [digest.pk]},
            )
            assert response.status_code == 302
            wait_until_done(digest, log)
            time.sleep(LEASE)  # nothing more may come
        finally:
            if second.poll() is None:
                second.kill()
            second.wait(10)

    after = sink.counts()
    print(f"\nkilled {moment}: {received_before} received, {in_flight} in flight; scheduler: {said!r}")
    assert Counter(digest.deliveries.values_list("state", flat=True)) == {State.SENT: READERS}
    for address in unknown:
        assert after[address] == counts[address] + 1  # resent exactly once
    assert sum(after.values()) == sum(counts.values()) + in_flight
    if moment == WAITING:
        assert after == Counter({f"reader{i}@example.org": 1 for i in range(READERS)})
