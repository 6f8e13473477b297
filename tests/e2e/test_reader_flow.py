"""A reader, in a real browser, from the front page to a story and around the site."""

import pytest
from playwright.sync_api import expect

from tests.factories import ArticleFactory, AuthorFactory, CorrectionFactory, SectionFactory, SourceFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_reader_finds_and_reads_a_story(page, third_party_requests):
    ports = SectionFactory(name="Ports", slug="ports")
    ledger = SourceFactory(
        name="The Straits Ledger", slug="straits-ledger", attribution="– The Straits Ledger"
    )
    story = ArticleFactory(
        live=True,
        is_featured=True,
        headline="Kelang opens a fourth terminal",
        slug="kelang-fourth-terminal",
        standfirst="Capacity doubles by spring.",
        body="<p>The quayside cranes started work on Monday.</p>",
        section=ports,
        source=ledger,
        original_url="https://straits-ledger.example/kelang",
        authors=[AuthorFactory(name="Aida Lim", slug="aida-lim")],
        tags=["Container shipping"],
    )
    CorrectionFactory(article=story, text="An earlier version misnamed the operator.")
    ArticleFactory(live=True, headline="Another harbour story", section=ports, tags=["Container shipping"])

    page.goto("/")
    page.get_by_role("link", name="Kelang opens a fourth terminal").first.click()
    expect(page).to_have_url(
        f"{page.url.split('/', 3)[0]}//{page.url.split('/')[2]}{story.get_absolute_url()}"
    )
    article = page.locator("article.story")
    expect(article.get_by_role("heading", level=1)).to_have_text("Kelang opens a fourth terminal")
    expect(article.locator(".section-label")).to_have_text("Ports")
    expect(article.locator(".byline")).to_contain_text("Aida Lim")
    expect(article.locator("time").first).to_have_attribute(
        "datetime", story.published_at.replace(microsecond=0).isoformat()
    )
    expect(article.locator(".corrections")).to_contain_text("misnamed the operator")
    expect(article.locator(".attribution")).to_contain_text("– The Straits Ledger")
    expect(page.get_by_role("heading", name="Share this story")).to_be_visible()
    expect(page.get_by_role("link", name="WhatsApp")).to_be_visible()
    expect(page.get_by_role("heading", name="Related stories")).to_be_visible()
    expect(page.get_by_role("heading", name="Leave a Reply")).to_be_visible()
    expect(page.locator(".newsletter-cta")).to_contain_text("Stay Updated on Newsroom.")
    expect(page.locator(".newsletter-cta")).to_contain_text("Receive our Daily Newsletter.")

    page.get_by_role("link", name="Container shipping").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Container shipping")
    expect(page.get_by_role("link", name="Another harbour story")).to_be_visible()

    page.goto(story.get_absolute_url())
    article.locator(".section-label a").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ports")

    page.goto(story.get_absolute_url())
    page.get_by_role("link", name="– The Straits Ledger").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The Straits Ledger")
    expect(page.get_by_role("link", name="Kelang opens a fourth terminal")).to_be_visible()

    page.get_by_label("Search stories").first.fill("quayside cranes")
    page.get_by_label("Search stories").first.press("Enter")
    expect(page.get_by_role("link", name="Kelang opens a fourth terminal")).to_be_visible()
    assert not third_party_requests, third_party_requests
