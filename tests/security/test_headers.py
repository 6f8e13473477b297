"""Every response carries the security headers, whatever produced it (docs/security.md).

The walk builds a concrete address for every URL pattern the site has (the reader site,
feeds, sitemaps, comments, the newsletter, the admin and what libraries add to it) from a
small world of real objects, and asks for it anonymously and as a signed-in superuser, with
GET and with POST. A pattern it cannot fill in fails the walk by name, so a new URL joins by
construction, or is listed in SKIPPED with the reason. Then the responses no pattern names:
the page fallback, a 404, a 500, a 503, redirects, the sign-in lockout (429), a disallowed
host (400), and reader pages served from Django's cache, through the test client and through
newsroom.wsgi's application.
"""

import re
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

import pytest
import reversion
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern
from django.utils import timezone
from reversion.models import Version

from articles.models import Article
from subscriptions import tokens
from subscriptions.models import Delivery, Digest, Subscriber
from tests.articles.test_caching import serve
from tests.comments.helpers import make_comment
from tests.factories import ArticleFactory, AuthorFactory, SourceFactory, UserFactory
from tests.newsroom.test_security import READER_CSP
from wordpress.models import OldAddress

pytestmark = pytest.mark.django_db

HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
MISSING = 999_999  # an id no row has: the answer (404, or the admin's redirect) needs the headers too

# Patterns the walk does not build an address for, each with its reason. Empty: every one is walked.
SKIPPED: dict[str, str] = {}
# Patterns that answer an empty POST without a CSRF token with a success, each with its reason.
POST_WITHOUT_TOKEN = {
    "newsletter/unsubscribe/<str:token>/": "one-click unsubscribe (RFC 8058): a mail client posts, no token",
}

PARAMETER = re.compile(r"<(?:[^>:]+:)?(\w+)>")
ADMIN_MODEL = re.compile(r"admin/(\w+)/(\w+)/")


@dataclass
class World:
    chief: object
    story: Article
    comment: object
    subscriber: Subscriber
    digest: Digest
    version: Version
    deleted_version: Version


@pytest.fixture
def world():
    with reversion.create_revision():
        story = ArticleFactory(
            live=True, tags=["Shipping"], authors=[AuthorFactory()], source=SourceFactory()
        )
    with reversion.create_revision():
        gone = ArticleFactory(headline="A draft that was deleted")
    with reversion.create_revision():
        gone.delete()
    subscriber = Subscriber.objects.create(email="reader@example.org", status=Subscriber.Status.CONFIRMED)
    now = timezone.now()
    digest = Digest.objects.create(
        edition=now.date(), period_start=now - timedelta(days=1), period_end=now, subject="The week"
    )
    Delivery.objects.create(digest=digest, subscriber=subscriber)
    rates = FlatPage.objects.create(url="/rates/", title="Rates", content="<p>Our advertising rates.</p>")
    rates.sites.add(Site.objects.get_current())
    OldAddress.objects.create(path="/2014/03/12/harbour-opens/", article=story)
    return World(
        chief=UserFactory(username="chief", is_superuser=True),
        story=story,
        comment=make_comment(story),
        subscriber=subscriber,
        digest=digest,
        version=Version.objects.get_for_object(story).first(),
        deleted_version=Version.objects.get_deleted(Article).first(),
    )


# Building an address for every pattern ------------------------------------------------------


def url_patterns(resolver=None, prefix: str = "", regex: bool = False):
    """(route, pattern, whether any part is a regular expression) for every pattern, depth first."""
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        is_regex = regex or isinstance(entry.pattern, RegexPattern)
        if isinstance(entry, URLResolver):
            yield from url_patterns(entry, route, is_regex)
        else:
            yield route, entry, is_regex


def fillers(w: World) -> dict[str, dict]:
    """Values for route parameters by the start of the route; the longest start that has them all wins."""
    story = w.story
    return {
        "admin/auth/user/<id>/": {"id": w.chief.pk},
        "admin/r/": {"content_type_id": ContentType.objects.get_for_model(Article).pk, "object_id": story.pk},
        "admin/comments/comment/<int:pk>/moderate/": {"pk": w.comment.pk, "action": "approve"},
        "admin/comments/comment/<int:pk>/": {"pk": w.comment.pk},  # thread, reply, on site
        "admin/comments/comment/undo/": {"decision_pk": w.comment.pk},  # none by that number: a 404
        "admin/subscriptions/digest/": {"pk": w.digest.pk},
        "comments/confirm/": {"token": "a-link-never-sent"},  # a bad link: its own page, not a 500
        "comments/mute/": {"token": "a-link-never-sent"},
        "comments/": {"pk": w.comment.pk},
        "newsletter/confirm/": {"token": tokens.confirm_token(w.subscriber)},
        "newsletter/": {"token": tokens.manage_token(w.subscriber)},  # manage, unsubscribe
        "section/": {"slug": story.section.slug},
        "tag/": {"slug": story.tags.get().slug},
        "source/": {"slug": story.source.slug},
        "author/": {"slug": story.authors.get().slug},
        "preview/": {"pk": story.pk},
        "<slug:section>/<int:year>/": {
            "section": story.section.slug,
            "year": story.published_at.year,
            "month": f"{story.published_at.month:02}",
            "day": f"{story.published_at.day:02}",
            "slug": story.slug,
        },
        "sitemap-": {"section": "stories"},
    }


def regex_addresses(w: World) -> dict[str, str]:
    """Addresses for patterns written as regular expressions, by URL name (or route when unnamed)."""
    return {
        "admin:app_list": reverse("admin:app_list", kwargs={"app_label": "articles"}),
        "admin:articles_article_recoverlist": reverse("admin:articles_article_recoverlist"),
        "admin:articles_article_recover": reverse(
            "admin:articles_article_recover", args=[w.deleted_version.pk]
        ),
        "admin:articles_article_revision": reverse(
            "admin:articles_article_revision", args=[w.story.pk, w.version.pk]
        ),
        "admin/(?P<url>.*)$": "/admin/no-such-admin-page/",
    }


def address(route: str, pattern, regex: bool, w: World, fill: dict, by_name: dict) -> str | None:
    if regex:
        name = f"admin:{pattern.name}" if route.startswith("admin/") and pattern.name else pattern.name
        return by_name.get(name) or by_name.get(route)
    wanted = set(PARAMETER.findall(route))
    values = next(
        (
            v
            for start, v in sorted(fill.items(), key=lambda kv: -len(kv[0]))
            if route.startswith(start) and wanted <= set(v)
        ),
        None,
    )
    if values is None and wanted == {"object_id"} and (match := ADMIN_MODEL.match(route)):
        model = apps.get_model(*match.groups())
        row = model.objects.order_by("pk").first()
        values = {"object_id": row.pk if row else MISSING}
    if values is None and wanted:
        return None
    return "/" + PARAMETER.sub(lambda m: str(values[m.group(1)]), route)


def addresses(w: World) -> tuple[list[tuple[str, str]], list[str]]:
    fill, by_name = fillers(w), regex_addresses(w)
    built, unbuilt = [], []
    for route, pattern, regex in url_patterns():
        if route in SKIPPED:
            continue
        url = address(route, pattern, regex, w, fill, by_name)
        (built.append((route, url)) if url else unbuilt.append(f"{route} (name {pattern.name!r})"))
    return built, unbuilt


# What every response must carry -------------------------------------------------------------


def problems(response, where: str, *, reader: bool) -> list[str]:
    found = [
        f"{where}: {name} is {response.headers.get(name)!r}"
        for name, value in HEADERS.items()
        if response.headers.get(name) != value
    ]
    policy = response.headers.get("Content-Security-Policy")
    if not policy:
        return [*found, f"{where}: no Content-Security-Policy"]
    if reader and re.sub(r" 'nonce-[^']+'", "", policy) != READER_CSP:  # a nonce is per response
        found.append(f"{where}: not the site's policy: {policy}")
    if "unsafe-inline" in re.search(r"script-src ([^;]*)", policy).group(1):
        found.append(f"{where}: inline scripts allowed")
    nonce = re.search(r"'nonce-([^']+)'", policy)
    body = b"" if getattr(response, "streaming", False) else response.content
    used = set(re.findall(rb'nonce="([^"]+)"', body))
    if used and (not nonce or used != {nonce.group(1).encode()}):
        found.append(f"{where}: the page's nonces {used} are not the header's")
    return found


def assert_headers(response, where: str, *, reader: bool = True) -> None:
    found = problems(response, where, reader=reader)
    assert not found, "\n".join(found)


# The walk -----------------------------------------------------------------------------------


def test_every_url_pattern_answers_with_the_security_headers_for_every_role_and_method(world, capsys):
    built, unbuilt = addresses(world)
    assert not unbuilt, (
        "The walk cannot build an address for these patterns; teach fillers() or SKIPPED:\n"
        + ("\n".join(unbuilt))
    )
    staff = Client(enforce_csrf_checks=True)
    staff.force_login(world.chief)
    roles = {"anonymous": Client(enforce_csrf_checks=True), "staff": staff}
    failures, statuses, counts = [], {}, Counter()
    for route, url in built:
        reader = not route.startswith("admin/")
        for role, client in roles.items():
            for method in ("GET", "POST"):
                response = client.generic(method, url)
                statuses[method, url, role] = response.status_code
                counts[response.status_code] += 1
                where = f"{method} {url} ({role}, pattern {route})"
                failures += problems(response, where, reader=reader)
                if response.status_code >= 500:
                    failures.append(f"{where}: {response.status_code}")
                if (
                    method == "POST"
                    and route not in POST_WITHOUT_TOKEN
                    and not 400 <= response.status_code < 500
                ):
                    failures.append(f"{where}: an empty POST without a CSRF token got {response.status_code}")
    with capsys.disabled():
        print(f"\nwalked {len(built)} URL patterns x {len(roles)} roles x 2 methods = {counts.total()}")
        print("statuses: " + ", ".join(f"{status}: {n}" for status, n in sorted(counts.items())))
    assert counts.total() == len(built) * 4 and len(built) >= 190  # the walk cannot quietly shrink
    assert not failures, "\n".join(failures)
    change = f"/admin/articles/article/{world.story.pk}/change/"
    pages = [("GET", world.story.get_absolute_url(), "anonymous"), ("GET", "/about/", "anonymous")]
    assert [statuses[key] for key in [*pages, ("GET", change, "staff")]] == [200] * 3  # not only refusals


# Answers no URL pattern names ---------------------------------------------------------------


@pytest.fixture
def staff(world):
    client = Client()
    client.force_login(world.chief)
    return client


def test_a_page_the_fallback_finds_carries_the_headers(world, client, staff):
    for who, reader in (("anonymous", client), ("staff", staff)):
        response = reader.get("/rates/")
        assert response.status_code == 200 and "Our advertising rates." in response.content.decode()
        assert_headers(response, f"/rates/ ({who})")


def test_not_found_carries_the_headers(world, client, staff):
    for url in (
        "/no-such-page/",
        "/section/no-such-section/",
        f"/comments/{MISSING}/reply/",
        f"/section/{world.story.section.slug}/{MISSING}/01/01/no-such-story/",
    ):
        for who, reader in (("anonymous", client), ("staff", staff)):
            response = reader.get(url)
            assert response.status_code == 404, (url, who)
            assert_headers(response, f"{url} ({who})")
    missing = staff.get(f"/admin/articles/article/{MISSING}/change/")  # the admin's "no such story"
    assert missing.status_code in (302, 404)
    assert_headers(missing, "admin, missing story", reader=False)


def test_redirects_carry_the_headers(world, client):
    OldAddress.objects.create(path="/?p=123", article=world.story)
    story = world.story.get_absolute_url()
    for url, status, location in (
        ("/2014/03/12/harbour-opens/", 301, story),  # an old WordPress permalink
        ("/?p=123", 301, story),  # a WordPress short link
        ("/search", 301, "/search/"),  # Django's APPEND_SLASH
        ("/rates", 301, "/rates/"),  # the page fallback's own
        ("/admin/", 302, "/admin/login/?next=/admin/"),  # sign in first
    ):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (status, location), url
        assert_headers(response, url, reader=not url.startswith("/admin/"))


@override_settings(ROOT_URLCONF="tests.security.headers_urls")
def test_server_errors_carry_the_headers(world):
    client = Client(raise_request_exception=False)
    broken = client.get("/broken/")
    assert broken.status_code == 500
    assert_headers(broken, "500")
    gone = client.get("/database-gone/")
    assert gone.status_code == 503 and gone["Retry-After"] == "5"
    assert_headers(gone, "503")


def test_a_request_for_another_host_is_refused_with_the_headers(world):
    response = Client(HTTP_HOST="evil.example", raise_request_exception=False).get("/")
    assert response.status_code == 400
    assert_headers(response, "400")


def test_the_sign_in_lockout_carries_the_headers_and_its_nonce(world):
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(5):
        response = client.post(
            "/admin/login/?next=/admin/", {"username": "chief", "password": "wrong-password-1"}
        )
    assert response.status_code == 429 and "Too many failed sign-ins" in response.content.decode()
    assert_headers(response, "429", reader=False)
    assert "'nonce-" in response["Content-Security-Policy"]


def test_a_page_from_djangos_page_cache_carries_the_headers(world, client, django_assert_num_queries):
    url = world.story.get_absolute_url()
    fresh = client.get(url)
    with django_assert_num_queries(0):  # from the cache
        cached = client.get(url)
    assert cached.content == fresh.content
    assert_headers(cached, "cached story page")
    assert cached["Content-Security-Policy"] == fresh["Content-Security-Policy"]


# Through newsroom.wsgi's application, as the app server calls it ---------------------------


def through_wsgi(path: str) -> HttpResponse:
    served = serve(path)
    return HttpResponse(served.content, status=served.status_code, headers=served.headers)


def test_a_cache_hit_through_the_wsgi_application_carries_the_headers_of_a_miss(
    world, django_assert_num_queries
):
    url = world.story.get_absolute_url()
    fresh = through_wsgi(url)
    with django_assert_num_queries(0):
        hit = through_wsgi(url)
    assert fresh.status_code == hit.status_code == 200 and hit.content == fresh.content
    assert_headers(hit, "cache hit through WSGI")
    for name in (*HEADERS, "Content-Security-Policy", "ETag", "Cache-Control", "Vary"):
        assert hit[name] == fresh[name], name


@override_settings(ROOT_URLCONF="tests.security.headers_urls")
def test_a_page_whose_policy_carries_a_nonce_is_never_replayed(world):
    first = through_wsgi("/inline-script/")
    nonce = re.search(r"'nonce-([^']+)'", first["Content-Security-Policy"]).group(1)
    assert f'nonce="{nonce}"'.encode() in first.content
    second = through_wsgi("/inline-script/")
    assert nonce not in second["Content-Security-Policy"]  # a nonce is for one response
    assert_headers(second, "second answer")  # and the page's nonce is the header's
