"""Issue 16: staff see a story's comments on the story page itself, held ones where they will stand.

`?moderation=1` on a story, for a signed-in user with comments.view_comment: every
comment in its place, held ones marked with their reasons and linked to the queue,
moderators' buttons that come back here. Anyone else gets the page as readers see it.
Nothing of it (nor the moderation bar) ever reaches a cache another reader is served from.
"""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.page_keys import page_key
from comments import moderating
from comments.models import Comment, CommenterRule
from comments.templatetags.story_comments import MODERATION
from tests.comments.conftest import text_of
from tests.comments.helpers import make_comment
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HELD_TEXT = "The harbour master said the silt would go north, not south."
MARK = "Your comment is awaiting moderation."


def client_for(role: str | None) -> Client:
    client = Client()
    if role == "Reader":  # signed in, but no role at all
        client.force_login(UserFactory(is_staff=False))
    elif role:
        client.force_login(UserFactory(role=role))
    return client


def staff_view(story) -> str:
    return f"{story.get_absolute_url()}?{MODERATION}=1"


def held_comment(story, **fields) -> Comment:
    return make_comment(
        story, is_public=False, comment=HELD_TEXT, hold_reasons=["first_time"], user_name="Ivy Held", **fields
    )


def item(html: str, pk: int) -> str:
    """Comment `pk`'s list item, up to its replies (or its end)."""
    start = html.rindex("<li", 0, html.index(f'id="c{pk}"'))
    end = html.find('<ol class="comment-replies">', start)
    return html[start : end if end != -1 else html.index("</li>", start)]


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",")}


@pytest.fixture
def fragments(settings):
    """Both caches on, as in production."""
    settings.NEWSROOM_PAGE_CACHE = True
    settings.NEWSROOM_FRAGMENT_CACHE = True
    return settings


class TestTheStaffView:
    def test_a_moderator_sees_a_held_comment_in_its_place_marked_with_buttons(self, story):
        first = make_comment(story, comment="The first thread.")
        comment = held_comment(story, parent_id=first.pk)
        make_comment(story, comment="A later thread.")
        response = client_for("Moderator").get(staff_view(story))
        html = response.content.decode()
        assert response.status_code == 200
        mine = item(html, comment.pk)
        assert HELD_TEXT in mine and "staff-held" in mine
        assert re.search(r"<strong>Held</strong>: First-time commenter", mine)
        # Under its parent, before the later thread: where it will stand once approved.
        assert html.index("The first thread.") < html.index(HELD_TEXT) < html.index("A later thread.")
        assert f'href="/admin/comments/comment/{comment.pk}/' in mine  # its thread in the queue
        forms = re.findall(r'<form class="mod-form" method="post" action="([^"]+)">(.*?)</form>', mine, re.S)
        actions = [url for url, _ in forms]
        assert actions == [
            reverse("admin:comments_comment_moderate", args=[comment.pk, action])
            for action in ("approve", "remove", "spam")
        ]
        for _, body in forms:
            assert 'name="csrfmiddlewaretoken"' in body
            assert f'name="next" value="{staff_view(story)}#c{comment.pk}"' in unescape(body)
        # A held comment takes no reader's reply or report.
        assert "reply-link" not in mine and "report-link" not in mine

    def test_an_editor_sees_the_marks_but_no_buttons(self, story):
        comment = held_comment(story)
        html = client_for("Editor").get(staff_view(story)).content.decode()
        mine = item(html, comment.pk)
        assert HELD_TEXT in mine and "First-time commenter" in mine
        assert "mod-form" not in html and "/moderate/" not in html

    @pytest.mark.parametrize("role", [None, "Reader", "Reporter"])
    def test_anyone_else_gets_the_page_as_readers_see_it(self, story, role):
        comment = held_comment(story)
        make_comment(story, comment="A published comment.")
        response = client_for(role).get(staff_view(story))
        page = text_of(response)
        assert response.status_code == 200
        assert "A published comment." in page
        assert HELD_TEXT not in page and f'id="c{comment.pk}"' not in response.content.decode()
        assert "Moderation" not in page and "mod-" not in response.content.decode()

    def test_removed_and_spam_comments_stand_as_placeholders(self, story):
        removed = make_comment(story, is_removed=True, comment="Removed words.", user_name="Rae Gone")
        spam = make_comment(story, is_removed=True, is_spam=True, comment="Buy pills.", user_name="Spam Bot")
        html = client_for("Moderator").get(staff_view(story)).content.decode()
        assert "Removed words." not in html and "Buy pills." not in html  # placeholders, not the text
        assert re.search(r"<strong>Removed</strong> · a comment by Rae Gone", item(html, removed.pk))
        assert re.search(r"<strong>Spam</strong> · a comment by Spam Bot", item(html, spam.pk))
        assert reverse("admin:comments_comment_moderate", args=[spam.pk, "not_spam"]) in item(html, spam.pk)
        reader = Client().get(story.get_absolute_url()).content.decode()
        assert f'id="c{removed.pk}"' not in reader and f'id="c{spam.pk}"' not in reader

    def test_approving_from_it_comes_back_to_it_and_publishes(self, story):
        comment = held_comment(story)
        moderator = client_for("Moderator")
        next_url = f"{staff_view(story)}#c{comment.pk}"
        url = reverse("admin:comments_comment_moderate", args=[comment.pk, "approve"])
        response = moderator.post(url, {"next": next_url})
        assert response.status_code == 302 and response["Location"] == next_url
        page = moderator.get(next_url.split("#")[0])
        assert "Comment approved." in text_of(page)
        assert "staff-held" not in item(page.content.decode(), comment.pk)
        assert HELD_TEXT in text_of(Client().get(story.get_absolute_url()))

    def test_the_links_to_other_pages_of_threads_keep_the_staff_view(self, story, settings):
        settings.COMMENTS_PER_PAGE = 2
        for n in range(2):
            make_comment(story, comment=f"Thread {n} opens.")
        held_comment(story)  # a third thread, held: staff count it, readers do not
        html = client_for("Moderator").get(staff_view(story)).content.decode()
        links = re.findall(r'<p class="more-comments"><a href="([^"]+)"', html)
        assert links and parse_qs(urlsplit(unescape(links[0])).query) == {
            "comments": ["2"],
            MODERATION: ["1"],
        }
        assert "more-comments" not in Client().get(story.get_absolute_url()).content.decode()

    def test_its_query_count_does_not_grow_with_the_comments(self, story):
        moderator = client_for("Moderator")

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                assert moderator.get(staff_view(story)).status_code == 200
            return len(captured.captured_queries)

        for _ in range(3):
            parent = make_comment(story)
            held_comment(story, parent_id=parent.pk)
        queries()  # the first request fills what the process keeps (content types, …)
        few = queries()
        for n in range(40):
            parent = make_comment(story, is_removed=n % 3 == 0)
            held_comment(story, parent_id=parent.pk)
            make_comment(story, is_removed=True, is_spam=True)
        assert queries() == few


class TestNothingReachesACache:
    def test_the_staff_view_is_private_and_never_kept(self, story, fragments):
        held_comment(story)
        key = page_key(story.get_absolute_url(), {}, ("comments",))
        Client().get(story.get_absolute_url())
        kept = cache.get(key)
        assert kept is not None
        response = client_for("Moderator").get(staff_view(story))
        assert HELD_TEXT in text_of(response)
        assert {"private", "no-cache"} <= cache_control(response) and "public" not in cache_control(response)
        assert cache.get(key) == kept

    @pytest.mark.parametrize("page_cache", [True, False])
    def test_a_reader_after_a_staff_view_never_sees_a_held_comment(self, story, fragments, page_cache):
        fragments.NEWSROOM_PAGE_CACHE = page_cache
        held_comment(story)
        make_comment(story, comment="A published comment.")
        moderator = client_for("Moderator")
        for address in (staff_view(story), story.get_absolute_url()):
            assert "A published comment." in text_of(moderator.get(address))
        assert HELD_TEXT in text_of(moderator.get(staff_view(story)))
        for address in (
            story.get_absolute_url(),
            staff_view(story),
            f"{story.get_absolute_url()}?comments=1",
        ):
            for reader in (Client(), client_for("Reader")):
                page = text_of(reader.get(address))
                assert "A published comment." in page
                assert HELD_TEXT not in page and "First-time commenter" not in page

    def test_the_staff_view_is_not_read_from_the_fragment_a_reader_left(self, story, fragments):
        held_comment(story)
        fragments.NEWSROOM_PAGE_CACHE = False
        Client().get(story.get_absolute_url())  # the readers' threads now sit in the fragment cache
        assert HELD_TEXT in text_of(client_for("Moderator").get(staff_view(story)))


class TestTheModerationBar:
    def test_staff_see_how_many_wait_and_the_links(self, story):
        held_comment(story)
        held_comment(story)
        reported = make_comment(story)
        reported.reports.create(reporter_key="ip:x", reason="abuse")
        make_comment(story)
        html = client_for("Editor").get(story.get_absolute_url()).content.decode()
        bar = html[
            html.index('<nav class="mod-bar"') : html.index("</nav>", html.index('<nav class="mod-bar"'))
        ]
        assert "Moderation: <strong>3 waiting</strong> on this story" in bar
        queue = reverse("admin:comments_comment_changelist")
        assert f'href="{queue}?story={story.pk}">Queue for this story</a>' in bar
        assert f'href="{queue}?section={story.section.slug}">Queue for {story.section.name}</a>' in bar
        assert f'href="{staff_view(story)}#comments">Show held comments</a>' in unescape(bar)
        # The ordinary page shows no held comment, even to staff.
        assert HELD_TEXT not in text_of(client_for("Moderator").get(story.get_absolute_url()))

    def test_in_the_staff_view_it_leads_back_to_the_readers_view(self, story):
        html = client_for("Moderator").get(staff_view(story)).content.decode()
        assert "Staff view:" in html and "Show the page as readers see it" in html

    @pytest.mark.parametrize("page_cache", [True, False])
    def test_it_is_never_in_a_cached_page_or_fragment(self, story, fragments, page_cache):
        fragments.NEWSROOM_PAGE_CACHE = page_cache
        held_comment(story)
        make_comment(story, comment="A published comment.")
        Client().get(story.get_absolute_url())  # a reader first: page and fragment kept
        staff = client_for("Moderator")
        assert "mod-bar" in staff.get(story.get_absolute_url()).content.decode()
        assert "mod-bar" in staff.get(story.get_absolute_url()).content.decode()  # twice: from the fragment
        for reader in (Client(), client_for("Reader"), client_for("Reporter")):
            html = reader.get(story.get_absolute_url()).content.decode()
            assert "A published comment." in html
            assert "mod-bar" not in html and "Moderation:" not in html and "waiting" not in html

    def test_no_bar_on_the_staff_preview(self, story):
        html = client_for("Editor").get(reverse("articles:preview", args=[story.pk])).content.decode()
        assert "mod-bar" not in html


class TestOnSite:
    def url(self, comment) -> str:
        return reverse("admin:comments_comment_on_site", args=[comment.pk])

    @pytest.mark.parametrize("role", ["Moderator", "Editor"])
    def test_it_leads_staff_to_the_comment_in_the_staff_view(self, story, role):
        comment = held_comment(story)
        response = client_for(role).get(self.url(comment))
        assert response.status_code == 302
        assert response["Location"] == f"{staff_view(story)}#c{comment.pk}"

    def test_on_a_later_page_counting_held_threads(self, story, settings):
        settings.COMMENTS_PER_PAGE = 2
        held_comment(story)  # held threads count: staff see them
        make_comment(story)
        last = make_comment(story)
        location = client_for("Moderator").get(self.url(last))["Location"]
        assert location == f"{story.get_absolute_url()}?comments=2&{MODERATION}=1#c{last.pk}"
        html = client_for("Moderator").get(location).content.decode()
        assert f'id="c{last.pk}"' in html

    def test_others_are_refused(self, story):
        comment = held_comment(story)
        assert client_for("Reporter").get(self.url(comment)).status_code == 403
        assert client_for("Reader").get(self.url(comment)).status_code in (302, 403)
        anonymous = Client().get(self.url(comment))
        assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]

    def test_a_missing_comment_is_a_404(self, story):
        assert client_for("Moderator").get("/admin/comments/comment/999999/on-site/").status_code == 404

    def test_the_change_page_view_on_site_uses_it(self, story):
        comment = held_comment(story)
        html = client_for("Moderator").get(reverse("admin:comments_comment_change", args=[comment.pk]))
        assert f'<a href="{self.url(comment)}" class="viewsitelink">' in html.content.decode()


class TestABannedCommentLooksHeldToItsAuthor:
    def test_through_the_redirect_after_posting(self, story, post, settings):
        settings.COMMENTS_CONFIRM_EMAIL = False
        moderating.commenter_rule_create(
            kind=CommenterRule.Kind.BAN,
            match="email",
            value="ada@example.org",
            moderator=UserFactory(role="Moderator"),
        )
        make_comment(story, comment="Earlier words.")
        response = post(story)
        assert response.status_code == 302
        comment = Comment.objects.get(user_email="ada@example.org")
        assert comment.is_spam and comment.hold_reasons == ["banned"]
        location = response["Location"]
        assert urlsplit(location).fragment == f"c{comment.pk}" and "held" in parse_qs(
            urlsplit(location).query
        )
        html = Client().get(location).content.decode()
        mine = item(html, comment.pk)
        assert MARK in mine and "The dredging plan" in mine and "comment-awaiting" in mine
        assert "banned" not in mine.lower() and "spam" not in mine.lower()  # not told
        for address in (story.get_absolute_url(), location.replace("held=", "other=")):
            page = text_of(Client().get(address))
            assert "The dredging plan" not in page and MARK not in page

    def test_once_removed_or_not_spam_it_is_as_for_anyone(self, story, post, settings):
        settings.COMMENTS_CONFIRM_EMAIL = False
        moderator = UserFactory(role="Moderator")
        moderating.commenter_rule_create(
            kind="ban", match="email", value="ada@example.org", moderator=moderator
        )
        location = post(story)["Location"]
        comment = Comment.objects.get(user_email="ada@example.org")
        moderating.comment_moderate(comments=[comment], action="not_spam", moderator=moderator)
        comment.refresh_from_db()
        moderating.comment_moderate(comments=[comment], action="remove", moderator=moderator)
        assert "The dredging plan" not in text_of(Client().get(location))
