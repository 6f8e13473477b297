"""The moderators' state changes: decisions on comments, undo, staff replies, bans and trusts.

Each refuses anyone without the `moderate_comment` permission (PermissionDenied) and
logs what it did as a Decision, the moderation log. Mail goes once the change commits.
"""

from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from articles.models import Article

from . import mail, people
from .models import Comment, CommenterRule, Decision, RemovalReason, Status
from .services import after_commit, comment_create, comments_recount

APPROVE = Decision.Action.APPROVE
REMOVE = Decision.Action.REMOVE
SPAM = Decision.Action.SPAM
NOT_SPAM = Decision.Action.NOT_SPAM
DISMISS = Decision.Action.DISMISS

# The flags each status is stored as.
FIELDS = {
    Status.VISIBLE: {"is_public": True, "is_removed": False, "is_spam": False},
    Status.HELD: {"is_public": False, "is_removed": False, "is_spam": False},
    Status.REMOVED: {"is_removed": True, "is_spam": False},
    Status.SPAM: {"is_removed": True, "is_spam": True},
}
# Where each decision takes a comment (NOT_SPAM: back to where it was; DISMISS: nowhere).
TARGET = {APPROVE: Status.VISIBLE, REMOVE: Status.REMOVED, SPAM: Status.SPAM}


def _check(moderator) -> None:
    if moderator is None or not moderator.has_perm("comments.moderate_comment"):
        raise PermissionDenied("Only moderators can moderate comments.")


def _status_after(comment: Comment, action: str, before: str) -> str | None:
    """The status `action` takes the comment to; None when it does not apply to it."""
    if action == NOT_SPAM:
        return _before_spam(comment) if before == Status.SPAM else None
    if action == DISMISS:
        return before if before != Status.SPAM and comment.reports.filter(resolved_at=None).exists() else None
    after = TARGET[action]
    return after if after != before else None


def comment_moderate(
    *,
    comments: Iterable[Comment],
    action: str,
    moderator,
    reason: RemovalReason | None = None,
    notify: bool = False,
) -> list[Decision]:
    """Apply a moderator's decision to comments and log each change; the decisions made.

    A decision that would change nothing is skipped (approving a published comment,
    dismissing reports on a comment that has none). Every decision resolves the comment's
    open reports; DISMISS does only that. REMOVE may carry a `reason` from the newsroom's
    list and, with `notify`, mail it to the commenter.
    """
    _check(moderator)
    if action not in (*TARGET, NOT_SPAM, DISMISS):
        raise ValueError(f"No such moderation action: {action}")
    if action != REMOVE:
        reason, notify = None, False
    made, newly_visible, now = [], [], timezone.now()
    with transaction.atomic():
        pks = [c.pk for c in comments]
        for comment in Comment.objects.select_related(None).select_for_update().filter(pk__in=pks):
            before = comment.status
            after = _status_after(comment, action, before)
            if after is None:
                continue
            Comment.objects.filter(pk=comment.pk).update(**FIELDS[after])
            comment.reports.filter(resolved_at__isnull=True).update(resolved_at=now)
            mailed = bool(notify and reason and comment.user_email)
            made.append(
                Decision(
                    comment=comment, moderator=moderator, action=action, from_status=before,
                    to_status=after, decided_at=now, reason=reason, mailed=mailed,
                )
            )  # fmt: skip
            if mailed:
                after_commit(mail.removed, comment, reason)
            if after == Status.VISIBLE and before != Status.VISIBLE:
                newly_visible.append((comment, before))
        Decision.objects.bulk_create(made)
        comments_recount(
            article_pks={int(d.comment.object_pk) for d in made if d.comment.object_pk.isdigit()}
        )
        for comment, before in newly_visible:
            after_commit(mail.reply_notifications, comment)
            if before == Status.HELD:
                after_commit(mail.approved, comment)
    return made


def _before_spam(comment: Comment) -> str:
    """Undo a spam mark: back to what the comment was before it (held when nobody knows)."""
    last = comment.decisions.filter(to_status=Status.SPAM).order_by("-decided_at", "-pk").first()
    return Status.VISIBLE if last is not None and last.from_status == Status.VISIBLE else Status.HELD


def decision_undo(*, decision: Decision, moderator) -> Decision | None:
    """Put a comment back as it was before `decision`, and reopen the reports it resolved.

    Only the latest decision on its comment can be undone, and only while the comment is
    still as that decision left it; None otherwise. Mail the decision sent is not recalled.
    """
    _check(moderator)
    if decision.comment_id is None or decision.action not in (*TARGET, NOT_SPAM, DISMISS):
        return None
    with transaction.atomic():
        comment = (
            Comment.objects.select_related(None).select_for_update().filter(pk=decision.comment_id).first()
        )
        latest = (
            Decision.objects.filter(comment_id=decision.comment_id).order_by("-decided_at", "-pk").first()
        )
        if comment is None or latest != decision or comment.status != decision.to_status:
            return None
        Comment.objects.filter(pk=comment.pk).update(**FIELDS[Status(decision.from_status)])
        comment.reports.filter(resolved_at=decision.decided_at).update(resolved_at=None)
        undo = Decision.objects.create(
            comment=comment, moderator=moderator, action=Decision.Action.UNDO,
            from_status=decision.to_status, to_status=decision.from_status,
            note=f"Undid “{decision.get_action_display()}” of {decision.decided_at:%H:%M:%S}",
        )  # fmt: skip
        comments_recount(article_pks=[int(comment.object_pk)] if comment.object_pk.isdigit() else [])
    return undo


def comment_staff_reply(*, parent: Comment, text: str, moderator) -> Comment:
    """Publish a reply from the newsroom under the moderator's name, marked Staff on the story page.

    The comment answered must be published (a ValidationError otherwise). At the deepest
    level the reply goes beside it, "in reply to" it, as readers' replies do.
    """
    _check(moderator)
    text = text.strip()
    if not text:
        raise ValidationError("Write a reply first.")
    if len(text) > settings.COMMENT_MAX_LENGTH:
        raise ValidationError(f"Keep the reply under {settings.COMMENT_MAX_LENGTH} characters.")
    if not parent.is_visible:
        raise ValidationError("Approve the comment before replying to it: readers cannot see it yet.")
    article = Article.objects.filter(pk=parent.object_pk).first() if parent.object_pk.isdigit() else None
    if article is None:
        raise ValidationError("The story this comment belongs to is gone.")
    deepest = parent.level >= settings.COMMENTS_MAX_DEPTH - 1
    data = {
        "content_type": ContentType.objects.get_for_model(Article),
        "user": moderator,
        "user_name": (moderator.get_full_name() or moderator.get_username())[:50],
        "user_email": moderator.email,
        "user_url": "",
        "comment": text,
        "submit_date": timezone.now(),
        "ip_address": None,
        "parent_id": parent.parent_id if deepest else parent.pk,
        "replied_to_id": parent.pk if deepest else None,
        "followup": False,
        "by_staff": True,
    }
    with transaction.atomic():
        reply = comment_create(article=article, data=data, proven=True)
        Decision.objects.create(
            comment=reply, moderator=moderator, action=Decision.Action.REPLY,
            from_status="", to_status=reply.status, note=f"In reply to comment {parent.pk}",
        )  # fmt: skip
    return reply


def commenter_rule_create(
    *, kind: str, match: str, value: str, moderator, expires_at=None, note: str = ""
) -> CommenterRule:
    """Ban or trust an email, domain, IP or network (ValidationError for a value that is none)."""
    _check(moderator)
    if kind not in CommenterRule.Kind.values:
        raise ValidationError("Choose ban or trust.")
    value = people.normalise_rule_value(match, value)
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError("Choose a time in the future, or none.")
    with transaction.atomic():
        rule = CommenterRule.objects.create(
            kind=kind, match=match, value=value, note=note.strip()[:500],
            expires_at=expires_at, created_by=moderator,
        )  # fmt: skip
        Decision.objects.create(
            moderator=moderator,
            action=kind,
            rule=rule,
            note=_describe(rule),
        )
    return rule


def commenter_rule_lift(*, rule: CommenterRule, moderator) -> bool:
    """End a ban or trust now; False when it had already ended."""
    _check(moderator)
    with transaction.atomic():
        lifted = CommenterRule.objects.filter(pk=rule.pk, lifted_at=None).update(
            lifted_at=timezone.now(), lifted_by=moderator
        )
        if lifted:
            rule.refresh_from_db()
            Decision.objects.create(
                moderator=moderator, action=Decision.Action.LIFT, rule=rule, note=_describe(rule)
            )
    return bool(lifted)


def _describe(rule: CommenterRule) -> str:
    until = f" until {timezone.localtime(rule.expires_at):%Y-%m-%d %H:%M}" if rule.expires_at else ""
    note = f" ({rule.note})" if rule.note else ""
    return f"{rule}{until}{note}"[:500]
