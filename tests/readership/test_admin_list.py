"""The views column of the story list (readership/admin.py): totals of all time, sortable, at a fixed cost."""

import re
from datetime import timedelta

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.admin.story import ArticleAdmin
from articles.models import Article
from newsroom.admin import NewsroomAdminSite
from readership.admin import StoryReadershipAdmin
from readership.folding import hour_of
from tests.factories import ArticleFactory, AuthorFactory
from tests.readership.conftest import record_views

pytestmark = pytest.mark.django_db
LIST = "/admin/articles/article/"


def hours_back(n: int, views: int = 1) -> dict:
    """`n` hours before this one, each with `views`."""
    now = hour_of(timezone.now())
    return {now - timedelta(hours=i): views for i in range(n)}


def views_column(html: str) -> list[tuple[str, str]]:
    """(headline, the views cell's figure) for each row, in the list's order."""
    return re.findall(r'<td class="field-views"><a href="[^"]+">([\d,]+)<span class="visually-hidden"> '
                      r"views: readership of “([^”]*)”", html)  # fmt: skip


def rows_of(client, query: str = "") -> list[tuple[str, str]]:
    response = client.get(LIST + query)
    assert response.status_code == 200
    return [(headline, figure) for figure, headline in views_column(response.content.decode())]


def test_the_story_admin_is_registered_again_on_the_newsrooms_site_with_the_column():
    model_admin = admin.site.get_model_admin(Article)
    assert isinstance(model_admin, StoryReadershipAdmin) and isinstance(model_admin, ArticleAdmin)
    assert isinstance(admin.site, NewsroomAdminSite)
    assert model_admin.list_display == ["headline", "status_line", "views", "byline", "preview_link"]


def test_each_story_shows_its_views_of_all_time_with_thousands_grouped(editor_client):
    busy = ArticleFactory(live=True, headline="Busy story")
    # Forty hours and two referring sites: a join would count its views more than once.
    record_views(busy, hours_back(40, views=31), {"example.org": 7, "t.co": 3})
    old = ArticleFactory(live=True, headline="Old story")
    record_views(old, {hour_of(timezone.now()) - timedelta(days=400): 5})
    ArticleFactory(headline="Unread draft")
    rows = dict(rows_of(editor_client))
    assert rows == {"Busy story": "1,240", "Old story": "5"}
    # A draft has nothing to count: a dash, not a link to an empty readership page.
    assert editor_client.get(LIST).content.decode().count('nothing to count">–</span>') == 1


def test_a_story_with_many_authors_and_tags_is_counted_once(editor_client):
    authors = [AuthorFactory() for _ in range(3)]
    story = ArticleFactory(live=True, headline="Crowded byline", authors=authors, tags=["a", "b", "c"])
    record_views(story, hours_back(5, views=2), {"a.example": 1, "b.example": 1})
    assert rows_of(editor_client) == [("Crowded byline", "10")]


def test_the_column_sorts_by_views_both_ways_and_links_to_the_readership_page(editor_client):
    for headline, views in (("Middle", 50), ("Most", 1200), ("Least", 0), ("Few", 3)):
        story = ArticleFactory(live=True, headline=headline)
        if views:
            record_views(story, {hour_of(timezone.now()): views})
    html = editor_client.get(LIST).content.decode()
    header = re.search(r'<th scope="col" class="sortable column-views">.*?href="\?o=(\d+)', html, re.S)
    assert header, "the views column is sortable"
    column = header.group(1)
    assert [h for h, _ in rows_of(editor_client, f"?o={column}")] == ["Least", "Few", "Middle", "Most"]
    assert rows_of(editor_client, f"?o=-{column}") == [
        ("Most", "1,200"), ("Middle", "50"), ("Few", "3"), ("Least", "0")
    ]  # fmt: skip
    most = Article.objects.get(headline="Most")
    assert f'href="/admin/articles/article/{most.pk}/readership/">1,200<' in html


def test_a_reporter_sees_the_views_of_their_own_stories_only(reporter_client, reporter):
    mine = ArticleFactory(created_by=reporter, live=True, headline="Mine")
    record_views(mine, {hour_of(timezone.now()): 4})
    record_views(ArticleFactory(live=True, headline="Not mine"), {hour_of(timezone.now()): 9})
    assert rows_of(reporter_client) == [("Mine", "4")]


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def make_read_stories(n: int) -> None:
    for i in range(n):
        story = ArticleFactory(live=True, authors=[AuthorFactory()], tags=[f"t{i % 3}"])
        record_views(story, hours_back(1 + i % 4, views=i + 1), {"example.org": 1})


def test_the_list_costs_the_same_whatever_the_number_of_stories_and_figures(editor_client):
    make_read_stories(5)
    few = queries(editor_client, LIST)
    sorted_few = queries(editor_client, LIST + "?o=-3")
    make_read_stories(60)
    assert queries(editor_client, LIST) == few
    assert queries(editor_client, LIST + "?o=-3") == sorted_few == few
    assert few == 17  # what the list cost before the column: the views come in the rows' own query
