"""Readership in Chromium: a story read in the browser is counted after the fold, and shows in
"Most read" and on the story's readership page in the admin; a reader with Global Privacy
Control (or Do Not Track) is not counted at all."""

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.urls import reverse
from playwright.sync_api import expect

from readership.models import StoryHour, StoryReferrer
from tests.e2e.helpers import sign_in
from tests.factories import ArticleFactory, SectionFactory, UserFactory
from tests.readership.conftest import BROWSER

pytestmark = pytest.mark.django_db(transaction=True)

BEACON = "/readership/view/"


@pytest.fixture
def stories():
    ports = SectionFactory(name="Ports", slug="ports")
    read = ArticleFactory(live=True, section=ports, headline="Dredger sinks at berth four")
    ArticleFactory(live=True, section=ports, headline="Tug crews agree a new roster")
    return read


def reader(browser, live_server, **options):
    """A reader's browser: a real browser's user agent (headless Chromium's is a bot's)."""
    context = browser.new_context(base_url=live_server.url, user_agent=BROWSER, **options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def read_story(page, story) -> list:
    """Open the story as a reader would and return the beacons the page sent (and their answers)."""
    beacons = []
    page.on("requestfinished", lambda r: beacons.append(r) if BEACON in r.url else None)
    with page.expect_request_finished(lambda r: BEACON in r.url):
        page.goto(story.get_absolute_url())
    return beacons


def views_of(story) -> int:
    return StoryHour.objects.filter(article=story).aggregate(total=Sum("views"))["total"] or 0


def test_a_story_read_in_the_browser_is_counted_and_shown(browser, live_server, counts, stories):
    elsewhere = []
    page = reader(browser, live_server)
    page.on("request", lambda r: None if r.url.startswith(live_server.url) else elsewhere.append(r.url))
    beacons = read_story(page, stories)
    assert [b.response().status for b in beacons] == [204]
    body = beacons[0].post_data or ""
    assert (
        f"story={stories.pk}" in body and "ref=" in body
    )  # the story and a (here empty) referring domain, no more
    assert views_of(stories) == 0  # counted in Redis, not yet in the database

    call_command("readership_fold", "--once")
    assert views_of(stories) == 1
    assert not StoryReferrer.objects.exists()  # opened directly: no referring site

    page.goto("/")
    most_read = page.locator("aside.most-read")
    expect(most_read.get_by_role("heading", name="Most read")).to_be_visible()
    expect(most_read.get_by_role("link", name=stories.headline)).to_be_visible()
    page.context.close()

    editor = UserFactory(username="editor", role="Editor")
    admin_page = reader(browser, live_server)
    sign_in(admin_page, editor.username)
    admin_page.goto(reverse("admin:articles_article_readership", args=[stories.pk]))
    expect(admin_page.locator("[data-total-views]")).to_have_attribute("data-total-views", "1")
    expect(admin_page.locator("svg[role=img]").first).to_be_visible()
    admin_page.context.close()
    assert elsewhere == []


def test_global_privacy_control_sent_by_the_browser_counts_nothing(browser, live_server, counts, stories):
    """Chromium has no GPC switch: the header goes on every request, the beacon's too, as with GPC on."""
    page = reader(browser, live_server, extra_http_headers={"Sec-GPC": "1"})
    beacons = read_story(page, stories)
    assert [b.response().status for b in beacons] == [204]  # answered like any other, and not counted
    assert beacons[0].response().request.all_headers().get("sec-gpc") == "1"
    page.context.close()
    call_command("readership_fold", "--once")
    assert views_of(stories) == 0


@pytest.mark.parametrize("signal", ["navigator.globalPrivacyControl", "navigator.doNotTrack"])
def test_a_browser_that_asks_not_to_be_tracked_sends_no_beacon(browser, live_server, counts, stories, signal):
    page = reader(browser, live_server)
    value = "true" if signal.endswith("Control") else '"1"'
    page.context.add_init_script(
        f"Object.defineProperty(navigator, {signal.split('.')[1]!r}, {{get: () => {value}}});"
    )
    sent = []
    page.on("request", lambda r: sent.append(r.url) if BEACON in r.url else None)
    page.goto(stories.get_absolute_url())
    page.wait_for_load_state("networkidle")
    assert sent == []
    page.context.close()
    call_command("readership_fold", "--once")
    assert views_of(stories) == 0
