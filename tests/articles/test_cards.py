"""The front page's slots and the story cards in every list: each story once, thumbnails, fixed costs."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from articles.selectors import MOST_READ, PER_SECTION, SECONDARY, story_cards
from articles.templatetags.newsroom import card_picture
from tests.articles.test_images import image_bytes, upload
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, SourceFactory

pytestmark = pytest.mark.django_db

ALT = "Gantry cranes over the container quay"
CARD = re.compile(r'<article class="card[^"]*">.*?</article>', re.S)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()


@pytest.fixture
def caches_off(settings):
    settings.NEWSROOM_PAGE_CACHE = False
    settings.NEWSROOM_FRAGMENT_CACHE = False
    settings.CACHES = {
        **settings.CACHES,
        "template_fragments": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }


def story(hours_ago: float, picture: bool = False, **fields) -> Article:
    """A public story `hours_ago` old; with `picture`, a lead image and its renditions."""
    published_at = timezone.now() - timedelta(hours=hours_ago)
    article = ArticleFactory(status=Article.Status.PUBLISHED, published_at=published_at, **fields)
    if picture:
        article.lead_image = upload(f"quay-{article.pk}.jpg", image_bytes("JPEG", (960, 640)))
        article.lead_image_alt = ALT
        article.save()
    return article


def card_of(html: str, article: Article) -> str:
    """The card (or search result) whose headline links to `article`."""
    link = f'<a href="{article.get_absolute_url()}">'
    results = re.findall(r'<article class="search-result">.*?</article>', html, re.S)
    found = [c for c in CARD.findall(html) + results if link in c]
    assert len(found) == 1, (article.headline, len(found))
    return found[0]


def headline_links(html: str, article: Article) -> int:
    """How many times the page links to `article` (its comments link aside)."""
    return html.count(f'href="{article.get_absolute_url()}"')


@pytest.fixture
def front(db):
    """Three sections of six stories, a featured story (older than most), a breaking one."""
    sections = [
        SectionFactory(name=name, slug=name.lower(), position=i)
        for i, name in enumerate(["Ports", "Rail", "Air"])
    ]
    stories = [
        story(hours_ago=n + 1, picture=n % 4 == 0, section=sections[n % 3], headline=f"Story {n}")
        for n in range(18)
    ]
    featured = story(
        hours_ago=30, picture=True, section=sections[0], headline="The featured lead", is_featured=True
    )
    breaking = story(hours_ago=0.5, section=sections[1], headline="Fire closes the channel", is_breaking=True)
    return {"sections": sections, "stories": stories, "featured": featured, "breaking": breaking}


def test_front_page_shows_every_story_once(client, front):
    response = client.get("/")
    html = response.content.decode()
    context = response.context
    lead, breaking = context["lead"], context["breaking"]
    assert lead == front["featured"] and breaking == front["breaking"]
    secondary, latest = context["secondary"], context["latest"]
    in_sections = [s for stories in context["by_section"].values() for s in stories]
    assert len(secondary) == SECONDARY and len(latest) == MOST_READ
    assert all(len(stories) == PER_SECTION for stories in context["by_section"].values())
    slots = [lead, breaking, *secondary, *latest, *in_sections]
    assert len({s.pk for s in slots}) == len(slots) == 2 + SECONDARY + MOST_READ + 3 * PER_SECTION
    for article in Article.objects.all():
        assert headline_links(html, article) == (1 if article in slots else 0), article.headline
    # In the order a phone shows them: banner, lead, the row, "Most read", the section blocks.
    order = [breaking, lead, secondary[0], latest[0], in_sections[0]]
    positions = [html.index(f'href="{a.get_absolute_url()}"') for a in order]
    assert positions == sorted(positions)
    # Until readership is counted, the slot holds the latest stories and says so.
    assert '<h2 id="most-read-heading">Latest</h2>' in html


def test_a_breaking_lead_is_flagged_on_its_card_and_has_no_banner(client, front):
    front["breaking"].is_featured = True
    front["breaking"].save()
    html = client.get("/").content.decode()
    assert 'class="breaking"' not in html
    lead = card_of(html, front["breaking"])
    assert "card-lead" in lead and '<strong class="card-flag">Breaking</strong>' in lead
    assert all(headline_links(html, article) <= 1 for article in Article.objects.all())


def test_cards_in_a_section_block_do_not_repeat_the_section(client, front):
    html = client.get("/").content.decode()
    for section in front["sections"]:
        block = re.search(
            rf'<section class="section-block" aria-labelledby="section-{section.slug}">.*?</section>',
            html,
            re.S,
        ).group()
        assert block.count(f">{section.name}</a>") == 1  # the block's heading
        assert 'class="section-label"' not in block
        cards = CARD.findall(block)
        assert len(cards) == PER_SECTION
        # The first is a full card; the rest are compact, with a small thumbnail when they have a picture.
        assert all("card-compact" in c and "standfirst" not in c for c in cards[1:])


def test_the_lead_picture_is_fetched_first_and_the_others_lazily(client, front):
    html = client.get("/").content.decode()
    lead = card_of(html, front["featured"])
    img = re.search(r"<img [^>]*>", lead).group()
    assert 'fetchpriority="high"' in img and 'loading="eager"' in img
    assert html.count('fetchpriority="high"') == 1
    pictured = [s.get_absolute_url() for s in front["stories"] if s.lead_image]
    shown = [card for card in CARD.findall(html) if any(f'<a href="{url}">' in card for url in pictured)]
    assert len(shown) >= 2, "pictured stories in the row and a section block"
    for card in shown:
        assert_thumbnail(card, loading="lazy")


def assert_thumbnail(card: str, loading: str = "lazy") -> None:
    """A <picture> in .card-media: WebP and JPEG renditions with srcset and sizes, its size and alt."""
    media = re.search(r'<div class="card-media"><picture>(.*?)</picture></div>', card, re.S)
    assert media, card
    source = re.search(r'<source type="image/webp" srcset="([^"]+)" sizes="[^"]+">', media.group(1))
    assert source and re.search(r"\.webp 480w, \S+\.webp 960w$", source.group(1)), media.group(1)
    img = re.search(r"<img [^>]*>", media.group(1)).group()
    assert re.search(r'srcset="\S+\.jpg 480w, \S+\.jpg 960w"', img), img
    assert re.search(r'src="\S+-480\.jpg"', img)  # the smallest rendition, never the upload
    assert 'width="960" height="640"' in img and f'alt="{ALT}"' in img and "sizes=" in img
    assert f'loading="{loading}"' in img and "fetchpriority" not in img


def test_a_story_without_a_picture_has_no_media_in_its_card(client, front):
    html = client.get("/section/rail/").content.decode()
    plain = card_of(html, front["stories"][1])
    assert "<picture" not in plain and "card-media" not in plain and "card-has-media" not in plain


@pytest.fixture
def pictured():
    """Two stories sharing a section, tag, source and author; one with a picture."""
    ports = SectionFactory(name="Ports", slug="ports")
    wire, aida = SourceFactory(slug="wire"), AuthorFactory(slug="aida")
    common = {"section": ports, "source": wire, "authors": [aida], "tags": ["Cranes"]}
    with_picture = story(2, picture=True, headline="Cranes arrive at the quay", **common)
    without = story(1, headline="Cranes idle in the rain", **common)
    return with_picture, without


@pytest.mark.parametrize(
    "url", ["/section/ports/", "/tag/cranes/", "/source/wire/", "/author/aida/", "/search/?q=cranes"]
)
def test_lists_show_thumbnails_of_stories_with_pictures(client, pictured, url):
    with_picture, without = pictured
    html = client.get(url).content.decode()
    # The newest story is first; the second card's picture is below the first screen.
    assert_thumbnail(card_of(html, with_picture), loading="lazy")
    assert "<picture" not in card_of(html, without)


def test_the_first_card_of_a_list_loads_its_picture_at_once(client, pictured):
    with_picture, _without = pictured
    with_picture.published_at = timezone.now()
    with_picture.save()
    for url in ("/section/ports/", "/search/?q=cranes"):
        assert_thumbnail(card_of(client.get(url).content.decode(), with_picture), loading="eager")


def test_related_stories_show_thumbnails(client, pictured):
    with_picture, without = pictured
    html = client.get(without.get_absolute_url()).content.decode()
    related = html[html.index('id="related-heading"') :]
    assert_thumbnail(card_of(related, with_picture))


def home_queries(client) -> list[str]:
    client.get("/")  # the next scheduled story's time is looked up once, then kept
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]


def test_the_front_page_costs_six_queries_however_many_stories_and_sections(client, front, caches_off):
    few = home_queries(client)
    # The newest stories; the featured and breaking ones; each section's newest; their cards; all
    # their bylines; the sections for the menu.
    assert len(few) <= 6, "\n".join(sql[:150] for sql in few)
    more = [SectionFactory(name=f"Desk {i}", slug=f"desk-{i}", position=10 + i) for i in range(5)]
    for n in range(40):
        story(hours_ago=n + 40, section=more[n % 5], authors=[AuthorFactory(), AuthorFactory()])
    html_queries = home_queries(client)
    assert len(html_queries) == len(few), "\n".join(sql[:150] for sql in html_queries)


def test_story_cards_carry_the_image_fields_without_more_queries(django_assert_num_queries):
    pictured = story(1, picture=True)
    with django_assert_num_queries(2):  # the stories with their sections and sources; their bylines
        (card,) = list(story_cards())
    with django_assert_num_queries(0):
        html = str(card_picture(card))
    assert card == pictured and "-480.webp 480w" in html and f'alt="{ALT}"' in html


def test_an_image_without_renditions_is_shown_from_its_upload_without_srcset(client):
    pictured = story(1, picture=True)
    Article.objects.filter(pk=pictured.pk).update(lead_image_renditions=[])
    html = card_of(client.get(pictured.section.get_absolute_url()).content.decode(), pictured)
    img = re.search(r"<img [^>]*>", html).group()
    assert f'src="/media/{pictured.lead_image.name}"' in img and f'alt="{ALT}"' in img
    assert "srcset" not in html and "sizes" not in html  # sizes without srcset is invalid HTML
