"""Every public page, asked with hostile query strings, headers and path parts, answers below 500."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .strategies import assert_no_server_error, fetch, headers, pairs, quoted, values

FUZZ = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
QUICK = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def public_pages(newsroom) -> dict[str, str]:
    story = newsroom["story"]
    top = newsroom["comments"][0]
    return {
        "home": "/",
        "search": "/search/",
        "corrections": "/corrections/",
        "section": "/section/harbour/",
        "tag": "/tag/shipping/",
        "source": "/source/coast-wire/",
        "author": "/author/ada-reporter/",
        "story": story.get_absolute_url(),
        "closed story": newsroom["closed"].get_absolute_url(),
        "preview": f"/preview/{story.pk}/",
        "feed": "/feed/",
        "atom feed": "/feed/atom/",
        "section feed": "/section/harbour/feed/",
        "tag feed": "/tag/shipping/feed/atom/",
        "source feed": "/source/coast-wire/feed/",
        "author feed": "/author/ada-reporter/feed/atom/",
        "sitemap index": "/sitemap.xml",
        "stories sitemap": "/sitemap-stories.xml",
        "tags sitemap": "/sitemap-tags.xml",
        "news sitemap": "/news-sitemap.xml",
        "robots": "/robots.txt",
        "newsletter": "/newsletter/",
        "newsletter sent": "/newsletter/sent/",
        "reply page": f"/comments/{top.pk}/reply/",
        "report page": f"/comments/{top.pk}/report/",
        "about": "/about/",
        "admin login": "/admin/login/",
    }


PAGES = [
    "home", "search", "corrections", "section", "tag", "source", "author", "story", "closed story", "preview",
    "feed", "atom feed", "section feed", "tag feed", "source feed", "author feed", "sitemap index",
    "stories sitemap", "tags sitemap", "news sitemap", "robots", "newsletter", "newsletter sent",
    "reply page", "report page", "about", "admin login",
]  # fmt: skip


def test_every_page_is_listed(newsroom):
    assert sorted(public_pages(newsroom)) == sorted(PAGES)


@pytest.mark.parametrize("page", PAGES)
@QUICK
@given(query=pairs, sent_headers=headers, method=st.sampled_from(["GET", "GET", "HEAD"]))
def test_query_strings_and_headers(page, query, sent_headers, method, newsroom, fresh_client):
    path = public_pages(newsroom)[page]
    response = fetch(fresh_client(), method, path, query=query, headers=sent_headers)
    assert_no_server_error(response, f"{method} {path} ?{query} {sent_headers}")


@pytest.mark.parametrize(
    "key", ["page", "q", "comments", "posted", "p"], ids=["page", "q", "comments", "posted", "p"]
)
@FUZZ
@given(value=values, where=st.sampled_from(["story", "search", "section", "stories sitemap", "home"]))
def test_the_parameters_the_site_reads(key, value, where, newsroom, fresh_client):
    path = public_pages(newsroom)[where]
    response = fetch(fresh_client(), "GET", path, query=[(key, value)])
    assert_no_server_error(response, f"GET {path}?{key}={value!r}")


WEBSEARCH = st.lists(
    st.sampled_from(['"', "-", "OR", "or", "&", "|", "!", ":*", "(", ")", "<->", "'", "\\", " ", "harbour"])
    | values,
    max_size=12,
).map(" ".join)


@FUZZ
@given(q=WEBSEARCH, page=st.one_of(st.none(), values, st.integers(-5, 10**30).map(str)))
def test_search(q, page, newsroom, fresh_client):
    query = [("q", q)] + ([("page", page)] if page is not None else [])
    response = fetch(fresh_client(), "GET", "/search/", query=query)
    assert_no_server_error(response, f"search {query!r}")


SLUG_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCXYZ0123456789-_"
slugs = st.one_of(st.sampled_from(["harbour", "shipping", "coast-wire", "ada-reporter"]), values)
url_slugs = st.text(SLUG_ALPHABET, min_size=1, max_size=60) | slugs


@FUZZ
@given(
    kind=st.sampled_from(["section", "tag", "source", "author"]),
    slug=url_slugs,
    tail=st.sampled_from(["", "feed/", "feed/atom/"]),
)
def test_slugs_in_paths(kind, slug, tail, newsroom, fresh_client):
    path = f"/{kind}/{quoted(slug)}/{tail}"
    assert_no_server_error(fetch(fresh_client(), "GET", path), f"GET {path}")


numbers = st.one_of(
    st.integers(0, 3000), st.integers(0, 10**40), st.sampled_from(["00", "0", "2026", "99", "9" * 30])
).map(str)
two_digits = st.integers(0, 99).map(lambda n: f"{n:02d}")


@FUZZ
@given(
    section=st.just("harbour") | url_slugs,
    year=numbers,
    month=two_digits | values,
    day=two_digits | values,
    slug=url_slugs,
    use_story=st.booleans(),
)
def test_story_addresses(section, year, month, day, slug, use_story, newsroom, fresh_client):
    story = newsroom["story"]
    if use_story:
        section, slug = story.section.slug, story.slug
    path = f"/{quoted(section)}/{quoted(year)}/{quoted(month)}/{quoted(day)}/{quoted(slug)}/"
    assert_no_server_error(fetch(fresh_client(), "GET", path), f"GET {path}")


@FUZZ
@given(
    name=st.sampled_from(["pages", "stories", "sections", "tags", "authors", "sources"]) | url_slugs,
    p=st.one_of(st.none(), values),
)
def test_sitemap_sections(name, p, newsroom, fresh_client):
    path = f"/sitemap-{quoted(name)}.xml"
    response = fetch(fresh_client(), "GET", path, query=[("p", p)] if p is not None else ())
    assert_no_server_error(response, f"GET {path} p={p!r}")


ids = st.one_of(st.integers(-5, 10**6), st.integers(0, 10**40), values)


@FUZZ
@given(pk=ids, page=st.sampled_from(["reply", "report"]), real=st.sampled_from([None, 0, 1, 2, 3]))
def test_comment_and_story_ids_in_paths(pk, page, real, newsroom, fresh_client, editor_client):
    if real is not None:
        pk = newsroom["comments"][real].pk
    path = f"/comments/{quoted(str(pk))}/{page}/"
    assert_no_server_error(fetch(fresh_client(), "GET", path), f"GET {path}")
    editor_client.raise_request_exception = False
    response = fetch(editor_client, "GET", f"/preview/{quoted(str(pk))}/")
    assert_no_server_error(response, f"preview {pk!r} (signed in as an editor)")


TOKEN_PAGES = [
    "newsletter/confirm",
    "newsletter/manage",
    "newsletter/unsubscribe",
    "comments/confirm",
    "comments/mute",
]


@FUZZ
@given(
    kind=st.sampled_from(TOKEN_PAGES),
    token=values,
    mangle=st.sampled_from(["", "append", "cut", "flip"]),
    method=st.sampled_from(["GET", "POST"]),
)
def test_tokens_in_paths(kind, token, mangle, method, newsroom, fresh_client):
    real = newsroom["tokens"][
        {
            "newsletter/confirm": "newsletter-confirm",
            "newsletter/manage": "newsletter-manage",
            "newsletter/unsubscribe": "newsletter-manage",
            "comments/confirm": "comment-confirm",
            "comments/mute": "comment-mute",
        }[kind]
    ]
    if mangle == "append":
        token = real + token
    elif mangle == "cut":
        token = real[: len(token) % max(len(real), 1)]
    elif mangle == "flip":
        token = real[:-3] + token[:3]
    path = f"/{kind}/{quoted(token)}/" if token else f"/{kind}//"
    response = fetch(fresh_client(), method, path, form=[("action", "save")] if method == "POST" else None)
    assert_no_server_error(response, f"{method} {path}")
