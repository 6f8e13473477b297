"""Readership figures for the demo: two weeks of views per hour, and the sites they came from.

Each public demo story gets the curve a news story has: a climb in the hour or two after
publication, a peak, a decay (quicker for news, slower for features), a long tail of
readers who find it later, and the day's rhythm on top (quiet at night, busy at
breakfast, lunch and in the evening). How big the story is varies by story (the lead and
the breaking story are read most). Referring sites are a share of each day's views.
Everything follows from the stories and the hour: the same run gives the same figures.

Hours and days that already have a row (counts the site made, or a load before) are left
as they are: a second load only adds the hours since the first.
"""

import math
import zlib
from datetime import datetime, timedelta

from django.utils import timezone

from articles.models import Article
from readership.folding import hour_of
from readership.models import StoryHour, StoryReferrer

DAYS = 14
PEAK_VIEWS = 360  # an ordinary story's busiest hour
TAIL = 0.04  # the long tail: what search and links bring an old story, as a share of its peak
# Referring sites (invented, generic names) and the share of a story's views each brings.
REFERRERS = (
    ("search.example", 0.24),
    ("social.example", 0.11),
    ("newsletter.example", 0.05),
    ("partner-news.example", 0.03),
)
# The day's rhythm, by local hour: readers in bed, at breakfast, at lunch, after dinner.
RHYTHM = (
    0.18, 0.10, 0.07, 0.06, 0.08, 0.16, 0.38, 0.72, 0.95, 0.88, 0.78, 0.82,
    1.00, 0.94, 0.78, 0.72, 0.74, 0.82, 0.90, 0.98, 1.00, 0.86, 0.58, 0.34,
)  # fmt: skip


def _fraction(*parts) -> float:
    """A number in [0, 1) that depends only on `parts`: the demo's randomness, made repeatable."""
    return zlib.crc32(":".join(str(part) for part in parts).encode()) / 2**32


def _spread(slug: str, domain: str, day) -> float:
    """How much more or less than its usual share a site sends this story on this day."""
    return (0.5 + _fraction(slug, domain)) * (0.85 + 0.3 * _fraction(slug, domain, day))


def story_curve(article: Article) -> tuple[float, float, float]:
    """(size, hours to the peak, hours the interest lasts) of `article`, varied by story."""
    size = 0.35 + 1.3 * _fraction(article.slug, "size")
    if article.is_featured:
        size *= 2.2
    if article.is_breaking:
        size *= 1.8
    return size, 1 + 2 * _fraction(article.slug, "rise"), 8 + 40 * _fraction(article.slug, "decay")


def hour_views(article: Article, hour: datetime, curve: tuple[float, float, float]) -> float:
    """The story's views in `hour` (UTC), before rounding."""
    size, rise, lasting = curve
    age = (hour - article.published_at).total_seconds() / 3600
    if age < -1:
        return 0.0
    climb = min(1.0, max(age + 1, 0.25) / rise)
    interest = math.exp(-max(age, 0) / lasting) + TAIL
    noise = 0.8 + 0.4 * _fraction(article.slug, f"{hour:%Y%m%d%H}")
    return PEAK_VIEWS * size * climb * interest * RHYTHM[timezone.localtime(hour).hour] * noise


def readership_load(*, now: datetime) -> tuple[int, int]:
    """Add the missing demo figures of the public stories up to `now`: (hour rows, referrer rows)."""
    current = hour_of(now)
    start = current - timedelta(days=DAYS)
    stories = Article.objects.published().filter(published_at__lte=now)
    stories = stories.only("pk", "slug", "published_at", "is_featured", "is_breaking")
    had_hours = set(StoryHour.objects.filter(hour__gte=start).values_list("article_id", "hour"))
    had_days = set(
        StoryReferrer.objects.filter(day__gte=start.date()).values_list("article_id", "day", "domain")
    )
    hours, days = [], {}
    for article in stories:
        curve = story_curve(article)
        hour = max(start, hour_of(article.published_at))
        while hour <= current:
            share = (now - hour).total_seconds() / 3600 if hour == current else 1.0  # the hour so far
            views = round(hour_views(article, hour, curve) * min(share, 1.0))
            if views and (article.pk, hour) not in had_hours:
                hours.append(StoryHour(article=article, hour=hour, views=views))
                days[article, hour.date()] = days.get((article, hour.date()), 0) + views
            hour += timedelta(hours=1)
    referrers = [
        StoryReferrer(article=article, day=day, domain=domain, views=views)
        for (article, day), total in days.items()
        for domain, share in REFERRERS
        if (article.pk, day, domain) not in had_days
        and (views := round(total * share * _spread(article.slug, domain, day)))
    ]
    StoryHour.objects.bulk_create(hours, batch_size=1000)
    StoryReferrer.objects.bulk_create(referrers, batch_size=1000)
    return len(hours), len(referrers)
