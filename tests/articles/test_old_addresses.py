"""A story's old address keeps leading to it: nobody can take it over by giving a story its slug.

Renaming a story records its old slug (OldSlug); the old address answers 301 to the
new one. Another story may not take that slug: an editor or a reporter who types it gets
the next free one ("…-2") and is told, a headline skips it, and code that sets it is refused
by the model's validation; the story itself may take it back.
"""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from articles.models import Article, OldSlug
from articles.slugs import unique_slug
from tests.articles.helpers import admin_payload, article_form_data, form_errors
from tests.factories import ArticleFactory, SectionFactory

ADD_URL = "/admin/articles/article/add/"
TAKEN = "This address is taken: another story had it before"
TAKEN_NOTE = "The address “harbour-strike” was taken, so this story’s is “harbour-strike-2”."


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
def test_a_reporter_asking_for_another_storys_old_slug_gets_the_next_free_one(renamed, reporter):
    story, old_address = renamed
    reporter_client = client_for(reporter)
    section = SectionFactory()
    data = admin_payload(section, headline="Mine", slug="harbour-strike")
    response = reporter_client.post(ADD_URL, data, follow=True)
    page = response.content.decode()
    assert TAKEN_NOTE in page
    assert story.headline not in page  # nothing said of a story the reporter cannot see
    assert Article.objects.get(headline="Mine").slug == "harbour-strike-2"

    draft = ArticleFactory(created_by=reporter, section=section, slug="reporters-draft")
    response = reporter_client.post(change_url(draft), article_form_data(draft, slug="harbour-strike"))
    assert response.status_code == 302, form_errors(response)
    draft.refresh_from_db()
    assert draft.slug == "harbour-strike-3"
    assert_leads_to(old_address, story)


@pytest.mark.django_db
def test_an_editor_gets_the_next_free_one_too(renamed, editor):
    story, old_address = renamed
    other = ArticleFactory(live=True, slug="other-story")
    response = client_for(editor).post(change_url(other), article_form_data(other, slug="harbour-strike"))
    assert response.status_code == 302, form_errors(response)
    other.refresh_from_db()
    assert other.slug == "harbour-strike-2"
    assert_leads_to(old_address, story)


@pytest.mark.django_db
def test_the_story_model_still_refuses_another_storys_old_slug(renamed):
    """Defence in depth, for code that validates a story without the admin's form."""
    other = ArticleFactory(live=True, slug="other-story")
    other.slug = "harbour-strike"
    with pytest.raises(ValidationError, match=TAKEN):
        other.full_clean()


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
