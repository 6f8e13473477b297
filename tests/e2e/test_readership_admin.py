"""Readership in the editors' admin, in Chromium: a story's page and the desk's panel, clean and in place.

NEWSROOM_SHOTS=<folder> keeps screenshots, admin-*.png (the readership page, the desk and the
story list, at a laptop's 1366 px and a phone's 390 px), for a person to look at.
"""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article
from readership.folding import hour_of, readership_fold
from tests.e2e.helpers import sign_in, watched_page
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, UserFactory
from tests.quality import axe_violations, format_violations, nu_errors_many, require_axe, require_vnu
from tests.readership.conftest import BROWSER, record_views

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SIZES = {"1366": (1366, 768), "390": (390, 844)}
SHOTS = os.environ.get("NEWSROOM_SHOTS")


def shoot(page, name: str, full_page: bool = True) -> None:
    if SHOTS:
        page.screenshot(path=Path(SHOTS) / f"admin-{name}.png", full_page=full_page)


@pytest.fixture
def figures():
    """An editor, and a newsroom read for three weeks: one older story, and the week's in three sections."""
    UserFactory(username="aisha", role="Editor", first_name="Aisha", last_name="Rahman")
    now = timezone.now()
    current = hour_of(now)
    sections = [SectionFactory(name=name) for name in ("Ports", "Trade Policy", "Technology")]
    authors = [AuthorFactory(name=name) for name in ("Nur Aisyah Rahman", "Marcus Teo")]
    older = ArticleFactory(
        live=True,
        section=sections[0],
        authors=authors,
        headline="Kembang Gateway opens a fourth deepwater berth as feeder queues lengthen",
    )
    Article.objects.filter(pk=older.pk).update(published_at=now - timedelta(days=21, hours=5))
    hours = {
        current - timedelta(hours=h): 3 + (h * 37) % 90 + (400 if h % 24 == 9 else 0) for h in range(0, 500)
    }
    record_views(older, hours, {"news.example.org": 2100, "t.co": 640, "search.example": 380})
    for i in range(7):
        story = ArticleFactory(
            live=True,
            section=sections[i % 3],
            authors=authors[: 1 + i % 2],
            headline=f"Terminal {i} switches on remote-controlled yard cranes before the monsoon",
        )
        record_views(story, {current - timedelta(hours=h * (i + 1)): 40 * (7 - i) + h for h in range(30)},
                     {"social.example": 10 * i})  # fmt: skip
    return {"older": Article.objects.get(pk=older.pk), "total": sum(hours.values())}


def readership_url(story) -> str:
    return f"/admin/articles/article/{story.pk}/readership/"


def third_party(page, base_url: str) -> list[str]:
    seen = []
    page.on("request", lambda r: None if r.url.startswith((base_url, "data:")) else seen.append(r.url))
    return seen


def test_the_readership_page_and_the_desk_pass_axe_and_the_nu_checker(browser, live_server, figures):
    require_axe()
    page = watched_page(browser, live_server.url)
    elsewhere = third_party(page, live_server.url)
    sign_in(page, "aisha")
    pages = {"readership page": readership_url(figures["older"]), "desk with figures": "/admin/"}
    html = {}
    for name, url in pages.items():
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            page.goto(url)
            violations = axe_violations(page)
            assert violations == [], f"{name}, {scheme}: {format_violations(violations)}"
        html[name] = page.content()
    require_vnu()
    assert nu_errors_many(html) == {name: [] for name in html}
    assert page.problems == [] and elsewhere == []
    page.context.close()


def test_the_page_gives_the_figures_and_the_desk_leads_to_it(browser, live_server, figures):
    older = figures["older"]
    for size, (width, height) in SIZES.items():
        page = watched_page(browser, live_server.url, width, height)
        elsewhere = third_party(page, live_server.url)
        sign_in(page, "aisha")
        panel = page.locator("#desk-readership")
        expect(panel.get_by_role("heading", name="This week", exact=True)).to_be_visible()
        expect(panel.locator("svg.rs-spark")).to_have_count(10)  # five stories today, five this week
        shoot(page, f"dashboard-{size}")
        assert page.evaluate("document.scrollingElement.scrollWidth") <= width

        panel.get_by_role("link", name=older.headline).first.click()
        page.wait_for_url(f"**{readership_url(older)}")
        total = page.locator("[data-total-views]")
        assert total.get_attribute("data-total-views") == str(figures["total"])
        expect(total).to_have_text(f"{figures['total']:,}")
        expect(page.get_by_role("img", name="Views per hour, the last 14 days")).to_be_visible()
        expect(page.get_by_role("img", name="Views per day since publication")).to_be_visible()
        expect(page.get_by_role("rowheader", name="news.example.org")).to_be_visible()
        shoot(page, f"readership-{size}")
        assert page.evaluate("document.scrollingElement.scrollWidth") <= width  # only the charts scroll
        if size == "1366":
            page.emulate_media(color_scheme="dark")
            shoot(page, "readership-1366-dark")
            page.emulate_media(color_scheme="light")
        page.get_by_role("link", name=older.headline[:40], exact=False).first.click()  # the breadcrumb
        expect(page.get_by_role("link", name="Readership", exact=True)).to_be_visible()
        assert page.problems == [] and elsewhere == []
        page.context.close()


def test_the_story_list_with_its_views_still_fits_a_laptop(browser, live_server, figures):
    page = watched_page(browser, live_server.url)
    sign_in(page, "aisha")
    page.goto("/admin/articles/article/?o=-3")
    expect(page.locator("#changelist-filter")).to_be_visible()
    results = page.locator("#changelist .results")
    assert results.evaluate("el => el.scrollWidth <= el.clientWidth"), "the list scrolls sideways"
    assert page.locator("#result_list th.column-headline").bounding_box()["width"] >= 280
    first = page.locator("#result_list tbody tr").first
    expect(first.locator("td.field-views")).to_have_text(
        f"{figures['total']:,} views: readership of “{figures['older'].headline}”"
    )
    cell, header = (
        first.locator("td.field-views").bounding_box(),
        page.locator("th.column-views").bounding_box(),
    )
    assert cell["x"] + cell["width"] <= page.viewport_size["width"]
    assert header["width"] < 100
    shoot(page, "list-1366", full_page=False)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(page, "list-390", full_page=False)
    assert page.problems == []
    page.context.close()


def test_a_readers_view_reaches_the_editors_page_after_the_fold(browser, live_server, counts):
    UserFactory(username="aisha", role="Editor")
    story = ArticleFactory(live=True, headline="Harbour dredging starts in spring")
    reader = browser.new_context(base_url=live_server.url, user_agent=BROWSER)
    page = reader.new_page()
    with page.expect_response("**/readership/view/") as beacon:
        page.goto(story.get_absolute_url())
    assert beacon.value.status == 204
    reader.close()
    assert readership_fold().views == 1

    editor = watched_page(browser, live_server.url)
    sign_in(editor, "aisha")
    editor.goto(readership_url(story))
    assert editor.locator("[data-total-views]").get_attribute("data-total-views") == "1"
    expect(editor.locator("[data-last-day-views]")).to_have_text("1")
    editor.goto("/admin/")
    expect(editor.locator("#desk-readership")).to_contain_text("Harbour dredging starts in spring")
    assert editor.problems == []
    editor.context.close()
