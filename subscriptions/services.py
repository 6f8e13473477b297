"""Every change to subscribers and digests goes through here: subscribe, confirm, preferences,
unsubscribe, erase; assemble, send, resend.

Views, the admin, commands and tasks call these; each runs in one transaction and
sends its mail or enqueues its task only once that transaction has committed.

Rules worth knowing:
- The sign-up page only enqueues the sign-up (`subscription_request()`); the worker
  runs `subscriber_subscribe()`, so the page does the same work for every address.
- `subscriber_subscribe()` looks the same from outside whatever the address's state, so
  the sign-up form never tells anyone whether an address is subscribed. It
  sends at most one mail per address per NEWSLETTER_MAIL_INTERVAL: a
  confirmation link to a new, pending, unsubscribed or bouncing address, a
  short "you are already subscribed" note to a confirmed one. A confirmed
  subscriber is never changed by it (the request is not proven to come from
  the mailbox's owner).
- `subscriber_confirm()` confirms a pending subscriber only. A confirmed one stays as it
  is; an unsubscribed or bouncing one stays out: asking again through the form
  is what makes an address pending again, with fresh consent, so a link that
  finds an address unsubscribed is older than the reader's leaving.
"""

import logging
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from taggit.models import Tag

from articles.models import Section
from newsroom.forms_on_cached_pages import seconds_to_wait
from newsroom.security import valid_ip

from . import digest as digests
from . import sending, tokens
from .models import Delivery, Digest, Subscriber

logger = logging.getLogger(__name__)

Status = Subscriber.Status


def consent_text() -> str:
    """The words a reader agrees to by subscribing, as the form shows them."""
    return settings.NEWSLETTER_CONSENT_TEXT.format(site=settings.SITE_NAME)


def normalise_email(email: str) -> str:
    return email.strip().lower()


# Signing up --------------------------------------------------------------------


def signups_to_wait(ip: str | None) -> int:
    """Count one sign-up from `ip`; above NEWSLETTER_SIGNUP_RATE, the seconds until it may sign up again.

    A fixed window in the cache: per site with Redis, per process without.
    """
    limit, window = settings.NEWSLETTER_SIGNUP_RATE
    return seconds_to_wait("subscriptions:signups", ip, limit, window) if ip else 0


def subscription_request(
    *,
    email: str,
    name: str = "",
    sections: Iterable[Section] = (),
    tags: Iterable[Tag] = (),
    ip: str | None = None,
    consent: str | None = None,
) -> None:
    """Have the worker run `subscriber_subscribe()` for this sign-up, once the transaction commits.

    The sign-up page calls this, not `subscriber_subscribe()`: the request then does the same work
    whatever the address's state (one row in the task queue), so nobody can tell a
    subscriber from a stranger by how long the page takes to answer.
    """
    from .tasks import subscribe_task

    arguments = {
        "email": email,
        "name": name,
        "section_ids": [section.pk for section in sections],
        "tag_ids": [tag.pk for tag in tags],
        "ip": ip,
        "consent": consent,
    }
    transaction.on_commit(lambda: subscribe_task.enqueue(**arguments))


def subscriber_subscribe(
    *,
    email: str,
    name: str = "",
    sections: Iterable[Section] = (),
    tags: Iterable[Tag] = (),
    ip: str | None = None,
    consent: str | None = None,
) -> None:
    """Ask for the newsletter for `email`; the outcome looks the same for every address.

    `consent` is the wording the reader was shown (the current wording when
    omitted). No sections and no tags means everything.
    """
    email = normalise_email(email)
    now = timezone.now()
    consent_record = {
        "consent_at": now,
        "consent_ip": valid_ip(ip),
        "consent_text": consent if consent is not None else consent_text(),
    }
    with transaction.atomic():
        subscriber, created = Subscriber.objects.select_for_update().get_or_create(
            email=email, defaults={"name": name, "status": Status.PENDING, **consent_record}
        )
        changed = []
        if subscriber.status == Status.CONFIRMED:
            mail = _already_subscribed
        else:
            mail = _confirmation
            if not created:
                # Pending, unsubscribed or bouncing: this request is the one to confirm.
                subscriber.name = name
                subscriber.status = Status.PENDING
                subscriber.paused = False
                for field, value in consent_record.items():
                    setattr(subscriber, field, value)
                changed += ["name", "status", "paused", *consent_record]
            subscriber.sections.set(list(sections))
            subscriber.tags.set(list(tags))
        if _may_mail(subscriber, now):
            subscriber.last_mailed_at = now
            changed.append("last_mailed_at")
            transaction.on_commit(lambda: _send_safely(mail, subscriber))
        if changed:
            subscriber.save(update_fields=changed)


def _may_mail(subscriber: Subscriber, now) -> bool:
    last = subscriber.last_mailed_at
    return last is None or (now - last).total_seconds() >= settings.NEWSLETTER_MAIL_INTERVAL


def _message(subscriber: Subscriber, template: str, subject: str, context: dict) -> EmailMessage:
    body = render_to_string(
        f"subscriptions/signup/{template}.txt",
        {"site_name": settings.SITE_NAME, "subscriber": subscriber, **context},
    )
    return EmailMessage(
        subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [subscriber.email],
        headers={"Auto-Submitted": "auto-generated"},
    )


def _confirmation(subscriber: Subscriber) -> None:
    context = {
        "confirm_url": tokens.confirm_url(subscriber),
        "days": max(1, settings.NEWSLETTER_CONFIRM_MAX_AGE // 86400),
        "signup_url": tokens.absolute("/newsletter/"),
    }
    subject = f"Confirm your subscription to {settings.SITE_NAME}"
    _message(subscriber, "confirm", subject, context).send()


def _already_subscribed(subscriber: Subscriber) -> None:
    context = {"manage_url": tokens.manage_url(subscriber)}
    subject = f"You are already subscribed to {settings.SITE_NAME}"
    _message(subscriber, "already", subject, context).send()


def _send_safely(mail, subscriber: Subscriber) -> None:
    """A mail server that is down must not turn a sign-up into an error page; the reader can ask again."""
    try:
        mail(subscriber)
    except Exception:
        logger.exception("Sign-up mail to subscriber %s failed", subscriber.pk)
        Subscriber.objects.filter(pk=subscriber.pk).update(last_mailed_at=None)


# The reader's own links -----------------------------------------------------------


def subscriber_confirm(*, subscriber: Subscriber, name: str | None = None) -> Subscriber:
    """Pending → confirmed. Confirming twice changes nothing; a left address stays out (see above).

    `name` is the greeting the owner of the address kept on the confirm page: the one
    typed into the sign-up form came from whoever typed the address, so it is not used
    in our mail until the owner has seen it.
    """
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.status == Status.PENDING:
            subscriber.status = Status.CONFIRMED
            subscriber.confirmed_at = timezone.now()
            subscriber.bounce_count = 0  # the reader just read our mail at this address
            subscriber.name = name if name is not None else subscriber.name
            subscriber.save(update_fields=["status", "confirmed_at", "bounce_count", "name"])
    return subscriber


def preferences_update(
    *,
    subscriber: Subscriber,
    sections: Iterable[Section] | None = None,
    tags: Iterable[Tag] | None = None,
    paused: bool | None = None,
) -> Subscriber:
    """What the reader follows (nothing chosen: everything) and whether the newsletter is paused.

    An argument left as None stays as it is.
    """
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if sections is not None:
            subscriber.sections.set(list(sections))
        if tags is not None:
            subscriber.tags.set(list(tags))
        if paused is not None and subscriber.paused != paused:
            subscriber.paused = paused
            subscriber.save(update_fields=["paused"])
    return subscriber


def subscriber_unsubscribe(*, subscriber: Subscriber) -> Subscriber:
    """Leave at once. No newsletter reaches the address until it subscribes and confirms again."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.status != Status.UNSUBSCRIBED:
            subscriber.status = Status.UNSUBSCRIBED
            subscriber.unsubscribed_at = timezone.now()
            subscriber.save(update_fields=["status", "unsubscribed_at"])
    return subscriber


def subscriber_erase(*, pks: Iterable[int]) -> None:
    """Forget these subscribers: their addresses and everything kept with them.

    Past deliveries keep their counts (SET_NULL); queued ones are cancelled and SMTP
    errors, which quote addresses, are blanked.
    """
    pks = list(pks)
    with transaction.atomic():
        deliveries = Delivery.objects.filter(subscriber_id__in=pks)
        deliveries.filter(state=Delivery.State.QUEUED).update(state=Delivery.State.CANCELLED)
        deliveries.exclude(last_error="").update(last_error="")
        Subscriber.objects.filter(pk__in=pks).delete()


# Digests --------------------------------------------------------------------------------


def digest_assemble(*, kind: str = Digest.Kind.DAILY, by: User | None = None, now=None) -> Digest | None:
    """Make the digest of the stories published since the last one and queue its deliveries.

    Returns None, and creates nothing, when nothing was published. A daily digest is
    made once per local date: asked again, the existing one is returned unchanged.
    """
    if by is not None and not by.has_perm("subscriptions.add_digest"):
        raise PermissionDenied
    now = now or timezone.now()
    edition = timezone.localdate(now)
    daily = Digest.objects.filter(kind=Digest.Kind.DAILY, edition=edition)
    if kind == Digest.Kind.DAILY and (existing := daily.first()) is not None:
        return existing
    start, end = digests.next_period(now)
    stories = digests.as_stories(digests.stories_since(start, end))
    if not stories:
        return None
    try:
        with transaction.atomic():
            digest = Digest.objects.create(
                kind=kind,
                edition=edition,
                period_start=start,
                period_end=end,
                story_ids=[story.pk for story in stories],
                subject=digests.render_subject(edition=edition, lead=stories[0], kind=kind),
                created_by=by,
            )
            digests.queue_deliveries(digest, stories)
    except IntegrityError:
        # Another process made today's daily digest between our check and our insert.
        if kind != Digest.Kind.DAILY or (existing := daily.first()) is None:
            raise
        return existing
    return digest


def digest_send(
    *,
    digest: Digest,
    seconds: float | None = None,
    on_progress: Callable[[sending.Outcome], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> sending.Outcome:
    """Send what is due of this digest in this process, for at most `seconds` (None: until nothing is due).

    The worker's task and `manage.py send_digest` both send through this; each delivery
    is committed `sending` before its message goes out and `sent` after (see sending.py).
    """
    if digest.status == Digest.Status.DONE:
        return sending.Outcome(done=True)
    return sending.Sender(digest, seconds=seconds, on_progress=on_progress, should_stop=should_stop).run()


def digest_enqueue(*, digest: Digest) -> bool:
    """Have the worker send this digest (`digest_send` in its task), once the transaction commits.

    False if a sender has it already: its heartbeat is set or its task waits in the queue.
    """
    started = Digest.objects.filter(pk=digest.pk, status=Digest.Status.SENDING, heartbeat_at=None).update(
        heartbeat_at=timezone.now()
    )
    from .tasks import enqueue, queued_send

    if started and not queued_send(digest.pk):
        enqueue(digest.pk)
    return bool(started)


def digest_resend_unknown(*, digest: Digest, by: User) -> int:
    """Queue again the deliveries whose sender died while sending (`unknown`); returns how many.

    An editor's decision: those readers may have had this digest already. Each is then
    sent once more, like any queued delivery.
    """
    from .tasks import enqueue, queued_send

    if not by.has_perm("subscriptions.add_digest"):
        raise PermissionDenied
    with transaction.atomic():
        count = Delivery.objects.filter(digest=digest, state=Delivery.State.UNKNOWN).update(
            state=Delivery.State.QUEUED, claimed_at=None, next_attempt_at=None, last_error=""
        )
        if count:
            Digest.objects.filter(pk=digest.pk).update(
                status=Digest.Status.SENDING, finished_at=None, heartbeat_at=timezone.now()
            )
            if not queued_send(digest.pk):
                enqueue(digest.pk)
    return count
