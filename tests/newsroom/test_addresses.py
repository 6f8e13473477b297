"""Remembered addresses (newsroom/addresses.py) are reverse()'s, under any script prefix."""

import pytest
from django.urls import get_script_prefix, reverse, set_script_prefix

from newsroom.addresses import address
from tests.factories import ArticleFactory, SectionFactory


def test_an_address_is_what_reverse_gives():
    assert address("articles:section", "ports") == reverse("articles:section", args=["ports"])
    assert address("articles:section", "ports") == "/section/ports/"
    assert address("articles:tag", "ναυτιλία") == reverse("articles:tag", args=["ναυτιλία"])  # quoted alike
    assert address("articles:home") == "/"


@pytest.mark.django_db
def test_a_story_address_follows_its_slug_and_section():
    story = ArticleFactory(live=True, slug="new-berth")
    first = story.get_absolute_url()
    assert first.endswith("/new-berth/") and first.startswith(f"/{story.section.slug}/")
    story.slug, story.section = "new-berth-opens", SectionFactory(slug="shipping")
    assert story.get_absolute_url() == first.replace("new-berth", "new-berth-opens").replace(
        f"/{first.split('/')[1]}/", "/shipping/", 1
    )


def test_another_script_prefix_is_another_address():
    saved = get_script_prefix()
    try:
        set_script_prefix("/newsroom/")
        assert address("articles:section", "ports") == "/newsroom/section/ports/"
    finally:
        set_script_prefix(saved)
    assert address("articles:section", "ports") == "/section/ports/"
