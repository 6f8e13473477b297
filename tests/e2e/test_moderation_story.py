"""Issue 16 in a real browser: a moderator works on the story page itself.

"View on site" on a held comment opens the story's staff view at the comment, in its
thread, marked held with its reasons; Approve there publishes it for readers. A staff
reply posted from the reply page shows on the story with the "Staff" badge, and the
story page stays at zero axe-core violations and zero Nu Html Checker errors.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from comments.models import Comment
from tests.comments.helpers import make_comment
from tests.e2e.helpers import sign_in
from tests.factories import ArticleFactory, UserFactory
from tests.quality import axe_violations, format_violations, nu_errors, require_axe, require_vnu

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HELD_TEXT = "The harbour master said the silt would go north, not south."
REPLY = "Thank you: the port's plan, page 12, says the silt goes to the reclamation site."


@pytest.fixture
def desk(page):
    """A story with a published thread and a held reply in it, and a moderator signed in."""
    story = ArticleFactory(live=True, headline="Harbour dredging starts in spring")
    first = make_comment(story, user_name="Ana Cruz", comment="Where does the silt go?")
    held = make_comment(
        story,
        user_name="Ivy Held",
        comment=HELD_TEXT,
        parent_id=first.pk,
        is_public=False,
        hold_reasons=["first_time", "links"],
    )
    make_comment(story, user_name="Ben Ong", comment="A later thread about the dredger.")
    moderator = UserFactory(role="Moderator", username="mira", first_name="Mira", last_name="Desk")
    sign_in(page, moderator.username)
    return story, first, held


def reader_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    return context, context.new_page()


def test_a_moderator_approves_a_held_comment_on_the_story_page(page, browser, live_server, desk):
    story, first, held = desk
    page.goto(reverse("admin:comments_comment_change", args=[held.pk]))
    page.get_by_role("link", name="View on site").click()

    expect(page).to_have_url(re.compile(rf"{re.escape(story.get_absolute_url())}\?moderation=1#c{held.pk}$"))
    item = page.locator(f"#c{held.pk}")
    # In its thread, under the comment it answers, marked with its state and reasons.
    expect(page.locator(f"#c{first.pk} > .comment-replies > #c{held.pk}")).to_have_count(1)
    expect(item.locator(".comment-text")).to_have_text(HELD_TEXT)
    expect(item.locator(".mod-state").first).to_have_text("Held: First-time commenter, Many links")
    expect(item.get_by_role("link", name=re.compile("^Open in the queue"))).to_be_visible()
    expect(page.locator(".mod-bar")).to_contain_text("Staff view:")

    require_axe()
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)

    item.get_by_role("button", name=re.compile("^Approve")).click()
    expect(page).to_have_url(re.compile(rf"\?moderation=1#c{held.pk}$"))
    expect(page.locator(".notices")).to_contain_text("Comment approved.")
    item = page.locator(f"#c{held.pk}")
    expect(item).not_to_have_class(re.compile("staff-held"))
    expect(item.locator(".mod-state")).to_have_count(0)  # published: nothing to mark
    held.refresh_from_db()
    assert held.is_visible

    context, reader = reader_page(browser, live_server)
    try:
        reader.goto(story.get_absolute_url())
        expect(reader.locator(f"#c{first.pk} #c{held.pk} .comment-text")).to_have_text(HELD_TEXT)
        expect(reader.locator(".mod-bar, .mod-marks")).to_have_count(0)
    finally:
        context.close()


def test_a_staff_reply_shows_on_the_story_with_the_badge(page, browser, live_server, desk):
    story, first, _ = desk
    page.goto(f"{story.get_absolute_url()}?moderation=1")
    page.locator(f"#c{first.pk} > article").get_by_role("link", name=re.compile("^Reply as staff")).click()

    expect(page.get_by_text("Where does the silt go?")).to_be_visible()
    page.get_by_label("Reply as Mira Desk (Staff)").fill(REPLY)
    page.get_by_role("button", name="Publish reply").click()

    expect(page).to_have_url(re.compile(r"\?moderation=1$"))  # back where the moderator was
    reply = Comment.objects.get(by_staff=True)
    expect(page.locator(f"#c{first.pk} > .comment-replies > #c{reply.pk}")).to_have_count(1)

    context, reader = reader_page(browser, live_server)
    try:
        response = reader.goto(story.get_absolute_url())
        mine = reader.locator(f"#c{reply.pk} > article")
        expect(mine.locator(".comment-author")).to_have_text("Mira Desk")
        expect(mine.locator(".staff-badge")).to_have_text("Staff")
        expect(mine.locator(".comment-text")).to_have_text(REPLY)
        expect(reader.locator(f"#c{first.pk} .staff-badge")).to_have_count(1)  # the reply's only

        require_axe()
        for scheme in ("light", "dark"):
            reader.emulate_media(color_scheme=scheme)
            violations = axe_violations(reader)
            assert violations == [], f"{scheme}: {format_violations(violations)}"
        require_vnu()
        errors = nu_errors(response.text())  # the HTML as served, as test_quality checks it
        assert errors == [], "\n".join(errors)
    finally:
        context.close()
