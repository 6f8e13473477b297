"""The people behind the comments, in the admin: a commenter's history, bans and trusts, removal reasons.

The history is a page of CommentAdmin (`admin:comments_comment_commenter`, see queue.py's
get_urls); bans and trusts are added through moderating.commenter_rule_create and ended
through commenter_rule_lift, never edited or deleted: the log keeps what they were.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST, require_safe

from newsroom.admin import RecordAdmin

from .. import moderating, people
from ..models import CommenterRule, Decision, RemovalReason, Status
from .display import excerpt, stories_of

MODERATE = "comments.moderate_comment"
HISTORY_TEMPLATE = "admin/comments/commenter.html"
Kind, Match = CommenterRule.Kind, CommenterRule.Match
WHAT_IT_DOES = {
    Kind.BAN: "A ban: New comments from it go to Spam; the commenter is not told.",
    Kind.TRUST: "A trust: its comments are published without the first-time hold (by email or domain, "
    "once the commenter has proved the address; by IP or network, always).",
}


# --- a commenter's history ---------------------------------------------------------------


def commenter_page(model_admin):
    """The history view, for CommentAdmin.get_urls (it takes the request only)."""

    @require_safe
    def view(request):
        return commenter_view(model_admin, request)

    return view


def commenter_view(model_admin, request):
    """Everything one address wrote and from where, with the buttons to ban or trust it."""
    if not request.user.has_perm("comments.view_comment"):
        raise PermissionDenied
    context = {**model_admin.admin_site.each_context(request), "opts": model_admin.model._meta}
    email = request.GET.get("email", "").strip()
    error = _bad_email(email)
    if error:
        context |= {"title": "No such commenter", "error": error}
        return TemplateResponse(request, HISTORY_TEMPLATE, context, status=400)
    history = people.commenter_history(email=email)
    can_act = request.user.has_perm(MODERATE) and request.user.has_perm("comments.add_commenterrule")
    context |= {
        "title": f"Commenter {history.email}",
        "history": history,
        "counts": _count_links(history),
        "rows": _rows(history.comments),
        "ips": [
            {"ip": ip, "ban_url": rule_add_url(Kind.BAN, Match.IP, ip) if can_act else ""}
            for ip in history.ips
        ],
        "others": [{"email": other, "url": commenter_url(other)} for other in history.other_emails],
        "rules": history.rules,
        "buttons": _buttons(history.email) if can_act else [],
    }
    return TemplateResponse(request, HISTORY_TEMPLATE, context)


def _bad_email(email: str) -> str:
    if not email:
        return "Which commenter? Open this page from a comment in the queue, or give ?email=<address>."
    try:
        validate_email(email)
    except ValidationError:
        return f"“{email[:254]}” is not an email address."
    return ""


def commenter_url(email: str) -> str:
    return reverse("admin:comments_comment_commenter") + "?" + urlencode({"email": email})


def rule_add_url(kind: str, match: str, value: str) -> str:
    """The add form of a ban or trust, filled in."""
    query = urlencode({"kind": kind, "match": match, "value": value})
    return reverse("admin:comments_commenterrule_add") + "?" + query


def thread_url(comment_id: int) -> str:
    """The comment in its thread."""
    return reverse("admin:comments_comment_thread", args=[comment_id])


def _count_links(history) -> list[dict]:
    queue = reverse("admin:comments_comment_changelist")
    return [
        {
            "status": status.value,
            "label": status.label,
            "n": history.counts[status.value],
            "url": queue + "?" + urlencode({"q": history.email, "status": status.value}),
        }
        for status in (Status.VISIBLE, Status.HELD, Status.REMOVED, Status.SPAM)
    ]


def _rows(comments) -> list[dict]:
    stories = stories_of(comments)
    rows = []
    for comment in comments:
        story = stories.get(int(comment.object_pk)) if comment.object_pk.isdigit() else None
        rows.append(
            {
                "comment": comment,
                "status": comment.status,
                "story": story,
                "story_url": settings.SITE_URL + story.get_absolute_url() if story else "",
                "excerpt": excerpt(comment.comment),
                "url": thread_url(comment.pk),
            }
        )
    return rows


def _buttons(email: str) -> list[dict]:
    domain = email.rpartition("@")[2]
    return [
        {"label": "Ban this address", "url": rule_add_url(Kind.BAN, Match.EMAIL, email)},
        {"label": f"Ban the domain {domain}", "url": rule_add_url(Kind.BAN, Match.DOMAIN, domain)},
        {"label": "Trust this address", "url": rule_add_url(Kind.TRUST, Match.EMAIL, email)},
    ]


# --- bans and trusts ---------------------------------------------------------------------


class RuleForm(forms.ModelForm):
    """A new ban or trust; the value is checked and normalised as the service will store it."""

    class Meta:
        model = CommenterRule
        fields = ["kind", "match", "value", "expires_at", "note"]
        help_texts = {
            "value": "An address (reader@example.org), a domain (example.org: its subdomains too), "
            "an IP address (203.0.113.7) or a network (203.0.113.0/24).",
        }

    def clean(self):
        data = super().clean()
        if data.get("match") and "value" in data:
            try:
                data["value"] = people.normalise_rule_value(data["match"], data["value"])
            except ValidationError as error:
                self.add_error("value", error)
        until = data.get("expires_at")
        if until is not None and until <= timezone.now():
            self.add_error("expires_at", "Choose a time in the future, or leave it empty.")
        return data


class StateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "active"

    def lookups(self, request, model_admin):
        return [("yes", "Active"), ("lifted", "Lifted"), ("expired", "Expired")]

    def queryset(self, request, queryset):
        match self.value():
            case "yes":
                return queryset.active()
            case "lifted":
                return queryset.filter(lifted_at__isnull=False)
            case "expired":
                return queryset.filter(lifted_at__isnull=True, expires_at__lte=timezone.now())
        return queryset


class RuleDecisionInline(RecordAdmin, admin.TabularInline):
    model = Decision
    fk_name = "rule"
    fields = ["decided_at", "moderator", "action", "note"]
    readonly_fields = fields
    verbose_name_plural = "moderation log"


@admin.register(CommenterRule)
class CommenterRuleAdmin(admin.ModelAdmin):
    form = RuleForm
    list_display = ["kind", "match", "value", "note", "expires_at", "created_by", "created_at", "state"]
    list_filter = ["kind", "match", StateFilter]
    search_fields = ["value", "note"]
    list_select_related = ["created_by", "lifted_by"]
    actions = ["lift"]
    readonly_fields = ["state", "created_by", "created_at", "lifted_at", "lifted_by"]

    def get_fieldsets(self, request, obj=None):
        if obj is None:  # the add form, perhaps filled in from a commenter's history
            what = WHAT_IT_DOES.get(request.GET.get("kind"), " ".join(WHAT_IT_DOES.values()))
            return [(None, {"fields": RuleForm.Meta.fields, "description": what})]
        shown = [*RuleForm.Meta.fields, "state", "created_by", "created_at", "lifted_at", "lifted_by"]
        return [(None, {"fields": shown})]

    def get_inlines(self, request, obj):
        return [RuleDecisionInline] if obj is not None else []

    # Added and lifted, never edited or deleted: the log says what each one was.
    def has_add_permission(self, request):
        return super().has_add_permission(request) and request.user.has_perm(MODERATE)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_lift_permission(self, request, obj=None):
        return request.user.has_perm(MODERATE)

    @admin.display(description="state")
    def state(self, obj):
        if obj.lifted_at:
            return f"Lifted {timezone.localtime(obj.lifted_at):%Y-%m-%d %H:%M}"
        return "Active" if obj.is_active else "Expired"

    # The service saves the rule and logs it; the admin only shows the form.
    def save_form(self, request, form, change):
        data = form.cleaned_data
        return moderating.commenter_rule_create(
            kind=data["kind"], match=data["match"], value=data["value"], moderator=request.user,
            expires_at=data.get("expires_at"), note=data.get("note", ""),
        )  # fmt: skip

    def save_model(self, request, obj, form, change):
        pass

    def save_related(self, request, form, formsets, change):
        pass

    def get_urls(self):
        return [
            path(
                "<int:pk>/lift/",
                self.admin_site.admin_view(require_POST(self.lift_view)),
                name="comments_commenterrule_lift",
            ),
            *super().get_urls(),
        ]

    def lift_view(self, request, pk):
        if not self.has_lift_permission(request):
            raise PermissionDenied
        rule = get_object_or_404(CommenterRule, pk=pk)
        if moderating.commenter_rule_lift(rule=rule, moderator=request.user):
            self.message_user(request, f"Lifted: {rule}.", messages.SUCCESS)
        else:
            self.message_user(request, f"Nothing changed: {rule} had already ended.", messages.WARNING)
        return HttpResponseRedirect(reverse("admin:comments_commenterrule_change", args=[rule.pk]))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        rule = self.get_object(request, object_id)
        liftable = rule is not None and rule.is_active and self.has_lift_permission(request)
        context = {
            "lift_url": reverse("admin:comments_commenterrule_lift", args=[rule.pk]) if liftable else ""
        }
        return super().change_view(request, object_id, form_url, {**context, **(extra_context or {})})

    @admin.action(description="Lift selected bans and trusts", permissions=["lift"])
    def lift(self, request, queryset):
        lifted = sum(moderating.commenter_rule_lift(rule=rule, moderator=request.user) for rule in queryset)
        self.message_user(request, f"{lifted} lifted.", messages.SUCCESS)


# --- removal reasons ---------------------------------------------------------------------


@admin.register(RemovalReason)
class RemovalReasonAdmin(admin.ModelAdmin):
    list_display = ["label", "is_active", "position"]
    list_editable = ["position"]
    list_filter = ["is_active"]
    fieldsets = [
        (
            None,
            {
                "fields": ["label", "explanation", "position", "is_active"],
                "description": "Moderators choose a reason when they remove a comment, and may mail its "
                "explanation to the commenter. Reasons are never deleted, so the log keeps the one "
                "given: to stop offering one, untick “offered”.",
            },
        )
    ]

    def has_delete_permission(self, request, obj=None):
        return False
