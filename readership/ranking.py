""" "Most read": the public stories with the most views in the current hour and the 23 before.

The list (story ids, best first) is kept in Django's cache; reader pages read it from
there (templatetags/readership.py). Each fold recomputes it (most_read_refresh); when the
list changes, the reader pages' generation is bumped (articles.caching.invalidate_pages),
so cached pages show the new list within a minute, and a fold that leaves it as it was
leaves the cached pages alone.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import F, Sum
from django.utils import timezone

from articles.caching import invalidate_pages
from articles.models import Article

from .folding import hour_of
from .models import StoryHour

MOST_READ_KEY = "readership:most-read"
MOST_READ_TIMEOUT = 600  # a scheduler away for ten minutes: the list is recomputed on the next read
WINDOW_HOURS = 24  # the current hour and the 23 before it


def window_start(now: datetime | None = None) -> datetime:
    """The first hour (UTC) that counts: 23 hours before the current one."""
    return hour_of(now or timezone.now()) - timedelta(hours=WINDOW_HOURS - 1)


def most_read_ids(*, limit: int | None = None, since: datetime | None = None) -> list[int]:
    """Public stories by their views since `since` (default: the window), most first; ties: newer first."""
    ranked = (
        StoryHour.objects.filter(hour__gte=since or window_start(), article__in=Article.objects.published())
        .values("article")
        .annotate(total=Sum("views"))
        .order_by("-total", F("article__published_at").desc(nulls_last=True), "-article")
        .values_list("article", flat=True)
    )
    return list(ranked[: limit or settings.NEWSROOM_MOST_READ])


def most_read_refresh() -> list[int]:
    """Recompute the list; if it changed (or no list was kept), reader pages are made again.

    The list is stored before the generation is bumped: a page made for the new
    generation can only have read the new list.
    """
    ids = most_read_ids()
    kept = cache.get(MOST_READ_KEY)
    cache.set(MOST_READ_KEY, ids, MOST_READ_TIMEOUT)  # kept fresh at each fold, changed or not
    if kept != ids:
        invalidate_pages()
    return ids


def most_read() -> list[int]:
    """The current list (the cached one; computed if the cache has none)."""
    ids = cache.get(MOST_READ_KEY)
    if ids is None:
        ids = most_read_ids()
        cache.set(MOST_READ_KEY, ids, MOST_READ_TIMEOUT)
    return ids
