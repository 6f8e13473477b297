"""Every change to a subscriber goes through here: subscribe, confirm, preferences, unsubscribe, erase.

Views, the admin and commands call these; each runs in one transaction and
sends its mail only once that transaction has committed.

Rules worth knowing:
- The sign-up page only enqueues the sign-up (`subscription_request()`); the worker
  runs `subscribe()`, so the page does the same work for every address.
- `subscribe()` looks the same from outside whatever the address's state, so
  the sign-up form never tells anyone whether an address is subscribed. It
  sends at most one mail per address per NEWSLETTER_MAIL_INTERVAL: a
  confirmation link to a new, pending, unsubscribed or bouncing address, a
  short "you are already subscribed" note to a confirmed one. A confirmed
  subscriber is never changed by it (the request is not proven to come from
  the mailbox's owner).
- `confirm()` confirms a pending subscriber only. A confirmed one stays as it
  is; an unsubscribed or bouncing one stays out: asking again through the form
  is what makes an address pending again, with fresh consent, so a link that
  finds an address unsubscribed is older than the reader's leaving.
"""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from taggit.models import Tag

from articles.models import Section
from newsroom.forms_on_cached_pages import seconds_to_wait
from newsroom.security import valid_ip

from . import tokens
from .models import Delivery, Subscriber

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
    """Have the worker run `subscribe()` for this sign-up, once the current transaction commits.

    The sign-up page calls this, not `subscribe()`: the request then does the same work
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


def subscribe(
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


def confirm(subscriber: Subscriber, *, name: str | None = None) -> Subscriber:
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


def update_preferences(
    subscriber: Subscriber,
    *,
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


def unsubscribe(subscriber: Subscriber) -> Subscriber:
    """Leave at once. No newsletter reaches the address until it subscribes and confirms again."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.status != Status.UNSUBSCRIBED:
            subscriber.status = Status.UNSUBSCRIBED
            subscriber.unsubscribed_at = timezone.now()
            subscriber.save(update_fields=["status", "unsubscribed_at"])
    return subscriber


def erase(subscriber: Subscriber) -> None:
    """Forget the address and everything kept with it; past deliveries keep their counts (SET_NULL)."""
    erase_many([subscriber.pk])


def erase_many(pks: Iterable[int]) -> None:
    """Delete subscribers; their queued mail is cancelled and SMTP errors (which quote addresses) blanked."""
    pks = list(pks)
    with transaction.atomic():
        deliveries = Delivery.objects.filter(subscriber_id__in=pks)
        deliveries.filter(state=Delivery.State.QUEUED).update(state=Delivery.State.CANCELLED)
        deliveries.exclude(last_error="").update(last_error="")
        Subscriber.objects.filter(pk__in=pks).delete()
