"""The story form as an editor meets it (issue 17, 3 to 7): tags, slugs, sources, sections, syndication."""

import re

import pytest
from playwright.sync_api import expect
from taggit.models import Tag

from articles.models import Article, Section, Source
from tests.e2e.helpers import sign_in
from tests.factories import ArticleFactory, SectionFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

ADD = "/admin/articles/article/add/"


@pytest.fixture
def editor(page):
    UserFactory(username="editor", role="Editor")
    sign_in(page, "editor")
    return page


def start_story(page, headline: str, section: str = "Ports"):
    page.goto(ADD)
    page.get_by_label("Headline:").press_sequentially(headline)
    page.locator(".ProseMirror[contenteditable=true]").click()
    page.keyboard.type("The berth opened on Monday.")
    page.get_by_label("Section:").select_option(label=section)


def chips(page):
    return page.locator(".tag-chip > span")


def test_tags_typed_with_enter_and_tab_and_picked_from_suggestions_exist_after_saving(editor):
    page = editor
    SectionFactory(name="Ports", slug="ports")
    ports = Tag.objects.create(name="Port expansion")
    Tag.objects.create(name="Labour")
    start_story(page, "Johor port adds a berth")

    tags = page.get_by_label("Tags:")
    tags.fill("Green fuel")
    tags.press("Enter")
    expect(chips(page)).to_have_text(["Green fuel"])
    expect(tags).to_have_value("")
    assert Article.objects.count() == 0  # Enter made a tag; it did not send the form

    tags.press_sequentially("Dredging")
    tags.press("Tab")
    expect(chips(page)).to_have_text(["Green fuel", "Dredging"])
    expect(tags).not_to_be_focused()  # Tab made the tag and moved on

    tags.press_sequentially("port ex")
    expect(page.locator("#id_tags_suggestions option")).to_have_text(["Port expansion"])
    label = page.locator("label[for=id_tags]")
    box = label.bounding_box()
    on_top = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('label')?.htmlFor",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert on_top == "id_tags"  # nothing covers the label while suggestions are offered
    # Headless Chromium draws no list to click: pick the suggestion the way Chromium reports a pick.
    tags.evaluate(
        """(box) => {
            box.value = document.querySelector("#id_tags_suggestions option").value;
            box.dispatchEvent(new InputEvent("input", {bubbles: true, inputType: "insertReplacementText"}));
        }"""
    )
    expect(chips(page)).to_have_text(["Green fuel", "Dredging", "Port expansion"])

    tags.press_sequentially("Typo")
    tags.press(",")
    expect(chips(page)).to_have_count(4)
    tags.press("Backspace")  # the box is empty: the last chip goes
    expect(chips(page)).to_have_text(["Green fuel", "Dredging", "Port expansion"])
    page.get_by_role("button", name="Remove tag Dredging").click()
    expect(chips(page)).to_have_text(["Green fuel", "Port expansion"])
    tags.press_sequentially("labour")  # typed, not confirmed: saving keeps it
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    story = Article.objects.get()
    saved = {tag.name: tag.pk for tag in story.tags.all()}
    assert saved.keys() == {"Green fuel", "Port expansion", "Labour"}
    assert saved["Port expansion"] == ports.pk and Tag.objects.count() == 3  # reused, not doubled
    expect(chips(page)).to_have_text(["Green fuel", "Labour", "Port expansion"])

    # Code that fills the form again (a restored autosave) sets the field and says so.
    page.locator("input[name=tags]").evaluate(
        """(field) => {
            field.value = 'Weather, "Ships, boats"';
            field.dispatchEvent(new Event("change", {bubbles: true}));
        }"""
    )
    expect(chips(page)).to_have_text(["Weather", "Ships, boats"])


def test_without_javascript_tags_are_a_plain_comma_separated_box(browser, live_server):
    UserFactory(username="editor", role="Editor")
    story = ArticleFactory(headline="Quay", tags=["Ports", "Green fuel"])
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, "editor")
    page.goto(f"/admin/articles/article/{story.pk}/change/")
    tags = page.get_by_label("Tags:")
    expect(tags).to_have_value("Green fuel, Ports")
    tags.fill("Green fuel, ports, Dredging")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert sorted(story.tags.names()) == ["Dredging", "Green fuel", "Ports"]
    assert Tag.objects.filter(name__iexact="ports").count() == 1
    context.close()


def test_the_same_headline_twice_gives_two_stories_with_distinct_slugs(editor):
    page = editor
    SectionFactory(name="Ports", slug="ports")
    for _ in range(2):
        start_story(page, "Port strike ends")
        expect(page.get_by_label("Slug:")).to_have_value("port-strike-ends")
        page.get_by_role("button", name="Save and continue editing").click()
        expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    expect(page.locator(".messagelist .warning")).to_have_text(
        "The address “port-strike-ends” was taken, so this story’s is “port-strike-ends-2”."
    )
    expect(page.get_by_label("Slug:")).to_have_value("port-strike-ends-2")
    assert sorted(Article.objects.values_list("slug", flat=True)) == [
        "port-strike-ends",
        "port-strike-ends-2",
    ]


def test_a_source_saved_without_a_credit_is_credited_by_its_name(editor):
    page = editor
    page.goto("/admin/articles/source/add/")
    expect(page.get_by_label("Attribution:")).to_have_attribute("placeholder", "The name above")
    page.get_by_label("Name:").fill("The Star Online")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    expect(page.get_by_label("Attribution:")).to_have_value("The Star Online")
    source = Source.objects.get()
    assert source.attribution == "The Star Online"

    story = ArticleFactory(live=True, headline="Penang port grows", source=source)
    page.goto(story.get_absolute_url())
    expect(page.locator(".attribution")).to_contain_text("– The Star Online")


def test_a_section_added_from_the_story_form_goes_last_and_nothing_can_be_deleted_there(editor):
    page = editor
    SectionFactory(name="Ports", slug="ports")
    SectionFactory(name="Courts", slug="courts")
    SourceFactory(name="Harbour Wire")
    page.goto(ADD)
    page.get_by_role("group", name="Syndication").locator("summary").click()
    for field in ("section", "source"):
        expect(page.locator(f"#delete_id_{field}")).to_have_count(0)
        expect(page.locator(f"#add_id_{field}")).to_be_visible()
        expect(page.locator(f"#change_id_{field}")).to_have_count(1)

    with page.expect_popup() as opened:
        page.locator("#add_id_section").click()
    popup = opened.value
    last = max(Section.objects.exclude(name="Weather").values_list("position", flat=True))
    expect(popup.get_by_label("Order:")).to_have_value(str(last + 1))
    popup.get_by_label("Name:").fill("Weather")
    with popup.expect_event("close"):
        popup.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_label("Section:").locator("option:checked")).to_have_text("Weather")
    assert list(Section.objects.values_list("name", flat=True)) == ["Ports", "Courts", "Weather"]


def syndication_fields_shown(page) -> bool:
    return page.get_by_label("Original URL:").is_visible()


def test_syndication_is_open_when_a_story_has_a_source_and_closed_when_not(editor):
    page = editor
    SectionFactory(name="Ports", slug="ports")
    SourceFactory(name="The Star Online")
    plain = ArticleFactory(headline="Our own story")
    page.goto(f"/admin/articles/article/{plain.pk}/change/")
    expect(page.get_by_label("Original URL:")).to_be_hidden()

    start_story(page, "")  # no headline: the form comes back with an error
    page.get_by_role("group", name="Syndication").locator("summary").click()
    page.locator(".field-source .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill("Star")
    page.locator(".select2-results__option", has_text="The Star Online").click()
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".errornote")).to_be_visible()
    expect(page.get_by_label("Original URL:")).to_be_visible()  # open, with the source still chosen

    page.get_by_label("Headline:").press_sequentially("Penang port grows")
    expect(page.get_by_label("Slug:")).to_have_value("penang-port-grows")
    page.get_by_label("Original URL:").fill("https://www.thestar.com.my/penang-port")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    expect(page.get_by_label("Original URL:")).to_be_visible()
    expect(page.get_by_label("Original URL:")).to_have_value(re.compile("thestar"))
    assert Article.objects.get(slug="penang-port-grows").source.name == "The Star Online"
