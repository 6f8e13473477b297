"""Autosave: the story form's unsaved state, kept every 30 s of typing and offered back.

The page's script (static/js/editor-autosave.js) posts the form's text to the autosave URL;
what it keeps is an Autosave row for this person and story (articles/editing.py), never the
story itself, so what readers see does not change. Opening the story again offers it back;
"Restore them" (`?autosave=restore`) fills the form from it, without needing JavaScript,
and the editor saves as usual. A save deletes it.
"""

import json

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from .. import editing

MAX_BYTES = 1_000_000  # a story of a few thousand words is well under 100 kB
RESTORE = "restore"


class AutosaveMixin:
    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("autosave/", view(self.autosave_view), name="articles_article_autosave_new"),
            path(
                "autosave/discard/",
                view(self.autosave_discard_view),
                name="articles_article_autosave_new_discard",
            ),
            path("<int:object_id>/autosave/", view(self.autosave_view), name="articles_article_autosave"),
            path(
                "<int:object_id>/autosave/discard/",
                view(self.autosave_discard_view),
                name="articles_article_autosave_discard",
            ),
            *super().get_urls(),
        ]

    # --- the views -----------------------------------------------------------------

    def autosave_view(self, request, object_id=None):
        """Keep the posted form as this person's autosave of the story (or of the story they start)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self.autosave_story(request, object_id)
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BYTES:
            return too_large()
        form_class = self.get_form(request, article, change=article is not None)
        fields = form_fields(form_class, request.POST)
        if len(json.dumps(fields)) > MAX_BYTES:
            return too_large()
        # Boxes and lists left empty are never "omitted" from a post: some text must have come.
        if not any(isinstance(value, str) for value in fields.values()):
            return JsonResponse(
                {"error": "Nothing to keep: the request had none of the story's fields."}, status=400
            )
        base = base_revision(request.POST) if article is not None else None
        saved = editing.autosave_store(user=request.user, article=article, fields=fields, base_revision=base)
        kept_at = timezone.localtime(saved.saved_at).strftime("%H:%M")
        return JsonResponse({"kept_at": kept_at, "message": f"Draft kept at {kept_at}"})

    def autosave_discard_view(self, request, object_id=None):
        """Drop this person's autosave of the story; a GET asks first (the banner's link works without JS)."""
        article = self.autosave_story(request, object_id)
        back = form_url(article)
        if request.method == "POST":
            editing.autosave_discard(user=request.user, article=article)
            self.message_user(request, "Your unsaved changes were discarded.", messages.SUCCESS)
            return HttpResponseRedirect(back)
        context = {
            **self.admin_site.each_context(request),
            "title": "Discard your unsaved changes?",
            "opts": self.model._meta,
            "original": article,
            "saved": editing.autosave_for(user=request.user, article=article),
            "back_url": back,
        }
        return TemplateResponse(request, "admin/articles/article/autosave_discard.html", context)

    def autosave_story(self, request, object_id):
        """The story whose autosave this is (None: a new one), if this person may change it."""
        if object_id is None:
            if not self.has_add_permission(request):
                raise PermissionDenied
            return None
        if not self.has_change_permission(request):
            raise PermissionDenied
        article = self.get_object(request, str(object_id))  # 404 for a story off this person's desk
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        return article

    # --- the form: offering the autosave back, restoring it, dropping it after a save ----

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        names = ("articles_article_add", "articles_article_change")
        match = request.resolver_match
        if match and match.url_name in names and (add or self.has_change_permission(request, obj)):
            context["autosave"] = self.autosave_context(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def autosave_context(self, request, article) -> dict:
        saved = editing.autosave_for(user=request.user, article=article) if request.method == "GET" else None
        stale = (
            saved is not None
            and article is not None
            and saved.base_revision is not None
            and article.revision > saved.base_revision
        )
        suffix = [article.pk] if article is not None else []
        name = "autosave" if article is not None else "autosave_new"
        return {
            "url": reverse(f"admin:articles_article_{name}", args=suffix),
            "discard_url": reverse(f"admin:articles_article_{name}_discard", args=suffix),
            "seconds": settings.NEWSROOM_AUTOSAVE_SECONDS,
            "saved": saved,
            "restored": saved is not None and request.GET.get("autosave") == RESTORE,
            "stale": stale,
        }

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        if request.method != "GET" or request.GET.get("autosave") != RESTORE:
            return form_class
        if obj is not None and not self.has_change_permission(request, obj):
            return form_class
        saved = editing.autosave_for(user=request.user, article=obj)
        return form_class if saved is None else restoring(form_class, saved)

    def response_add(self, request, obj, post_url_continue=None):
        editing.autosave_discard(user=request.user, article=None)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        editing.autosave_discard(user=request.user, article=obj)
        return super().response_change(request, obj)


def restoring(form_class, saved):
    """`form_class`, opening with the autosave's values instead of the stored story's."""

    class RestoredForm(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if self.is_bound:
                return
            # A ModelForm's `initial` wins over the instance's values when the form is drawn.
            self.initial.update({name: value for name, value in saved.fields.items() if name in self.fields})
            if saved.base_revision is not None and "base_revision" in self.fields:
                # Saved from an older revision: the save meets the stale-save check, with its diff.
                self.initial["base_revision"] = saved.base_revision

    RestoredForm.__name__ = form_class.__name__
    return RestoredForm


def form_fields(form_class, data) -> dict:
    """The story form's own fields as posted (text, choices, check boxes); files and inlines are left out."""
    kept = {}
    for name, field in form_class.base_fields.items():
        if name == "base_revision" or isinstance(field, forms.FileField):
            continue
        if field.widget.value_omitted_from_data(data, {}, name):
            continue
        value = field.widget.value_from_datadict(data, {}, name)
        if isinstance(value, bool | str):
            kept[name] = value
        elif isinstance(value, list | tuple):
            kept[name] = [str(item) for item in value]
    return kept


def base_revision(data) -> int | None:
    value = data.get("base_revision", "")
    return int(value) if value.isdigit() else None


def form_url(article) -> str:
    if article is None:
        return reverse("admin:articles_article_add")
    return reverse("admin:articles_article_change", args=[article.pk])


def too_large() -> JsonResponse:
    return JsonResponse(
        {"error": f"Too much to keep: an autosave may be at most {MAX_BYTES // 1_000_000} MB."}, status=413
    )
