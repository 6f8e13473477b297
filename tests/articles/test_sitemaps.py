"""Sitemaps, the Google News sitemap and robots.txt: public pages only, addresses on
SITE_URL, and valid against the sitemaps.org and Google News schemas (../shared/xsd, see tests/shared.py)."""

import os
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import sitemaps
from articles.models import Article
from tests.conftest import PUBLIC_SITE_URL as SITE_URL  # noqa: E402
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, SourceFactory
from tests.shared import shared_file

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
SECTIONS = ["pages", "stories", "sections", "tags", "authors", "sources"]


def assert_valid(content: bytes, schema: str):
    """Validate with xmllint against ../shared/xsd/<schema>, offline."""
    xsd = shared_file(f"xsd/{schema}", f"The sitemap schema {schema}")
    xmllint = shutil.which("xmllint")
    if not xmllint:
        message = "xmllint is not installed, so sitemaps cannot be checked: apt-get install libxml2-utils"
        if os.environ.get("NEWSROOM_REQUIRE_BROWSER") == "1":  # CI installs it with the page checkers
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    with tempfile.NamedTemporaryFile(suffix=".xml") as document:
        document.write(content)
        document.flush()
        proc = subprocess.run(  # noqa: S603 (our own arguments)
            [xmllint, "--nonet", "--noout", "--schema", str(xsd), document.name],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert proc.returncode == 0, proc.stderr + content.decode()[:2000]


@pytest.fixture(autouse=True)
def site_url(public_site_url):
    return public_site_url


def get_xml(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/xml")
    assert b"wrong.example" not in response.content
    return response, ET.fromstring(response.content)  # noqa: S314 (our own sitemap)


def locs(root, element="url"):
    return [el.findtext(f"{SM}loc") for el in root.iter(f"{SM}{element}")]


def local(url):
    assert url.startswith(SITE_URL + "/"), url
    return url.removeprefix(SITE_URL)


@pytest.fixture
def newsroom(db):
    """Public stories with everything a sitemap lists, and hidden ones with things of their own."""
    section, source, author = SectionFactory(name="Ports"), SourceFactory(), AuthorFactory()
    public = [
        ArticleFactory(live=True, section=section, source=source, authors=[author], tags=["Cranes"]),
        ArticleFactory(live=True, section=section, tags=["Cranes", "Ships"]),
    ]
    past = timezone.now() - timedelta(days=1)
    hidden_kinds = [
        {"status": Article.Status.DRAFT},
        {"status": Article.Status.DRAFT, "published_at": past},
        {"status": Article.Status.IN_REVIEW},
        {"scheduled": True},
        {"status": Article.Status.ARCHIVED, "published_at": past},
    ]
    hidden = [
        ArticleFactory(
            headline=f"Hidden {i}",
            section=SectionFactory(name=f"Hidden section {i}"),
            source=SourceFactory(),
            authors=[AuthorFactory()],
            tags=[f"hidden-{i}"],
            **kind,
        )
        for i, kind in enumerate(hidden_kinds)
    ]
    return {"public": public, "hidden": hidden, "section": section, "source": source, "author": author}


def test_index_and_every_sitemap_are_valid_and_on_site_url(client, newsroom):
    response, root = get_xml(client, "/sitemap.xml")

    assert response["X-Robots-Tag"].startswith("noindex")
    assert_valid(response.content, "siteindex.xsd")
    assert locs(root, "sitemap") == [SITE_URL + f"/sitemap-{section}.xml" for section in SECTIONS]
    for el in root.iter(f"{SM}lastmod"):
        assert datetime.fromisoformat(el.text).tzinfo is not None
    for loc in locs(root, "sitemap"):
        child, child_root = get_xml(client, local(loc))
        assert_valid(child.content, "sitemap.xsd")
        assert all(url.startswith(SITE_URL + "/") for url in locs(child_root)), loc


def test_stories_sitemap_lists_public_stories_only(client, newsroom):
    _, root = get_xml(client, "/sitemap-stories.xml")

    expected = {SITE_URL + a.get_absolute_url(): timezone.localdate(a.updated_at) for a in newsroom["public"]}
    lastmods = {url.findtext(f"{SM}loc"): url.findtext(f"{SM}lastmod") for url in root.iter(f"{SM}url")}
    assert {loc: date.fromisoformat(day) for loc, day in lastmods.items()} == expected


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ("sections", lambda n: [n["section"].get_absolute_url()]),
        (
            "tags",
            lambda n: [reverse("articles:tag", args=["cranes"]), reverse("articles:tag", args=["ships"])],
        ),
        ("authors", lambda n: [n["author"].get_absolute_url()]),
        ("sources", lambda n: [n["source"].get_absolute_url()]),
        ("pages", lambda n: [reverse("articles:home"), reverse("articles:corrections")]),
    ],
)
def test_pages_with_public_stories_only(client, newsroom, section, expected):
    _, root = get_xml(client, f"/sitemap-{section}.xml")

    assert locs(root) == [SITE_URL + path for path in expected(newsroom)]


def test_index_leaves_out_sitemaps_with_nothing_public(client, newsroom):
    Article.objects.filter(pk__in=[a.pk for a in newsroom["public"]]).update(status=Article.Status.ARCHIVED)

    response, root = get_xml(client, "/sitemap.xml")

    assert_valid(response.content, "siteindex.xsd")
    assert locs(root, "sitemap") == [f"{SITE_URL}/sitemap-pages.xml"]


def test_long_sitemaps_are_paginated(client, newsroom, monkeypatch):
    monkeypatch.setattr(sitemaps.StorySitemap, "limit", 1)

    _, root = get_xml(client, "/sitemap.xml")

    stories = f"{SITE_URL}/sitemap-stories.xml"
    assert [loc for loc in locs(root, "sitemap") if loc.startswith(stories)] == [stories, f"{stories}?p=2"]
    second, second_root = get_xml(client, "/sitemap-stories.xml?p=2")
    assert_valid(second.content, "sitemap.xsd")
    assert len(locs(second_root)) == 1
    assert client.get("/sitemap-stories.xml?p=3").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_news_sitemap_lists_the_last_48_hours(client):
    now = timezone.now()
    recent = ArticleFactory(live=True, headline="Cranes & <berths>", published_at=now - timedelta(hours=1))
    older = ArticleFactory(live=True, published_at=now - timedelta(hours=47))
    ArticleFactory(live=True, published_at=now - timedelta(hours=49))
    ArticleFactory(scheduled=True)
    ArticleFactory(status=Article.Status.DRAFT, published_at=now - timedelta(hours=2))
    ArticleFactory(status=Article.Status.IN_REVIEW)
    ArticleFactory(status=Article.Status.ARCHIVED, published_at=now - timedelta(hours=2))

    response, root = get_xml(client, "/news-sitemap.xml")

    assert_valid(response.content, "all.xsd")
    assert locs(root) == [SITE_URL + recent.get_absolute_url(), SITE_URL + older.get_absolute_url()]
    news = root.find(f"{SM}url").find(f"{NEWS}news")
    assert news.findtext(f"{NEWS}publication/{NEWS}name") == "Harbour Weekly"
    assert news.findtext(f"{NEWS}publication/{NEWS}language") == "en"
    assert news.findtext(f"{NEWS}title") == "Cranes & <berths>"
    published = datetime.fromisoformat(news.findtext(f"{NEWS}publication_date"))
    assert published.tzinfo is not None
    assert published == recent.published_at.replace(microsecond=0)


def test_news_sitemap_without_recent_stories_is_still_valid(client):
    ArticleFactory(live=True, published_at=timezone.now() - timedelta(days=3))
    ArticleFactory(scheduled=True)

    response, root = get_xml(client, "/news-sitemap.xml")

    assert_valid(response.content, "all.xsd")
    # The schema wants one <url>: the front page, with no news metadata.
    assert locs(root) == [f"{SITE_URL}/"]
    assert root.find(f".//{NEWS}news") is None


def test_robots_txt(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().splitlines() == [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /preview/",
        "",
        f"Sitemap: {SITE_URL}/sitemap.xml",
        f"Sitemap: {SITE_URL}/news-sitemap.xml",
    ]
    assert reverse("articles:preview", args=[1]).startswith("/preview/")


def test_queries_do_not_grow_with_stories(client, django_assert_max_num_queries):
    now = timezone.now()
    for i in range(35):
        ArticleFactory(
            live=True,
            published_at=now - timedelta(hours=i + 1),
            section=SectionFactory(slug=f"desk-{i % 3}"),
            source=SourceFactory(slug=f"wire-{i % 2}"),
            authors=[AuthorFactory(slug=f"writer-{i % 4}")],
            tags=[f"tag-{i % 5}", "common"],
        )
    client.get("/robots.txt")

    for path, budget in [
        ("/sitemap.xml", 10),  # a count and a lastmod for each of five sitemaps
        *((f"/sitemap-{section}.xml", 3) for section in SECTIONS),  # [Site], a count and the page
        ("/news-sitemap.xml", 1),
    ]:
        with django_assert_max_num_queries(budget):
            response = client.get(path)
        assert response.status_code == 200, path
