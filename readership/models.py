"""Readership figures, folded each minute from Redis (readership/counting.py, readership/folding.py).

Nothing here names a reader: a row is a story's count for an hour (views) or for a day
and a referring site's domain (referrers).
"""

from django.db import models

from articles.models import Article


class StoryHour(models.Model):
    """Views of a story in one hour (UTC), from the beacons answered in it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="readership_hours")
    hour = models.DateTimeField(help_text="The hour's start, in UTC.")
    views = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "story's views in an hour"
        verbose_name_plural = "stories' views per hour"
        constraints = [models.UniqueConstraint(fields=["article", "hour"], name="readership_story_hour")]
        indexes = [models.Index(fields=["hour", "article"], name="readership_hour_article")]

    def __str__(self):
        return f"{self.article_id} @ {self.hour:%Y-%m-%d %H}:00: {self.views}"


class StoryReferrer(models.Model):
    """Views of a story in one day (UTC) that came from another site, by that site's domain."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="readership_referrers")
    day = models.DateField()
    domain = models.CharField(max_length=253)
    views = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "referring site"
        verbose_name_plural = "referring sites"
        constraints = [
            models.UniqueConstraint(fields=["article", "day", "domain"], name="readership_story_referrer")
        ]

    def __str__(self):
        return f"{self.article_id} {self.day} {self.domain}: {self.views}"


class Fold(models.Model):
    """One fold of Redis's counts into the tables above, recorded in the same transaction.

    Its token names the Redis hashes it took: a fold that died after committing is
    recognised by it and its hashes are only deleted, so no view is added twice.
    """

    token = models.CharField(max_length=64, unique=True)
    folded_at = models.DateTimeField(auto_now_add=True, db_index=True)
    views = models.PositiveIntegerField(default=0, help_text="Views added to public stories.")
    dropped = models.PositiveIntegerField(
        default=0, help_text="Beacons for stories that are not public (drafts, unknown ids)."
    )

    class Meta:
        get_latest_by = "folded_at"

    def __str__(self):
        return f"fold {self.token} at {self.folded_at:%Y-%m-%d %H:%M}: {self.views} views"
