"""The story form and list as an editor meets them: spell-checked, roomy, in the newsroom's order and words.

Frictions 2, 8, 9, 10 and 11 of the editors' desk issue, each checked in Chromium at a laptop's
1366×768 (and the list and form at a phone's 390×844).
"""

import pytest
from playwright.sync_api import expect

from articles.models import Article
from tests.e2e.helpers import sign_in
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
HEADLINE_72 = "Kembang Gateway opens a fourth deepwater berth as feeder queues lengthen"


@pytest.fixture
def laptop(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=LAPTOP)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def editor():
    return UserFactory(username="editor", role="Editor", first_name="Aisha", last_name="Rahman")


def test_the_story_form_is_spell_checked_and_gives_room_to_write(laptop, editor):
    sign_in(laptop, "editor")
    laptop.goto("/admin/articles/article/add/")
    body = laptop.locator(".field-body .ProseMirror[contenteditable=true]")
    expect(body).to_be_visible()
    headline = laptop.get_by_label("Headline:")

    # Spell checking: on for the body (the editor package turns it off unless told) and the words around it.
    assert body.evaluate("el => el.spellcheck") is True
    assert body.get_attribute("spellcheck") != "false"
    for field in (headline, laptop.get_by_label("Standfirst:"), laptop.get_by_label("Caption:")):
        assert field.get_attribute("spellcheck") == "true"
        assert field.evaluate("el => el.spellcheck") is True
    assert laptop.get_by_label("Slug:").get_attribute("spellcheck") is None

    # A 72-character headline is seen whole, in a box as wide as the form.
    assert len(HEADLINE_72) == 72
    headline.fill(HEADLINE_72)
    assert headline.bounding_box()["width"] >= 600
    assert headline.evaluate("el => el.scrollWidth <= el.clientWidth"), "the headline is cut off"
    assert laptop.get_by_label("Standfirst:").bounding_box()["width"] >= 600

    # The body starts as a page, not a line, and grows with the story.
    start = body.bounding_box()["height"]
    assert start >= 300
    body.click()
    for _ in range(30):
        laptop.keyboard.type("The terminal opened on Monday.")
        laptop.keyboard.press("Enter")
    assert body.bounding_box()["height"] > start

    # On a phone the headline still fits the screen.
    laptop.set_viewport_size(PHONE)
    box = headline.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert laptop.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_admin_index_puts_stories_first_and_lists_tags_with_them(laptop, editor):
    sign_in(laptop, "editor")
    captions = laptop.locator("#content-main .module caption").all_inner_texts()
    names = [caption.strip().lower() for caption in captions]
    assert names[0] == "newsroom", names
    assert names.index("comments") < names.index("authentication and authorization")
    assert "taggit" not in names
    newsroom = laptop.locator("#content-main .app-articles")
    rows = newsroom.locator("th[scope=row] a").all_inner_texts()
    assert rows[:5] == ["Stories", "Sections", "Sources", "Authors", "Tags"], rows
    expect(laptop.locator("#content-main")).not_to_contain_text("Articles")

    # The tags' own pages name their app as the newsroom does.
    newsroom.get_by_role("link", name="Tags", exact=True).click()
    expect(laptop.locator(".breadcrumbs")).to_contain_text("Tags")
    expect(laptop.locator(".breadcrumbs")).not_to_contain_text("Taggit")


def test_publishing_and_saving_a_live_story_link_to_it(laptop, editor):
    article = ArticleFactory(headline="Tanjung Selasih reopens its approach channel", section__name="Ports")
    sign_in(laptop, "editor")
    laptop.goto(f"/admin/articles/article/{article.pk}/change/")
    laptop.get_by_role("button", name="Publish now").click()

    live = laptop.locator(".messagelist").get_by_role("link", name="View it on the site")
    expect(live).to_be_visible()
    article.refresh_from_db()
    assert article.is_public
    assert live.get_attribute("href") == article.get_absolute_url()
    box = live.bounding_box()
    assert box["width"] > 0 and box["x"] + box["width"] <= LAPTOP["width"]

    # A plain save of the live story says it is on the site, with the same link.
    laptop.get_by_role("button", name="Save", exact=True).click()
    expect(laptop.locator(".messagelist")).to_contain_text("was changed successfully")
    live = laptop.locator(".messagelist").get_by_role("link", name="View it on the site")
    expect(live).to_have_attribute("href", article.get_absolute_url())
    live.click()
    expect(laptop.get_by_role("heading", level=1)).to_have_text(
        "Tanjung Selasih reopens its approach channel"
    )


def test_saving_a_draft_offers_no_live_link(laptop, editor):
    article = ArticleFactory(headline="A draft about dredging")
    sign_in(laptop, "editor")
    laptop.goto(f"/admin/articles/article/{article.pk}/change/")
    laptop.get_by_role("button", name="Save", exact=True).click()
    expect(laptop.locator(".messagelist")).to_contain_text("was changed successfully")
    expect(laptop.get_by_role("link", name="View it on the site")).to_have_count(0)


def stories_for_the_list():
    sections = [SectionFactory(name=name) for name in ("Ports", "Trade Policy", "Technology")]
    source = SourceFactory(name="Mekong Business Daily")
    authors = [AuthorFactory(name=name) for name in ("Nur Aisyah Rahman", "Marcus Teo", "Tran Minh Chau")]
    for i in range(12):
        ArticleFactory(
            headline=f"Kembang Gateway switches on remote-controlled yard cranes at terminal {i}",
            section=sections[i % 3],
            source=source if i % 2 else None,
            authors=authors[: 1 + i % 3],
            live=i % 3 == 0,
            scheduled=i % 3 == 1,
        )


def test_the_story_list_fits_a_laptop_beside_the_navigation_and_filters(laptop, editor):
    stories_for_the_list()
    sign_in(laptop, "editor")
    laptop.goto("/admin/articles/article/")
    expect(laptop.locator("#nav-sidebar")).to_be_visible()
    expect(laptop.locator("#changelist-filter")).to_be_visible()
    results = laptop.locator("#changelist .results")
    table = laptop.locator("#result_list")
    assert table.bounding_box()["width"] <= results.evaluate("el => el.clientWidth")
    assert results.evaluate("el => el.scrollWidth <= el.clientWidth"), "the list scrolls sideways"
    assert laptop.locator("#result_list th.column-headline").bounding_box()["width"] >= 280

    previews = laptop.locator("#result_list td.field-preview_link a")
    expect(previews).to_have_count(12)
    for preview in previews.all():
        box = preview.bounding_box()
        assert 0 <= box["x"] and box["x"] + box["width"] <= LAPTOP["width"]

    # Status, time and section share one cell; the source stays a filter.
    first = Article.objects.published().order_by("-published_at").first()
    row = laptop.locator("#result_list tbody tr", has_text=first.headline)
    expect(row.locator(".field-status_line")).to_contain_text("Published")
    expect(row.locator(".field-status_line")).to_contain_text(first.section.name)
    expect(laptop.locator("#result_list thead")).not_to_contain_text("Source")
    expect(laptop.locator("#changelist-filter")).to_contain_text("By source")

    # On a phone only the list scrolls sideways, not the page.
    laptop.set_viewport_size(PHONE)
    laptop.reload()
    assert laptop.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert laptop.locator("#result_list th.column-headline").bounding_box()["width"] >= 180
