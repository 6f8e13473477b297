"""Every change to a comment's state goes through here: posting, confirming, moderating, reporting.

Views stay thin; each function keeps the story's comment count and the reader
pages' cache in step with what it changed.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from articles.caching import invalidate_stories
from articles.models import Article
from newsroom.security import client_ip

from . import mail, rules
from .models import Comment, Decision, Report, Status

PUBLISHED = "published"
HELD = "held"
CONFIRM = "confirm"

CONFIRM_SALT = "comments.confirm"
MUTE_SALT = "comments.mute"


@dataclass
class Outcome:
    state: str  # PUBLISHED, HELD or CONFIRM
    article: Article
    comment: Comment | None = None
    email: str = ""


class BadToken(Exception):
    """A confirmation or mute link that was altered, has expired, or points at nothing."""


def reporter_key(request) -> str:
    """Who is reporting: the account when signed in, else a keyed hash of the IP address."""
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{client_ip(request)}".encode()).hexdigest()
    return f"ip:{digest[:40]}"


# Posting ---------------------------------------------------------------------


def submit(form, request) -> Outcome:
    """Post a valid comment form: publish, hold, or first ask the reader to confirm their address."""
    article = form.target_object
    data = form.get_comment_create_data(site_id=settings.SITE_ID)
    data["ip_address"] = client_ip(request)
    user = data["user"]
    if user is None and settings.COMMENTS_CONFIRM_EMAIL and not rules.is_known_commenter(data["user_email"]):
        token = signing.dumps(_pending(data), salt=CONFIRM_SALT, compress=True)
        mail.confirmation_request(article, data, token)
        return Outcome(CONFIRM, article, email=data["user_email"])
    comment = create(article, data)
    return Outcome(PUBLISHED if comment.is_visible else HELD, article, comment)


def _pending(data: dict) -> dict:
    """A comment waiting for its email confirmation, as plain JSON for a signed link."""
    keep = (
        "object_pk",
        "user_name",
        "user_email",
        "user_url",
        "comment",
        "parent_id",
        "replied_to_id",
        "followup",
        "ip_address",
    )
    return {**{key: data[key] for key in keep}, "submit_date": data["submit_date"].isoformat()}


def create(article: Article, data: dict) -> Comment:
    """Save a comment, held when any rule says so; tell followers or moderators."""
    reasons = rules.hold_reasons(
        text=data["comment"],
        name=data["user_name"],
        email=data["user_email"],
        url=data["user_url"],
        ip=data.get("ip_address"),
        user=data.get("user"),
    )
    with transaction.atomic():
        if data.get("parent_id"):
            # Replies renumber their thread; one writer per thread at a time.
            list(
                Comment.objects.select_related(None)
                .select_for_update()
                .filter(pk=data["parent_id"])
                .values_list("pk")
            )
        comment = Comment(
            content_type=data["content_type"],
            object_pk=str(article.pk),
            site_id=settings.SITE_ID,
            user=data.get("user"),
            user_name=data["user_name"],
            user_email=data["user_email"],
            user_url=data["user_url"],
            comment=data["comment"],
            submit_date=data["submit_date"],
            ip_address=data.get("ip_address"),
            parent_id=data.get("parent_id") or 0,
            replied_to_id=data.get("replied_to_id"),
            followup=bool(data.get("followup")),
            is_public=not reasons,
            is_removed=False,
            hold_reasons=reasons,
        )
        comment.save()
        recount([article.pk])
    if comment.is_visible:
        mail.reply_notifications(comment)
    else:
        mail.moderators_waiting()
    return comment


def load_pending(token: str) -> tuple[Article, dict]:
    """The story and comment a confirmation link stands for."""
    try:
        pending = signing.loads(token, salt=CONFIRM_SALT, max_age=settings.COMMENTS_CONFIRM_MAX_AGE)
        article = Article.objects.published().get(pk=int(pending["object_pk"]))
        pending["submit_date"] = datetime.fromisoformat(pending["submit_date"])
    except (signing.BadSignature, KeyError, TypeError, ValueError, Article.DoesNotExist):
        raise BadToken from None
    return article, pending


def confirm(token: str) -> Outcome:
    """Turn a confirmed link into a comment; a second click finds the first one."""
    article, pending = load_pending(token)
    existing = (
        Comment.objects.for_story(article)
        .filter(user_email=pending["user_email"], submit_date=pending["submit_date"])
        .first()
    )
    if existing is not None:
        return Outcome(PUBLISHED if existing.is_visible else HELD, article, existing)
    if not article.comments_are_open:
        raise BadToken("Comments are closed on this story.")
    parent_id = pending.get("parent_id") or 0
    if parent_id and not Comment.objects.visible().for_story(article).filter(pk=parent_id).exists():
        parent_id, pending["replied_to_id"] = 0, None  # the comment answered is gone: post at the top
    data = {
        **pending,
        "parent_id": parent_id,
        "content_type": ContentType.objects.get_for_model(Article),
        "user": None,
    }
    comment = create(article, data)
    return Outcome(PUBLISHED if comment.is_visible else HELD, article, comment)


def mute_token(email: str, article_pk: int) -> str:
    return signing.dumps({"e": email.lower(), "a": article_pk}, salt=MUTE_SALT, compress=True)


def mute(token: str) -> Article:
    """Stop reply notifications for this address on this story."""
    try:
        data = signing.loads(token, salt=MUTE_SALT)
        article = Article.objects.get(pk=int(data["a"]))
        email = str(data["e"])
    except (signing.BadSignature, KeyError, TypeError, ValueError, Article.DoesNotExist):
        raise BadToken from None
    Comment.objects.for_story(article).filter(user_email__iexact=email).update(followup=False)
    return article


# Reports -----------------------------------------------------------------------


def report(comment: Comment, *, key: str, user=None, reason: str, note: str = "") -> bool:
    """Record a reader's report; False when this reader reported this comment before."""
    try:
        with transaction.atomic():
            Report.objects.create(
                comment=comment,
                reporter_key=key,
                user=user if user and user.is_authenticated else None,
                reason=reason,
                note=note,
            )
    except IntegrityError:
        return False
    mail.moderators_waiting()
    return True


# Moderation ----------------------------------------------------------------------

APPROVE = Decision.Action.APPROVE
REMOVE = Decision.Action.REMOVE
SPAM = Decision.Action.SPAM
NOT_SPAM = Decision.Action.NOT_SPAM

_TARGET = {
    APPROVE: {"is_public": True, "is_removed": False, "is_spam": False},
    REMOVE: {"is_removed": True, "is_spam": False},
    SPAM: {"is_removed": True, "is_spam": True},
}


def moderate(comments, action: str, moderator) -> int:
    """Apply a moderator's decision to comments; log each change. Returns how many changed."""
    if not moderator.has_perm("comments.moderate_comment"):
        raise PermissionError("Only moderators can moderate comments.")
    changed, newly_visible = [], []
    with transaction.atomic():
        for comment in (
            Comment.objects.select_related(None).select_for_update().filter(pk__in=[c.pk for c in comments])
        ):
            before = comment.status
            fields = _TARGET.get(action) or _not_spam_target(comment)
            if action == NOT_SPAM and before != Status.SPAM:
                continue
            for name, value in fields.items():
                setattr(comment, name, value)
            after = comment.status
            if after == before and action != APPROVE:
                continue
            Comment.objects.filter(pk=comment.pk).update(**fields)
            comment.reports.filter(resolved_at__isnull=True).update(resolved_at=timezone.now())
            changed.append(
                Decision(
                    comment=comment, moderator=moderator, action=action, from_status=before, to_status=after
                )
            )
            if after == Status.VISIBLE and before != Status.VISIBLE:
                newly_visible.append((comment, before))
        Decision.objects.bulk_create(changed)
        recount({int(d.comment.object_pk) for d in changed})
    for comment, before in newly_visible:
        mail.reply_notifications(comment)
        if before == Status.HELD:
            mail.approved(comment)
    return len(changed)


def _not_spam_target(comment: Comment) -> dict:
    """Undo a spam mark: back to what the comment was before it."""
    last = comment.decisions.filter(to_status=Status.SPAM).order_by("-decided_at", "-pk").first()
    if last is not None and last.from_status == Status.VISIBLE:
        return {"is_public": True, "is_removed": False, "is_spam": False}
    return {"is_public": False, "is_removed": False, "is_spam": False}


def waiting():
    """Comments a moderator should look at: held ones and reported visible ones."""
    open_reports = Report.objects.filter(comment=OuterRef("pk"), resolved_at__isnull=True)
    return Comment.objects.filter(Q(is_public=False) | Exists(open_reports), is_removed=False)


def waiting_count() -> int:
    return waiting().count()


# Counts ---------------------------------------------------------------------------


def recount(article_pks) -> None:
    """Store each story's number of visible comments; make those stories' pages fresh."""
    article_pks = list(article_pks)
    if not article_pks:
        return
    visible = (
        Comment.objects.visible()
        .filter(
            content_type__app_label="articles",
            content_type__model="article",
            object_pk=Cast(OuterRef("pk"), output_field=Comment._meta.get_field("object_pk")),
        )
        .order_by()
        .values("content_type")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Article.objects.filter(pk__in=article_pks).update(comment_count=Coalesce(Subquery(visible), 0))
    invalidate_stories(article_pks)
