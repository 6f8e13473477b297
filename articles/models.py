"""The newsroom's content: sources, sections, authors, stories and corrections."""

from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from .images import prepare_renditions, renditions_stored, stored, validate_image
from .indexes import NewestFirstIndex
from .querysets import ArticleQuerySet
from .sanitize import sanitize_html
from .slugs import is_old_slug_of_another, unique_slug


class Source(models.Model):
    """Who first published a syndicated story."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    homepage = models.URLField(blank=True)
    description = models.TextField(blank=True)
    attribution = models.CharField(
        max_length=200,
        blank=True,
        help_text="The name its stories end with, as the source wants to be credited; "
        "leave empty to use the name above.",
    )
    terms = models.TextField(
        "licence or terms", blank=True, help_text="The licence or agreement we republish under."
    )
    canonical_to_original = models.BooleanField(
        "search engines should list the original, not our copy",
        default=False,
        help_text="Tick when the agreement asks for it: our page then names the original as the main copy "
        "(rel=canonical), so search results lead to the source.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # The page draws the dash; one typed out of habit is dropped, not doubled.
        self.attribution = self.attribution.strip().lstrip("–—-").strip() or self.name
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:source", args=[self.slug])


def next_section_position() -> int:
    """A new section's place: after every existing one, so adding a section never reorders the menu."""
    last = Section.objects.aggregate(last=models.Max("position"))["last"]
    return 0 if last is None else last + 1


class Section(models.Model):
    """A desk of the newsroom; every published story belongs to one."""

    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(
        "order", default=next_section_position, help_text="Lower comes first in the site's menu."
    )

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:section", args=[self.slug])


class Author(models.Model):
    name = models.CharField("display name", max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    bio = models.TextField(blank=True)
    photo = models.ImageField(upload_to="authors/", blank=True, validators=[validate_image])
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:author", args=[self.slug])


class TaggedArticle(TaggedItemBase):
    """Tags through a real foreign key, so tag queries use plain joins and indexes."""

    content_object = models.ForeignKey("Article", on_delete=models.CASCADE)

    class Meta:
        verbose_name, verbose_name_plural = "tag on a story", "tags on stories"
        unique_together = [("content_object", "tag")]


NEWEST_FIRST = (F("published_at").desc(nulls_last=True), F("id").desc())
PUBLISHED = Q(status="published")


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    headline = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, help_text="The last part of the story’s address.")
    standfirst = models.TextField(
        blank=True, max_length=600, help_text="The one or two sentences under the headline."
    )
    body = models.TextField(blank=True)

    lead_image = models.ImageField(
        upload_to="articles/%Y/%m/",
        blank=True,
        validators=[validate_image],
        width_field="lead_image_width",
        height_field="lead_image_height",
    )
    lead_image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    lead_image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    lead_image_renditions = models.JSONField(default=list, blank=True, editable=False)
    lead_image_alt = models.CharField(
        "alt text",
        max_length=250,
        blank=True,
        help_text="What the image shows, for readers who cannot see it. Required with an image.",
    )
    lead_image_caption = models.CharField("caption", max_length=300, blank=True)
    lead_image_credit = models.CharField("credit", max_length=150, blank=True)

    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.PROTECT, related_name="articles"
    )
    tags = TaggableManager(through=TaggedArticle, blank=True)
    authors = models.ManyToManyField(Author, through="Byline", related_name="articles", blank=True)
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.PROTECT, related_name="articles"
    )
    original_url = models.URLField(
        "original URL", max_length=500, blank=True, help_text="Where the source published it."
    )

    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        "publication time",
        null=True,
        blank=True,
        help_text="A published story with a future time is scheduled; it appears at that time.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Counts content saves: a form opened at revision 4 may save only while it is still 4.
    revision = models.PositiveIntegerField(default=0, editable=False)
    status_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_back_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When an editor last sent it back to its reporter."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    comments_open = models.BooleanField(
        default=True, help_text="Untick to close comments now; they also close on their own after a while."
    )
    comment_count = models.PositiveIntegerField(
        default=0, editable=False, help_text="Visible comments; kept current by comments.services."
    )
    is_featured = models.BooleanField("featured", default=False)
    is_breaking = models.BooleanField("breaking news", default=False)
    meta_description = models.CharField(
        max_length=300, blank=True, help_text="For search engines; the standfirst when empty."
    )
    social_image = models.ImageField(
        upload_to="social/%Y/%m/",
        blank=True,
        validators=[validate_image],
        help_text="Shown when the story is shared; the lead image when empty.",
    )

    # Kept current by a PostgreSQL trigger (migration 0004_search); unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name, verbose_name_plural = "story", "stories"
        ordering = [*NEWEST_FIRST]
        # Each reader list reads its newest stories straight from an index, in the order above.
        indexes = [
            NewestFirstIndex("status", *NEWEST_FIRST, name="article_newest_idx"),
            NewestFirstIndex(
                "section", *NEWEST_FIRST, condition=PUBLISHED, name="article_section_newest_idx"
            ),
            NewestFirstIndex(
                *NEWEST_FIRST, condition=PUBLISHED & Q(is_featured=True), name="article_featured_idx"
            ),
            NewestFirstIndex(
                *NEWEST_FIRST, condition=PUBLISHED & Q(is_breaking=True), name="article_breaking_idx"
            ),
        ]
        permissions = [("publish_article", "Can publish, schedule and unpublish stories")]

    def __str__(self):
        return self.headline

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._saved_lead_image = self.lead_image.name if "lead_image" in self.__dict__ else None
        self._saved_slug = self.__dict__.get("slug")
        self._renditions = None  # made by clean(), stored by save()

    def save(self, *args, **kwargs):
        if kwargs.get("update_fields") is None:  # a content save, not a workflow step
            self.revision = (self.revision or 0) + 1
        self.body = sanitize_html(self.body)
        if not self.slug:
            self.slug = unique_slug(Article, self.headline, exclude_pk=self.pk)
        if not self.lead_image_changed():
            if not self.lead_image:
                self.lead_image_renditions = []
            super().save(*args, **kwargs)
        else:
            renditions = self._renditions
            if renditions is None or renditions.source is not self.lead_image:  # not made by clean()
                renditions = prepare_renditions(self.lead_image)
            self.lead_image_renditions = renditions.described
            # Stored before the image is; if the row is not written, neither file is kept.
            with renditions_stored(renditions):
                super().save(*args, **kwargs)
        self._renditions = None
        if self._saved_slug and self._saved_slug != self.slug:
            # The old address keeps working: it answers 301 to the new one. An old address of
            # another story stays that story's; one of this story's own becomes its address again.
            OldSlug.objects.get_or_create(slug=self._saved_slug, defaults={"article": self})
            OldSlug.objects.filter(slug=self.slug, article=self).delete()
        self._saved_slug = self.slug
        self._saved_lead_image = self.lead_image.name

    def get_absolute_url(self):
        """The reader's address; a story without a section or time has only its preview."""
        if not (self.section_id and self.published_at):
            return reverse("articles:preview", args=[self.pk])
        day = timezone.localtime(self.published_at)
        return reverse(
            "articles:detail",
            kwargs={
                "section": self.section.slug,
                "year": day.year,
                "month": f"{day.month:02d}",
                "day": f"{day.day:02d}",
                "slug": self.slug,
            },
        )

    @property
    def is_public(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def comments_are_open(self) -> bool:
        """Readers may comment: the editor's switch is on and the story is not too old."""
        if not (self.comments_open and self.is_public):
            return False
        days = settings.COMMENTS_CLOSE_AFTER_DAYS
        return days is None or timezone.now() < self.published_at + timedelta(days=days)

    def lead_image_changed(self) -> bool:
        """A new upload, or another stored file, since the story was read."""
        return bool(self.lead_image) and (
            not stored(self.lead_image) or self.lead_image.name != self._saved_lead_image
        )

    def clean(self):
        if self.lead_image and not self.lead_image_alt.strip():
            raise ValidationError({"lead_image_alt": "Describe the image for readers who cannot see it."})
        if self.original_url and not self.source_id:
            raise ValidationError({"source": "Choose the source the original URL belongs to."})
        if self.lead_image_changed():
            # Made while the form is checked, so an image that cannot be processed is a form error.
            try:
                self._renditions = prepare_renditions(self.lead_image)
            except ValidationError as error:
                raise ValidationError({"lead_image": error}) from None

    def validate_unique(self, exclude=None):
        """Unique fields, and a slug that is no other story's old address (that keeps leading there)."""
        super().validate_unique(exclude)  # the slug is the only unique field
        if "slug" not in (exclude or ()) and is_old_slug_of_another(self.slug, self.pk):
            message = (
                "This address is taken: another story had it before, and its old links still lead there."
            )
            raise ValidationError(
                {"slug": ValidationError(f"{message} Choose another slug.", code="old_address")}
            )

    def publication_problems(self) -> list[str]:
        """What stops this story from going public, in an editor's words."""
        problems = []
        if not self.headline.strip():
            problems.append("it has no headline")
        if not self.body.strip():
            problems.append("it has no body")
        if not self.section_id:
            problems.append("it has no section")
        if self.lead_image and not self.lead_image_alt.strip():
            problems.append("its lead image has no alt text")
        return problems


class OldSlug(models.Model):
    """A slug a story had before; its old address redirects to the current one."""

    slug = models.SlugField(max_length=200, unique=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="old_slugs")

    def __str__(self):
        return self.slug


class Byline(models.Model):
    """An author on a story, in the order the byline names them."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="bylines")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["article", "author"], name="byline_unique_author")]

    def __str__(self):
        return f"{self.author} on {self.article}"


class Correction(models.Model):
    """A dated note an editor adds when a published story was wrong."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    text = models.TextField(help_text="What was wrong and what is right now.")
    corrected_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["corrected_at", "id"]

    def __str__(self):
        return f"Correction of {self.corrected_at:%Y-%m-%d} to {self.article}"


# The desk's own records (who is editing, what they have not saved), registered with this app.
from .editing import Autosave, EditingSession  # noqa: E402, F401
