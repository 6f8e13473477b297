"""Reader comments: django-comments-xtd's threaded comment plus what moderation needs.

A comment is *visible* (shown to readers) when it is public and not removed;
`Comment.objects.visible()` is the one definition. Held comments are not public
and not removed; removed ones are removed; spam is removed and marked spam. A
comment *waits* for a moderator when it is held, or visible with a report nobody
has resolved: `Comment.objects.waiting()` (the queue's filter and order, the count
in the admin and in the moderators' mail).

A comment whose author has not yet proved their address is not a Comment at all:
it waits as a PendingComment, which neither readers nor moderators see.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django_comments_xtd.models import XtdComment, XtdCommentManager


class HoldReason(models.TextChoices):
    LINKS = "links", "Many links"
    BLOCKLIST = "blocklist", "Blocked word or domain"
    FIRST_TIME = "first_time", "First-time commenter"
    RATE = "rate", "Many comments in a short time"
    STAFF_NAME = "staff_name", "Name looks like staff or the site"
    REPORTED = "reported", "Reported by readers"
    IMPORTED = "imported", "Awaiting moderation in WordPress"
    BANNED = "banned", "Banned commenter"


class Status(models.TextChoices):
    VISIBLE = "visible", "Published"
    HELD = "held", "Held"
    REMOVED = "removed", "Removed"
    SPAM = "spam", "Spam"


VISIBLE = Q(is_public=True, is_removed=False)
HELD = Q(is_public=False, is_removed=False)


def reported() -> Q:
    """Not removed, with a report nobody has resolved (a condition on comments)."""
    return Q(
        Exists(Report.objects.filter(comment=OuterRef("pk"), resolved_at__isnull=True)), is_removed=False
    )


def waiting() -> Q:
    """Held, or reported: what a moderator should look at."""
    return HELD | reported()


class CommentQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(VISIBLE)

    def held(self):
        return self.filter(HELD)

    def reported(self):
        return self.filter(reported())

    def waiting(self):
        return self.filter(waiting())

    def waiting_count(self) -> int:
        """`waiting().count()` by its two disjoint parts, held and reported-and-published, in one query.

        Each part is found by its partial index (migration 0006); the count of `waiting()`
        itself asks every comment whether it has an open report (docs/performance.md).
        """
        held = self.held().order_by().values("pk")
        return held.union(self.reported().filter(is_public=True).order_by().values("pk"), all=True).count()

    def spam(self):
        return self.filter(is_removed=True, is_spam=True)

    def removed(self):
        return self.filter(is_removed=True, is_spam=False)

    def for_story(self, article):
        return self.filter(content_type=ContentType.objects.get_for_model(article), object_pk=str(article.pk))


class CommentManager(XtdCommentManager.from_queryset(CommentQuerySet)):
    pass


class Comment(XtdComment):
    """One reader comment. Threading (thread_id, parent_id, level, order) comes from xtd."""

    xtdcomment_ptr = models.OneToOneField(
        XtdComment,
        parent_link=True,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="newsroom_comment",
    )
    replied_to = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The comment answered, when the reply sits beside it at the deepest level.",
    )
    text_html = models.TextField(
        blank=True,
        editable=False,
        help_text="The text as readers see it, made safe when the comment is saved.",
    )
    hold_reasons = models.JSONField(default=list, blank=True)
    is_spam = models.BooleanField(default=False)
    by_staff = models.BooleanField(
        default=False, help_text="Written by the newsroom's staff from the queue: shown with a Staff badge."
    )

    objects = CommentManager()

    class Meta:
        verbose_name = "comment"
        verbose_name_plural = "comments"
        permissions = [("moderate_comment", "Can approve, remove and mark comments as spam")]

    def save(self, *args, **kwargs):
        from .templatetags.comment_display import comment_html

        self.text_html = comment_html(self.comment)
        super().save(*args, **kwargs)

    @property
    def status(self) -> str:
        if self.is_removed:
            return Status.SPAM if self.is_spam else Status.REMOVED
        return Status.VISIBLE if self.is_public else Status.HELD

    def get_status_display(self) -> str:
        return Status(self.status).label

    @property
    def is_visible(self) -> bool:
        return self.status == Status.VISIBLE

    def hold_reason_labels(self) -> list[str]:
        labels = dict(HoldReason.choices)
        return [labels.get(code, code) for code in self.hold_reasons]

    def get_absolute_url(self, anchor_pattern="#c{id}"):
        return self.content_object.get_absolute_url() + anchor_pattern.format(id=self.pk)


class Report(models.Model):
    """A reader's "Report": one per reader (a signed-in account, else an IP) per comment."""

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam or advertising"
        ABUSE = "abuse", "Abusive or hateful"
        OFF_TOPIC = "off_topic", "Off topic"
        OTHER = "other", "Something else"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter_key = models.CharField(max_length=80)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    reason = models.CharField(max_length=20, choices=Reason.choices, default=Reason.OTHER)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter_key"], name="one_report_per_reader"),
        ]
        # The queue finds open reports among every report ever made (migration 0006).
        indexes = [
            models.Index(
                fields=["comment"], condition=Q(resolved_at__isnull=True), name="comments_report_open"
            )
        ]

    def __str__(self):
        return f"{self.get_reason_display()} on comment {self.comment_id}"


class RemovalReason(models.Model):
    """Why a comment was removed, from a list the newsroom edits; optionally mailed to its author."""

    label = models.CharField(max_length=80, unique=True)
    explanation = models.TextField(
        help_text="What the commenter is told, if the moderator chooses to tell them. Plain text."
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Lower comes first in the list.")
    is_active = models.BooleanField("offered", default=True, help_text="Untick to stop offering it.")

    class Meta:
        ordering = ["position", "label"]

    def __str__(self):
        return self.label


class Decision(models.Model):
    """The moderation log: who did what to which comment (or commenter), and when."""

    class Action(models.TextChoices):
        APPROVE = "approve", "Approved"
        REMOVE = "remove", "Removed"
        SPAM = "spam", "Marked as spam"
        NOT_SPAM = "not_spam", "Marked as not spam"
        DISMISS = "dismiss", "Report dismissed"
        UNDO = "undo", "Undone"
        REPLY = "reply", "Replied as staff"
        BAN = "ban", "Banned"
        TRUST = "trust", "Trusted"
        LIFT = "lift", "Ban or trust lifted"

    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="decisions"
    )
    moderator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    action = models.CharField(max_length=20, choices=Action.choices)
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    decided_at = models.DateTimeField(default=timezone.now, db_index=True)
    reason = models.ForeignKey(RemovalReason, null=True, blank=True, on_delete=models.SET_NULL)
    mailed = models.BooleanField(default=False, help_text="The reason was mailed to the commenter.")
    rule = models.ForeignKey(
        "CommenterRule", null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        verbose_name = "moderation decision"

    def __str__(self):
        if self.comment_id is None:
            return f"{self.get_action_display()}: {self.note}"
        return f"{self.get_action_display()} comment {self.comment_id}"


class CommenterRuleQuerySet(models.QuerySet):
    def active(self, now=None):
        now = now or timezone.now()
        return self.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now), lifted_at__isnull=True)


class CommenterRule(models.Model):
    """A ban or a trust, by email, IP, network or email domain, with an optional expiry.

    A banned commenter's new comments go to Spam without telling them; a trusted one's skip
    the first-time hold. Matching lives in comments/people.py; changes go through services.
    """

    class Kind(models.TextChoices):
        BAN = "ban", "Ban"
        TRUST = "trust", "Trust"

    class Match(models.TextChoices):
        EMAIL = "email", "Email address"
        DOMAIN = "domain", "Email domain"
        IP = "ip", "IP address"
        NETWORK = "network", "IP network"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    match = models.CharField("by", max_length=10, choices=Match.choices)
    value = models.CharField(
        max_length=254, help_text="Stored in its normal form: lower case, a network's prefix."
    )
    note = models.CharField(max_length=500, blank=True)
    expires_at = models.DateTimeField("until", null=True, blank=True, help_text="Empty: until lifted.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CommenterRuleQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "ban or trust"
        verbose_name_plural = "bans and trusts"
        indexes = [models.Index(fields=["match", "value"], name="commenter_rule_lookup")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.get_match_display().replace('Email', 'email')} {self.value}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None and (self.expires_at is None or self.expires_at > timezone.now())


class BlockedTerm(models.Model):
    """A word, phrase or domain that holds any comment containing it for moderation."""

    class Kind(models.TextChoices):
        WORD = "word", "Word or phrase"
        DOMAIN = "domain", "Domain"

    term = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.WORD)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "term"]
        constraints = [models.UniqueConstraint(fields=["kind", "term"], name="unique_blocked_term")]

    def __str__(self):
        return self.term

    def save(self, *args, **kwargs):
        self.term = self.term.strip().lower()
        if self.kind == self.Kind.DOMAIN:
            self.term = self.term.removeprefix("http://").removeprefix("https://").split("/")[0]
            self.term = self.term.removeprefix("www.")
        super().save(*args, **kwargs)


class PendingComment(models.Model):
    """A comment waiting for its author to confirm their address from the mail we sent.

    Readers and moderators never see it. Confirming turns it into a Comment (see
    `services.pending_comments_confirm`); after COMMENTS_CONFIRM_MAX_AGE it is deleted.
    """

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="+")
    email = models.EmailField(db_index=True, help_text="Stored in lower case.")
    browser = models.CharField(max_length=64, help_text="The key (a cookie) of the browser it came from.")
    user_name = models.CharField(max_length=50)
    user_url = models.URLField(blank=True)
    text = models.TextField()
    parent_id = models.PositiveBigIntegerField(default=0, help_text="The comment answered; 0: a new thread.")
    replied_to_id = models.PositiveBigIntegerField(null=True, blank=True)
    followup = models.BooleanField(default=False)
    ip_address = models.GenericIPAddressField(unpack_ipv4=True, null=True, blank=True)
    submitted_at = models.DateTimeField(default=timezone.now, db_index=True)
    mailed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the confirmation link for this one was mailed, if it was."
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    comment = models.OneToOneField(
        Comment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The comment it became, once confirmed.",
    )

    class Meta:
        ordering = ["submitted_at", "pk"]

    def __str__(self):
        return f"Comment awaiting confirmation on story {self.article_id}"
