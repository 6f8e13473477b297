"""Who is editing a story now, and what they typed but have not saved.

Two records of the editors' desk, kept apart from the story itself so that neither
ever touches what readers see:

- an EditingSession says that someone has the story open; the page's heartbeat
  (every 30 s) keeps it fresh, and leaving the page, or going quiet for longer than
  PRESENCE_TIMEOUT, ends it;
- an Autosave holds one person's unsaved form for one story (or for the story they
  are starting), replaced at each autosave and dropped when they save or discard it.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

PRESENCE_TIMEOUT = timedelta(seconds=75)  # two missed heartbeats and a margin


class EditingSession(models.Model):
    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "user"], name="editing_one_per_person")]

    def __str__(self):
        return f"{self.user} on {self.article_id}"


class Autosave(models.Model):
    """One person's unsaved form: the story's field values as typed, by field name."""

    article = models.ForeignKey(
        "articles.Article", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    fields = models.JSONField(default=dict)
    base_revision = models.PositiveIntegerField(null=True, blank=True)
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "article"], name="autosave_one_per_story"),
            # NULLs are distinct in a unique index: a new story's draft needs its own rule.
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(article=None), name="autosave_one_new_story"
            ),
        ]

    def __str__(self):
        return f"Autosave of {self.user} for {self.article_id or 'a new story'}"


def display_name(user) -> str:
    return user.get_full_name() or user.get_username()


# --- presence -------------------------------------------------------------------------


def presence_beat(*, article, user) -> EditingSession:
    """`user` has the story open now: start their session, or keep it alive."""
    now = timezone.now()
    session, created = EditingSession.objects.get_or_create(
        article=article, user=user, defaults={"started_at": now, "seen_at": now}
    )
    if not created:
        if session.seen_at < now - PRESENCE_TIMEOUT:  # came back after going quiet: a new session
            session.started_at = now
        session.seen_at = now
        session.save(update_fields=["started_at", "seen_at"])
    return session


def presence_leave(*, article, user) -> None:
    EditingSession.objects.filter(article=article, user=user).delete()


def others_editing(*, article, user) -> list[EditingSession]:
    """Who else has had the story open in the last PRESENCE_TIMEOUT, longest first."""
    return list(
        EditingSession.objects.filter(article=article, seen_at__gte=timezone.now() - PRESENCE_TIMEOUT)
        .exclude(user=user)
        .select_related("user")
        .order_by("started_at")
    )


# --- autosave --------------------------------------------------------------------------


def autosave_store(*, user, article=None, fields: dict, base_revision=None) -> Autosave:
    """Keep `user`'s unsaved form for `article` (None: the story they are starting), replacing the last."""
    with transaction.atomic():
        saved, _ = Autosave.objects.update_or_create(
            user=user,
            article=article,
            defaults={"fields": fields, "base_revision": base_revision, "saved_at": timezone.now()},
        )
    return saved


def autosave_for(*, user, article=None) -> Autosave | None:
    """`user`'s autosave for `article`, if they have one.

    Their own save or discard deletes it, so one that exists is unsaved work, even when a
    colleague saved the story since (the form then says so, and its save shows what changed).
    """
    return Autosave.objects.filter(user=user, article=article).first()


def autosave_discard(*, user, article=None) -> None:
    Autosave.objects.filter(user=user, article=article).delete()
