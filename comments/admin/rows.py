"""One row of the queue: what the template shows of a comment, and the decisions it offers."""

from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.text import Truncator
from django.utils.timesince import timesince

from articles.models import Article

from .. import moderating as services
from ..models import Comment, Status
from .people import commenter_url as people_commenter_url

# The label of each decision's button.
LABELS = {
    services.APPROVE: "Approve",
    services.REMOVE: "Remove",
    services.SPAM: "Spam",
    services.NOT_SPAM: "Not spam",
    services.DISMISS: "Dismiss report",
}


def decisions_for(status: str, is_reported: bool) -> list[str]:
    """The decisions that would change something for a comment, in the order their buttons stand."""
    match status:
        case Status.SPAM:
            return [services.NOT_SPAM]
        case Status.REMOVED:
            return [services.APPROVE, services.SPAM]
        case Status.HELD:
            return [services.APPROVE, services.REMOVE, services.SPAM]
    # Published: approving again would change nothing; a report is dismissed, or the comment goes.
    return (
        [services.DISMISS, services.REMOVE, services.SPAM]
        if is_reported
        else [services.REMOVE, services.SPAM]
    )


def moderate_url(comment_id: int, action: str) -> str:
    return reverse("admin:comments_comment_moderate", args=[comment_id, action])


def open_reports_of(comment: Comment) -> list:
    reports = getattr(comment, "open_report_list", None)
    if reports is None:
        reports = list(comment.reports.filter(resolved_at__isnull=True))
    return reports


def reasons_text(comment: Comment) -> str:
    """Why the comment waits: its hold reasons, then its readers' reports by reason."""
    parts = comment.hold_reason_labels()
    reports = open_reports_of(comment)
    if reports:
        why = Counter(report.get_reason_display() for report in reports)
        listed = ", ".join(label if n == 1 else f"{label} ×{n}" for label, n in why.items())
        parts.append(f"Reported {len(reports)}× ({listed})")
    return "; ".join(parts)


@dataclass
class Button:
    action: str
    label: str
    url: str


@dataclass
class Row:
    """A comment as the queue shows it (the template reads these names)."""

    comment: Comment
    story: Article | None
    reasons: str
    is_reported: bool
    report_notes: list[str]
    buttons: list[Button] = field(default_factory=list)
    story_queue: str = ""

    @property
    def pk(self) -> int:
        return self.comment.pk

    @property
    def status(self) -> str:
        return self.comment.status

    @property
    def remove(self) -> Button | None:
        return next((b for b in self.buttons if b.action == services.REMOVE), None)

    @property
    def age(self) -> str:
        return f"{timesince(self.comment.submit_date, depth=1)} ago"

    @property
    def parent(self) -> tuple[str, str] | None:
        """Whom a reply answers, and the start of what they wrote."""
        comment = self.comment
        text = getattr(comment, "parent_text", None)
        if not comment.parent_id or comment.parent_id == comment.pk or text is None:
            return None
        return comment.parent_name, Truncator(" ".join(text.split())).chars(80)

    @property
    def context_url(self) -> str:
        return reverse("admin:comments_comment_thread", args=[self.pk])

    @property
    def commenter_url(self) -> str:
        return people_commenter_url(self.comment.user_email)

    @property
    def reply_url(self) -> str:
        return reverse("admin:comments_comment_reply", args=[self.pk])

    @property
    def on_site_url(self) -> str:
        return reverse("admin:comments_comment_on_site", args=[self.pk])

    @property
    def change_url(self) -> str:
        return reverse("admin:comments_comment_change", args=[self.pk])


def row_of(comment: Comment, *, story: Article | None, can_moderate: bool, queue_params: dict) -> Row:
    reports = open_reports_of(comment)
    is_reported = bool(reports) and comment.status != Status.SPAM and comment.status != Status.REMOVED
    row = Row(
        comment=comment,
        story=story,
        reasons=reasons_text(comment),
        is_reported=is_reported,
        report_notes=[report.note for report in reports if report.note],
    )
    if can_moderate:
        row.buttons = [
            Button(action, LABELS[action], moderate_url(comment.pk, action))
            for action in decisions_for(comment.status, is_reported)
        ]
    if story is not None:
        row.story_queue = "?" + urlencode({**queue_params, "story": story.pk})
    return row
