"""The demo's readership figures: two weeks of believable views for its public stories, "Most read"
filled, and a second load that keeps every row and adds only the hours since."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db.models import Max, Sum
from django.utils import timezone

from articles.models import Article
from demo.readership import DAYS, REFERRERS
from readership.folding import hour_of
from readership.models import StoryHour, StoryReferrer
from readership.ranking import MOST_READ_KEY, most_read_ids
from tests.demo.test_demo import load_demo

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 6, 12, 20, tzinfo=UTC)  # early in an hour: a test never sees the next one


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=True):
        yield


def rows() -> dict:
    return {
        "hours": set(StoryHour.objects.values_list("article_id", "hour", "views")),
        "referrers": set(StoryReferrer.objects.values_list("article_id", "day", "domain", "views")),
    }


def test_the_demo_has_two_weeks_of_figures_for_its_public_stories_only():
    output = load_demo()
    public = set(Article.objects.published().values_list("pk", flat=True))
    assert set(StoryHour.objects.values_list("article_id", flat=True).distinct()) == public
    assert set(StoryReferrer.objects.values_list("article_id", flat=True).distinct()) == public
    now = timezone.now()
    first = StoryHour.objects.order_by("hour").first().hour
    assert hour_of(now) - timedelta(days=DAYS) <= first < hour_of(now) - timedelta(days=DAYS - 1)
    for article in Article.objects.published():
        assert not StoryHour.objects.filter(article=article, hour__lt=hour_of(article.published_at)).exists()
    assert {domain for domain, _ in REFERRERS} == set(StoryReferrer.objects.values_list("domain", flat=True))
    assert all(domain.endswith(".example") for domain, _ in REFERRERS)
    assert "readership: " in output and " hours of views" in output
    # "Most read" is there at once, without waiting for a fold.
    assert cache.get(MOST_READ_KEY) == most_read_ids() and len(most_read_ids()) == 5


def test_a_story_peaks_soon_after_publication_then_fades_with_the_day_in_it():
    load_demo()
    news = Article.objects.published().filter(published_at__lte=timezone.now() - timedelta(days=3))
    story = news.order_by("-published_at").first()
    views = dict(StoryHour.objects.filter(article=story).values_list("hour", "views"))
    peak = max(views, key=views.get)
    assert peak - hour_of(story.published_at) <= timedelta(hours=12)
    first_day = sum(n for hour, n in views.items() if hour < hour_of(story.published_at) + timedelta(days=1))
    third_day = sum(
        n
        for hour, n in views.items()
        if timedelta(days=2) <= hour - hour_of(story.published_at) < timedelta(days=3)
    )
    assert first_day > 2 * third_day > 0
    by_local_hour = {}
    for hour, n in views.items():
        by_local_hour.setdefault(timezone.localtime(hour).hour, []).append(n)
    night, noon = sum(by_local_hour.get(3, [])), sum(by_local_hour.get(12, []))
    assert noon > 3 * night  # the day's rhythm
    totals = StoryHour.objects.values("article").annotate(total=Sum("views")).values_list("total", flat=True)
    assert len(set(totals)) == len(totals)  # each story its own size


def test_loading_again_keeps_every_row_and_adds_only_the_hours_since():
    load_demo()
    before = rows()
    assert "readership: 0 hours of views and 0 referring sites' days added" in load_demo()
    assert rows() == before
    with time_machine.travel(NOW + timedelta(hours=3), tick=True):
        load_demo()
    after = rows()
    assert after["hours"] > before["hours"] and after["referrers"] >= before["referrers"]
    assert StoryHour.objects.aggregate(newest=Max("hour"))["newest"] == hour_of(NOW + timedelta(hours=3))
