"""Tags in any script: taggit keeps Unicode letters in slugs, and their pages and feeds answer."""

import pytest
from django.urls import reverse

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_a_greek_tag_has_a_page_and_a_feed(client):
    story = ArticleFactory(live=True, headline="Piraeus adds a berth")
    story.tags.add("περιεχόμενο")
    tag = story.tags.get()
    assert tag.slug == "περιεχόμενο"
    page = client.get(reverse("articles:tag", args=[tag.slug]))
    assert page.status_code == 200
    assert "Piraeus adds a berth" in page.content.decode()
    assert client.get(reverse("feeds:tag", args=[tag.slug])).status_code == 200
    story_page = client.get(story.get_absolute_url()).content.decode()
    assert reverse("articles:tag", args=[tag.slug]) in story_page
