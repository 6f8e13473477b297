"""RSS 2.0 and Atom 1.0 feeds: only public stories, absolute addresses on SITE_URL,
permanent GUIDs, bylines in order, and a fixed number of queries."""

import html
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article
from tests.conftest import PUBLIC_SITE_URL as SITE_URL  # noqa: E402
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, SourceFactory

ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
KINDS = ["section", "tag", "source", "author"]


@pytest.fixture(autouse=True)
def site_url(public_site_url):
    return public_site_url


def parse(content):
    return ET.fromstring(content)  # noqa: S314 (our own feed, not untrusted input)


def fetch(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.content[:500]
    return response, parse(response.content)


def rss_items(client, path):
    _, root = fetch(client, path)
    return root.find("channel").findall("item")


def atom_entries(client, path):
    _, root = fetch(client, path)
    return root.findall(f"{ATOM}entry")


def rss_titles(client, path):
    return [html.unescape(item.findtext("title")) for item in rss_items(client, path)]


def atom_titles(client, path):
    return [entry.findtext(f"{ATOM}title") for entry in atom_entries(client, path)]


def titles(client, path):
    return atom_titles(client, path) if path.endswith("/atom/") else rss_titles(client, path)


def hidden_stories(section=None, **extra):
    """One story of every kind a reader must not see."""
    section = section or SectionFactory()
    past = timezone.now() - timedelta(hours=2)
    return [
        ArticleFactory(headline="Draft story", status=Article.Status.DRAFT, section=section, **extra),
        ArticleFactory(
            headline="Draft with a date",
            status=Article.Status.DRAFT,
            published_at=past,
            section=section,
            **extra,
        ),
        ArticleFactory(headline="In review", status=Article.Status.IN_REVIEW, section=section, **extra),
        ArticleFactory(headline="Scheduled", scheduled=True, section=section, **extra),
        ArticleFactory(
            headline="Archived", status=Article.Status.ARCHIVED, published_at=past, section=section, **extra
        ),
    ]


HIDDEN = {"Draft story", "Draft with a date", "In review", "Scheduled", "Archived"}


@pytest.mark.parametrize("path", ["/feed/", "/feed/atom/"])
def test_site_feed_lists_public_stories_only(client, path):
    ArticleFactory(live=True, headline="Live story")
    hidden_stories()
    ArticleFactory(live=True, headline="No section", section=None)  # no public address

    assert titles(client, path) == ["Live story"]


def test_rss_channel_and_item(client):
    first, second = AuthorFactory(name="Zoe Quay"), AuthorFactory(name="Adam Berth")
    section = SectionFactory(name="Ports")
    story = ArticleFactory(
        live=True,
        headline="Berth 7 & the <new> cranes",
        standfirst="Cranes arrive <soon>.",
        section=section,
        authors=[first, second],
        tags=["Rotterdam", "Cranes", "antwerp"],
    )

    response, root = fetch(client, "/feed/")

    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel.findtext("title") == "Harbour Weekly"
    assert channel.findtext("link") == f"{SITE_URL}/"
    assert channel.findtext("description")
    assert channel.findtext("language") == "en-gb"
    self_link = channel.find(f"{ATOM}link")
    assert self_link.get("rel") == "self" and self_link.get("href") == f"{SITE_URL}/feed/"
    parsedate_to_datetime(channel.findtext("lastBuildDate"))  # RFC 822

    (item,) = channel.findall("item")
    assert html.unescape(item.findtext("title")) == story.headline
    assert item.findtext("link") == SITE_URL + story.get_absolute_url()
    assert html.unescape(item.findtext("description")) == story.standfirst
    guid = item.find("guid")
    created = story.created_at.astimezone(UTC).date().isoformat()
    assert guid.text == f"tag:news.example.org,{created}:article:{story.pk}"
    assert guid.get("isPermaLink") == "false"
    pub_date = parsedate_to_datetime(item.findtext("pubDate"))
    assert pub_date.tzinfo is not None
    assert pub_date == story.published_at.replace(microsecond=0)
    assert [c.text for c in item.findall("category")] == ["Ports", "antwerp", "Cranes", "Rotterdam"]
    assert [c.text for c in item.findall(f"{DC}creator")] == ["Zoe Quay", "Adam Berth"]
    assert item.find("author") is None  # RSS's <author> is an e-mail address


def test_atom_feed_and_entry(client):
    first, second = AuthorFactory(name="Zoe Quay"), AuthorFactory(name="Adam Berth")
    story = ArticleFactory(
        live=True,
        headline="Berth 7 & the <new> cranes",
        section=SectionFactory(name="Ports"),
        authors=[first, second],
        tags=["Cranes"],
    )

    response, root = fetch(client, "/feed/atom/")

    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert root.tag == f"{ATOM}feed"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en-gb"
    assert root.findtext(f"{ATOM}title") == "Harbour Weekly"
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links == {"alternate": f"{SITE_URL}/", "self": f"{SITE_URL}/feed/atom/"}
    assert root.find(f"{ATOM}author").findtext(f"{ATOM}name") == "Harbour Weekly"
    assert datetime.fromisoformat(root.findtext(f"{ATOM}updated")).tzinfo is not None

    (entry,) = root.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == story.headline  # plain text in Atom
    assert entry.find(f"{ATOM}link").get("href") == SITE_URL + story.get_absolute_url()
    assert entry.findtext(f"{ATOM}id").startswith("tag:news.example.org,")
    assert datetime.fromisoformat(entry.findtext(f"{ATOM}published")) == story.published_at
    assert datetime.fromisoformat(entry.findtext(f"{ATOM}updated")) == story.updated_at
    assert [a.findtext(f"{ATOM}name") for a in entry.findall(f"{ATOM}author")] == ["Zoe Quay", "Adam Berth"]
    assert [a.findtext(f"{ATOM}uri") for a in entry.findall(f"{ATOM}author")] == [
        SITE_URL + first.get_absolute_url(),
        SITE_URL + second.get_absolute_url(),
    ]
    assert [c.get("term") for c in entry.findall(f"{ATOM}category")] == ["Ports", "Cranes"]
    assert html.unescape(entry.findtext(f"{ATOM}summary")) == story.standfirst


def test_every_address_is_absolute_on_site_url(client):
    source = SourceFactory()
    author = AuthorFactory()
    story = ArticleFactory(live=True, source=source, authors=[author], tags=["Ships"])
    paths = [
        "/feed/",
        f"/section/{story.section.slug}/feed/",
        f"/tag/{Tag.objects.get().slug}/feed/",
        f"/source/{source.slug}/feed/",
        f"/author/{author.slug}/feed/",
    ]
    for path in paths:
        for feed in (path, path + "atom/"):
            content = client.get(feed).content.decode()
            assert "wrong.example" not in content
            root = parse(content)
            hrefs = [el.get("href") for el in root.iter(f"{ATOM}link")]
            hrefs += [el.text for el in root.iter("link")] + [el.text for el in root.iter(f"{ATOM}uri")]
            assert hrefs and all(h.startswith(SITE_URL + "/") for h in hrefs), (feed, hrefs)
            ids = [el.text for el in root.iter("guid")] + [el.text for el in root.iter(f"{ATOM}id")]
            assert all(i.startswith(("tag:news.example.org,", SITE_URL + "/")) for i in ids), (feed, ids)


def test_guid_survives_a_new_slug_and_section(client):
    story = ArticleFactory(live=True, slug="old-slug")
    guid = rss_items(client, "/feed/")[0].findtext("guid")
    atom_id = atom_entries(client, "/feed/atom/")[0].findtext(f"{ATOM}id")

    story.slug = "new-slug"
    story.section = SectionFactory()
    story.published_at -= timedelta(days=3)
    story.save()

    (item,) = rss_items(client, "/feed/")
    assert item.findtext("link").endswith("/new-slug/")
    assert item.findtext("guid") == guid == atom_id
    assert atom_entries(client, "/feed/atom/")[0].findtext(f"{ATOM}id") == atom_id


def test_newest_first_and_thirty_at_most(client):
    now = timezone.now()
    for hours in range(32):
        ArticleFactory(live=True, headline=f"Story {hours}", published_at=now - timedelta(hours=hours + 1))

    expected = [f"Story {hours}" for hours in range(30)]
    assert rss_titles(client, "/feed/") == expected
    assert atom_titles(client, "/feed/atom/") == expected


def scoped_world(kind):
    """A slug of `kind` with a public story in it, one elsewhere, and hidden stories in it."""
    section, source, author = (
        SectionFactory(name="Ports"),
        SourceFactory(name="Wire A"),
        AuthorFactory(name="Ann"),
    )
    inside = {
        "section": {"section": section},
        "tag": {"tags": ["Cranes"]},
        "source": {"source": source},
        "author": {"authors": [author]},
    }[kind]
    ArticleFactory(live=True, headline="Inside", **inside)
    ArticleFactory(
        live=True, headline="Outside", tags=["Ships"], source=SourceFactory(), authors=[AuthorFactory()]
    )
    extra = {k: v for k, v in inside.items() if k != "section"}
    hidden_stories(section=section if kind == "section" else None, **extra)
    slug, name = {
        "section": (section.slug, "Ports"),
        "tag": ("cranes", "Cranes"),
        "source": (source.slug, "Wire A"),
        "author": (author.slug, "Ann"),
    }[kind]
    return slug, name


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("atom", [False, True], ids=["rss", "atom"])
def test_scoped_feeds_filter(client, kind, atom):
    slug, name = scoped_world(kind)
    path = f"/{kind}/{slug}/feed/" + ("atom/" if atom else "")
    assert path == reverse(f"feeds:{kind}{'-atom' if atom else ''}", args=[slug])

    _, root = fetch(client, path)

    assert titles(client, path) == ["Inside"]
    if atom:
        assert root.findtext(f"{ATOM}title") == f"Harbour Weekly — {name}"
        links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
        assert links["self"] == SITE_URL + path
        assert links["alternate"] == f"{SITE_URL}/{kind}/{slug}/"
    else:
        channel = root.find("channel")
        assert channel.findtext("title") == f"Harbour Weekly — {name}"
        assert channel.find(f"{ATOM}link").get("href") == SITE_URL + path
        assert channel.findtext("link") == f"{SITE_URL}/{kind}/{slug}/"


@pytest.mark.parametrize("kind", KINDS)
def test_an_empty_scope_is_an_empty_feed(client, kind):
    factory = {"section": SectionFactory, "source": SourceFactory, "author": AuthorFactory}.get(kind)
    slug = factory().slug if factory else Tag.objects.create(name="Unused", slug="unused").slug
    ArticleFactory(live=True)

    assert rss_items(client, f"/{kind}/{slug}/feed/") == []
    assert atom_entries(client, f"/{kind}/{slug}/feed/atom/") == []


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("suffix", ["", "atom/"])
def test_unknown_slug_is_404(client, kind, suffix):
    assert client.get(f"/{kind}/no-such-thing/feed/{suffix}").status_code == 404


@pytest.fixture
def busy_newsroom(db):
    """35 public stories with two authors and three tags each, across sections and sources."""
    sections = [SectionFactory() for _ in range(3)]
    sources = [SourceFactory() for _ in range(2)]
    authors = [AuthorFactory() for _ in range(4)]
    now = timezone.now()
    for i in range(35):
        ArticleFactory(
            live=True,
            published_at=now - timedelta(minutes=i + 1),
            section=sections[i % 3],
            source=sources[i % 2],
            authors=[authors[i % 4], authors[(i + 1) % 4]],
            tags=[f"tag-a{i % 2}", f"tag-b{i % 3}", "common"],
        )
    return {
        "section": sections[0],
        "source": sources[0],
        "author": authors[0],
        "tag": Tag.objects.get(name="common"),
    }


@pytest.mark.parametrize("scope", [None, *KINDS])
@pytest.mark.parametrize("suffix", ["", "atom/"])
def test_queries_do_not_grow_with_stories(
    client, busy_newsroom, django_assert_max_num_queries, scope, suffix
):
    path = f"/{scope}/{busy_newsroom[scope].slug}/feed/" if scope else "/feed/"
    client.get(path + suffix)  # the Site lookup is cached from here on

    # Measured: 3 for the site feed, 4 for the others ([owner], stories, bylines with authors, tags).
    with django_assert_max_num_queries(6):
        response = client.get(path + suffix)

    root = parse(response.content)
    items = root.find("channel").findall("item") if not suffix else root.findall(f"{ATOM}entry")
    assert len(items) >= 11
    if not suffix:
        assert all(len(item.findall(f"{DC}creator")) == 2 for item in items)
        assert all(len(item.findall("category")) == 4 for item in items)


def test_site_feed_query_count_on_a_cold_site_cache(client, busy_newsroom, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):  # measured: 4 (Site, stories, bylines with authors, tags)
        response = client.get("/feed/")
    assert len(parse(response.content).find("channel").findall("item")) == 30
