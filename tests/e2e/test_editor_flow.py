"""An editor writes a story in the rich-text editor, publishes it and previews it."""

import re

import pytest
from playwright.sync_api import expect

from articles.models import Article
from tests.e2e.helpers import sign_in
from tests.factories import AuthorFactory, SectionFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_editor_writes_publishes_and_previews_a_story(page, third_party_requests):
    UserFactory(username="editor", role="Editor")
    SectionFactory(name="Ports", slug="ports")
    AuthorFactory(name="Aida Lim", slug="aida-lim")

    sign_in(page, "editor")
    page.goto("/admin/articles/article/add/")
    page.get_by_label("Headline:").press_sequentially("Johor port opens its fourth terminal")
    expect(page.get_by_label("Slug:")).to_have_value("johor-port-opens-its-fourth-terminal")
    page.get_by_label("Standfirst:").fill("The terminal doubles the port's capacity.")

    editor = page.locator(".ProseMirror[contenteditable=true]")
    expect(editor).to_be_visible()
    editor.click()
    page.keyboard.type("The terminal opened on Monday. ")
    page.keyboard.press("Control+b")
    page.keyboard.type("Ships are already queuing.")
    page.get_by_label("Section:").select_option(label="Ports")

    page.get_by_text(re.compile("Add another author", re.I)).click()
    page.locator("#bylines-0 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill("Aida")
    page.locator(".select2-results__option", has_text="Aida Lim").click()

    page.get_by_role("button", name="Publish now").click()
    expect(page.locator(".messagelist")).to_contain_text("is published")

    article = Article.objects.get(slug="johor-port-opens-its-fourth-terminal")
    assert article.is_public
    assert "<strong>Ships are already queuing.</strong>" in article.body
    assert [a.name for a in article.authors.all()] == ["Aida Lim"]

    with page.expect_popup() as popup:
        page.get_by_role("link", name="Preview").first.click()
    preview = popup.value
    expect(preview.get_by_role("heading", level=1)).to_have_text("Johor port opens its fourth terminal")
    expect(preview.locator(".body strong")).to_have_text("Ships are already queuing.")
    expect(preview.locator(".byline")).to_contain_text("Aida Lim")
    assert not third_party_requests, third_party_requests


def test_reporter_has_no_way_to_publish(page):
    reporter = UserFactory(username="reporter", role="Reporter")
    SectionFactory(name="Ports", slug="ports")
    sign_in(page, "reporter")
    page.goto("/admin/articles/article/add/")
    page.get_by_label("Headline:").fill("Draft from the docks")
    page.locator(".ProseMirror[contenteditable=true]").click()
    page.keyboard.type("Notes.")
    expect(page.get_by_role("button", name="Publish now")).to_have_count(0)
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator(".messagelist")).to_contain_text("submitted for review")
    article = Article.objects.get(headline="Draft from the docks")
    assert article.status == Article.Status.IN_REVIEW and article.created_by == reporter
    expect(page.locator("body")).not_to_contain_text(re.compile("Publish now"))
