"""Every reader page type fits a phone (390×844) and a laptop (1366×768), as the issue's bar asks.

On each page type, at both sizes: nothing wider than the window (no sideways scrolling),
and a thumbnail in every list item whose story has a lead image. On the phone: every tap
target at least 44×44 CSS px (WCAG 2.5.5) and the site header at most 15 % of the first
screen. On the front page: no story twice.

What counts as a tap target: every visible a, button, input, select, textarea and summary;
a checkbox or radio counts by its label (the label row is what the finger hits). The one
exemption is WCAG 2.5.5's "inline" one, read narrowly: a link inside a paragraph or list
item of running text (a story's body, a comment's text, a site page's content) that has
words of its own besides the link. Bylines, meta lines, tags, share and action links are
not running text and must be 44 px tall like any other control.

The markup the checks rely on (agreed with the templates): list items are `article.card`
(headline link in `.card-headline a`, picture in `.card-media`) and `.search-result`; the
header is `header.site-header`.
"""

import pytest

from tests.e2e.reader_site import PAGE_TYPES, STATUS, make_reader_site, page_url

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
MIN_TARGET = 44  # CSS px, WCAG 2.5.5 (AAA) and the issue
HEADER_SHARE = 0.15  # of the phone's first screen
LIST_PAGES = ("home", "section", "tag", "author", "source", "search")
LIST_ITEMS = "main article.card, main .search-result"

# Running text whose links WCAG 2.5.5 exempts ("the target is in a sentence or block of text").
RUNNING_TEXT = ".story .body, .comment-text, article.page"

SMALL_TARGETS = """([minimum, runningText]) => {
  const visible = (el) => {
    if (!el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) return false;
    const r = el.getBoundingClientRect();
    return r.width > 1 && r.height > 1 && r.right > 0 && r.bottom + scrollY > 0;
  };
  const inSentence = (el) => {
    if (el.tagName !== "A") return false;
    const block = el.closest("p, li");
    if (!block || !block.closest(runningText)) return false;
    return block.textContent.replace(el.textContent, "").trim().length > 0;
  };
  const targets = new Set();
  for (const el of document.querySelectorAll("a[href], button, input, select, textarea, summary")) {
    if (el.type === "hidden") continue;
    if ((el.type === "checkbox" || el.type === "radio") && el.labels && el.labels.length) {
      el.labels.forEach((label) => targets.add(label));
    } else {
      targets.add(el);
    }
  }
  const small = [];
  for (const el of targets) {
    if (!visible(el) || inSentence(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.width < minimum - 0.5 || r.height < minimum - 0.5) {
      const name = (el.textContent || el.value || el.getAttribute("aria-label") || el.name || "").trim();
      const size = `${Math.round(r.width)}×${Math.round(r.height)}`;
      small.push(`${size} ${el.outerHTML.slice(0, 60)} ${name.slice(0, 40)}`);
    }
  }
  return small;
}"""

OVERFLOW = """() => {
  const width = document.scrollingElement.scrollWidth;
  const wide = [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > innerWidth + 0.5)
    .slice(0, 3).map((el) => el.outerHTML.slice(0, 80));
  return {width, wide};
}"""

ITEMS_WITHOUT_PICTURE = """([selector, withPicture]) => {
  const items = [...document.querySelectorAll(selector)];
  const missing = items
    .filter((item) => [...item.querySelectorAll("a[href]")].some((a) => withPicture.includes(a.pathname)))
    .filter((item) => !item.querySelector("picture, img"))
    .map((item) => item.textContent.trim().replace(/\\s+/g, " ").slice(0, 70));
  return {count: items.length, missing};
}"""


@pytest.fixture
def open_page(browser, live_server):
    """open_page(url, viewport) → a Playwright page showing `url` in a window of that size."""
    contexts = []

    def open_(url: str, viewport: dict, status: int = 200):
        context = browser.new_context(base_url=live_server.url, viewport=viewport)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        response = page.goto(url)
        assert response.status == status, f"GET {url} answered {response.status}"
        return page

    yield open_
    for context in contexts:
        context.close()


def pictured_paths(site) -> list[str]:
    return [story.get_absolute_url() for story in [site.article, *site.others] if story.lead_image]


def layout_problems(page, name: str, size: str, site) -> list[str]:
    problems = []
    viewport = page.viewport_size
    overflow = page.evaluate(OVERFLOW)
    if overflow["width"] > viewport["width"]:
        problems.append(
            f"{size}: {overflow['width']} px wide in a {viewport['width']} px window: {overflow['wide']}"
        )
    if size == "phone":
        small = page.evaluate(SMALL_TARGETS, [MIN_TARGET, RUNNING_TEXT])
        problems += [f"phone: tap target under {MIN_TARGET}×{MIN_TARGET}: {target}" for target in small]
        header = page.locator("header.site-header")
        if header.count() != 1:
            problems.append("phone: no header.site-header")
        elif (height := header.bounding_box()["height"]) > HEADER_SHARE * viewport["height"]:
            problems.append(f"phone: the header is {height:.0f} px, over 15 % of {viewport['height']} px")
    lists = page.evaluate(ITEMS_WITHOUT_PICTURE, [LIST_ITEMS, pictured_paths(site)])
    if name in LIST_PAGES and lists["count"] == 0:
        problems.append(f"{size}: no list items ({LIST_ITEMS})")
    problems += [f"{size}: a story with a picture listed without one: {item}" for item in lists["missing"]]
    return problems


@pytest.mark.parametrize("name", list(PAGE_TYPES))
def test_page_fits_a_phone_and_a_laptop(name, open_page):
    site = make_reader_site()
    url = page_url(name, site)
    if url is None:
        pytest.skip(f"page not built yet: the {name} page has no URL")
    problems = []
    for size, viewport in (("phone", PHONE), ("laptop", LAPTOP)):
        page = open_page(url, viewport, STATUS.get(name, 200))
        problems += layout_problems(page, name, size, site)
    counted = {problem: problems.count(problem) for problem in problems}  # in order, each once
    lines = [problem + (f" (×{n})" if n > 1 else "") for problem, n in counted.items()]
    assert problems == [], f"GET {url}:\n" + "\n".join(lines)


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_the_front_page_shows_no_story_twice(viewport, open_page):
    site = make_reader_site()
    page = open_page("/", viewport)
    links = page.eval_on_selector_all(
        "main article.card .card-headline a", "links => links.map(a => a.pathname)"
    )
    assert links, "no card headlines (main article.card .card-headline a) on the front page"
    twice = sorted({link for link in links if links.count(link) > 1})
    assert twice == [], f"on the front page more than once: {twice}"
    stories = {story.get_absolute_url() for story in [site.article, *site.others]}
    assert set(links) <= stories
