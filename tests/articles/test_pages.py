"""Site pages (flatpages): what an editor writes is shown as text or allowlisted HTML, at a local address."""

import re

import pytest
from django.contrib import admin
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.test import Client

from articles.pages import PageAdmin
from tests.factories import UserFactory
from wordpress.models import OldAddress

pytestmark = pytest.mark.django_db

# What the red team's editor put on /rates/: a script that makes whoever opens the page a
# superuser's accomplice, a title that runs script, and a refresh that sends readers away.
TAKEOVER = (
    "<p>Our rates.</p><script>fetch('/admin/auth/user/1/change/', {method: 'POST', "
    "body: 'is_superuser=on'})</script><meta http-equiv=refresh content='0;url=https://evil.example/'>"
    '<img src=x onerror="alert(document.domain)"><a href="javascript:alert(1)">Pay</a>'
)
HOSTILE_TITLE = "Rates<img src=x onerror=alert(document.domain)>"


def site_pk() -> int:
    return Site.objects.get_current().pk


def make_page(url: str, **fields) -> FlatPage:
    page = FlatPage.objects.create(url=url, title=fields.pop("title", "Rates"), **fields)
    page.sites.add(Site.objects.get_current())
    return page


def store_raw(page: FlatPage, **fields) -> None:
    """As content saved before this fix, or by a query that skips save(), is stored."""
    FlatPage.objects.filter(pk=page.pk).update(**fields)


def assert_harmless(html: str) -> None:
    """Nothing that runs or leaves: the page's own article, and no tag anywhere with a handler."""
    article = html.split('<article class="page">')[-1].split("</article>")[0]
    assert "<script" not in article and "<meta" not in article and "javascript:" not in article
    assert "http-equiv" not in html and not re.search(r"<[^>]*\bonerror", html)


def test_an_editors_page_with_a_script_is_cleaned_when_saved_and_its_title_shown_as_text(editor_client):
    response = editor_client.post(
        "/admin/flatpages/flatpage/add/",
        {"url": "/rates/", "title": HOSTILE_TITLE, "content": TAKEOVER, "sites": [site_pk()]},
    )
    assert response.status_code == 302, response.content.decode()
    page = FlatPage.objects.get(url="/rates/")
    assert page.content == '<p>Our rates.</p><img src="x"><a rel="noopener noreferrer">Pay</a>'

    chief = Client()
    chief.force_login(UserFactory(username="chief", is_superuser=True))  # the admin opens the page
    response = chief.get("/rates/")
    html = response.content.decode()
    assert response.status_code == 200
    assert_harmless(html)
    assert "<h1>Rates&lt;img src=x onerror=alert(document.domain)&gt;</h1>" in html
    assert "<title>Rates&lt;img" in html
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("url", ["/about/", "/rates/"])  # a routed page, and one the fallback finds
def test_what_is_already_stored_is_cleaned_when_shown(client, url):
    page = FlatPage.objects.filter(url=url).first() or make_page(url)
    store_raw(page, title=HOSTILE_TITLE, content=TAKEOVER)
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert_harmless(html)
    assert "<p>Our rates.</p>" in html and "&lt;img src=x" in html
    assert response.headers["Content-Security-Policy"] and response.headers["X-Frame-Options"] == "DENY"


def test_saving_from_code_cleans_the_content_too():
    page = make_page("/rates/", content=TAKEOVER)
    page.refresh_from_db()
    assert page.content == '<p>Our rates.</p><img src="x"><a rel="noopener noreferrer">Pay</a>'


@pytest.mark.parametrize("url", ["//evil.example/", "/\\evil.example/", "rates/", "/rates/<x>/"])
def test_the_admin_refuses_an_address_that_is_not_a_local_path(editor_client, url):
    response = editor_client.post(
        "/admin/flatpages/flatpage/add/",
        {"url": url, "title": "Rates", "content": "<p>x</p>", "sites": [site_pk()]},
    )
    assert response.status_code == 200
    errors = " ".join(re.findall(r'<ul class="errorlist"[^>]*>(.*?)</ul>', response.content.decode(), re.S))
    assert errors, "the form shows why"
    assert not FlatPage.objects.filter(url=url).exists()


def test_the_admin_explains_a_protocol_relative_address(editor_client):
    response = editor_client.post(
        "/admin/flatpages/flatpage/add/",
        {"url": "//evil.example/", "title": "Rates", "content": "", "sites": [site_pk()]},
    )
    assert "one “/” first" in response.content.decode()


def test_a_page_stored_at_a_protocol_relative_address_is_never_served_or_redirected_to(client):
    page = make_page("//evil.example/", content="<p>Elsewhere.</p>")
    OldAddress.objects.create(path="/2014/old-page/", page=page)
    assert client.get("/", PATH_INFO="//evil.example/").status_code == 404
    no_slash = client.get("/", PATH_INFO="//evil.example")
    assert no_slash.status_code == 404 and "Location" not in no_slash.headers
    assert client.get("/2014/old-page/").status_code == 404  # the old link leads nowhere, not away


def test_a_missing_slash_is_added_by_a_redirect_on_this_site(client):
    make_page("/rates/", content="<p>Our rates.</p>")
    response = client.get("/rates")
    assert response.status_code == 301 and response["Location"] == "/rates/"
    assert response.headers["Content-Security-Policy"] and response.headers["X-Frame-Options"] == "DENY"


def test_a_page_for_staff_only_asks_readers_to_sign_in(client):
    make_page("/desk-rota/", title="Desk rota", content="<p>Who works when.</p>", registration_required=True)
    response = client.get("/desk-rota/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/?next=/desk-rota/")
    client.force_login(UserFactory(username="desk", is_staff=True))
    assert "Who works when." in client.get("/desk-rota/").content.decode()


def test_a_stored_template_name_is_ignored(client):
    make_page("/rates/", content="<p>Our rates.</p>", template_name="admin/base.html")
    response = client.get("/rates/")
    names = [t.name for t in response.templates]
    assert "flatpages/default.html" in names and "admin/base.html" not in names


def test_only_reading_methods_get_a_page(client):
    make_page("/rates/", content="<p>Our rates.</p>")
    assert client.head("/rates/").status_code == 200
    assert client.post("/rates/").status_code == 404
    assert client.post("/about/").status_code == 405


def test_the_admin_uses_our_form_and_offers_no_template_choice(editor_client):
    assert isinstance(admin.site.get_model_admin(FlatPage), PageAdmin)
    html = editor_client.get("/admin/flatpages/flatpage/add/").content.decode()
    assert 'name="url"' in html and 'name="template_name"' not in html


def test_the_admin_shows_stored_content_as_text_in_its_field(editor_client):
    page = make_page("/rates/")
    store_raw(page, content="<script>alert(1)</script>")
    html = editor_client.get(f"/admin/flatpages/flatpage/{page.pk}/change/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;</textarea>" in html
    assert "<script>alert(1)</script>" not in html
