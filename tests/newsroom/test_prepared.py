"""Prepared queries (newsroom/prepared.py) give what the ORM gives, on PostgreSQL and SQLite alike."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from taggit.models import Tag

from articles import reading
from articles.models import Article, Byline
from newsroom.prepared import PreparedQuery, prefetched
from tests.factories import ArticleFactory, AuthorFactory, CorrectionFactory, SectionFactory

pytestmark = pytest.mark.django_db

BY_SECTION = PreparedQuery(
    lambda section, now: (
        Article.objects.published(now).filter(section__slug=section).select_related("section", "source")
    ),
    section=str,
    now=datetime,
)
BY_IDS = PreparedQuery(
    lambda ids: Article.objects.filter(pk__in=ids).values_list("pk", "headline"), ids=[int]
)


@pytest.fixture
def stories():
    ports = SectionFactory(slug="ports", name="Ports")
    return [
        ArticleFactory(live=True, section=ports, headline="Third berth opens"),
        ArticleFactory(live=True, section=ports, headline="Dredging resumes"),
        ArticleFactory(live=True, headline="Elsewhere entirely"),
        ArticleFactory(section=ports, headline="A draft"),
    ]


def test_instances_with_their_related_objects_as_the_orm_gives_them(stories, django_assert_num_queries):
    now = timezone.now()
    expected = list(Article.objects.published(now).filter(section__slug="ports").select_related("section"))
    with django_assert_num_queries(1):  # select_related came along: no query for .section
        found = BY_SECTION.run(section="ports", now=now)
        assert [(story.section.name, story.headline) for story in found] == [
            (story.section.name, story.headline) for story in expected
        ]
    assert found == expected
    assert {story.headline for story in found} == {"Third berth opens", "Dredging resumes"}
    assert found[0].published_at == expected[0].published_at  # a real datetime on SQLite too
    assert not found[0]._state.adding


def test_the_values_change_between_runs_the_sql_does_not(stories):
    now = timezone.now()
    assert len(BY_SECTION.run(section="ports", now=now)) == 2
    assert BY_SECTION.run(section="nowhere", now=now) == []
    assert BY_SECTION.run(section="ports", now=now - timedelta(days=400)) == []  # not yet published then
    assert len(BY_SECTION._compiled) == 1


def test_a_list_of_ids_is_compiled_once_per_length_and_an_empty_one_asks_nothing(
    stories, django_assert_num_queries
):
    first, second, third, _draft = stories
    assert sorted(BY_IDS.run(ids=[first.pk, third.pk])) == sorted(
        [(first.pk, first.headline), (third.pk, third.headline)]
    )
    assert sorted(BY_IDS.run(ids=[second.pk, third.pk])) == sorted(
        [(second.pk, "Dredging resumes"), (third.pk, "Elsewhere entirely")]
    )
    assert BY_IDS.run(ids=[second.pk]) == [(second.pk, "Dredging resumes")]
    with django_assert_num_queries(0):
        assert BY_IDS.run(ids=[]) == []


def test_a_query_that_does_not_take_the_value_as_a_parameter_is_refused():
    starts_with = PreparedQuery(lambda prefix: Article.objects.filter(slug__startswith=prefix), prefix=str)
    with pytest.raises(ValueError, match="prefix"):
        starts_with.run(prefix="port")
    with pytest.raises(TypeError):
        PreparedQuery(lambda when: Article.objects.all(), when=float)
    prefetching = PreparedQuery(lambda pk: Article.objects.filter(pk=pk).prefetch_related("tags"), pk=int)
    with pytest.raises(ValueError, match="prefetch"):
        prefetching.run(pk=1)


def test_prefetched_rows_are_what_all_gives_without_a_query(stories, django_assert_num_queries):
    story = Article.objects.get(pk=stories[0].pk)
    story.tags.add("Dredging", "Ferries")
    tags = list(Tag.objects.filter(name__in=["Dredging", "Ferries"]))
    prefetched(story, "tags", Tag, tags)
    with django_assert_num_queries(0):
        assert list(story.tags.all()) == tags


def test_the_story_page_reads_the_same_story_bylines_tags_and_corrections(django_assert_num_queries):
    story = ArticleFactory(live=True, authors=[AuthorFactory(name="Aida Lim"), AuthorFactory(name="Ben Tan")])
    story.tags.add("Shipping", "Kelang", "Budget")
    CorrectionFactory(article=story, text="An earlier version gave the wrong tonnage.")
    with django_assert_num_queries(4):  # story with section and source, bylines, tags, corrections
        found = reading.public_story(story.slug)
        assert [byline.author.name for byline in found.bylines.all()] == ["Aida Lim", "Ben Tan"]
        assert [tag.name for tag in found.tags.all()] == ["Budget", "Kelang", "Shipping"]
        assert [c.text for c in found.corrections.all()] == ["An earlier version gave the wrong tonnage."]
        assert found.section.name == story.section.name
    assert reading.public_story("no-such-story") is None
    draft = ArticleFactory()
    assert reading.public_story(draft.slug) is None


def test_cards_come_in_the_order_asked_and_only_public_ones(django_assert_num_queries):
    author = AuthorFactory(name="Chen Wei")
    older = ArticleFactory(live=True, authors=[author])
    newer = ArticleFactory(live=True)
    draft = ArticleFactory(authors=[author])
    with django_assert_num_queries(2):  # the cards, their bylines
        cards = reading.story_cards([older.pk, draft.pk, newer.pk])
        assert cards == [older, newer]
        assert [b.author.name for b in cards[0].bylines.all()] == ["Chen Wei"]
        assert list(cards[1].bylines.all()) == []
    assert Byline.objects.filter(article=draft).exists()
