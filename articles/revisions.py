"""Revisions of stories: what is kept, and the editors' side-by-side comparison.

django-reversion keeps a revision at every admin save and every workflow
step. Restoring a revision brings back the words, image, byline and tags of
that moment, never its workflow state: whether a story is public is changed
only by the services in `services.py`.
"""

import difflib
import re

import reversion
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.html import strip_tags
from reversion.models import Version

from .models import Article, Byline, TaggedArticle

COMPARED_FIELDS = [
    "headline",
    "slug",
    "standfirst",
    "body",
    "section",
    "source",
    "original_url",
    "lead_image",
    "lead_image_alt",
    "lead_image_caption",
    "lead_image_credit",
    "meta_description",
    "status",
    "published_at",
]

reversion.register(Byline)
reversion.register(TaggedArticle)
reversion.register(Article, follow=["bylines", "taggedarticle_set"])


def _words(value) -> list[str]:
    text = strip_tags(str(value if value is not None else ""))
    return re.findall(r"\S+\s*", text)


def word_diff(old, new) -> list[tuple[str, str]]:
    """The change from `old` to `new` as (kind, text) runs: kind is '', 'del' or 'ins'."""
    a, b = _words(old), _words(new)
    runs = []
    # Words are matched without their trailing space: a last word is the same word when more follows it.
    matcher = difflib.SequenceMatcher(a=[w.rstrip() for w in a], b=[w.rstrip() for w in b], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            runs.append(("", "".join(b[j1:j2])))
            continue
        if op in ("delete", "replace"):
            runs.append(("del", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            runs.append(("ins", "".join(b[j1:j2])))
    return runs


def _names(field: str, pk) -> str:
    if pk is None:
        return "—"
    model = Article._meta.get_field(field).related_model
    return str(model.objects.filter(pk=pk).first() or f"(deleted {field})")


def compare_view(model_admin):
    def view(request, object_id):
        article = model_admin.get_object(request, str(object_id))  # 404 unless on this user's desk
        if not model_admin.has_view_or_change_permission(request, article):
            raise PermissionDenied
        versions = list(Version.objects.get_for_object(article).select_related("revision__user"))
        if len(versions) < 2:
            raise Http404("This story has only one revision.")
        by_id = {str(v.pk): v for v in versions}
        # Versions come newest first; by default compare the last two.
        old = by_id.get(request.GET.get("from", ""), versions[1])
        new = by_id.get(request.GET.get("to", ""), versions[0])
        if old.revision.date_created > new.revision.date_created:
            old, new = new, old
        changes = []
        for name in COMPARED_FIELDS:
            key = f"{name}_id" if name in ("section", "source") else name  # reversion keys a foreign key so
            before, after = old.field_dict.get(key), new.field_dict.get(key)
            if before != after:
                if name in ("section", "source"):
                    before, after = _names(name, before), _names(name, after)
                label = Article._meta.get_field(name).verbose_name
                changes.append({"label": label, "runs": word_diff(before, after)})
        context = {
            **model_admin.admin_site.each_context(request),
            "opts": Article._meta,
            "title": f"Compare revisions of “{article}”",
            "object": article,
            "old": old,
            "new": new,
            "versions": versions,
            "changes": changes,
        }
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    return view
