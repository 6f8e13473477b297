"""Under the site's Content-Security-Policy, no page the readers or the newsroom use is broken.

Chromium enforces the real header (the context does not bypass CSP) and every
refusal is caught twice: the `securitypolicyviolation` event, reported from a
script Playwright adds before the page's own, and Chromium's "Refused to …"
console messages. Each page is also used a little (a reply opened, text typed
into the story editor), so a script that only runs on a click is checked too.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Article
from tests.comments.helpers import make_comment
from tests.e2e.helpers import REPORT_VIOLATIONS, sign_in
from tests.e2e.reader_site import STATUS, make_reader_site, page_url
from tests.e2e.test_quality import READER_PAGES
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def strict_page(browser, live_server):
    """A page whose CSP is enforced as a reader's browser enforces it, with the refusals it saw."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.add_init_script(REPORT_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.violations = []

    def on_console(message):
        if "CSP violation" in message.text or "Content Security Policy" in message.text:
            page.violations.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    yield page
    context.close()


def visit(page, url: str, status: int = 200):
    response = page.goto(url)
    assert response.status == status, f"GET {url} answered {response.status}"
    assert "content-security-policy" in response.headers, f"GET {url} has no CSP header"
    page.wait_for_load_state("load")
    return response


def test_reader_pages_run_under_the_policy_without_a_refusal(strict_page):
    site = make_reader_site()
    for name in READER_PAGES:
        url = page_url(name, site)
        if url is None:
            continue
        visit(strict_page, url, status=STATUS.get(name, 200))

    # The story page's script still works: "Reply" moves the form under the comment.
    visit(strict_page, site.article.get_absolute_url())
    strict_page.locator(".comments a.reply-link").first.click()
    expect(strict_page.locator(".reply-note")).to_contain_text("Replying to")
    visit(strict_page, "/no-such-page/", status=404)
    assert strict_page.violations == [], "\n".join(strict_page.violations)


def test_admin_pages_run_under_the_policy_without_a_refusal(strict_page):
    site = make_reader_site()
    make_comment(site.article, user_name="Held Reader", is_public=False, hold_reasons=["first_time"])
    UserFactory(username="chief", is_superuser=True)
    page = strict_page

    visit(page, "/admin/login/")
    sign_in(page, "chief")

    # The story editor (django-prose-editor) loads, takes text and saves.
    visit(page, reverse("admin:articles_article_change", args=[site.article.pk]))
    editor = page.locator(".ProseMirror[contenteditable=true]")
    expect(editor).to_be_visible()
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type("A late   paragraph.")  # the editor's own stylesheet keeps the spaces
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_be_visible()
    assert "A late   paragraph." in Article.objects.get(pk=site.article.pk).body.replace("\xa0", " ")
    page.get_by_role("button", name="Save and continue editing").click()  # a second revision to compare
    expect(page.locator(".messagelist")).to_be_visible()
    visit(page, reverse("admin:articles_article_compare", args=[site.article.pk]))

    visit(page, reverse("admin:articles_article_changelist"))
    visit(page, reverse("admin:articles_article_add"))
    visit(page, reverse("admin:articles_article_history", args=[site.article.pk]))
    visit(page, reverse("admin:comments_comment_changelist") + "?status=waiting")
    expect(page.locator("#result_list")).to_contain_text("Held Reader")
    visit(page, reverse("admin:comments_comment_change", args=[site.comment.pk]))
    visit(page, reverse("admin:subscriptions_digest_changelist"))
    visit(page, reverse("admin:subscriptions_digest_preview_next"))
    frame = page.frame_locator("iframe[title='The HTML part']")
    expect(frame.get_by_role("link", name=site.article.headline)).to_be_visible()
    visit(page, reverse("admin:auth_user_add"))
    visit(page, reverse("admin:index"))
    assert page.violations == [], "\n".join(page.violations)
