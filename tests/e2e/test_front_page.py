"""The front page in Chromium, on a phone (390×844) and a laptop (1366×768): one column, then the grid."""

import re

import pytest

from tests.articles.test_cards import story
from tests.factories import SectionFactory

pytestmark = pytest.mark.django_db(transaction=True)

STORY_PATH = re.compile(r"^/[\w-]+/\d{4}/\d\d/\d\d/[\w-]+/$")


@pytest.fixture
def front_page_stories():
    sections = [
        SectionFactory(name=name, slug=name.lower(), position=i)
        for i, name in enumerate(["Ports", "Rail", "Air"])
    ]
    for n in range(20):
        story(hours_ago=n + 1, picture=n % 3 == 0, section=sections[n % 3], headline=f"Harbour story {n}")
    story(hours_ago=5.5, section=sections[1], headline="Fire closes the channel", is_breaking=True)


def boxes(page, selector: str) -> list[dict]:
    return [handle.bounding_box() for handle in page.query_selector_all(selector)]


def open_front(browser, live_server, width: int, height: int):
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto("/")
    return context, page


def assert_each_story_once_with_its_pictures(page):
    links = page.eval_on_selector_all("main a[href]", "links => links.map(a => a.getAttribute('href'))")
    stories = [href for href in links if STORY_PATH.match(href)]
    assert len(stories) == len(set(stories)) >= 15, stories
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    for card in page.query_selector_all("article.card-has-media"):
        img = card.query_selector(".card-media picture img")
        box = img.bounding_box()
        assert box["width"] > 60 and abs(box["width"] / box["height"] - 1.5) < 0.02  # 3:2, cropped


def test_phones_get_one_column_in_the_grids_order(browser, live_server, front_page_stories):
    context, page = open_front(browser, live_server, 390, 844)
    assert_each_story_once_with_its_pictures(page)
    slots = [".breaking", ".front-lead", ".front-secondary", ".most-read", ".section-block"]
    tops = [boxes(page, selector)[0]["y"] for selector in slots]
    assert tops == sorted(tops)
    lefts = {round(boxes(page, selector)[0]["x"]) for selector in slots}
    assert len(lefts) == 1
    context.close()


def test_laptops_get_the_grid(browser, live_server, front_page_stories):
    context, page = open_front(browser, live_server, 1366, 768)
    assert_each_story_once_with_its_pictures(page)
    lead, most_read = boxes(page, ".front-lead")[0], boxes(page, ".most-read")[0]
    assert most_read["x"] >= lead["x"] + lead["width"] and most_read["y"] < lead["y"] + lead["height"]
    row = boxes(page, ".front-secondary .card")
    assert len(row) == 3 and len({round(box["y"]) for box in row}) == 1  # side by side
    blocks = boxes(page, ".section-block")
    assert len({round(box["y"]) for box in blocks[:3]}) == 1  # three across
    lead_img = page.query_selector(".front-lead img")
    assert lead_img.get_attribute("fetchpriority") == "high" and lead_img.get_attribute("loading") == "eager"
    context.close()
