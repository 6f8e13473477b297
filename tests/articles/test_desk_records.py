"""The records the editors' desk keeps: revision counts, status times, stories sent back, sources' credits,
sections' order."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from articles import services
from articles.models import Article, Section, Source
from tests.factories import ArticleFactory, SectionFactory, SourceFactory

Status = Article.Status
pytestmark = pytest.mark.django_db


class TestRevisionCount:
    def test_each_content_save_counts_and_a_workflow_step_does_not(self, editor):
        story = ArticleFactory()
        first = story.revision
        story.headline = "Berth four opens"
        story.save()
        assert story.revision == first + 1
        services.article_publish(article=story, by=editor)
        assert Article.objects.get(pk=story.pk).revision == first + 1

    def test_a_save_from_the_stored_count_is_written_and_counts_one_more(self, editor):
        story = ArticleFactory()
        base = story.revision
        story.headline = "Berth four opens"
        services.article_save(article=story, by=editor, base_revision=base)
        stored = Article.objects.get(pk=story.pk)
        assert (stored.headline, stored.revision) == ("Berth four opens", base + 1)

    def test_a_save_from_an_older_count_is_refused_and_writes_nothing(self, editor):
        story = ArticleFactory(headline="As first written")
        base = story.revision
        Article.objects.get(pk=story.pk).save()  # a colleague saves in between
        story.headline = "Overwritten?"
        with pytest.raises(services.StaleStory):
            services.article_save(article=story, by=editor, base_revision=base)
        assert Article.objects.get(pk=story.pk).headline == "As first written"

    def test_a_form_without_its_count_cannot_save_a_stored_story(self, editor):
        story = ArticleFactory()
        with pytest.raises(services.StaleStory):
            services.article_save(article=story, by=editor, base_revision=None)

    def test_a_reporter_saves_only_their_own_draft(self, reporter, other_reporter):
        theirs = ArticleFactory(created_by=other_reporter)
        with pytest.raises(PermissionDenied):
            services.article_save(article=theirs, by=reporter, base_revision=theirs.revision)
        submitted = ArticleFactory(created_by=reporter, status=Status.IN_REVIEW)
        with pytest.raises(PermissionDenied):
            services.article_save(article=submitted, by=reporter, base_revision=submitted.revision)


class TestSendBack:
    def test_an_editor_sends_a_story_in_review_back_to_its_reporter(self, editor, reporter):
        story = ArticleFactory(created_by=reporter)
        services.article_submit_for_review(article=story, by=reporter)
        submitted_at = Article.objects.get(pk=story.pk).status_changed_at
        assert submitted_at is not None

        services.article_send_back(article=story, by=editor)
        stored = Article.objects.get(pk=story.pk)
        assert stored.status == Status.DRAFT
        assert stored.sent_back_at is not None and stored.status_changed_at >= submitted_at

        services.article_submit_for_review(article=stored, by=reporter)  # submitted again: no longer "back"
        assert Article.objects.get(pk=story.pk).sent_back_at is None

    def test_only_editors_send_back_and_only_stories_in_review(self, editor, reporter):
        story = ArticleFactory(created_by=reporter, status=Status.IN_REVIEW)
        with pytest.raises(PermissionDenied):
            services.article_send_back(article=story, by=reporter)
        draft = ArticleFactory(created_by=reporter)
        with pytest.raises(ValidationError):
            services.article_send_back(article=draft, by=editor)

    def test_the_send_back_button_in_the_admin(self, editor_client, reporter):
        from tests.articles.helpers import article_form_data

        story = ArticleFactory(created_by=reporter, status=Status.IN_REVIEW)
        page = editor_client.get(f"/admin/articles/article/{story.pk}/change/").content.decode()
        assert 'name="_send_back"' in page
        response = editor_client.post(
            f"/admin/articles/article/{story.pk}/change/",
            article_form_data(story, _send_back="Send back to reporter"),
            follow=True,
        )
        assert "went back to its reporter" in response.content.decode()
        assert Article.objects.get(pk=story.pk).status == Status.DRAFT

    def test_a_stale_copy_is_refused_by_a_workflow_step(self, editor):
        story = ArticleFactory()
        Article.objects.get(pk=story.pk).save()
        with pytest.raises(services.StaleStory):
            services.article_publish(article=story, by=editor)
        assert not Article.objects.get(pk=story.pk).is_public


class TestSourceCredit:
    @pytest.mark.parametrize(
        ("typed", "stored"),
        [("", "The Star Online"), ("  ", "The Star Online"), ("– The Star", "The Star"), ("- Star", "Star")],
    )
    def test_the_credit_defaults_to_the_name_and_loses_a_typed_dash(self, typed, stored):
        source = Source.objects.create(name="The Star Online", slug="star", attribution=typed)
        assert source.attribution == stored

    def test_the_story_page_draws_the_dash(self, client, editor):
        source = SourceFactory(name="Harbour Wire", attribution="")
        story = ArticleFactory(source=source)
        services.article_publish(article=story, by=editor)
        page = client.get(story.get_absolute_url()).content.decode()
        assert "– Harbour Wire</a>" in page and "– –" not in page


class TestSectionOrder:
    def test_a_new_section_goes_after_the_others(self):
        SectionFactory(slug="a", position=0)
        SectionFactory(slug="b", position=7)
        assert Section.objects.create(name="Energy", slug="energy").position == 8

    def test_the_first_section_is_first(self):
        assert Section.objects.create(name="Ports", slug="ports").position == 0


@pytest.mark.django_db(transaction=True)
def test_the_migration_drops_stored_dashes_from_credits():
    executor = MigrationExecutor(connection)
    executor.migrate([("articles", "0009_story_verbose_name")])
    old = executor.loader.project_state([("articles", "0009_story_verbose_name")]).apps
    OldSource = old.get_model("articles", "Source")
    OldSource.objects.create(name="Harbour Wire", slug="hw", attribution="– Harbour Wire")
    OldSource.objects.create(name="Valley Herald", slug="vh", attribution="—")
    OldSource.objects.create(name="Coastal", slug="cp", attribution="Coastal Press")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    credits = dict(Source.objects.values_list("slug", "attribution"))
    assert credits == {"hw": "Harbour Wire", "vh": "Valley Herald", "cp": "Coastal Press"}


def test_the_creator_of_a_new_story_is_its_reporter(reporter):
    story = Article(headline="Dredging starts", created_by=reporter)
    services.article_save(article=story, by=reporter, base_revision=None)
    assert story.pk and story.revision == 1


def test_a_slug_taken_in_the_same_moment_becomes_the_next_free_one(editor):
    """Two forms both chose "berth-2"; the second to write gets "berth-3" instead of an error."""
    ArticleFactory(slug="berth")
    ArticleFactory(slug="berth-2")
    late = Article(headline="Berth", slug="berth-2", created_by=editor)
    services.article_save(article=late, by=editor, base_revision=None)
    assert Article.objects.get(pk=late.pk).slug == "berth-3"
