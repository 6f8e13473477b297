"""The lists stories draw on (sources, sections, authors, tags), each with its story count."""

from django.contrib import admin
from django.db.models import Count
from taggit.models import Tag

from ..forms import TagForm
from ..models import Author, Section, Source


class StoryCountMixin:
    """Show how many stories each row has, counted in the list's own query."""

    story_relation = "articles"

    def get_queryset(self, request):
        queryset = (
            super().get_queryset(request).annotate(story_count=Count(self.story_relation, distinct=True))
        )
        # A grouped query ignores Meta.ordering; keep lists and autocompletes ordered.
        return queryset.order_by(*(self.ordering or self.model._meta.ordering or ["pk"]))

    @admin.display(description="stories", ordering="story_count")
    def stories(self, obj):
        return obj.story_count


@admin.register(Source)
class SourceAdmin(StoryCountMixin, admin.ModelAdmin):
    list_display = ["name", "credit", "canonical_to_original", "stories"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "attribution", "homepage"]}),
        ("Republishing", {"fields": ["terms", "canonical_to_original"]}),
        ("About the source", {"fields": ["description"]}),
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        """The credit box shows, greyed, the credit an empty box gives: the source's name."""
        form = super().get_form(request, obj, change, **kwargs)
        field = form.base_fields.get("attribution")
        if field is not None:
            field.widget.attrs = {**field.widget.attrs, "placeholder": obj.name if obj else "The name above"}
        return form

    @admin.display(description="credit under its stories", ordering="attribution")
    def credit(self, obj):
        return f"– {obj.attribution}"


@admin.register(Section)
class SectionAdmin(StoryCountMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "position", "stories"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Author)
class AuthorAdmin(StoryCountMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "user", "stories"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]
    list_select_related = ["user"]


admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(StoryCountMixin, admin.ModelAdmin):
    """Tags, without taggit's own admin: its "merge tags" page checks no permission (any
    member of staff could create tags through it) and merges taggit's generic tagged
    items, not the stories' TaggedArticle rows."""

    story_relation = "articles_taggedarticle_items"
    form = TagForm
    list_display = ["name", "slug", "stories"]
    ordering = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
