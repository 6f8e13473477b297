"""The people behind the comments, in a real browser: a moderator bans an address from its history."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from comments.models import Comment, CommenterRule, Decision, HoldReason, Status
from tests.e2e.helpers import sign_in
from tests.factories import ArticleFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ADA = "ada@example.org"
FIRST = "The dredging plan leaves out the silt from the north basin."
NEXT = "Buy cheap pills at my shop, best prices on the harbour."


@pytest.fixture(autouse=True)
def comment_rules(settings):
    """No confirmation mail (an address cannot be proven in a test): first comments are held."""
    cache.clear()
    settings.COMMENTS_CONFIRM_EMAIL = False
    settings.COMMENTS_HOLD_FIRST_TIME = True
    settings.COMMENTS_RATE_LIMIT = (10_000, 60)
    settings.COMMENTS_HOLD_RATE = (10_000, 3600)
    yield settings
    cache.clear()


@pytest.fixture
def new_page(browser, live_server):
    """A browser context of its own: a reader who shares no cookies with the moderator."""
    contexts = []

    def _open():
        context = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 768})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield _open
    for context in contexts:
        context.close()


def post_comment(page, story, text: str):
    page.goto(story.get_absolute_url())
    form = page.locator("#comment-form")
    form.get_by_label("Name", exact=True).fill("Ada Reader")
    form.get_by_label("Email", exact=True).fill(ADA)
    form.get_by_label("Comment", exact=True).fill(text)
    form.get_by_role("button", name="Post comment").click()
    expect(page.locator("#comments .notice")).to_contain_text("awaiting moderation")


def test_a_moderator_bans_an_address_and_its_next_comment_lands_in_spam(page, new_page):
    story = ArticleFactory(live=True, headline="Harbour dredging starts in spring")
    moderator = UserFactory(username="moderator", role="Moderator")

    # A first-time reader comments; it waits for a moderator.
    post_comment(new_page(), story, FIRST)
    first = Comment.objects.get(user_email=ADA)
    assert first.status == Status.HELD

    # The moderator opens the commenter's history from the comment in the queue.
    sign_in(page, "moderator")
    page.goto("/admin/comments/comment/")
    page.locator("a.mod-commenter[href$='email=ada%40example.org']").first.click()
    expect(page).to_have_url(f"{page.url.split('?')[0]}?email=ada%40example.org")
    counts = page.locator("#commenter-counts")
    expect(counts.locator("[data-status=held]")).to_contain_text("1 held")
    expect(counts.locator("[data-status=visible]")).to_contain_text("0 published")
    expect(page.locator(f"#commenter-comments tr[data-comment='{first.pk}']")).to_contain_text(
        "leaves out the silt"
    )
    expect(page.locator("#commenter-rules")).to_contain_text("None")

    # "Ban this address" opens the form filled in, which says what a ban does.
    page.get_by_role("link", name="Ban this address").click()
    expect(page.get_by_text("New comments from it go to Spam; the commenter is not told.")).to_be_visible()
    expect(page.get_by_label("Kind")).to_have_value("ban")
    expect(page.get_by_label("By")).to_have_value("email")
    expect(page.get_by_label("Value")).to_have_value(ADA)
    page.get_by_label("Note").fill("Selling pills under every story")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    rule = CommenterRule.objects.get()
    assert (rule.kind, rule.match, rule.value, rule.created_by) == ("ban", "email", ADA, moderator)
    assert Decision.objects.filter(rule=rule, action=Decision.Action.BAN).exists()

    # The history now shows the ban.
    page.goto(f"/admin/comments/comment/commenter/?email={ADA}")
    expect(page.locator("#commenter-rules")).to_contain_text(f"Ban email address {ADA}")

    # The reader comments again from another browser: told it awaits moderation, it lands in Spam.
    post_comment(new_page(), story, NEXT)
    banned = Comment.objects.get(user_email=ADA, comment=NEXT)
    assert banned.status == Status.SPAM and banned.hold_reasons == [HoldReason.BANNED]

    # The queue's Spam tab shows it; the Waiting tab does not.
    page.goto("/admin/comments/comment/?status=spam")
    expect(page.locator(f"input[name=_selected_action][value='{banned.pk}']")).to_have_count(1)
    expect(page.locator("#content")).to_contain_text("Buy cheap pills")
    page.goto("/admin/comments/comment/?status=waiting")
    expect(page.locator(f"input[name=_selected_action][value='{first.pk}']")).to_have_count(1)
    expect(page.locator(f"input[name=_selected_action][value='{banned.pk}']")).to_have_count(0)
