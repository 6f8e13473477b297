"""The moderation queue: every comment, those waiting for a decision first, with a button per decision."""

from collections import Counter

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, IntegerField, Max, OuterRef, Prefetch, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator
from django.utils.timesince import timesince
from django.views.decorators.http import require_POST
from django_comments.models import Comment as BaseComment

from articles.models import Article

from .. import moderating as services
from ..models import Comment, HoldReason, Report, Status, waiting
from . import staff
from .display import comment_link, excerpt, stories_of
from .records import DecisionInline, ReportInline

WAITING = "waiting"
REPORTED = "reported"

# What each button does, in the order buttons appear, and what it says afterwards.
ACTIONS = {
    services.APPROVE: ("Approve", "approved"),
    services.REMOVE: ("Remove", "removed"),
    services.SPAM: ("Spam", "marked as spam"),
    services.NOT_SPAM: ("Not spam", "marked as not spam"),
}


def open_reports_count():
    reports = (
        Report.objects.filter(comment=OuterRef("pk"), resolved_at__isnull=True)
        .order_by()
        .values("comment")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(reports, output_field=IntegerField()), 0)


def buttons_for(comment: Comment) -> list[str]:
    """The decisions that would change something for this comment."""
    match comment.status:
        case Status.SPAM:
            return [services.NOT_SPAM]
        case Status.REMOVED:
            return [services.APPROVE, services.SPAM]
        case Status.HELD:
            return [services.APPROVE, services.REMOVE, services.SPAM]
    # A published comment is approved again only to dismiss its reports.
    keep = [services.APPROVE] if getattr(comment, "open_reports", 0) else []
    return [*keep, services.REMOVE, services.SPAM]


def moderate_url(comment_id: int, action: str) -> str:
    return reverse("admin:comments_comment_moderate", args=[comment_id, action])


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            (WAITING, "Waiting (held or reported)"),
            (Status.HELD, "Held"),
            (REPORTED, "Reported"),
            (Status.VISIBLE, "Published"),
            (Status.REMOVED, "Removed"),
            (Status.SPAM, "Spam"),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "waiting":
                return queryset.waiting()
            case "held":
                return queryset.held()
            case "reported":
                return queryset.reported()
            case "visible":
                return queryset.visible()
            case "removed":
                return queryset.removed()
            case "spam":
                return queryset.spam()
        return queryset


class StoryFilter(admin.SimpleListFilter):
    """The stories most recently commented on."""

    title = "story"
    parameter_name = "story"
    limit = 50

    def lookups(self, request, model_admin):
        article_type = ContentType.objects.get_for_model(Article)
        recent = (
            Comment.objects.filter(content_type=article_type)
            .order_by()
            .values("object_pk")
            .annotate(last=Max("submit_date"))
            .order_by("-last")[: self.limit]
        )
        pks = [int(row["object_pk"]) for row in recent if row["object_pk"].isdigit()]
        headlines = dict(Article.objects.filter(pk__in=pks).values_list("pk", "headline"))
        return [(str(pk), Truncator(headlines[pk]).chars(60)) for pk in pks if pk in headlines]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(
                content_type=ContentType.objects.get_for_model(Article), object_pk=self.value()
            )
        return queryset


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
            held_for |= Q(open_reports__gt=0)
        return queryset.filter(held_for)


class QueueChangeList(ChangeList):
    """The queue's page, with each row's story fetched alongside it rather than one by one."""

    def get_results(self, request):
        super().get_results(request)
        rows = list(self.result_list)
        stories = stories_of(rows)
        can_moderate = self.model_admin.has_moderate_permission(request)
        here = request.get_full_path()
        for comment in rows:
            comment.story = stories.get(int(comment.object_pk)) if comment.object_pk.isdigit() else None
            comment.can_moderate = can_moderate
            comment.return_to = here
        self.result_list = rows


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    # Few, dense columns: the whole row fits a laptop screen, buttons included.
    list_display = [
        "status_label",
        "comment_cell",
        "story_link",
        "commenter",
        "age",
        "reasons",
        "moderation_buttons",
    ]
    list_display_links = ["comment_cell"]
    list_filter = [StatusFilter, StoryFilter, ReasonFilter]
    search_fields = ["user_name", "user_email", "comment", "ip_address"]
    list_per_page = 50
    actions = ["approve", "remove", "mark_spam", "mark_not_spam"]
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

    def has_moderate_permission(self, request) -> bool:
        return request.user.has_perm("comments.moderate_comment")

    # --- the queue ---------------------------------------------------------------------

    def get_queryset(self, request):
        parent = BaseComment.objects.filter(pk=OuterRef("parent_id"))
        return (
            super()
            .get_queryset(request)
            .annotate(
                open_reports=open_reports_count(),
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
        # Waiting comments (held, or published and reported) first, then the newest. An
        # expression, not an annotation: other admins order their comment choices by it.
        return [Case(When(waiting(), then=Value(0)), default=Value(1)).asc(), "-submit_date", "-pk"]

    def get_changelist(self, request, **kwargs):
        return QueueChangeList

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {"title": "Moderation queue", **(extra_context or {})})

    # --- columns and read-only fields ---------------------------------------------------

    @admin.display(description="status")
    def status_label(self, obj):
        return obj.get_status_display()

    @admin.display(description="comment")
    def comment_cell(self, obj):
        """The text, and for a reply whom it answers (plain text: the cell is itself a link)."""
        if not obj.parent_id or obj.parent_id == obj.pk or getattr(obj, "parent_text", None) is None:
            return format_html("{}", excerpt(obj.comment))
        return format_html(
            "{}<br><small>in reply to {}: {}</small>", excerpt(obj.comment), obj.parent_name,
            excerpt(obj.parent_text, 60),
        )  # fmt: skip

    @admin.display(description="commenter")
    def commenter(self, obj):
        return format_html(
            "{}<br><small>{}<br>{}</small>", obj.user_name, obj.user_email, obj.ip_address or "no IP"
        )

    @admin.display(description="story")
    def story_link(self, obj):
        story = getattr(obj, "story", None)
        if story is None and not hasattr(obj, "story") and obj.pk:
            story = stories_of([obj]).get(int(obj.object_pk)) if obj.object_pk.isdigit() else None
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
        parts = obj.hold_reason_labels()
        reports = getattr(obj, "open_report_list", None)
        if reports is None:
            reports = list(obj.reports.filter(resolved_at__isnull=True))
        if reports:
            why = Counter(report.get_reason_display() for report in reports)
            listed = ", ".join(label if n == 1 else f"{label} ×{n}" for label, n in why.items())
            parts.append(f"Reported {len(reports)}× ({listed})")
        return "; ".join(parts) or "–"

    @admin.display(description="moderate")
    def moderation_buttons(self, obj):
        if not getattr(obj, "can_moderate", False):
            return ""
        return format_html_join(
            " ",
            '<button type="submit" class="button" formaction="{}" formmethod="post" '
            'formnovalidate name="next" value="{}">{}</button>',
            (
                (moderate_url(obj.pk, action), obj.return_to, ACTIONS[action][0])
                for action in buttons_for(obj)
            ),
        )

    # --- the change form ---------------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = {"moderation_buttons": [], "moderation_next": request.get_full_path()}
        if self.has_moderate_permission(request):
            comment = self.get_object(request, object_id)
            if comment is not None:
                context["moderation_buttons"] = [
                    {"label": ACTIONS[action][0], "url": moderate_url(comment.pk, action)}
                    for action in buttons_for(comment)
                ]
        return super().change_view(request, object_id, form_url, {**context, **(extra_context or {})})

    # --- decisions ----------------------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "<int:pk>/moderate/<str:action>/",
                self.admin_site.admin_view(require_POST(self.moderate_view)),
                name="comments_comment_moderate",
            ),
            *staff.urls(self),
            *super().get_urls(),
        ]

    def moderate_view(self, request, pk, action):
        """One button on one comment: approve, remove, spam or not spam."""
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        if action not in ACTIONS:
            raise Http404("No such moderation action.")
        comment = get_object_or_404(Comment, pk=pk)
        changed = services.comment_moderate(comments=[comment], action=action, moderator=request.user)
        if changed:
            self.message_user(request, f"Comment {ACTIONS[action][1]}.", messages.SUCCESS)
        else:
            status = comment.get_status_display().lower()
            self.message_user(request, f"Nothing changed: the comment is {status}.", messages.WARNING)
        return HttpResponseRedirect(self._next_url(request))

    def _next_url(self, request) -> str:
        target = request.POST.get("next", "")
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return target
        return reverse("admin:comments_comment_changelist")

    def _moderate_selected(self, request, queryset, action):
        changed = len(
            services.comment_moderate(comments=list(queryset), action=action, moderator=request.user)
        )
        noun = "comment" if changed == 1 else "comments"
        self.message_user(request, f"{changed} {noun} {ACTIONS[action][1]}.", messages.SUCCESS)

    @admin.action(description="Approve selected comments", permissions=["moderate"])
    def approve(self, request, queryset):
        self._moderate_selected(request, queryset, services.APPROVE)

    @admin.action(description="Remove selected comments", permissions=["moderate"])
    def remove(self, request, queryset):
        self._moderate_selected(request, queryset, services.REMOVE)

    @admin.action(description="Mark selected comments as spam", permissions=["moderate"])
    def mark_spam(self, request, queryset):
        self._moderate_selected(request, queryset, services.SPAM)

    @admin.action(description="Mark selected comments as not spam", permissions=["moderate"])
    def mark_not_spam(self, request, queryset):
        self._moderate_selected(request, queryset, services.NOT_SPAM)
