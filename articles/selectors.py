"""What reader pages read, as querysets that start from `Article.objects.published()`.

A card shows a story's section, headline, standfirst, bylines, date, source, comment
count and lead image (its renditions, size and alt text); the story page shows the rest of
the story and its tags and corrections.
"""

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
    prefetch_related_objects,
)
from django.db.models.functions import RowNumber

from .models import NEWEST_FIRST, Article, Byline, Correction, Section

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


# The front page: the lead, a row of SECONDARY stories, the "Most read" slot of MOST_READ and
# up to PER_SECTION stories in each section's block.
SECONDARY, MOST_READ, PER_SECTION = 3, 5, 3


@dataclass
class FrontPage:
    """What the front page shows.

    `breaking` is the banner's story; when it is also the lead there is no banner
    (`lead_is_breaking`) and the lead card says so instead.

    The "Most read" slot is filled by the readership app's template tag. Until there are
    figures (a new site, or no views for a day) it shows `latest`, the newest stories not
    shown above, and the section blocks are `by_section`: no story is in two places. When it
    ranks stories instead, the latest go back to their sections: `by_section_with_latest`.
    """

    lead: Article | None = None
    breaking: Article | None = None
    lead_is_breaking: bool = False
    secondary: list[Article] = field(default_factory=list)
    latest: list[Article] = field(default_factory=list)
    by_section: dict[Section, list[Article]] = field(default_factory=dict)
    by_section_with_latest: dict[Section, list[Article]] = field(default_factory=dict)


def _newest_pk(stories: QuerySet[Article]) -> Subquery:
    return Subquery(stories.order_by(*NEWEST_FIRST).values("pk")[:1])


def front_page() -> FrontPage:
    """The front page in a fixed number of queries, whatever the number of stories and sections.

    The newest featured story leads (else the newest story); the newest breaking story is the
    banner. Then, from the newest stories, the secondary row and the latest for the slot;
    then each section's newest stories that are nowhere else on the page (both ways, with and
    without the latest). Every list reads from its own index (Article.Meta.indexes).
    """
    stories = story_cards().prefetch_related(None)  # the bylines of all the cards at once, below
    published = Article.objects.published()
    newest = list(stories[: 1 + SECONDARY + MOST_READ + 2])  # two spare: the featured and breaking ones
    flagged = list(
        stories.filter(
            Q(pk=_newest_pk(published.filter(is_featured=True)))
            | Q(pk=_newest_pk(published.filter(is_breaking=True)))
        )
    )
    page = FrontPage(lead=next((s for s in flagged if s.is_featured), None) or next(iter(newest), None))
    page.breaking = next((s for s in flagged if s.is_breaking), None)
    if page.breaking is not None and page.breaking == page.lead:
        page.breaking, page.lead_is_breaking = None, True
    top = {story.pk for story in (page.lead, page.breaking) if story is not None}
    rest = [story for story in newest if story.pk not in top]
    page.secondary = rest[:SECONDARY]
    page.latest = rest[SECONDARY : SECONDARY + MOST_READ]
    top.update(story.pk for story in page.secondary)
    page.by_section, page.by_section_with_latest = _sections_newest(
        stories, exclude=top, latest={story.pk for story in page.latest}
    )
    in_sections = {
        story.pk: story
        for blocks in (*page.by_section.values(), *page.by_section_with_latest.values())
        for story in blocks
    }
    shown = [story for story in (page.lead, *page.secondary, *in_sections.values()) if story is not None]
    prefetch_related_objects(shown, bylines_with_authors())
    return page


def _sections_newest(stories: QuerySet[Article], *, exclude: set[int], latest: set[int]) -> tuple[dict, dict]:
    """Each section's PER_SECTION newest stories not in `exclude`, sections in menu order: without
    the `latest` ones (for a page that shows them in the slot) and with them (for one that does not)."""
    ranked = (  # ids only, from the index: a subquery here made the planner read every story
        Article.objects.published()
        .filter(section__isnull=False)
        .exclude(pk__in=exclude)
        .annotate(rank=Window(RowNumber(), partition_by=F("section_id"), order_by=NEWEST_FIRST))
        .filter(rank__lte=PER_SECTION + len(latest))  # a section can lose every latest story
        .values_list("section_id", "rank", "pk")
    )
    by_rank: dict[int, list[int]] = {}
    for section_id, _, pk in sorted(ranked):
        by_rank.setdefault(section_id, []).append(pk)
    without, with_latest = set(), set()
    for pks in by_rank.values():
        without.update([pk for pk in pks if pk not in latest][:PER_SECTION])
        with_latest.update(pks[:PER_SECTION])
    in_sections = ("section__position", "section__name", *NEWEST_FIRST)
    cards = list(stories.filter(pk__in=without | with_latest).order_by(*in_sections))
    blocks: tuple[dict, dict] = ({}, {})
    for block, wanted in zip(blocks, (without, with_latest), strict=True):
        for story in cards:
            if story.pk in wanted:
                block.setdefault(story.section, []).append(story)
    return blocks
