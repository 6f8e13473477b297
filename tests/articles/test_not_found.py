"""The "not found" page: a search box and the newest stories to read instead, at little cost."""

import pytest
from django.core.cache import caches
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def reads_latest_stories(sql: str) -> bool:
    """The not-found page's own query (the old-address and site-page lookups are the middleware's)."""
    return sql.startswith('SELECT "articles_article".') and sql.endswith("LIMIT 5")


@pytest.fixture(autouse=True)
def empty_caches():
    for cache in caches.all():
        cache.clear()


def test_the_not_found_page_offers_search_and_the_five_newest_public_stories(client):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    stories = [
        ArticleFactory(live=True, headline=f"Berth story {n}", published_at=now - timedelta(hours=n))
        for n in range(1, 8)
    ]
    ArticleFactory(headline="A draft nobody may see")
    ArticleFactory(scheduled=True, headline="An embargoed story")

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "We can’t find that page" in html
    assert '<form class="search-form not-found-search" role="search" action="/search/" method="get">' in html
    assert '<input id="notfound-q" type="search" name="q" maxlength="200">' in html
    assert [story.headline for story in response.context["latest"]] == [s.headline for s in stories[:5]]
    for story in stories[:5]:
        assert f'<a href="{story.get_absolute_url()}">{story.headline}</a>' in html
    assert "Berth story 6" not in html
    assert "A draft nobody may see" not in html and "An embargoed story" not in html


def test_the_not_found_page_costs_one_query_for_its_stories(client):
    for n in range(10):
        ArticleFactory(live=True, headline=f"Quay story {n}")
    client.get("/warm-the-menu/")  # the sections menu and the next-publication lookup are cached now
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/still-not-here/")
    assert response.status_code == 404
    assert len([q for q in queries if reads_latest_stories(q["sql"])]) == 1
    # Besides the stories: the middleware's site-page and old-address lookups; the menu is cached.
    assert len(queries) <= 3, [q["sql"] for q in queries]


def test_without_its_stories_the_not_found_page_still_answers(client):
    ArticleFactory(live=True, headline="Dredging resumes at the river mouth")
    client.get("/warm-the-menu/")

    def stories_table_fails(execute, sql, params, many, context):
        if reads_latest_stories(sql):
            raise OperationalError("the stories table cannot be read")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(stories_table_fails):
        response = client.get("/still-not-here/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "We can’t find that page" in html and 'name="q"' in html
    assert "Dredging resumes" not in html and "Latest stories" not in html
