"""The editors' admin for stories: the form, the workflow buttons and actions, revisions."""

from django.contrib import admin, messages
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from reversion.admin import VersionAdmin

from .. import services
from ..forms import ArticleAdminForm
from ..models import Article, Byline, Correction
from .autosave import AutosaveMixin
from .history import RevisionsMixin
from .presence import PresenceMixin
from .workflow import WorkflowMixin

Status = Article.Status

EDITORIAL_FIELDS = ("is_featured", "is_breaking", "comments_open")
# What the newsroom writes in words, spell-checked by the browser as the body is.
WRITTEN_FIELDS = {
    "headline",
    "standfirst",
    "lead_image_alt",
    "lead_image_caption",
    "meta_description",
    "text",
}


class SpellCheckMixin:
    """Ask the browser to check the spelling of the fields written in words (not slugs or addresses)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and db_field.name in WRITTEN_FIELDS:
            formfield.widget.attrs["spellcheck"] = "true"
        return formfield


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 0
    min_num = 0
    autocomplete_fields = ["author"]
    fields = ["author", "position"]
    verbose_name = "author"
    verbose_name_plural = "byline (in order)"


class CorrectionInline(SpellCheckMixin, admin.StackedInline):
    model = Correction
    extra = 0
    fields = ["corrected_at", "text"]


class StatusFilter(admin.SimpleListFilter):
    """Status as editors think of it: scheduled is its own state."""

    title = "status"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("draft", "Draft"),
            ("in_review", "In review"),
            ("scheduled", "Scheduled"),
            ("live", "Published"),
            ("archived", "Archived"),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "scheduled":
                return queryset.scheduled()
            case "live":
                return queryset.published()
            case "draft" | "in_review" | "archived" as status:
                return queryset.filter(status=status)
        return queryset


@admin.register(Article)
class ArticleAdmin(
    SpellCheckMixin, PresenceMixin, AutosaveMixin, WorkflowMixin, RevisionsMixin, VersionAdmin
):
    form = ArticleAdminForm
    object_history_template = "admin/articles/article/object_history.html"
    # Four columns that fit a laptop beside the navigation and the filters: the headline gets
    # the room; status, time and section share one short cell; the source stays a filter.
    list_display = ["headline", "status_line", "byline", "preview_link"]
    list_filter = [StatusFilter, "section", "source", "tags", "authors", "published_at"]
    list_select_related = ["section"]
    search_fields = ["headline", "standfirst", "slug"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["source"]
    prepopulated_fields = {"slug": ["headline"]}
    inlines = [BylineInline, CorrectionInline]
    list_per_page = 50
    # Stories not yet given a time (drafts, stories in review) first, then the newest.
    ordering = [F("published_at").desc(nulls_first=True), "-updated_at"]
    actions = ["submit_for_review", "publish_now", "schedule", "unpublish", "send_back", "archive"]
    readonly_fields = ["state", "published_at", "updated_at", "preview_link"]
    fieldsets = [
        (None, {"fields": ["headline", "slug", "standfirst", "body", "base_revision"]}),
        ("Desk", {"fields": ["section", "tags"]}),
        (
            "Lead image",
            {"fields": ["lead_image", "lead_image_alt", "lead_image_caption", "lead_image_credit"]},
        ),
        ("Syndication", {"fields": ["source", "original_url"], "classes": ["collapse"]}),
        (
            "Publishing",
            {
                "fields": [
                    "state",
                    "published_at",
                    "schedule_at",
                    "updated_at",
                    "preview_link",
                    *EDITORIAL_FIELDS,
                ]
            },
        ),
        ("Search and sharing", {"fields": ["meta_description", "social_image"], "classes": ["collapse"]}),
    ]

    class Media:
        css = {"all": ["css/editor.css", "css/editor-desk.css", "css/editor-autosave.css"]}
        js = ["js/editor-tags.js", "js/editor-autosave.js", "js/editor-presence.js"]

    # --- who sees and changes what -------------------------------------------------

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("authors").on_desk_of(request.user)

    def get_object(self, request, object_id, from_field=None):
        """The story, if it is on this user's desk; else 404, the same for a story that does not exist.

        Every view of one story (change, history, delete, revisions, compare) comes through
        here, so a story outside a reporter's list is never opened, changed or restored,
        and the answer does not tell whether it exists. Restoring a revision keeps the
        story's current workflow state (see revisions.py).
        """
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("No story with this number on your desk.")
        state = getattr(request, "workflow_state", None)
        if state:  # a revision being restored keeps the story's workflow state and revision count
            obj.status, obj.published_at = state["status"], state["published_at"]
            obj.revision = state.get("revision", obj.revision)
        return obj

    def has_publish_permission(self, request):
        return services.can_publish(request.user)

    def has_view_permission(self, request, obj=None):
        if not super().has_view_permission(request, obj):
            return False
        return obj is None or services.can_publish(request.user) or obj.created_by_id == request.user.pk

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or services.can_publish(request.user):
            return True
        return obj.created_by_id == request.user.pk and obj.status == Status.DRAFT

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return (
            obj is None
            or services.can_publish(request.user)
            or (obj.created_by_id == request.user.pk and obj.status == Status.DRAFT)
        )

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not services.can_publish(request.user):
            readonly += EDITORIAL_FIELDS
        return readonly

    def get_fieldsets(self, request, obj=None):
        """The form's sections; "Syndication" is open when the story has (or is given) a source."""
        publisher = services.can_publish(request.user)
        posted = request.POST if request.method == "POST" else {}
        syndicated = bool(obj and (obj.source_id or obj.original_url)) or any(
            posted.get(field, "").strip() for field in ("source", "original_url")
        )
        fieldsets = []
        for name, options in super().get_fieldsets(request, obj):
            options = {**options, "fields": [f for f in options["fields"] if publisher or f != "schedule_at"]}
            if name == "Syndication" and syndicated:
                options["classes"] = [c for c in options.get("classes", []) if c != "collapse"]
            fieldsets.append((name, options))
        return fieldsets

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        """Sections and sources can be added and changed from the story form, never deleted from it."""
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in ("section", "source") and isinstance(
            getattr(formfield, "widget", None), RelatedFieldWidgetWrapper
        ):
            formfield.widget.can_delete_related = False
        return formfield

    # --- list columns --------------------------------------------------------------

    @admin.display(description="status", ordering="status")
    def state(self, obj):
        return "Scheduled" if obj.is_scheduled else obj.get_status_display()

    @admin.display(description="status", ordering="published_at")
    def status_line(self, obj):
        """“Published 6 Dec, 14:01” over the section's name: what the list used three columns for."""
        when = ""
        if obj.published_at:
            at = timezone.localtime(obj.published_at)
            short = "j M, H:i" if at.year == timezone.localtime().year else "j M Y"
            when = format_html(' <time datetime="{}">{}</time>', at.isoformat(), date_format(at, short))
        section = format_html('<span class="story-section">{}</span>', obj.section) if obj.section else ""
        return format_html('<span class="story-state">{}{}</span>{}', self.state(obj), when, section)

    @admin.display(description="authors")
    def byline(self, obj):
        return ", ".join(author.name for author in obj.authors.all())

    @admin.display(description="preview")
    def preview_link(self, obj):
        if not obj or not obj.pk:
            return "Save the story to preview it."
        return format_html('<a href="{}" target="_blank" rel="noopener">Preview</a>', obj.get_absolute_url())

    # --- saving --------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        """Saved through the service, which refuses a save made from an older revision than the stored one."""
        if not change:
            obj.created_by = request.user
        base = form.cleaned_data.get("base_revision")
        services.article_save(article=obj, by=request.user, base_revision=base)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.StaleStory:
            # Someone saved between this form's check and its write, and the transaction was
            # rolled back: answering again shows the form's own refusal, with what changed.
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.save_tags(form.instance)
        if form.taken_slug:  # said once the story is saved: a refused save changes no address
            self.message_user(
                request,
                f"The address “{form.taken_slug}” was taken, so this story’s is “{form.instance.slug}”.",
                messages.WARNING,
            )
