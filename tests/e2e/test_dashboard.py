"""The admin's front page as an editor's desk, in Chromium: the panels, one click to a story, clean HTML."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article
from comments.models import HoldReason
from tests.comments.helpers import make_comment
from tests.e2e.helpers import sign_in, watched_page
from tests.factories import ArticleFactory, CorrectionFactory, UserFactory
from tests.quality import axe_violations, format_violations, nu_errors_many, require_axe, require_vnu

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

Status = Article.Status


@pytest.fixture
def newsroom(db):
    editor = UserFactory(username="aisha", role="Editor", first_name="Aisha", last_name="Rahman")
    reporter = UserFactory(username="ravi", role="Reporter", first_name="Ravi", last_name="Menon")
    now = timezone.now()
    waiting = ArticleFactory(
        status=Status.IN_REVIEW, headline="Pilots strike over night shifts", created_by=reporter
    )
    Article.objects.filter(pk=waiting.pk).update(status_changed_at=now - timedelta(hours=3))
    ArticleFactory(
        status=Status.PUBLISHED, published_at=now + timedelta(hours=5), headline="Tide tables for May"
    )
    ArticleFactory(created_by=editor, headline="Notes on the harbour budget")
    corrected = ArticleFactory(live=True, headline="New berth opens at the north quay")
    CorrectionFactory(article=corrected)
    make_comment(corrected, is_public=False, hold_reasons=[HoldReason.FIRST_TIME])
    return {"editor": editor, "waiting": waiting}


@pytest.fixture
def desk(browser, live_server):
    page = watched_page(browser, live_server.url)
    yield page
    page.context.close()


def test_an_editor_opens_the_desk_and_a_story_in_review_with_one_click(desk, newsroom):
    sign_in(desk, "aisha")
    for name in ("In review", "Scheduled", "My drafts", "Recently published", "Comments waiting"):
        expect(desk.get_by_role("heading", name=name)).to_be_visible()
    expect(desk.locator("#desk-readership")).to_contain_text("not counted yet")
    in_review = desk.locator("#desk-in_review")
    expect(in_review).to_contain_text("Ravi Menon")
    expect(desk.locator("#desk-scheduled")).to_contain_text("Tide tables for May")
    expect(desk.locator("#desk-drafts")).to_contain_text("Notes on the harbour budget")
    expect(desk.locator("#desk-published")).to_contain_text("corrected")
    expect(desk.locator("#moderation-waiting")).to_contain_text("1 comment waiting for moderation")
    # Every panel of the editor's desk is in the laptop's first screen.
    for panel in desk.locator(".desk-panel").all():
        assert panel.bounding_box()["y"] < 768, panel.get_attribute("id")

    in_review.get_by_role("link", name="Pilots strike over night shifts").click()
    desk.wait_for_url(f"**/admin/articles/article/{newsroom['waiting'].pk}/change/")
    expect(desk.get_by_label("Headline")).to_have_value("Pilots strike over night shifts")
    assert desk.problems == []


def test_the_desk_is_one_column_on_a_phone(browser, live_server, newsroom):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    sign_in(page, "aisha")
    boxes = [panel.bounding_box() for panel in page.locator(".desk-panel").all()]
    assert len({round(box["x"]) for box in boxes}) == 1
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    context.close()


def test_the_desk_passes_axe_and_the_nu_checker(desk, newsroom):
    require_axe()
    sign_in(desk, "aisha")
    for scheme in ("light", "dark"):
        desk.emulate_media(color_scheme=scheme)
        desk.goto("/admin/")
        violations = axe_violations(desk)
        assert violations == [], f"{scheme}: {format_violations(violations)}"
    require_vnu()
    assert nu_errors_many({"editor's desk": desk.content()}) == {"editor's desk": []}
    assert desk.problems == []
