"""The digest's page in the admin with its clicks per story: axe and the Nu checker, light and dark."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from subscriptions.models import Digest, DigestClick
from tests.e2e.helpers import sign_in, watched_page
from tests.factories import ArticleFactory, UserFactory
from tests.quality import axe_violations, format_violations, nu_errors_many, require_axe, require_vnu

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def digest(db):
    UserFactory(username="aisha", role="Editor")
    stories = [ArticleFactory(live=True, headline=f"Harbour story {n}") for n in range(3)]
    now = timezone.now()
    digest = Digest.objects.create(
        kind=Digest.Kind.MANUAL,
        edition=now.date(),
        period_start=now - timedelta(days=1),
        period_end=now,
        story_ids=[s.pk for s in stories],
        subject="Harbour Weekly: the ferries return",
    )
    for clicks, story in zip((12, 3050), stories, strict=False):
        DigestClick.objects.create(digest=digest, article=story, clicks=clicks)
    return digest


def test_the_digests_clicks_pass_axe_and_the_nu_checker(browser, live_server, digest):
    require_axe()
    page = watched_page(browser, live_server.url)
    sign_in(page, "aisha")
    page.goto(f"/admin/subscriptions/digest/{digest.pk}/change/")
    table = page.locator("table.digest-clicks")
    expect(table.locator("tbody tr").first).to_contain_text("Harbour story 1")
    expect(table.locator("tbody tr").first).to_contain_text("3,050")
    expect(table.locator("tfoot")).to_contain_text("3,062")
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        violations = axe_violations(page)
        assert violations == [], f"{scheme}: {format_violations(violations)}"
    require_vnu()
    assert nu_errors_many({"digest": page.content()}) == {"digest": []}
    assert page.problems == []
    page.context.close()
