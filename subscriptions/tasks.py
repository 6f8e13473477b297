"""The newsletter's background work, run by `manage.py db_worker` (django-tasks-db).

- `daily_digest_task` assembles the day's digest and starts sending it; the scheduler
  (`manage.py newsletter_scheduler`) enqueues it once a day after NEWSLETTER_DIGEST_TIME.
- `subscribe_task` does what the sign-up form asked (`services.subscriber_subscribe`), so the
  page answers alike for every address; then it blanks its own arguments in the
  queue, which would otherwise keep the reader's address, name and IP for good.
- `send_digest_task` runs `services.digest_send` for at most NEWSLETTER_BATCH_SECONDS,
  then enqueues its own successor if anything is left: a worker asked to stop (SIGTERM)
  is free within seconds, and one killed outright leaves a digest whose heartbeat goes
  quiet, which `recover()` (called by the scheduler) hands to a new task, and at
  most the message it had in flight `sending`, which the lease turns `unknown`.
"""

import logging
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, Section

from . import sending, services
from .digest import next_period
from .models import Digest

logger = logging.getLogger(__name__)

DAILY_RETRIES = 3  # a daily digest task that failed is tried again this many times a day at most
DAILY_RETRY_AFTER = timedelta(minutes=5)
DAILY_STUCK_AFTER = timedelta(minutes=15)  # a "running" daily task this old died with its worker


@task(takes_context=True)
def subscribe_task(
    context,
    *,
    email: str,
    name: str,
    section_ids: list[int],
    tag_ids: list[int],
    ip: str | None,
    consent: str | None,
) -> None:
    """A sign-up from the form: subscribe (or remind) the address, then forget what the reader typed."""
    from django_tasks_db.models import DBTaskResult

    services.subscriber_subscribe(
        email=email,
        name=name,
        sections=Section.objects.filter(pk__in=section_ids),
        tags=Tag.objects.filter(pk__in=tag_ids),
        ip=ip,
        consent=consent,
    )
    DBTaskResult.objects.filter(pk=context.task_result.id).update(args_kwargs={"args": [], "kwargs": {}})


@task
def send_digest_task(digest_id: int, pauses: int = 0) -> dict:
    """Send what is due of a digest for a while; hand over to a successor if anything is left."""
    digest = Digest.objects.filter(pk=digest_id).first()
    if digest is None or digest.status == Digest.Status.DONE:
        return {"digest": digest_id, "done": True}
    outcome = services.digest_send(digest=digest, seconds=settings.NEWSLETTER_BATCH_SECONDS)
    if not outcome.done:
        now = timezone.now()
        if outcome.paused:  # the mail server is away: wait longer each time
            pauses += 1
            run_after = now + timedelta(seconds=sending.retry_delay(pauses))
        else:
            pauses = 0
            run_after = outcome.next_due if outcome.next_due and outcome.next_due > now else None
        enqueue(digest_id, run_after=run_after, pauses=pauses)
    return {"digest": digest_id, **outcome.as_dict()}


@task
def daily_digest_task(edition: str) -> dict:
    """Make today's daily digest (`edition` is the local date it was scheduled for) and start sending it."""
    digest = services.digest_assemble(kind=Digest.Kind.DAILY)
    if digest is None:
        return {"edition": edition, "digest": None}
    started = services.digest_enqueue(digest=digest)
    return {"edition": edition, "digest": digest.pk, "started": started}


# --- the scheduler's tick ---------------------------------------------------------------


def digest_time() -> time:
    hours, minutes = settings.NEWSLETTER_DIGEST_TIME.split(":")
    return time(int(hours), int(minutes))


def daily_digest_due(now: datetime) -> bool:
    """Past the digest time, no daily digest today yet, and something new published since the last one."""
    local = timezone.localtime(now)
    if local.time() < digest_time():
        return False
    if Digest.objects.filter(kind=Digest.Kind.DAILY, edition=local.date()).exists():
        return False
    since, _ = next_period(now)
    return Article.objects.published().filter(published_at__gt=since).exists()


def schedule_daily_digest(now: datetime | None = None) -> bool:
    """Enqueue today's `daily_digest_task` if it is due and not already enqueued today."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    if not daily_digest_due(now):
        return False
    edition = timezone.localdate(now).isoformat()
    earlier = DBTaskResult.objects.filter(
        task_path=daily_digest_task.module_path, args_kwargs__kwargs__edition=edition
    ).values_list("status", "started_at", "finished_at")
    failures = []
    for status, started_at, finished_at in earlier:
        if status == "READY" or status == "SUCCESSFUL":
            return False
        if status == "RUNNING" and started_at and started_at > now - DAILY_STUCK_AFTER:
            return False
        failures.append(finished_at or started_at or now)
    if failures and (len(failures) >= DAILY_RETRIES or max(failures) > now - DAILY_RETRY_AFTER):
        return False
    daily_digest_task.enqueue(edition=edition)
    logger.info("Enqueued the daily digest of %s.", edition)
    return True


def tick(now: datetime | None = None) -> dict:
    """One round of the scheduler: the daily digest when due, and a new sender for any silent digest."""
    return {"daily": schedule_daily_digest(now), "recovered": recover(now)}


# --- handing over to the worker --------------------------------------------------------


def queued_send(digest_id: int) -> bool:
    """Whether a send task for this digest waits in the queue (django-tasks-db)."""
    from django_tasks_db.models import DBTaskResult

    return (
        DBTaskResult.objects.filter(task_path=send_digest_task.module_path, status="READY")
        .filter(Q(args_kwargs__kwargs__digest_id=digest_id) | Q(args_kwargs__args__0=digest_id))
        .exists()
    )


def enqueue(digest_id: int, *, run_after: datetime | None = None, pauses: int = 0) -> None:
    """Hand the digest to the worker, now or at `run_after`, once the current transaction commits."""

    def go():
        task = send_digest_task.using(run_after=run_after) if run_after else send_digest_task
        task.enqueue(digest_id=digest_id, pauses=pauses)
        sending.touch(digest_id, max(run_after or timezone.now(), timezone.now()))

    transaction.on_commit(go)


def recover(now: datetime | None = None) -> list[int]:
    """Expire dead senders' leases, and give every digest whose sender fell silent a new one.

    Touching the heartbeat in the same UPDATE lets one scheduler win; a second sender
    would be harmless anyway, since deliveries are claimed.
    """
    now = now or timezone.now()
    sending.expire_leases(now=now)
    silent = now - sending.lease()
    recovered = []
    digests = Digest.objects.filter(status=Digest.Status.SENDING).filter(
        Q(heartbeat_at__lt=silent) | Q(heartbeat_at__isnull=True, created_at__lt=silent)
    )
    for digest_id, heartbeat in digests.values_list("pk", "heartbeat_at"):
        won = Digest.objects.filter(
            pk=digest_id, status=Digest.Status.SENDING, heartbeat_at=heartbeat
        ).update(heartbeat_at=now)
        if won and not queued_send(digest_id):
            logger.warning("Digest %s: its sender fell silent; handing it to a new one.", digest_id)
            enqueue(digest_id)
            recovered.append(digest_id)
    return recovered
