"""What the story page reads, as prepared queries (newsroom/prepared.py).

The story page is the page readers arrive on from everywhere else, and most of
what it cost to render was the ORM building and compiling seven small queries.
These are the same queries (the same meaning of "published", the same rows),
compiled once per process. Lists of stories still use the ORM (articles/views.py).
"""

from collections import defaultdict
from datetime import datetime

from django.utils import timezone
from taggit.models import Tag

from newsroom.prepared import PreparedQuery, prefetched

from .models import Article, Byline, Correction, TaggedArticle

_STORY = PreparedQuery(
    lambda slug, now: (
        Article.objects.published(now)
        .filter(slug=slug)
        .select_related("section", "source")
        .defer("search_vector")
        .order_by()[:1]  # the slug is unique: no ordering to compile, no more than one row to read
    ),
    slug=str,
    now=datetime,
)
_CARDS = PreparedQuery(
    lambda ids, now: (
        Article.objects.published(now)
        .filter(pk__in=ids)
        .select_related("section", "source")
        .defer("body", "search_vector")  # what no card shows
        .order_by()
    ),
    ids=[int],
    now=datetime,
)
_BYLINES = PreparedQuery(
    lambda ids: Byline.objects.filter(article_id__in=ids).select_related("author"), ids=[int]
)
_TAGS = PreparedQuery(
    lambda story: Tag.objects.filter(articles_taggedarticle_items__content_object_id=story).order_by("name"),
    story=int,
)
_STORY_TAGS = PreparedQuery(
    lambda ids: (
        TaggedArticle.objects.filter(content_object_id__in=ids).select_related("tag").order_by("tag__name")
    ),
    ids=[int],
)
_CORRECTIONS = PreparedQuery(lambda story: Correction.objects.filter(article_id=story), story=int)


def public_story(slug: str) -> Article | None:
    """The public story with this slug, its bylines, tags and corrections read with it; None if none is."""
    found = _STORY.run(slug=slug, now=timezone.now())
    if not found:
        return None
    story = found[0]
    with_bylines([story])
    prefetched(story, "tags", Tag, _TAGS.run(story=story.pk))
    prefetched(story, "corrections", Correction, _CORRECTIONS.run(story=story.pk))
    return story


def story_cards(ids: list[int]) -> list[Article]:
    """The public stories among `ids`, in that order, with what a card shows."""
    if not ids:
        return []
    found = {story.pk: story for story in _CARDS.run(ids=list(ids), now=timezone.now())}
    stories = [found[pk] for pk in ids if pk in found]
    return with_bylines(stories)


def with_bylines(stories: list[Article]) -> list[Article]:
    """Give each story its bylines (`story.bylines.all()`), authors included, in one query."""
    if not stories:
        return stories
    bylines = defaultdict(list)
    for byline in _BYLINES.run(ids=list(dict.fromkeys(story.pk for story in stories))):
        bylines[byline.article_id].append(byline)
    for story in stories:
        prefetched(story, "bylines", Byline, bylines[story.pk])
    return stories


def with_tags(stories: list[Article]) -> list[Article]:
    """Give each story its tags (`story.tags.all()`, by name) in one query.

    prefetch_related("tags") does the same in one query too, but then builds a filtered
    queryset for every story to hold them (taggit's manager): most of a feed's time.
    """
    if not stories:
        return stories
    tags = defaultdict(list)
    for tagged in _STORY_TAGS.run(ids=[story.pk for story in stories]):
        tags[tagged.content_object_id].append(tagged.tag)
    for story in stories:
        prefetched(story, "tags", Tag, tags[story.pk])
    return stories
