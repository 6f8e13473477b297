"""State changes of a story. The admin, commands and (later) views all call these.

Each service is keyword-only, runs in one transaction, checks the actor's
permission itself (so no route can skip it) and records a revision, so the
history shows who moved a story and when.
"""

from datetime import datetime

import reversion
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from .models import Article

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


def _save(article: Article, *, by, comment: str, fields: list[str]) -> Article:
    with reversion.create_revision():
        article.save(update_fields=[*fields, "updated_at"])
        if by is not None and by.is_authenticated:
            reversion.set_user(by)
        reversion.set_comment(comment)
    return article


@transaction.atomic
def article_submit_for_review(*, article: Article, by) -> Article:
    """A reporter hands a draft to the editors."""
    if article.status != Status.DRAFT:
        raise ValidationError(f"“{article.headline}” is {article.get_status_display().lower()}, not a draft.")
    if not (can_publish(by) or article.created_by_id == by.pk):
        raise PermissionDenied("You can submit only your own drafts.")
    article.status = Status.IN_REVIEW
    return _save(article, by=by, comment="Submitted for review", fields=["status"])


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
