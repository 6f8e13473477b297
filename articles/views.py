"""Reader pages. Every one starts from `Article.objects.published()`."""

from datetime import date

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Prefetch, Q, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView, TemplateView
from taggit.models import Tag

from comments import threads
from comments.forms import CommentForm

from . import structured_data
from .caching import cache_for_readers
from .models import Article, Author, Byline, Correction, OldSlug, Section, Source

PER_PAGE = 20


def with_cards(queryset):
    """What a story card shows, fetched in a fixed number of queries."""
    return queryset.select_related("section", "source").prefetch_related(
        Prefetch("bylines", queryset=Byline.objects.select_related("author"))
    )


def public_stories():
    return with_cards(Article.objects.published())


def story_for_page(queryset):
    return with_cards(queryset).prefetch_related("tags", "corrections")


def related_stories(article: Article, limit: int = 4):
    """Public stories sharing the most tags with `article`, then its section; newest first."""
    tag_ids = [tag.pk for tag in article.tags.all()]
    return with_cards(
        Article.objects.published()
        .exclude(pk=article.pk)
        .filter(Q(tags__in=tag_ids) | Q(section_id=article.section_id))
        .annotate(shared=Count("tags", filter=Q(tags__in=tag_ids), distinct=True))
        .order_by("-shared", "-published_at")
    )[:limit]


@method_decorator(cache_for_readers, name="dispatch")
class HomeView(TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        stories = public_stories()
        lead = stories.order_by("-is_featured", "-published_at").first()
        latest = list(stories.exclude(pk=getattr(lead, "pk", None))[:10])
        breaking = Article.objects.published().filter(is_breaking=True).select_related("section").first()
        ranked = (
            stories.filter(section__isnull=False)
            .annotate(
                rank=Window(RowNumber(), partition_by=F("section_id"), order_by=F("published_at").desc())
            )
            .filter(rank__lte=3)
            .order_by("section__position", "section__name", "rank")
        )
        by_section = {}
        for article in ranked:
            by_section.setdefault(article.section, []).append(article)
        return super().get_context_data(
            lead=lead,
            latest=latest,
            breaking=breaking,
            by_section=by_section,
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
        return self.filter_stories(public_stories(), self.owner)

    def get_context_data(self, **kwargs):
        return super().get_context_data(owner=self.owner, kind=self.kind, **kwargs)


@method_decorator(cache_for_readers, name="dispatch")
class SectionView(StoryList):
    model, kind = Section, "section"

    def filter_stories(self, stories, owner):
        return stories.filter(section=owner)


@method_decorator(cache_for_readers, name="dispatch")
class TagView(StoryList):
    model, kind = Tag, "tag"

    def filter_stories(self, stories, owner):
        return stories.filter(tags=owner)


@method_decorator(cache_for_readers, name="dispatch")
class SourceView(StoryList):
    model, kind = Source, "source"

    def filter_stories(self, stories, owner):
        return stories.filter(source=owner)


@method_decorator(cache_for_readers, name="dispatch")
class AuthorView(StoryList):
    model, kind = Author, "author"

    def filter_stories(self, stories, owner):
        return stories.filter(authors=owner)


@method_decorator(cache_for_readers, name="dispatch")
class CorrectionListView(ListView):
    template_name = "articles/corrections.html"
    paginate_by = PER_PAGE

    def get_queryset(self):
        return (
            Correction.objects.filter(article__in=Article.objects.published())
            .select_related("article__section")
            .order_by("-corrected_at", "-id")
        )


@method_decorator(cache_for_readers, name="dispatch")
class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get(self, request, *args, **kwargs):
        try:
            date(self.kwargs["year"], self.kwargs["month"], self.kwargs["day"])
        except ValueError:
            raise Http404("No such date.") from None
        slug = self.kwargs["slug"]
        article = story_for_page(Article.objects.published()).filter(slug=slug).first()
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
        return super().get_context_data(
            related=related_stories(self.object),
            comment_page=threads.thread_page(
                self.object, threads.page_number(self.request.GET.get("comments"))
            ),
            comment_form=CommentForm(self.object, user=self.request.user),
            article_ld=structured_data.article_ld(self.object),
            breadcrumbs_ld=structured_data.breadcrumbs_ld(self.object),
            **kwargs,
        )


@never_cache
@staff_member_required
def preview(request, pk: int):
    """A story as a reader would see it, whatever its status; staff only, never cached."""
    article = get_object_or_404(story_for_page(Article.objects.all()), pk=pk)
    if not request.user.has_perm("articles.view_article"):
        raise PermissionDenied
    context = {
        "article": article,
        "related": related_stories(article),
        "comment_page": threads.thread_page(article),
        "preview": True,
    }
    return render(request, "articles/article_detail.html", context)
