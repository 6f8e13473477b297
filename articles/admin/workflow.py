"""The story's workflow in the admin: the buttons under the form and the list's actions.

Each step is a service in articles/services.py; the admin only asks for it and says how it went.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from .. import services
from ..forms import ScheduleForm


class WorkflowMixin:
    WORKFLOW_BUTTONS = {
        "_submit_review": "submit_for_review",
        "_publish": "publish",
        "_schedule": "schedule",
        "_unpublish": "unpublish",
        "_send_back": "send_back",
    }

    def response_add(self, request, obj, post_url_continue=None):
        if self._run_workflow_button(request, obj):
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[obj.pk]))
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if self._run_workflow_button(request, obj):
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[obj.pk]))
        response = super().response_change(request, obj)
        if obj.is_public:
            # Saving a live story changes what readers see: say so, with the way to look.
            self.message_user(request, _done(obj, "is on the site with your changes"), messages.SUCCESS)
        return response

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
                case "send_back":
                    services.article_send_back(article=obj, by=request.user)
                    message = "went back to its reporter as a draft"
        except (ValidationError, PermissionDenied) as error:
            self.message_user(request, f"Your changes were saved, but {_reason(error)}", messages.ERROR)
        else:
            self.message_user(request, _done(obj, message), messages.SUCCESS)
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

    @admin.action(description="Send back to reporter", permissions=["publish"])
    def send_back(self, request, queryset):
        self._apply(request, queryset, services.article_send_back, "sent back to their reporters")

    @admin.action(description="Archive", permissions=["publish"])
    def archive(self, request, queryset):
        self._apply(request, queryset, services.article_archive, "archived")


def _done(article, message: str):
    """“Headline” is published. View it on the site: the step's message, with the story's link when public."""
    if article.is_public:
        return format_html(
            '“{}” {}. <a href="{}" class="live-story">View it on the site</a>',
            article,
            message,
            article.get_absolute_url(),
        )
    return f"“{article}” {message}."


def _reason(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or "you are not allowed to do that."
