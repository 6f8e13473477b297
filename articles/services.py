"""State changes of a story. The admin, commands and (later) views all call these.

Each service is keyword-only, runs in one transaction, checks the actor's
permission itself (so no route can skip it) and records a revision, so the
history shows who moved a story and when.
"""

import re
from datetime import datetime

import reversion
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Article
from .slugs import unique_slug

Status = Article.Status
PUBLISH_PERMISSION = "articles.publish_article"


def can_publish(user: AbstractBaseUser | None) -> bool:
    return user is not None and user.is_active and user.has_perm(PUBLISH_PERMISSION)


def _require_publisher(user) -> None:
    if not can_publish(user):
        raise PermissionDenied("Only editors can publish, schedule or unpublish stories.")


def _require_publishable(article: Article) -> None:
    problems = article.publication_problems()
    if problems:
        raise ValidationError(
            f"“{article.headline or 'Untitled'}” cannot be published: {', '.join(problems)}."
        )


class StaleStory(ValidationError):
    """The story was saved by someone since this copy of it was read: nothing is written."""


def _require_current(article: Article) -> None:
    """Lock the story's row, and refuse if it was saved since `article` was read from it."""
    stored = (
        Article.objects.select_for_update().filter(pk=article.pk).values_list("revision", flat=True).first()
    )
    if stored is not None and stored != article.revision:
        raise StaleStory(
            f"“{article.headline}” was changed by someone else since you opened it: reload it and try again.",
            code="stale",
        )


def _save(article: Article, *, by, comment: str, fields: list[str]) -> Article:
    _require_current(article)
    article.status_changed_at = timezone.now()
    with reversion.create_revision():
        article.save(update_fields=[*fields, "status_changed_at", "updated_at"])
        if by is not None and by.is_authenticated:
            reversion.set_user(by)
        reversion.set_comment(comment)
    return article


@transaction.atomic
def article_save(*, article: Article, by, base_revision: int | None) -> Article:
    """Save an editor's form: refused (StaleStory) if the story was saved since they opened it.

    `base_revision` is the story's revision when the form was opened; the count only grows,
    so the form is stale when the stored count is higher. (While a revision is restored,
    django-reversion has already written that revision's older count back into the row.)
    The check and the write are one conditional UPDATE, so of two saves from the same
    revision exactly one is written, on PostgreSQL as on SQLite. The caller records the
    reversion revision.
    """
    if not (can_publish(by) or (article.created_by_id == by.pk and article.status == Status.DRAFT)):
        raise PermissionDenied("You can change only your own drafts.")
    stored = Article.objects.filter(pk=article.pk) if article.pk is not None else Article.objects.none()
    # Matching the row locks it (PostgreSQL) until the transaction ends; a story being
    # recovered from its deleted revision has no row yet, and is written as new.
    current = stored.filter(revision__lte=base_revision) if base_revision is not None else stored.none()
    if current.update(revision=base_revision):
        article.revision = base_revision
    elif stored.exists():
        raise StaleStory(f"“{article.headline}” was saved by someone else since you opened it.", code="stale")
    _save_with_a_free_slug(article)  # counts one more revision
    return article


def _save_with_a_free_slug(article: Article) -> None:
    """Save; if another story took the slug in the same moment (both forms chose "…-2"), take the next."""
    revision = article.revision
    try:
        with transaction.atomic():
            article.save()
    except IntegrityError:
        if not Article.objects.filter(slug=article.slug).exclude(pk=article.pk).exists():
            raise
        article.revision = revision
        wanted = re.sub(r"-\d+$", "", article.slug)  # "berth-2" taken: "berth-3", not "berth-2-2"
        article.slug = unique_slug(Article, wanted, exclude_pk=article.pk)
        article.save()


@transaction.atomic
def article_submit_for_review(*, article: Article, by) -> Article:
    """A reporter hands a draft to the editors."""
    if article.status != Status.DRAFT:
        raise ValidationError(f"“{article.headline}” is {article.get_status_display().lower()}, not a draft.")
    if not (can_publish(by) or article.created_by_id == by.pk):
        raise PermissionDenied("You can submit only your own drafts.")
    article.status = Status.IN_REVIEW
    article.sent_back_at = None
    return _save(article, by=by, comment="Submitted for review", fields=["status", "sent_back_at"])


@transaction.atomic
def article_send_back(*, article: Article, by) -> Article:
    """An editor returns a story in review to its reporter, who can edit it again."""
    _require_publisher(by)
    if article.status != Status.IN_REVIEW:
        raise ValidationError(f"“{article.headline}” is not in review.")
    article.status = Status.DRAFT
    article.sent_back_at = timezone.now()
    return _save(article, by=by, comment="Sent back to the reporter", fields=["status", "sent_back_at"])


@transaction.atomic
def article_publish(*, article: Article, by) -> Article:
    """Make a story public now.

    A story that was public before keeps its first publication time (its
    address contains the date); one that never was, or was scheduled for
    later, is stamped now.
    """
    _require_publisher(by)
    _require_publishable(article)
    now = timezone.now()
    if article.published_at is None or article.published_at > now:
        article.published_at = now
    article.status = Status.PUBLISHED
    return _save(article, by=by, comment="Published", fields=["status", "published_at"])


@transaction.atomic
def article_schedule(*, article: Article, at: datetime, by) -> Article:
    """Publish a story at a future time; nothing has to wake up for it to appear."""
    _require_publisher(by)
    _require_publishable(article)
    if timezone.is_naive(at):
        raise ValidationError("Give the publication time with its time zone.")
    if at <= timezone.now():
        raise ValidationError("Choose a time in the future, or publish now.")
    article.status = Status.PUBLISHED
    article.published_at = at
    return _save(
        article,
        by=by,
        comment=f"Scheduled for {timezone.localtime(at):%Y-%m-%d %H:%M %Z}",
        fields=["status", "published_at"],
    )


@transaction.atomic
def article_unpublish(*, article: Article, by) -> Article:
    """Take a story (public or scheduled) off the site; it becomes a draft again."""
    _require_publisher(by)
    if article.status != Status.PUBLISHED:
        raise ValidationError(f"“{article.headline}” is not published.")
    if article.published_at and article.published_at > timezone.now():
        article.published_at = None  # it never appeared: forget the schedule
    article.status = Status.DRAFT
    return _save(article, by=by, comment="Unpublished", fields=["status", "published_at"])


@transaction.atomic
def article_archive(*, article: Article, by) -> Article:
    """Withdraw a story for good, keeping it in the database for the record."""
    _require_publisher(by)
    article.status = Status.ARCHIVED
    return _save(article, by=by, comment="Archived", fields=["status"])
