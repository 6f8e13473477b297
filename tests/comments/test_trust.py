"""Who may skip the confirmation mail: only a browser that proved the address, never whoever knows it.

And names that pass for the newsroom's own people are held for a moderator.
"""

import pytest
from django.core import mail

from comments import moderating, views
from comments.models import Comment, HoldReason, PendingComment
from tests.comments.conftest import form_data, text_of
from tests.comments.helpers import confirm_link, make_comment, trust_cookie
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

FARAH = "farah.idris@example.net"
IMPOSTOR = "Newsroom Editor (official)"
ORDINARY = ["Ada Reader", "Staffan Berg", "Creditor Bob", "Badminton fan", "Admiral"]


@pytest.fixture
def farah(story):
    """A reader whose comments are published: her address is known to anyone who reads her mail headers."""
    return make_comment(ArticleFactory(live=True), user_name="Farah Idris", user_email=FARAH)


def on_story(story):
    return Comment.objects.for_story(story)


class TestKnowingAnAddressIsNotProof:
    def test_posting_under_a_known_address_without_proof_asks_for_confirmation(self, farah, story, post):
        response = post(story, follow=True, email="FARAH.IDRIS@example.net", name=IMPOSTOR)
        assert not on_story(story).exists()  # nothing published, nothing even held
        assert "we have sent a link to FARAH.IDRIS@example.net" in text_of(response)
        (message,) = mail.outbox
        assert message.to == [FARAH]
        assert PendingComment.objects.get().email == FARAH

    def test_with_this_browser_s_proof_it_is_published_at_once(self, farah, story, post, client):
        client.cookies[views.TRUST_COOKIE] = trust_cookie(FARAH)
        response = post(story, follow=True, email="Farah.Idris@example.net", name="Farah Idris")
        comment = on_story(story).get()
        assert comment.is_visible and comment.hold_reasons == []
        assert "your comment is published" in text_of(response)
        assert not mail.outbox

    @pytest.mark.parametrize(
        "cookie",
        [
            lambda: trust_cookie("someone.else@example.org"),  # proof of another address
            lambda: trust_cookie(FARAH)[:-2] + "xx",  # altered
            lambda: FARAH,  # not signed at all
        ],
    )
    def test_proof_of_another_address_or_a_forged_one_is_no_proof(self, farah, story, post, client, cookie):
        client.cookies[views.TRUST_COOKIE] = cookie()
        post(story, email=FARAH, name="Farah Idris")
        assert not on_story(story).exists() and PendingComment.objects.count() == 1

    def test_an_expired_proof_is_no_proof(self, farah, story, post, client, settings):
        client.cookies[views.TRUST_COOKIE] = trust_cookie(FARAH)
        settings.COMMENTS_TRUST_MAX_AGE = -1
        post(story, email=FARAH, name="Farah Idris")
        assert not on_story(story).exists() and PendingComment.objects.count() == 1

    def test_without_confirmation_mail_a_known_address_is_held(self, farah, story, post, settings):
        settings.COMMENTS_CONFIRM_EMAIL = False
        post(story, email=FARAH, name="Farah Idris")
        assert on_story(story).get().hold_reasons == [HoldReason.FIRST_TIME]


class TestConfirmingIsProof:
    def test_a_known_commenter_who_confirms_is_published_and_her_browser_remembered(
        self, farah, story, post, client
    ):
        post(story, email=FARAH, name="Farah Idris")
        response = client.post(confirm_link(mail.outbox[0]))
        comment = on_story(story).get()
        assert comment.is_visible and comment.hold_reasons == []
        cookie = response.cookies[views.TRUST_COOKIE]
        assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == "/comments/"
        assert cookie["max-age"] == 180 * 24 * 3600
        assert not cookie["secure"]  # this test server speaks plain HTTP
        mail.outbox.clear()
        post(story, email=FARAH, name="Farah Idris", comment="And one more thing.")
        assert on_story(story).count() == 2 and all(c.is_visible for c in on_story(story))
        assert not mail.outbox

    def test_the_cookie_is_secure_over_https(self, story, post, client):
        post(story)
        response = client.post(confirm_link(mail.outbox[0]), secure=True)
        assert response.cookies[views.TRUST_COOKIE]["secure"]

    def test_a_first_timer_who_confirmed_is_held_until_a_moderator_has_read_them(self, story, post, client):
        post(story)
        client.post(confirm_link(mail.outbox[0]))
        first = on_story(story).get()
        assert first.hold_reasons == [HoldReason.FIRST_TIME]
        post(story, comment="A second thought, while the first waits.")
        assert on_story(story).order_by("pk").last().hold_reasons == [HoldReason.FIRST_TIME]
        moderator = UserFactory(username="mod", role="Moderator")
        moderating.comment_moderate(comments=[first], action=moderating.APPROVE, moderator=moderator)
        post(story, comment="A third, once the first is published.")
        assert on_story(story).order_by("pk").last().is_visible

    def test_the_proof_never_reaches_a_cached_page(self, story, post, client):
        post(story)
        confirmed = client.post(confirm_link(mail.outbox[0]))
        assert "no-store" in confirmed["Cache-Control"] and "private" in confirmed["Cache-Control"]
        assert "Thank you" in text_of(client.get(story.get_absolute_url()))  # the notice, privately
        page = client.get(story.get_absolute_url())  # with the trust cookie, but nothing else
        assert client.cookies[views.TRUST_COOKIE].value
        assert "public" in page["Cache-Control"]
        assert views.TRUST_COOKIE not in page.cookies


class TestNamesThatPassForStaff:
    @pytest.mark.parametrize(
        "name",
        [
            "Newsroom Editor (official)",
            "The Newsroom",
            "ＥＤＩＴＯＲ",  # full-width letters
            "E.d.i.t.o.r Jane",
            "Editor-in-chief",
            "Site Admin",
            "ad\u200bmin",  # a zero-width space inside
            "Moderators",
            "Staff writer",
            "Officially Bob",
            "Édítor",
        ],
    )
    def test_is_held_with_its_own_reason(self, open_door, story, post, name):
        post(story, name=name)
        comment = on_story(story).get()
        assert comment.hold_reasons == [HoldReason.STAFF_NAME] and not comment.is_visible
        assert comment.hold_reason_labels() == ["Name looks like staff or the site"]

    def test_the_site_s_own_name(self, open_door, story, post):
        open_door.SITE_NAME = "The Harbour Times"
        post(story, name="Harbour-Times desk")
        assert on_story(story).get().hold_reasons == [HoldReason.STAFF_NAME]

    @pytest.mark.parametrize("name", ORDINARY)
    def test_ordinary_names_are_not(self, open_door, story, post, name):
        post(story, name=name)
        assert on_story(story).get().is_visible

    def test_signed_in_staff_are_not_held_for_their_own_name(self, open_door, story, client):
        editor = UserFactory(username="ed", first_name="Newsroom", last_name="Editor", role="Editor")
        client.force_login(editor)
        data = form_data(story)
        del data["name"], data["email"]
        client.get(story.get_absolute_url())  # sets the CSRF cookie
        data["csrfmiddlewaretoken"] = client.cookies["csrftoken"].value
        client.post("/comments/post/", data)
        comment = on_story(story).get()
        assert comment.user_name == "Newsroom Editor" and comment.is_visible

    def test_a_signed_in_reader_s_account_name_is_checked(self, open_door, story, client):
        reader = UserFactory(username="ed", first_name="Site", last_name="Editor", is_staff=False)
        client.force_login(reader)
        data = form_data(story)
        del data["name"], data["email"]
        client.get(story.get_absolute_url())
        data["csrfmiddlewaretoken"] = client.cookies["csrftoken"].value
        client.post("/comments/post/", data)
        assert on_story(story).get().hold_reasons == [HoldReason.STAFF_NAME]
