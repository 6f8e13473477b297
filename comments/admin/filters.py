"""What the queue lists: the status tabs, and the story or section a queue is for.

The tabs' conditions are written once, here, and used both to filter the list and to count
each tab (counts.py). The story and section scopes are plain query parameters (`?story=<pk>`,
`?section=<slug>`), read as list filters so that Django's ChangeList accepts them and keeps
them in its search form, pagination and sorting links.
"""

from dataclasses import dataclass

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.text import Truncator

from articles.models import Article, Section

from ..models import HELD, VISIBLE, HoldReason, Report

WAITING, REPORTED, ALL = "waiting", "reported", "all"


def reported() -> Q:
    """Not removed, with a report nobody has resolved: models.reported(), written as IN, not EXISTS.

    The same comments; but PostgreSQL runs an uncorrelated IN once and hashes it, where the
    correlated EXISTS inside the tabs' conditional counts is probed once per comment.
    """
    open_reports = Report.objects.filter(resolved_at__isnull=True).values("comment_id")
    return Q(pk__in=open_reports, is_removed=False)


def waiting() -> Q:
    return HELD | reported()


# The tabs, in the order they stand, and the condition each lists.
TABS = {
    WAITING: ("Waiting", waiting),
    REPORTED: ("Reported", reported),
    "held": ("Held", lambda: HELD),
    "visible": ("Published", lambda: VISIBLE),
    "spam": ("Spam", lambda: Q(is_removed=True, is_spam=True)),
    "removed": ("Removed", lambda: Q(is_removed=True, is_spam=False)),
}


def tab_of(value: str | None) -> str:
    """The tab a `status` parameter names; Waiting for none or one we do not know."""
    return value if value in TABS or value == ALL else WAITING


def article_type() -> ContentType:
    return ContentType.objects.get_for_model(Article)


def scope_condition(*, story: str | None = None, section: str | None = None) -> Q:
    """Comments on one story (its pk) or on the stories of one section (its slug); all without either."""
    condition = Q()
    if story:
        condition &= Q(content_type=article_type(), object_pk=story)
    if section:
        # The section's stories as a list (one small query): a list lets PostgreSQL use the
        # (object_pk, submit_date) index; a subquery of cast keys had it test every comment.
        keys = [str(pk) for pk in Article.objects.filter(section__slug=section).values_list("pk", flat=True)]
        condition &= Q(content_type=article_type(), object_pk__in=keys)
    return condition


@dataclass
class Scope:
    """The story or section a queue is for, as the heading and the "queue for" chip name it."""

    story: str = ""
    section: str = ""
    name: str = ""
    found: bool = True

    @classmethod
    def from_params(cls, params) -> "Scope":
        story, section = params.get("story", ""), params.get("section", "")
        if story:
            article = Article.objects.only("headline").filter(pk=story).first() if story.isdigit() else None
            return cls(story=story, name=article.headline if article else "", found=article is not None)
        if section:
            found = Section.objects.only("name").filter(slug=section).first()
            return cls(section=section, name=found.name if found else "", found=found is not None)
        return cls()

    @property
    def is_set(self) -> bool:
        return bool(self.story or self.section)

    @property
    def heading(self) -> str:
        if not self.is_set:
            return "Moderation queue"
        if not self.found:
            return "Moderation queue: no such story" if self.story else "Moderation queue: no such section"
        what = f"“{Truncator(self.name).chars(70)}”" if self.story else f"the {self.name} section"
        return f"Comments on {what}" if self.story else f"Comments in {what}"

    @property
    def chip(self) -> str:
        if not self.found:
            return "a story that is not there" if self.story else "a section that is not there"
        return Truncator(self.name).chars(40) if self.story else f"section {self.name}"

    def params(self) -> dict[str, str]:
        return {"story": self.story} if self.story else {"section": self.section} if self.section else {}


class StatusFilter(admin.SimpleListFilter):
    """The tab: Waiting unless another is asked for; `all` lists every comment."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _) in TABS.items()] + [(ALL, "All")]

    def queryset(self, request, queryset):
        tab = tab_of(self.value())
        return queryset if tab == ALL else queryset.filter(TABS[tab][1]())


class StoryFilter(admin.SimpleListFilter):
    """`?story=<pk>`: one story's queue (offered by the story's admin page and each row's story link)."""

    title = "story"
    parameter_name = "story"

    def lookups(self, request, model_admin):
        # Chosen from a row or a story's page, never from a list; a filter with no choice is not
        # applied by Django's ChangeList, so the one chosen is the one choice.
        return [(self.value(), self.value())] if self.value() else ()

    def queryset(self, request, queryset):
        return queryset.filter(scope_condition(story=self.value())) if self.value() else queryset


class SectionFilter(admin.SimpleListFilter):
    """`?section=<slug>`: the queue of one section's stories."""

    title = "section"
    parameter_name = "section"

    def lookups(self, request, model_admin):
        return [(self.value(), self.value())] if self.value() else ()

    def queryset(self, request, queryset):
        return queryset.filter(scope_condition(section=self.value())) if self.value() else queryset


class ReasonFilter(admin.SimpleListFilter):
    title = "reason held"
    parameter_name = "reason"

    def lookups(self, request, model_admin):
        return HoldReason.choices

    def queryset(self, request, queryset):
        code = self.value()
        if code not in HoldReason.values:
            return queryset
        # The list is stored as JSON text; a quoted code matches one whole entry on every database.
        held_for = Q(hold_reasons__icontains=f'"{code}"')
        if code == HoldReason.REPORTED:
            held_for |= reported()
        return queryset.filter(held_for)
