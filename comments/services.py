"""Every change to a comment's state goes through here: posting, confirming, moderating, reporting.

Views, the admin and commands stay thin; each service keeps the story's comment
count and its pages' cache in step with what it changed, and sends its mail once
the transaction has committed.
"""

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from articles.caching import invalidate_stories
from articles.models import Article

from . import mail, people, rules, tokens
from .forms import CommentForm
from .models import Comment, CommenterRule, HoldReason, PendingComment, Report

logger = logging.getLogger(__name__)

PUBLISHED = "published"
HELD = "held"
CONFIRM = "confirm"  # kept until the author confirms; a link is on its way
CONFIRM_MAILED_BEFORE = "confirm_mailed_before"  # kept; a link went to this address within the hour


@dataclass
class Outcome:
    state: str  # PUBLISHED, HELD, CONFIRM or CONFIRM_MAILED_BEFORE
    article: Article
    comment: Comment | None = None
    email: str = ""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def after_commit(send, *args) -> None:
    """Mail once the change is saved; a mail server that fails is logged, not the reader's error."""
    transaction.on_commit(lambda: send(*args), robust=True)


# Posting ---------------------------------------------------------------------


def comment_submit(
    *, form: CommentForm, ip: str | None, proven_email: str = "", browser: str = ""
) -> Outcome:
    """Post a valid comment form: publish, hold, or keep it until the reader confirms their address.

    `proven_email` is the address this browser proved it owns (the trust cookie set when
    it confirmed one), `browser` the key of the browser posting (see PendingComment).
    Knowing an address proves nothing: without the proof, a comment under an address
    that has published before is asked to confirm like anyone's first.
    """
    article = form.target_object
    data = {**form.comment_data(), "ip_address": ip}
    user = data["user"]
    proven = user is not None or (bool(proven_email) and proven_email == normalise_email(data["user_email"]))
    banned = people.verdict(email=data["user_email"], ip=ip, proven=proven) == CommenterRule.Kind.BAN
    if user is None and settings.COMMENTS_CONFIRM_EMAIL and not proven and not banned:
        _, mailed = pending_comment_create(article=article, data=data, browser=browser)
        return Outcome(CONFIRM if mailed else CONFIRM_MAILED_BEFORE, article, email=data["user_email"])
    comment = comment_create(article=article, data=data, proven=proven)
    return Outcome(PUBLISHED if comment.is_visible else HELD, article, comment)  # banned: "held"


def comment_create(*, article: Article, data: dict, proven: bool = False) -> Comment:
    """Save a comment, held when any rule says so; tell followers or moderators once it is saved.

    `data` holds the Comment's fields as CommentForm.comment_data() gives them, and `ip_address`.
    A banned commenter's comment goes to Spam, and nobody is told: to its author it is held
    (comments/people.py). A trusted one's skips the first-time hold.
    """
    user = data.get("user")
    verdict = None
    if user is None or not user.has_perm("comments.moderate_comment"):
        verdict = people.verdict(email=data["user_email"], ip=data.get("ip_address"), proven=proven)
    banned = verdict == CommenterRule.Kind.BAN
    reasons = [str(HoldReason.BANNED)] if banned else rules.hold_reasons(
        text=data["comment"],
        name=data["user_name"],
        email=data["user_email"],
        url=data["user_url"],
        ip=data.get("ip_address"),
        user=user,
        proven=proven,
        trusted=verdict == CommenterRule.Kind.TRUST,
    )  # fmt: skip
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
            is_removed=banned,
            is_spam=banned,
            hold_reasons=reasons,
            by_staff=bool(data.get("by_staff")),
        )
        comment.save()
        comments_recount(article_pks=[article.pk])
        if comment.is_visible:
            after_commit(mail.reply_notifications, comment)
        elif not banned:
            after_commit(mail.moderators_waiting)
    return comment


# Waiting for the author's address ------------------------------------------------


def pending_comment_create(*, article: Article, data: dict, browser: str) -> tuple[PendingComment, bool]:
    """Keep a comment until its author confirms the address; True when a link was mailed for it.

    At most one confirmation mail per address per COMMENTS_CONFIRM_MAIL_INTERVAL, whoever
    asks: a comment sent within it waits for the link already sent (opened in the
    browser it was written in, that link publishes it too). Expired pending comments go.
    """
    now = timezone.now()
    email = normalise_email(data["user_email"])
    with transaction.atomic():
        PendingComment.objects.filter(submitted_at__lt=now - _confirm_max_age()).delete()
        pending = PendingComment.objects.create(
            article=article,
            email=email,
            browser=browser,
            user_name=data["user_name"],
            user_url=data["user_url"],
            text=data["comment"],
            parent_id=data.get("parent_id") or 0,
            replied_to_id=data.get("replied_to_id"),
            followup=bool(data.get("followup")),
            ip_address=data.get("ip_address"),
            submitted_at=data["submit_date"],
        )
        mailed = _may_mail_confirmation(email, now)
        if mailed:
            PendingComment.objects.filter(pk=pending.pk).update(mailed_at=now)
            transaction.on_commit(lambda: _mail_confirmation(pending))
    return pending, mailed


def _confirm_max_age() -> timedelta:
    return timedelta(seconds=settings.COMMENTS_CONFIRM_MAX_AGE)


def _mail_key(email: str) -> str:
    return f"comments:confirm-mailed:{hashlib.sha256(email.encode()).hexdigest()[:24]}"


def _may_mail_confirmation(email: str, now) -> bool:
    """No link to this address within the interval: in the database (kept) and the cache (atomic)."""
    interval = settings.COMMENTS_CONFIRM_MAIL_INTERVAL
    since = now - timedelta(seconds=interval)
    if PendingComment.objects.filter(email=email, mailed_at__gte=since).exists():
        return False
    return cache.add(_mail_key(email), True, interval)


def _mail_confirmation(pending: PendingComment) -> None:
    """A mail server that is down is no error page; the next comment from this address asks again."""
    try:
        mail.confirmation_request(pending, tokens.pending_token(pending))
    except Exception:
        logger.exception("Comment confirmation mail for pending comment %s failed", pending.pk)
        PendingComment.objects.filter(pk=pending.pk).update(mailed_at=None)
        cache.delete(_mail_key(pending.email))


def pending_comments_for(*, pending: PendingComment, browser: str = "") -> list[PendingComment]:
    """What confirming `pending` publishes: it, and its address's other unconfirmed comments
    written in the same browser as it or in the browser pressing the button."""
    browsers = {pending.browser, browser} - {""}
    return list(
        PendingComment.objects.filter(
            email=pending.email,
            confirmed_at=None,
            submitted_at__gte=timezone.now() - _confirm_max_age(),
            article__in=Article.objects.published(),
        )
        .filter(Q(pk=pending.pk) | Q(browser__in=browsers))
        .select_related("article")
    )


def pending_comments_confirm(*, pending: PendingComment, browser: str = "") -> list[Outcome]:
    """The owner of the address pressed the button: turn its pending comments into comments.

    The address is proven now, so a known commenter is not held as a first-timer. The
    first outcome is the linked comment's; a second press finds the comment the first made.
    """
    batch = sorted(
        pending_comments_for(pending=pending, browser=browser), key=lambda item: item.pk != pending.pk
    )
    if pending.confirmed_at is None and not pending.article.comments_are_open:
        raise tokens.BadToken("Comments are closed on this story.")
    outcomes = [] if pending.confirmed_at is None else [_outcome(pending.article, pending.comment)]
    for item in batch:
        if not item.article.comments_are_open:
            continue  # it stays pending and expires
        # One UPDATE claims it: two presses at once make one comment.
        claimed = PendingComment.objects.filter(pk=item.pk, confirmed_at=None)
        if not claimed.update(confirmed_at=timezone.now()):
            continue
        comment = comment_create(article=item.article, data=_comment_data(item), proven=True)
        PendingComment.objects.filter(pk=item.pk).update(comment=comment)
        outcomes.append(_outcome(item.article, comment))
    if not outcomes:  # pressed twice at once: the other press made it
        pending.refresh_from_db()
        outcomes.append(_outcome(pending.article, pending.comment))
    return outcomes


def _outcome(article: Article, comment: Comment | None) -> Outcome:
    if comment is None:  # confirmed, then deleted by a moderator
        return Outcome(HELD, article)
    return Outcome(PUBLISHED if comment.is_visible else HELD, article, comment)


def _comment_data(pending: PendingComment) -> dict:
    parent_id, replied_to_id = pending.parent_id, pending.replied_to_id
    if parent_id and not Comment.objects.visible().for_story(pending.article).filter(pk=parent_id).exists():
        parent_id, replied_to_id = 0, None  # the comment answered is gone: post at the top
    return {
        "content_type": ContentType.objects.get_for_model(Article),
        "user": None,
        "user_name": pending.user_name,
        "user_email": pending.email,
        "user_url": pending.user_url,
        "comment": pending.text,
        "submit_date": pending.submitted_at,
        "ip_address": pending.ip_address,
        "parent_id": parent_id,
        "replied_to_id": replied_to_id,
        "followup": pending.followup,
    }


# Reply notifications ----------------------------------------------------------------


def comment_mute(*, token: str) -> Article:
    """Stop reply notifications for the address and story a mute link names; the story."""
    article, email = tokens.mute_load(token)
    Comment.objects.for_story(article).filter(user_email__iexact=email).update(followup=False)
    return article


# Reports -----------------------------------------------------------------------


def comment_report(*, comment: Comment, reporter_key: str, user=None, reason: str, note: str = "") -> bool:
    """Record a reader's report; False when this reader reported this comment before."""
    try:
        with transaction.atomic():
            Report.objects.create(
                comment=comment,
                reporter_key=reporter_key,
                user=user if user is not None and user.is_authenticated else None,
                reason=reason,
                note=note,
            )
            after_commit(mail.moderators_waiting)
    except IntegrityError:
        return False
    return True


# Counts ---------------------------------------------------------------------------


def comments_recount(*, article_pks: Iterable[int]) -> None:
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
