"""Readership in the editors' admin: a views column in the story list, and a readership page per story.

articles knows nothing of readership, so the story admin is extended here: the registered
ArticleAdmin is subclassed and registered again on the same site (the newsroom's, which
is `admin.site`). INSTALLED_APPS lists readership after articles, so articles' admin is
registered when this module is imported.
"""

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from articles.admin.story import ArticleAdmin
from articles.models import Article

from .desk import story_readership
from .models import StoryHour


def total_views() -> Coalesce:
    """A story's views of all time, as one correlated subquery: no join, so no row counted twice."""
    views = (
        StoryHour.objects.filter(article=OuterRef("pk"))
        .order_by()
        .values("article")
        .annotate(total=Sum("views"))
        .values("total")
    )
    return Coalesce(Subquery(views), 0)


class ReadershipChangeList(ChangeList):
    """The story list, each story with its total views (`total_views`), which the views column sorts by."""

    def get_queryset(self, request, exclude_parameters=None):
        if not getattr(self, "counts_views", False):
            self.root_queryset = self.root_queryset.annotate(total_views=total_views())
            self.counts_views = True
        return super().get_queryset(request, exclude_parameters)


admin.site.unregister(Article)


@admin.register(Article)
class StoryReadershipAdmin(ArticleAdmin):
    """The story admin, with readership: the views column, the readership page, the link from the form."""

    # A fifth, narrow column after the status line (static/css/readership-admin.css fits it).
    list_display = [*ArticleAdmin.list_display[:2], "views", *ArticleAdmin.list_display[2:]]
    change_form_template = "admin/readership/article/change_form.html"

    class Media:
        css = {"all": ["css/readership-admin.css"]}

    def get_changelist(self, request, **kwargs):
        return ReadershipChangeList

    @admin.display(description="views", ordering="total_views")
    def views(self, obj):
        total = getattr(obj, "total_views", 0)
        if not total and obj.status != obj.Status.PUBLISHED:
            return mark_safe('<span title="Not published: nothing to count">–</span>')  # noqa: S308 (constant)
        return format_html(
            '<a href="{}">{}<span class="visually-hidden"> views: readership of “{}”</span></a>',
            reverse("admin:articles_article_readership", args=[obj.pk]),
            number_format(total, force_grouping=True),
            obj.headline,
        )

    def get_urls(self):
        return [
            path(
                "<int:object_id>/readership/",
                self.admin_site.admin_view(require_GET(self.readership_view)),
                name="articles_article_readership",
            ),
            *super().get_urls(),
        ]

    def readership_view(self, request, object_id):
        """A story's readership, for whoever may open the story: its change view's rule, and 404 alike."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        article = self.get_object(request, str(object_id))  # 404 unless on this user's desk
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": Article._meta,
            "title": f"Readership of “{article}”",
            "subtitle": None,
            "object": article,
            "figures": story_readership(article),
            "has_change_permission": self.has_change_permission(request, article),
        }
        return TemplateResponse(request, "admin/readership/article/readership.html", context)
