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

from comments.tokens import mute_token
from subscriptions import tokens
from tests.comments.helpers import make_pending
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, SourceFactory
from tests.quality import (
    axe_violations,
    format_violations,
    nu_errors,
    nu_errors_many,
    require_axe,
    require_vnu,
)
from tests.subscriptions.conftest import make_subscriber

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
    comment = add_conversation(article)
    return SimpleNamespace(
        article=article,
        section=section,
        source=source,
        author=author,
        tag=article.tags.get(),
        comment=comment,
    )


def add_conversation(article):
    """A thread deeper than the nesting shows, a website link and a removed comment with a reply."""
    from comments.services import comments_recount
    from tests.comments.helpers import make_comment

    def add(name, parent=None, **fields):
        return make_comment(
            article,
            user_name=name,
            user_email=f"{name.split()[0].lower()}@example.org",
            comment=f"{name} writes about the terminal: https://example.org/terminal\n\nA second paragraph.",
            parent_id=parent.pk if parent else 0,
            **fields,
        )

    first = add("Ana Cruz", user_url="https://ana.example.org/")
    chain = first
    for name in ("Ben Ong", "Cai Lun", "Dee Raj"):
        chain = add(name, parent=chain)
    gone = add("Removed Person", is_removed=True)
    add("Eli Tan", parent=gone)
    comments_recount(article_pks=[article.pk])
    return first


# Each reader page's address, from the site make_reader_site() built.
READER_PAGES = {
    "home": lambda site: reverse("articles:home"),
    "article": lambda site: site.article.get_absolute_url(),
    "section": lambda site: reverse("articles:section", args=[site.section.slug]),
    "tag": lambda site: reverse("articles:tag", args=[site.tag.slug]),
    "source": lambda site: reverse("articles:source", args=[site.source.slug]),
    "author": lambda site: reverse("articles:author", args=[site.author.slug]),
    "search": lambda site: reverse("articles:search") + "?q=port",
    "comment_reply": lambda site: reverse("comments:reply", args=[site.comment.pk]),
    "comment_report": lambda site: reverse("comments:report", args=[site.comment.pk]),
    "comment_confirm": lambda site: reverse("comments:confirm", args=[confirm_token(site.article)]),
    "comment_muted": lambda site: reverse(
        "comments:mute", args=[mute_token("ana@example.org", site.article.pk)]
    ),
    "comment_bad_link": lambda site: reverse("comments:confirm", args=["broken"]),
    "newsletter_signup": lambda site: reverse("subscriptions:signup"),
    "newsletter_sent": lambda site: reverse("subscriptions:sent"),
    "newsletter_confirm": lambda site: reverse(
        "subscriptions:confirm",
        args=[tokens.confirm_token(make_subscriber(email="pen@example.org", status="pending"))],
    ),
    "newsletter_manage": lambda site: reverse(
        "subscriptions:manage",
        args=[
            tokens.manage_token(
                make_subscriber(email="ada@example.org", sections=[site.section], tags=[site.tag])
            )
        ],
    ),
    "newsletter_manage_left": lambda site: reverse(
        "subscriptions:manage",
        args=[tokens.manage_token(make_subscriber(email="left@example.org", status="unsubscribed"))],
    ),
    "newsletter_unsubscribe": lambda site: reverse(
        "subscriptions:unsubscribe", args=[tokens.manage_token(make_subscriber(email="bo@example.org"))]
    ),
    "newsletter_unsubscribed": lambda site: reverse(
        "subscriptions:unsubscribe",
        args=[tokens.manage_token(make_subscriber(email="gone@example.org", status="unsubscribed"))],
    ),
    "newsletter_bad_link": lambda site: reverse("subscriptions:confirm", args=["broken"]),
    "not_found": lambda site: "/no-such-page/",
}

OK_STATUS = {"comment_bad_link": 400, "newsletter_bad_link": 400, "not_found": 404}


def confirm_token(article):
    _, path = make_pending(article, email="fay@example.org", user_name="Fay Lim", text="Waiting for a click.")
    return path.rstrip("/").rsplit("/", 1)[1]


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
    assert response.status == OK_STATUS.get(name, 200), f"GET {url} answered {response.status}"
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


def test_a_refused_comment_page_has_no_accessibility_or_html_errors(page, settings):
    """The page a reader sees when the comment form is refused: errors listed, their text kept."""
    require_axe()
    require_vnu()
    site = make_reader_site()
    page.goto(site.article.get_absolute_url())
    page.get_by_label("Name", exact=True).fill("Gus Ho")
    page.get_by_label("Email", exact=True).fill("not-an-address")
    page.get_by_label("Comment", exact=True).fill("My thoughts on the terminal.")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Post comment").click()
    html = navigation.value.text()
    assert "Your comment was not posted" in html and "My thoughts on the terminal." in html
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)
    errors = nu_errors(html)
    assert errors == [], "Nu Html Checker errors:\n" + "\n".join(errors)


def test_a_refused_newsletter_signup_has_no_accessibility_or_html_errors(page, settings):
    require_axe()
    require_vnu()
    page.goto("/newsletter/")
    page.get_by_label("Email address").fill("not-an-address")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Subscribe").click()
    html = navigation.value.text()
    assert "Enter a valid email address" in html
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)
    errors = nu_errors(html)
    assert errors == [], "Nu Html Checker errors:\n" + "\n".join(errors)
