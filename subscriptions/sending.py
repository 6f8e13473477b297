"""Sending a digest with Django's mail API: claim, mark `sending`, send, mark `sent`.

What holds:
- Never twice. A sender claims a batch of `queued` deliveries (its lease: `claimed_at`,
  NEWSLETTER_LEASE_SECONDS), and for each one commits `sending` before the message goes
  to the mail server and `sent` once the server has accepted it. Only `queued`
  deliveries are ever claimed, so nothing once `sending` goes out again by itself.
  (The `sent` is saved in the same commit as the next message's `sending`.)
- A sender that dies (SIGKILL, a lost machine) leaves the message it had in flight
  `sending`; once the lease has run out, the next run or the scheduler marks it
  `unknown`: perhaps delivered, never sent again automatically, counted in the admin's
  progress, and sent again only when an editor asks (`services.digest_resend_unknown`).
  The rest of its batch is still `queued` and goes out with the next sender.

What the server says, as smtplib reports it:
- Accepted: `sent`.
- 4xx for the message (RCPT, DATA, after the data): `queued` again, `attempts` + 1, with
  a `next_attempt_at` that doubles from NEWSLETTER_RETRY_BASE_SECONDS (an hour at most);
  `failed` after NEWSLETTER_MAX_ATTEMPTS. 421 means the server closes: reconnect.
- 5xx for the message: `failed`, and the address's `bounce_count` goes up; at
  NEWSLETTER_BOUNCE_LIMIT the subscriber is `bouncing` and gets no more mail.
- No server (refused, timed out, sender refused): the message in hand goes back to
  `queued` untouched and the run stops (`Outcome.paused`); the task tries again later
  with a growing delay. A connection that breaks *during* a message may have delivered
  it, so that one is `unknown`, as after a dead sender.
A reader who left (unsubscribed, bouncing, paused, erased) is checked for in the UPDATE
that marks `sending`: their delivery is `cancelled` instead.
"""

import logging
import smtplib
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.db import connection, transaction
from django.db.models import Count, Exists, F, Min, OuterRef, Q
from django.utils import timezone

from .digest import MessageFactory
from .models import Delivery, Digest, Subscriber

logger = logging.getLogger(__name__)

State = Delivery.State
CLAIM_SIZE = 100  # deliveries claimed at a time
MAX_DELAY = 3600  # the longest wait before a retry, in seconds
ERROR_MAX = 500  # Delivery.last_error's length
UNKNOWN_REASON = "Its sender stopped while sending: perhaps delivered; not sent again unless asked."


@dataclass
class Outcome:
    """What one run of `Sender.run()` did."""

    sent: int = 0
    failed: int = 0
    cancelled: int = 0
    deferred: int = 0  # a 4xx: queued again for later
    unknown: int = 0  # the connection broke during the message
    done: bool = False  # nothing left to send: the digest is done
    paused: bool = False  # the mail server is unavailable: try the whole digest later
    next_due: datetime | None = None  # not done, not paused: when the next delivery is due
    error: str = ""
    seconds: float = 0.0

    def as_dict(self) -> dict:
        data = asdict(self)
        data["next_due"] = self.next_due.isoformat() if self.next_due else None
        return data


class MailServerUnavailable(Exception):
    """The server can't be reached, dropped the connection, or refused our sender address."""


def retry_delay(attempt: int) -> int:
    """Seconds to wait before try number `attempt` + 1: the base, doubled each time, at most an hour."""
    return min(settings.NEWSLETTER_RETRY_BASE_SECONDS * 2 ** max(attempt - 1, 0), MAX_DELAY)


def lease() -> timedelta:
    return timedelta(seconds=settings.NEWSLETTER_LEASE_SECONDS)


def describe(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {' '.join(str(text).split())}"[:ERROR_MAX]


# --- the deliveries' states -------------------------------------------------------------


def expire_leases(*, digest_id: int | None = None, now: datetime | None = None) -> int:
    """Mark `unknown` the deliveries left `sending` for longer than the lease: their sender died."""
    now = now or timezone.now()
    stale = Delivery.objects.filter(state=State.SENDING, claimed_at__lt=now - lease())
    if digest_id is not None:
        stale = stale.filter(digest_id=digest_id)
    expired = stale.update(state=State.UNKNOWN, last_error=UNKNOWN_REASON)
    if expired:
        logger.warning("%s deliveries were left sending by a sender that died: now unknown.", expired)
    return expired


def in_flight(pk: int, started: datetime):
    """The delivery as its sender marked it `sending` at `started`.

    `unknown` too: a slow send may outlive its lease while its sender lives.
    """
    return Delivery.objects.filter(pk=pk, state__in=[State.SENDING, State.UNKNOWN], claimed_at=started)


def claimable(digest_id: int, now: datetime):
    """Queued deliveries due now, held by no sender or by one whose lease ran out."""
    return Delivery.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - lease()),
        digest_id=digest_id,
        state=State.QUEUED,
    )


def claim(digest_id: int, *, limit: int = CLAIM_SIZE) -> tuple[datetime, list[int]]:
    """Take up to `limit` due deliveries for this sender; their `claimed_at` is its token.

    PostgreSQL skips rows another sender is claiming; SQLite (IMMEDIATE transactions)
    serialises the claims.
    """
    now = timezone.now()
    due = claimable(digest_id, now).order_by("pk")
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("pk", flat=True)[:limit])
        if ids:
            claimable(digest_id, now).filter(pk__in=ids).update(claimed_at=now)
    return now, ids


def release(ids: list[int], token: datetime) -> int:
    """Give back the claimed deliveries this run did not get to."""
    return Delivery.objects.filter(pk__in=ids, state=State.QUEUED, claimed_at=token).update(claimed_at=None)


def touch(digest_id: int, at: datetime | None = None) -> None:
    """Show that a sender is alive, or promise one by `at` (a retry scheduled for later)."""
    Digest.objects.filter(pk=digest_id, status=Digest.Status.SENDING).update(
        heartbeat_at=at or timezone.now()
    )


def finish_or_next(digest_id: int) -> tuple[bool, datetime | None]:
    """Mark the digest done if nothing is queued or sending; else say when the next one is due."""
    left = Delivery.objects.filter(digest_id=digest_id, state__in=[State.QUEUED, State.SENDING]).aggregate(
        count=Count("pk"),
        retry=Min("next_attempt_at"),
        free_now=Count("pk", filter=Q(state=State.QUEUED, next_attempt_at=None, claimed_at=None)),
        claimed=Min("claimed_at"),
    )
    if not left["count"]:
        Digest.objects.filter(pk=digest_id, status=Digest.Status.SENDING).update(
            status=Digest.Status.DONE, finished_at=timezone.now()
        )
        return True, None
    candidates = [timezone.now()] if left["free_now"] else []
    if left["retry"]:
        candidates.append(left["retry"])
    if left["claimed"]:
        candidates.append(left["claimed"] + lease())
    return False, min(candidates)


# --- one run ---------------------------------------------------------------------------


class Sender:
    """Sends one digest until nothing is due, `seconds` have passed or `should_stop()` says so.

    One connection, one message at a time: more throughput comes from more workers,
    which claiming allows.
    """

    def __init__(
        self,
        digest: Digest,
        *,
        seconds: float | None = None,
        on_progress: Callable[[Outcome], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
    ):
        self.digest = digest
        self.deadline = time.monotonic() + seconds if seconds is not None else None
        self.on_progress = on_progress or (lambda outcome: None)
        self.should_stop = should_stop or (lambda: False)
        self.outcome = Outcome()
        self.mailer = mailers.default
        self.factory = MessageFactory(digest)
        # The reader still receives: checked in the UPDATE that marks each delivery `sending`.
        self.receiving = Exists(Subscriber.objects.receiving().filter(pk=OuterRef("subscriber_id")))
        self.token: datetime | None = None
        self.accepted: tuple[int, datetime, datetime] | None = (
            None  # (pk, lease, when): `sent`, not yet saved
        )

    def stopping(self) -> bool:
        return (self.deadline is not None and time.monotonic() >= self.deadline) or self.should_stop()

    def run(self) -> Outcome:
        started = time.monotonic()
        expire_leases(digest_id=self.digest.pk)
        try:
            while not self.stopping():
                self.token, ids = claim(self.digest.pk)
                if not ids:
                    self.outcome.done, self.outcome.next_due = finish_or_next(self.digest.pk)
                    break
                touch(self.digest.pk)
                try:
                    self.batch(ids)
                finally:
                    self.save_sent()
                    release(ids, self.token)
        except MailServerUnavailable as error:
            self.outcome.paused = True
            self.outcome.error = str(error)[:ERROR_MAX]
            logger.warning("Digest %s: mail server unavailable, pausing: %s", self.digest.pk, error)
        finally:
            self.close()
            self.outcome.seconds = time.monotonic() - started
        return self.outcome

    def batch(self, ids: list[int]) -> None:
        deliveries = list(
            Delivery.objects.filter(pk__in=ids, state=State.QUEUED, claimed_at=self.token)
            .select_related("subscriber")
            .only(
                "attempts",
                "subscriber__email",
                "subscriber__name",
                "subscriber__status",
                "subscriber__paused",
            )
            .order_by("pk")
        )
        self.factory.load_preferences([d.subscriber_id for d in deliveries if d.subscriber_id])
        for delivery in deliveries:
            if self.stopping():
                return
            self.deliver(delivery)
            self.on_progress(self.outcome)

    def deliver(self, delivery: Delivery) -> None:
        subscriber = delivery.subscriber
        if subscriber is None or subscriber.status != Subscriber.Status.CONFIRMED or subscriber.paused:
            self.cancel(delivery, "The reader no longer receives the newsletter.")
            return
        message = self.factory.message_for(subscriber)
        if message is None:
            self.cancel(delivery, "Fewer stories than the minimum match the reader's choices now.")
            return
        self.open()
        started = self.mark_sending(delivery)
        if started is None:
            self.cancel(delivery, "The reader left before their turn came.")
            return
        self.send(delivery, message, started)

    def send(self, delivery: Delivery, message: EmailMessage, started: datetime) -> None:
        """Hand one message to the mail server and record what it said."""
        try:
            self.mailer.send_messages([message])
        except smtplib.SMTPSenderRefused as error:  # our address refused: not the reader's fault
            in_flight(delivery.pk, started).update(state=State.QUEUED, claimed_at=None)
            self.close()
            raise MailServerUnavailable(
                f"Sender refused: {describe(error.smtp_code, error.smtp_error)}"
            ) from error
        except smtplib.SMTPRecipientsRefused as error:
            code, text = next(iter(error.recipients.values()))
            self.refused(delivery, started, code, text)
        except (smtplib.SMTPDataError, smtplib.SMTPResponseException) as error:
            self.refused(delivery, started, error.smtp_code, error.smtp_error)
        except ValueError as error:  # an address Django cannot write
            in_flight(delivery.pk, started).update(
                state=State.FAILED, attempts=F("attempts") + 1, last_error=str(error)[:ERROR_MAX]
            )
            self.outcome.failed += 1
        except OSError as error:  # smtplib.SMTPServerDisconnected, a timeout, a reset
            in_flight(delivery.pk, started).update(
                state=State.UNKNOWN, last_error=f"The connection broke mid-message: {error}"[:ERROR_MAX]
            )
            self.outcome.unknown += 1
            self.close()
            raise MailServerUnavailable(f"{type(error).__name__}: {error}") from error
        else:
            self.accepted = (delivery.pk, started, timezone.now())  # saved with the next mark: one commit
            self.outcome.sent += 1

    # Recording outcomes; every change checks that the row is still this sender's.

    def mark_sending(self, delivery: Delivery) -> datetime | None:
        """Commit `sending` if the delivery is still ours and its reader still receives; when it was.

        The previous message's `sent` goes in the same commit: a sender killed before it
        leaves that one `sending`, then `unknown`, as for the message in hand.
        """
        now = timezone.now()
        with transaction.atomic():
            self.save_sent()
            marked = Delivery.objects.filter(
                self.receiving, pk=delivery.pk, state=State.QUEUED, claimed_at=self.token
            ).update(state=State.SENDING, claimed_at=now)
        return now if marked else None

    def save_sent(self) -> None:
        """Record `sent` for the message the server last accepted."""
        if self.accepted is not None:
            pk, started, at = self.accepted
            in_flight(pk, started).update(
                state=State.SENT, sent_at=at, attempts=F("attempts") + 1, last_error=""
            )
            self.accepted = None

    def cancel(self, delivery: Delivery, reason: str) -> None:
        mine = Delivery.objects.filter(pk=delivery.pk, state=State.QUEUED, claimed_at=self.token)
        if mine.update(state=State.CANCELLED, last_error=reason):
            self.outcome.cancelled += 1

    def refused(self, delivery: Delivery, started: datetime, code: int, text) -> None:
        """The server said no to this message: try again later (4xx) or give up on it (5xx)."""
        sending = in_flight(delivery.pk, started)
        error = describe(code, text)
        attempts = delivery.attempts + 1
        if 400 <= code < 500 and attempts < settings.NEWSLETTER_MAX_ATTEMPTS:
            retry_at = timezone.now() + timedelta(seconds=retry_delay(attempts))
            sending.update(
                state=State.QUEUED,
                attempts=attempts,
                next_attempt_at=retry_at,
                claimed_at=None,
                last_error=error,
            )
            self.outcome.deferred += 1
        else:
            sending.update(state=State.FAILED, attempts=attempts, last_error=error)
            self.outcome.failed += 1
            if code >= 500:
                bounced(delivery.subscriber_id)
        if code == 421:  # the server is closing this connection: smtplib has closed its end
            self.close()

    # The connection: opened when the first message needs it, kept for the whole run.

    def open(self) -> None:
        try:
            self.mailer.open()
        except OSError as error:  # smtplib's errors are OSErrors too
            self.close()
            raise MailServerUnavailable(f"Cannot connect: {type(error).__name__}: {error}") from error

    def close(self) -> None:
        try:
            self.mailer.close()
        except OSError:
            pass  # the server is gone already


def bounced(subscriber_id: int | None) -> None:
    """Count a permanent failure; at NEWSLETTER_BOUNCE_LIMIT the address gets no more mail."""
    Subscriber.objects.filter(pk=subscriber_id).update(bounce_count=F("bounce_count") + 1)
    Subscriber.objects.filter(
        pk=subscriber_id,
        bounce_count__gte=settings.NEWSLETTER_BOUNCE_LIMIT,
        status=Subscriber.Status.CONFIRMED,
    ).update(status=Subscriber.Status.BOUNCING)
