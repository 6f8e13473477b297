"""Autosave: the story form's unsaved text is kept for its author, offered back, and never published."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from articles import editing, services
from articles.models import Article
from tests.articles.helpers import article_form_data
from tests.factories import ArticleFactory, SectionFactory, UserFactory

pytestmark = pytest.mark.django_db

ADD = "/admin/articles/article/add/"
NEW_AUTOSAVE = "/admin/articles/article/autosave/"


def change_url(article):
    return f"/admin/articles/article/{article.pk}/change/"


def autosave_url(article):
    return f"/admin/articles/article/{article.pk}/autosave/"


def discard_url(article):
    return f"/admin/articles/article/{article.pk}/autosave/discard/"


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def story(editor):
    return ArticleFactory(created_by=editor, headline="Harbour dredging starts", body="<p>Saved text.</p>")


def keep(client, article, **fields):
    data = article_form_data(article, **fields)
    return client.post(autosave_url(article) if article else NEW_AUTOSAVE, data)


class TestKeeping:
    def test_keeps_the_form_and_replaces_it_at_each_autosave(self, editor_client, editor, story):
        response = keep(editor_client, story, headline="Harbour dredging starts at dawn")
        assert response.status_code == 200
        assert response.json()["message"].startswith("Draft kept at ")
        keep(editor_client, story, headline="Harbour dredging starts at noon", body="<p>Typed.</p>")

        saved = editing.Autosave.objects.get()
        assert (saved.user, saved.article) == (editor, story)
        assert saved.fields["headline"] == "Harbour dredging starts at noon"
        assert saved.fields["body"] == "<p>Typed.</p>"
        assert saved.base_revision == story.revision

    def test_keeps_only_the_story_forms_own_fields(self, editor_client, story):
        keep(
            editor_client,
            story,
            tags="Ports, Weather",
            status="published",  # not a field of the form
            revision="99",
            **{"bylines-0-author": "1", "schedule_at_0": "2031-01-02", "schedule_at_1": "10:00"},
        )
        fields = editing.Autosave.objects.get().fields
        assert fields["headline"] == story.headline
        assert fields["tags"] == "Ports, Weather"
        assert fields["schedule_at"] == ["2031-01-02", "10:00"]
        assert fields["comments_open"] is True
        for name in ("status", "revision", "bylines-0-author", "csrfmiddlewaretoken", "base_revision"):
            assert name not in fields
        assert all(isinstance(value, str | bool | list) for value in fields.values())

    def test_a_post_with_none_of_the_forms_fields_keeps_nothing(self, editor_client, story):
        response = editor_client.post(autosave_url(story), {"something": "else"})
        assert response.status_code == 400
        assert "Nothing to keep" in response.json()["error"]
        assert not editing.Autosave.objects.exists()

    def test_refuses_more_than_a_megabyte(self, editor_client, story):
        response = keep(editor_client, story, body="<p>" + "x" * 1_100_000 + "</p>")
        assert response.status_code == 413
        assert "at most 1 MB" in response.json()["error"]
        assert not editing.Autosave.objects.exists()

    def test_get_is_not_allowed(self, editor_client, story):
        assert editor_client.get(autosave_url(story)).status_code == 405
        assert editor_client.get(NEW_AUTOSAVE).status_code == 405

    def test_never_touches_the_story_readers_see(self, editor_client, story, editor):
        services.article_publish(article=story, by=editor)
        story.refresh_from_db()
        before = Article.objects.filter(pk=story.pk).values().get()

        keep(editor_client, story, headline="A headline nobody saved", body="<p>Unsaved words.</p>")

        assert Article.objects.filter(pk=story.pk).values().get() == before
        page = Client().get(story.get_absolute_url())
        assert page.status_code == 200
        assert "Harbour dredging starts" in page.text
        assert "nobody saved" not in page.text and "Unsaved words" not in page.text


class TestRights:
    def test_a_reporter_autosaves_their_own_draft_only(self, reporter_client, reporter, other_reporter):
        own = ArticleFactory(created_by=reporter)
        others = ArticleFactory(created_by=other_reporter)
        assert keep(reporter_client, own).status_code == 200
        assert keep(reporter_client, others).status_code == 404
        assert reporter_client.post(discard_url(others)).status_code == 404
        services.article_submit_for_review(article=own, by=reporter)
        own.refresh_from_db()
        assert keep(reporter_client, own).status_code == 403  # on their desk, no longer theirs to change
        assert list(editing.Autosave.objects.values_list("article", flat=True)) == [own.pk]

    def test_a_moderator_gets_nothing(self, story):
        moderator = client_for(UserFactory(username="mod", role="Moderator"))
        assert keep(moderator, story).status_code == 403
        assert keep(moderator, None).status_code == 403
        assert moderator.post(discard_url(story)).status_code == 403
        assert not editing.Autosave.objects.exists()

    def test_a_missing_story_is_a_404(self, editor_client):
        assert (
            editor_client.post("/admin/articles/article/999999/autosave/", {"headline": "x"}).status_code
            == 404
        )

    def test_each_person_has_their_own(self, editor_client, editor, story):
        other_editor = UserFactory(username="editor2", role="Editor")
        keep(editor_client, story, headline="Mine")
        keep(client_for(other_editor), story, headline="Theirs")
        assert editing.autosave_for(user=editor, article=story).fields["headline"] == "Mine"
        page = editor_client.get(change_url(story))
        assert "You have unsaved changes from" in page.text


class TestOfferingBack:
    def test_a_colleagues_later_save_does_not_hide_it(self, editor_client, editor, story):
        keep(editor_client, story, headline="Typed before a colleague saved")
        colleague_copy = type(story).objects.get(pk=story.pk)
        colleague_copy.standfirst = "A colleague's edit."
        colleague_copy.save()
        page = editor_client.get(change_url(story))
        assert "You have unsaved changes from" in page.text
        assert "The story was saved since" in page.text

    def test_the_story_offers_the_autosave_and_restores_it_into_the_form(self, editor_client, story):
        keep(editor_client, story, headline="Dredging starts at dawn", body="<p>Typed, not saved.</p>")

        page = editor_client.get(change_url(story))
        assert "You have unsaved changes from" in page.text
        assert 'href="?autosave=restore"' in page.text
        form = page.context["adminform"].form
        assert form["headline"].value() == story.headline  # not restored until asked

        restored = editor_client.get(change_url(story) + "?autosave=restore")
        form = restored.context["adminform"].form
        assert form["headline"].value() == "Dredging starts at dawn"
        assert form["body"].value() == "<p>Typed, not saved.</p>"
        assert 'value="Dredging starts at dawn"' in restored.text
        assert "are filled in below" in restored.text

    def test_saved_since_is_said_and_the_restored_save_meets_the_stale_check(
        self, editor_client, story, editor
    ):
        keep(editor_client, story, headline="My unsaved headline")
        story.standfirst = "A colleague's save."
        services.article_save(article=story, by=editor, base_revision=story.revision)
        editing.Autosave.objects.update(saved_at=timezone.now() + timedelta(seconds=1))

        page = editor_client.get(change_url(story))
        assert "The story was saved since; restoring will show what changed" in page.text
        restored = editor_client.get(change_url(story) + "?autosave=restore")
        base = restored.context["adminform"].form["base_revision"].value()
        assert base == story.revision - 1

        story.refresh_from_db()
        data = article_form_data(story, headline="My unsaved headline", base_revision=str(base), _save="Save")
        refused = editor_client.post(change_url(story) + "?autosave=restore", data)
        assert refused.status_code == 200
        assert "someone else saved this story after you opened it" in refused.text
        assert editing.Autosave.objects.exists()  # kept until a save goes through

    def test_discard_asks_then_drops_it(self, editor_client, editor, story):
        keep(editor_client, story, headline="Throw me away")
        ask = editor_client.get(discard_url(story))
        assert ask.status_code == 200
        assert "will be thrown away" in ask.text
        assert editing.Autosave.objects.exists()

        response = editor_client.post(discard_url(story))
        assert response.status_code == 302 and response["Location"] == change_url(story)
        assert not editing.Autosave.objects.exists()
        assert "You have unsaved changes" not in editor_client.get(change_url(story)).text

    def test_saving_the_story_drops_the_autosave(self, editor_client, editor, story):
        keep(editor_client, story, headline="Saved at last")
        data = article_form_data(story, headline="Saved at last", _save="Save")
        response = editor_client.post(change_url(story) + "?autosave=restore", data)
        assert response.status_code == 302
        story.refresh_from_db()
        assert story.headline == "Saved at last"
        assert not editing.Autosave.objects.exists()

    def test_viewing_someone_elses_story_read_only_offers_nothing(self, reporter_client, reporter):
        own = ArticleFactory(created_by=reporter)
        editing.autosave_store(user=reporter, article=own, fields={"headline": "x"}, base_revision=0)
        services.article_submit_for_review(article=own, by=reporter)
        editing.Autosave.objects.update(saved_at=timezone.now() + timedelta(seconds=1))
        page = reporter_client.get(change_url(own))
        assert page.status_code == 200
        assert "data-autosave-url" not in page.text and "You have unsaved changes" not in page.text


class TestNewStory:
    def test_a_new_storys_autosave_is_offered_on_the_add_form_and_dropped_when_saved(
        self, reporter_client, reporter
    ):
        section = SectionFactory()
        response = keep(reporter_client, None, headline="Ferry fares rise", body="<p>Half typed.</p>")
        assert response.status_code == 200
        saved = editing.Autosave.objects.get()
        assert saved.article is None and saved.user == reporter and saved.base_revision is None

        page = reporter_client.get(ADD)
        assert "You have unsaved changes from" in page.text
        assert 'data-autosave-url="/admin/articles/article/autosave/"' in page.text
        form = reporter_client.get(ADD + "?autosave=restore").context["adminform"].form
        assert form["headline"].value() == "Ferry fares rise"
        assert form["body"].value() == "<p>Half typed.</p>"

        data = article_form_data(
            headline="Ferry fares rise", slug="ferry-fares", body="<p>Done.</p>", section=str(section.pk)
        )
        assert reporter_client.post(ADD, data).status_code == 302
        assert Article.objects.filter(slug="ferry-fares").exists()
        assert not editing.Autosave.objects.exists()

    def test_discarding_a_new_storys_autosave(self, reporter_client):
        keep(reporter_client, None, headline="Never mind")
        response = reporter_client.post("/admin/articles/article/autosave/discard/")
        assert response.status_code == 302 and response["Location"] == ADD
        assert not editing.Autosave.objects.exists()
