"""Every reader page passes axe-core (WCAG 2.1 A and AA) and the Nu Html Checker, with nothing found.

The browser loads each page from the live server and axe-core checks it as a
reader's browser renders it. The raw HTML of every page goes through vnu.jar in
one run per module (the JVM is slow to start). Pages whose URL does not exist
yet are skipped; they are being built.
"""

from types import SimpleNamespace

import pytest
from django.core.cache import caches
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, reverse

from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, SourceFactory
from tests.quality import (
    axe_violations,
    format_violations,
    nu_errors,
    nu_errors_many,
    require_axe,
    require_vnu,
)

pytestmark = pytest.mark.django_db(transaction=True)


def make_reader_site():
    """One live story with everything a reader page can link to."""
    section = SectionFactory(name="Ports", slug="ports")
    source = SourceFactory(name="Harbour Wire", slug="harbour-wire")
    author = AuthorFactory(name="Aida Lim", slug="aida-lim")
    article = ArticleFactory(
        live=True,
        headline="Johor port opens its fourth terminal",
        slug="johor-port-opens-its-fourth-terminal",
        standfirst="The terminal doubles the port's capacity.",
        body="<p>The terminal opened on Monday.</p><p><strong>Ships are already queuing.</strong></p>",
        section=section,
        source=source,
        authors=[author],
        tags=["Shipping"],
    )
    ArticleFactory(live=True, section=section, headline="Port authority approves a new berth")
    return SimpleNamespace(
        article=article, section=section, source=source, author=author, tag=article.tags.get()
    )


# Each reader page's address, from the site make_reader_site() built.
READER_PAGES = {
    "home": lambda site: reverse("articles:home"),
    "article": lambda site: site.article.get_absolute_url(),
    "section": lambda site: reverse("articles:section", args=[site.section.slug]),
    "tag": lambda site: reverse("articles:tag", args=[site.tag.slug]),
    "source": lambda site: reverse("articles:source", args=[site.source.slug]),
    "author": lambda site: reverse("articles:author", args=[site.author.slug]),
    "search": lambda site: reverse("articles:search") + "?q=port",
}


def page_url(name: str, site) -> str | None:
    try:
        return READER_PAGES[name](site)
    except NoReverseMatch:
        return None


def clear_caches():
    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def _fresh_caches():
    clear_caches()  # a page cached by an earlier test would hide this test's data
    yield
    clear_caches()


@pytest.fixture(scope="module")
def nu_report(django_db_setup, django_db_blocker):
    """Nu Html Checker errors for every reader page that exists, from one vnu.jar run.

    The pages are fetched with Django's test client inside a transaction that is
    rolled back, so the transactional tests that follow start from an empty database.
    """
    require_axe()
    require_vnu()
    docs = {}
    with django_db_blocker.unblock():
        with transaction.atomic():
            site = make_reader_site()
            client = Client(raise_request_exception=False)
            for name in READER_PAGES:
                if url := page_url(name, site):
                    docs[name] = client.get(url).content.decode()
            transaction.set_rollback(True)
    clear_caches()
    return nu_errors_many(docs)


@pytest.mark.parametrize("name", list(READER_PAGES))
def test_reader_page_has_no_accessibility_or_html_errors(name, page, nu_report):
    site = make_reader_site()
    url = page_url(name, site)
    if url is None:
        pytest.skip(f"page not built yet: the {name} page has no URL")
    response = page.goto(url)
    assert response.status == 200, f"GET {url} answered {response.status}"
    violations = axe_violations(page)
    assert violations == [], f"GET {url}\n{format_violations(violations)}"
    errors = nu_report[name]
    assert errors == [], f"GET {url}: Nu Html Checker errors:\n" + "\n".join(errors)


def test_home_page_with_nothing_published_has_no_accessibility_or_html_errors(page):
    """The home page before the first story (the reader pages above cover it with stories).

    It checks one page on its own: nu_errors() starts vnu.jar just for it.
    """
    require_axe()
    require_vnu()
    response = page.goto("/")
    assert response.status == 200
    errors = nu_errors(response.text())
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)
    assert errors == [], "Nu Html Checker errors:\n" + "\n".join(errors)
