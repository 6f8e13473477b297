"""SMTP drill: the mail server goes away in the middle of a digest and comes back.

    .venv/bin/python -m bench.drills.smtp_outage [--subscribers 2000] [--down-after 600] [--down-for 20]
        [--database-url postgres://postgres@127.0.0.1:5432/newsroom_drill]

A real `manage.py db_worker` and `manage.py newsletter_scheduler` (production settings)
send a digest to the drill's confirmed subscribers through a real SMTP server (the
aiosmtpd sink of tests/subscriptions/smtp_sink.py, in this process). After
`--down-after` messages the sink stops: it drops every open connection and refuses new
ones. `--down-for` seconds later it listens again on the same port. Passes when nobody
received two messages, the digest is done, and every subscriber received exactly one
except at most the one whose message was in hand when the connection broke: that
delivery is `unknown` (the server may have kept it), and is the only one missing.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench.drills.common import DRILL_DATABASE, ROOT, SETTINGS, log, manage

DOMAIN = "smtp-drill.example.org"
ENV = {
    "NEWSLETTER_RETRY_BASE_SECONDS": "1",  # retries in seconds, not minutes
    "NEWSLETTER_LEASE_SECONDS": "5",
    "LOG_LEVEL": "WARNING",
}


def django_setup(database_url: str, email_url: str) -> None:
    os.environ.update(DJANGO_SETTINGS_MODULE=SETTINGS, DATABASE_URL=database_url, EMAIL_URL=email_url, **ENV)
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()


def prepare_digest(subscribers: int):
    """A fresh story and a digest of it for `subscribers` new confirmed readers (only ours)."""
    from django.utils import timezone

    from subscriptions.models import Digest, Subscriber
    from subscriptions.services import digest_assemble
    from tests.factories import ArticleFactory

    Subscriber.objects.filter(status=Subscriber.Status.CONFIRMED).exclude(email__endswith=DOMAIN).update(
        paused=True
    )  # the demo's readers, if any, sit this one out
    Subscriber.objects.filter(email__endswith=DOMAIN).delete()
    now = timezone.now()
    Subscriber.objects.bulk_create(
        Subscriber(email=f"reader{i}@{DOMAIN}", status=Subscriber.Status.CONFIRMED, confirmed_at=now)
        for i in range(subscribers)
    )
    ArticleFactory(  # a slug of its own: the drill's database keeps the stories of earlier runs
        live=True,
        headline=f"Storm closes the ferry terminal ({now:%H:%M:%S})",
        slug=f"storm-closes-the-ferry-terminal-{now:%Y%m%d%H%M%S%f}",
    )
    digest = digest_assemble(kind=Digest.Kind.MANUAL)
    if digest is None:
        raise RuntimeError("no digest was assembled")
    return digest


def start(*args: str, env: dict, log_path: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT, env=env, stdout=log_path.open("ab"), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DRILL_DATABASE)
    parser.add_argument("--subscribers", type=int, default=2000)
    parser.add_argument("--down-after", type=int, default=600, help="messages received before the outage")
    parser.add_argument("--down-for", type=float, default=20.0)
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args(argv)

    from bench.stack import ensure_database
    from tests.subscriptions.smtp_sink import SmtpSink

    ensure_database(args.database_url)
    manage("migrate", "--noinput", database_url=args.database_url)
    log_path = Path(tempfile.gettempdir()) / f"newsroom-smtp-drill-{os.getpid()}.log"
    processes: list[subprocess.Popen] = []
    with SmtpSink(keep_headers=False) as sink:
        django_setup(args.database_url, sink.url)
        from django_tasks_db.models import DBTaskResult

        from subscriptions import services
        from subscriptions.models import Delivery, Digest
        from subscriptions.tasks import send_digest_task

        digest = prepare_digest(args.subscribers)
        expected = set(
            digest.deliveries.values_list("subscriber__email", flat=True)
        )  # every reader the digest is for
        log(f"digest {digest.pk}: {len(expected)} deliveries; sink on port {sink.port}")
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        timeline = []
        try:
            processes.append(
                start("db_worker", "--no-startup-delay", "--interval", "0.2", "--no-reload", env=env,
                      log_path=log_path)
            )  # fmt: skip
            processes.append(start("newsletter_scheduler", env=env, log_path=log_path))
            began = time.monotonic()
            assert services.digest_enqueue(digest=digest)
            if not sink.wait_for(args.down_after, timeout=args.timeout):
                raise RuntimeError(f"only {sink.received} messages arrived before the planned outage")
            sink.stop()
            down_at, received_at_down = time.monotonic(), sink.received
            log(f"SMTP server DOWN after {sink.received} messages ({down_at - began:.1f} s into the send)")
            while time.monotonic() - down_at < args.down_for:
                time.sleep(1)
                states = Counter(Delivery.objects.filter(digest=digest).values_list("state", flat=True))
                timeline.append((time.monotonic() - began, "down", sink.received, dict(states)))
            sink.start()
            up_at = time.monotonic()
            log(f"SMTP server UP again on port {sink.port} after {up_at - down_at:.1f} s")
            deadline = time.monotonic() + args.timeout
            while time.monotonic() < deadline:
                digest.refresh_from_db()
                states = Counter(Delivery.objects.filter(digest=digest).values_list("state", flat=True))
                timeline.append((time.monotonic() - began, "up", sink.received, dict(states)))
                if digest.status == Digest.Status.DONE:
                    break
                time.sleep(1)
            done_at = time.monotonic()
            time.sleep(1)  # a last message on its way
        finally:
            for process in processes:
                if process.poll() is None:
                    process.terminate()
            for process in processes:
                try:
                    process.wait(15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(5)

        counts = sink.counts()
        received_by = {address: n for address, n in counts.items() if address.endswith(DOMAIN)}
        duplicates = {address: n for address, n in received_by.items() if n > 1}
        missing = expected - set(received_by)
        states = Counter(Delivery.objects.filter(digest=digest).values_list("state", flat=True))
        tasks = list(
            DBTaskResult.objects.filter(
                task_path=send_digest_task.module_path, args_kwargs__kwargs__digest_id=digest.pk
            )
            .order_by("enqueued_at")
            .values_list("started_at", "return_value")
        )
        paused = [t for t in tasks if isinstance(t[1], dict) and t[1].get("paused")]
        first_start = min((t[0] for t in tasks if t[0]), default=None)
        retried = Delivery.objects.filter(digest=digest, attempts__gt=1).count()
        worker_warnings = [
            line for line in log_path.read_text(errors="replace").splitlines() if "unavailable" in line
        ]

    lines = [
        f"SMTP drill: digest of {len(expected)} mails, sink stopped after {args.down_after} "
        f"for {args.down_for:g} s (db_worker + newsletter_scheduler, PostgreSQL)",
        f"  received before the outage  {received_at_down}",
        f"  send tasks                  {len(tasks)} ({len(paused)} paused: 'mail server unavailable')",
    ]
    for started_at, value in tasks:
        if not isinstance(value, dict) or not started_at:
            continue
        at = (started_at - first_start).total_seconds()
        if value.get("paused"):
            what = f"paused: {str(value.get('error'))[:50]!r}"
        else:
            what = "done" if value.get("done") else "handed over"
        lines.append(f"    task started at +{at:5.1f} s: sent {value.get('sent', 0):4d}, {what}")
    lines += [
        f"  worker log 'unavailable'    {len(worker_warnings)} lines",
        f"  deliveries tried twice+     {retried}",
        f"  outage -> back up           {up_at - down_at:.1f} s",
        f"  back up -> digest done      {done_at - up_at:.1f} s",
        f"  delivery states             {dict(states)}",
        f"  messages at the sink        {sum(received_by.values())}",
        f"  recipients, exactly once    {sum(1 for n in received_by.values() if n == 1)} of {len(expected)}",
        f"  duplicates                  {len(duplicates)}",
        f"  missing                     {len(missing)}",
    ]
    unknown = set(
        Delivery.objects.filter(digest=digest, state=Delivery.State.UNKNOWN).values_list(
            "subscriber__email", flat=True
        )
    )
    lines.insert(-1, f"  unknown (in hand at the cut) {len(unknown)}")
    ok = (
        not duplicates
        and missing <= unknown
        and len(unknown) <= 1
        and states
        == +Counter({Delivery.State.SENT: len(expected) - len(unknown), Delivery.State.UNKNOWN: len(unknown)})
    )
    lines.append(f"  result                      {'PASS' if ok else 'FAIL'}")
    print("\n".join(lines), flush=True)
    if duplicates or missing - unknown:
        print(json.dumps({"duplicates": sorted(duplicates)[:10], "missing": sorted(missing)[:10]}))
    log_path.unlink(missing_ok=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
