"""The one meaning of "published", with the clock frozen."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from articles.models import Article
from tests.factories import ArticleFactory

NOON = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
Status = Article.Status


@pytest.fixture
def stories(db):
    with time_machine.travel(NOON, tick=False):
        return {
            "draft": ArticleFactory(status=Status.DRAFT),
            "in_review": ArticleFactory(status=Status.IN_REVIEW),
            "archived": ArticleFactory(status=Status.ARCHIVED, published_at=NOON - timedelta(days=3)),
            "live": ArticleFactory(status=Status.PUBLISHED, published_at=NOON - timedelta(minutes=1)),
            "just_now": ArticleFactory(status=Status.PUBLISHED, published_at=NOON),
            "scheduled": ArticleFactory(status=Status.PUBLISHED, published_at=NOON + timedelta(hours=2)),
            # A draft that once had a time (it was unpublished) is still a draft.
            "unpublished": ArticleFactory(status=Status.DRAFT, published_at=NOON - timedelta(days=1)),
        }


def names(queryset, stories):
    ids = set(queryset.values_list("pk", flat=True))
    return {name for name, article in stories.items() if article.pk in ids}


def test_only_published_stories_whose_time_has_come_are_public(stories):
    with time_machine.travel(NOON, tick=False):
        assert names(Article.objects.published(), stories) == {"live", "just_now"}
        assert names(Article.objects.scheduled(), stories) == {"scheduled"}
        assert stories["scheduled"].is_scheduled and not stories["scheduled"].is_public
        assert stories["live"].is_public and not stories["draft"].is_public


def test_a_scheduled_story_appears_by_itself_at_its_time(stories):
    with time_machine.travel(NOON + timedelta(hours=2, seconds=-1), tick=False):
        assert "scheduled" not in names(Article.objects.published(), stories)
    with time_machine.travel(NOON + timedelta(hours=2), tick=False):
        assert "scheduled" in names(Article.objects.published(), stories)
        assert names(Article.objects.scheduled(), stories) == set()
