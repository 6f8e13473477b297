"""The editors' admin for stories: the form, the workflow buttons and actions, revisions."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from reversion.admin import VersionAdmin
from reversion.models import Version

from .. import services
from ..forms import ArticleAdminForm, ScheduleForm
from ..models import Article, Byline, Correction
from ..revisions import compare_view

Status = Article.Status

EDITORIAL_FIELDS = ("is_featured", "is_breaking", "comments_open")


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 0
    min_num = 0
    autocomplete_fields = ["author"]
    fields = ["author", "position"]
    verbose_name = "author"
    verbose_name_plural = "byline (in order)"


class CorrectionInline(admin.StackedInline):
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
class ArticleAdmin(VersionAdmin):
    form = ArticleAdminForm
    object_history_template = "admin/articles/article/object_history.html"
    list_display = ["headline", "section", "state", "published_at", "byline", "source", "preview_link"]
    list_filter = [StatusFilter, "section", "source", "tags", "authors", "published_at"]
    list_select_related = ["section", "source"]
    search_fields = ["headline", "standfirst", "slug"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["source"]
    prepopulated_fields = {"slug": ["headline"]}
    inlines = [BylineInline, CorrectionInline]
    list_per_page = 50
    # Stories not yet given a time (drafts, stories in review) first, then the newest.
    ordering = [F("published_at").desc(nulls_first=True), "-updated_at"]
    actions = ["submit_for_review", "publish_now", "schedule", "unpublish", "archive"]
    readonly_fields = ["state", "published_at", "updated_at", "preview_link"]
    fieldsets = [
        (None, {"fields": ["headline", "slug", "standfirst", "body"]}),
        ("Desk", {"fields": ["section", "tags", "new_tags"]}),
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
        if state:
            obj.status, obj.published_at = state["status"], state["published_at"]
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
        fieldsets = super().get_fieldsets(request, obj)
        if services.can_publish(request.user):
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "schedule_at"]})
            for name, options in fieldsets
        ]

    # --- list columns --------------------------------------------------------------

    @admin.display(description="status", ordering="status")
    def state(self, obj):
        return "Scheduled" if obj.is_scheduled else obj.get_status_display()

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
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.save_tags(form.instance)

    WORKFLOW_BUTTONS = {
        "_submit_review": "submit_for_review",
        "_publish": "publish",
        "_schedule": "schedule",
        "_unpublish": "unpublish",
    }

    def response_add(self, request, obj, post_url_continue=None):
        if self._run_workflow_button(request, obj):
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[obj.pk]))
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if self._run_workflow_button(request, obj):
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[obj.pk]))
        return super().response_change(request, obj)

    def _run_workflow_button(self, request, obj) -> bool:
        """After the story is saved, run the workflow step its button asked for."""
        step = next((s for button, s in self.WORKFLOW_BUTTONS.items() if button in request.POST), None)
        if step is None:
            return False
        obj.refresh_from_db()
        try:
            match step:
                case "submit_for_review":
                    services.article_submit_for_review(article=obj, by=request.user)
                    message = "was submitted for review"
                case "publish":
                    services.article_publish(article=obj, by=request.user)
                    message = "is published"
                case "schedule":
                    at = self._schedule_time(request)
                    services.article_schedule(article=obj, at=at, by=request.user)
                    message = f"will be published at {timezone.localtime(at):%d %b %Y %H:%M}"
                case "unpublish":
                    services.article_unpublish(article=obj, by=request.user)
                    message = "was taken off the site"
        except (ValidationError, PermissionDenied) as error:
            self.message_user(request, f"Your changes were saved, but {_reason(error)}", messages.ERROR)
        else:
            self.message_user(request, f"“{obj}” {message}.", messages.SUCCESS)
        return True

    @staticmethod
    def _schedule_time(request):
        form = ScheduleForm(
            {"at_0": request.POST.get("schedule_at_0", ""), "at_1": request.POST.get("schedule_at_1", "")}
        )
        if not form.is_valid():
            raise ValidationError("the story was not scheduled: enter a date and time under “Schedule for”.")
        return form.cleaned_data["at"]

    # --- list actions --------------------------------------------------------------

    def _apply(self, request, queryset, service, done: str, **kwargs):
        ok = 0
        for article in queryset:
            try:
                service(article=article, by=request.user, **kwargs)
                ok += 1
            except (ValidationError, PermissionDenied) as error:
                self.message_user(request, _reason(error), messages.ERROR)
        if ok:
            self.message_user(request, f"{ok} stor{'y' if ok == 1 else 'ies'} {done}.", messages.SUCCESS)

    @admin.action(description="Submit for review", permissions=["change"])
    def submit_for_review(self, request, queryset):
        self._apply(request, queryset, services.article_submit_for_review, "submitted for review")

    @admin.action(description="Publish now", permissions=["publish"])
    def publish_now(self, request, queryset):
        self._apply(request, queryset, services.article_publish, "published")

    @admin.action(description="Schedule…", permissions=["publish"])
    def schedule(self, request, queryset):
        form = ScheduleForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            self._apply(request, queryset, services.article_schedule, "scheduled", at=form.cleaned_data["at"])
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Schedule stories",
            "form": form,
            "articles": queryset,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/articles/article/schedule.html", context)

    @admin.action(description="Unpublish", permissions=["publish"])
    def unpublish(self, request, queryset):
        self._apply(request, queryset, services.article_unpublish, "taken off the site")

    @admin.action(description="Archive", permissions=["publish"])
    def archive(self, request, queryset):
        self._apply(request, queryset, services.article_archive, "archived")

    # --- revisions -----------------------------------------------------------------
    # django-reversion restores a revision first and asks the change form afterwards,
    # keeping the restore whenever that answers with a redirect; so every check is made
    # here, before it starts.

    def revision_view(self, request, object_id, version_id, extra_context=None):
        article = self.get_object(request, unquote(object_id))
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        if not Version.objects.get_for_object(article).filter(pk=version_id).exists():
            raise Http404("No such revision of this story.")
        request.workflow_state = {"status": article.status, "published_at": article.published_at}
        return super().revision_view(request, object_id, version_id, extra_context)

    def recoverlist_view(self, request, extra_context=None):
        """Deleted stories, listed for those who may restore them: editors."""
        if not services.can_publish(request.user):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        """Restore a deleted story, as a draft; editors only, and only stories that were deleted."""
        if not services.can_publish(request.user):
            raise PermissionDenied
        if not Version.objects.get_deleted(Article).filter(pk=version_id).exists():
            raise Http404("No deleted story with this revision.")
        request.workflow_state = {"status": Status.DRAFT, "published_at": None}
        return super().recover_view(request, version_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        for action in getattr(response, "context_data", {}).get("action_list", []):
            action["version_id"] = action["url"].rstrip("/").rsplit("/", 1)[-1]
        return response

    def get_urls(self):
        return [
            path(
                "<int:object_id>/history/compare/",
                self.admin_site.admin_view(compare_view(self)),
                name="articles_article_compare",
            ),
            *super().get_urls(),
        ]


def _reason(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or "you are not allowed to do that."
