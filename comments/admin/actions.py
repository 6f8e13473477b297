"""The queue's decisions: one button on one comment, its undo, and the bulk actions.

A button is a plain POST form: without JavaScript the answer is a redirect back to the
queue with a message (and an Undo button beside it); with `Accept: application/json` it is
the JSON that static/js/moderation.js reads (see MODERATION_JSON below).
"""

from urllib.parse import urlsplit

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect, JsonResponse, QueryDict
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .. import moderating as services
from ..models import Comment, Decision, RemovalReason, Status
from .counts import counts_for
from .rows import LABELS

# What the queue says after each decision.
DONE = {
    services.APPROVE: "approved",
    services.REMOVE: "removed",
    services.SPAM: "marked as spam",
    services.NOT_SPAM: "marked as not spam",
    services.DISMISS: "kept: report dismissed",
}
# The JSON answer's keys: {"ok", "comment", "status", "message", "undo", "counts"}.
MODERATION_JSON = ("ok", "comment", "status", "message", "undo", "counts")
UNDO_TAG = "mod-undo-"


def wants_json(request) -> bool:
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


def undo_url(decision: Decision | None) -> str | None:
    return reverse("admin:comments_comment_undo", args=[decision.pk]) if decision else None


class ModerationViews:
    """Mixed into CommentAdmin: the moderate and undo views and the bulk actions."""

    def moderation_urls(self):
        return [
            path(
                "<int:pk>/moderate/<str:action>/",
                self.admin_site.admin_view(require_POST(self.moderate_view)),
                name="comments_comment_moderate",
            ),
            path(
                "undo/<int:decision_pk>/",
                self.admin_site.admin_view(require_POST(self.undo_view)),
                name="comments_comment_undo",
            ),
        ]

    def has_moderate_permission(self, request) -> bool:
        return request.user.has_perm("comments.moderate_comment")

    def moderate_view(self, request, pk, action):
        """One decision on one comment: approve, remove (with a reason), spam, not spam, dismiss."""
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        if action not in LABELS:
            return self.refuse(request, 404, "No such moderation action.")
        comment = Comment.objects.filter(pk=pk).first()
        if comment is None:
            return self.refuse(request, 404, "No such comment: it may have been deleted.")
        reason, notify = None, False
        if action == services.REMOVE:
            chosen = request.POST.get("reason", "")
            if chosen:
                reason = (
                    RemovalReason.objects.filter(is_active=True, pk=chosen).first()
                    if chosen.isdigit()
                    else None
                )
                if reason is None:
                    return self.refuse(
                        request, 400, "That removal reason is not offered: choose one from the list."
                    )
            notify = request.POST.get("notify") == "1" and bool(comment.user_email)
            if notify and reason is None:
                return self.refuse(request, 400, "Choose a reason to tell the commenter why it was removed.")
        made = services.comment_moderate(
            comments=[comment], action=action, moderator=request.user, reason=reason, notify=notify
        )
        decision = made[0] if made else None
        if decision is None:
            message = f"Nothing changed: the comment is {comment.get_status_display().lower()}."
            return self.answer(request, comment.pk, comment.status, message, None)
        message = f"Comment {DONE[action]}"
        if reason is not None:
            message += f" ({reason.label})"
        message += "; the commenter will be told by email." if decision.mailed else "."
        return self.answer(request, comment.pk, decision.to_status, message, decision)

    def undo_view(self, request, decision_pk):
        """Put a comment back as it was before a decision, while that decision is still its latest."""
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        decision = Decision.objects.filter(pk=decision_pk, comment__isnull=False).first()
        if decision is None:
            return self.refuse(request, 404, "No such decision on a comment.")
        undone = services.decision_undo(decision=decision, moderator=request.user)
        status = Comment.objects.get(pk=decision.comment_id).status
        if undone is None:
            message = "Too late to undo: the comment has changed since."
            return self.answer(request, decision.comment_id, status, message, None, ok=False)
        message = f"Undone: the comment is {Status(status).label.lower()} again."
        return self.answer(request, decision.comment_id, status, message, None, ok=True)

    # --- answers ------------------------------------------------------------------------

    def answer(self, request, comment_pk, status, message, decision, ok=None):
        ok = decision is not None if ok is None else ok
        target = self.next_url(request)
        if wants_json(request):
            return JsonResponse(
                {
                    "ok": ok,
                    "comment": comment_pk,
                    "status": str(status),
                    "message": message,
                    "undo": undo_url(decision),
                    "counts": counts_for(QueryDict(urlsplit(target).query)),
                }
            )
        level = messages.SUCCESS if ok else messages.WARNING
        tags = f"{UNDO_TAG}{decision.pk}" if decision is not None else ""
        messages.add_message(request, level, message, extra_tags=tags)
        return HttpResponseRedirect(target)

    def refuse(self, request, status: int, message: str):
        if wants_json(request):
            return JsonResponse({"ok": False, "message": message}, status=status)
        if status == 404:
            raise Http404(message)
        context = {**self.admin_site.each_context(request), "title": "Not done", "message": message,
                   "back": self.next_url(request)}  # fmt: skip
        return TemplateResponse(request, "admin/comments/comment/refused.html", context, status=status)

    def next_url(self, request) -> str:
        target = request.POST.get("next", "")
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return target
        return reverse("admin:comments_comment_changelist")

    # --- bulk actions -------------------------------------------------------------------

    def moderate_selected(self, request, queryset, action):
        changed = len(
            services.comment_moderate(comments=list(queryset), action=action, moderator=request.user)
        )
        noun = "comment" if changed == 1 else "comments"
        done = "kept: reports dismissed" if action == services.DISMISS else DONE[action]
        self.message_user(request, f"{changed} {noun} {done}.", messages.SUCCESS)

    @admin.action(description="Approve selected comments", permissions=["moderate"])
    def approve(self, request, queryset):
        self.moderate_selected(request, queryset, services.APPROVE)

    @admin.action(description="Remove selected comments", permissions=["moderate"])
    def remove(self, request, queryset):
        self.moderate_selected(request, queryset, services.REMOVE)

    @admin.action(description="Mark selected comments as spam", permissions=["moderate"])
    def mark_spam(self, request, queryset):
        self.moderate_selected(request, queryset, services.SPAM)

    @admin.action(description="Mark selected comments as not spam", permissions=["moderate"])
    def mark_not_spam(self, request, queryset):
        self.moderate_selected(request, queryset, services.NOT_SPAM)

    @admin.action(description="Dismiss reports on selected comments", permissions=["moderate"])
    def dismiss_reports(self, request, queryset):
        self.moderate_selected(request, queryset, services.DISMISS)
