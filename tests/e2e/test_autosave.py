"""An editor's typing survives a closed tab: autosave keeps it, the story offers it back.

The autosave interval is shortened to a second (the live server runs in this process).
"""

import re

import pytest
from playwright.sync_api import expect

from articles import services
from articles.editing import Autosave
from articles.models import Article
from tests.e2e.helpers import sign_in
from tests.factories import ArticleFactory, SectionFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

ADD = "/admin/articles/article/add/"


@pytest.fixture
def quick_autosave(settings):
    settings.NEWSROOM_AUTOSAVE_SECONDS = 1


@pytest.fixture
def editor():
    return UserFactory(username="editor", role="Editor", first_name="Aisha", last_name="Rahman")


@pytest.fixture
def published(editor):
    story = ArticleFactory(
        created_by=editor, headline="Harbour dredging starts", body="<p>The first barge arrived.</p>"
    )
    services.article_publish(article=story, by=editor)
    story.refresh_from_db()
    return story


def change_url(article):
    return f"/admin/articles/article/{article.pk}/change/"


def type_into_body(page, text):
    body = page.locator(".ProseMirror[contenteditable=true]")
    expect(body).to_be_visible()
    body.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(text)


def test_typing_survives_a_closed_tab_and_the_reader_sees_none_of_it(page, quick_autosave, editor, published):
    sign_in(page, "editor")
    page.goto(change_url(published))
    headline = page.get_by_label("Headline:")
    headline.click()
    headline.press("End")
    headline.press_sequentially(" at dawn")
    type_into_body(page, " Two more are due on Friday.")
    expect(page.locator(".autosave-status")).to_contain_text(re.compile(r"Draft kept at \d\d:\d\d"))

    # The reader's page is the published story, not the draft.
    reader = page.context.new_page()
    reader.goto(published.get_absolute_url())
    expect(reader.get_by_role("heading", level=1)).to_have_text("Harbour dredging starts")
    expect(reader.locator("body")).not_to_contain_text("Two more are due")
    reader.close()

    context = page.context
    page.close()  # no save, no prompt: the tab is simply gone
    page = context.new_page()
    page.goto(change_url(published))
    offer = page.locator(".autosave-offer")
    expect(offer).to_contain_text(
        re.compile(r"You have unsaved changes from \d\d:\d\d \(kept automatically\)")
    )
    offer.get_by_role("link", name="Restore them").click()

    expect(page.get_by_label("Headline:")).to_have_value("Harbour dredging starts at dawn")
    expect(page.locator(".ProseMirror[contenteditable=true]")).to_contain_text(
        "The first barge arrived. Two more are due on Friday."
    )
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    published.refresh_from_db()
    assert published.headline == "Harbour dredging starts at dawn"
    assert "Two more are due on Friday." in published.body
    assert not Autosave.objects.exists()


def test_a_new_story_comes_back_on_the_add_form(page, quick_autosave, editor):
    SectionFactory(name="Ports")
    sign_in(page, "editor")
    page.goto(ADD)
    page.get_by_label("Headline:").press_sequentially("Ferry fares rise by a fifth")
    type_into_body(page, "The operator blames fuel.")
    expect(page.locator(".autosave-status")).to_contain_text("Draft kept at")
    saved = Autosave.objects.get()
    assert saved.article is None and saved.fields["headline"] == "Ferry fares rise by a fifth"

    context = page.context
    page.close()
    page = context.new_page()
    page.goto(ADD)
    page.get_by_role("link", name="Restore them").click()
    expect(page.get_by_label("Headline:")).to_have_value("Ferry fares rise by a fifth")
    expect(page.locator(".ProseMirror[contenteditable=true]")).to_contain_text("The operator blames fuel.")
    assert not Article.objects.exists()


def test_leaving_unsaved_changes_asks_first_and_saving_does_not(page, editor, published):
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    sign_in(page, "editor")

    page.goto(change_url(published))
    expect(page.locator(".ProseMirror[contenteditable=true]")).to_be_visible()
    page.get_by_role("link", name="Home").click()  # nothing typed: leaves without a word
    expect(page).to_have_url(re.compile(r"/admin/$"))
    assert dialogs == []

    page.goto(change_url(published))
    type_into_body(page, " An unsaved sentence.")
    page.get_by_role("link", name="Home").click()
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    expect(page).to_have_url(re.compile(r"/change/$"))  # dismissed: still here, text and all

    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert dialogs == ["beforeunload"]
    published.refresh_from_db()
    assert "An unsaved sentence." in published.body

    page.goto(change_url(published))
    type_into_body(page, " Another one.")
    page.close(run_before_unload=True)  # closing the tab asks too (and, dismissed, stays open)
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload", "beforeunload"]
