"""Issue 15: after posting, the reader sees their own held comment in place, from a signed address.

As WordPress does (`?unapproved=…&moderation-hash=…`): the redirect names the held
comment(s) in a signed `?held=` value; the story page shows them where they will
stand, marked "Your comment is awaiting moderation.", to whoever has that address
for a day, and is never cached whole or in its thread fragment.
"""

import re
import time
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.core import signing
from django.core.cache import cache
from django.test import Client

from articles.page_keys import page_key
from comments import held
from comments.models import Comment
from tests.comments.conftest import text_of
from tests.comments.helpers import make_comment, make_pending
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

MARK = "Your comment is awaiting moderation."
TEXT = "The dredging plan leaves out the silt from the north basin."


@pytest.fixture
def holding(settings):
    """No confirmation mail; a first-time commenter is held for a moderator."""
    settings.COMMENTS_CONFIRM_EMAIL = False
    settings.COMMENTS_HOLD_FIRST_TIME = True
    return settings


def held_address(response) -> str:
    assert response.status_code == 302, response.status_code
    return response["Location"]


def item(html: str, pk: int) -> str:
    """The markup of comment `pk`'s list item up to its first reply (or its end)."""
    start = html.rindex("<li", 0, html.index(f'id="c{pk}"'))
    return html[start : html.index("</article>", start)]


class TestTheAuthorSeesIt:
    def test_the_redirect_names_it_signed_and_lands_on_it(self, holding, story, post):
        location = held_address(post(story))
        comment = Comment.objects.get()
        path, query, fragment = (
            urlsplit(location).path,
            parse_qs(urlsplit(location).query),
            urlsplit(location).fragment,
        )
        assert path == story.get_absolute_url() and fragment == f"c{comment.pk}"
        assert held.held_ids(query["held"][0]) == {comment.pk}
        assert "posted" not in query

    def test_the_page_shows_it_in_place_marked_and_uncached(self, holding, story, post):
        make_comment(story, user_name="Bo Keeper", comment="Earlier words.")
        location = held_address(post(story))
        comment = Comment.objects.get(user_email="ada@example.org")
        assert not comment.is_visible
        page = Client().get(location)  # another browser, no cookies: the address is all it takes
        html = page.content.decode()
        mine = item(html, comment.pk)
        assert MARK in mine and TEXT in mine and "comment-awaiting" in mine
        assert "report-link" not in mine and "reply-link" not in mine  # a held comment takes neither
        assert html.index("Earlier words.") < html.index(TEXT)  # where it will stand: after the older thread
        assert {"private", "no-cache"} <= {part.strip() for part in page["Cache-Control"].split(",")}
        assert "public" not in page["Cache-Control"]

    def test_a_held_reply_stands_under_its_parent(self, holding, story, post):
        parent = make_comment(story, user_name="Bo Keeper")
        location = held_address(post(story, reply_to=parent.pk))
        reply = Comment.objects.get(user_email="ada@example.org")
        html = Client().get(location).content.decode()
        replies = html[html.index(f'id="c{parent.pk}"') :]
        assert re.search(
            rf'<ol class="comment-replies"><li class="comment depth-1 comment-awaiting" id="c{reply.pk}"',
            replies,
        )

    def test_the_address_is_neither_served_from_nor_kept_in_the_caches(self, holding, story):
        mine = make_comment(story, is_public=False, comment=TEXT)
        key = page_key(story.get_absolute_url(), {}, ("comments",))
        assert TEXT not in text_of(Client().get(story.get_absolute_url()))
        kept = cache.get(key)
        assert kept is not None  # the page as everyone sees it, current: it would be served next
        address = f"{story.get_absolute_url()}?held={held.held_value([mine.pk])}"
        for _ in range(2):  # neither the cached page nor a copy of itself
            page = Client().get(address)
            assert MARK in item(page.content.decode(), mine.pk)
        assert cache.get(key) == kept  # nothing stored over it
        assert TEXT not in text_of(Client().get(story.get_absolute_url()))
        assert TEXT not in text_of(Client().get(story.get_absolute_url() + "?comments=1"))

    def test_other_readers_never_see_it(self, holding, story, post, settings):
        held_address(post(story))
        for page_cache in (True, False):
            settings.NEWSROOM_PAGE_CACHE = page_cache
            page = text_of(Client().get(story.get_absolute_url()))
            assert TEXT not in page and MARK not in page

    def test_on_a_later_page_of_threads_it_lands_there(self, holding, story, post):
        holding.COMMENTS_PER_PAGE = 2
        for n in range(3):
            make_comment(story, comment=f"Thread {n} opens.")
        location = held_address(post(story))
        assert parse_qs(urlsplit(location).query)["comments"] == ["2"]
        page = text_of(Client().get(location))
        assert "Thread 2 opens." in page and TEXT in page and "Thread 0 opens." not in page

    def test_the_links_to_other_pages_of_threads_keep_it_in_view(self, holding, story, post):
        holding.COMMENTS_PER_PAGE = 2
        for n in range(4):
            make_comment(story, comment=f"Thread {n} opens.")
        location = held_address(post(story))
        value = parse_qs(urlsplit(location).query)["held"][0]
        html = Client().get(location).content.decode()
        links = re.findall(r'<p class="more-comments"><a href="([^"]+)"', html)
        assert links and all(parse_qs(urlsplit(unescape(link)).query)["held"] == [value] for link in links)
        assert all(TEXT not in text_of(Client().get(unescape(link).replace(value, "x"))) for link in links)

    def test_once_approved_it_shows_as_everyone_sees_it(self, holding, story, post):
        location = held_address(post(story))
        Comment.objects.update(is_public=True)
        page = Client().get(location).content.decode()
        assert TEXT in page and MARK not in page

    def test_once_removed_it_is_gone_for_its_author_too(self, holding, story, post):
        location = held_address(post(story))
        Comment.objects.update(is_removed=True)
        assert TEXT not in text_of(Client().get(location))


class TestWhatTheAddressCannotDo:
    def test_a_bad_signature_shows_the_normal_page(self, holding, story, post):
        location = held_address(post(story))
        comment = Comment.objects.get()
        forged = signing.dumps([comment.pk], salt="another.salt")
        for value in (
            forged,
            "garbage",
            location.split("held=")[1].split("#")[0][:-3] + "abc",
            str(comment.pk),
        ):
            response = Client().get(f"{story.get_absolute_url()}?held={value}")
            assert response.status_code == 200
            assert TEXT not in text_of(response) and MARK not in text_of(response)

    def test_an_expired_address_shows_the_normal_page(self, holding, story, post):
        location = held_address(post(story))
        with time_machine.travel(time.time() + held.HELD_MAX_AGE + 60):
            response = Client().get(location)
        assert response.status_code == 200 and TEXT not in text_of(response)

    def test_a_comment_of_another_story_is_not_shown_here(self, holding, story):
        other = ArticleFactory(live=True)
        theirs = make_comment(other, is_public=False, comment="Held on another story.")
        value = held.held_value([theirs.pk])
        assert "Held on another story." not in text_of(
            Client().get(f"{story.get_absolute_url()}?held={value}")
        )
        assert "Held on another story." in text_of(Client().get(f"{other.get_absolute_url()}?held={value}"))

    def test_only_the_comments_it_names(self, holding, story):
        mine = make_comment(story, is_public=False, comment="Mine, held.")
        make_comment(story, is_public=False, comment="Someone else's, held.")
        page = text_of(Client().get(f"{story.get_absolute_url()}?held={held.held_value([mine.pk])}"))
        assert "Mine, held." in page and "Someone else's, held." not in page

    @pytest.mark.parametrize(
        "value", [signing.dumps({"a": 1}, salt=held.SALT), signing.dumps(["1", True], salt=held.SALT)]
    )
    def test_a_signed_value_of_another_shape_names_nothing(self, value):
        assert held.held_ids(value) == frozenset()


class TestAfterTheConfirmationMail:
    def test_a_held_comment_is_shown_the_same_way(self, settings, story, client):
        settings.COMMENTS_HOLD_FIRST_TIME = True
        pending, link = make_pending(story, text="Confirmed, then held for a moderator.")
        response = client.post(link)
        comment = Comment.objects.get()
        assert not comment.is_visible
        location = response["Location"]
        assert urlsplit(location).fragment == f"c{comment.pk}"
        page = Client().get(location).content.decode()
        assert MARK in item(page, comment.pk) and "Confirmed, then held" in item(page, comment.pk)

    def test_several_held_comments_are_all_shown(self, settings, story, client):
        settings.COMMENTS_HOLD_FIRST_TIME = True
        first, link = make_pending(story, text="First held words.", browser="one-browser")
        make_pending(story, email=first.email, text="Second held words.", browser="one-browser")
        location = client.post(link)["Location"]
        assert held.held_ids(parse_qs(urlsplit(location).query)["held"][0]) == set(
            Comment.objects.values_list("pk", flat=True)
        )
        page = text_of(Client().get(location))
        assert "First held words." in page and "Second held words." in page
        assert page.count(MARK) == 2
