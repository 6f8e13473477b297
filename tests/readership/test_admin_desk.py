"""The desk's "Most read" panel (readership/desk.py desk_readership, admin/includes/desk_readership.html)."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from lxml import etree

from articles.models import Article
from readership.desk import desk_readership
from readership.folding import hour_of
from tests.factories import ArticleFactory, SectionFactory, UserFactory
from tests.readership.conftest import record_views

pytestmark = pytest.mark.django_db


def panel_of(client) -> str:
    response = client.get("/admin/")
    assert response.status_code == 200
    found = re.search(r'<section[^>]*id="desk-readership".*?</section>', response.content.decode(), re.S)
    assert found, "the panel is on the desk"
    return found.group(0)


def period(html: str, key: str) -> str:
    return re.search(rf'<h3 id="desk-readership-{key}">.*?(?=<h3|</section>)', html, re.S).group(0)


def rows(html: str) -> list[tuple[str, str]]:
    """(headline, views) of each row, in order."""
    headline = r'<a class="desk-headline" href="[^"]+">([^<]+)</a>\s*'
    return re.findall(headline + r'<span class="desk-meta"><strong data-views="\d+">([\d,]+)</strong>', html)


@pytest.fixture
def newsroom():
    """Three stories in two sections, read over the last week; a draft read (dropped) and one unpublished."""
    now = hour_of(timezone.now())
    ports, trade = SectionFactory(name="Ports"), SectionFactory(name="Trade")
    steady = ArticleFactory(live=True, headline="Steady all week", section=ports)
    record_views(steady, {now - timedelta(days=d, hours=3): 400 for d in range(1, 7)} | {now: 10})
    hot = ArticleFactory(live=True, headline="Hot today", section=trade)
    record_views(hot, {now - timedelta(hours=1): 1500, now: 2})
    small = ArticleFactory(live=True, headline="Small story", section=ports)
    record_views(
        small, {now - timedelta(hours=5): 3, now - timedelta(days=8): 900}
    )  # last week's doesn't count
    gone = ArticleFactory(live=True, headline="Taken down")
    record_views(gone, {now: 5000})
    Article.objects.filter(pk=gone.pk).update(status=Article.Status.ARCHIVED)
    return {"steady": steady, "hot": hot, "small": small}


def test_most_read_today_and_this_week_with_their_sections(editor_client, newsroom):
    html = panel_of(editor_client)
    today, week = period(html, "today"), period(html, "week")
    assert rows(today) == [("Hot today", "1,502"), ("Steady all week", "10"), ("Small story", "3")]
    assert rows(week) == [("Steady all week", "2,410"), ("Hot today", "1,502"), ("Small story", "3")]
    assert "By section: Trade <strong>1,502</strong> · Ports <strong>13</strong>" in today
    assert "By section: Ports <strong>2,413</strong> · Trade <strong>1,502</strong>" in week
    assert "Taken down" not in html  # only public stories, as on the site
    hot = newsroom["hot"]
    assert f'href="/admin/articles/article/{hot.pk}/readership/">Hot today</a>' in today


def test_each_row_has_a_trend_drawn_as_svg(editor_client, newsroom):
    html = panel_of(editor_client)
    for key, points in (("today", 24), ("week", 7)):
        sparks = re.findall(r"<svg .*?</svg>", period(html, key), re.S)
        assert len(sparks) == 3
        for spark in sparks:
            svg = etree.fromstring(spark.encode())  # well-formed XML
            assert svg.get("role") == "img"
            title = svg.find("{http://www.w3.org/2000/svg}title")
            assert svg.get("aria-labelledby") == title.get("id")
            line = svg.find("{http://www.w3.org/2000/svg}polyline").get("points").split()
            assert len(line) == points
            assert len(title.text.split(": ", 1)[1].split(", ")) == points
    steady_week = desk_readership().periods[1].rows[0]
    assert steady_week.trend[-1] == 10 and sum(steady_week.trend) == 2410


def test_the_panel_says_when_there_are_no_figures(editor_client, db):
    ArticleFactory(live=True)
    html = panel_of(editor_client)
    assert "there are no figures to show" in html and "<h3" not in html


def test_only_read_this_week_shows_today_empty(editor_client, db):
    record_views(
        ArticleFactory(live=True, headline="Read on Monday"), {hour_of(timezone.now()) - timedelta(days=3): 8}
    )
    html = panel_of(editor_client)
    assert "Nothing read in the last 24 hours." in period(html, "today")
    assert rows(period(html, "week")) == [("Read on Monday", "8")]


def test_reporters_and_moderators_have_no_panel(client, newsroom):
    for role in ("Reporter", "Moderator"):
        client.force_login(UserFactory(username=role.lower(), role=role))
        assert 'id="desk-readership"' not in client.get("/admin/").content.decode()


def read_stories(n: int) -> None:
    now = hour_of(timezone.now())
    sections = [SectionFactory() for _ in range(4)]
    for i in range(n):
        story = ArticleFactory(live=True, section=sections[i % 4])
        record_views(story, {now - timedelta(hours=h * 7): i + h + 1 for h in range(20)})


def test_the_panel_and_the_desk_cost_the_same_for_3_and_30_stories(editor_client, django_assert_num_queries):
    read_stories(3)
    with django_assert_num_queries(3):  # the two rankings in one; the trends; the sections
        desk_readership()
    with CaptureQueriesContext(connection) as few:
        panel_of(editor_client)
    read_stories(27)
    with django_assert_num_queries(3):
        found = desk_readership()
    assert [len(p.rows) for p in found.periods] == [5, 5]
    with CaptureQueriesContext(connection) as many:
        panel_of(editor_client)
    assert len(many) == len(few)
