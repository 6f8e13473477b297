"""The moderation queue fits a laptop and a phone: every button in full, 8 rows on the first screen.

At 1366x768 and 1280x720 (the issue's laptops), with realistic rows (long headlines,
two-line comments, reports, replies): each button and link in the first rows lies inside
the window, no box that holds them is scrolled sideways (scrollWidth <= clientWidth), and
at least 8 rows stand wholly on the first screen. At 390 px the buttons of the first row are
on screen and at least 44 px tall. The page works without JavaScript, so these check
the markup and the stylesheet, whatever static/js/moderation.js adds.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from comments.models import HoldReason, Report
from tests.comments.helpers import make_comment
from tests.e2e.helpers import sign_in
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

LAPTOPS = [{"width": 1366, "height": 768}, {"width": 1280, "height": 720}]
PHONE = {"width": 390, "height": 844}
ROWS_ON_FIRST_SCREEN = 8

TEXTS = [
    "The dredging plan leaves out the silt from the north basin, which is where the ferries turn.",
    "I have lived on the quay for thirty years and nobody from the council has ever asked us about "
    "the noise at night, the lorries or the dust; this article is the first I have heard of spring "
    "works and I would like to know who signed it off and when the consultation closed.",
    "Cheap watches at www.example.com and www.example.net, best prices!!!",
    "Thanks for covering this.",
    "Does anyone know whether the harbour master's office will publish the timetable for the "
    "closures? My boat is moored at pontoon C and I need to move it before the work starts.",
]


def fill_queue(n: int = 14):
    stories = [
        ArticleFactory(
            live=True, headline="Harbour dredging starts in spring after a decade of delays and two inquiries"
        ),
        ArticleFactory(live=True, headline="Ferry timetable changes"),
    ]
    now = timezone.now()
    comments = []
    for i in range(n):
        story = stories[i % 2]
        comment = make_comment(
            story,
            is_public=i % 4 == 3,
            hold_reasons=[] if i % 4 == 3 else [HoldReason.FIRST_TIME, HoldReason.LINKS][: 1 + i % 2],
            user_name=["Ada Reader", "Bartholomew Quayside-Henderson", "Cy"][i % 3],
            user_email=f"reader.with.a.long.address{i}@harbour-residents.example.org",
            ip_address="2001:db8:85a3::8a2e:370:7334" if i % 2 else "203.0.113.7",
            comment=TEXTS[i % len(TEXTS)],
            submit_date=now - timedelta(minutes=7 * i),
            parent_id=comments[-1].pk if i % 5 == 4 else 0,
        )
        if i % 4 == 3:
            Report.objects.create(comment=comment, reporter_key=f"ip:{i}", reason=Report.Reason.ABUSE)
        comments.append(comment)
    return comments


BOX_CHECK = """() => {
  const problems = [];
  const rows = [...document.querySelectorAll("article.mod-item")];
  const within = (r) => r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight;
  const onFirstScreen = rows.filter((row) => within(row.getBoundingClientRect()));
  for (const row of onFirstScreen) {
    for (const el of row.querySelectorAll(".mod-button, summary, a, input.action-select")) {
      if (!el.checkVisibility()) continue;
      const r = el.getBoundingClientRect();
      if (!within(r)) problems.push(`${row.id} ${el.textContent.trim() || el.className} outside the window`);
      for (let box = el.parentElement; box && box !== document.body; box = box.parentElement) {
        if (box.scrollWidth > box.clientWidth + 1 && getComputedStyle(box).overflowX !== "visible") {
          const size = `${box.scrollWidth} > ${box.clientWidth}`;
          problems.push(`${row.id}: ${box.tagName}.${box.className} clips (${size})`);
        }
      }
      if (el.scrollWidth > el.clientWidth + 1 && el.tagName === "BUTTON") {
        problems.push(`${row.id} ${el.textContent.trim()} is cut (${el.scrollWidth} > ${el.clientWidth})`);
      }
    }
  }
  const page = document.documentElement;
  if (page.scrollWidth > page.clientWidth) problems.push(`the page scrolls sideways (${page.scrollWidth})`);
  return {rows: onFirstScreen.length, problems};
}"""


@pytest.fixture
def moderator(db):
    return UserFactory(username="moderator", role="Moderator")


def open_queue(browser, live_server, viewport):
    context = browser.new_context(base_url=live_server.url, viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, "moderator")
    page.goto("/admin/comments/comment/")
    return context, page


@pytest.mark.parametrize("viewport", LAPTOPS, ids=lambda v: f"{v['width']}x{v['height']}")
def test_the_queue_fits_a_laptop_with_every_button_whole(browser, live_server, moderator, viewport):
    fill_queue()
    context, page = open_queue(browser, live_server, viewport)
    try:
        result = page.evaluate(BOX_CHECK)
        assert result["problems"] == [], result["problems"]
        assert result["rows"] >= ROWS_ON_FIRST_SCREEN, f"only {result['rows']} rows on the first screen"
        # The buttons of the first row stand on its right, beside the text.
        first = page.locator("article.mod-item").first
        row_box = first.bounding_box()
        button_box = first.locator(".mod-button").first.bounding_box()
        assert button_box["y"] < row_box["y"] + 30
    finally:
        context.close()


def test_the_queue_works_on_a_phone(browser, live_server, moderator):
    fill_queue(4)
    context, page = open_queue(browser, live_server, PHONE)
    try:
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
        first = page.locator("article.mod-item").first
        for control in first.locator(".mod-button:visible, summary:visible").all():
            box = control.bounding_box()
            assert 0 <= box["x"] and box["x"] + box["width"] <= PHONE["width"], control.text_content()
            assert box["height"] >= 44, control.text_content()
        first.locator("summary").click()
        remove = first.locator('.mod-button[data-action="remove"]')
        remove.scroll_into_view_if_needed()
        box = remove.bounding_box()
        assert box["x"] + box["width"] <= PHONE["width"] and box["height"] >= 44
    finally:
        context.close()
