"""The editors' admin pages: fixed query counts, counts per row, bad input, preview."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from tests.articles.helpers import article_form_data, messages_of
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, SourceFactory

pytestmark = pytest.mark.django_db


def make_stories(n: int):
    sections = [SectionFactory() for _ in range(3)]
    sources = [SourceFactory() for _ in range(2)]
    authors = [AuthorFactory() for _ in range(4)]
    for i in range(n):
        ArticleFactory(
            live=i % 2 == 0,
            section=sections[i % 3],
            source=sources[i % 2] if i % 5 == 0 else None,
            authors=[authors[i % 4], authors[(i + 1) % 4]],
            tags=[f"tag{i % 7}", f"tag{i % 11}"],
        )


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx)


def test_article_list_and_change_pages_cost_a_fixed_number_of_queries(editor_client):
    make_stories(20)
    small = queries(editor_client, "/admin/articles/article/")
    make_stories(180)
    assert Article.objects.count() == 200
    large = queries(editor_client, "/admin/articles/article/")
    assert large == small
    assert large <= 20

    article = Article.objects.filter(tags__isnull=False, authors__isnull=False).first()
    change = queries(editor_client, f"/admin/articles/article/{article.pk}/change/")
    assert change <= 28  # 25, and 3 for the editing banner: its beat, and who else is editing
    for url in (
        "/admin/articles/section/",
        "/admin/articles/source/",
        "/admin/articles/author/",
        "/admin/taggit/tag/",
    ):
        assert queries(editor_client, url) <= 12, url
    assert queries(editor_client, "/admin/articles/article/?state=live&section__id__exact=1") <= large


def test_list_rows_show_authors_and_story_counts(editor_client):
    author = AuthorFactory(name="Nadia Rahim")
    section = SectionFactory(name="Ports")
    source = SourceFactory(name="Harbour Wire")
    ArticleFactory.create_batch(3, authors=[author], section=section, source=source, tags=["LNG"])
    listing = editor_client.get("/admin/articles/article/").content.decode()
    assert "Nadia Rahim" in listing
    for url in (
        "/admin/articles/author/",
        "/admin/articles/section/",
        "/admin/articles/source/",
        "/admin/taggit/tag/",
    ):
        page = editor_client.get(url).content.decode()
        assert '<td class="field-stories">3</td>' in page, url


def test_list_filters_and_search(editor_client):
    ArticleFactory(headline="Tanker rates climb", live=True)
    ArticleFactory(headline="Draft about tugboats")
    ArticleFactory(headline="Scheduled dredging story", scheduled=True)
    assert "Tanker rates climb" in editor_client.get("/admin/articles/article/?q=tanker").content.decode()
    live = editor_client.get("/admin/articles/article/?state=live").content.decode()
    assert "Tanker rates climb" in live and "tugboats" not in live
    scheduled = editor_client.get("/admin/articles/article/?state=scheduled").content.decode()
    assert "Scheduled dredging story" in scheduled
    assert '<span class="story-state">Scheduled <time' in scheduled
    assert editor_client.get("/admin/articles/article/?state=bogus").status_code == 200


def test_a_taken_slug_gets_the_next_free_one_and_the_editor_is_told(editor_client):
    ArticleFactory(slug="port-deal")
    data = article_form_data(headline="Another port deal", slug="port-deal", body="<p>x</p>", _save="1")
    response = editor_client.post("/admin/articles/article/add/", data, follow=True)
    assert "The address “port-deal” was taken, so this story’s is “port-deal-2”." in messages_of(response)
    assert Article.objects.get(headline="Another port deal").slug == "port-deal-2"


def test_missing_headline_and_bad_urls_are_form_errors(editor_client):
    article = ArticleFactory(headline="Kept headline")
    data = article_form_data(article, headline="", original_url="javascript:alert(1)", _save="1")
    response = editor_client.post(f"/admin/articles/article/{article.pk}/change/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in page and "Enter a valid URL." in page
    assert Article.objects.get(pk=article.pk).headline == "Kept headline"


def test_new_and_existing_tags_are_saved(editor_client):
    from taggit.models import Tag

    existing = Tag.objects.create(name="Freight", slug="freight")
    data = article_form_data(
        headline="Tags",
        slug="tags",
        body="<p>x</p>",
        tags="freight, Ports, green fuel",
        _save="1",
    )
    assert editor_client.post("/admin/articles/article/add/", data).status_code == 302
    tags = {tag.name: tag.pk for tag in Article.objects.get(slug="tags").tags.all()}
    assert tags.keys() == {"Freight", "Ports", "green fuel"} and tags["Freight"] == existing.pk
    assert Tag.objects.count() == 3


def test_tag_autocomplete_answers_editors(editor_client):
    from taggit.models import Tag

    Tag.objects.create(name="Container shipping", slug="container-shipping")
    url = "/admin/autocomplete/?app_label=articles&model_name=article&field_name=tags&term=contain"
    response = editor_client.get(url)
    assert response.status_code == 200
    assert response.json()["results"][0]["text"] == "Container shipping"


class TestPreview:
    def test_staff_see_a_draft_and_it_is_never_cached(self, editor_client):
        article = ArticleFactory(headline="Secret draft", body="<p>Under embargo.</p>")
        response = editor_client.get(f"/preview/{article.pk}/")
        assert response.status_code == 200
        assert "Secret draft" in response.content.decode() and "Under embargo." in response.content.decode()
        assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]

    def test_readers_are_sent_to_sign_in(self, client):
        article = ArticleFactory(headline="Secret draft")
        response = client.get(f"/preview/{article.pk}/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]

    def test_unknown_story_is_404(self, editor_client):
        assert editor_client.get("/preview/999999/").status_code == 404

    def test_admin_links_to_the_preview(self, editor_client):
        article = ArticleFactory()
        page = editor_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
        assert f'href="/preview/{article.pk}/"' in page


@pytest.mark.parametrize(
    "query",
    [
        "?published_at__year=abc",
        "?section__id__exact=abc",
        "?state=%00%27",
        "?o=99",
        "?p=-1",
        "?q=" + "x" * 5000,
        "?tags__id__exact=1%27%20OR%201=1",
    ],
)
def test_junk_list_parameters_never_fail(editor_client, query):
    ArticleFactory()
    response = editor_client.get("/admin/articles/article/" + query)
    assert response.status_code in (200, 302)


@pytest.mark.parametrize(
    "url",
    ["/admin/articles/article/abc/change/", "/admin/articles/article/999999/history/", "/preview/abc/"],
)
def test_junk_object_addresses_never_fail(editor_client, url):
    assert editor_client.get(url).status_code in (302, 404)
