"""Two editors on one story: the second sees the first editing, and a save from the older version is
refused with what the first changed, the second's text kept; saving again keeps the second's version."""

import os
import re
from pathlib import Path

import pytest
import reversion
from playwright.sync_api import expect

from articles.models import Article
from tests.e2e.helpers import sign_in
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

# NEWSROOM_SHOTS=<folder> keeps screenshots of the banner and the refusal, to look at.
SHOTS = os.environ.get("NEWSROOM_SHOTS")

EDITING = re.compile(r"Aisha Rahman is editing this story since \d\d:\d\d\.")


def editor_page(browser, live_server, username, width=1366, height=768):
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, username)
    return page


def shot(page, name, **options):
    if SHOTS:
        page.screenshot(path=Path(SHOTS) / f"presence-{name}.png", **options)


def type_at_end_of_body(page, text):
    page.locator(".ProseMirror[contenteditable=true]").click()
    page.keyboard.press("Control+End")
    page.keyboard.type(text)


def test_two_editors_on_one_story(browser, live_server, settings):
    settings.NEWSROOM_EDITING_HEARTBEAT_SECONDS = 1  # the banners update within the test
    aisha = UserFactory(username="aisha", role="Editor", first_name="Aisha", last_name="Rahman")
    UserFactory(username="ben", role="Editor", first_name="Ben", last_name="Tan")
    with reversion.create_revision():
        reversion.set_user(aisha)
        story = ArticleFactory(
            headline="Port opens a berth", body="<p>The board voted on Tuesday.</p>", created_by=aisha
        )
    url = f"/admin/articles/article/{story.pk}/change/"

    a = editor_page(browser, live_server, "aisha")
    a.goto(url)
    b = editor_page(browser, live_server, "ben")
    b.goto(url)
    expect(b.locator("#desk-presence")).to_contain_text(EDITING)  # drawn by the server
    expect(a.locator("#desk-presence")).to_contain_text(
        "Ben Tan is editing this story since"
    )  # by the heartbeat
    shot(b, "banner-1366")

    type_at_end_of_body(a, " Aisha adds the vote count.")
    a.get_by_role("button", name="Save and continue editing").click()
    expect(a.locator(".messagelist")).to_contain_text("was changed successfully")

    b.get_by_label("Headline:").fill("Port opens its fourth berth")
    type_at_end_of_body(b, " Ben adds a quote.")
    b.get_by_role("button", name="Save and continue editing").click()

    conflict = b.locator("#desk-conflict")
    expect(conflict).to_contain_text(
        re.compile(r"Aisha Rahman saved this story at \d\d:\d\d, after you opened it")
    )
    expect(conflict.locator("ins")).to_contain_text(["Aisha adds the vote count."])
    expect(b.locator(".errorlist")).to_contain_text("Save again to keep your version")
    expect(b.get_by_label("Headline:")).to_have_value("Port opens its fourth berth")
    expect(b.locator(".ProseMirror[contenteditable=true]")).to_contain_text("Ben adds a quote.")
    stored = Article.objects.get(pk=story.pk)
    assert stored.headline == "Port opens a berth" and "Aisha adds the vote count." in stored.body
    shot(b, "conflict-1366", full_page=True)
    b.set_viewport_size({"width": 390, "height": 844})
    shot(b, "conflict-390", full_page=True)
    b.set_viewport_size({"width": 1366, "height": 768})

    b.get_by_role("button", name="Save and continue editing").click()
    expect(b.locator(".messagelist")).to_contain_text("was changed successfully")
    stored = Article.objects.get(pk=story.pk)
    assert stored.headline == "Port opens its fourth berth" and "Ben adds a quote." in stored.body

    expect(b.locator("#desk-presence")).to_contain_text(EDITING)
    a.goto("/admin/")  # Aisha leaves the story: her page's beacon says so
    expect(b.locator("#desk-presence")).not_to_contain_text("is editing", timeout=10_000)
    a.context.close()
    b.context.close()


def test_the_banner_on_a_phone(browser, live_server, settings):
    aisha = UserFactory(username="aisha", role="Editor", first_name="Aisha", last_name="Rahman")
    UserFactory(username="ben", role="Editor")
    story = ArticleFactory(created_by=aisha)
    url = f"/admin/articles/article/{story.pk}/change/"
    a = editor_page(browser, live_server, "aisha")
    a.goto(url)
    b = editor_page(browser, live_server, "ben", width=390, height=844)
    b.goto(url)
    banner = b.locator(".desk-presence-list")
    expect(banner).to_contain_text(EDITING)
    box = banner.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    shot(b, "banner-390")
    a.context.close()
    b.context.close()
