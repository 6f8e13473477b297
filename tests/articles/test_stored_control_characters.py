"""Feeds and sitemaps stay valid XML with text stored before control characters were cleaned on save.

The rows are changed with update(), which skips the pre_save cleaning, as the database
was before it: a headline pasted from Word with its vertical tab, and worse.
"""

import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from taggit.models import Tag

from articles.models import Article, Author, Section, Source
from tests.factories import ArticleFactory, AuthorFactory, SourceFactory

pytestmark = pytest.mark.django_db

# No NUL: PostgreSQL cannot store one; xml_text drops it all the same (tests/newsroom/test_text.py).
DIRTY = "Port strike\x0bday two \x1b[31m\x7f\x85\u202e\ufffe\uffff end"


@pytest.fixture
def dirty_story():
    story = ArticleFactory(live=True, authors=[AuthorFactory()], source=SourceFactory())
    story.tags.add("Ports")
    Article.objects.filter(pk=story.pk).update(headline=DIRTY, standfirst=DIRTY)
    Section.objects.filter(pk=story.section_id).update(name=DIRTY, description=DIRTY)
    Source.objects.filter(pk=story.source_id).update(name=DIRTY)
    Author.objects.filter(articles=story).update(name=DIRTY)
    Tag.objects.filter(name="Ports").update(name=DIRTY)
    return Article.objects.select_related("section", "source").get(pk=story.pk)


def parse(content: bytes) -> ET.Element:
    return ET.fromstring(content)  # noqa: S314 (our own feed or sitemap)


def feed_urls(story) -> list[str]:
    tag = story.tags.get()
    author = story.authors.get()
    urls = ["/feed/"]
    for kind, slug in [
        ("section", story.section.slug),
        ("tag", tag.slug),
        ("source", story.source.slug),
        ("author", author.slug),
    ]:
        urls.append(f"/{kind}/{slug}/feed/")
    return urls + [url + "atom/" for url in urls]


def test_every_feed_is_valid_xml_and_keeps_the_words(client, dirty_story):
    urls = feed_urls(dirty_story)
    assert len(urls) == 10
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        root = parse(response.content)
        text = "".join(root.itertext())
        assert "Port strike\nday two [31m" in text, url
        assert "\u202e" not in text and "\x0b" not in text, url


def test_the_news_sitemap_is_valid_xml_and_keeps_the_headline(client, dirty_story):
    response = client.get("/news-sitemap.xml")
    assert response.status_code == 200
    root = parse(response.content)
    ns = {"news": "http://www.google.com/schemas/sitemap-news/0.9"}
    assert root.find(".//news:title", ns).text == "Port strike\nday two [31m\n end"


def test_every_sitemap_is_valid_xml(client, dirty_story):
    index = parse(client.get("/sitemap.xml").content)
    locations = [loc.text for loc in index.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert len(locations) == 6
    for location in locations:
        response = client.get(urlsplit(location).path)
        assert response.status_code == 200, location
        parse(response.content)
