"""Reader pages: what a reader sees, what it costs, and what never leaks."""

import json
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import services
from comments import services as comment_services
from tests.comments.helpers import make_comment
from tests.factories import ArticleFactory, AuthorFactory, CorrectionFactory, SectionFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


@pytest.fixture
def newsroom():
    ports = SectionFactory(name="Ports", slug="ports")
    shipping = SectionFactory(name="Shipping", slug="shipping")
    wire = SourceFactory(name="The Straits Ledger", slug="straits-ledger", attribution="– The Straits Ledger")
    aida, ben = AuthorFactory(name="Aida Lim", slug="aida-lim"), AuthorFactory(name="Ben Tan", slug="ben-tan")
    story = ArticleFactory(
        live=True,
        headline="Kelang opens a fourth terminal",
        slug="kelang-fourth-terminal",
        standfirst="Capacity doubles by spring.",
        body="<p>The terminal opened on Monday.</p>",
        section=ports,
        source=wire,
        original_url="https://straits-ledger.example/kelang",
        authors=[aida, ben],
        tags=["Container shipping", "Malaysia"],
    )
    CorrectionFactory(article=story, text="An earlier version misnamed the operator.")
    related = ArticleFactory(
        live=True, headline="Malaysia plans more berths", section=shipping, tags=["Malaysia"]
    )
    hidden = {
        "draft": ArticleFactory(
            headline="Secret draft story", section=ports, tags=["Malaysia"], authors=[aida]
        ),
        "review": ArticleFactory(headline="Story in review", status="in_review", section=ports, source=wire),
        "scheduled": ArticleFactory(
            scheduled=True, headline="Embargoed story", section=ports, tags=["Malaysia"]
        ),
        "archived": ArticleFactory(
            status="archived",
            headline="Withdrawn story",
            section=ports,
            published_at=story.published_at,
            authors=[aida],
        ),
    }
    return {
        "story": story,
        "related": related,
        "hidden": hidden,
        "section": ports,
        "source": wire,
        "author": aida,
    }


def test_story_page_has_the_whole_anatomy_in_order(client, newsroom):
    story = newsroom["story"]
    page = client.get(story.get_absolute_url()).content.decode()
    page = page[page.index("<main") :]
    anatomy = [
        'class="section-label"><a href="/section/ports/">Ports</a>',
        "<h1>Kelang opens a fourth terminal</h1>",
        "Capacity doubles by spring.",
        'By <a href="/author/aida-lim/">Aida Lim</a>, <a href="/author/ben-tan/">Ben Tan</a>',
        f'<time datetime="{story.published_at.replace(microsecond=0).isoformat()}">',
        "The terminal opened on Monday.",
        "An earlier version misnamed the operator.",
        '<a href="/source/straits-ledger/">– The Straits Ledger</a>',
        'href="https://straits-ledger.example/kelang"',
        'rel="tag">Container shipping</a>',
        "Share this story",
        "Related stories",
        "Malaysia plans more berths",
        "Leave a Reply",
        "Stay Updated on Newsroom.",
        "Receive our Daily Newsletter.",
    ]
    positions = [page.find(text) for text in anatomy]
    assert all(p >= 0 for p in positions), [t for t, p in zip(anatomy, positions, strict=True) if p < 0]
    assert positions == sorted(positions)
    for network in (
        "x.com/intent/post",
        "facebook.com/sharer",
        "linkedin.com/sharing",
        "wa.me",
        "t.me/share",
        "mailto:?subject=",
    ):
        assert network in page


def test_story_page_metadata_and_json_ld(client, newsroom, settings):
    settings.SITE_URL = "https://news.example.org"
    story = newsroom["story"]
    page = client.get(story.get_absolute_url()).content.decode()
    assert f'<link rel="canonical" href="https://news.example.org{story.get_absolute_url()}">' in page
    assert 'property="og:title" content="Kelang opens a fourth terminal"' in page
    blocks = [json.loads(b) for b in re.findall(r'<script type="application/ld\+json">(.*?)</script>', page)]
    article = next(b for b in blocks if b["@type"] == "NewsArticle")
    assert [a["name"] for a in article["author"]] == ["Aida Lim", "Ben Tan"]
    assert article["isBasedOn"] == "https://straits-ledger.example/kelang"
    assert re.search(r"[+-]\d\d:\d\d$", article["datePublished"])
    assert article["publisher"]["logo"]["url"].startswith("https://news.example.org/")
    assert any(b["@type"] == "BreadcrumbList" for b in blocks)


def test_syndicated_story_points_canonical_at_the_original_when_the_source_says_so(client, newsroom):
    source = newsroom["source"]
    source.canonical_to_original = True
    source.save()
    page = client.get(newsroom["story"].get_absolute_url()).content.decode()
    assert '<link rel="canonical" href="https://straits-ledger.example/kelang">' in page


def test_home_has_breaking_lead_secondary_most_read_and_sections(client, newsroom):
    ArticleFactory(
        live=True, headline="Fire closes the channel", is_breaking=True, section=newsroom["section"]
    )
    ArticleFactory(live=True, headline="The featured lead", is_featured=True, section=newsroom["section"])
    for n in range(12):
        ArticleFactory(live=True, headline=f"Berth {n} reopens", section=newsroom["section"])
    page = client.get("/").content.decode()
    assert "Breaking:" in page and "Fire closes the channel" in page
    order = [
        "Fire closes the channel",
        "The featured lead",
        "Berth 11 reopens",
        'id="most-read-heading"',
        'id="section-ports"',
    ]
    positions = [page.index(text) for text in order]
    assert positions == sorted(positions)
    assert '"@type":"WebSite"' in page and "search_term_string" in page


@pytest.mark.parametrize("kind", ["section", "source", "author", "tag"])
def test_list_pages_show_only_public_stories(client, newsroom, kind):
    url = {
        "section": "/section/ports/",
        "source": "/source/straits-ledger/",
        "author": "/author/aida-lim/",
        "tag": "/tag/malaysia/",
    }[kind]
    page = client.get(url).content.decode()
    assert "Kelang opens a fourth terminal" in page
    for hidden in ("Secret draft story", "Story in review", "Embargoed story", "Withdrawn story"):
        assert hidden not in page


def test_corrections_archive(client, newsroom):
    page = client.get("/corrections/").content.decode()
    assert "An earlier version misnamed the operator." in page


@pytest.mark.parametrize(
    "url",
    [
        "/section/nope/",
        "/tag/nope/",
        "/source/nope/",
        "/author/nope/",
        "/section/ports/?page=abc",
        "/section/ports/?page=99",
        "/section/ports/?page=-1",
        "/ports/2026/13/45/kelang-fourth-terminal/",
        "/ports/2026/01/01/no-such-story/",
        "/nope/",
        "/corrections/?page=0",
    ],
)
def test_unknown_addresses_are_404_pages(client, newsroom, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "We can’t find that page" in response.content.decode()


def test_junk_query_strings_are_ignored(client, newsroom):
    assert client.get("/?utm_source=x&%00=1&page=abc").status_code == 200
    assert client.get(newsroom["story"].get_absolute_url() + "?x=<script>").status_code == 200


def test_old_addresses_answer_301_after_slug_or_section_change(client, newsroom):
    story = newsroom["story"]
    old_url = story.get_absolute_url()
    story.slug = "kelang-terminal-four"
    story.section = SectionFactory(name="Logistics", slug="logistics")
    story.save()
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == story.get_absolute_url() == response["Location"]
    assert story.get_absolute_url().startswith("/logistics/")
    assert client.get(response["Location"]).status_code == 200


def test_drafts_are_on_no_public_url(client, newsroom):
    """Walk every public page and feed; no unpublished headline or address appears anywhere."""
    hidden = newsroom["hidden"]
    urls = [
        "/",
        "/corrections/",
        "/section/ports/",
        "/section/shipping/",
        "/source/straits-ledger/",
        "/author/aida-lim/",
        "/tag/malaysia/",
        "/search/?q=story",
        "/search/?q=secret",
    ]
    urls += [
        "/feed/",
        "/feed/atom/",
        "/section/ports/feed/",
        "/tag/malaysia/feed/atom/",
        "/author/aida-lim/feed/",
        "/source/straits-ledger/feed/",
        "/sitemap.xml",
        "/sitemap-stories.xml",
        "/news-sitemap.xml",
        "/robots.txt",
    ]
    urls += [newsroom["story"].get_absolute_url(), newsroom["related"].get_absolute_url()]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for article in hidden.values():
            assert article.headline not in body, (url, article.headline)
            assert f"/{article.slug}/" not in body, (url, article.slug)
    for article in hidden.values():
        response = client.get(article.get_absolute_url())
        if article.section_id and article.published_at:
            assert response.status_code == 404, article.headline  # its reader address
        else:
            assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_staff_preview_uses_the_story_page_and_is_never_cached(editor_client, newsroom):
    draft = newsroom["hidden"]["draft"]
    response = editor_client.get(reverse("articles:preview", args=[draft.pk]))
    assert response.status_code == 200 and "Secret draft story" in response.content.decode()
    assert "no-cache" in response["Cache-Control"]


@pytest.fixture
def caches_off(settings):
    """As `make bench` measures row (a): no whole pages, no fragments; versions still in the cache."""
    settings.NEWSROOM_PAGE_CACHE = False
    settings.NEWSROOM_FRAGMENT_CACHE = False
    settings.CACHES = {**settings.CACHES, "template_fragments": {"BACKEND": DUMMY_CACHE}}


DUMMY_CACHE = "django.core.cache.backends.dummy.DummyCache"


@pytest.fixture
def crowded(newsroom):
    """Enough of everything that a query per story, byline, tag or comment would show."""
    story = newsroom["story"]
    for i in range(25):
        author = AuthorFactory()
        ArticleFactory(
            live=True,
            section=newsroom["section"],
            source=newsroom["source"],
            authors=[newsroom["author"], author],
            tags=["Malaysia", f"t{i}"],
            standfirst="Cranes at the new berth.",
        )
        CorrectionFactory(article=story)
        if i < 6:
            story.bylines.create(author=author, position=10 + i)
            story.tags.add(f"t{i}")
    for n in range(50):
        make_comment(story, comment=f"Comment number {n}.")
    comment_services.comments_recount(article_pks=[story.pk])
    return newsroom


def test_story_page_with_caches_off_costs_at_most_8_queries(client, crowded, caches_off):
    story = crowded["story"]
    url = story.get_absolute_url()
    client.get(url)  # the next scheduled story's time is looked up once, then kept in the cache
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url).content.decode()
    assert html.count("Comment number") == 50 and html.count("<li><time datetime=") == 26  # corrections
    assert html.count('<article class="card ') == 4  # the related stories, each with its bylines
    assert len(queries) <= 8, "\n".join(query["sql"][:150] for query in queries.captured_queries)
    story.corrections.all().delete()  # as most stories are: then the corrections cost nothing
    client.get(url)  # a new generation: its next publication time is looked up once
    with CaptureQueriesContext(connection) as queries:
        assert 'class="corrections"' not in client.get(url).content.decode()
    assert len(queries) <= 7


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/section/ports/",
        "/tag/malaysia/",
        "/author/aida-lim/",
        "/source/straits-ledger/",
        "/corrections/",
        "/search/?q=cranes",
        "/feed/",
        "/feed/atom/",
        "/section/ports/feed/",
        "/tag/malaysia/feed/",
    ],
)
def test_list_pages_with_caches_off_cost_a_fixed_number_of_queries(client, crowded, caches_off, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    # Twenty cards or items, each with its bylines (or its story): an N+1 would cost twenty queries.
    shown = "Kelang opens a fourth terminal" if url == "/corrections/" else "Aida Lim"
    assert response.content.decode().count(shown) >= (7 if url == "/" else 20)
    # Reads only: on PostgreSQL search also sets a planner option in a savepoint of the test's transaction.
    reads = [query["sql"] for query in queries.captured_queries if query["sql"].startswith("SELECT")]
    assert len(reads) <= 6, "\n".join(sql[:150] for sql in reads)


class TestCache:
    def test_anonymous_pages_are_cached_with_validators(self, client, newsroom, django_assert_num_queries):
        url = newsroom["story"].get_absolute_url()
        first = client.get(url)
        assert "public" in first["Cache-Control"] and first["ETag"] and first["Last-Modified"]
        second = client.get(url)
        assert second.content == first.content
        assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304

    def test_cached_page_is_served_without_queries(self, client, newsroom, django_assert_max_num_queries):
        url = "/section/ports/"
        client.get(url)
        with django_assert_max_num_queries(0):
            client.get(url)

    @pytest.mark.parametrize("change", ["publish", "update", "unpublish", "correct"])
    def test_editorial_changes_invalidate_pages(self, client, editor, newsroom, change):
        story, section_url = newsroom["story"], "/section/ports/"
        client.get(section_url)
        client.get(story.get_absolute_url())
        draft = newsroom["hidden"]["draft"]
        if change == "publish":
            services.article_publish(article=draft, by=editor)
            assert "Secret draft story" in client.get(section_url).content.decode()
        elif change == "update":
            story.headline = "Kelang opens its fourth terminal early"
            story.save()
            assert "opens its fourth terminal early" in client.get(story.get_absolute_url()).content.decode()
        elif change == "unpublish":
            services.article_unpublish(article=story, by=editor)
            assert "Kelang opens a fourth terminal" not in client.get(section_url).content.decode()
        else:
            CorrectionFactory(article=story, text="The terminal has six cranes, not five.")
            assert "six cranes" in client.get(story.get_absolute_url()).content.decode()

    def test_signed_in_staff_are_never_served_the_cache(self, editor_client, newsroom):
        response = editor_client.get("/")
        assert "private" in response["Cache-Control"]


def test_a_scheduled_story_appears_on_time_despite_the_cache(client, newsroom):
    import time_machine

    embargoed = newsroom["hidden"]["scheduled"]
    assert "Embargoed story" not in client.get("/").content.decode()
    with time_machine.travel(embargoed.published_at, tick=False):
        assert "Embargoed story" in client.get("/").content.decode()


def test_static_pages_are_linked_from_the_footer(client):
    page = client.get("/").content.decode()
    for url, title in (("/about/", "About us"), ("/privacy/", "Privacy")):
        assert f'href="{url}"' in page
        assert title in client.get(url).content.decode()


def test_a_story_card_shows_section_headline_bylines_date_source_and_comments(client):
    section = SectionFactory(name="Coast & Sea", slug="coast")
    source = SourceFactory(name="Wire <Service>")
    authors = [AuthorFactory(name="Ada Fisher", slug="ada"), AuthorFactory(name="Ben O'Hara", slug="ben")]
    story = ArticleFactory(
        live=True, section=section, source=source, authors=authors,
        headline="Tides <rise> & fall", standfirst="Why the harbour floods.",
    )  # fmt: skip
    story.comment_count = 1
    story.save()
    html = client.get(reverse("articles:section", args=["coast"])).content.decode()
    url = story.get_absolute_url()
    day = story.published_at.astimezone(timezone.get_current_timezone())
    card = re.search(r'<article class="card card-thumb">.*?</article>', html, re.S).group()
    assert '<p class="section-label"><a href="/section/coast/">Coast &amp; Sea</a></p>' in card
    assert f'<h2 class="card-headline"><a href="{url}">Tides &lt;rise&gt; &amp; fall</a></h2>' in card
    assert '<p class="standfirst">Why the harbour floods.</p>' in card
    assert '<a href="/author/ada/">Ada Fisher</a>, <a href="/author/ben/">Ben O&#x27;Hara</a> · ' in card
    assert f">{day.day} {day:%b %Y}</time> · Wire &lt;Service&gt; · " in card
    assert f'<a href="{url}#comments">1 comment</a></p>' in card
    story.comment_count = 2
    story.save()
    assert f'<a href="{url}#comments">2 comments</a>' in client.get(reverse("articles:home")).content.decode()
