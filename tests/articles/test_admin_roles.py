"""Roles in the admin: a reporter cannot publish by any route, an editor can."""

from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group
from django.utils import timezone

from articles import services
from articles.models import Article
from tests.articles.helpers import article_form_data, messages_of
from tests.factories import ArticleFactory, SectionFactory

Status = Article.Status
pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/articles/article/"


def change_url(article):
    return f"/admin/articles/article/{article.pk}/change/"


def test_roles_exist_after_migrations():
    groups = {g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()}
    assert {"Reporter", "Editor", "Moderator"} <= groups.keys()
    assert "publish_article" in groups["Editor"]
    assert "publish_article" not in groups["Reporter"]
    assert {"add_article", "change_article"} <= groups["Reporter"]
    assert not groups["Reporter"] & {"add_section", "change_source", "delete_author"}


class TestReporter:
    def test_writes_a_draft_that_records_its_author(self, reporter_client, reporter):
        section = SectionFactory()
        data = article_form_data(
            headline="Crane strike delays",
            slug="crane-strike",
            body="<p>Text.</p>",
            section=section.pk,
            _save="Save",
        )
        response = reporter_client.post("/admin/articles/article/add/", data)
        assert response.status_code == 302
        article = Article.objects.get(slug="crane-strike")
        assert article.created_by == reporter and article.status == Status.DRAFT

    def test_sees_no_publish_buttons_or_actions(self, reporter_client, reporter):
        article = ArticleFactory(created_by=reporter)
        page = reporter_client.get(change_url(article)).content.decode()
        assert 'name="_submit_review"' in page
        assert 'name="_publish"' not in page and 'name="_schedule"' not in page
        listing = reporter_client.get(CHANGELIST).content.decode()
        assert "Submit for review" in listing
        assert "publish_now" not in listing and "unpublish" not in listing

    def test_crafted_publish_button_post_does_not_publish(self, reporter_client, reporter):
        article = ArticleFactory(created_by=reporter)
        data = article_form_data(article, _publish="Publish now")
        response = reporter_client.post(change_url(article), data, follow=True)
        article.refresh_from_db()
        assert article.status == Status.DRAFT and article.published_at is None
        assert any("Only editors can publish" in m for m in messages_of(response))

    def test_crafted_schedule_post_does_not_schedule(self, reporter_client, reporter):
        article = ArticleFactory(created_by=reporter)
        future = timezone.localtime() + timedelta(days=2)
        data = article_form_data(
            article,
            _schedule="Schedule",
            schedule_at_0=future.strftime("%Y-%m-%d"),
            schedule_at_1=future.strftime("%H:%M:%S"),
        )
        reporter_client.post(change_url(article), data)
        article.refresh_from_db()
        assert article.status == Status.DRAFT and article.published_at is None

    def test_crafted_status_fields_are_ignored(self, reporter_client, reporter):
        article = ArticleFactory(created_by=reporter)
        data = article_form_data(
            article,
            status="published",
            published_at_0="2020-01-01",
            published_at_1="10:00:00",
            is_featured="on",
            is_breaking="on",
            _save="Save",
        )
        assert reporter_client.post(change_url(article), data).status_code == 302
        article.refresh_from_db()
        assert article.status == Status.DRAFT and article.published_at is None
        assert not article.is_featured and not article.is_breaking

    @pytest.mark.parametrize("action", ["publish_now", "schedule", "unpublish", "archive"])
    def test_crafted_list_actions_do_nothing(self, reporter_client, reporter, action):
        article = ArticleFactory(created_by=reporter)
        live = ArticleFactory(created_by=reporter, live=True)
        data = {
            "action": action,
            ACTION_CHECKBOX_NAME: [article.pk, live.pk],
            "index": "0",
            "apply": "1",
            "at_0": "2030-01-01",
            "at_1": "10:00",
        }
        reporter_client.post(CHANGELIST, data)
        assert Article.objects.get(pk=article.pk).status == Status.DRAFT
        assert Article.objects.get(pk=live.pk).status == Status.PUBLISHED

    def test_cannot_open_or_edit_others_stories(self, reporter_client, other_reporter):
        theirs = ArticleFactory(created_by=other_reporter, headline="Their story")
        # 404, as for a story that does not exist: the answer does not tell whether it does
        assert reporter_client.get(change_url(theirs)).status_code == 404
        assert "Their story" not in reporter_client.get(CHANGELIST).content.decode()
        data = article_form_data(theirs, headline="Hijacked", _save="Save")
        reporter_client.post(change_url(theirs), data)
        assert Article.objects.get(pk=theirs.pk).headline == "Their story"

    def test_cannot_edit_own_story_once_submitted(self, reporter_client, reporter):
        article = ArticleFactory(created_by=reporter, status=Status.IN_REVIEW, headline="Submitted")
        response = reporter_client.post(change_url(article), article_form_data(article, headline="Edited"))
        assert response.status_code == 403
        assert Article.objects.get(pk=article.pk).headline == "Submitted"

    def test_cannot_restore_a_published_revision_into_public_view(self, editor, reporter_client, reporter):
        article = ArticleFactory(created_by=reporter)
        services.article_publish(article=article, by=editor)
        services.article_unpublish(article=article, by=editor)
        from reversion.models import Version

        published = next(
            v for v in Version.objects.get_for_object(article) if v.field_dict["status"] == Status.PUBLISHED
        )
        url = f"/admin/articles/article/{article.pk}/history/{published.pk}/"
        reporter_client.post(url, article_form_data(article, _save="Save"))
        article.refresh_from_db()
        assert article.status == Status.DRAFT and not article.is_public

    def test_cannot_manage_sections_sources_or_authors(self, reporter_client):
        for model in ("section", "source", "author"):
            assert reporter_client.get(f"/admin/articles/{model}/add/").status_code == 403
            response = reporter_client.post(f"/admin/articles/{model}/add/", {"name": "X", "slug": "x"})
            assert response.status_code == 403


class TestEditor:
    def test_publishes_with_the_button(self, editor_client):
        article = ArticleFactory()
        response = editor_client.post(
            change_url(article), article_form_data(article, _publish="1"), follow=True
        )
        article.refresh_from_db()
        assert article.is_public
        assert any("is published" in m for m in messages_of(response))

    def test_publishing_an_incomplete_story_keeps_the_edits(self, editor_client):
        article = ArticleFactory(body="")
        data = article_form_data(article, headline="A better headline", _publish="1")
        response = editor_client.post(change_url(article), data, follow=True)
        article.refresh_from_db()
        assert article.headline == "A better headline" and article.status == Status.DRAFT
        assert any("saved, but" in m and "it has no body" in m for m in messages_of(response))

    def test_schedules_with_the_button(self, editor_client):
        article = ArticleFactory()
        future = timezone.localtime() + timedelta(days=1)
        data = article_form_data(
            article,
            _schedule="1",
            schedule_at_0=future.strftime("%Y-%m-%d"),
            schedule_at_1=future.strftime("%H:%M:%S"),
        )
        editor_client.post(change_url(article), data)
        article.refresh_from_db()
        assert article.is_scheduled

    def test_schedule_button_without_a_time_explains(self, editor_client):
        article = ArticleFactory()
        response = editor_client.post(
            change_url(article), article_form_data(article, _schedule="1"), follow=True
        )
        assert any("Schedule for" in m for m in messages_of(response))
        assert Article.objects.get(pk=article.pk).status == Status.DRAFT

    def test_list_actions(self, editor_client):
        drafts = ArticleFactory.create_batch(3)
        ids = [a.pk for a in drafts]
        editor_client.post(CHANGELIST, {"action": "publish_now", ACTION_CHECKBOX_NAME: ids, "index": "0"})
        assert Article.objects.published().filter(pk__in=ids).count() == 3
        editor_client.post(CHANGELIST, {"action": "unpublish", ACTION_CHECKBOX_NAME: ids, "index": "0"})
        assert Article.objects.published().filter(pk__in=ids).count() == 0

    def test_schedule_action_asks_for_a_time_then_schedules(self, editor_client):
        article = ArticleFactory()
        data = {"action": "schedule", ACTION_CHECKBOX_NAME: [article.pk], "index": "0"}
        page = editor_client.post(CHANGELIST, data)
        assert page.status_code == 200 and "Publish at" in page.content.decode()
        future = timezone.localtime() + timedelta(days=3)
        data |= {"apply": "1", "at_0": future.strftime("%Y-%m-%d"), "at_1": future.strftime("%H:%M:%S")}
        editor_client.post(CHANGELIST, data)
        assert Article.objects.get(pk=article.pk).is_scheduled

    def test_schedule_action_refuses_the_past(self, editor_client):
        article = ArticleFactory()
        data = {
            "action": "schedule",
            ACTION_CHECKBOX_NAME: [article.pk],
            "index": "0",
            "apply": "1",
            "at_0": "2001-01-01",
            "at_1": "10:00",
        }
        response = editor_client.post(CHANGELIST, data, follow=True)
        assert response.status_code == 200
        assert any("in the future" in m for m in messages_of(response))
        assert Article.objects.get(pk=article.pk).status == Status.DRAFT
