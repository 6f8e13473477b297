"""What bounds the page cache: query parameters a page does not read make no entry of their own.

The red-team report: 2,000 GETs of `/?utm_x=N` rendered the home page 2,000 times and
put 40 MB in Redis. A page is now cached under its path and the parameters it reads
(`page`, `comments`, `q`), so junk parameters share the page's one entry.
"""

from contextlib import contextmanager

import pytest
from django.core.cache import cache
from django.http import QueryDict
from django.test.signals import template_rendered

from articles.page_keys import page_key
from tests.comments.helpers import make_comment
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def harbour():
    """A section of 25 live stories (two pages of 20) and the newest one's address."""
    section = SectionFactory(name="Harbour", slug="harbour")
    stories = [ArticleFactory(live=True, section=section, headline=f"Harbour story {n}") for n in range(25)]
    return section, stories[-1]


@contextmanager
def renders(template_name: str):
    """Count the renders of a page's template (Django's test instrumentation reports each one)."""
    seen = []

    def note(sender, template, context, **kwargs):
        if template.name == template_name:
            seen.append(template_name)

    template_rendered.connect(note)
    try:
        yield seen
    finally:
        template_rendered.disconnect(note)


def stored(path: str, query: str, reads=("page",)) -> bool:
    key = page_key(path, QueryDict(query), reads)
    return key is not None and cache.get(key) is not None


@pytest.mark.parametrize(
    ("address", "template"),
    [
        ("/", "articles/home.html"),
        ("/section/harbour/", "articles/story_list.html"),
        ("/section/harbour/?page=2", "articles/story_list.html"),
        ("/search/?q=harbour", "articles/search.html"),
        ("story", "articles/article_detail.html"),
    ],
)
def test_junk_parameters_render_a_page_once(client, harbour, address, template):
    if address == "story":
        address = harbour[1].get_absolute_url()
    joiner = "&" if "?" in address else "?"
    with renders(template) as seen:
        bodies = {client.get(f"{address}{joiner}utm_x={n}&fbclid=a{n}").content for n in range(200)}
    assert len(seen) == 1
    assert len(bodies) == 1
    assert client.get(address).content in bodies  # the same page as without them


def test_the_parameters_a_page_reads_still_make_different_pages(client, harbour):
    section, newest = harbour
    first, second = client.get("/section/harbour/").content, client.get("/section/harbour/?page=2").content
    assert first != second
    assert b"Harbour story 24" in first and b"Harbour story 0" in second
    assert client.get("/section/harbour/?utm=1&page=2").content == second
    assert client.get("/search/?q=story+24").content != client.get("/search/?q=story+3").content
    assert client.get("/section/harbour/?page=1&page=2").content == second  # the last, as the view reads it


def test_pages_past_the_last_and_bad_numbers_are_not_stored(client, harbour):
    path = "/section/harbour/"
    assert client.get(f"{path}?page=2").status_code == 200
    assert stored(path, "page=2")
    for query in ("page=3", "page=999999", "page=abc", "page=0", "page=-1"):
        assert client.get(f"{path}?{query}").status_code == 404, query
        assert not stored(path, query), query
    with renders("articles/story_list.html") as seen:
        for spelling in ("02", "+2", " 2", "2 ", "0002"):
            assert client.get(f"{path}?page={spelling}").status_code == 200
            assert page_key(path, QueryDict(f"page={spelling}"), ("page",)) is None, spelling
    assert len(seen) == 5  # rendered each time, by the view itself, and never stored


def test_a_storys_comment_pages_past_the_last_are_not_stored(client, harbour):
    story = harbour[1]
    url = story.get_absolute_url()
    make_comment(story, comment="The only thread.")
    assert client.get(f"{url}?comments=1").status_code == 200
    assert stored(url, "comments=1", reads=("comments",))
    for n in (2, 99_999, 123_456):
        assert client.get(f"{url}?comments={n}").status_code == 404
        assert not stored(url, f"comments={n}", reads=("comments",))


def test_the_posted_parameter_shows_the_current_page(client, harbour):
    """`?posted=<time>` (after a comment is sent) only makes browsers miss their own cache."""
    story = harbour[1]
    url = story.get_absolute_url()
    client.get(url)
    make_comment(story, comment="Fresh from the quay.")
    assert "Fresh from the quay." in client.get(f"{url}?posted=1700000000").content.decode()
    with renders("articles/article_detail.html") as seen:
        client.get(f"{url}?posted=1700000001"), client.get(url)
    assert seen == []


def test_keys_are_canonical():
    reads = ("page", "q")
    assert page_key("/search/", QueryDict("page=2&q=port"), reads) == page_key(
        "/search/", QueryDict("q=port&page=2"), reads
    )
    assert page_key("/", QueryDict("utm=1"), reads) == page_key("/", QueryDict(""), reads)
    assert page_key("/", QueryDict("page=2"), reads=()) == page_key("/", QueryDict(""), reads)
    assert page_key("/", QueryDict("page=2"), reads) != page_key("/", QueryDict(""), reads)
    assert page_key("/a/", QueryDict(""), reads) != page_key("/b/", QueryDict(""), reads)
