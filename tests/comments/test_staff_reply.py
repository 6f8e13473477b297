"""Issue 16: a moderator answers a comment from the admin; the reply is published with a "Staff" badge."""

import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment, Decision
from tests.comments.conftest import text_of
from tests.comments.helpers import make_comment
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

REPLY = "Thank you: the port has published the plan, page 12 answers this."
QUEUE = "/admin/comments/comment/"


@pytest.fixture
def moderator():
    return UserFactory(role="Moderator", username="mira", first_name="Mira", last_name="Desk")


@pytest.fixture
def moderator_client(moderator):
    client = Client()
    client.force_login(moderator)
    return client


def reply_url(comment) -> str:
    return reverse("admin:comments_comment_reply", args=[comment.pk])


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


class TestThePage:
    def test_it_shows_the_comment_and_a_box_signed_with_the_moderators_name(self, moderator_client, story):
        comment = make_comment(story, user_name="Ada Reader", comment="Where does the silt go?")
        response = moderator_client.get(reply_url(comment))
        html = response.content.decode()
        assert response.status_code == 200
        assert "Ada Reader" in html and "Where does the silt go?" in html and story.headline in html
        assert re.search(r"<time datetime=\"[^\"]+\">", html)
        assert re.search(r'<label for="id_text">Reply as Mira Desk \(Staff\)</label>', html)
        assert '<textarea name="text" id="id_text"' in html
        assert "no-cache" in response["Cache-Control"]

    def test_a_held_comment_says_it_must_be_approved_first(self, moderator_client, story):
        comment = make_comment(story, is_public=False)
        assert "approve it before replying" in moderator_client.get(reply_url(comment)).content.decode()

    def test_the_change_page_offers_it(self, moderator_client, story):
        comment = make_comment(story)
        html = moderator_client.get(
            reverse("admin:comments_comment_change", args=[comment.pk])
        ).content.decode()
        assert f'href="{reply_url(comment)}?next=' in html


class TestWhoMay:
    @pytest.mark.parametrize("role", ["Editor", "Reporter"])
    def test_editors_and_reporters_are_refused(self, story, role):
        comment = make_comment(story)
        client = Client()
        client.force_login(UserFactory(role=role))
        assert client.get(reply_url(comment)).status_code == 403
        assert client.post(reply_url(comment), {"text": REPLY}).status_code == 403
        assert Comment.objects.count() == 1

    def test_anonymous_visitors_are_sent_to_sign_in(self, story):
        comment = make_comment(story)
        for response in (
            Client().get(reply_url(comment)),
            Client().post(reply_url(comment), {"text": REPLY}),
        ):
            assert response.status_code == 302 and "/admin/login/" in response["Location"]
        assert Comment.objects.count() == 1

    def test_a_missing_comment_is_a_404(self, moderator_client, story):
        assert moderator_client.get("/admin/comments/comment/999999/reply/").status_code == 404
        assert (
            moderator_client.post("/admin/comments/comment/999999/reply/", {"text": REPLY}).status_code == 404
        )


class TestPosting:
    def test_it_publishes_the_reply_under_the_moderators_name_and_goes_back(self, moderator_client, story):
        comment = make_comment(story)
        back = f"{QUEUE}?status=reported"
        response = moderator_client.post(reply_url(comment), {"text": REPLY, "next": back})
        assert response.status_code == 302 and response["Location"] == back
        reply = Comment.objects.get(by_staff=True)
        assert reply.is_visible and reply.parent_id == comment.pk and reply.user_name == "Mira Desk"
        assert Decision.objects.filter(comment=reply, action=Decision.Action.REPLY).exists()
        shown = messages_of(moderator_client.get(back))
        link = f'<a href="{story.get_absolute_url()}#c{reply.pk}">see it on the story</a>'
        assert any(link in message for message in shown), shown

    def test_the_story_page_shows_the_staff_badge_beside_the_name(self, moderator_client, story):
        comment = make_comment(story, user_name="Ada Reader")
        moderator_client.post(reply_url(comment), {"text": REPLY})
        reply = Comment.objects.get(by_staff=True)
        html = Client().get(story.get_absolute_url()).content.decode()
        start = html.rindex("<li", 0, html.index(f'id="c{reply.pk}"'))
        mine = html[start : html.index("</article>", start)]
        assert re.search(r'Mira Desk</span>\s*<span class="staff-badge">Staff</span>', mine)
        assert REPLY in unescape(mine)
        theirs = html[html.index(f'id="c{comment.pk}"') : start]
        assert "staff-badge" not in theirs

    @pytest.mark.parametrize(
        "unsafe", ["https://elsewhere.example/", "//elsewhere.example/x", "javascript:x"]
    )
    def test_an_unsafe_next_goes_to_the_queue(self, moderator_client, story, unsafe):
        comment = make_comment(story)
        response = moderator_client.post(reply_url(comment), {"text": REPLY, "next": unsafe})
        assert response.status_code == 302 and response["Location"] == QUEUE

    def test_an_empty_reply_is_a_form_error(self, moderator_client, story):
        comment = make_comment(story)
        response = moderator_client.post(reply_url(comment), {"text": "   "})
        assert response.status_code == 400
        assert "Write a reply first." in response.content.decode()
        assert not Comment.objects.filter(by_staff=True).exists()

    def test_a_reply_to_a_held_comment_is_refused_with_the_text_kept(self, moderator_client, story):
        comment = make_comment(story, is_public=False)
        back = f"{story.get_absolute_url()}?moderation=1"
        response = moderator_client.post(reply_url(comment), {"text": REPLY, "next": back})
        html = response.content.decode()
        assert response.status_code == 400
        assert "Approve the comment before replying to it" in html
        assert f">{REPLY}</textarea>" in unescape(html) and 'aria-invalid="true"' in html
        assert f'name="next" value="{back}"' in unescape(html)  # kept for the next try
        assert not Comment.objects.filter(by_staff=True).exists()

    def test_a_reply_too_long_is_refused_with_the_text_kept(self, moderator_client, story, settings):
        comment = make_comment(story)
        long_text = "word " * (settings.COMMENT_MAX_LENGTH // 4)
        response = moderator_client.post(reply_url(comment), {"text": long_text})
        assert response.status_code == 400 and "Keep the reply under" in response.content.decode()
        assert long_text.strip() in response.content.decode()

    def test_the_reply_stands_under_its_comment_on_the_staff_view(self, moderator_client, story):
        comment = make_comment(story)
        moderator_client.post(reply_url(comment), {"text": REPLY})
        page = text_of(moderator_client.get(f"{story.get_absolute_url()}?moderation=1"))
        assert re.search(r"Mira Desk Staff", page)
