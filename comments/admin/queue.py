"""The moderation queue: tabs of comments by status, a row per comment with a button per decision.

The page is Django's change list (search, pagination, bulk actions and their checkboxes)
drawn as compact rows rather than a table (templates/admin/comments/comment/change_list.html),
with tabs in place of the filter sidebar. Every tab lists the newest comments first, Waiting
included: like Coral's "Pending" and WordPress's Comments screen, because what was just said
on a live story is what readers are reading now, and a reported comment is reported while
its story is fresh. The oldest waiting ones are the last page, one click away.

A page costs a fixed number of queries whatever its rows: the tab counts (one aggregate,
which also gives the list's length, so Django's count queries are not run), the page, its
open reports (prefetched), the parent of each reply (annotated), the stories (one query)
and the removal reasons.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db.models import OuterRef, Prefetch, Subquery
from django.urls import path
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.timesince import timesince
from django_comments.models import Comment as BaseComment

from ..models import Comment, RemovalReason, Report
from . import staff
from .actions import ModerationViews
from .counts import tab_counts
from .display import comment_link, excerpt, stories_of
from .filters import ALL, TABS, WAITING, ReasonFilter, Scope, SectionFilter, StatusFilter, StoryFilter, tab_of
from .people import commenter_page
from .records import DecisionInline, ReportInline
from .rows import LABELS, decisions_for, moderate_url, reasons_text, row_of
from .thread import thread_urls

# Parameters that keep the list exactly one tab of one scope, whose count the tabs already know.
TAB_PARAMS = {"status", "story", "section", "p", "o"}
# `?o=2`: Django's sorting by the third column (after the checkbox and the comment), the age, ascending.
OLDEST_FIRST = "2"


class QueueChangeList(ChangeList):
    """The queue's page: the tab counts in one query, then each row with its story and buttons."""

    def get_results(self, request):
        params = request.GET
        self.scope = Scope.from_params(params)
        self.tab = tab_of(params.get("status"))
        self.tab_counts = tab_counts(story=self.scope.story or None, section=self.scope.section or None)
        known = set(params) <= TAB_PARAMS
        request.queue_known_count = self.tab_counts[self.tab] if known else None
        super().get_results(request)
        comments = list(self.result_list)
        stories = stories_of(comments)
        can_moderate = self.model_admin.has_moderate_permission(request)
        keep = {"status": self.tab} if self.tab != WAITING else {}
        self.rows = [
            row_of(
                comment,
                story=stories.get(int(comment.object_pk)) if comment.object_pk.isdigit() else None,
                can_moderate=can_moderate,
                queue_params=keep,
            )
            for comment in comments
        ]
        self.result_list = comments
        self.can_moderate = can_moderate
        self.removal_reasons = (
            list(RemovalReason.objects.filter(is_active=True)) if can_moderate and comments else []
        )
        self.queue_url = request.get_full_path()

    @property
    def tabs(self) -> list[dict]:
        scope = self.scope.params()
        tabs = [
            {"key": key, "label": label, "count": self.tab_counts[key],
             "url": "?" + urlencode({"status": key, **scope})}
            for key, (label, _) in TABS.items()
        ]  # fmt: skip
        tabs.append(
            {
                "key": ALL,
                "label": "All",
                "count": self.tab_counts[ALL],
                "url": "?" + urlencode({"status": ALL, **scope}),
            }
        )
        return tabs

    @property
    def oldest_first(self) -> bool:
        return self.params.get("o") == OLDEST_FIRST

    @property
    def order_url(self) -> str:
        """The same list in the other order (newest first is the default)."""
        params = {key: value for key, value in self.params.items() if key not in ("o", "p")}
        if not self.oldest_first:
            params["o"] = OLDEST_FIRST
        return "?" + urlencode(params)

    @property
    def unscoped_url(self) -> str:
        return "?" + urlencode({"status": self.tab}) if self.tab != WAITING else "?"


@admin.register(Comment)
class CommentAdmin(ModerationViews, admin.ModelAdmin):
    list_display = ["comment_cell", "age"]
    list_display_links = None
    list_filter = [StatusFilter, StoryFilter, SectionFilter, ReasonFilter]
    show_facets = admin.ShowFacets.NEVER
    show_full_result_count = False
    search_fields = ["user_name", "user_email", "comment", "ip_address"]
    list_per_page = 50
    actions = ["approve", "remove", "mark_spam", "mark_not_spam", "dismiss_reports"]
    inlines = [ReportInline, DecisionInline]
    view_on_site = staticmethod(staff.on_site_url)  # the story's staff view, at the comment
    fieldsets = [
        (None, {"fields": ["story_link", "parent_excerpt", "comment"]}),
        ("Commenter", {"fields": ["user_name", "user_email", "user_url", "ip_address", "submit_date"]}),
        ("Moderation", {"fields": ["status_label", "reasons", "is_public", "is_removed", "is_spam"]}),
    ]
    # State changes go through the buttons, so that each one is logged.
    readonly_fields = [
        "story_link",
        "parent_excerpt",
        "user_name",
        "user_email",
        "user_url",
        "ip_address",
        "submit_date",
        "status_label",
        "reasons",
        "is_public",
        "is_removed",
        "is_spam",
    ]

    # --- who sees and does what ------------------------------------------------------

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    # --- the queue ---------------------------------------------------------------------

    def get_queryset(self, request):
        parent = BaseComment.objects.filter(pk=OuterRef("parent_id"))
        return (
            super()
            .get_queryset(request)
            .annotate(
                parent_text=Subquery(parent.values("comment")[:1]),
                parent_name=Subquery(parent.values("user_name")[:1]),
            )
            .prefetch_related(
                Prefetch(
                    "reports",
                    queryset=Report.objects.filter(resolved_at__isnull=True).order_by("created_at"),
                    to_attr="open_report_list",
                )
            )
        )

    def get_ordering(self, request):
        return ["-submit_date", "-pk"]

    def get_changelist(self, request, **kwargs):
        return QueueChangeList

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        paginator = super().get_paginator(request, queryset, per_page, orphans, allow_empty_first_page)
        known = getattr(request, "queue_known_count", None)
        if known is not None:
            paginator.count = known  # the tab's count, from the one aggregate query
        return paginator

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None) or {}
        cl = context.get("cl")
        if isinstance(cl, QueueChangeList):
            context["title"] = cl.scope.heading
            context["subtitle"] = None
            if not cl.scope.is_set:  # the sidebar's badge reuses the count the tabs made
                context["moderation_waiting"] = cl.tab_counts[WAITING]
        return response

    def get_urls(self):
        commenter = path(
            "commenter/", self.admin_site.admin_view(commenter_page(self)), name="comments_comment_commenter"
        )
        return [
            *self.moderation_urls(),
            commenter,
            *thread_urls(self),
            *staff.urls(self),
            *super().get_urls(),
        ]

    # --- columns and read-only fields ---------------------------------------------------

    @admin.display(description="status")
    def status_label(self, obj):
        return obj.get_status_display()

    @admin.display(description="comment")
    def comment_cell(self, obj):
        return excerpt(obj.comment)

    @admin.display(description="story")
    def story_link(self, obj):
        story = stories_of([obj]).get(int(obj.object_pk)) if obj.pk and obj.object_pk.isdigit() else None
        if story is None:
            return "–"
        return format_html(
            '<a href="{}{}" title="{}">{}</a>',
            settings.SITE_URL,
            story.get_absolute_url(),
            story.headline,
            Truncator(story.headline).chars(60),
        )

    @admin.display(description="in reply to")
    def parent_excerpt(self, obj):
        if not obj.parent_id or obj.parent_id == obj.pk or getattr(obj, "parent_text", None) is None:
            return "–"
        return comment_link(obj.parent_id, f"{obj.parent_name}: {excerpt(obj.parent_text, 80)}")

    @admin.display(description="age", ordering="submit_date")
    def age(self, obj):
        return f"{timesince(obj.submit_date, depth=1)} ago"

    @admin.display(description="reasons")
    def reasons(self, obj):
        return reasons_text(obj) or "–"

    # --- the change form ---------------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = {"moderation_buttons": [], "moderation_next": request.get_full_path()}
        if self.has_moderate_permission(request):
            comment = self.get_object(request, object_id)
            if comment is not None:
                reported = comment.reports.filter(resolved_at=None).exists()
                context["moderation_buttons"] = [
                    {"label": LABELS[action], "url": moderate_url(comment.pk, action)}
                    for action in decisions_for(comment.status, reported)
                ]
        return super().change_view(request, object_id, form_url, {**context, **(extra_context or {})})
