"""The WordPress theme unit test data, imported, as a reader meets it in Chromium."""

import io

import pytest
from django.core.management import call_command

from articles.models import Article
from tests.quality import axe_violations, format_violations, nu_errors, require_axe, require_vnu
from tests.wordpress.conftest import THEME_DATA

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def imported(db):
    call_command("import_wordpress", str(THEME_DATA), "--no-progress", stdout=io.StringIO())


def test_old_permalink_leads_to_the_story_with_its_threads(page, imported, third_party_requests):
    response = page.goto("/2012/01/03/template-comments/")
    story = Article.objects.get(headline="Template: Comments")
    assert page.url.endswith(story.get_absolute_url())
    assert response.status == 200
    assert page.get_by_role("heading", level=1).inner_text() == "Template: Comments"
    first = page.locator("li.comment", has=page.locator(":scope > article", has_text="Comment Depth 01"))
    assert first.locator("li.comment", has_text="Comment Depth 02").count() == 1  # a reply, inside its parent
    # The reply ten deep sits flat at the last level, saying whom it answers.
    deepest = page.locator("li.comment", has=page.locator(":scope > article", has_text="Comment Depth 10"))
    assert "in reply to" in deepest.inner_text()
    assert page.get_by_text("Comments are closed.").is_visible()  # WordPress closed them long ago
    assert third_party_requests == []


@pytest.mark.parametrize("headline", ["Markup: HTML Tags and Formatting", "Template: Comments"])
def test_imported_stories_pass_the_page_checks(page, imported, headline):
    require_axe()
    require_vnu()
    story = Article.objects.get(headline=headline)
    response = page.goto(story.get_absolute_url())
    assert response.status == 200
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)
    errors = nu_errors(response.text())
    assert errors == [], "Nu Html Checker errors:\n" + "\n".join(errors)
