"""Every reader page passes axe-core (WCAG 2.1 A and AA) and the Nu Html Checker, with nothing found.

The browser loads each page from the live server and axe-core checks it as a
reader's browser renders it, in the light theme and again in the dark one
(prefers-color-scheme: dark, as the browser context emulates it). The raw HTML of
every page goes through vnu.jar in one run per module (the JVM is slow to start);
it is the same in both themes. Pages whose URL does not exist yet are skipped.
"""

import pytest
from django.core.cache import caches
from django.db import transaction
from django.test import Client

from tests.e2e.reader_site import (
    MORE_READER_PAGES,
    PAGE_TYPES,
    STATUS,
    make_reader_site,  # tests/e2e/test_csp.py imports it, READER_PAGES and page_url from here
    page_url,
)
from tests.quality import (
    axe_violations,
    format_violations,
    nu_errors,
    nu_errors_many,
    require_axe,
    require_vnu,
)

pytestmark = pytest.mark.django_db(transaction=True)

# Every page a reader can reach. READER_PAGES (all but the 404, which answers 404 on purpose)
# is what tests/e2e/test_csp.py walks too.
CHECKED_PAGES = {**PAGE_TYPES, **MORE_READER_PAGES}
READER_PAGES = {name: address for name, address in CHECKED_PAGES.items() if name != "not_found"}
THEMES = ("light", "dark")


def clear_caches():
    for cache in caches.all():
        cache.clear()


@pytest.fixture(scope="module")
def nu_report(django_db_setup, django_db_blocker):
    """Nu Html Checker errors for every reader page that exists, from one vnu.jar run.

    The pages are fetched with Django's test client inside a transaction that is
    rolled back, so the transactional tests that follow start from an empty database.
    """
    require_axe()
    require_vnu()
    docs = {}
    with django_db_blocker.unblock():
        with transaction.atomic():
            site = make_reader_site()
            client = Client(raise_request_exception=False)
            for name in CHECKED_PAGES:
                if url := page_url(name, site):
                    docs[name] = client.get(url).content.decode()
            transaction.set_rollback(True)
    clear_caches()
    return nu_errors_many(docs)


@pytest.fixture
def theme_pages(browser, live_server):
    """theme_pages(url) → the page at `url` as a reader's browser that prefers light shows it, then dark."""
    contexts = []

    def open_(url: str):
        for theme in THEMES:
            context = browser.new_context(
                base_url=live_server.url, viewport={"width": 1280, "height": 900}, color_scheme=theme
            )
            contexts.append(context)
            page = context.new_page()
            page.set_default_timeout(15_000)
            yield theme, page, page.goto(url)

    yield open_
    for context in contexts:
        context.close()


@pytest.mark.parametrize("name", list(CHECKED_PAGES))
def test_reader_page_has_no_accessibility_or_html_errors(name, theme_pages, nu_report):
    """axe-core in the light theme and in the dark one (one site for both), the Nu checker once."""
    site = make_reader_site()
    url = page_url(name, site)
    if url is None:
        pytest.skip(f"page not built yet: the {name} page has no URL")
    found = []
    for theme, page, response in theme_pages(url):
        assert response.status == STATUS.get(name, 200), f"GET {url} answered {response.status}"
        assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (theme == "dark")
        if violations := axe_violations(page):
            found.append(f"GET {url} in the {theme} theme: {format_violations(violations)}")
    assert found == [], "\n".join(found)
    errors = nu_report[name]
    assert errors == [], f"GET {url}: Nu Html Checker errors:\n" + "\n".join(errors)


def test_home_page_with_nothing_published_has_no_accessibility_or_html_errors(page):
    """The home page before the first story (the reader pages above cover it with stories).

    It checks one page on its own: nu_errors() starts vnu.jar just for it.
    """
    require_axe()
    require_vnu()
    response = page.goto("/")
    assert response.status == 200
    errors = nu_errors(response.text())
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)
    assert errors == [], "Nu Html Checker errors:\n" + "\n".join(errors)


def test_a_refused_comment_page_has_no_accessibility_or_html_errors(page, settings):
    """The page a reader sees when the comment form is refused: errors listed, their text kept."""
    require_axe()
    require_vnu()
    site = make_reader_site()
    page.goto(site.article.get_absolute_url())
    page.get_by_label("Name", exact=True).fill("Gus Ho")
    page.get_by_label("Email", exact=True).fill("not-an-address")
    page.get_by_label("Comment", exact=True).fill("My thoughts on the terminal.")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Post comment").click()
    html = navigation.value.text()
    assert "Your comment was not posted" in html and "My thoughts on the terminal." in html
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)
    errors = nu_errors(html)
    assert errors == [], "Nu Html Checker errors:\n" + "\n".join(errors)


def test_a_refused_newsletter_signup_has_no_accessibility_or_html_errors(page, settings):
    require_axe()
    require_vnu()
    page.goto("/newsletter/")
    page.get_by_label("Email address").fill("not-an-address")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Subscribe").click()
    html = navigation.value.text()
    assert "Enter a valid email address" in html
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)
    errors = nu_errors(html)
    assert errors == [], "Nu Html Checker errors:\n" + "\n".join(errors)
