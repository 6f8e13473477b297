"""Comments in a real browser: held, approved, answered, reported, removed; hostile ones stay inert."""

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from comments.forms import CommentForm
from comments.models import Comment
from comments.views import TRUST_COOKIE
from newsroom.text import clean_text
from tests.comments.conftest import form_data
from tests.comments.helpers import make_comment, trust_cookie
from tests.comments.xss_payloads import PAYLOADS, as_name
from tests.e2e.helpers import sign_in
from tests.factories import ArticleFactory, UserFactory
from tests.quality import axe_violations, format_violations, nu_errors_many, require_axe, require_vnu

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FIRST_TEXT = "The dredging plan leaves out the silt from the north basin."
REPLY_TEXT = "The silt goes to the reclamation site, says the port's own plan."

# Installed before any page script: every marker a payload could call is recorded, never shown.
HOOKS = """
(() => {
  const calls = [];
  Object.defineProperty(window, "__xssCalls", { value: calls });
  const record = (kind) => function (...args) {
    const call = [kind, String(args[0])];
    calls.push(call);
    try { if (window.top !== window) window.top.__xssCalls.push(call); } catch (e) { /* cross-origin */ }
  };
  for (const name of ["__xss", "alert", "confirm", "prompt", "print"]) window[name] = record(name);
})();
"""

# What the browser itself makes of the comments: handlers, link schemes, elements a comment may contain.
DOM_PROBLEMS = """
(readerPage) => {
  const problems = [];
  const root = readerPage ? document.querySelector("#comments, .comment-page") : document.body;
  if (!root) return ["no comments on the page"];
  for (const el of root.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      if (attr.name.startsWith("on")) problems.push(`${el.tagName} ${attr.name}=${attr.value}`);
      if (["href", "src", "action", "formaction", "data", "poster", "xlink:href"].includes(attr.name)) {
        const protocol = new URL(attr.value, document.baseURI).protocol;
        const safe = ["http:", "https:", "mailto:"].includes(protocol);
        if (!safe) problems.push(`${el.tagName} ${attr.name}=${attr.value}`);
      }
      const inert = attr.name !== "srcdoc" && !(readerPage && attr.name === "style");
      if (!inert) problems.push(`${el.tagName} ${attr.name}`);
    }
  }
  for (const el of root.querySelectorAll(".comment-text *")) {
    if (!["P", "BR", "A"].includes(el.tagName)) problems.push(`${el.tagName} in a comment's text`);
  }
  for (const el of root.querySelectorAll(".comment-author *")) {
    if (el.tagName !== "A") problems.push(`${el.tagName} in a comment's author`);
  }
  for (const a of root.querySelectorAll(".comment-text a[href], .comment-author a")) {
    const rel = (a.getAttribute("rel") || "").split(/\\s+/);
    if (!["http:", "https:"].includes(a.protocol)) problems.push(`link to ${a.href}`);
    for (const token of ["nofollow", "ugc", "noopener"]) {
      if (!rel.includes(token)) problems.push(`link to ${a.href} without rel ${token}`);
    }
  }
  for (const script of document.scripts) {
    const src = script.getAttribute("src");
    const ours = src ? /^\\/static\\/(js\\/(site|moderation)\\.js$|admin\\/)|^\\/admin\\/jsi18n\\/$/.test(src)
                     : script.type === "application/ld+json";
    if (!ours) problems.push(`script ${src || script.textContent.slice(0, 80)}`);
  }
  const frames = document.querySelectorAll("iframe, frame, object, embed");
  if (frames.length) problems.push(`${frames.length} frames or objects`);
  return problems;
}
"""

# Synthetic events reach inline handlers, were there any; nothing is clicked or followed.
POKE = """
() => {
  const kinds = ["mouseover", "mouseenter", "mousemove", "pointerover", "focus", "focusin", "toggle",
                 "animationstart", "transitionend", "load", "error"];
  for (const el of document.querySelectorAll("#comments *, .comment-page *")) {
    for (const kind of kinds) el.dispatchEvent(new Event(kind));
  }
}
"""


@pytest.fixture
def comment_rules(settings):
    """No confirmation mail; first-time commenters held; no waiting and no rate limit in a test."""
    settings.COMMENTS_CONFIRM_EMAIL = False
    settings.COMMENTS_HOLD_FIRST_TIME = True
    settings.COMMENTS_RATE_LIMIT = (10_000, 60)
    settings.COMMENTS_HOLD_RATE = (10_000, 3600)
    return settings


@pytest.fixture
def open_page(browser, live_server, third_party_requests):
    """Another reader or a moderator: a browser context of their own, watched like the first page."""
    contexts = []

    def note(request):
        if not request.url.startswith((live_server.url, "data:", "blob:")):
            third_party_requests.append(request.url)

    def _open(*, hooks: bool = False):
        context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
        context.on("request", note)
        if hooks:
            context.add_init_script(HOOKS)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield _open
    for context in contexts:
        context.close()


def fill_comment(form, *, name: str, email: str, text: str, url: str = ""):
    form.get_by_label("Name", exact=True).fill(name)
    form.get_by_label("Email", exact=True).fill(email)
    if url:
        form.get_by_label(re.compile(r"^Website")).fill(url)
    form.get_by_label("Comment", exact=True).fill(text)
    form.get_by_role("button", name="Post comment").click()


def queue_row(page, comment: Comment):
    return page.locator(f"#result_list tbody tr:has(input.action-select[value='{comment.pk}'])")


# a. The whole life of a comment ---------------------------------------------------------------------------


def test_a_comment_is_held_approved_answered_reported_and_removed(
    page, open_page, live_server, comment_rules, third_party_requests
):
    story = ArticleFactory(live=True, headline="Harbour dredging starts in spring")
    make_comment(ArticleFactory(live=True), user_name="Bo Keeper", user_email="bo@example.org")  # known
    UserFactory(username="moderator", role="Moderator")

    # A first-time reader comments: the comment waits for a moderator.
    page.goto(story.get_absolute_url())
    fill_comment(page.locator("#comment-form"), name="Ada Reader", email="ada@example.org", text=FIRST_TEXT)
    expect(page.locator("#comments .notice")).to_contain_text("awaiting moderation")
    first = Comment.objects.get(user_email="ada@example.org")
    assert not first.is_visible and first.hold_reasons == ["first_time"]
    # Issue 15: its author sees it in place, marked; nobody else does.
    expect(page.locator(f"#c{first.pk} .awaiting-moderation")).to_have_text(
        "Your comment is awaiting moderation."
    )
    stranger = open_page()
    stranger.goto(story.get_absolute_url())
    expect(stranger.locator(f"#c{first.pk}")).to_have_count(0)

    # The moderator approves it from the queue.
    admin = open_page()
    sign_in(admin, "moderator")
    admin.goto("/admin/comments/comment/")
    row = queue_row(admin, first)
    expect(row).to_contain_text("Held")
    expect(row).to_contain_text("leaves out the silt")
    row.get_by_role("button", name="Approve").click()
    expect(admin.locator("#mod-live")).to_contain_text("Comment approved.")  # in place, no reload
    first.refresh_from_db()
    assert first.is_visible

    # A second reader, known from an earlier comment and whose browser confirmed her address then,
    # answers it in the inline form.
    bo = open_page()
    bo.context.add_cookies([{
        "name": TRUST_COOKIE, "value": trust_cookie("bo@example.org"), "url": f"{live_server.url}/comments/",
        "httpOnly": True, "sameSite": "Lax",
    }])  # fmt: skip
    bo.goto(story.get_absolute_url())
    item = bo.locator(f"#c{first.pk}")
    expect(item.locator(".comment-text")).to_have_text(FIRST_TEXT)
    item.locator("a.reply-link").click()
    form = item.locator(":scope > #comment-form")  # moved from the foot of the section into the comment
    expect(form).to_be_visible()
    expect(bo.locator("#comments > #comment-form")).to_have_count(0)
    expect(form.locator(".reply-note")).to_contain_text("Replying to Ada Reader")
    expect(form.locator("input[name=reply_to]")).to_have_value(str(first.pk))
    fill_comment(form, name="Bo Keeper", email="bo@example.org", text=REPLY_TEXT)
    expect(bo.locator("#comments .notice")).to_contain_text("your comment is published")
    reply = Comment.objects.get(user_email="bo@example.org", object_pk=str(story.pk))
    assert reply.is_visible and reply.parent_id == first.pk
    nested = bo.locator(f"#c{first.pk} .comment-replies #c{reply.pk}")
    expect(nested.locator(".comment-text")).to_have_text(REPLY_TEXT)
    expect(nested.locator(".comment-author")).to_have_text("Bo Keeper")

    # The reader reports the first comment.
    bo.locator(f"#c{first.pk} > article a.report-link").click()
    expect(bo.get_by_role("heading", name="Report a comment")).to_be_visible()
    bo.get_by_label("Abusive or hateful").check()
    bo.get_by_role("button", name="Send the report").click()
    # Issue 15: the thank-you stands at the reported comment, where the reader lands.
    thanks = bo.locator(f"#c{first.pk} > .comment-notices .notice")
    expect(thanks).to_have_text("Thank you: a moderator will look at this comment.")
    expect(thanks).to_be_in_viewport()
    assert first.reports.count() == 1

    # The moderator finds it reported in the queue and removes it.
    admin.goto("/admin/comments/comment/?status=reported")
    row = queue_row(admin, first)
    expect(row).to_contain_text("Reported 1×")
    expect(row).to_contain_text("Abusive or hateful")
    expect(queue_row(admin, reply)).to_have_count(0)
    row.locator("summary", has_text="Remove").click()  # the panel with the reasons
    row.locator('.mod-button[data-action="remove"]').click()
    expect(admin.locator("#mod-live")).to_contain_text("Comment removed.")
    first.refresh_from_db()
    assert first.status == "removed"

    # Readers see a placeholder where it was, with the reply still in its place.
    reader = open_page()
    reader.goto(story.get_absolute_url())
    gone = reader.locator(f"#c{first.pk}")
    expect(gone.locator(":scope > .comment-placeholder")).to_have_text("This comment was removed.")
    expect(gone.locator(":scope > article")).to_have_count(0)
    expect(reader.locator("#comments")).not_to_contain_text("leaves out the silt")
    expect(gone.locator(f".comment-replies #c{reply.pk} .comment-text")).to_have_text(REPLY_TEXT)
    assert not third_party_requests, third_party_requests


# b. Hostile comments run nothing ----------------------------------------------------------------------------


def accepted(story, field: str, value: str) -> bool:
    form = CommentForm(story, data=form_data(story, **{field: value}))
    form.is_valid()
    return field not in form.errors


def watch(page) -> dict[str, list]:
    """Dialogs and script errors on a page; a dialog is dismissed so nothing waits on it."""
    seen = {"dialogs": [], "errors": []}
    page.on("dialog", lambda dialog: (seen["dialogs"].append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: seen["errors"].append(str(error)))
    return seen


def assert_nothing_ran(
    page, seen: dict[str, list], where: str, *, reader_page: bool = True, settle=300
) -> None:
    page.wait_for_load_state("load")
    page.evaluate(POKE)
    page.wait_for_timeout(settle)  # failed images, animations and autofocus would have fired by now
    calls = [call for frame in page.frames for call in frame.evaluate("window.__xssCalls || []")]
    assert calls == [], (where, calls)
    assert seen["dialogs"] == [], (where, seen["dialogs"])
    assert seen["errors"] == [], (where, seen["errors"])
    assert page.evaluate(DOM_PROBLEMS, reader_page) == [], where


def stored(payload: str) -> str:
    """A comment as saved: stripped, and cleaned of control characters (U+2028 is a line break)."""
    return clean_text(payload, multiline=True).strip()


def test_hostile_comments_run_no_script(page, open_page, live_server, comment_rules, third_party_requests):
    comment_rules.COMMENTS_HOLD_FIRST_TIME = False
    comment_rules.COMMENTS_HOLD_MAX_LINKS = 1_000
    comment_rules.COMMENTS_PER_PAGE = 1_000
    story = ArticleFactory(live=True, headline="Harbour dredging starts in spring")
    UserFactory(username="moderator", role="Moderator")
    page.add_init_script(HOOKS)
    seen = watch(page)

    # A few typed into the form in Chromium, as a reader would.
    typed = dict(PAYLOADS[:1] + PAYLOADS[8:9] + PAYLOADS[12:13])  # <script>, </textarea>, <img onerror>
    for number, payload in typed.items():
        page.goto(story.get_absolute_url())
        name = as_name(payload) if accepted(story, "name", as_name(payload)) else f"Reader {number}"
        fill_comment(page.locator("#comment-form"), name=name, email=f"r{number}@example.org", text=payload)
        expect(page.locator("#comments .notice")).to_contain_text("your comment is published")
        assert_nothing_ran(page, seen, f"story after posting payload {number}")

    # A script address typed as the website is refused; the refusal page keeps it, inert.
    page.goto(story.get_absolute_url())
    fill_comment(
        page.locator("#comment-form"), name="Eve", email="eve@example.org", text=PAYLOADS[0][1],
        url="javascript:__xss(0)",
    )  # fmt: skip
    expect(page.get_by_role("heading", name="Your comment was not posted")).to_be_visible()
    expect(page.locator("#id_url")).to_have_value("javascript:__xss(0)")
    assert_nothing_ran(page, seen, "refusal page")

    # The rest posted to the same view in-process (seconds faster than through the browser), as text,
    # name and website wherever the form takes them.
    poster = Client()
    for number, payload in PAYLOADS:
        if number in typed:
            continue
        fields = {"comment": payload, "name": f"Reader {number}", "email": f"r{number}@example.org"}
        if accepted(story, "name", as_name(payload)):
            fields["name"] = as_name(payload)
        if accepted(story, "url", payload):
            fields["url"] = payload
        response = poster.post("/comments/post/", form_data(story, **fields))
        assert response.status_code == 302, (number, response.status_code, response.content[:500])

    comments = {c.comment: c for c in Comment.objects.all()}
    assert len(comments) == len(PAYLOADS) and all(c.is_visible for c in comments.values())
    assert sum(1 for c in comments.values() if c.user_url) >= 5
    assert sum(1 for c in comments.values() if not c.user_name.startswith("Reader ")) >= 50

    # Every payload on one page: nothing runs, nothing is injected.
    page.goto(story.get_absolute_url() + "?comments=1")
    expect(page.locator("#comments li.comment")).to_have_count(len(PAYLOADS))
    assert_nothing_ran(page, seen, "story page")
    for _, payload in PAYLOADS[::6]:
        expect(page.locator(f"#c{comments[stored(payload)].pk} .comment-text")).to_be_visible()

    # The reply and report pages of a few.
    for number, payload in PAYLOADS[::25]:
        comment = comments[stored(payload)]
        for url in (f"/comments/{comment.pk}/reply/", f"/comments/{comment.pk}/report/"):
            page.goto(url)
            expect(page.locator(".comment-page blockquote.comment-text")).to_be_visible()
            assert_nothing_ran(page, seen, f"{url} (payload {number})", settle=100)

    # The moderator's queue, all of it, and a change page.
    admin = open_page(hooks=True)
    admin_seen = watch(admin)
    sign_in(admin, "moderator")
    admin.goto("/admin/comments/comment/?all=&status=all")
    expect(admin.locator("#result_list tbody tr")).to_have_count(len(PAYLOADS))
    assert_nothing_ran(admin, admin_seen, "moderation queue", reader_page=False)
    for payload in (PAYLOADS[0][1], PAYLOADS[8][1]):
        admin.goto(f"/admin/comments/comment/{comments[payload].pk}/change/")
        expect(admin.locator("textarea[name=comment]")).to_have_value(payload)
        assert_nothing_ran(admin, admin_seen, f"change page of {payload!r}", reader_page=False)
    assert not third_party_requests, third_party_requests


# c. Issue 15: the flow as a reader meets it --------------------------------------------------------------


def test_without_javascript_the_author_sees_their_held_comment_in_place(
    browser, live_server, open_page, comment_rules, third_party_requests
):
    story = ArticleFactory(live=True, headline="Harbour dredging starts in spring")
    make_comment(story, user_name="Bo Keeper", comment="An earlier comment on the dredging.")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(story.get_absolute_url())
        expect(page.locator(".remember-me")).to_be_hidden()  # offered only where the script runs
        fill_comment(
            page.locator("#comment-form"), name="Ada Reader", email="ada@example.org", text=FIRST_TEXT
        )
        mine = Comment.objects.get(user_email="ada@example.org")
        assert not mine.is_visible
        item = page.locator(f"#c{mine.pk}")
        expect(item.locator(".awaiting-moderation")).to_have_text("Your comment is awaiting moderation.")
        expect(item.locator(".comment-text")).to_have_text(FIRST_TEXT)
        expect(item).to_be_in_viewport()
        assert f"#c{mine.pk}" in page.url and "held=" in page.url
        page.reload()  # the notice is read; the address still shows it
        expect(item.locator(".awaiting-moderation")).to_be_visible()
    finally:
        context.close()
    reader = open_page()
    reader.goto(story.get_absolute_url())
    expect(reader.locator("#comments")).to_contain_text("An earlier comment on the dredging.")
    expect(reader.locator("#comments")).not_to_contain_text(FIRST_TEXT)
    assert not third_party_requests, third_party_requests


def test_name_email_and_website_are_remembered_in_this_browser(page, comment_rules, third_party_requests):
    comment_rules.COMMENTS_HOLD_FIRST_TIME = False
    first, second = ArticleFactory(live=True), ArticleFactory(live=True)
    seen = []
    page.on(
        "request", lambda request: seen.append(request.post_data or "") if request.method == "POST" else None
    )
    page.goto(first.get_absolute_url())
    form = page.locator("#comment-form")
    box = form.get_by_label("Save my name, email and website in this browser for the next time I comment.")
    expect(box).to_be_visible()
    expect(box).not_to_be_checked()
    box.check()
    fill_comment(form, name="Ada Reader", email="ada@example.org", text=FIRST_TEXT, url="https://ada.example")
    expect(page.locator("#comments .notice")).to_contain_text("your comment is published")
    assert seen and all("remember" not in data for data in seen)  # nothing about it reaches the server

    page.goto(second.get_absolute_url())  # a page cached for everyone, filled in by this browser
    form = page.locator("#comment-form")
    expect(form.get_by_label("Name", exact=True)).to_have_value("Ada Reader")
    expect(form.get_by_label("Email", exact=True)).to_have_value("ada@example.org")
    expect(form.get_by_label(re.compile(r"^Website"))).to_have_value("https://ada.example")
    expect(form.get_by_label(re.compile(r"^Save my name"))).to_be_checked()

    form.get_by_label(re.compile(r"^Save my name")).uncheck()  # forgets them
    page.goto(first.get_absolute_url())
    expect(page.locator("#comment-form").get_by_label("Name", exact=True)).to_have_value("")
    assert page.evaluate("Object.keys(localStorage)") == []
    assert not third_party_requests, third_party_requests


def test_a_refused_comment_shows_each_error_under_its_field_with_the_text_kept(page, comment_rules):
    story = ArticleFactory(live=True, headline="Harbour dredging starts in spring")
    page.goto(story.get_absolute_url())
    fill_comment(page.locator("#comment-form"), name="Ada Reader", email="ada@", text=FIRST_TEXT)
    expect(page.get_by_role("heading", level=1)).to_have_text("Harbour dredging starts in spring")
    summary = page.locator("#comment-errors")
    expect(summary).to_be_in_viewport()
    email = page.get_by_label("Email", exact=True)
    expect(email).to_have_value("ada@")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_accessible_description(re.compile(r"Enter a valid email address"))
    expect(page.locator("#id_email_error")).to_be_visible()
    below = page.evaluate(
        "() => document.querySelector('#id_email_error').getBoundingClientRect().top"
        " - document.querySelector('#id_email').getBoundingClientRect().bottom"
    )
    assert 0 <= below < 40, below  # right under the field
    expect(page.get_by_label("Name", exact=True)).to_have_value("Ada Reader")
    expect(page.get_by_label("Comment", exact=True)).to_have_value(FIRST_TEXT)
    summary.get_by_role("link", name=re.compile("^Email")).click()
    expect(email).to_be_focused()
    email.fill("ada@example.org")
    page.get_by_role("button", name="Post comment").click()  # the fresh stamp makes it go through
    expect(page.locator("#comments .notice")).to_contain_text("awaiting moderation")
    assert Comment.objects.get().comment == FIRST_TEXT


def test_the_pages_of_this_flow_pass_axe_and_the_nu_checker(page, comment_rules):
    """The held view, the report landing and the story with the remember-me box shown (WCAG A/AA)."""
    require_axe()
    require_vnu()
    story = ArticleFactory(live=True, headline="Harbour dredging starts in spring")
    other = make_comment(story, user_name="Bo Keeper", comment="An earlier comment on the dredging.")
    docs = {}
    page.goto(story.get_absolute_url())
    expect(page.locator(".remember-me")).to_be_visible()
    fill_comment(page.locator("#comment-form"), name="Ada Reader", email="ada@example.org", text=FIRST_TEXT)
    expect(page.locator(".awaiting-moderation")).to_be_visible()
    docs["held"] = page.content()
    held_violations = axe_violations(page)
    page.goto(f"/comments/{other.pk}/report/")
    page.get_by_label("Spam").check()
    page.get_by_role("button", name="Send the report").click()
    expect(page.locator(f"#c{other.pk} .comment-notices")).to_be_visible()
    docs["report landing"] = page.content()
    assert held_violations == [], format_violations(held_violations)
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)
    assert nu_errors_many(docs) == {name: [] for name in docs}
