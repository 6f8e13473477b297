"""A save made from an older revision than the stored one is refused, with what the other editor changed."""

import re
import threading

import pytest
import reversion
from django.db import connection, connections
from taggit.models import Tag

from articles import services
from articles.conflicts import changes_since
from articles.models import Article
from articles.revisions import word_diff
from tests.articles.helpers import article_form_data
from tests.factories import ArticleFactory, SectionFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db


def saved_by(user, article, **changes):
    """`user` saves `article` with `changes`, as the admin does: through the service, in a revision."""
    base = article.revision
    for name, value in changes.items():
        setattr(article, name, value)
    with reversion.create_revision():
        reversion.set_user(user)
        services.article_save(article=article, by=user, base_revision=base)
    return article


@pytest.fixture
def story(aisha):
    with reversion.create_revision():
        reversion.set_user(aisha)
        article = ArticleFactory(
            headline="Port opens a berth",
            body="<p>The board voted on Tuesday.</p>",
            created_by=aisha,
            source=SourceFactory(name="The Star"),
            original_url="https://star.example/berth",
        )
        article.tags.add("ports")
    return Article.objects.get(pk=article.pk)


# --- conflicts.changes_since ------------------------------------------------------------


def test_changes_since_names_who_saved_and_diffs_their_words(story, aisha):
    base = story.revision
    other = SectionFactory(name="Business")
    saved_by(aisha, Article.objects.get(pk=story.pk), headline="Port opens two berths", section=other)
    article = Article.objects.get(pk=story.pk)
    article.tags.add("shipping")
    saved_by(aisha, article, body="<p>The board voted on Wednesday, at last.</p>")

    conflict = changes_since(article=story, base_revision=base)

    assert conflict.base_known and conflict.names == "Aisha Rahman"
    assert conflict.stored_revision == base + 2
    changes = {c["label"]: c["runs"] for c in conflict.changes}
    assert set(changes) == {"headline", "body", "section", "tags"}
    assert changes["headline"] == [("", "Port opens "), ("del", "a berth"), ("ins", "two berths")]
    assert ("del", "Tuesday.") in changes["body"] and ("ins", "Wednesday, at last.") in changes["body"]
    assert ("ins", "Business") in changes["section"]
    assert "".join(t for k, t in changes["tags"] if k != "del") == "ports, shipping"


def test_several_savers_are_all_named(story, aisha, ben):
    base = story.revision
    saved_by(aisha, Article.objects.get(pk=story.pk), standfirst="Aisha's standfirst.")
    saved_by(ben, Article.objects.get(pk=story.pk), lead_image_caption="Ben's caption")
    conflict = changes_since(article=story, base_revision=base)
    assert conflict.names == "Aisha Rahman and ben"
    assert {c["label"] for c in conflict.changes} == {"standfirst", "image caption"}


def test_a_workflow_step_after_the_base_is_the_version_opened(story, aisha, ben):
    """Publishing keeps the count: the form opened after it still diffs against the right words."""
    services.article_publish(article=Article.objects.get(pk=story.pk), by=aisha)
    base = Article.objects.get(pk=story.pk).revision
    saved_by(ben, Article.objects.get(pk=story.pk), original_url="https://star.example/berth-2")
    conflict = changes_since(article=story, base_revision=base)
    assert conflict.names == "ben"
    assert [c["label"] for c in conflict.changes] == ["original URL"]


def test_without_the_opened_version_the_stored_values_are_shown(aisha):
    article = ArticleFactory(headline="Kept without revisions", created_by=aisha)  # no Version at all
    conflict = changes_since(article=article, base_revision=0)
    assert not conflict.base_known and conflict.savers == []
    assert {"label": "headline", "runs": [("", "Kept without revisions")]} in conflict.changes


# --- the admin form ---------------------------------------------------------------------


def change_url(article):
    return f"/admin/articles/article/{article.pk}/change/"


def test_a_stale_save_is_refused_with_the_diff_and_the_editors_text_kept(client, story, aisha, ben):
    opened = Article.objects.get(pk=story.pk)  # Ben opens the form
    client.force_login(aisha)
    data = article_form_data(opened, body="<p>The board voted on Wednesday.</p>", _save="Save")
    assert client.post(change_url(story), data).status_code == 302

    client.force_login(ben)
    mine = article_form_data(
        opened, headline="Ben's sharper headline", body="<p>Ben's own paragraph.</p>", _save="Save"
    )
    response = client.post(change_url(story), mine)

    assert response.status_code == 200
    page = response.content.decode()
    stored = Article.objects.get(pk=story.pk)
    assert stored.headline == "Port opens a berth" and "Wednesday" in stored.body  # nothing of Ben's
    assert stored.revision == opened.revision + 1
    conflict = re.search(r'<section class="desk-conflict".*?</section>', page, re.S).group(0)
    assert re.search(r"Aisha Rahman saved this story at \d\d:\d\d, after you opened it", conflict)
    assert "<del>Tuesday.</del><ins>Wednesday.</ins>" in conflict
    assert "Save again to keep your version" in page
    assert 'value="Ben&#x27;s sharper headline"' in page and "Ben&#x27;s own paragraph." in page
    form = response.context["adminform"].form
    assert form.errors.as_data()["__all__"][0].code == "stale"
    assert form["base_revision"].value() == str(stored.revision)


def test_saving_again_after_the_refusal_keeps_the_editors_version(client, story, aisha, ben):
    opened = Article.objects.get(pk=story.pk)
    saved_by(aisha, Article.objects.get(pk=story.pk), body="<p>Aisha's words.</p>")
    client.force_login(ben)
    mine = article_form_data(opened, headline="Ben's headline", _save="Save")
    refused = client.post(change_url(story), mine)
    assert refused.status_code == 200

    mine["base_revision"] = refused.context["adminform"].form["base_revision"].value()
    assert client.post(change_url(story), mine).status_code == 302
    stored = Article.objects.get(pk=story.pk)
    assert stored.headline == "Ben's headline" and stored.body == opened.body  # overwritten, knowingly


def test_publish_now_from_a_stale_form_does_not_publish(client, story, aisha):
    opened = Article.objects.get(pk=story.pk)
    saved_by(aisha, Article.objects.get(pk=story.pk), standfirst="A newer standfirst.")
    editor = UserFactory(username="desk", role="Editor")
    client.force_login(editor)
    response = client.post(change_url(story), article_form_data(opened, _publish="Publish now"))
    assert response.status_code == 200 and "desk-conflict" in response.content.decode()
    stored = Article.objects.get(pk=story.pk)
    assert stored.status == Article.Status.DRAFT and stored.standfirst == "A newer standfirst."


def test_a_stale_form_keeps_the_tags_typed(client, story, aisha, ben):
    opened = Article.objects.get(pk=story.pk)
    saved_by(aisha, Article.objects.get(pk=story.pk), headline="Aisha's headline")
    Tag.objects.create(name="harbours")
    client.force_login(ben)
    mine = article_form_data(opened, _save="Save")
    mine["tags"] = "harbours, dredging"
    response = client.post(change_url(story), mine)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form["tags"].value() == "harbours, dredging"
    assert 'value="harbours, dredging"' in response.content.decode()


# --- the services -----------------------------------------------------------------------


def test_a_save_from_an_older_base_raises_and_writes_nothing(story, aisha, ben):
    for_a, for_b = Article.objects.get(pk=story.pk), Article.objects.get(pk=story.pk)
    base = for_b.revision
    for_a.headline = "Aisha's headline"
    services.article_save(article=for_a, by=aisha, base_revision=base)

    for_b.headline, for_b.body = "Ben's headline", "<p>Ben's body.</p>"
    with pytest.raises(services.StaleStory):
        services.article_save(article=for_b, by=ben, base_revision=base)
    stored = Article.objects.get(pk=story.pk)
    assert stored.headline == "Aisha's headline" and "Ben" not in stored.body
    assert stored.revision == base + 1


def test_a_workflow_step_on_a_stale_copy_raises(story, aisha, ben):
    stale = Article.objects.get(pk=story.pk)
    saved_by(aisha, Article.objects.get(pk=story.pk), headline="Aisha's headline")
    with pytest.raises(services.StaleStory):
        services.article_publish(article=stale, by=ben)
    stored = Article.objects.get(pk=story.pk)
    assert stored.status == Article.Status.DRAFT and stored.published_at is None


@pytest.mark.django_db(transaction=True)
def test_two_saves_at_once_from_the_same_base_write_exactly_one():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers on one file; the race is PostgreSQL's to show")
    editors = [UserFactory(username=f"racer{i}", role="Editor") for i in range(2)]
    article = ArticleFactory(headline="Before", created_by=editors[0])
    base = article.revision
    barrier, outcomes = threading.Barrier(2), []

    def save(i):
        try:
            copy = Article.objects.get(pk=article.pk)
            copy.headline = f"Saved by {i}"
            barrier.wait()
            services.article_save(article=copy, by=editors[i], base_revision=base)
            outcomes.append("saved")
        except services.StaleStory:
            outcomes.append("stale")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["saved", "stale"]
    stored = Article.objects.get(pk=article.pk)
    assert stored.revision == base + 1 and stored.headline in ("Saved by 0", "Saved by 1")


def test_a_sentence_added_after_the_last_word_is_only_an_insertion():
    assert word_diff("<p>Voted on Tuesday.</p>", "<p>Voted on Tuesday. Then left.</p>") == [
        ("", "Voted on Tuesday. "),
        ("ins", "Then left."),
    ]
