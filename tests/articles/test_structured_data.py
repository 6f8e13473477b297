"""JSON-LD on reader pages, checked against the schema.org vocabulary."""

import json
import re

import pytest

from tests.factories import ArticleFactory, AuthorFactory, SourceFactory
from tests.schemaorg import problems

pytestmark = pytest.mark.django_db


def blocks(html: str) -> list[dict]:
    return [
        json.loads(b) for b in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    ]


def test_the_checker_catches_mistakes():
    assert problems({"@type": "NewsArticle", "headlin": "x"}) == ["$.headlin: not a schema.org property"]
    assert problems({"@type": "Person", "headline": "x"}) == ["$.headline: not a property of Person"]
    assert problems({"@type": "Newsarticle"}) == ["$: Newsarticle is not a schema.org type"]


def test_story_page_json_ld_is_valid_schema_org(client):
    source = SourceFactory()
    story = ArticleFactory(
        live=True,
        source=source,
        original_url="https://wire.example/a",
        authors=[AuthorFactory(), AuthorFactory()],
        tags=["ports"],
    )
    found = blocks(client.get(story.get_absolute_url()).content.decode())
    assert {b["@type"] for b in found} == {"NewsArticle", "BreadcrumbList"}
    for block in found:
        assert problems(block) == [], block


def test_home_json_ld_is_valid_schema_org(client):
    ArticleFactory(live=True)
    found = blocks(client.get("/").content.decode())
    assert [b["@type"] for b in found] == ["WebSite"]
    assert problems(found[0]) == []
    assert found[0]["potentialAction"]["@type"] == "SearchAction"


def test_json_ld_cannot_be_broken_out_of(client):
    story = ArticleFactory(live=True, headline="</script><script>alert(1)</script>")
    html = client.get(story.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    assert blocks(html)[0]["headline"] == "</script><script>alert(1)</script>"
