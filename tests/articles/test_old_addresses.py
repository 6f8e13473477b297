"""A story's old address keeps leading to it: nobody can take it over by giving a story its slug.

Renaming a story records its old slug (OldSlug); the old address answers 301 to the
new one. Another story may not take that slug, whether an editor or a reporter types
it, a headline would make it, or code sets it; the story itself may take it back.
"""

import pytest
from django.test import Client

from articles.models import Article, OldSlug
from articles.slugs import unique_slug
from tests.articles.helpers import admin_payload, article_form_data, form_errors
from tests.factories import ArticleFactory, SectionFactory

ADD_URL = "/admin/articles/article/add/"
TAKEN = "This address is taken: another story had it before"


def change_url(article: Article) -> str:
    return f"/admin/articles/article/{article.pk}/change/"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def renamed(editor):
    """A live story an editor renamed from harbour-strike to harbour-strike-ends, through the admin."""
    story = ArticleFactory(live=True, headline="Harbour strike ends after nine days", slug="harbour-strike")
    old_address = story.get_absolute_url()
    response = client_for(editor).post(
        change_url(story), article_form_data(story, slug="harbour-strike-ends", _save="Save")
    )
    assert response.status_code == 302, form_errors(response)
    story.refresh_from_db()
    assert story.slug == "harbour-strike-ends"
    return story, old_address


def assert_leads_to(old_address: str, story: Article) -> None:
    response = Client().get(old_address)
    assert response.status_code == 301
    assert response["Location"] == story.get_absolute_url()


@pytest.mark.django_db
def test_the_old_address_leads_to_the_renamed_story(renamed):
    story, old_address = renamed
    assert_leads_to(old_address, story)


@pytest.mark.django_db
def test_a_reporter_cannot_give_a_draft_another_storys_old_slug(renamed, reporter):
    story, old_address = renamed
    reporter_client = client_for(reporter)
    section = SectionFactory()
    response = reporter_client.post(ADD_URL, admin_payload(section, headline="Mine", slug="harbour-strike"))
    assert response.status_code == 200
    page = response.content.decode()
    assert TAKEN in page
    assert "Choose another slug." in page
    assert story.headline not in page  # nothing said of a story the reporter cannot see
    assert not Article.objects.filter(headline="Mine").exists()

    draft = ArticleFactory(created_by=reporter, section=section, slug="reporters-draft")
    response = reporter_client.post(change_url(draft), article_form_data(draft, slug="harbour-strike"))
    assert response.status_code == 200
    assert TAKEN in response.content.decode()
    draft.refresh_from_db()
    assert draft.slug == "reporters-draft"
    assert_leads_to(old_address, story)


@pytest.mark.django_db
def test_an_editor_is_refused_too(renamed, editor):
    story, old_address = renamed
    other = ArticleFactory(live=True, slug="other-story")
    response = client_for(editor).post(change_url(other), article_form_data(other, slug="harbour-strike"))
    assert response.status_code == 200
    assert "slug" in response.context["adminform"].form.errors
    assert_leads_to(old_address, story)


@pytest.mark.django_db
def test_a_story_may_take_back_its_own_old_slug(renamed, editor):
    story, old_address = renamed
    newer_address = story.get_absolute_url()
    response = client_for(editor).post(change_url(story), article_form_data(story, slug="harbour-strike"))
    assert response.status_code == 302, form_errors(response)
    story.refresh_from_db()
    assert story.slug == "harbour-strike"
    assert Client().get(old_address).status_code == 200
    assert_leads_to(newer_address, story)
    assert list(OldSlug.objects.values_list("slug", "article")) == [("harbour-strike-ends", story.pk)]


@pytest.mark.django_db
def test_saving_never_deletes_or_repoints_another_storys_old_slug(renamed):
    """Defence in depth: code that sets the slug without validating (a shell, an import)."""
    story, old_address = renamed
    other = ArticleFactory(live=True, slug="other-story")
    other.slug = "harbour-strike"
    other.save()
    other.slug = "other-story-renamed"
    other.save()
    assert OldSlug.objects.get(slug="harbour-strike").article == story
    assert OldSlug.objects.get(slug="other-story").article == other
    assert_leads_to(old_address, story)


@pytest.mark.django_db
def test_a_slug_made_from_a_headline_skips_old_slugs_of_other_stories(renamed):
    story, _old_address = renamed
    assert unique_slug(Article, "Harbour strike") == "harbour-strike-2"
    assert unique_slug(Article, "Harbour strike", exclude_pk=story.pk) == "harbour-strike"
    fresh = ArticleFactory(headline="Harbour strike", slug="")
    assert fresh.slug == "harbour-strike-2"
    assert OldSlug.objects.get(slug="harbour-strike").article == story
