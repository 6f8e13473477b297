"""Every `next` the site follows stays on the site, whatever a link or a form carries.

The places that read a redirect target from the request: the admin's sign-in and
sign-out (Django's views, with LOGIN_REDIRECT_URL as the fallback) and the comment
moderation buttons (comments/admin.py). Reader forms (comments, newsletter) carry
no `next` at all; their redirects are built by the server.
"""

from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from tests.comments.helpers import make_comment
from tests.factories import ArticleFactory, UserFactory

HOSTILE = [
    "https://evil.example/",
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    "%2F%2Fevil.example",
    "/admin/\r\nSet-Cookie: pwned=1",
    "http://testserver@evil.example/",
    " //evil.example",
    "\x00//evil.example",
    "https://testserver.evil.example/",
]


def same_site(location: str, *, base: str = "http://testserver/admin/") -> bool:
    """A Location every browser resolves to this site (browsers read "\\" as "/" and drop CR/LF/tab)."""
    if any(c in location for c in "\r\n\t\\") or not location.isprintable():
        return False
    parts = urlsplit(urljoin(base, location))
    return parts.scheme in ("http", "https") and parts.netloc == "testserver"


@pytest.fixture
def editor(db):
    return UserFactory(username="editor", role="Editor")


@pytest.mark.parametrize("target", HOSTILE)
def test_sign_in_never_sends_the_browser_off_site(editor, target):
    client = Client()
    response = client.post(
        "/admin/login/?next=" + target.replace("\r\n", "%0D%0A"),
        {"username": "editor", "password": "a-long-test-password", "next": target},
    )
    assert response.status_code == 302
    assert same_site(response["Location"]), response["Location"]
    assert "Set-Cookie: pwned" not in str(response.serialize_headers())


def test_sign_in_follows_a_next_on_the_site(editor):
    response = Client().post(
        "/admin/login/", {"username": "editor", "password": "a-long-test-password", "next": "/admin/taggit/"}
    )
    assert response["Location"] == "/admin/taggit/"


def test_a_refused_next_lands_on_the_admin_front_page(editor):
    response = Client().post(
        "/admin/login/",
        {"username": "editor", "password": "a-long-test-password", "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("admin:index")


@pytest.mark.parametrize("target", HOSTILE)
def test_sign_out_never_sends_the_browser_off_site(editor, target):
    client = Client()
    client.force_login(editor)
    response = client.post("/admin/logout/", {"next": target})
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert same_site(response["Location"]), response["Location"]
    assert client.get("/admin/").status_code == 302  # signed out either way


def test_a_secure_sign_in_does_not_follow_a_plain_http_next(editor):
    response = Client().post(
        "/admin/login/",
        {"username": "editor", "password": "a-long-test-password", "next": "http://testserver/admin/taggit/"},
        secure=True,
    )
    assert response["Location"] == reverse("admin:index")


# --- the moderators' buttons ----------------------------------------------------------------


@pytest.fixture
def moderator_client(db):
    client = Client()
    client.force_login(UserFactory(username="moderator", role="Moderator"))
    return client


@pytest.fixture
def held(db):
    story = ArticleFactory(live=True)
    return make_comment(story, is_public=False, hold_reasons=["first_time"])


@pytest.mark.parametrize("target", HOSTILE)
def test_a_moderation_button_never_sends_the_moderator_off_site(moderator_client, held, target):
    url = reverse("admin:comments_comment_moderate", args=[held.pk, "approve"])
    response = moderator_client.post(url, {"next": target})
    assert response.status_code == 302
    assert same_site(response["Location"]), response["Location"]
    assert Comment.objects.get(pk=held.pk).is_public  # the decision itself was taken


def test_a_moderation_button_goes_back_to_the_filtered_list(moderator_client, held):
    back = reverse("admin:comments_comment_changelist") + "?status=waiting"
    url = reverse("admin:comments_comment_moderate", args=[held.pk, "approve"])
    assert moderator_client.post(url, {"next": back})["Location"] == back
