"""Who else is editing a story: the change form's heartbeat (every 30 s) and its banner.

Opening the change form counts as a heartbeat, so a colleague sees you before your page's
script runs; static/js/editor-presence.js then beats every NEWSROOM_EDITING_HEARTBEAT_SECONDS
and says when you leave. Only those who may change the story beat, so only they appear.
"""

from django.conf import settings
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.urls import path, reverse
from django.utils import timezone

from ..editing import display_name, others_editing, presence_beat, presence_leave


def editing_others(*, article, user) -> list[dict]:
    """The others editing `article`, longest first, as the banner names them."""
    return [
        {"name": display_name(s.user), "since": timezone.localtime(s.started_at).strftime("%H:%M")}
        for s in others_editing(article=article, user=user)
    ]


class PresenceMixin:
    def get_urls(self):
        return [
            path(
                "<path:object_id>/presence/",
                self.admin_site.admin_view(self.presence_view),
                name="articles_article_presence",
            ),
            path(
                "<path:object_id>/presence/leave/",
                self.admin_site.admin_view(self.presence_leave_view),
                name="articles_article_presence_leave",
            ),
            *super().get_urls(),
        ]

    def editable_story(self, request, object_id):
        """The story, if this user may change it: moderators 403, stories not on their desk 404."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        article = self.get_object(request, unquote(object_id))  # 404 unless on this user's desk
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        return article

    def presence_view(self, request, object_id):
        """A heartbeat: this user still has the story open. Answers with who else has."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self.editable_story(request, object_id)
        presence_beat(article=article, user=request.user)
        return JsonResponse({"others": editing_others(article=article, user=request.user)})

    def presence_leave_view(self, request, object_id):
        """The page was left (navigator.sendBeacon on pagehide): this user no longer edits the story."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self.editable_story(request, object_id)
        presence_leave(article=article, user=request.user)
        return HttpResponse(status=204)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None:
            may_edit = self.has_change_permission(request, obj)
            if may_edit:  # opening the form is a heartbeat: others see you before your script runs
                presence_beat(article=obj, user=request.user)
            context["presence"] = {
                "others": editing_others(article=obj, user=request.user),
                "beat_url": reverse("admin:articles_article_presence", args=[obj.pk]) if may_edit else "",
                "leave_url": reverse("admin:articles_article_presence_leave", args=[obj.pk]),
                "heartbeat_seconds": settings.NEWSROOM_EDITING_HEARTBEAT_SECONDS,
            }
        return super().render_change_form(request, context, add, change, form_url, obj)
