"""Posting a comment: what is published, what is held and why, what is refused and how readers are told."""

import pytest
from django.core import mail

from comments import views
from comments.models import BlockedTerm, Comment, HoldReason
from tests.comments.conftest import form_data, text_of
from tests.comments.helpers import trust_cookie
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db


def only_comment():
    return Comment.objects.get()


class TestPublished:
    def test_a_comment_is_published_and_the_reader_is_told(self, open_door, story, post):
        response = post(story, follow=True)
        comment = only_comment()
        assert comment.is_visible and comment.hold_reasons == []
        assert response.redirect_chain[-1][0].startswith(story.get_absolute_url() + "?posted=")
        page = text_of(response)
        assert "Thank you: your comment is published." in page
        assert "The dredging plan leaves out the silt" in page
        assert f'id="c{comment.pk}"' in response.content.decode()

    def test_the_story_counts_it_on_its_page_and_its_card(self, open_door, story, post, client):
        post(story)
        story.refresh_from_db()
        assert story.comment_count == 1
        assert "1 comment" in text_of(client.get(story.get_absolute_url()))
        home = client.get("/").content.decode()
        assert f'{story.get_absolute_url()}#comments">1 comment</a>' in home

    def test_the_page_with_the_notice_is_private_and_the_next_one_is_cached(
        self, open_door, story, post, client
    ):
        response = post(story, follow=True)
        assert "private" in response["Cache-Control"]
        again = client.get(story.get_absolute_url())
        assert "Thank you" not in text_of(again)
        assert "public" in again["Cache-Control"]

    def test_signed_in_readers_give_no_name_or_email(self, open_door, story, client):
        user = UserFactory(username="marta", first_name="Marta", last_name="Quay", is_staff=False)
        client.force_login(user)
        page = client.get(story.get_absolute_url()).content.decode()
        assert 'id="id_email"' not in page and "Commenting as Marta Quay" in page
        data = form_data(story)
        del data["name"], data["email"]
        client.get(story.get_absolute_url())  # sets the CSRF cookie
        data["csrfmiddlewaretoken"] = client.cookies["csrftoken"].value
        response = client.post("/comments/post/", data)
        assert response.status_code == 302
        comment = only_comment()
        assert (comment.user, comment.user_name, comment.user_email) == (user, "Marta Quay", user.email)

    def test_a_signed_in_reader_needs_the_csrf_token(self, open_door, story):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(UserFactory(username="marta", is_staff=False))
        data = form_data(story)
        response = client.post("/comments/post/", data)
        assert response.status_code == 403
        assert not Comment.objects.exists()

    @pytest.mark.parametrize(
        "headers",
        [
            {"Origin": "https://evil.example"},
            {"Sec-Fetch-Site": "cross-site"},
            {"Origin": "null"},  # a sandboxed frame, a file, a privacy redirect: no site we can check
            {"Origin": "null", "Sec-Fetch-Site": "cross-site"},
        ],
    )
    def test_an_anonymous_post_from_another_site_is_refused(self, open_door, story, client, headers):
        assert client.post("/comments/post/", form_data(story), headers=headers).status_code == 403
        assert not Comment.objects.exists()

    @pytest.mark.parametrize(
        "headers",
        [
            {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"},
            {"Origin": "http://testserver"},
            {"Origin": "null", "Sec-Fetch-Site": "same-origin"},  # the browser vouches for our own page
            {},  # no browser at all: nobody's session to ride on
        ],
    )
    def test_an_anonymous_post_from_our_own_page_is_taken(self, open_door, story, client, headers):
        assert client.post("/comments/post/", form_data(story), headers=headers).status_code == 302


class TestHeld:
    def reasons(self):
        return only_comment().hold_reasons

    def test_more_links_than_allowed(self, open_door, story, post):
        post(story, comment="See https://a.example/1 and https://b.example/2 and www.c.example/3")
        assert self.reasons() == [HoldReason.LINKS]
        assert not only_comment().is_visible

    def test_two_links_are_fine(self, open_door, story, post):
        post(story, comment="See https://a.example/1 and https://b.example/2")
        assert self.reasons() == []

    @pytest.mark.parametrize(
        ("kind", "term", "fields"),
        [
            ("word", "casino", {"comment": "Best CASINO bonus here."}),
            ("word", "cheap pills", {"comment": "Buy cheap pills now"}),
            ("domain", "spam.example", {"url": "https://www.spam.example/offer"}),
            ("domain", "spam.example", {"comment": "visit http://shop.spam.example today"}),
            ("domain", "spam.example", {"email": "bot@spam.example"}),
            ("word", "scam", {"name": "Scam Bot"}),
        ],
    )
    def test_a_blocked_word_or_domain(self, open_door, story, post, kind, term, fields):
        BlockedTerm.objects.create(kind=kind, term=term)
        post(story, **fields)
        assert self.reasons() == [HoldReason.BLOCKLIST]

    def test_a_blocked_word_inside_another_word_does_not_hold(self, open_door, story, post):
        BlockedTerm.objects.create(kind="word", term="ass")
        post(story, comment="The harbour's class of vessels passes inspection.")
        assert self.reasons() == []

    def test_a_first_time_commenter_is_held_and_a_known_one_with_proof_is_not(
        self, settings, story, post, client
    ):
        settings.COMMENTS_CONFIRM_EMAIL = False
        post(story)
        first = only_comment()
        assert first.hold_reasons == [HoldReason.FIRST_TIME]
        Comment.objects.filter(pk=first.pk).update(is_public=True)
        post(story, comment="Known address, but this browser never proved it.")
        assert Comment.objects.order_by("pk").last().hold_reasons == [HoldReason.FIRST_TIME]
        client.cookies[views.TRUST_COOKIE] = trust_cookie("ada@example.org")  # confirmed once, here
        post(story, comment="And another thing about the silt.")
        assert Comment.objects.order_by("pk").last().hold_reasons == []

    def test_many_comments_from_one_address_in_an_hour(self, open_door, story, post, settings):
        settings.COMMENTS_RATE_LIMIT = (100, 60)
        for n in range(6):
            post(story, comment=f"Point number {n} about the dredging.")
        reasons = list(Comment.objects.order_by("pk").values_list("hold_reasons", flat=True))
        assert reasons[:5] == [[]] * 5
        assert reasons[5] == [HoldReason.RATE]

    def test_many_comments_from_one_ip_under_different_names(self, open_door, story, post, settings):
        settings.COMMENTS_RATE_LIMIT = (100, 60)
        for n in range(6):
            post(story, email=f"sock{n}@example.org", comment=f"Sock puppet {n} agrees.")
        assert Comment.objects.order_by("pk").last().hold_reasons == [HoldReason.RATE]

    def test_reasons_add_up(self, settings, story, post):
        settings.COMMENTS_CONFIRM_EMAIL = False
        BlockedTerm.objects.create(kind="word", term="casino")
        post(story, comment="casino https://a.example https://b.example https://c.example")
        assert set(self.reasons()) == {HoldReason.LINKS, HoldReason.BLOCKLIST, HoldReason.FIRST_TIME}

    def test_the_reader_is_told_it_awaits_moderation_and_sees_it_other_readers_do_not(
        self, settings, story, post
    ):
        """Issue 15: the author sees their held comment in place (tests/comments/test_held_view.py)."""
        settings.COMMENTS_CONFIRM_EMAIL = False
        page = text_of(post(story, follow=True))
        assert "your comment is awaiting moderation" in page
        assert "The dredging plan leaves out" in page and "Your comment is awaiting moderation." in page
        from django.test import Client

        assert "The dredging plan leaves out" not in text_of(Client().get(story.get_absolute_url()))

    def test_moderators_are_mailed_at_most_once_per_interval(self, settings, story, post):
        settings.COMMENTS_CONFIRM_EMAIL = False
        UserFactory(username="mod", email="mod@example.org", role="Moderator")
        post(story, comment="First held comment here.")
        post(story, email="other@example.org", comment="Second held comment here.")
        to_moderators = [m for m in mail.outbox if m.to == ["mod@example.org"]]
        assert len(to_moderators) == 1
        assert "1 comment is waiting" in to_moderators[0].body
        assert "/admin/comments/comment/" in to_moderators[0].body

    def test_staff_who_moderate_are_never_held(self, settings, story, client):
        settings.COMMENTS_CONFIRM_EMAIL = False
        client.force_login(UserFactory(username="mod", role="Moderator"))
        data = form_data(story, comment="https://a.example https://b.example https://c.example")
        del data["name"], data["email"]
        client.post("/comments/post/", data)
        assert only_comment().is_visible


class TestRefused:
    """Each rejection: a clear message, the reader's text kept, nothing saved."""

    def refused(self, response, message, status=400):
        assert response.status_code == status
        page = text_of(response)
        assert message in page
        assert not Comment.objects.exists()
        assert not [m for m in mail.outbox if "Confirm" in m.subject]
        return page

    def test_a_filled_honeypot(self, open_door, story, post):
        page = self.refused(post(story, honeypot="http://spam.example"), "only automated programs fill in")
        assert "The dredging plan leaves out the silt" in page

    def test_no_minimum_time_a_cached_page_could_not_keep(self, open_door, story, post):
        """The form's time is when the page was made, for every reader of a cached page: no "too fast"."""
        assert post(story, age=0).status_code == 302
        assert only_comment().is_visible

    @pytest.mark.parametrize(
        "fields",
        [
            {"stamp": ""},
            {"stamp": "not-a-stamp"},
            {"stamp": "x:y:z" * 30},
            {"stamp": "\u00e9t\u00e9:1:2"},
        ],
    )
    def test_a_missing_or_forged_stamp(self, open_door, story, post, fields):
        self.refused(post(story, **fields), "This form was changed or has expired")

    def test_a_form_for_another_story(self, open_door, story, client):
        other = ArticleFactory(live=True)
        data = form_data(story)
        data["object_pk"] = str(other.pk)
        self.refused(client.post("/comments/post/", data), "This form was changed or has expired")

    def test_an_expired_form_offers_a_fresh_one(self, open_door, story, post):
        response = post(story, age=3 * 3600)
        page = self.refused(response, "This form was changed or has expired")
        assert 'name="stamp"' in response.content.decode()
        assert "The dredging plan leaves out the silt" in page

    @pytest.mark.parametrize("reply_to", ["999999", "abc", "-1", "1" * 30])
    def test_a_reply_to_a_missing_comment(self, open_door, story, post, reply_to):
        self.refused(post(story, reply_to=reply_to), "not available for replies")

    def test_a_reply_past_the_maximum_depth(self, open_door, story, post):
        post(story, comment="Level zero comment here.")
        top = only_comment()
        post(story, reply_to=top.pk, comment="Level one reply here.")
        middle = Comment.objects.get(level=1)
        post(story, reply_to=middle.pk, comment="Level two reply here.")
        deepest = Comment.objects.get(level=2)
        before = Comment.objects.count()
        response = post(story, reply_to=deepest.pk, comment="Too deep.")
        assert response.status_code == 400
        assert "not available for replies" in text_of(response)
        assert Comment.objects.count() == before

    def test_a_reply_to_a_held_comment_or_one_on_another_story(self, settings, story, post):
        settings.COMMENTS_CONFIRM_EMAIL = False
        post(story)
        held = only_comment()
        other = ArticleFactory(live=True)
        response = post(story, reply_to=held.pk, email="b@example.org")
        assert response.status_code == 400
        response = post(other, reply_to=held.pk, email="b@example.org")
        assert response.status_code == 400
        assert Comment.objects.count() == 1

    def test_a_story_closed_by_its_editor(self, open_door, post):
        closed = ArticleFactory(live=True, comments_open=False)
        page = self.refused(post(closed), "Comments are closed on this story.")
        assert 'name="comment"' not in page

    def test_a_story_closed_by_age(self, open_door, post, settings):
        from datetime import timedelta

        from django.utils import timezone

        settings.COMMENTS_CLOSE_AFTER_DAYS = 14
        old = ArticleFactory(live=True, published_at=timezone.now() - timedelta(days=15))
        self.refused(post(old), "Comments are closed on this story.")

    @pytest.mark.parametrize(
        "fields",
        [
            {"email": "not-an-address"},
            {"email": "a@example.org\r\nBcc: victim@example.org"},
            {"name": ""},
            {"name": "Ada\r\nBcc: victim@example.org"},
            {"name": "x" * 51},
            {"comment": "   "},
            {"comment": "x" * 3001},
            {"url": "javascript:alert(1)"},
            {"url": "ftp://files.example/x"},
            {"comment": "nul \x00 byte"},
        ],
    )
    def test_bad_fields_get_form_errors(self, open_door, story, post, fields):
        response = post(story, **fields)
        assert response.status_code == 400
        assert "Your comment was not posted" in text_of(response)
        assert not Comment.objects.exists()

    @pytest.mark.parametrize(
        "data",
        [
            {},
            {"content_type": "auth.user", "object_pk": "1"},
            {"content_type": "articles.article", "object_pk": "abc"},
            {"content_type": "articles.article", "object_pk": "999999"},
        ],
    )
    def test_posts_that_name_no_story_are_not_found(self, client, db, data):
        assert client.post("/comments/post/", data).status_code == 404

    def test_a_draft_story_takes_no_comments(self, open_door, post):
        draft = ArticleFactory()
        assert post(draft).status_code == 404

    def test_get_is_not_allowed(self, client, db):
        assert client.get("/comments/post/").status_code == 405

    def test_a_reader_posting_too_often_is_told_to_wait_and_keeps_the_text(self, open_door, story, post):
        for n in range(3):
            assert post(story, comment=f"Quick point {n}.").status_code == 302
        response = post(story, comment="My fourth and best point.")
        assert response.status_code == 429
        page = text_of(response)
        assert "Please wait" in page and "seconds" in page
        assert "My fourth and best point." in page
        assert Comment.objects.count() == 3
