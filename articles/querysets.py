"""What "published" means, in one place: every reader page, feed, sitemap and the digest start here."""

from django.db import models
from django.utils import timezone


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None):
        """Stories a reader may see: published, and their time has come (`now`, unless given)."""
        return self.filter(status=self.model.Status.PUBLISHED, published_at__lte=now or timezone.now())

    def scheduled(self):
        """Published stories whose time has not come yet; they appear by themselves."""
        return self.filter(status=self.model.Status.PUBLISHED, published_at__gt=timezone.now())

    def on_desk_of(self, user):
        """Stories `user` may open in the admin and preview: all for those who may publish, else their own.

        Reporters see only what they wrote, in any state; a story of someone else's is
        not found for them (404), whatever its state.
        """
        if user.is_active and user.has_perm("articles.publish_article"):
            return self
        return self.filter(created_by=user) if user.is_authenticated else self.none()
