"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Playwright cannot download its own browsers here, so it launches the system
Chromium (`apt-get install chromium`). Without it these tests are skipped with
that hint, unless NEWSROOM_REQUIRE_BROWSER=1 (as in CI), where they fail.
"""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        message = "Chromium is not installed: run `apt-get install chromium` to run the browser tests."
        if os.environ.get("NEWSROOM_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in the test's thread; the ORM calls
    # the tests make around it are still plain synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def third_party_requests(page, live_server):
    """Every request the page makes that does not go to our own server."""
    seen = []
    page.on(
        "request",
        lambda r: None if r.url.startswith((live_server.url, "data:", "blob:")) else seen.append(r.url),
    )
    return seen
