"""What an import remembers: which WordPress object became which Newsroom object, and old addresses.

`ImportedObject` makes a second import of the same export change nothing: every
WordPress author, term, post, page and comment is found again by its site and
WordPress id, and updated only when its fingerprint (a hash of what the export
says about it) differs. `OldAddress` keeps each imported post's WordPress
permalink, so links from the rest of the web keep working.
"""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class ImportedObject(models.Model):
    class Kind(models.TextChoices):
        AUTHOR = "author", "Author"
        SECTION = "section", "Category (section)"
        TAG = "tag", "Tag"
        POST = "post", "Post"
        PAGE = "page", "Page"
        COMMENT = "comment", "Comment"
        IMAGE = "image", "Image file"

    site = models.CharField(max_length=200, help_text="The WordPress site's address, from the export.")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    wp_key = models.CharField("WordPress id", max_length=200, help_text="Its id, login, slug or file path.")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    fingerprint = models.CharField(max_length=64)
    imported_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "imported WordPress object"
        constraints = [
            models.UniqueConstraint(fields=["site", "kind", "wp_key"], name="one_import_per_wordpress_object")
        ]

    def __str__(self):
        return f"WordPress {self.get_kind_display().lower()} {self.wp_key}"


class OldAddress(models.Model):
    """A WordPress address (a permalink path, or "/?p=123") answering 301 with a story's or page's address."""

    path = models.CharField(max_length=500, unique=True, help_text="The path, e.g. /2014/03/harbour-opens/")
    article = models.ForeignKey(
        "articles.Article", null=True, blank=True, on_delete=models.CASCADE, related_name="old_addresses"
    )
    page = models.ForeignKey(
        "flatpages.FlatPage", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = "old WordPress address"
        verbose_name_plural = "old WordPress addresses"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(article__isnull=False, page__isnull=True)
                | models.Q(article__isnull=True, page__isnull=False),
                name="old_address_has_one_target",
            )
        ]

    def __str__(self):
        return self.path

    def current_address(self) -> str | None:
        """Where the old address leads now; None when its story is not public (a 404, as it should be)."""
        if self.article_id:
            return self.article.get_absolute_url() if self.article.is_public else None
        from articles.pages import valid_address

        return self.page.url if valid_address(self.page.url) else None  # never "//elsewhere/"
