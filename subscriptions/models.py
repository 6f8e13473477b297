"""Newsletter subscribers, the daily digests and one delivery per (digest, subscriber).

A subscriber *receives* newsletters when confirmed and not paused:
`Subscriber.objects.receiving()` is the one definition. Unsubscribed and
bouncing addresses never do.
"""

from collections.abc import Iterable

from django.db import models
from django.db.models import Count, Q
from taggit.models import Tag

from articles.models import Section


class SubscriberQuerySet(models.QuerySet):
    def receiving(self):
        return self.filter(status=Subscriber.Status.CONFIRMED, paused=False)


class Subscriber(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"
        BOUNCING = "bouncing", "Bouncing"

    email = models.EmailField(unique=True, help_text="Stored in lower case.")
    name = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True)
    paused = models.BooleanField(default=False, help_text="A paused subscriber gets no digest until resumed.")
    sections = models.ManyToManyField(Section, blank=True, related_name="+")
    tags = models.ManyToManyField(Tag, blank=True, related_name="+")

    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    consent_at = models.DateTimeField(null=True, blank=True)
    consent_ip = models.GenericIPAddressField(null=True, blank=True)
    consent_text = models.TextField(blank=True, help_text="The exact words the reader agreed to.")
    last_mailed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The last sign-up mail (confirmation or reminder); one an hour at most.",
    )
    bounce_count = models.PositiveIntegerField(default=0)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    @property
    def follows_everything(self) -> bool:
        return not self.sections.all() and not self.tags.all()


class Digest(models.Model):
    """One edition of the newsletter: the stories published in (period_start, period_end]."""

    class Kind(models.TextChoices):
        DAILY = "daily", "Daily"
        MANUAL = "manual", "Sent by hand"

    class Status(models.TextChoices):
        SENDING = "sending", "Sending"
        DONE = "done", "Done"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.DAILY)
    edition = models.DateField(help_text="The newsroom's local date of this edition.")
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    story_ids = models.JSONField(default=list, help_text="The stories in this edition, lead first.")
    subject = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="Last sign of life from a sender; a silent one is replaced."
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition"], condition=Q(kind="daily"), name="one_daily_digest_a_day"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} digest of {self.edition:%d %b %Y}"


class DeliveryQuerySet(models.QuerySet):
    def progress(self, digest_ids: Iterable[int]) -> dict[int, dict[str, int]]:
        """Each digest's deliveries by state, and their total, in one query: what the admin,
        `send_digest` and the task report."""
        digest_ids = list(digest_ids)
        State = Delivery.State
        rows = (
            self.filter(digest_id__in=digest_ids)
            .order_by()
            .values("digest_id")
            .annotate(
                total=Count("pk"), **{state: Count("pk", filter=Q(state=state)) for state in State.values}
            )
        )
        found = {row.pop("digest_id"): row for row in rows}
        empty = dict.fromkeys([*State.values, "total"], 0)
        return {pk: found.get(pk, empty) for pk in digest_ids}


class Delivery(models.Model):
    """One digest to one subscriber. The unique pair keeps a reader from being queued twice."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"  # `claimed_at` set: a sender holds it, nothing handed to the server yet
        SENDING = "sending", "Sending"  # committed just before the message goes to the mail server
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"  # the reader left before their turn came
        UNKNOWN = "unknown", "Unknown"  # its sender died while sending: maybe sent, never sent again

    digest = models.ForeignKey(Digest, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(
        Subscriber, null=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When a sender took it; its lease runs NEWSLETTER_LEASE_SECONDS from here.",
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["digest", "subscriber"], name="one_delivery_per_subscriber"),
        ]
        indexes = [models.Index(fields=["digest", "state"], name="delivery_digest_state_idx")]

    def __str__(self):
        return f"{self.digest} to {self.subscriber_id or 'an erased subscriber'}: {self.state}"


class DigestClick(models.Model):
    """How many times readers followed one story's link in one digest: a count, nothing more.

    The link is the same for every reader of the digest, so a click says nothing about who
    clicked; there is no time either (see subscriptions/clicks.py).
    """

    digest = models.ForeignKey(Digest, on_delete=models.CASCADE, related_name="clicks")
    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="+")
    clicks = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["digest", "article"], name="one_click_count_per_digest_story"),
        ]

    def __str__(self):
        return f"{self.digest}: story {self.article_id}, {self.clicks} click{'s' if self.clicks != 1 else ''}"
