"""The demo loader behind `make run`: right counts, and a second run changes nothing."""

import io
import re
from collections import Counter
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sites.models import Site
from django.core.management import call_command
from reversion.models import Version
from taggit.models import Tag

from articles.models import Article, Author, Byline, Correction, Section, Source, TaggedArticle
from demo import content as demo_content
from demo.management.commands.load_demo import default_author

STATES = Counter(story["state"] for story in demo_content.STORIES)
ACCOUNTS = {"editor": "Editor", "reporter": "Reporter", "moderator": "Moderator"}


def load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", picture_width=240, stdout=out)  # small pictures: quick
    return out.getvalue()


def snapshot() -> dict:
    return {
        "articles": Article.objects.count(),
        "corrections": Correction.objects.count(),
        "bylines": Byline.objects.count(),
        "users": get_user_model().objects.count(),
        "tagged": TaggedArticle.objects.count(),
        "tags": Tag.objects.count(),
        "sources": Source.objects.count(),
        "sections": Section.objects.count(),
        "authors": Author.objects.count(),
        "versions": Version.objects.count(),
        "published_at": dict(Article.objects.values_list("slug", "published_at")),
        "status": dict(Article.objects.values_list("slug", "status")),
    }


# ---- the data itself


def test_demo_data_is_consistent():
    stories = demo_content.STORIES
    assert len(stories) == 40
    assert len({story["slug"] for story in stories}) == 40
    assert STATES == {"published": 26, "scheduled": 4, "draft": 5, "in_review": 3, "archived": 2}
    sections = {section["slug"] for section in demo_content.SECTIONS}
    sources = {source["slug"] for source in demo_content.SOURCES}
    authors = {author["slug"] for author in demo_content.AUTHORS}
    assert len(demo_content.TAGS) == 12
    for story in stories:
        words = len(re.sub(r"<[^>]+>", " ", story["body"]).split())
        assert 150 <= words <= 400, story["slug"]
        assert story["section"] in sections
        assert 2 <= len(story["tags"]) <= 4 and set(story["tags"]) <= set(demo_content.TAGS)
        assert 1 <= len(story["authors"]) <= 2 and set(story["authors"]) <= authors
        if story.get("source"):
            assert story["source"] in sources and story["state"] == "published"
            assert urlsplit(story["original_url"]).hostname.endswith(".example")
        for correction in story.get("corrections", []):
            assert correction["hours_after_publication"] < story["hours_ago"]
    published = [story for story in stories if story["state"] == "published"]
    assert min(story["hours_ago"] for story in published) <= 6
    assert max(story["hours_ago"] for story in published) <= 30 * 24
    assert all(6 <= s["hours_ahead"] <= 96 for s in stories if s["state"] == "scheduled")


# ---- loading it


@pytest.mark.django_db
def test_load_demo_counts():
    output = load_demo()

    assert Source.objects.count() == 3
    assert Section.objects.count() == 5
    assert Tag.objects.count() >= 12
    assert Author.objects.count() == 3
    assert Article.objects.count() == 40
    assert Article.objects.published().count() == STATES["published"]
    assert Article.objects.scheduled().count() == STATES["scheduled"] == 4
    assert Article.objects.filter(status=Article.Status.DRAFT).count() == STATES["draft"] == 5
    assert Article.objects.filter(status=Article.Status.IN_REVIEW).count() == STATES["in_review"]
    assert Article.objects.filter(status=Article.Status.ARCHIVED).count() == STATES["archived"]
    assert Article.objects.filter(status=Article.Status.DRAFT, published_at__isnull=False).count() == 0

    assert Article.objects.filter(is_featured=True).count() == 1
    assert Article.objects.filter(is_breaking=True).count() == 1
    assert Article.objects.filter(comments_open=False).count() == 1
    assert Article.objects.exclude(source=None).count() == 8
    assert Correction.objects.count() == sum(
        len(story.get("corrections", [])) for story in demo_content.STORIES
    )
    assert "40 created" in output
    assert "newsroom-editor" in output


@pytest.mark.django_db
def test_load_demo_twice_changes_nothing():
    load_demo()
    before = snapshot()
    output = load_demo()

    assert snapshot() == before
    assert "0 created,  40 already there" in output


@pytest.mark.django_db
def test_stories_keep_their_html_tags_bylines_and_history():
    load_demo()
    for story in demo_content.STORIES:
        article = Article.objects.get(slug=story["slug"])
        assert "<p>" in article.body
        assert sorted(article.tags.names()) == sorted(story["tags"])
        byline = list(article.bylines.values_list("author__slug", flat=True))
        assert byline == story["authors"]
        assert article.created_by.username == story.get("by", default_author(story))
        versions = Version.objects.get_for_object(article)
        assert versions.filter(revision__comment="Demo content").exists()


@pytest.mark.django_db
def test_demo_accounts_can_sign_in(client):
    load_demo()
    User = get_user_model()
    for username, group in ACCOUNTS.items():
        user = User.objects.get(username=username)
        assert user.is_staff and not user.is_superuser
        assert list(user.groups.values_list("name", flat=True)) == [group]
        assert client.login(username=username, password=f"newsroom-{username}")
        client.logout()
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert client.login(username="admin", password="newsroom-admin")

    assert Author.objects.get(slug=demo_content.AUTHORS[0]["slug"]).user.username == "reporter"
    assert Author.objects.exclude(user=None).count() == 1


@pytest.mark.django_db
def test_site_follows_settings():
    load_demo()
    site = Site.objects.get(pk=settings.SITE_ID)
    assert site.domain == urlsplit(settings.SITE_URL).netloc
    assert site.name == settings.SITE_NAME


@pytest.mark.django_db
def test_the_demo_desks_have_something_in_every_panel():
    from articles.desk import desk_for

    load_demo()
    User = get_user_model()
    for username in ("editor", "reporter"):
        desk = desk_for(User.objects.get(username=username))
        empty = [panel.key for panel in desk.panels if not panel.rows]
        assert empty == [], f"{username}: {empty}"
    editor = desk_for(User.objects.get(username="editor"))
    assert any(row.corrections for row in editor.panel("published").rows)
    assert editor.panel("in_review").rows[0].reporter == "Nur Aisyah Rahman"
