""" "Most read": the stories with the most views in the last 24 hours, recomputed at each fold.

The list (story ids, best first) is kept in Django's cache; reader pages read it from
there. When a fold changes it, the reader pages' generation is bumped
(articles.caching.invalidate_pages), so cached pages show the new list within a minute.
"""

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Sum
from django.utils import timezone

from articles.caching import invalidate_pages
from articles.models import Article

from .folding import hour_of
from .models import StoryHour

MOST_READ_KEY = "readership:most-read"
MOST_READ_TIMEOUT = 600  # a scheduler away for ten minutes: the list is recomputed on the next read
WINDOW = timedelta(hours=24)


def most_read_ids(*, limit: int | None = None, since=None) -> list[int]:
    """Public stories by their views since `since` (default: the last 24 hours), most first."""
    since = since or hour_of(timezone.now() - WINDOW + timedelta(hours=1))
    ranked = (
        StoryHour.objects.filter(hour__gte=since, article__in=Article.objects.published())
        .values("article")
        .annotate(total=Sum("views"))
        .order_by("-total", "article")
        .values_list("article", flat=True)
    )
    return list(ranked[: limit or settings.NEWSROOM_MOST_READ])


def most_read_refresh() -> list[int]:
    """Recompute the list; if it changed, reader pages are made again."""
    ids = most_read_ids()
    if cache.get(MOST_READ_KEY) != ids:
        cache.set(MOST_READ_KEY, ids, MOST_READ_TIMEOUT)
        invalidate_pages()
    return ids


def most_read() -> list[int]:
    """The current list (the cached one; computed if the cache has none)."""
    ids = cache.get(MOST_READ_KEY)
    if ids is None:
        ids = most_read_ids()
        cache.set(MOST_READ_KEY, ids, MOST_READ_TIMEOUT)
    return ids
