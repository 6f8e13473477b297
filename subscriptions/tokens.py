"""Signed links in newsletter mail: confirm (expires), manage and unsubscribe (never expire).

Nothing is stored: a token is the subscriber's id and address, signed with the
SECRET_KEY and a salt per purpose. A changed address or a deleted subscriber
makes old links stop working.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from .models import Subscriber

CONFIRM_SALT = "subscriptions.confirm"
MANAGE_SALT = "subscriptions.manage"


class BadToken(Exception):
    """The link was altered, has expired, or its subscriber is gone."""

    def __init__(self, expired: bool = False):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def _dump(subscriber: Subscriber, salt: str) -> str:
    return signing.dumps({"s": subscriber.pk, "e": subscriber.email}, salt=salt, compress=True)


def _load(token: str, salt: str, max_age=None) -> Subscriber:
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
        return Subscriber.objects.get(pk=int(data["s"]), email=str(data["e"]))
    except signing.SignatureExpired:
        raise BadToken(expired=True) from None
    except (signing.BadSignature, KeyError, TypeError, ValueError, Subscriber.DoesNotExist):
        raise BadToken from None


def confirm_token(subscriber: Subscriber) -> str:
    return _dump(subscriber, CONFIRM_SALT)


def read_confirm_token(token: str) -> Subscriber:
    return _load(token, CONFIRM_SALT, max_age=settings.NEWSLETTER_CONFIRM_MAX_AGE)


def manage_token(subscriber: Subscriber) -> str:
    return _dump(subscriber, MANAGE_SALT)


def read_manage_token(token: str) -> Subscriber:
    return _load(token, MANAGE_SALT)


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def confirm_url(subscriber: Subscriber) -> str:
    return absolute(reverse("subscriptions:confirm", args=[confirm_token(subscriber)]))


def manage_url(subscriber: Subscriber) -> str:
    return absolute(reverse("subscriptions:manage", args=[manage_token(subscriber)]))


def unsubscribe_url(subscriber: Subscriber) -> str:
    """The List-Unsubscribe address: a POST there unsubscribes at once (RFC 8058)."""
    return absolute(reverse("subscriptions:unsubscribe", args=[manage_token(subscriber)]))
