"""The story form and list in words and room: spell-checked fields, one short status cell, a live link."""

import re

import pytest
from django.utils.html import escape

from tests.articles.helpers import article_form_data
from tests.factories import ArticleFactory, SectionFactory, SourceFactory

pytestmark = pytest.mark.django_db


def input_tag(page: str, name: str) -> str:
    match = re.search(rf'<(?:input|textarea)[^>]*name="{name}"[^>]*>', page)
    assert match, name
    return match.group(0)


def test_the_fields_written_in_words_are_spell_checked(editor_client):
    page = editor_client.get("/admin/articles/article/add/").content.decode()
    for name in ("headline", "standfirst", "lead_image_alt", "lead_image_caption", "meta_description"):
        assert 'spellcheck="true"' in input_tag(page, name), name
    for name in ("slug", "original_url", "lead_image_credit"):
        assert "spellcheck" not in input_tag(page, name), name
    assert 'spellcheck="true"' in input_tag(page, "corrections-__prefix__-text")
    # The body editor's own switch, which turns the browser's checker off, is left out.
    assert "NoSpellCheck" not in page and "data-django-prose-editor-configurable" in page


def test_a_saved_live_story_links_to_itself_and_a_draft_does_not(editor_client):
    live = ArticleFactory(live=True, headline="Channel reopens")
    response = editor_client.post(
        f"/admin/articles/article/{live.pk}/change/", article_form_data(live, _save="1"), follow=True
    )
    page = response.content.decode()
    assert "was changed successfully" in page
    assert "“Channel reopens” is on the site with your changes." in page
    assert f'<a href="{live.get_absolute_url()}" class="live-story">View it on the site</a>' in page

    draft = ArticleFactory(headline="Dredging plans")
    response = editor_client.post(
        f"/admin/articles/article/{draft.pk}/change/", article_form_data(draft, _save="1"), follow=True
    )
    page = response.content.decode()
    assert "was changed successfully" in page and "live-story" not in page


def test_the_list_puts_status_time_and_section_in_one_cell_and_leaves_the_source_to_the_filter(editor_client):
    ArticleFactory(live=True, headline="Tanker rates climb", section=SectionFactory(name="Shipping & Ports"))
    ArticleFactory(headline="Draft about tugs", section=None, source=SourceFactory(name="Harbour Wire"))
    page = editor_client.get("/admin/articles/article/").content.decode()
    cells = re.findall(r'<td class="field-status_line">(.*?)</td>', page, re.S)
    assert len(cells) == 2
    live, draft = sorted(cells, key=lambda cell: "Draft" in cell)
    assert re.search(r'<span class="story-state">Published <time datetime="[^"]+">\d{1,2} \w{3}', live)
    assert f'<span class="story-section">{escape("Shipping & Ports")}</span>' in live
    assert draft == '<span class="story-state">Draft</span>'
    assert "column-source" not in page and "Harbour Wire" in page  # in the filter only
