"""A tag always has a visible name and a slug its address can hold (articles/tags.py, migration 0008)."""

import importlib
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse
from taggit.models import Tag

from articles.models import Article
from newsroom.converters import TagSlug
from tests.articles.helpers import admin_payload, form_errors
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db

repair = importlib.import_module("articles.migrations.0008_tag_slugs").repair


def public_pages_of(client, story, tag) -> dict[str, int]:
    urls = [
        story.get_absolute_url(),
        reverse("articles:tag", args=[tag.slug]),
        reverse("feeds:tag", args=[tag.slug]),
        reverse("feeds:tag-atom", args=[tag.slug]),
        "/sitemap-tags.xml",
        "/sitemap.xml",
    ]
    return {url: client.get(url).status_code for url in urls}


def test_an_emoji_tag_typed_in_the_story_form_gets_a_slug_and_every_page_answers(editor_client):
    section = SectionFactory()
    data = admin_payload(section, tags='🚢, ",", ⚓⚓')
    response = editor_client.post("/admin/articles/article/add/", data)
    assert response.status_code == 302, form_errors(response)
    story = Article.objects.get(slug=data["slug"])
    slugs = {tag.name: tag.slug for tag in story.tags.all()}
    assert slugs == {"🚢": "tag-1f6a2", ",": "tag-2c", "⚓⚓": "tag-2693-2693"}

    story.status, story.published_at = Article.Status.PUBLISHED, story.created_at
    story.save()
    for tag in story.tags.all():
        assert set(public_pages_of(editor_client, story, tag).values()) == {200}
    page = editor_client.get(story.get_absolute_url()).content.decode()
    assert 'href="/tag/tag-1f6a2/"' in page


def test_the_same_emoji_name_twice_gets_two_slugs():
    first = Tag.objects.create(name="🚢")
    Tag.objects.filter(pk=first.pk).update(name="🚢 old")  # the name is free again; the slug is not
    second = Tag.objects.create(name="🚢")
    assert (first.slug, second.slug) == ("tag-1f6a2", "tag-1f6a2-2")


def test_a_tag_name_with_nothing_visible_is_refused_by_the_story_form(editor_client):
    section = SectionFactory()
    for typed in ['"\u202e"', 'Ports, "\u2066\u2069"', '"\x1b"']:
        data = admin_payload(section, tags=typed)
        response = editor_client.post("/admin/articles/article/add/", data)
        assert response.status_code == 200, typed
        assert "A tag needs a visible name" in response.content.decode()
    assert not Article.objects.exists()
    assert not Tag.objects.exists()


def test_tag_names_from_the_story_form_are_cleaned_and_match_existing_tags(editor_client):
    existing = Tag.objects.create(name="Ports")
    section = SectionFactory()
    data = admin_payload(section, tags='"\u202ePorts", Green\x0bfuel, green fuel')
    response = editor_client.post("/admin/articles/article/add/", data)
    assert response.status_code == 302, form_errors(response)
    tags = {tag.pk: tag.name for tag in Article.objects.get().tags.all()}
    assert tags[existing.pk] == "Ports"
    assert sorted(tags.values()) == ["Green fuel", "Ports"]


def test_a_name_with_nothing_visible_saved_another_way_is_spelled_out():
    tag = Tag.objects.create(name="\u202e")
    assert (tag.name, tag.slug) == ("U+202E", "u202e")
    assert Tag.objects.create(name="  ").name == "Untitled tag"


def test_the_admin_tag_form_cannot_store_an_empty_or_unusable_slug(editor_client):
    for slug in ["", "a b", "x/y", "<b>"]:
        response = editor_client.post("/admin/taggit/tag/add/", {"name": "Harbour", "slug": slug})
        assert response.status_code == 200, slug
    assert not Tag.objects.exists()
    response = editor_client.post("/admin/taggit/tag/add/", {"name": "🚢", "slug": "ship"})
    assert response.status_code == 302
    assert Tag.objects.get().slug == "ship"


def test_an_unusable_slug_saved_in_code_is_replaced():
    tag = Tag.objects.create(name="Port strike", slug="port strike")
    assert tag.slug == "port-strike"
    tag.slug = ""
    tag.save()
    assert Tag.objects.get(pk=tag.pk).slug == "port-strike"


def test_the_converter_takes_every_slug_that_can_be_made():
    for name in ["🚢", ",", "περιεχόμενο", "東京", "a_b", "\u202e", "x" * 150, "🚢" * 60]:
        tag = Tag.objects.create(name=name[:100])
        assert len(tag.slug) <= 100
        assert reverse("articles:tag", args=[tag.slug]).startswith("/tag/")
        assert TagSlug().to_url(tag.slug) == tag.slug


def test_the_migration_repairs_empty_slugs_and_invisible_names(client):
    story = ArticleFactory(live=True)
    story.tags.add("Ports", "🚢")
    Tag.objects.filter(name="🚢").update(slug="")
    Tag.objects.filter(name="Ports").update(name="\u202e\u202e", slug="a b")
    Tag.objects.create(name="Fine", slug="fine")
    client.raise_request_exception = False
    assert client.get(story.get_absolute_url()).status_code == 500  # NoReverseMatch, before the repair

    repair(apps, None)

    assert sorted(Tag.objects.values_list("name", "slug")) == [
        ("Fine", "fine"),
        ("U+202E U+202E", "u202e-u202e"),
        ("🚢", "tag-1f6a2"),
    ]
    for tag in story.tags.all():
        assert set(public_pages_of(client, story, tag).values()) == {200}


def test_an_imported_tag_name_finds_the_tag_it_is_once_cleaned(tmp_path):
    """ "\u202ePorts" from a WordPress export is the tag "Ports", not a second tag that cannot be saved."""
    ports = Tag.objects.create(name="Ports")
    export = tmp_path / "export.xml"
    export.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wp="https://wordpress.org/export/1.2/">'
        "<channel><title>t</title><link>https://wp.example</link><item><title>Quay</title>"
        "<link>https://wp.example/quay/</link><content:encoded>&lt;p&gt;Text.&lt;/p&gt;</content:encoded>"
        "<wp:post_id>1</wp:post_id><wp:post_date_gmt>2026-01-01 08:00:00</wp:post_date_gmt>"
        "<wp:post_name>quay</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
        '<category domain="post_tag" nicename="ports-2">\u202ePorts</category></item></channel></rss>',
        encoding="utf-8",
    )
    call_command("import_wordpress", str(export), "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    assert list(Article.objects.get(slug="quay").tags.all()) == [ports]


def test_the_admin_tag_form_refuses_a_name_with_nothing_visible(editor_client):
    for name in ["\u202e", " \u2066 ", "\u202a\u202c"]:
        response = editor_client.post("/admin/taggit/tag/add/", {"name": name, "slug": "invisible"})
        assert response.status_code == 200, repr(name)
        assert "A tag needs a visible name" in response.content.decode(), repr(name)
    assert not Tag.objects.exists()
