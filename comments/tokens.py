"""Signed links in comment mail: confirm a pending comment (expires), mute reply mail (never expires).

A confirmation link names a PendingComment kept in the database, so the mail needs to
carry nothing the commenter typed; a mute link names a story and an address.
"""

from django.conf import settings
from django.core import signing

from articles.models import Article

from .models import PendingComment

CONFIRM_SALT = "comments.confirm"
MUTE_SALT = "comments.mute"


class BadToken(Exception):
    """A confirmation or mute link that was altered, has expired, or points at nothing."""


def pending_token(pending: PendingComment) -> str:
    return signing.dumps({"p": pending.pk}, salt=CONFIRM_SALT)


def pending_comment_load(token: str) -> PendingComment:
    """The pending comment a confirmation link was made for, on a story readers can see."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=settings.COMMENTS_CONFIRM_MAX_AGE)
        pending = PendingComment.objects.select_related("article").get(pk=int(data["p"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError, OverflowError):
        raise BadToken from None
    except PendingComment.DoesNotExist:
        raise BadToken from None
    if not Article.objects.published().filter(pk=pending.article_id).exists():
        raise BadToken
    return pending


def mute_token(email: str, article_pk: int) -> str:
    return signing.dumps({"e": email.lower(), "a": article_pk}, salt=MUTE_SALT, compress=True)


def mute_load(token: str) -> tuple[Article, str]:
    """The story and address a mute link stands for."""
    try:
        data = signing.loads(token, salt=MUTE_SALT)
        return Article.objects.get(pk=int(data["a"])), str(data["e"])
    except (signing.BadSignature, KeyError, TypeError, ValueError, OverflowError, Article.DoesNotExist):
        raise BadToken from None
