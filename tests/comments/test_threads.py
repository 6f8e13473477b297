"""Threads as readers see them: nesting, depth, placeholders, pages of threads, a fixed query count."""

import re

import pytest
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments import moderating, services, tokens
from comments.models import Comment
from tests.comments.conftest import form_data, text_of
from tests.comments.helpers import make_comment
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def add(article, parent=None, name="Reader", text="A comment.", **fields):
    """A comment saved as the posting service saves it (visible unless told otherwise)."""
    email = f"{name.lower().replace(' ', '.')}@example.org"
    return make_comment(
        article,
        user_name=name,
        user_email=email,
        comment=text,
        parent_id=parent.pk if parent else 0,
        **fields,
    )


def li(page: str, comment) -> str:
    """The HTML of one comment's <li>, children included."""
    start = page.rindex("<li", 0, page.index(f'id="c{comment.pk}"'))
    return page[start:]


class TestNesting:
    def test_replies_nest_under_their_parent(self, client, story):
        top = add(story, name="Ann", text="Top comment.")
        reply = add(story, parent=top, name="Ben", text="A reply.")
        page = client.get(story.get_absolute_url()).content.decode()
        own = li(page, top)
        assert own.index('class="comment-replies"') < own.index(f'id="c{reply.pk}"')
        assert 'class="comment depth-1"' in page

    def test_reply_links_nest_above_the_last_level_and_sit_beside_at_it(self, client, story, settings):
        settings.COMMENTS_MAX_DEPTH = 3
        top = add(story, name="Ann")
        middle = add(story, parent=top, name="Ben")
        deepest = add(story, parent=middle, name="Cat")
        page = client.get(story.get_absolute_url()).content.decode()
        link = re.compile(r'href="/comments/(\d+)/reply/" data-reply-to="(\d+)" data-replied-to="(\d*)"')
        found = {int(pk): (int(to), replied) for pk, to, replied in link.findall(page)}
        assert found[top.pk] == (top.pk, "")
        assert found[middle.pk] == (middle.pk, "")
        assert found[deepest.pk] == (middle.pk, str(deepest.pk))

    def test_a_reply_at_the_last_level_shows_whom_it_answers(self, open_door, client, story, post):
        top = add(story, name="Ann")
        middle = add(story, parent=top, name="Ben")
        deepest = add(story, parent=middle, name="Cat")
        response = post(story, reply_to=middle.pk, replied_to=deepest.pk, name="Dan", email="dan@example.org")
        assert response.status_code == 302
        answer = Comment.objects.get(user_name="Dan")
        assert (answer.level, answer.parent_id, answer.replied_to_id) == (2, middle.pk, deepest.pk)
        page = client.get(story.get_absolute_url()).content.decode()
        assert "in reply to Cat" in li(page, answer)
        assert 'class="comment depth-2"' in li(page, answer)[:80]

    def test_replied_to_must_be_a_child_of_the_parent(self, open_door, story, post):
        top = add(story, name="Ann")
        other_top = add(story, name="Eve")
        response = post(story, reply_to=top.pk, replied_to=other_top.pk)
        assert response.status_code == 400
        assert "not available for replies" in text_of(response)

    def test_deeper_threads_show_flat_at_the_last_level(self, client, story, settings):
        """Imported conversations can be deeper than the form allows; they stay readable."""
        settings.COMMENTS_MAX_DEPTH = 3
        chain = [add(story, name="Level 0")]
        for level in range(1, 7):
            chain.append(add(story, parent=chain[-1], name=f"Level {level}"))
        page = client.get(story.get_absolute_url()).content.decode()
        for comment in chain[3:]:
            own = li(page, comment)[:120]
            assert "depth-2" in own
        assert "in reply to Level 4" in li(page, chain[5])
        assert page.count('class="comment-replies"') == 2
        assert f'href="/comments/{chain[6].pk}/reply/"' not in page  # too deep to answer

    def test_a_removed_comment_with_replies_leaves_a_placeholder(self, client, story):
        top = add(story, name="Ann", text="Rude words.")
        add(story, parent=top, name="Ben", text="Calm reply stays.")
        Comment.objects.filter(pk=top.pk).update(is_removed=True)
        page = text_of(client.get(story.get_absolute_url()))
        assert "This comment was removed." in page
        assert "Rude words." not in page and "Calm reply stays." in page

    def test_hidden_comments_without_visible_replies_leave_no_trace(self, client, story):
        add(story, name="Ann", text="Held text.", is_public=False)
        spam = add(story, name="Spammer", text="Spam text.")
        Comment.objects.filter(pk=spam.pk).update(is_removed=True, is_spam=True)
        page = text_of(client.get(story.get_absolute_url()))
        assert "Held text." not in page and "Spam text." not in page
        assert "This comment was removed." not in page

    def test_the_reply_page_works_without_javascript(self, open_door, client, story, post):
        top = add(story, name="Ann", text="Top comment.")
        page = client.get(f"/comments/{top.pk}/reply/")
        assert page.status_code == 200
        html = page.content.decode()
        assert f'name="reply_to" value="{top.pk}"' in html
        assert "Reply to Ann" in html

    @pytest.mark.parametrize("path", ["/comments/999999/reply/", "/comments/999999/report/"])
    def test_missing_comments_are_not_found(self, client, db, path):
        assert client.get(path).status_code == 404

    def test_held_comments_take_no_replies_or_reports(self, client, story):
        held = add(story, is_public=False)
        assert client.get(f"/comments/{held.pk}/reply/").status_code == 404
        assert client.get(f"/comments/{held.pk}/report/").status_code == 404


class TestClosing:
    def test_the_editors_switch_closes_comments_visibly(self, client, db):
        story = ArticleFactory(live=True, comments_open=False)
        add(story, name="Ann", text="Before closing.")
        page = client.get(story.get_absolute_url()).content.decode()
        assert "Comments are closed." in page
        assert 'id="comment-form"' not in page and "reply-link" not in page
        assert "Before closing." in page

    def test_comments_close_by_themselves_after_n_days(self, client, db, settings):
        from datetime import timedelta

        settings.COMMENTS_CLOSE_AFTER_DAYS = 10
        old = ArticleFactory(live=True, published_at=timezone.now() - timedelta(days=11))
        recent = ArticleFactory(live=True, published_at=timezone.now() - timedelta(days=9))
        assert "Comments are closed." in text_of(client.get(old.get_absolute_url()))
        assert 'id="comment-form"' in client.get(recent.get_absolute_url()).content.decode()


class TestLargeThreads:
    def make_threads(self, story, threads: int, replies_each: int):
        for n in range(threads):
            top = add(story, name=f"Reader {n}", text=f"Thread {n} opens.")
            parent = top
            for r in range(replies_each):
                reply = add(story, parent=parent if r % 2 == 0 else top, name=f"Replier {n}-{r}")
                parent = reply if reply.level < 2 else top

    def test_the_first_50_threads_then_a_link_for_more(self, client, story):
        self.make_threads(story, 55, 0)
        services.comments_recount(article_pks=[story.pk])
        page = client.get(story.get_absolute_url()).content.decode()
        assert "Thread 49 opens." in page and "Thread 50 opens." not in page
        # The story's own address: the story page also answers a refused post, at /comments/post/.
        assert f'href="{story.get_absolute_url()}?comments=2#comments">More comments</a>' in page
        second = client.get(story.get_absolute_url() + "?comments=2").content.decode()
        assert "Thread 50 opens." in second and "Thread 54 opens." in second
        assert "Thread 49 opens." not in second and "More comments" not in second

    @pytest.mark.parametrize("value", ["0", "abc", "-1", "3", "99999999999"])
    def test_bad_comment_pages_are_not_found(self, client, story, value):
        self.make_threads(story, 3, 0)
        assert client.get(story.get_absolute_url() + f"?comments={value}").status_code == 404

    def test_the_story_page_query_count_is_the_same_with_500_comments(self, client, story, settings):
        nothing_kept = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
        settings.CACHES = {"default": nothing_kept, "template_fragments": nothing_kept}
        add(story, name="Only one")
        with CaptureQueriesContext(connection) as few:
            assert client.get(story.get_absolute_url()).status_code == 200
        self.make_threads(story, 100, 4)  # 100 threads + 400 replies, nested to the last level
        assert Comment.objects.count() == 501
        services.comments_recount(article_pks=[story.pk])
        with CaptureQueriesContext(connection) as many:
            response = client.get(story.get_absolute_url())
        assert response.status_code == 200
        # The page shows 50 threads: the single comment, then 49 threads of five.
        assert response.content.decode().count('class="comment ') == 1 + 49 * 5
        assert len(many) == len(few)
        assert len(many) <= 12


class TestNotifications:
    def test_a_reply_mails_the_author_who_asked_with_a_mute_link(
        self, open_door, client, story, post, mailoutbox
    ):
        top = add(story, name="Ann", followup=True)
        post(story, reply_to=top.pk, name="Ben", email="ben@example.org", comment="I disagree, politely.")
        (message,) = mailoutbox
        assert message.to == ["ann@example.org"]
        assert message.body.startswith("Hello,\n")  # no name typed into a form greets the address
        assert "Ben replied to your comment" in message.body and "I disagree, politely." in message.body
        mute = re.search(r"https?://\S+(/comments/mute/\S+/)", message.body).group(1)
        assert message.extra_headers["List-Unsubscribe"].endswith(mute + ">")
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        response = client.post(mute)
        assert response.status_code == 200 and "No more reply notifications" in text_of(response)
        assert not Comment.objects.get(pk=top.pk).followup
        mailoutbox.clear()
        post(story, reply_to=top.pk, name="Cal", email="cal@example.org", comment="Another reply.")
        assert not mailoutbox

    def test_no_mail_without_the_box_ticked_or_to_oneself(self, open_door, story, post, mailoutbox):
        quiet = add(story, name="Ann", followup=False)
        post(story, reply_to=quiet.pk, name="Ben", email="ben@example.org")
        loud = add(story, name="Cat", followup=True)
        post(story, reply_to=loud.pk, name="Cat", email="cat@example.org", comment="Answering myself.")
        assert not mailoutbox

    def test_a_held_reply_mails_nobody_until_approved(
        self, settings, story, post, mailoutbox, db, django_capture_on_commit_callbacks
    ):
        from tests.factories import UserFactory

        settings.COMMENTS_CONFIRM_EMAIL = False
        top = add(story, name="Ann", followup=True)
        post(story, reply_to=top.pk, name="Newcomer", email="new@example.org")
        assert not [m for m in mailoutbox if m.to == ["ann@example.org"]]
        moderator = UserFactory(username="mod", role="Moderator")
        held = Comment.objects.get(user_name="Newcomer")
        with django_capture_on_commit_callbacks(execute=True):
            moderating.comment_moderate(comments=[held], action=moderating.APPROVE, moderator=moderator)
        assert [m.to for m in mailoutbox if m.to != ["mod@example.org"]] == [
            ["ann@example.org"],
            ["new@example.org"],
        ]
        assert "Your comment is published" in mailoutbox[-1].subject

    def test_opening_the_mute_link_shows_a_button_and_mutes_nothing(self, client, story):
        top = add(story, name="Ann", followup=True)
        mute = f"/comments/mute/{tokens.mute_token('ann@example.org', story.pk)}/"
        shown = client.get(mute)
        assert shown.status_code == 200 and "Stop reply notifications" in text_of(shown)
        assert '<button type="submit">Stop reply notifications</button>' in shown.content.decode()
        assert client.head(mute).status_code == 200
        assert Comment.objects.get(pk=top.pk).followup  # a mail scanner's GET or HEAD changes nothing
        assert client.post(mute).status_code == 200  # a bare POST, as a mail provider sends it (RFC 8058)
        assert not Comment.objects.get(pk=top.pk).followup

    @pytest.mark.parametrize("token", ["nonsense", "x" * 200])
    def test_a_broken_mute_link_says_so(self, client, db, token):
        assert client.get(f"/comments/mute/{token}/").status_code == 400
        assert client.post(f"/comments/mute/{token}/").status_code == 400


class TestReporting:
    def test_a_reader_reports_a_comment_once(self, client, story):
        comment = add(story, name="Ann", text="Questionable.")
        page = client.get(f"/comments/{comment.pk}/report/")
        assert page.status_code == 200 and "Questionable." in page.content.decode()
        response = client.post(
            f"/comments/{comment.pk}/report/", {"reason": "abuse", "note": "Insults"}, follow=True
        )
        assert "a moderator will look at this comment" in text_of(response)
        again = client.post(f"/comments/{comment.pk}/report/", {"reason": "spam"}, follow=True)
        assert "You have already reported this comment" in text_of(again)
        (report,) = comment.reports.all()
        assert (report.reason, report.note) == ("abuse", "Insults")
        assert comment in Comment.objects.waiting()

    def test_another_reader_can_report_too(self, client, story):
        from django.test import Client

        comment = add(story)
        client.post(f"/comments/{comment.pk}/report/", {"reason": "abuse"})
        Client(REMOTE_ADDR="10.0.0.9").post(f"/comments/{comment.pk}/report/", {"reason": "spam"})
        assert comment.reports.count() == 2

    def test_signed_in_readers_report_as_themselves(self, client, story):
        from tests.factories import UserFactory

        user = UserFactory(username="marta", is_staff=False)
        comment = add(story)
        client.force_login(user)
        client.post(f"/comments/{comment.pk}/report/", {"reason": "abuse"})
        assert comment.reports.get().user == user

    @pytest.mark.parametrize("data", [{}, {"reason": "nonsense"}, {"reason": "abuse", "note": "x" * 501}])
    def test_a_bad_report_is_a_form_error(self, client, story, data):
        comment = add(story)
        response = client.post(f"/comments/{comment.pk}/report/", data)
        assert response.status_code == 400
        assert not comment.reports.exists()


def test_the_form_on_the_story_page_posts(open_door, client, story):
    """The rendered form carries everything a post needs (security fields, no CSRF for anonymous)."""
    page = client.get(story.get_absolute_url()).content.decode()
    form = page[page.index('action="/comments/post/#comment-errors"') :]
    form = form[: form.index("</form>")]  # the newsletter's form below has a stamp of its own
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
    assert {"content_type", "object_pk", "stamp", "reply_to"} <= fields.keys()
    assert "csrfmiddlewaretoken" not in page
    data = form_data(story)
    data["stamp"] = fields["stamp"]
    story_signed, shown_at, signature = data["stamp"].rsplit(":", 2)
    earlier = signing.b62_encode(signing.b62_decode(shown_at) - 10)
    moved = {**data, "stamp": f"{story_signed}:{earlier}:{signature}"}
    assert client.post("/comments/post/", moved).status_code == 400  # the signed time cannot be moved
    assert client.post("/comments/post/", data).status_code == 302
    assert Comment.objects.get().is_visible


def test_email_addresses_stay_plain_text(story):
    comment = add(story, text="Write to reader@example.org or see https://example.org/x")
    assert "Write to reader@example.org or see <a href" in comment.text_html
    assert 'href="https://example.org/x"' in comment.text_html


def test_render_comments_refreshes_stored_html(story):
    import io

    from django.core.management import call_command

    comment = add(story, text="Plain words.")
    Comment.objects.filter(pk=comment.pk).update(text_html="<p>stale</p>")
    out = io.StringIO()
    call_command("render_comments", stdout=out)
    assert "1 comment(s) re-rendered." in out.getvalue()
    assert Comment.objects.get(pk=comment.pk).text_html == "<p>Plain words.</p>"
