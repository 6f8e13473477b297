"""The confirmation mail carries nothing the sender typed, goes at most once an hour to an address,
and its link publishes the comment it was made for (and the others written in the same browser)."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from articles.models import Article
from comments import mail as comment_mail
from comments import views
from comments.models import Comment, PendingComment
from newsroom.settings.base import mailers_from_url
from tests.comments.conftest import form_data, text_of
from tests.comments.helpers import confirm_link, make_comment, make_pending

pytestmark = pytest.mark.django_db

ATTACK = {
    "email": "victim@example.org",
    "name": "WIN A PRIZE visit evil.example",
    "url": "https://evil.example/claim",
    "comment": "Claim your prize at https://evil.example/claim before midnight!",
}


@pytest.fixture
def stranger(django_capture_on_commit_callbacks):
    """Another browser on another network, posting under the same address."""
    browser = Client(REMOTE_ADDR="198.51.100.7")

    def _post(article, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return browser.post("/comments/post/", form_data(article, **fields))

    return _post


class TestTheMail:
    def test_a_first_time_anonymous_commenter_confirms_by_mail(self, client, story, post):
        response = post(story, follow=True)
        assert "we have sent a link to ada@example.org" in text_of(response)
        assert not Comment.objects.exists()
        (message,) = mail.outbox
        assert message.to == ["ada@example.org"] and "Confirm your comment" in message.subject
        link = confirm_link(message)
        shown = client.get(link)
        assert shown.status_code == 200 and "Publish my comment" in shown.content.decode()
        assert "The dredging plan leaves out the silt" in text_of(shown)
        assert not Comment.objects.exists()  # a mail scanner's GET confirms nothing
        confirmed = client.post(link, follow=True)
        comment = Comment.objects.get()
        assert comment.hold_reasons == ["first_time"] and not comment.is_visible
        assert "awaiting moderation" in text_of(confirmed)
        client.post(link)
        assert Comment.objects.count() == 1  # confirming twice is harmless

    def test_it_names_the_story_and_the_time_and_nothing_the_sender_typed(self, story, post, settings):
        settings.TIME_ZONE = "Asia/Kuala_Lumpur"
        sent = (timezone.now() - timedelta(days=1)).replace(hour=1, minute=5)
        Article.objects.filter(pk=story.pk).update(published_at=sent - timedelta(days=1))
        story.refresh_from_db()
        with time_machine.travel(sent, tick=False):
            post(story, **ATTACK)
        (message,) = mail.outbox
        assert message.to == ["victim@example.org"]
        assert message.subject == "Confirm your comment on Newsroom"
        assert '"Harbour dredging starts in spring"' in message.body
        assert settings.SITE_URL + story.get_absolute_url() in message.body
        assert "at 09:05 (Asia/Kuala_Lumpur time)" in message.body  # 01:05 UTC, in the newsroom's time
        everything = message.body + message.subject + str(message.extra_headers)
        for typed in ("WIN A PRIZE", "evil.example", "Claim your prize"):
            assert typed not in everything

    def test_the_page_behind_the_link_shows_the_comment(self, story, post, client):
        post(story, **ATTACK)
        page = client.get(confirm_link(mail.outbox[0]))
        assert page.status_code == 200
        assert "Claim your prize" in text_of(page) and "WIN A PRIZE" in text_of(page)
        assert "Publish my comment" in page.content.decode()
        assert not Comment.objects.exists()  # a mail scanner's GET (or HEAD) publishes nothing
        client.head(confirm_link(mail.outbox[0]))
        assert not Comment.objects.exists()

    def test_the_approved_mail_greets_nobody_by_a_typed_name(self, story):
        comment = make_comment(story, user_name="WIN A PRIZE visit evil.example", is_public=False)
        comment_mail.approved(comment)
        (message,) = mail.outbox
        assert message.body.startswith("Hello,\n") and "WIN A PRIZE" not in message.body


class TestOneMailAnHour:
    def test_a_second_comment_within_the_hour_waits_for_the_first_link(self, story, post):
        post(story)
        response = post(story, follow=True, comment="And a second thought on the dredging.")
        assert len(mail.outbox) == 1
        assert PendingComment.objects.count() == 2
        page = text_of(response)
        assert "we sent a link to ada@example.org less than an hour ago" in page
        assert "Open it in this browser" in page

    def test_whoever_asks_and_however_the_address_is_spelt(self, story, post, stranger):
        post(story, email="victim@example.org")
        stranger(story, email="VICTIM@example.org")
        assert len(mail.outbox) == 1

    def test_an_hour_later_the_next_comment_gets_its_own_mail(self, story, post):
        post(story)
        with time_machine.travel(timezone.now() + timedelta(minutes=61)):
            post(story, comment="The next day, another point.")
        assert len(mail.outbox) == 2

    def test_the_link_publishes_the_comments_written_in_this_browser(self, open_door, story, post, client):
        open_door.COMMENTS_CONFIRM_EMAIL = True
        post(story)
        post(story, comment="And a second thought on the dredging.")
        link = confirm_link(mail.outbox[0])
        other_phone = Client()  # opened on another device: the link's browser still counts
        page = other_phone.get(link)
        assert "these 2 comments" in text_of(page)
        response = other_phone.post(link, follow=True)
        assert Comment.objects.filter(is_public=True).count() == 2
        assert "2 comments published" in text_of(response)

    def test_the_link_confirms_the_comment_it_was_made_for_and_no_stranger_s(
        self, open_door, story, post, stranger
    ):
        open_door.COMMENTS_CONFIRM_EMAIL = True
        stranger(story, comment="A stranger's words under my address.")
        post(story, comment="My own words, written after the stranger's.")
        (message,) = mail.outbox  # the one mail went for the stranger's comment
        reader = Client()  # the mailbox owner, on a device that wrote neither
        assert "A stranger's words" in text_of(reader.get(confirm_link(message)))
        assert "My own words" not in text_of(reader.get(confirm_link(message)))

    def test_opened_in_the_browser_that_wrote_it_a_waiting_comment_is_published_too(
        self, open_door, story, post, client, stranger
    ):
        open_door.COMMENTS_CONFIRM_EMAIL = True
        stranger(story, comment="Stranger's.")
        post(story, comment="My own words.")
        link = confirm_link(mail.outbox[0])
        assert "My own words." in text_of(client.get(link))
        client.post(link)
        assert set(Comment.objects.values_list("comment", flat=True)) == {"Stranger's.", "My own words."}

    def test_the_browser_key_is_kept_to_the_comment_pages(self, story, post, client):
        response = post(story)
        cookie = response.cookies[views.BROWSER_COOKIE]
        assert cookie["path"] == "/comments/" and cookie["httponly"] and cookie["samesite"] == "Lax"


class TestTheLink:
    def test_pressing_twice_makes_one_comment(self, open_door, story, client):
        _, link = make_pending(story)
        client.post(link)
        again = client.post(link, follow=True)
        assert Comment.objects.count() == 1
        assert "published" in text_of(again)
        assert "This link was used already" in text_of(client.get(link))

    def test_a_reply_whose_parent_went_away_is_posted_at_the_top(self, open_door, story, client):
        parent = make_comment(story)
        pending, link = make_pending(story, parent_id=parent.pk)
        Comment.objects.filter(pk=parent.pk).update(is_removed=True)
        client.post(link)
        reply = Comment.objects.get(user_email=pending.email)
        assert reply.level == 0 and reply.is_visible

    def test_an_expired_link_says_so(self, story, client, settings):
        _, link = make_pending(story)
        settings.COMMENTS_CONFIRM_MAX_AGE = -1
        response = client.post(link)
        assert response.status_code == 400 and not Comment.objects.exists()

    def test_a_story_closed_since_the_mail_publishes_nothing(self, story, client):
        _, link = make_pending(story)
        Article.objects.filter(pk=story.pk).update(comments_open=False)
        response = client.post(link)
        assert response.status_code == 400 and "closed" in text_of(response)
        assert not Comment.objects.exists()

    def test_old_pending_comments_are_deleted(self, story, post, settings):
        make_pending(story, submitted_at=timezone.now() - timedelta(days=8))
        post(story)
        assert PendingComment.objects.count() == 1

    @pytest.mark.parametrize("token", ["garbage", "a" * 300, "eyJ.tampered.sig", "eyJwIjo5OTk5OTk5fQ:1x:y"])
    def test_a_broken_link_says_so(self, client, db, token):
        response = client.get(f"/comments/confirm/{token}/")
        assert response.status_code == 400
        assert "This link does not work" in text_of(response)
        assert client.post(f"/comments/confirm/{token}/").status_code == 400

    def test_a_link_whose_comment_was_deleted_says_so(self, story, client):
        pending, link = make_pending(story)
        pending.delete()
        assert client.get(link).status_code == 400

    def test_a_mail_server_that_is_down_is_no_error_page(self, story, post, settings):
        locmem = settings.MAILERS
        settings.MAILERS = mailers_from_url("smtp://127.0.0.1:9?timeout=2")  # nothing listens there
        assert post(story).status_code == 302
        assert PendingComment.objects.get().mailed_at is None  # so the next comment asks again
        settings.MAILERS = locmem
        post(story, comment="Trying again.")
        assert len(mail.outbox) == 1
        assert re.search(r"/comments/confirm/\S+/", mail.outbox[0].body)
