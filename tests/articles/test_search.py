"""Reader search at /search/: runs on SQLite (simple match) and PostgreSQL (full-text).

On PostgreSQL, set DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_search first.
"""

from datetime import timedelta

import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.search import MAX_QUERY_LENGTH, PER_PAGE, clean_query
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db
Status = Article.Status


def on_postgres() -> bool:
    return connection.vendor == "postgresql"


def search(client, q=None, **params):
    data = {} if q is None else {"q": q}
    return client.get(reverse("articles:search"), {**data, **params})


def found(response) -> list[int]:
    return [article.pk for article in response.context["articles"]]


def live(hours_ago: float = 1, **fields) -> Article:
    return ArticleFactory(
        status=Status.PUBLISHED, published_at=timezone.now() - timedelta(hours=hours_ago), **fields
    )


# Finding --------------------------------------------------------------------


def test_finds_a_word_in_the_body(client):
    story = live(body="<p>Dockers walked out over <strong>pay</strong> on Monday.</p>")
    live(body="<p>Nothing to see.</p>")

    response = search(client, "dockers")

    assert response.status_code == 200
    assert found(response) == [story.pk]
    html = response.content.decode()
    assert "1 story found for “dockers”" in html
    assert f'<a href="{story.get_absolute_url()}">{story.headline}</a>' in html


def test_a_headline_match_ranks_above_a_body_only_match(client):
    body_only = live(hours_ago=1, headline="Quiet day at the quay", body="<p>A tanker docked.</p>")
    in_headline = live(hours_ago=48, headline="Tanker runs aground", body="<p>Crew safe.</p>")

    response = search(client, "tanker")

    assert found(response) == [in_headline.pk, body_only.pk]
    assert "2 stories found for “tanker”" in response.content.decode()


def test_finds_by_standfirst(client):
    story = live(standfirst="Lighthouse keepers mark a century.")

    assert found(search(client, "lighthouse")) == [story.pk]


def test_every_word_must_match(client):
    both = live(body="<p>The ferry strike goes on.</p>")
    live(body="<p>The ferry sails.</p>")

    assert found(search(client, "ferry strike")) == [both.pk]


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="stemming needs PostgreSQL")
def test_stemming_finds_other_forms_of_a_word(client):
    ships = live(headline="Two ships collide")
    shipped = live(body="<p>The grain was shipped overnight.</p>")
    live(headline="Shipwright retires")  # a different word

    assert set(found(search(client, "shipping"))) == {ships.pk, shipped.pk}


def test_only_public_stories_are_found(client):
    public = live(headline="Zeppelin over the harbour")
    ArticleFactory(headline="Zeppelin draft", status=Status.DRAFT)
    ArticleFactory(headline="Zeppelin in review", status=Status.IN_REVIEW)
    ArticleFactory(headline="Zeppelin scheduled", scheduled=True)
    ArticleFactory(
        headline="Zeppelin archived",
        status=Status.ARCHIVED,
        published_at=timezone.now() - timedelta(days=3),
    )
    ArticleFactory(
        headline="Zeppelin unpublished",
        status=Status.DRAFT,
        published_at=timezone.now() - timedelta(days=1),
    )

    response = search(client, "zeppelin")

    assert found(response) == [public.pk]
    assert "unpublished" not in response.content.decode()


def test_websearch_syntax(client):
    phrase = live(body="<p>The port strike is over.</p>")
    with_rail = live(body="<p>The port strike spread to the rail yards.</p>")
    tanker = live(body="<p>A tanker waits offshore.</p>")

    response = search(client, '"port strike" -rail OR tanker')

    assert response.status_code == 200
    assert with_rail.pk not in found(response)
    if on_postgres():
        assert set(found(response)) == {phrase.pk, tanker.pk}


# Snippets ---------------------------------------------------------------------


def test_the_snippet_highlights_the_word_and_escapes_html(client):
    live(
        standfirst="Profits <b>rose</b> & fell.",
        body="<p>Fish &amp; chips. The walrus typed &lt;script&gt;alert(1)&lt;/script&gt; twice.</p>",
    )

    response = search(client, "walrus")

    snippet = str(response.context["articles"][0].snippet)
    assert "<mark>walrus</mark>" in snippet
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in snippet
    assert "Fish &amp; chips" in snippet
    assert "&amp;amp;" not in snippet and "&amp;lt;" not in snippet
    html = response.content.decode()
    assert "<script>" not in html and "<b>rose" not in html
    assert snippet.count("<") == snippet.count("<mark>") + snippet.count("</mark>")


def test_stray_marker_characters_in_a_story_do_not_become_tags(client):
    live(body="<p>Walrus \ue000 sighted \ue001 near \ue001 the pier.</p>", standfirst="\ue000")

    snippet = str(search(client, "walrus").context["articles"][0].snippet)

    assert snippet.count("<mark>") == snippet.count("</mark>") == 1
    assert "<mark>Walrus</mark>" in snippet


def test_the_snippet_of_a_long_body_is_a_window_around_the_match(client):
    filler = " ".join(f"word{n}" for n in range(400))
    live(body=f"<p>{filler} narwhal {filler}</p>")

    snippet = str(search(client, "narwhal").context["articles"][0].snippet)

    assert "<mark>narwhal</mark>" in snippet
    assert len(snippet) < 600


# Hostile and odd input -----------------------------------------------------------


@pytest.mark.parametrize(
    "q",
    [
        "",
        "   ",
        "x" * 1000,
        "harbour " * 300,
        "harbour\x00strike",
        "\x00",
        "harbour\x01\x07\x1b[31m",
        "the",
        "the and of",
        "!!!",
        "&|:*",
        "!(a & b) <-> c:*",
        '"port strike" -rail OR tanker',
        '"unbalanced',
        "-",
        "OR",
        "'; DROP TABLE articles_article; --",
        "\\",
        "%_%",
        "<script>alert(1)</script>",
        "🚢 ship",
        "\ue000\ue001",
    ],
)
def test_odd_queries_are_answered_normally(client, q):
    live(headline="Harbour strike ends", body="<p>The harbour is open.</p>")

    response = search(client, q)

    assert response.status_code == 200
    assert len(response.context["query"]) <= MAX_QUERY_LENGTH
    assert "\x00" not in response.context["query"]
    assert "<script>alert" not in response.content.decode()


def test_an_empty_query_shows_the_form_and_no_results(client):
    live()

    for response in (search(client), search(client, ""), search(client, "  \x00 ")):
        assert response.status_code == 200
        html = response.content.decode()
        assert "Type a word to search" in html
        assert '<label for="search-q">Search stories</label>' in html
        assert '<input type="search" id="search-q" name="q" value=""' in html
        assert response.context["articles"] == []
        assert "<title>Search · Newsroom</title>" in html


def test_stop_words_and_punctuation_give_no_results(client):
    live(headline="The end of the line", body="<p>The and the of the.</p>")

    for q in ("the", "!!!", "&|:*"):
        response = search(client, q)
        assert response.status_code == 200
        assert response.context["articles"] == []
        assert "No stories found for" in response.content.decode()


def test_a_long_query_is_cut_not_refused():
    assert len(clean_query("a" * 1000)) == MAX_QUERY_LENGTH
    assert clean_query("port\x00strike\tnow\n") == "port strike now"
    assert clean_query("  \x00\x1f  ") == ""


def test_a_nul_byte_in_the_query_still_searches(client):
    story = live(headline="Harbour strike ends")

    assert found(search(client, "harbour\x00")) == [story.pk]


def test_junk_parameters_are_ignored(client):
    story = live(headline="Harbour strike ends")

    response = client.get(
        reverse("articles:search") + "?q=harbour&utm_source=x&page=1&q2=%00&foo[]=1&page_size=999"
    )

    assert response.status_code == 200
    assert found(response) == [story.pk]


def test_a_search_that_finds_nothing_is_not_for_search_engines(client):
    live(headline="Harbour strike ends")

    assert '<meta name="robots" content="noindex">' in search(client, "airport").content.decode()
    found_something = search(client, "harbour").content.decode()
    assert "noindex" not in found_something
    assert '<meta name="description" content="Stories from Newsroom matching “harbour”.">' in found_something


def test_the_page_keeps_the_query(client):
    live(headline="Harbour strike ends")

    html = search(client, 'harbour "strike"').content.decode()

    assert "<title>Search: harbour &quot;strike&quot; · Newsroom</title>" in html
    assert 'value="harbour &quot;strike&quot;"' in html
    assert "<h1>Search</h1>" in html


# Pages -----------------------------------------------------------------------


@pytest.mark.parametrize("page", ["abc", "999", "0", "-1", "", "1.5", "2"])
def test_bad_page_numbers_are_not_found(client, page):
    live(headline="Harbour strike ends")

    assert search(client, "harbour", page=page).status_code == 404


def test_page_one_of_nothing_is_a_normal_page(client):
    assert search(client, "harbour", page="1").status_code == 200
    assert search(client, "", page="1").status_code == 200


def test_results_come_twenty_a_page_with_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    section = SectionFactory()
    authors = [AuthorFactory(), AuthorFactory()]
    stories = [
        live(hours_ago=n + 1, headline=f"Harbour report {n}", section=section, authors=authors)
        for n in range(25)
    ]
    live(headline="Something else")

    # The layout's own queries (navigation and so on), measured on the empty search page.
    with CaptureQueriesContext(connection) as layout:
        search(client, "")
    # Then one count, one page of results (with their sections), one for all their authors.
    with django_assert_max_num_queries(len(layout) + 3):
        first = search(client, "harbour")
    with django_assert_max_num_queries(len(layout) + 3):
        second = search(client, "harbour", page="2")

    assert found(first) == [s.pk for s in stories[:PER_PAGE]]
    assert found(second) == [s.pk for s in stories[PER_PAGE:]]
    html = first.content.decode()
    assert "25 stories found for “harbour”" in html
    assert html.count('<article class="search-result">') == PER_PAGE
    assert "q=harbour&amp;page=2" in html
    assert authors[0].name in html
    assert 'start="21"' in second.content.decode()


# The trigger (PostgreSQL) ----------------------------------------------------------


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the trigger exists on PostgreSQL only")
def test_the_trigger_keeps_the_vector_current():
    story = live(headline="Albatross lands")

    def matches(word):
        query = SearchQuery(word, config="english")
        return list(Article.objects.filter(search_vector=query).values_list("pk", flat=True))

    assert matches("albatross") == [story.pk]

    story.headline = "Pelican lands"
    story.save()
    assert matches("pelican") == [story.pk]
    assert matches("albatross") == []

    Article.objects.filter(pk=story.pk).update(body="<p>A cormorant, too.</p>")
    assert matches("cormorant") == [story.pk]

    # Writing the column itself cannot blank it: the trigger recomputes it.
    Article.objects.filter(pk=story.pk).update(search_vector=None)
    assert matches("pelican") == [story.pk]


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the trigger exists on PostgreSQL only")
def test_the_vector_weighs_headline_standfirst_and_body():
    story = live(headline="Heron", standfirst="Egret", body="<p>Crane <em>stork</em></p>")

    vector = Article.objects.values_list("search_vector", flat=True).get(pk=story.pk)

    assert "'heron':1A" in vector
    assert "'egret':2B" in vector
    assert "'crane':3C" in vector and "'stork':4C" in vector
    assert "em" not in vector.replace("'", " ").split()


def test_a_run_of_minus_signs_is_one_not(client):
    """websearch's NOT nests: hundreds of them overflowed PostgreSQL's tsquery stack (a 500)."""
    story = live(headline="Harbour strike ends")
    assert clean_query("-" * 300) == "-"
    assert clean_query("harbour - - -strike") == "harbour -strike"
    for q in ("-" * 300, "- " * 150, "harbour " + "-" * 150):
        assert search(client, q).status_code == 200
    assert found(search(client, "harbour ---ferry")) == [story.pk]
