"""'Most read': the public stories readers opened most this hour and the 23 before, on the front
page (instead of "Latest") and under every story; cached with the pages, changed by a fold."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext

from articles.caching import generation
from articles.models import Article
from readership.folding import hour_of
from readership.ranking import MOST_READ_KEY, most_read_ids, most_read_refresh
from tests.factories import ArticleFactory, SectionFactory
from tests.readership.conftest import beacon, record_views

pytestmark = pytest.mark.django_db

# Half past an hour: a test has half an hour before the window moves.
NOW = datetime(2026, 12, 6, 12, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=True):
        yield


def hours_ago(n: int) -> datetime:
    """The start of the hour `n` hours before the current one."""
    return hour_of(NOW) - timedelta(hours=n)


def live(headline: str, *, hours_old: float = 2, **fields) -> Article:
    return ArticleFactory(
        live=True, headline=headline, published_at=NOW - timedelta(hours=hours_old), **fields
    )


def slot(html: str) -> str:
    """The "Most read" slot of a page ('' if the page has none)."""
    found = re.search(r'<aside class="most-read".*?</aside>', html, re.S)
    return found.group(0) if found else ""


def headlines(html: str) -> list[str]:
    return re.findall(r'class="most-read-link"[^>]*>([^<]+)</a>', html)


# ---- the ranking


def test_stories_rank_by_their_views_then_newer_first():
    top, older, newer = live("Top", hours_old=20), live("Older", hours_old=10), live("Newer", hours_old=3)
    record_views(top, {hours_ago(0): 20, hours_ago(5): 21})
    record_views(older, {hours_ago(1): 15})
    record_views(newer, {hours_ago(2): 10, hours_ago(0): 5})
    assert most_read_ids() == [top.pk, newer.pk, older.pk]


def test_the_window_is_the_current_hour_and_the_23_before():
    edge, gone = live("Read 23 hours ago", hours_old=30), live("Read 24 and 25 hours ago", hours_old=40)
    record_views(edge, {hours_ago(23): 1})
    record_views(gone, {hours_ago(24): 500, hours_ago(25): 500})
    assert most_read_ids() == [edge.pk]


@pytest.mark.parametrize("state", [{"status": "draft"}, {"scheduled": True}, {"status": "archived"}])
def test_stories_that_are_not_public_never_appear(state):
    read = live("Read a little")
    hidden = ArticleFactory(headline="Not public", **state)
    record_views(read, {hours_ago(0): 1})
    record_views(hidden, {hours_ago(0): 900})
    assert most_read_ids() == [read.pk]


def test_the_list_holds_the_five_most_read(settings):
    stories = [live(f"Story {n}", hours_old=n + 1) for n in range(7)]
    for n, story in enumerate(stories):
        record_views(story, {hours_ago(0): 10 * n + 1})
    assert settings.NEWSROOM_MOST_READ == 5
    assert most_read_ids() == [story.pk for story in reversed(stories[2:])]


def test_the_tag_gives_the_stories_in_rank_order_in_one_query(django_assert_num_queries):
    stories = [live(f"Story {n}", hours_old=n + 1, section=SectionFactory()) for n in range(5)]
    for n, story in enumerate(stories):
        record_views(story, {hours_ago(1): 100 - n})
    most_read_refresh()
    template = Template(
        "{% load readership %}{% most_read as ranked %}"
        "{% for s in ranked %}{{ s.get_absolute_url }}|{% endfor %}"
    )
    with django_assert_num_queries(1):  # the stories with their sections; the ids are in the cache
        rendered = template.render(Context())
    assert rendered == "".join(f"{story.get_absolute_url()}|" for story in stories)
    cache.set(MOST_READ_KEY, [], 60)
    with django_assert_num_queries(0):
        assert template.render(Context()) == ""


def test_a_story_unpublished_since_the_fold_leaves_the_list_at_once(client):
    first, second = live("First"), live("Second")
    record_views(first, {hours_ago(0): 50})
    record_views(second, {hours_ago(0): 40})
    most_read_refresh()
    assert headlines(slot(client.get("/").content.decode())) == ["First", "Second"]
    first.status = Article.Status.ARCHIVED
    first.save()  # an editor's change: the pages are made again, the list read without it
    assert headlines(slot(client.get("/").content.decode())) == ["Second"]


# ---- the front page


@pytest.fixture
def front():
    """Two sections of six stories, an hour apart, the newest first."""
    ports = SectionFactory(name="Ports", slug="ports", position=0)
    sections = [ports, SectionFactory(name="Rail", slug="rail", position=1)]
    return [live(f"Story {n}", hours_old=n + 1, section=sections[n % 2]) for n in range(12)]


def test_without_figures_the_slot_holds_the_latest_stories_each_once(client, front):
    html = client.get("/").content.decode()
    assert '<h2 id="most-read-heading">Latest</h2>' in slot(html)
    assert headlines(slot(html)) == ["Story 4", "Story 5", "Story 6", "Story 7", "Story 8"]
    for story in front:  # the lead, three in the row, five latest, three in the blocks: each once
        assert html.count(f'href="{story.get_absolute_url()}"') == 1, story.headline


def test_with_figures_the_slot_ranks_and_the_latest_go_back_to_their_sections(client, front):
    for n, story in enumerate(front):
        record_views(story, {hours_ago(3): 2 ** (n % 6)})  # Story 5 and 11 most, then 4 and 10…
    most_read_refresh()
    html = client.get("/").content.decode()
    ranked = slot(html)
    assert '<h2 id="most-read-heading">Most read</h2>' in ranked and '<ol class="most-read-list">' in ranked
    assert headlines(ranked) == ["Story 5", "Story 11", "Story 4", "Story 10", "Story 3"]  # ties: newer first
    assert ">Latest</h2>" not in html
    blocks = html[html.index('class="front-sections"') :]
    for story in front[4:10]:  # each section's three newest after the top: the latest included
        assert f'href="{story.get_absolute_url()}"' in blocks, story.headline
    # A most-read story keeps its card too (Story 3 is in the row): the ranking is the readers',
    # the page's order the editors'.
    assert html.count(f'href="{front[3].get_absolute_url()}"') == 2


# ---- the story page


def test_the_story_page_shows_the_list_under_the_story_marking_its_own_place(client, front):
    for n, story in enumerate(front[:3]):
        record_views(story, {hours_ago(0): 30 - n})
    most_read_refresh()
    html = client.get(front[1].get_absolute_url()).content.decode()
    ranked = slot(html)
    assert headlines(ranked) == ["Story 0", "Story 1", "Story 2"]
    under_the_story = html.index("</article>") < html.index('id="most-read-heading"')
    assert under_the_story and html.index('id="most-read-heading"') < html.index('class="newsletter-cta"')
    assert re.findall(r'<a class="most-read-link" href="([^"]+)" aria-current="page">', ranked) == [
        front[1].get_absolute_url()
    ]
    assert ranked.count("You are reading it") == 1
    elsewhere = client.get(front[5].get_absolute_url()).content.decode()
    assert headlines(slot(elsewhere)) == ["Story 0", "Story 1", "Story 2"]
    assert "aria-current" not in slot(elsewhere)


def test_without_figures_the_story_page_has_no_list(client, front):
    html = client.get(front[1].get_absolute_url()).content.decode()
    assert 'id="most-read-heading"' not in html and 'data-readership-story="' in html


# ---- caching: a fold that changes the list makes the pages again, one that does not leaves them


def test_a_fold_that_changes_the_list_shows_it_on_cached_pages(client, front, counts):
    story_page = front[6].get_absolute_url()
    assert "Most read" not in client.get("/").content.decode()
    assert "Most read" not in client.get(story_page).content.decode()
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
        client.get(story_page)
    assert len(queries) == 0  # both served from the cache
    for _ in range(3):
        assert beacon(client, front[9].pk).status_code == 204
    before = generation()
    call_command("readership_fold", "--once", verbosity=0)
    assert generation() != before
    assert headlines(slot(client.get("/").content.decode())) == ["Story 9"]
    assert headlines(slot(client.get(story_page).content.decode())) == ["Story 9"]


def test_a_fold_that_leaves_the_list_as_it_was_leaves_the_cached_pages(client, front, counts):
    record_views(front[2], {hours_ago(1): 10})
    record_views(front[3], {hours_ago(1): 5})
    most_read_refresh()
    client.get("/")
    client.get(front[6].get_absolute_url())
    before = generation()
    beacon(client, front[3].pk)  # 6 views against 10: the order stays
    call_command("readership_fold", "--once", verbosity=0)
    assert generation() == before
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/").content.decode()
        client.get(front[6].get_absolute_url())
    assert len(queries) == 0 and headlines(slot(html)) == ["Story 2", "Story 3"]


# ---- what the pages cost

DUMMY_CACHE = "django.core.cache.backends.dummy.DummyCache"


def page_queries(client, url: str) -> int:
    client.get(url)  # the next scheduled story's time and the list are looked up once, then kept
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len([q for q in queries.captured_queries if q["sql"].startswith("SELECT")])


@pytest.fixture
def caches_off(settings):
    """No whole pages, no fragments: what a page costs when it is made."""
    settings.NEWSROOM_PAGE_CACHE = False
    settings.CACHES = {**settings.CACHES, "template_fragments": {"BACKEND": DUMMY_CACHE}}


@pytest.mark.parametrize("url", ["/", "story"])
def test_pages_cost_the_same_with_none_two_or_five_most_read(client, front, caches_off, url):
    url = front[1].get_absolute_url() if url == "story" else url
    costs = [page_queries(client, url)]
    for first, ranked in ((0, 2), (2, 5)):
        for n, story in enumerate(front[first:ranked], start=first):
            record_views(story, {hours_ago(0): 100 - n})
        most_read_refresh()
        assert len(headlines(slot(client.get(url).content.decode()))) == ranked
        costs.append(page_queries(client, url))
    none, two, five = costs
    assert two == five == none + 1, costs  # the ranked stories, in one query
    assert none == (6 if url == "/" else 7), costs
