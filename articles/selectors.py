"""What reader pages read, as querysets that start from `Article.objects.published()`.

A card shows a story's section, headline, standfirst, bylines, date, source and
comment count; the story page shows the rest of the story and its tags and corrections.
"""

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Value

from .models import NEWEST_FIRST, Article, Byline, Correction

# What no card shows: the body and the search vector are most of a story's bytes.
NOT_ON_CARDS = ("body", "search_vector")


def bylines_with_authors() -> Prefetch:
    """A story's bylines in byline order, each with its author, for `story.bylines.all()`."""
    return Prefetch("bylines", queryset=Byline.objects.select_related("author"))


def story_cards(stories: QuerySet[Article] | None = None) -> QuerySet[Article]:
    """`stories` (public ones unless given) with what a card shows, bylines prefetched."""
    if stories is None:
        stories = Article.objects.published()
    return (
        stories.select_related("section", "source")
        .defer(*NOT_ON_CARDS)
        .prefetch_related(bylines_with_authors())
    )


def story_page(stories: QuerySet[Article]) -> QuerySet[Article]:
    """`stories` with everything their page shows: section, source, bylines and tags.

    Few stories have corrections: `has_corrections` says whether `corrections.all()` is
    worth a query.
    """
    return (
        stories.select_related("section", "source")
        .defer("search_vector")
        .annotate(has_corrections=Exists(Correction.objects.filter(article=OuterRef("pk"))))
        .prefetch_related(bylines_with_authors(), "tags")
    )


def public_story(slug: str) -> Article | None:
    """The public story at `slug`, ready for its page; None if there is none."""
    return story_page(Article.objects.published().filter(slug=slug).order_by()).first()


def related_stories(article: Article, limit: int = 4) -> QuerySet[Article]:
    """Public stories sharing the most tags with `article`, then its section's newest, as cards.

    Only the few that can make the list are ranked: the `limit` best by shared tags and
    the `limit` newest in the section. Lazy: nothing is read until a template shows them.
    `article.tags` should be prefetched (story_page does).
    """
    tag_ids = [tag.pk for tag in article.tags.all()]
    others = Article.objects.published().exclude(pk=article.pk)
    candidates = others.filter(section_id=article.section_id).order_by(*NEWEST_FIRST).values("pk")[:limit]
    shared = Value(0)
    if tag_ids:
        most_shared = (
            others.filter(tags__in=tag_ids)
            .annotate(shared=Count("tags"))
            .order_by("-shared", "-published_at")
            .values("pk")[:limit]
        )
        if connection.features.supports_slicing_ordering_in_compound:
            # One list of candidates: PostgreSQL then reads them by primary key (with an OR of
            # two lists it would read every story to test each against both).
            candidates = candidates.union(most_shared)
        else:
            candidates = Article.objects.filter(Q(pk__in=candidates) | Q(pk__in=most_shared)).values("pk")
        shared = Count("tags", filter=Q(tags__in=tag_ids), distinct=True)
    ranked = Article.objects.published().filter(pk__in=Subquery(candidates)).annotate(shared=shared)
    return story_cards(ranked).order_by("-shared", *NEWEST_FIRST)[:limit]
