"""A comment in its thread, from the queue: its parents and replies, every state shown."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article
from comments.models import Comment, HoldReason, Report
from tests.comments.conftest import text_of
from tests.comments.helpers import make_comment
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db


def thread_url(comment, **query) -> str:
    url = reverse("admin:comments_comment_thread", args=[comment.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def signed_in(client, role: str | None):
    client.force_login(UserFactory(username=f"a-{(role or 'plain').lower()}", role=role))
    return client


def shown(response) -> list[int]:
    """The comments on the page, top to bottom."""
    return [int(pk) for pk in re.findall(r'class="mod-thread-item[^"]*" data-comment="(\d+)"', response.text)]


@pytest.fixture
def thread(story):
    """A root, a held reply to it, the held reply's own replies (one removed, one spam), a sibling."""
    root = make_comment(story, user_name="Root Writer", comment="The dredging starts in March.")
    held = make_comment(
        story,
        parent_id=root.pk,
        user_name="Held Writer",
        comment="The silt goes where?",
        is_public=False,
        hold_reasons=[HoldReason.FIRST_TIME, HoldReason.LINKS],
    )
    answer = make_comment(story, parent_id=held.pk, user_name="Answer Writer", comment="To the north basin.")
    removed = make_comment(story, parent_id=held.pk, user_name="Removed Writer", is_removed=True)
    spam = make_comment(story, parent_id=answer.pk, user_name="Spam Writer", is_removed=True, is_spam=True)
    sibling = make_comment(story, parent_id=root.pk, user_name="Sibling Writer")
    other = make_comment(story, user_name="Other Thread Writer")
    return {"root": root, "held": held, "answer": answer, "removed": removed, "spam": spam,
            "sibling": sibling, "other": other}  # fmt: skip


class TestWhoMaySee:
    def test_a_moderator_sees_the_thread_and_buttons(self, client, thread):
        response = signed_in(client, "Moderator").get(thread_url(thread["held"]))
        assert response.status_code == 200
        assert 'data-action="approve"' in response.text
        assert f'formaction="/admin/comments/comment/{thread["held"].pk}/moderate/approve/"' in response.text

    def test_an_editor_sees_the_thread_but_no_button(self, client, thread):
        response = signed_in(client, "Editor").get(thread_url(thread["held"]))
        assert response.status_code == 200
        assert "Held Writer" in response.text
        assert "data-action=" not in response.text and "/moderate/" not in response.text

    @pytest.mark.parametrize("role", ["Reporter", None])
    def test_a_reporter_or_plain_staff_is_refused(self, client, thread, role):
        response = signed_in(client, role).get(thread_url(thread["held"]))
        assert response.status_code == 403
        assert "Held Writer" not in response.text

    def test_an_anonymous_visitor_is_sent_to_sign_in(self, client, thread):
        response = client.get(thread_url(thread["held"]))
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")

    def test_it_is_a_page_to_read_not_to_post_to(self, client, thread):
        response = signed_in(client, "Moderator").post(thread_url(thread["held"]))
        assert response.status_code == 405
        assert Comment.objects.get(pk=thread["held"].pk).status == "held"


class TestWhatItShows:
    def test_the_parents_the_comment_and_all_its_replies_in_order(self, client, thread):
        response = signed_in(client, "Moderator").get(thread_url(thread["held"]))
        t = thread
        assert shown(response) == [t["root"].pk, t["held"].pk, t["answer"].pk, t["spam"].pk, t["removed"].pk]
        # Not the comment's siblings, nor other threads.
        assert "Sibling Writer" not in response.text and "Other Thread Writer" not in response.text

    def test_every_state_is_labelled_and_the_comment_is_marked(self, client, thread):
        response = signed_in(client, "Moderator").get(thread_url(thread["held"]))
        text = text_of(response)
        assert "Held for: First-time commenter; Many links" in text
        for label in ("mod-label-held", "mod-label-removed", "mod-label-spam", "mod-label-visible"):
            assert label in response.text
        target = re.findall(r'<li class="mod-thread-item ([^"]*)" data-comment="(\d+)"', response.text)
        assert [pk for classes, pk in target if "mod-thread-target" in classes] == [str(thread["held"].pk)]
        assert response.text.count('aria-current="true"') == 1

    def test_a_reply_deep_in_the_thread_shows_its_whole_line(self, client, thread):
        response = signed_in(client, "Editor").get(thread_url(thread["spam"]))
        t = thread
        assert shown(response) == [t["root"].pk, t["held"].pk, t["answer"].pk, t["spam"].pk]

    def test_each_comment_gets_the_buttons_that_change_something(self, client, thread):
        Report.objects.create(comment=thread["root"], reporter_key="ip:one", reason=Report.Reason.ABUSE)
        response = signed_in(client, "Moderator").get(thread_url(thread["held"]))

        def actions(comment):
            pattern = rf'/comment/{comment.pk}/moderate/(\w+)/"'
            return re.findall(pattern, response.text)

        assert actions(thread["root"]) == ["dismiss", "remove", "spam"]  # as on its queue row
        assert actions(thread["held"]) == ["approve", "remove", "spam"]
        assert actions(thread["removed"]) == ["approve", "spam"]
        assert actions(thread["spam"]) == ["not_spam"]
        assert "Reported 1×" in text_of(response)

    def test_the_page_has_the_admin_around_it_and_a_form_to_post(self, client, thread):
        response = signed_in(client, "Moderator").get(thread_url(thread["held"]))
        assert 'id="header"' in response.text and "breadcrumbs" in response.text
        assert response.text.count("<form") >= 1 and "csrfmiddlewaretoken" in response.text
        assert "Harbour dredging starts in spring" in response.text

    def test_the_fragment_is_the_thread_alone(self, client, thread):
        response = signed_in(client, "Moderator").get(thread_url(thread["held"], fragment=1))
        assert response.status_code == 200
        body = response.text.strip()
        assert body.startswith('<section class="mod-thread"') and body.endswith("</section>")
        assert "<html" not in body and 'id="header"' not in body and "<form" not in body
        assert len(shown(response)) == 5

    def test_a_comment_with_html_in_its_text_shows_it_as_text(self, client, story):
        hostile = make_comment(
            story, user_name='<img src=x onerror="alert(1)">', comment="<script>x()</script>"
        )
        response = signed_in(client, "Moderator").get(thread_url(hostile, fragment=1))
        assert "<script>x()" not in response.text and "<img src=x" not in response.text
        assert "&lt;img src=x" in response.text


class TestOddCases:
    def test_a_missing_comment_is_404(self, client, thread):
        missing = Comment.objects.order_by("-pk").first().pk + 1
        response = signed_in(client, "Moderator").get(f"/admin/comments/comment/{missing}/thread/")
        assert response.status_code == 404

    def test_a_comment_whose_story_is_gone_gets_a_clear_page(self, client, thread, story):
        Article.objects.filter(pk=story.pk).delete()
        moderator = signed_in(client, "Moderator")
        for url in (thread_url(thread["held"]), thread_url(thread["held"], fragment=1)):
            response = moderator.get(url)
            assert response.status_code == 200
            assert "The story this comment was on no longer exists" in text_of(response)
            assert "Held Writer" in response.text and 'data-action="approve"' in response.text

    def test_a_comment_on_something_else_than_a_story(self, client, story):
        on_user = make_comment(
            story, content_type=ContentType.objects.get_for_model(Comment), object_pk="not-a-number"
        )
        response = signed_in(client, "Editor").get(thread_url(on_user))
        assert response.status_code == 200
        assert "no longer exists" in text_of(response)

    def test_back_to_the_queue_keeps_a_safe_next_only(self, client, thread):
        moderator = signed_in(client, "Moderator")
        ours = moderator.get(thread_url(thread["held"], next="/admin/comments/comment/%3Fstatus%3Dheld"))
        assert 'href="/admin/comments/comment/?status=held">Back to the queue' in ours.text
        theirs = moderator.get(thread_url(thread["held"], next="https://evil.example.com/"))
        assert "evil.example.com" not in theirs.text


def test_the_thread_is_read_in_a_fixed_number_of_queries(client):
    """One query for the thread and one for its story, however long the thread (plus the admin's own)."""
    story = ArticleFactory(live=True)
    moderator = signed_in(client, "Moderator")

    def grow(n):
        top = make_comment(story)
        parent = top
        for i in range(n):
            parent = make_comment(story, parent_id=parent.pk if i % 2 else top.pk, is_public=bool(i % 3))
        return top

    small, large = grow(2), grow(30)
    moderator.get(thread_url(small))  # the session and the content types are read once
    for query in ({}, {"fragment": 1}):
        counts = []
        for comment in (small, large):
            with CaptureQueriesContext(connection) as queries:
                response = moderator.get(thread_url(comment, **query))
            assert response.status_code == 200
            counts.append(len(queries))
            thread_queries = [q["sql"] for q in queries.captured_queries if "thread_id" in q["sql"]]
            assert len(thread_queries) == 1
        assert counts[0] == counts[1], query
    assert len(shown(response)) == 31
