"""The workflow services: each state change, its checks and its revision."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from reversion.models import Version

from articles import services
from articles.models import Article
from tests.factories import ArticleFactory

NOON = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
Status = Article.Status
pytestmark = pytest.mark.django_db


def test_publish_stamps_the_time_and_records_a_revision(editor):
    article = ArticleFactory()
    with time_machine.travel(NOON, tick=False):
        services.article_publish(article=article, by=editor)
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED and article.published_at == NOON
    version = Version.objects.get_for_object(article).first()
    assert version.revision.get_comment() == "Published"
    assert version.revision.user == editor


def test_republishing_keeps_the_first_publication_time(editor):
    article = ArticleFactory(live=True)
    first = article.published_at
    services.article_unpublish(article=article, by=editor)
    article.refresh_from_db()
    assert article.status == Status.DRAFT and not article.is_public
    services.article_publish(article=article, by=editor)
    article.refresh_from_db()
    assert article.published_at == first and article.is_public


def test_publish_now_brings_a_scheduled_story_forward(editor):
    article = ArticleFactory(scheduled=True)
    with time_machine.travel(NOON, tick=False):
        services.article_publish(article=article, by=editor)
    assert Article.objects.get(pk=article.pk).published_at == NOON


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"body": ""}, "it has no body"),
        ({"section": None}, "it has no section"),
        ({"headline": "   "}, "it has no headline"),
    ],
)
def test_publish_refuses_an_incomplete_story_and_saves_nothing(editor, fields, words):
    article = ArticleFactory(**fields)
    with pytest.raises(ValidationError, match=words):
        services.article_publish(article=article, by=editor)
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT


def test_schedule_sets_a_future_time(editor):
    article = ArticleFactory()
    with time_machine.travel(NOON, tick=False):
        services.article_schedule(article=article, at=NOON + timedelta(days=1), by=editor)
        article.refresh_from_db()
        assert article.is_scheduled and article.published_at == NOON + timedelta(days=1)
        assert not Article.objects.published().filter(pk=article.pk).exists()


def test_schedule_refuses_the_past_and_naive_times(editor):
    article = ArticleFactory()
    with time_machine.travel(NOON, tick=False):
        with pytest.raises(ValidationError, match="in the future"):
            services.article_schedule(article=article, at=NOON - timedelta(minutes=1), by=editor)
        with pytest.raises(ValidationError, match="time zone"):
            services.article_schedule(article=article, at=datetime(2027, 1, 1, 9), by=editor)
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT


def test_unpublishing_a_scheduled_story_forgets_its_time(editor):
    article = ArticleFactory(scheduled=True)
    services.article_unpublish(article=article, by=editor)
    article.refresh_from_db()
    assert article.status == Status.DRAFT and article.published_at is None


def test_unpublish_refuses_a_draft(editor):
    with pytest.raises(ValidationError, match="not published"):
        services.article_unpublish(article=ArticleFactory(), by=editor)


def test_archive_takes_a_story_off_the_site(editor):
    article = ArticleFactory(live=True)
    services.article_archive(article=article, by=editor)
    assert not Article.objects.published().filter(pk=article.pk).exists()


def test_reporter_submits_own_draft_but_not_others(reporter, other_reporter):
    own = ArticleFactory(created_by=reporter)
    services.article_submit_for_review(article=own, by=reporter)
    assert Article.objects.get(pk=own.pk).status == Status.IN_REVIEW
    with pytest.raises(ValidationError, match="not a draft"):
        services.article_submit_for_review(article=own, by=reporter)
    with pytest.raises(PermissionDenied):
        services.article_submit_for_review(article=ArticleFactory(created_by=other_reporter), by=reporter)


@pytest.mark.parametrize("service", ["article_publish", "article_unpublish", "article_archive"])
def test_reporter_cannot_change_publication(reporter, service):
    article = ArticleFactory(created_by=reporter, live=service != "article_publish")
    before = (article.status, article.published_at)
    with pytest.raises(PermissionDenied):
        getattr(services, service)(article=article, by=reporter)
    article.refresh_from_db()
    assert (article.status, article.published_at) == before


def test_reporter_cannot_schedule(reporter):
    article = ArticleFactory(created_by=reporter)
    with pytest.raises(PermissionDenied):
        services.article_schedule(article=article, at=datetime(2030, 1, 1, tzinfo=UTC), by=reporter)
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT
