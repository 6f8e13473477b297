"""Issue 15: a refused comment answers with the story page itself, each error under its field.

What was typed is kept, a summary at the top of the form links to the fields, the
form carries a fresh stamp so it can be sent again as it is, and the refusals of
the guard (honeypot, stamp) stay messages for the whole form. A reply without
JavaScript is refused on its reply page, the same way.
"""

import re
from html import unescape

import pytest
from django.core import signing

from comments.forms import FORM_MAX_AGE
from comments.models import Comment
from tests.comments.conftest import form_data, text_of
from tests.comments.helpers import make_comment

pytestmark = pytest.mark.django_db


def tag(html: str, element_id: str) -> str:
    """The opening tag of the element with this id."""
    match = re.search(rf'<(input|textarea)\b[^>]*\bid="{element_id}"[^>]*>', html)
    assert match, f"no #{element_id}"
    return match.group(0)


def attribute(tag_html: str, name: str) -> str | None:
    match = re.search(rf'\b{name}="([^"]*)"', tag_html)
    return unescape(match.group(1)) if match else None


def shown_stamp(html: str) -> str:
    form = html[html.index('id="comment-form"') :]
    return unescape(re.search(r'name="stamp" value="([^"]*)"', form).group(1))


def summary(html: str) -> str:
    start = html.index('id="comment-errors"')
    return html[start : html.index("</div>", start)]


class TestOnTheStoryPage:
    def test_the_story_page_answers_with_each_error_under_its_field(self, open_door, story, post):
        response = post(story, email="not-an-address", url="javascript:alert(1)", name="Ada Reader")
        assert response.status_code == 400
        html = response.content.decode()
        assert f"<h1>{story.headline}</h1>" in html  # the story itself, not a page of its own
        assert f"<title>Error: {story.headline} · Newsroom</title>" in html  # heard first
        assert html.index(story.headline) < html.index('id="comment-errors"') < html.index('id="id_email"')
        for field in ("email", "url"):
            widget = tag(html, f"id_{field}")
            assert attribute(widget, "aria-invalid") == "true"
            assert f"id_{field}_error" in attribute(widget, "aria-describedby").split()
            error = re.search(rf'<span class="error" id="id_{field}_error">([^<]+)</span>', html)
            assert error, field
            assert html.index(widget) < error.start()  # under the field…
            assert error.start() < html.index("<label", html.index(widget))  # …before the next one
        assert attribute(tag(html, "id_name"), "aria-invalid") is None
        links = re.findall(r'<a href="#(id_\w+)">', summary(html))
        assert links == ["id_email", "id_url"]

    def test_what_was_typed_is_kept(self, open_door, story, post):
        html = post(
            story, email="ada@", url="ftp://files.example/x", comment="Silt <b>matters</b>."
        ).content.decode()
        assert attribute(tag(html, "id_name"), "value") == "Ada Reader"
        assert attribute(tag(html, "id_email"), "value") == "ada@"
        assert attribute(tag(html, "id_url"), "value") == "ftp://files.example/x"
        textarea = html[html.index('id="id_comment"') :]
        assert (
            unescape(textarea[textarea.index(">") + 1 : textarea.index("</textarea>")]).strip()
            == "Silt <b>matters</b>."
        )

    def test_the_form_can_be_sent_again_once_corrected(self, open_door, story, post, client):
        response = post(story, email="not-an-address", age=FORM_MAX_AGE - 60)  # nearly expired
        stamp = shown_stamp(response.content.decode())
        sent = form_data(story, age=FORM_MAX_AGE - 60)["stamp"]
        assert stamp != sent
        assert signing.TimestampSigner(salt="comments.form").unsign_object(stamp, max_age=60)  # made just now
        corrected = {**form_data(story), "stamp": stamp}
        assert client.post("/comments/post/", corrected).status_code == 302
        assert Comment.objects.get().is_visible

    def test_the_refused_page_is_kept_by_no_cache(self, open_door, story, post):
        response = post(story, email="not-an-address")
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]

    @pytest.mark.parametrize(
        ("fields", "message"),
        [
            ({"honeypot": "http://spam.example"}, "only automated programs fill in"),
            ({"stamp": "not-a-stamp"}, "This form was changed or has expired"),
        ],
    )
    def test_the_guard_s_refusals_are_for_the_whole_form(self, open_door, story, post, fields, message):
        html = post(story, **fields).content.decode()
        box = summary(html)
        assert message in box and "<a href=" not in box  # not tied to a field
        assert not re.search(r'<span class="error"', html)
        assert attribute(tag(html, "id_honeypot"), "value") in (None, "")  # emptied for the next try
        assert "The dredging plan leaves out the silt" in html

    def test_the_rate_limit_answers_429_on_the_story_page_with_the_text(self, open_door, story, post):
        for n in range(3):
            post(story, comment=f"Quick point {n}.")
        response = post(story, comment="My fourth and best point.")
        assert response.status_code == 429 and int(response["Retry-After"]) > 0
        html = response.content.decode()
        assert "Please wait" in summary(html) and "My fourth and best point." in html
        assert f"<h1>{story.headline}</h1>" in html

    def test_a_reply_to_a_comment_that_takes_none_starts_over_at_the_top(self, open_door, story, post):
        html = post(story, reply_to="999999").content.decode()
        assert "not available for replies" in summary(html)
        form = html[html.index('id="comment-form"') :]
        assert 'name="reply_to" value="0"' in form

    def test_the_story_page_s_other_links_still_lead_to_the_story(self, open_door, story, post, settings):
        """Answered at /comments/post/: a link relative to the address would lead there."""
        settings.COMMENTS_PER_PAGE = 1
        make_comment(story)
        make_comment(story)
        html = post(story, email="x").content.decode()
        assert f'href="{story.get_absolute_url()}?comments=2#comments"' in html
        assert 'href="?' not in html


class TestOnTheReplyPage:
    def test_a_refused_reply_stays_on_its_reply_page_with_errors_under_fields(self, open_door, story, post):
        parent = make_comment(story, user_name="Bo Keeper", comment="The silt goes north.")
        response = post(story, reply_to=parent.pk, email="bo@", comment="A reply kept as typed.")
        assert response.status_code == 400
        html = response.content.decode()
        assert "Reply to Bo Keeper" in text_of(response) and "The silt goes north." in html
        assert attribute(tag(html, "id_email"), "aria-invalid") == "true"
        assert '<span class="error" id="id_email_error">' in html
        assert "A reply kept as typed." in html
        assert f'name="reply_to" value="{parent.pk}"' in html
        assert re.findall(r'<a href="#(id_\w+)">', summary(html)) == ["id_email"]
