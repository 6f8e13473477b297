"""A story's readership page (readership/admin.py, readership/desk.py, templates/admin/readership/)."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from lxml import etree

from articles.models import Article
from readership.desk import HOURLY_SPAN, story_readership
from readership.folding import hour_of
from tests.factories import ArticleFactory, UserFactory
from tests.readership.conftest import record_views

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


def page_url(story) -> str:
    return f"/admin/articles/article/{story.pk}/readership/"


def page_of(client, story) -> str:
    response = client.get(page_url(story))
    assert response.status_code == 200
    return response.content.decode()


def charts_in(html: str) -> dict[str, etree._Element]:
    """Every <svg> chart of the page, parsed as XML (a malformed one raises), by its figure's id."""
    found = re.findall(r'<figure class="rs-chart" id="chart-(\w+)">.*?(<svg .*?</svg>)', html, re.S)
    return {key: etree.fromstring(svg.encode()) for key, svg in found}


def polyline_points(svg) -> list[tuple[float, float]]:
    points = svg.find(f"{SVG}polyline").get("points").split()
    return [tuple(float(n) for n in point.split(",")) for point in points]


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def day_old(now):
    """Published 30 hours ago, read in four of its hours, from two sites and directly."""
    story = ArticleFactory(live=True, headline="Harbour dredging starts in spring")
    Article.objects.filter(pk=story.pk).update(published_at=now - timedelta(hours=30))
    story.refresh_from_db()
    current = hour_of(now)
    record_views(
        story,
        {current - timedelta(hours=29): 1000, current - timedelta(hours=20): 200,
         current - timedelta(hours=2): 34, current: 7},
        {"news.example.org": 600, "t.co": 41},
    )  # fmt: skip
    return story


def test_the_page_says_the_totals_the_hours_and_where_readers_came_from(editor_client, day_old):
    html = page_of(editor_client, day_old)
    assert "Readership of “Harbour dredging starts in spring”" in html
    assert '<dd data-total-views="1241">1,241</dd>' in html
    assert '<dd data-last-day-views="241">241</dd>' in html  # the last 24 hours: 200 + 34 + 7
    charts = charts_in(html)
    assert list(charts) == ["hourly"]  # a day-old story: one chart, per hour since publication
    svg = charts["hourly"]
    assert svg.get("role") == "img"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert title.text == "Views per hour since publication"
    assert "1,241 views over 31 hours" in desc.text and "the busiest hour had 1,000" in desc.text
    points = polyline_points(svg)
    assert len(points) == 31  # the hour of publication to this one
    assert min(y for _, y in points) == points[1][1]  # the highest point is the hour of 1,000
    labels = [text.text for text in svg.iter(f"{SVG}text")]
    assert "0" in labels and "1,000" in labels  # the y axis reaches the peak
    # The referring sites: counts and share of all views; the rest came directly (or said nothing).
    cells = r'<tr[^>]*><th scope="row"[^>]*>([^<]+)</th><td class="rs-number">([\d,]+)</td>'
    referrers = re.findall(cells + r'<td class="rs-number">([\d.]+) %</td>', html)
    assert referrers == [
        ("news.example.org", "600", "48.3"), ("t.co", "41", "3.3"), ("Direct or unknown", "600", "48.3")
    ]  # fmt: skip


def test_the_table_gives_each_days_figures(editor_client, day_old):
    html = page_of(editor_client, day_old)
    table = re.search(r'<details class="rs-days">.*?</details>', html, re.S).group(0)
    days = re.findall(r'<time datetime="([\d-]+)">[^<]+</time></th><td class="rs-number">([\d,]+)<', table)
    per_day = story_readership(day_old).days
    assert [(d.isoformat(), f"{v:,}") for d, v in reversed(per_day)] == days
    assert sum(v for _, v in per_day) == 1241 and len(days) in (2, 3)  # 30 hours span two or three days


def test_an_older_story_gets_fourteen_days_hourly_and_a_chart_per_day(editor_client, now):
    story = ArticleFactory(live=True, headline="Last month's budget")
    Article.objects.filter(pk=story.pk).update(published_at=now - timedelta(days=40))
    story.refresh_from_db()
    current = hour_of(now)
    record_views(story, {current - timedelta(days=39): 50, current - timedelta(days=3): 9, current: 1})
    html = page_of(editor_client, story)
    charts = charts_in(html)
    assert list(charts) == ["hourly", "daily"]
    assert charts["hourly"].find(f"{SVG}title").text == "Views per hour, the last 14 days"
    assert len(polyline_points(charts["hourly"])) == HOURLY_SPAN / timedelta(hours=1) == 336
    daily = polyline_points(charts["daily"])
    assert len(daily) == len(story_readership(story).days) in (40, 41, 42)
    assert '<dd data-total-views="60">60</dd>' in html
    assert '<dd data-last-day-views="1">1</dd>' in html


def test_direct_is_never_negative_and_the_sites_after_twenty_are_summed(editor_client, now):
    story = ArticleFactory(live=True)
    domains = {f"site{i:02}.example": 30 - i for i in range(25)}
    record_views(story, {hour_of(now): 100}, domains)  # 645 referred views for 100 counted: never < 0
    html = page_of(editor_client, story)
    named = re.findall(r'<th scope="row" class="rs-domain">([^<]+)</th>', html)
    assert named == [f"site{i:02}.example" for i in range(20)]
    assert re.search(r'<th scope="row">Other sites</th><td class="rs-number">40</td>', html)  # 10+9+8+7+6
    assert re.search(r'<th scope="row">Direct or unknown</th><td class="rs-number">0</td>', html)


def test_a_story_not_read_yet_and_a_draft_say_so(editor_client, editor):
    unread = ArticleFactory(live=True)
    html = page_of(editor_client, unread)
    assert '<dd data-total-views="0">0</dd>' in html and "No views counted yet." in html
    assert "Where readers came from" not in html
    draft = ArticleFactory(created_by=editor)
    html = page_of(editor_client, draft)
    assert "has not been published" in html and not charts_in(html)


def test_the_story_form_links_to_the_page(editor_client, day_old):
    html = editor_client.get(f"/admin/articles/article/{day_old.pk}/change/").content.decode()
    assert f'<a href="{page_url(day_old)}" class="readership-link">Readership</a>' in html
    assert "readership-link" not in editor_client.get("/admin/articles/article/add/").content.decode()


# --- who may see it ----------------------------------------------------------------------------


def test_editors_superusers_and_the_reporter_who_wrote_it(client, day_old, reporter, other_reporter):
    mine = ArticleFactory(live=True, created_by=reporter)
    cases = [
        (UserFactory(username="ed", role="Editor"), day_old, 200),
        (UserFactory(username="boss", is_superuser=True), day_old, 200),
        (reporter, mine, 200),
        (reporter, day_old, 404),  # another's story: not on their desk, as on its change page
        (other_reporter, mine, 404),
        (UserFactory(username="mod", role="Moderator"), day_old, 403),
        (UserFactory(username="nobody"), day_old, 403),  # staff without a role
    ]
    for user, story, status in cases:
        client.force_login(user)
        assert client.get(page_url(story)).status_code == status, (user.username, story.headline)
        change = client.get(f"/admin/articles/article/{story.pk}/change/").status_code
        assert (status == 200) == (change == 200), user.username  # the change view's own rule
        client.logout()


def test_signed_out_goes_to_sign_in_unknown_is_404_and_post_is_refused(editor_client, day_old):
    response = Client().get(page_url(day_old))
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert editor_client.get("/admin/articles/article/999999/readership/").status_code == 404
    assert editor_client.post(page_url(day_old)).status_code == 405


# --- its cost ---------------------------------------------------------------------------------------


def test_the_page_costs_the_same_for_a_day_old_story_and_a_busy_old_one(
    editor_client, day_old, now, django_assert_num_queries
):
    busy = ArticleFactory(live=True)
    Article.objects.filter(pk=busy.pk).update(published_at=now - timedelta(days=90))
    current = hour_of(now)
    record_views(busy, {current - timedelta(hours=h): h % 13 + 1 for h in range(0, 90 * 24, 5)},
                 {f"s{i}.example": i for i in range(1, 60)})  # fmt: skip
    # session, user, their two sets of permissions, the story, its authors; the figures (per day,
    # per hour, the sites and their sum); the admin's count of comments waiting (each page's header)
    with django_assert_num_queries(11):
        page_of(editor_client, day_old)
    with django_assert_num_queries(11):
        page_of(editor_client, busy)
