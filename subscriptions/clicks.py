"""Clicks from digest mails: one signed link per (digest, story), counted and redirected at once.

A story's link in a digest is /newsletter/read/<token>/, the token being the digest's
and the story's ids signed with the SECRET_KEY (no time in it, so it never expires and
is the same in every reader's mail: it cannot tell one reader from another). Following
it adds one to `DigestClick.clicks` for that pair and redirects to the story. Nothing
else is kept: no address, no subscriber, no time, no IP address or user agent.

Not counted (but redirected all the same): HEAD requests, known bots and requests with
no user agent, requests with no Accept header, prefetches and previews (what mail
scanners and link previews send), a browser's non-navigation fetches, readers who send
Sec-GPC: 1 or DNT: 1, and signed-in staff.
"""

import dataclasses

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse

from articles.models import Article
from readership import beacon

from .models import Digest, DigestClick

SALT = "subscriptions.click"
MAX_ID = 2**63 - 1
PREFETCH_HEADERS = ("HTTP_SEC_PURPOSE", "HTTP_PURPOSE", "HTTP_X_PURPOSE", "HTTP_X_MOZ")


class BadLink(Exception):
    """The link was altered, or names a digest or story that isn't there."""


def _signer() -> signing.Signer:
    return signing.Signer(salt=SALT)


def click_token(*, digest_id: int, story_id: int) -> str:
    return _signer().sign_object([digest_id, story_id])


def click_url(*, digest_id: int, story_id: int) -> str:
    token = click_token(digest_id=digest_id, story_id=story_id)
    return settings.SITE_URL + reverse("subscriptions:read", args=[token])


def with_click_links(digest_id: int, stories: list) -> list:
    """The digest's stories (subscriptions.digest.Story), each linked through its address here."""
    return [
        dataclasses.replace(story, url=click_url(digest_id=digest_id, story_id=story.pk)) for story in stories
    ]


def read_click_token(token: str) -> tuple[int, int]:
    """(digest id, story id) from a link; BadLink for anything not signed by us."""
    try:
        value = _signer().unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError, UnicodeError):
        raise BadLink from None
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(type(n) is int and 0 < n <= MAX_ID for n in value)
    ):
        raise BadLink
    return value[0], value[1]


def story_of(*, digest_id: int, story_id: int) -> Article | None:
    """The public story the link leads to; None if it isn't public any more; BadLink if the
    digest is gone or never carried the story."""
    story_ids = Digest.objects.filter(pk=digest_id).values_list("story_ids", flat=True).first()
    if story_ids is None or story_id not in story_ids:
        raise BadLink
    return Article.objects.published().select_related("section").filter(pk=story_id).first()


def counts(request) -> bool:
    """Whether this request is a reader following the link (see the module's docstring)."""
    meta = request.META
    if request.method != "GET" or not meta.get("HTTP_ACCEPT", "").strip():
        return False
    if beacon.is_bot(meta.get("HTTP_USER_AGENT", "")) or beacon.asked_not_to_be_counted(meta):
        return False
    purposes = " ".join(meta.get(name, "") for name in PREFETCH_HEADERS).lower()
    if "prefetch" in purposes or "preview" in purposes:
        return False
    if meta.get("HTTP_SEC_FETCH_MODE", "navigate") != "navigate":
        return False
    return not request.user.is_staff  # no query unless a session cookie came


def digest_click_record(*, digest_id: int, story_id: int) -> None:
    """One more click on this story in this digest, in the database's own arithmetic (no lost update)."""
    row = DigestClick.objects.filter(digest_id=digest_id, article_id=story_id)
    if row.update(clicks=F("clicks") + 1):
        return
    try:
        with transaction.atomic():  # the pair's first click; another may be making it at once
            DigestClick.objects.create(digest_id=digest_id, article_id=story_id, clicks=1)
    except IntegrityError:
        row.update(clicks=F("clicks") + 1)


def clicks_per_story(digest: Digest) -> tuple[list[dict], int]:
    """Each of the digest's stories with its clicks, the most clicked first (ties in the
    digest's order), and the total: two queries whatever the number of stories."""
    headlines = dict(Article.objects.filter(pk__in=digest.story_ids).values_list("pk", "headline"))
    found = dict(DigestClick.objects.filter(digest=digest).values_list("article_id", "clicks"))
    rows = [
        {"pk": pk, "headline": headlines[pk], "clicks": found.get(pk, 0)}
        for pk in dict.fromkeys(digest.story_ids)
        if pk in headlines
    ]
    rows.sort(key=lambda row: -row["clicks"])  # stable: ties keep the digest's order
    return rows, sum(row["clicks"] for row in rows)
