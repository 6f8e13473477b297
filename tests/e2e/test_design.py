"""The reader site's look, measured in Chromium on a phone (390×844) and a laptop (1366×768).

What a reader's thumb and eyes meet: a header that leaves the first screen to the
story, a menu that opens without JavaScript, controls a finger can hit (44×44 px,
WCAG 2.5.5), fields iOS does not zoom into (16 px text), nothing wider than the
screen, destructive buttons that look it, and a dark theme that passes axe.
"""

import pytest
from django.urls import reverse

from articles.models import NEWEST_FIRST, Article
from subscriptions import tokens
from tests.e2e.reader_site import make_reader_site
from tests.factories import ArticleFactory
from tests.subscriptions.conftest import make_subscriber

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
TAP = 44
HEADER_SHARE = 0.15  # of the first screen, at most


@pytest.fixture
def site():
    return make_reader_site()


@pytest.fixture
def open_page(browser, live_server):
    """open_page(url, viewport=PHONE, scheme="light", js=True): a fresh context, then the page."""
    contexts = []

    def open_(url, viewport=PHONE, scheme="light", js=True):
        context = browser.new_context(
            base_url=live_server.url, viewport=viewport, color_scheme=scheme, java_script_enabled=js
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        response = page.goto(url)
        expected = 404 if url.startswith("/no-such-page") else 200
        assert response.status == expected, f"GET {url} answered {response.status}"
        return page

    yield open_
    for context in contexts:
        context.close()


def manage_url(site) -> str:
    subscriber = make_subscriber(email="ada@example.org", sections=[site.section])
    return reverse("subscriptions:manage", args=[tokens.manage_token(subscriber)])


def reader_pages(site) -> dict[str, str]:
    return {
        "home": "/",
        "story": site.article.get_absolute_url(),
        "section": reverse("articles:section", args=[site.section.slug]),
        "search": reverse("articles:search") + "?q=port",
        "newsletter": reverse("subscriptions:signup"),
        "preferences": manage_url(site),
        "report": reverse("comments:report", args=[site.comment.pk]),
        "not found": "/no-such-page/",
    }


def small_targets(page, selector: str, *, side: float = TAP) -> list[str]:
    """The visible elements matching `selector` smaller than side×side px, described."""
    found = page.eval_on_selector_all(
        selector,
        """(els, side) => els.filter((el) => el.getClientRects().length).map((el) => {
            const r = el.getBoundingClientRect();
            return {what: el.outerHTML.slice(0, 80), w: r.width, h: r.height};
        }).filter((t) => t.w < side - 0.5 || t.h < side - 0.5)""",
        side,
    )
    return [f"{t['what']} is {t['w']:.0f}×{t['h']:.0f}" for t in found]


def assert_all_found(page, selector: str) -> None:
    assert page.locator(selector).count(), f"nothing matches {selector!r}: the test would prove nothing"


def test_the_phone_menu_opens_the_sections_and_search_without_javascript(site, open_page):
    page = open_page("/", js=False)
    menu = page.locator("summary.menu-button")
    box = menu.bounding_box()
    assert box["width"] >= TAP and box["height"] >= TAP
    assert menu.inner_text().strip() == "Menu"  # its accessible name
    section_link = page.locator(".nav-sections a", has_text="Ports")
    search = page.locator("#site-search-q")
    assert not section_link.is_visible() and not search.is_visible()

    menu.click()

    assert section_link.is_visible() and search.is_visible()
    assert small_targets(page, ".nav-sections a, .site-search input, .site-search button") == []
    assert page.locator(".site-header").bounding_box()["height"] > PHONE["height"] * HEADER_SHARE
    section_link.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Ports"


def test_the_laptop_header_shows_the_sections_and_search_and_no_menu_button(site, open_page):
    page = open_page("/", viewport=LAPTOP)
    assert not page.locator("summary.menu-button").is_visible()
    assert page.locator(".nav-sections a", has_text="Ports").is_visible()
    assert page.locator("#site-search-q").is_visible()
    assert small_targets(page, ".nav-sections a, .site-search input, .site-search button") == []


def test_no_word_is_too_long_for_a_phone(site, open_page):
    """A headline and a text of unbreakable words on the pages that show them (test_layout.py
    checks every page type at both sizes with ordinary words)."""
    long_one = ArticleFactory(
        live=True,
        section=site.section,
        headline="Pneumonoultramicroscopicsilicovolcanoconiosis-free-zone-declared-at-the-port",
        body="<p>https://example.org/a/very/long/address/that/does/not/break/anywhere/at/all/ok</p>",
    )
    pages = {
        "home": "/",
        "story": long_one.get_absolute_url(),
        "section": reverse("articles:section", args=[site.section.slug]),
        "search": reverse("articles:search") + "?q=Pneumonoultramicroscopicsilicovolcanoconiosis",
    }
    for name, url in pages.items():
        for scheme in ("light", "dark"):
            page = open_page(url, scheme=scheme)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"the {name} page is {overflow}px wider than the phone ({scheme})"


def test_what_a_reader_taps_on_a_phone_is_44_px(site, open_page):
    for n in range(21):  # a second page of the section, for the pagination links
        ArticleFactory(live=True, section=site.section, headline=f"Berth number {n} approved")
    checks = {
        site.article.get_absolute_url(): [
            ".share a",
            ".tags a",
            ".story-header .section-label a",
            ".footer-links a",
            ".newsletter-form input[type=email]",
            ".newsletter-form button",
            "summary.menu-button",
        ],
        reverse("articles:section", args=[site.section.slug]): [".pagination a"],
        reverse("subscriptions:signup"): [".choice-list label", ".field:not(.honeypot) input", "form button"],
        reverse("comments:report", args=[site.comment.pk]): [".field-radio label", ".field-radio"],
        reverse("articles:search") + "?q=port": [".search-result h2 a", ".search-form input"],
    }
    for url, selectors in checks.items():
        page = open_page(url)
        for selector in selectors:
            assert_all_found(page, selector)
            assert small_targets(page, selector) == [], f"{url} {selector}"
    page = open_page(reverse("subscriptions:signup"))
    assert small_targets(page, "input[type=checkbox]", side=24) == []
    page = open_page(reverse("comments:report", args=[site.comment.pk]))
    assert small_targets(page, "input[type=radio]", side=24) == []


def test_fields_have_16px_text_so_phones_do_not_zoom(site, open_page):
    for url in ("/", reverse("subscriptions:signup"), "/no-such-page/", site.article.get_absolute_url()):
        page = open_page(url)
        sizes = page.eval_on_selector_all(
            "input:not([type=hidden]):not([type=checkbox]):not([type=radio]), textarea, select",
            "els => els.map(el => [el.id || el.name, parseFloat(getComputedStyle(el).fontSize)])",
        )
        assert sizes, url
        assert [s for s in sizes if s[1] < 16] == [], url


def test_buttons_look_primary_secondary_and_destructive(site, open_page):
    page = open_page(manage_url(site))

    def background(name):
        button = page.get_by_role("button", name=name)
        assert button.bounding_box()["height"] >= TAP
        return button.evaluate("el => getComputedStyle(el).backgroundColor")

    save, pause, delete = (
        background("Save my choices"),
        background("Pause the newsletter"),
        background("Delete my address"),
    )
    assert len({save, pause, delete}) == 3, (save, pause, delete)
    assert delete == "rgb(179, 38, 30)"  # --danger
    assert pause == "rgba(0, 0, 0, 0)"  # secondary: an outline only


def test_keyboard_focus_is_visible(site, open_page):
    page = open_page(site.article.get_absolute_url(), viewport=LAPTOP)
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the site's name
    outline = page.evaluate(
        "() => [getComputedStyle(document.activeElement).outlineStyle,"
        " getComputedStyle(document.activeElement).outlineWidth]"
    )
    assert outline == ["solid", "3px"]


def test_the_dark_theme_follows_the_system(site, open_page):
    """Dark where the system asks for it (axe checks every page in both themes: test_quality.py)."""
    for scheme, expected in (("light", "rgb(255, 255, 255)"), ("dark", "rgb(18, 18, 18)")):
        page = open_page(site.article.get_absolute_url(), scheme=scheme)
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == expected, scheme


def test_the_not_found_page_offers_search_and_the_latest_stories(site, open_page):
    page = open_page("/no-such-page/")
    field = page.get_by_label("Search stories").last
    assert field.evaluate("el => parseFloat(getComputedStyle(el).fontSize)") >= 16
    assert field.bounding_box()["height"] >= TAP
    latest = page.locator(".latest-list a").all_inner_texts()
    newest = Article.objects.published().order_by(*NEWEST_FIRST)[:5]
    assert latest == [story.headline for story in newest]
    field.fill("terminal")
    field.press("Enter")
    page.wait_for_url("**/search/?q=terminal")
    assert page.get_by_role("link", name=site.article.headline).is_visible()
