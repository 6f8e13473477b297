"""The comment mails: confirm your comment, a reply to yours, comments are waiting, yours is published.

Each is plain text from a template under templates/comments/email/. Names that
readers typed never reach a header; subjects are ours. A mail to an address nobody
has proved (the confirmation) carries nothing the sender typed; the others show only
comments already published, under names that are not the recipient's greeting.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import EmailMessage, mailers
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from . import tokens

MODERATORS_MAILED_KEY = "comments:moderators-mailed"


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def _message(template: str, context: dict, to: list[str], subject: str, headers=None) -> EmailMessage:
    body = render_to_string(f"comments/email/{template}.txt", {"site_name": settings.SITE_NAME, **context})
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to, headers=headers or {})


def confirmation_request(pending, token: str) -> None:
    """The link that publishes a pending comment. Nothing the commenter typed goes in it (not the name,
    the text or the website): anyone can type any address, and the mail must not carry their words to it."""
    article = pending.article
    context = {
        "article": article,
        "story_url": _absolute(article.get_absolute_url()),
        "confirm_url": _absolute(reverse("comments:confirm", args=[token])),
        "sent_at": pending.submitted_at,
        "time_zone": timezone.get_current_timezone_name(),  # the one the date filter shows it in
        "days": max(1, settings.COMMENTS_CONFIRM_MAX_AGE // 86400),
    }
    _message("confirm", context, [pending.email], f"Confirm your comment on {settings.SITE_NAME}").send()


def reply_notifications(comment) -> int:
    """Tell the authors of the comments this one answers, if they asked; one mail per address."""
    from .models import Comment

    ancestors = set()
    if comment.level:
        wanted = {comment.parent_id, comment.replied_to_id} - {None}
        ancestors = Comment.objects.visible().filter(pk__in=wanted, followup=True)
    recipients = {}
    for earlier in ancestors:
        email = earlier.user_email.lower()
        if email and email != comment.user_email.lower():
            recipients.setdefault(email, earlier)
    if not recipients:
        return 0
    article = comment.content_object
    messages = []
    for email, earlier in recipients.items():
        mute_url = _absolute(reverse("comments:mute", args=[tokens.mute_token(email, article.pk)]))
        context = {
            "article": article,
            "comment": comment,
            "earlier": earlier,
            "mute_url": mute_url,
            "comment_url": _absolute(comment.get_absolute_url()),
        }
        # RFC 8058: the mail provider's "unsubscribe" button POSTs there; a GET only shows a button.
        headers = {"List-Unsubscribe": f"<{mute_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
        messages.append(_message("reply", context, [earlier.user_email], "A reply to your comment", headers))
    with mailers.default as connection:  # one SMTP session for all of them
        return connection.send_messages(messages)


def moderators_waiting() -> bool:
    """Mail the moderators that comments wait, at most once per COMMENTS_MODERATOR_MAIL_MINUTES."""
    from .models import Comment

    if not cache.add(MODERATORS_MAILED_KEY, True, settings.COMMENTS_MODERATOR_MAIL_MINUTES * 60):
        return False
    User = get_user_model()
    to = sorted(
        set(
            User.objects.filter(is_active=True)
            .filter(Q(groups__name="Moderator") | Q(is_superuser=True))
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )
    if not to:
        return False
    context = {
        "count": Comment.objects.waiting_count(),
        "queue_url": _absolute(reverse("admin:comments_comment_changelist")),
    }
    _message("moderators", context, to, f"Comments are waiting on {settings.SITE_NAME}").send()
    return True


def approved(comment) -> bool:
    if not (settings.COMMENTS_MAIL_ON_APPROVAL and comment.user_email):
        return False
    context = {"article": comment.content_object, "comment_url": _absolute(comment.get_absolute_url())}
    _message("approved", context, [comment.user_email], "Your comment is published").send()
    return True


def removed(comment, reason) -> bool:
    """Tell a commenter why their comment was removed, in the newsroom's words for that reason."""
    if not comment.user_email:
        return False
    context = {"article": comment.content_object, "reason": reason, "submitted": comment.submit_date}
    _message("removed", context, [comment.user_email], "Your comment was removed").send()
    return True
