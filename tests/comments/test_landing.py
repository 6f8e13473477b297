"""Issue 15: where the reader lands, and the order of the comment section.

After a report (or a post) the reader lands at that comment, on the page of threads
it stands on, with the notice right there; "Leave a Reply" and the form come after
the threads.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from tests.comments.conftest import text_of
from tests.comments.helpers import make_comment

pytestmark = pytest.mark.django_db

THANKS = "Thank you: a moderator will look at this comment."


def comment_item(html: str, pk: int) -> str:
    start = html.rindex("<li", 0, html.index(f'id="c{pk}"'))
    return html[start : html.index("</article>", start)]


class TestAfterAReport:
    def test_the_thank_you_stands_at_the_reported_comment(self, story, client):
        make_comment(story, comment="An earlier, harmless comment.")
        reported = make_comment(story, user_name="Ann", comment="Questionable.")
        response = client.post(f"/comments/{reported.pk}/report/", {"reason": "abuse"})
        location = response["Location"]
        assert urlsplit(location).path == story.get_absolute_url()
        assert urlsplit(location).fragment == f"c{reported.pk}"
        html = client.get(location).content.decode()
        at_comment = comment_item(html, reported.pk)
        assert THANKS in at_comment and at_comment.index(THANKS) < at_comment.index("Questionable.")
        assert html.count(THANKS) == 1  # not also at the top of the section

    def test_a_second_report_is_told_there_too(self, story, client):
        reported = make_comment(story, comment="Questionable.")
        client.post(f"/comments/{reported.pk}/report/", {"reason": "abuse"})
        client.get(story.get_absolute_url())  # the first notice is read
        location = client.post(f"/comments/{reported.pk}/report/", {"reason": "spam"})["Location"]
        at_comment = comment_item(client.get(location).content.decode(), reported.pk)
        assert "You have already reported this comment" in at_comment

    def test_on_a_later_page_of_threads_it_lands_there(self, story, client, settings):
        settings.COMMENTS_PER_PAGE = 2
        comments = [make_comment(story, comment=f"Thread {n} opens.") for n in range(5)]
        location = client.post(f"/comments/{comments[4].pk}/report/", {"reason": "spam"})["Location"]
        assert parse_qs(urlsplit(location).query)["comments"] == ["3"]
        assert THANKS in comment_item(client.get(location).content.decode(), comments[4].pk)

    def test_the_notice_and_the_thread_are_not_kept_for_other_readers(self, story, client):
        reported = make_comment(story, comment="Questionable.")
        location = client.post(f"/comments/{reported.pk}/report/", {"reason": "abuse"})["Location"]
        assert THANKS in text_of(client.get(location))
        for address in (location, story.get_absolute_url()):
            assert THANKS not in text_of(Client().get(address))


class TestAfterAPost:
    def test_a_published_comment_s_notice_stands_at_it(self, open_door, story, post, client):
        location = post(story)["Location"]
        html = client.get(location).content.decode()
        pk = int(urlsplit(location).fragment.removeprefix("c"))
        assert "Thank you: your comment is published." in comment_item(html, pk)


class TestTheSection:
    def test_the_count_and_threads_come_first_then_leave_a_reply_and_the_form(self, story, client):
        for n in range(3):
            make_comment(story, comment=f"Comment {n} here.")
        from comments.services import comments_recount

        comments_recount(article_pks=[story.pk])
        html = client.get(story.get_absolute_url()).content.decode()
        section = html[html.index('id="comments"') :]
        order = [
            '<h2 id="comments-heading" class="comment-count">3 comments</h2>',
            "Comment 0 here.",
            "Comment 2 here.",
            '<h2 id="reply-heading" class="reply-heading">Leave a Reply</h2>',
            'id="comment-form"',
        ]
        positions = [section.find(text) for text in order]
        assert -1 not in positions and positions == sorted(positions), positions
        assert 'aria-labelledby="comments-heading"' in html

    def test_with_no_comments_yet_the_section_is_leave_a_reply(self, story, client):
        html = client.get(story.get_absolute_url()).content.decode()
        assert 'aria-labelledby="reply-heading"' in html and 'id="comments-heading"' not in html
        assert html.index("Leave a Reply") < html.index('id="comment-form"')
