"""What the editors' admin shows of readership: a story's figures, and the desk's "Most read" panel.

- `story_readership(article)`: the story's readership page (readership/admin.py). Views per
  hour since publication; for a story older than HOURLY_SPAN, the last HOURLY_SPAN hourly and
  a second chart per day since publication. Days are local days (TIME_ZONE), hours UTC hours
  shown in local time. Four queries, whatever the story's age.
- `desk_readership()`: the dashboard's panel (templates/admin/includes/desk_readership.html).
  "Today" is the last 24 hours, the same window as the site's "Most read" (readership.ranking),
  and "this week" the last 7 × 24 hours; each lists its most read public stories with a trend
  (24 hourly points; 7 daily ones), then every section's views in that period, most first.
  Three queries whatever the number of stories (one when nothing was read).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import F, Min, Q, Sum, Window
from django.db.models.functions import Coalesce, RowNumber, TruncDate
from django.utils import timezone
from django.utils.formats import date_format

from articles.models import Article

from . import charts
from .folding import hour_of
from .models import StoryHour, StoryReferrer
from .ranking import window_start

HOUR = timedelta(hours=1)
HOURLY_SPAN = timedelta(days=14)
TOP_REFERRERS = 20
DESK_ROWS = 5
NO_SECTION = "No section"


# --- a story's readership page ----------------------------------------------------------------


@dataclass
class Referrer:
    domain: str
    views: int
    share: float  # of all the story's views, in per cent


@dataclass
class StoryReadership:
    total: int = 0
    last_day: int = 0
    since: datetime | None = None  # the first hour shown
    hourly: charts.Chart | None = None
    daily: charts.Chart | None = None
    days: list[tuple[date, int]] = field(default_factory=list)  # the table: every day since `since`
    referrers: list[Referrer] = field(default_factory=list)
    direct: Referrer | None = None
    other_sites: Referrer | None = None  # the sites after the first TOP_REFERRERS, together

    @property
    def counted(self) -> bool:
        return self.total > 0

    @property
    def summed(self) -> list[Referrer]:
        """The rows after the named sites: the other sites together, then direct or unknown."""
        return [row for row in (self.other_sites, self.direct) if row is not None]


def share(views: int, total: int) -> float:
    return 100 * views / total if total else 0.0


def story_start(article: Article, first_counted: datetime | None) -> datetime | None:
    """The first hour to show: publication's, or an earlier counted one's (a story published again)."""
    hours = [hour for hour in (article.published_at and hour_of(article.published_at), first_counted) if hour]
    return min(hours, default=None)


def every_day(first: date, last: date, counts: dict[date, int]) -> list[tuple[date, int]]:
    return [(first + timedelta(days=i), counts.get(first + timedelta(days=i), 0))
            for i in range((last - first).days + 1)]  # fmt: skip


def story_readership(article: Article, now: datetime | None = None) -> StoryReadership:
    """The figures of `article`'s readership page, as of `now`."""
    now = now or timezone.now()
    rows = StoryHour.objects.filter(article=article)
    days = list(
        rows.annotate(day=TruncDate("hour", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(views=Sum("views"), first=Min("hour"))
        .order_by("day")
    )
    per_day = {row["day"]: row["views"] for row in days}
    figures = StoryReadership(total=sum(per_day.values()))
    figures.since = story_start(article, days[0]["first"] if days else None)
    current = hour_of(now)
    if figures.since is None or figures.since > current:
        return figures  # never published, or not yet: nothing to count
    first_hour = max(figures.since, current - HOURLY_SPAN + HOUR)
    hours = dict(rows.filter(hour__gte=first_hour).values_list("hour", "views"))
    figures.last_day = sum(views for hour, views in hours.items() if hour >= window_start(now))
    figures.hourly = hourly_chart(first_hour, current, hours, older=first_hour > figures.since)
    first_day, today = timezone.localtime(figures.since).date(), timezone.localdate(now)
    figures.days = every_day(first_day, today, per_day)
    if first_hour > figures.since:
        figures.daily = daily_chart(figures.days)
    if figures.counted:
        add_referrers(figures, article)
    return figures


def hourly_chart(first: datetime, last: datetime, hours: dict[datetime, int], older: bool) -> charts.Chart:
    span = int((last - first) / HOUR) + 1
    buckets = [(first + i * HOUR, hours.get(first + i * HOUR, 0)) for i in range(span)]
    total = sum(views for _, views in buckets)
    title = "Views per hour, the last 14 days" if older else "Views per hour since publication"
    return charts.line_chart(
        "hourly",
        title,
        f"{total:,} views over {span} hours, from {date_format(timezone.localtime(first), 'j M H:i')} "
        f"to now; the busiest hour had {max(views for _, views in buckets):,}. "
        "Exact figures per day are in the table below.",
        buckets,
        charts.hourly_marks(span),
        charts.hourly_label(span),
    )


def daily_chart(days: list[tuple[date, int]]) -> charts.Chart:
    span = len(days)
    return charts.line_chart(
        "daily",
        "Views per day since publication",
        f"{sum(v for _, v in days):,} views over {span} days, from {date_format(days[0][0], 'j M Y')} "
        f"to today; the busiest day had {max(v for _, v in days):,}. Exact figures are in the table below.",
        days,
        charts.daily_marks(span),
        charts.daily_label(span),
    )


def add_referrers(figures: StoryReadership, article: Article) -> None:
    """The first TOP_REFERRERS referring sites, and "direct or unknown": the views no site referred."""
    sites = StoryReferrer.objects.filter(article=article)
    top = sites.values("domain").annotate(views=Sum("views")).order_by("-views", "domain")
    referred = sites.aggregate(views=Coalesce(Sum("views"), 0))["views"]
    figures.referrers = [
        Referrer(row["domain"], row["views"], share(row["views"], figures.total))
        for row in top[:TOP_REFERRERS]
    ]
    others = referred - sum(referrer.views for referrer in figures.referrers)
    if others:
        figures.other_sites = Referrer("Other sites", others, share(others, figures.total))
    direct = max(0, figures.total - referred)
    figures.direct = Referrer("Direct or unknown", direct, share(direct, figures.total))


# --- the desk's panel ---------------------------------------------------------------------------


@dataclass
class ReadRow:
    story_id: int
    headline: str
    section: str
    views: int
    trend: list[int]
    spark: charts.Spark


@dataclass
class Period:
    key: str  # "today" or "week"
    title: str
    trend_words: str  # what the small chart shows
    rows: list[ReadRow] = field(default_factory=list)
    sections: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class ReadershipDesk:
    periods: list[Period] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(period.rows for period in self.periods)


def desk_readership(now: datetime | None = None, rows: int = DESK_ROWS) -> ReadershipDesk:
    """The most read public stories of the last 24 hours and of the last 7 days, and their sections."""
    current = hour_of(now or timezone.now())
    day_since, week_since = window_start(current), current - (7 * 24 - 1) * HOUR
    counted = StoryHour.objects.filter(hour__gte=week_since, article__in=Article.objects.published(now))
    day = Coalesce(Sum("views", filter=Q(hour__gte=day_since)), 0)
    ranked = list(
        counted.values("article", "article__headline", "article__section__name")
        .annotate(week=Sum("views"), day=day)
        .annotate(
            week_rank=Window(RowNumber(), order_by=[F("week").desc(), F("article").asc()]),
            day_rank=Window(RowNumber(), order_by=[F("day").desc(), F("article").asc()]),
        )
        .filter(Q(week_rank__lte=rows) | Q(day_rank__lte=rows, day__gt=0))
    )
    today = Period("today", "Today", "views per hour, last 24 hours")
    week = Period("week", "This week", "views per day, last 7 days")
    if not ranked:
        return ReadershipDesk([today, week])
    trends = hourly_trends([row["article"] for row in ranked], week_since)
    for period, rank, key in ((today, "day_rank", "day"), (week, "week_rank", "week")):
        chosen = sorted((row for row in ranked if row[rank] <= rows and row[key] > 0), key=lambda r: r[rank])
        for row in chosen:
            hourly = trends[row["article"]]
            trend = hourly[-24:] if key == "day" else [sum(hourly[i : i + 24]) for i in range(0, 168, 24)]
            period.rows.append(
                ReadRow(
                    row["article"], row["article__headline"], row["article__section__name"] or NO_SECTION,
                    row[key], trend, charts.sparkline(trend),
                )
            )  # fmt: skip
    by_section = list(
        counted.values("article__section__name").annotate(week=Sum("views"), day=day).order_by("-week")
    )
    for period, key in ((today, "day"), (week, "week")):
        period.sections = sorted(
            ((row["article__section__name"] or NO_SECTION, row[key]) for row in by_section if row[key]),
            key=lambda pair: (-pair[1], pair[0]),
        )
    return ReadershipDesk([today, week])


def hourly_trends(story_ids: list[int], since: datetime) -> dict[int, list[int]]:
    """Each story's views in each of the 168 hours from `since`, oldest first."""
    trends: dict[int, list[int]] = defaultdict(lambda: [0] * 168)
    for story, hour, views in StoryHour.objects.filter(article__in=story_ids, hour__gte=since).values_list(
        "article", "hour", "views"
    ):
        index = int((hour - since) / HOUR)
        if 0 <= index < 168:
            trends[story][index] += views
    return trends
