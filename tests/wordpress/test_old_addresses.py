"""Old WordPress addresses: 301 to where the story is now, never in the way, never a 500."""

import pytest

from articles.models import Article
from tests.factories import ArticleFactory
from wordpress.models import OldAddress

from .conftest import SMALL, import_wordpress

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported():
    import_wordpress(SMALL)
    return Article.objects.get(slug="cranes-arrive")


def test_permalink_and_short_link_answer_301(client, imported):
    for old in ("/2024/03/05/cranes-arrive/", "/2024/03/05/cranes-arrive", "/?p=101"):
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, imported.get_absolute_url()), old


def test_short_link_of_a_page_leads_to_the_site_page(client, imported):
    response = client.get("/?page_id=200")
    assert (response.status_code, response["Location"]) == (301, "/about-us/")
    assert client.get("/about-us/").status_code == 200


def test_a_story_that_is_not_public_is_not_revealed(client, imported):
    assert client.get("/?p=102").status_code == 200  # the draft: just the home page
    assert client.get("/2031/01/01/new-terminal-opens/").status_code == 404  # scheduled: not yet
    imported.status = Article.Status.DRAFT
    imported.save()
    assert client.get("/2024/03/05/cranes-arrive/").status_code == 404


def test_newsroom_pages_win_over_old_addresses(client, imported):
    story = ArticleFactory(live=True)
    OldAddress.objects.create(path=story.get_absolute_url(), article=imported)
    assert client.get(story.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    "query",
    ["p=abc", "p=", "p=-1", "p=1e3", "p=99999999999999999999999999", "p=%EF%BC%91", "p=101%00",
     "page_id=../../etc", "p=101&p=102", "p[]=101"],
)  # fmt: skip
def test_odd_short_links_show_the_home_page(client, imported, query):
    response = client.get(f"/?{query}")
    assert response.status_code in (200, 301)
    if response.status_code == 301:
        assert response["Location"] == imported.get_absolute_url()


def test_unknown_old_paths_are_404_and_posts_are_not_redirected(client, imported):
    assert client.get("/2024/03/05/no-such-story/").status_code == 404
    assert client.get("/" + "x/" * 400).status_code == 404
    assert client.post("/2024/03/05/cranes-arrive/").status_code != 301


def test_editors_manage_old_addresses_in_the_admin(editor_client, imported):
    listing = editor_client.get("/admin/wordpress/oldaddress/")
    assert listing.status_code == 200
    assert "/2024/03/05/cranes-arrive/" in listing.content.decode()
    assert editor_client.get("/admin/wordpress/importedobject/").status_code == 200
    assert editor_client.get("/admin/wordpress/importedobject/add/").status_code == 403
