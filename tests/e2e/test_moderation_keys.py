"""The queue at the keyboard, in Chromium: decisions in place with an undo, threads opened inline.

Every test watches the console: a script error, a failed request nobody expected or a
refusal by the Content-Security-Policy fails it. "Without a reload" is checked by a value
set on `window` before the keys are pressed, which a new page would not have.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from comments.models import Comment, Decision, HoldReason, RemovalReason, Report
from tests.comments.helpers import make_comment
from tests.e2e.helpers import sign_in, watched_page
from tests.factories import ArticleFactory, UserFactory
from tests.quality import axe_violations, format_violations, nu_errors_many, require_axe, require_vnu

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

QUEUE = "/admin/comments/comment/"
ROWS = "article.mod-item:visible"


@pytest.fixture
def desk(browser, live_server):
    """A moderator's browser on the queue, with what its console said."""
    UserFactory(username="moderator", role="Moderator")
    page = watched_page(browser, live_server.url)
    sign_in(page, "moderator")
    yield page
    page.context.close()


@pytest.fixture
def story(db):
    return ArticleFactory(live=True, headline="Harbour dredging starts in spring")


def held(story, minutes_ago: int, **fields) -> Comment:
    when = timezone.now() - timedelta(minutes=minutes_ago)
    return make_comment(
        story, is_public=False, hold_reasons=[HoldReason.FIRST_TIME], submit_date=when, **fields
    )


def count_of(page, tab: str) -> int:
    return int(page.locator(f'.mod-count[data-count="{tab}"]').first.inner_text())


def open_queue(page, query: str = "?status=waiting"):
    page.goto(QUEUE + query)
    expect(page.locator(".mod-current")).to_have_count(1)  # the script has run
    page.evaluate("window.marker = 'the same page'")


def same_page(page) -> bool:
    return page.evaluate("window.marker") == "the same page"


def test_five_held_comments_approved_with_five_key_presses(desk, story):
    comments = [held(story, minutes_ago=n, user_name=f"Held Writer {n}") for n in range(1, 6)]
    open_queue(desk)
    waiting = count_of(desk, "waiting")
    assert waiting == 5
    expect(desk.locator(ROWS)).to_have_count(5)

    for pressed in range(1, 6):
        desk.keyboard.press("a")
        expect(desk.locator(ROWS)).to_have_count(5 - pressed)

    expect(desk.locator('.mod-count[data-count="waiting"]').first).to_have_text(str(waiting - 5))
    expect(desk.locator("a.mod-badge").first).to_have_text(f"{waiting - 5} waiting")
    expect(desk.locator("#mod-live")).to_contain_text("approved")
    assert same_page(desk), "the queue reloaded"
    assert {c.status for c in Comment.objects.filter(pk__in=[c.pk for c in comments])} == {"visible"}
    approvals = Decision.objects.filter(action=Decision.Action.APPROVE, comment__in=comments)
    assert approvals.count() == 5
    assert desk.problems == []


def test_undo_brings_the_comment_back_in_its_place(desk, story):
    first, second, third = (held(story, minutes_ago=n) for n in (1, 2, 3))
    open_queue(desk)
    desk.keyboard.press("j")  # the second row
    expect(desk.locator(f"#m{second.pk}.mod-current")).to_be_visible()
    desk.keyboard.press("s")
    expect(desk.locator(f"#m{second.pk}")).to_have_count(0)
    assert Comment.objects.get(pk=second.pk).status == "spam"
    expect(desk.locator('.mod-count[data-count="spam"]').first).to_have_text("1")

    toast = desk.locator(".mod-toast")
    expect(toast).to_be_visible()
    toast.get_by_role("button", name="Undo").click()

    expect(desk.locator(f"#m{second.pk}")).to_be_visible()
    ids = desk.locator(ROWS).evaluate_all("rows => rows.map(row => row.dataset.comment)")
    assert ids == [str(first.pk), str(second.pk), str(third.pk)]
    expect(desk.locator('.mod-count[data-count="spam"]').first).to_have_text("0")
    assert Comment.objects.get(pk=second.pk).status == "held"
    assert Decision.objects.filter(comment=second, action=Decision.Action.UNDO).exists()
    assert same_page(desk)
    assert desk.problems == []


def test_the_undo_is_offered_for_a_few_seconds_only(desk, story):
    held(story, minutes_ago=1)
    open_queue(desk)
    desk.keyboard.press("a")
    toast = desk.locator(".mod-toast")
    expect(toast).to_be_visible()
    expect(toast).to_be_hidden(timeout=12_000)
    assert desk.problems == []


def test_dismissing_a_report_with_d(desk, story):
    quiet = held(story, minutes_ago=1, user_name="Held Without Reports")
    reported = make_comment(
        story, user_name="Reported Writer", submit_date=timezone.now() - timedelta(hours=1)
    )
    report = Report.objects.create(comment=reported, reporter_key="ip:one", reason=Report.Reason.ABUSE)
    open_queue(desk)
    expect(desk.locator(f"#m{quiet.pk}.mod-current")).to_be_visible()

    desk.keyboard.press("d")  # the held comment has no report: nothing happens, and the page says so
    expect(desk.locator("#mod-live")).to_contain_text("no reports to dismiss")
    expect(desk.locator(ROWS)).to_have_count(2)

    desk.keyboard.press("j")
    desk.keyboard.press("d")
    expect(desk.locator(f"#m{reported.pk}")).to_have_count(0)
    expect(desk.locator(ROWS)).to_have_count(1)
    reported.refresh_from_db()
    report.refresh_from_db()
    assert reported.status == "visible" and report.resolved_at is not None
    assert Decision.objects.get(comment=reported).action == Decision.Action.DISMISS
    assert same_page(desk)

    desk.goto("/admin/comments/decision/")
    expect(desk.locator("#result_list")).to_contain_text("Report dismissed")
    assert desk.problems == []


def test_removing_with_r_chooses_a_reason_then_enter(desk, story):
    reason = RemovalReason.objects.create(label="Off topic", explanation="Stay on the story.", position=1)
    comment = held(story, minutes_ago=1)
    open_queue(desk)
    desk.keyboard.press("r")
    expect(desk.locator(f"#m{comment.pk} details[open]")).to_have_count(1)
    chosen = desk.locator(f"#m{comment.pk} input[name=reason]:focus")
    expect(chosen).to_have_count(1)
    desk.keyboard.press("ArrowDown")  # from "No reason given" to the first reason
    desk.keyboard.press("Enter")
    expect(desk.locator(f"#m{comment.pk}")).to_have_count(0)
    decision = Decision.objects.get(comment=comment)
    assert decision.action == Decision.Action.REMOVE and decision.reason == reason
    assert Comment.objects.get(pk=comment.pk).status == "removed"
    assert desk.problems == []


def test_escape_closes_the_removal_panel_and_nothing_changes(desk, story):
    comment = held(story, minutes_ago=1)
    open_queue(desk)
    desk.keyboard.press("r")
    expect(desk.locator(f"#m{comment.pk} details[open]")).to_have_count(1)
    desk.keyboard.press("Escape")
    expect(desk.locator(f"#m{comment.pk} details[open]")).to_have_count(0)
    assert Comment.objects.get(pk=comment.pk).status == "held"
    assert desk.problems == []


def test_a_held_reply_opened_in_context_with_o(desk, story):
    parent = make_comment(story, user_name="Parent Writer", comment="The silt goes north.", is_removed=True)
    reply = held(story, minutes_ago=1, parent_id=parent.pk, user_name="Held Replier", comment="Which basin?")
    make_comment(story, parent_id=reply.pk, user_name="Answer Writer", comment="The north basin.")
    open_queue(desk, "?status=held")
    expect(desk.locator(ROWS)).to_have_count(1)

    desk.keyboard.press("o")
    thread = desk.locator(f"#m{reply.pk}-thread")
    expect(thread).to_be_visible()
    expect(thread.locator(".mod-thread-item").first).to_contain_text("Parent Writer")
    expect(thread.locator(".mod-thread-target")).to_contain_text("Which basin?")
    expect(thread.locator(".mod-thread-target .mod-thread-replies")).to_contain_text("Answer Writer")
    expect(thread.locator(".mod-thread-target > .mod-thread-comment .mod-label")).to_have_text("Held")

    # A decision on another comment of the thread, from the thread: it is read again to show it.
    top = thread.locator(".mod-thread-item").first
    expect(top.locator(".mod-label").first).to_have_text("Removed")
    top.get_by_role("button", name="Approve").first.click()
    expect(top.locator(".mod-label").first).to_have_text("Published")
    expect(desk.locator(".mod-toast")).to_be_visible()
    assert Comment.objects.get(pk=parent.pk).status == "visible"
    expect(desk.locator(ROWS)).to_have_count(1)

    desk.keyboard.press("o")
    expect(thread).to_have_count(0)
    desk.keyboard.press("o")
    expect(desk.locator(f"#m{reply.pk}-thread")).to_be_visible()
    desk.keyboard.press("Escape")
    expect(desk.locator(f"#m{reply.pk}-thread")).to_have_count(0)
    assert same_page(desk)
    assert desk.problems == []


def test_question_mark_shows_the_keys(desk, story):
    held(story, minutes_ago=1)
    open_queue(desk)
    dialog = desk.locator("dialog.mod-keys-dialog")
    expect(dialog).to_be_hidden()
    desk.keyboard.press("?")
    expect(dialog).to_be_visible()
    for key in ("j", "k", "a", "r", "s", "d", "x", "o"):
        expect(dialog.locator("kbd", has_text=key).first).to_be_visible()
    desk.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    desk.get_by_role("button", name="Keyboard shortcuts (?)").click()
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()
    assert desk.problems == []


def test_x_selects_and_j_k_move(desk, story):
    first, second = held(story, minutes_ago=1), held(story, minutes_ago=2)
    open_queue(desk)
    desk.keyboard.press("j")
    expect(desk.locator(f"#m{second.pk}.mod-current")).to_have_attribute("aria-current", "true")
    desk.keyboard.press("x")
    expect(desk.locator(f"#m{second.pk} input.action-select")).to_be_checked()
    desk.keyboard.press("j")  # already the last
    expect(desk.locator("#mod-live")).to_contain_text("last comment")
    desk.keyboard.press("k")
    expect(desk.locator(f"#m{first.pk}.mod-current")).to_be_visible()
    expect(desk.locator(f"#m{first.pk} input.action-select")).not_to_be_checked()
    assert desk.problems == []


def test_a_failed_decision_keeps_the_row_and_says_why(desk, story):
    comment, gone, decided = (held(story, minutes_ago=n) for n in (1, 2, 3))
    open_queue(desk)
    desk.route("**/moderate/**", lambda route: route.abort())
    desk.keyboard.press("a")  # the network fails
    expect(desk.locator(f"#m{comment.pk} .mod-error")).to_contain_text("could not be reached")
    expect(desk.locator(f"#m{comment.pk}.mod-current")).to_be_visible()
    assert Comment.objects.get(pk=comment.pk).status == "held"
    desk.unroute("**/moderate/**")

    Comment.objects.filter(pk=gone.pk).delete()  # deleted by someone else meanwhile: 404
    desk.keyboard.press("j")
    desk.keyboard.press("a")
    expect(desk.locator(f"#m{gone.pk} .mod-error")).to_contain_text("Not saved: No such comment")
    expect(desk.locator(f"#m{gone.pk}")).to_be_visible()

    Comment.objects.filter(pk=decided.pk).update(is_public=True)  # approved by someone else meanwhile
    desk.keyboard.press("j")
    desk.keyboard.press("a")
    refused = desk.locator(f"#m{decided.pk} .mod-error")
    expect(refused).to_contain_text("Nothing changed: the comment is published")
    expect(desk.locator(ROWS)).to_have_count(3)
    assert Decision.objects.count() == 0
    assert same_page(desk)
    expected = ("net::ERR_FAILED", "status of 404")
    assert [p for p in desk.problems if not any(e in p for e in expected)] == []


def test_without_javascript_the_buttons_still_post(browser, live_server, story):
    UserFactory(username="moderator", role="Moderator")
    comment = held(story, minutes_ago=1)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, "moderator")
    page.goto(QUEUE + "?status=held")
    row = page.locator(f"#m{comment.pk}")
    expect(row.get_by_role("button", name="Approve")).to_be_visible()
    row.get_by_role("button", name="Approve").click()
    page.wait_for_load_state()
    expect(page.locator(f"#m{comment.pk}")).to_have_count(0)
    assert Comment.objects.get(pk=comment.pk).status == "visible"

    # The thread is a page of its own without the script.
    page.goto(f"{QUEUE}{comment.pk}/thread/")
    expect(page.locator(".mod-thread-target")).to_contain_text(comment.comment)
    context.close()


def test_what_the_keys_add_passes_axe_and_the_thread_page_is_valid_html(desk, story):
    require_axe()
    parent = make_comment(story, user_name="Parent Writer")
    reply = held(story, minutes_ago=1, parent_id=parent.pk, user_name="Held Replier")
    make_comment(story, parent_id=reply.pk, user_name="Spam Writer", is_removed=True, is_spam=True)
    held(story, minutes_ago=2)
    open_queue(desk)
    desk.keyboard.press("o")
    expect(desk.locator(f"#m{reply.pk}-thread .mod-thread-item")).to_have_count(3)
    desk.keyboard.press("j")
    desk.keyboard.press("a")
    expect(desk.locator(".mod-toast")).to_be_visible()
    violations = axe_violations(desk)
    assert violations == [], format_violations(violations)
    desk.keyboard.press("?")
    expect(desk.locator("dialog.mod-keys-dialog")).to_be_visible()
    violations = axe_violations(desk)
    assert violations == [], format_violations(violations)

    for scheme in ("light", "dark"):
        desk.emulate_media(color_scheme=scheme)
        desk.goto(f"{QUEUE}{reply.pk}/thread/")
        violations = axe_violations(desk)
        assert violations == [], f"{scheme}: {format_violations(violations)}"
    require_vnu()
    assert nu_errors_many({"thread page": desk.content()}) == {"thread page": []}
    assert desk.problems == []
