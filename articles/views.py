"""Reader pages. Every one starts from `Article.objects.published()`."""

from datetime import date

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView, TemplateView
from taggit.models import Tag

from . import structured_data
from .caching import cache_for_readers
from .models import NEWEST_FIRST, Article, Author, Correction, OldSlug, Section, Source
from .selectors import front_page, public_story, related_stories, story_cards, story_page

PER_PAGE = 20
STORY_TEMPLATE = "articles/article_detail.html"
# The query parameters that make a story page one reader's own: never served from a cache, nor kept.
# `held` names the comments a reader has just sent that wait for a moderator (shown to them alone).
PERSONAL_PARAMETERS = ("held",)


@method_decorator(cache_for_readers, name="dispatch")
class HomeView(TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        page = front_page()
        return super().get_context_data(
            lead=page.lead,
            lead_is_breaking=page.lead_is_breaking,
            breaking=page.breaking,
            secondary=page.secondary,
            # The "Most read" slot (includes/most_read.html) ranks stories once readership has
            # figures; until then it shows the latest, and the section blocks leave them out.
            latest=page.latest,
            by_section=page.by_section,
            by_section_with_latest=page.by_section_with_latest,
            website_ld=structured_data.website_ld(),
            **kwargs,
        )


class StoryList(ListView):
    """A paginated list of public stories belonging to one section, tag, source or author."""

    template_name = "articles/story_list.html"
    paginate_by = PER_PAGE
    model = None
    kind = ""

    def get_owner(self):
        return get_object_or_404(self.model, slug=self.kwargs["slug"])

    def filter_stories(self, stories, owner):
        raise NotImplementedError

    def get_queryset(self):
        self.owner = self.get_owner()
        return self.filter_stories(story_cards(), self.owner)

    def get_context_data(self, **kwargs):
        return super().get_context_data(owner=self.owner, kind=self.kind, **kwargs)


@method_decorator(cache_for_readers(reads=("page",)), name="dispatch")
class SectionView(StoryList):
    model, kind = Section, "section"

    def filter_stories(self, stories, owner):
        return stories.filter(section=owner)


@method_decorator(cache_for_readers(reads=("page",)), name="dispatch")
class TagView(StoryList):
    model, kind = Tag, "tag"

    def filter_stories(self, stories, owner):
        return stories.filter(tags=owner)


@method_decorator(cache_for_readers(reads=("page",)), name="dispatch")
class SourceView(StoryList):
    model, kind = Source, "source"

    def filter_stories(self, stories, owner):
        return stories.filter(source=owner)


@method_decorator(cache_for_readers(reads=("page",)), name="dispatch")
class AuthorView(StoryList):
    model, kind = Author, "author"

    def filter_stories(self, stories, owner):
        return stories.filter(authors=owner)


@method_decorator(cache_for_readers(reads=("page",)), name="dispatch")
class CorrectionListView(ListView):
    template_name = "articles/corrections.html"
    paginate_by = PER_PAGE

    def get_queryset(self):
        return (
            Correction.objects.filter(article__in=Article.objects.published())
            .select_related("article__section")
            .order_by("-corrected_at", "-id")
        )


def _story_context(article: Article) -> dict:
    """What a story's page shows besides the story (`article` comes from selectors.story_page)."""
    return {
        "related": related_stories(article),
        "article_ld": structured_data.article_ld(article),
        "breadcrumbs_ld": structured_data.breadcrumbs_ld(article),
    }


@method_decorator(cache_for_readers(reads=("comments",), personal=PERSONAL_PARAMETERS), name="dispatch")
class ArticleDetailView(DetailView):
    template_name = STORY_TEMPLATE
    context_object_name = "article"

    def get(self, request, *args, **kwargs):
        try:
            date(self.kwargs["year"], self.kwargs["month"], self.kwargs["day"])
        except (ValueError, OverflowError):  # OverflowError: a year of more digits than a C long holds
            raise Http404("No such date.") from None
        slug = self.kwargs["slug"]
        article = public_story(slug)
        if article is None:
            old = OldSlug.objects.filter(slug=slug, article__in=Article.objects.published()).first()
            if old is None:
                raise Http404("No story at this address.")
            return redirect(old.article, permanent=True)
        if request.path != article.get_absolute_url():
            # The section or date in the address is not the story's (it moved): send readers on.
            return redirect(article, permanent=True)
        self.object = article
        return self.render_to_response(self.get_context_data(object=article))

    def get_context_data(self, **kwargs):
        return super().get_context_data(**_story_context(self.object), **kwargs)


def story_response(request, article: Article, *, context: dict | None = None, status: int = 200):
    """The page of public story `article`, with more `context`, answered with `status` and never cached.

    For the apps built on stories that answer a POST with the story itself (a comment
    form sent back with its errors, in the context as `comment_form`).
    """
    story = story_page(Article.objects.published().filter(pk=article.pk).order_by()).first()
    if story is None:
        raise Http404("No story at this address.")
    page = {"article": story, "object": story, **_story_context(story), **(context or {})}
    response = render(request, STORY_TEMPLATE, page, status=status)
    add_never_cache_headers(response)
    return response


@never_cache
@staff_member_required
def preview(request, pk: int):
    """A story as a reader would see it, whatever its status, for staff who may open it in the admin.

    Never cached. A story that is not on the user's desk is a 404, as in the admin.
    """
    if not request.user.has_perm("articles.view_article"):
        raise PermissionDenied
    article = get_object_or_404(story_page(Article.objects.on_desk_of(request.user)), pk=pk)
    context = {
        "article": article,
        "related": related_stories(article),
        "preview": True,
    }
    return render(request, STORY_TEMPLATE, context)


LATEST_ON_NOT_FOUND = 5


def page_not_found(request, exception):
    """handler404: "we can't find that page", with search and the newest stories to read instead.

    One query for the stories; if it fails (the database is away), the page goes without them.
    """
    try:
        latest = list(
            Article.objects.published()
            .select_related("section")
            .only("headline", "slug", "published_at", "section__name", "section__slug")
            .order_by(*NEWEST_FIRST)[:LATEST_ON_NOT_FOUND]
        )
    except DatabaseError:
        latest = []
    return render(request, "404.html", {"latest": latest}, status=404)
