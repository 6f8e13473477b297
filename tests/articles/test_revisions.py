"""Every admin save keeps a revision; editors compare and restore them."""

import pytest
from reversion.models import Version

from articles import services
from articles.models import Article, Author
from tests.articles.helpers import article_form_data
from tests.factories import AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(editor_client):
    """A story saved twice in the admin: first version, then a rewrite."""
    first, second = AuthorFactory(name="Aida Lim"), AuthorFactory(name="Ben Tan")
    section = SectionFactory()
    data = article_form_data(
        headline="Port of Kelang adds a berth",
        slug="berth",
        body="<p>The old text.</p>",
        section=section.pk,
        tags="ports",
        **{"bylines-TOTAL_FORMS": "1", "bylines-0-author": first.pk, "bylines-0-position": "0"},
        _save="1",
    )
    assert editor_client.post("/admin/articles/article/add/", data).status_code == 302
    article = Article.objects.get(slug="berth")
    data = article_form_data(article, headline="Port adds two berths", body="<p>The new text.</p>", _save="1")
    data["tags"] += ", dredging"
    data["bylines-0-author"] = second.pk
    assert editor_client.post(f"/admin/articles/article/{article.pk}/change/", data).status_code == 302
    article.refresh_from_db()
    return article


def test_each_admin_save_keeps_a_revision(story):
    assert Version.objects.get_for_object(story).count() == 2
    assert story.headline == "Port adds two berths"
    assert [b.author.name for b in story.bylines.all()] == ["Ben Tan"]


def test_restoring_brings_back_words_byline_and_tags(editor_client, story):
    oldest = Version.objects.get_for_object(story).last()
    url = f"/admin/articles/article/{story.pk}/history/{oldest.pk}/"
    page = editor_client.get(url)
    assert page.status_code == 200 and "Port of Kelang adds a berth" in page.content.decode()
    # Viewing a revision changes nothing.
    assert Article.objects.get(pk=story.pk).headline == "Port adds two berths"

    # The editor presses Save on the revision form, which shows the old words and byline.
    data = article_form_data(
        story, headline="Port of Kelang adds a berth", body="<p>The old text.</p>", tags="ports", _save="1"
    )
    data["bylines-0-author"] = Author.objects.get(name="Aida Lim").pk
    editor_client.post(url, data)
    story.refresh_from_db()
    assert story.headline == "Port of Kelang adds a berth"
    assert story.body == "<p>The old text.</p>"
    assert [b.author.name for b in story.bylines.all()] == ["Aida Lim"]
    assert set(story.tags.names()) == {"ports"}
    assert Version.objects.get_for_object(story).count() == 3


def test_restoring_keeps_the_current_workflow_state(editor_client, editor, story):
    services.article_publish(article=story, by=editor)
    services.article_unpublish(article=story, by=editor)
    published = next(
        v for v in Version.objects.get_for_object(story) if v.field_dict["status"] == "published"
    )
    url = f"/admin/articles/article/{story.pk}/history/{published.pk}/"
    editor_client.post(url, article_form_data(story, _save="1"))
    story.refresh_from_db()
    assert story.status == "draft" and not story.is_public


def test_history_lists_revisions_and_compares_two(editor_client, story):
    history = editor_client.get(f"/admin/articles/article/{story.pk}/history/").content.decode()
    assert "Compare selected revisions" in history
    versions = list(Version.objects.get_for_object(story))
    url = f"/admin/articles/article/{story.pk}/history/compare/?from={versions[1].pk}&to={versions[0].pk}"
    page = editor_client.get(url).content.decode()
    assert "Port <del>of Kelang </del>adds <del>a berth</del><ins>two berths</ins>" in page
    assert "<ins>" in page and "two berths" in page
    assert "The <del>old </del><ins>new </ins>text." in page


def test_compare_with_junk_parameters_falls_back_to_the_latest_two(editor_client, story):
    url = f"/admin/articles/article/{story.pk}/history/compare/?from=abc&to=%00"
    assert editor_client.get(url).status_code == 200


def test_compare_a_story_with_one_revision_is_404(editor_client, editor):
    from tests.factories import ArticleFactory

    article = ArticleFactory()
    assert editor_client.get(f"/admin/articles/article/{article.pk}/history/compare/").status_code == 404


def test_compare_names_a_changed_section(editor_client, story):
    """django-reversion keys a foreign key by its column (section_id): the comparison reads it there."""
    energy = SectionFactory(name="Energy", slug="energy")
    data = article_form_data(story, section=str(energy.pk), _save="1")
    assert editor_client.post(f"/admin/articles/article/{story.pk}/change/", data).status_code == 302
    page = editor_client.get(f"/admin/articles/article/{story.pk}/history/compare/").content.decode()
    assert "<ins>Energy</ins>" in page
