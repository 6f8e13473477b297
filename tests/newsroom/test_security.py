"""Security headers on every kind of page, production's settings, the password policy and sessions."""

import json
import re
import subprocess
import sys
from datetime import timedelta

import pytest
import time_machine
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import ArticleFactory, UserFactory
from tests.newsroom.test_settings import PROD_ENV, ROOT, manage

PROD_FLAGS = {
    "SECURE_HSTS_SECONDS": 31_536_000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
}
READER_CSP = (
    "default-src 'self'; script-src 'self'; "
    "style-src 'self' 'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
EXPECTED = {
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains; preload",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
KEY_64 = "p" * 14 + "-a-sixty-four-character-production-secret-for-tests"


@pytest.fixture
def story(db):
    return ArticleFactory(live=True, headline="Johor port opens its fourth terminal", tags=["Shipping"])


def reader_urls(story) -> list[str]:
    return [
        reverse("articles:home"),
        story.get_absolute_url(),
        reverse("articles:section", args=[story.section.slug]),
        reverse("articles:tag", args=[story.tags.get().slug]),
        reverse("articles:search") + "?q=port",
        reverse("subscriptions:signup"),
        "/no-such-page/",
    ]


@override_settings(**PROD_FLAGS)
def test_every_reader_page_carries_the_security_headers_with_their_exact_values(story):
    client = Client()
    for url in reader_urls(story):
        for attempt in ("fresh", "from the page cache"):
            response = client.get(url, secure=True)
            assert response.status_code in (200, 404), url
            for header, value in EXPECTED.items():
                assert response.headers.get(header) == value, f"{url} ({attempt}): {header}"
            assert response.headers["Content-Security-Policy"] == READER_CSP, f"{url} ({attempt})"


@override_settings(**PROD_FLAGS)
def test_admin_pages_carry_the_headers_and_a_fresh_nonce_for_their_inline_tags(db):
    client = Client()
    client.force_login(UserFactory(username="chief", is_superuser=True))
    nonces = set()
    for url in ("/admin/login/", "/admin/", "/admin/articles/article/add/"):
        if url == "/admin/login/":
            response = Client().get(url, secure=True)
        else:
            response = client.get(url, secure=True)
        assert response.status_code == 200, url
        for header, value in EXPECTED.items():
            assert response.headers.get(header) == value, f"{url}: {header}"
        policy = response.headers["Content-Security-Policy"]
        script_src = re.search(r"script-src ([^;]*)", policy).group(1)
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        if nonce := re.search(r"'nonce-([^']+)'", script_src):
            nonces.add(nonce.group(1))
            assert f'nonce="{nonce.group(1)}"' in response.content.decode()
    assert len(nonces) >= 2  # one per response, never reused


def test_only_the_digest_preview_allows_inline_styles_and_no_page_allows_inline_scripts(db):
    """The preview shows an e-mail (styles inline, as mail clients need); its scripts stay forbidden."""
    client = Client()
    client.force_login(UserFactory(username="chief", is_superuser=True))
    preview = client.get(reverse("admin:subscriptions_digest_preview_next"))
    policy = preview.headers["Content-Security-Policy"]
    assert re.search(r"style-src 'self' 'unsafe-inline'(;|$)", policy)
    assert "unsafe-inline" not in re.search(r"script-src ([^;]*)", policy).group(1)
    assert preview.headers["X-Frame-Options"] == "DENY"
    assert "unsafe-inline" not in client.get("/admin/").headers["Content-Security-Policy"]


def test_plain_http_gets_no_hsts_and_development_settings_keep_the_other_headers(client, story):
    response = client.get(story.get_absolute_url())
    assert "Strict-Transport-Security" not in response.headers  # HSTS only in production, over HTTPS
    assert response.headers["Content-Security-Policy"] == READER_CSP
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_check_deploy_passes_with_a_64_character_key():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PROD_ENV | {"SECRET_KEY": KEY_64})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_settings_turn_on_https_only_protections():
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({k: getattr(s, k) for k in "
        "['SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', "
        "'SECURE_HSTS_PRELOAD', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', "
        "'SESSION_COOKIE_AGE', 'X_FRAME_OPTIONS', 'SECURE_PROXY_SSL_HEADER', 'NEWSROOM_TRUSTED_PROXIES']}))"
    )
    env = PROD_ENV | {"SECRET_KEY": KEY_64}
    clean = {k: v for k, v in __import__("os").environ.items() if k not in env and k != "TRUSTED_PROXIES"}
    result = subprocess.run(  # noqa: S603 (our own interpreter, fixed code)
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_AGE": 43200,
        "X_FRAME_OPTIONS": "DENY",
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "NEWSROOM_TRUSTED_PROXIES": [],
    }


# --- passwords -----------------------------------------------------------------------------

WEAK = {
    "short1x": "This password is too short. It must contain at least 10 characters.",
    "password123": "This password is too common.",
    "4815162342424": "This password is entirely numeric.",
    "aida.lim.newsroom": "The password is too similar to the username.",
}


@pytest.mark.parametrize(("password", "error"), WEAK.items())
def test_the_admin_refuses_a_weak_password_for_a_new_account(db, password, error):
    client = Client()
    client.force_login(UserFactory(username="chief", is_superuser=True))
    response = client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "aida.lim.newsroom",
            "usable_password": "true",
            "password1": password,
            "password2": password,
        },
    )
    assert response.status_code == 200
    assert error in response.content.decode().replace("&#x27;", "'")
    assert not UserFactory._meta.model.objects.filter(username="aida.lim.newsroom").exists()


def test_a_user_cannot_change_their_own_password_to_a_weak_one(db):
    user = UserFactory(username="reporter", role="Reporter")
    client = Client()
    client.force_login(user)
    response = client.post(
        reverse("admin:password_change"),
        {
            "old_password": "a-long-test-password",
            "new_password1": "password123",
            "new_password2": "password123",
        },
    )
    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("a-long-test-password")


# --- sessions ------------------------------------------------------------------------------


def test_the_session_cookie_lasts_twelve_hours_and_scripts_cannot_read_it(db):
    UserFactory(username="editor", role="Editor")
    client = Client()
    response = client.post("/admin/login/", {"username": "editor", "password": "a-long-test-password"})
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["max-age"] == 43200
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_an_expired_session_is_signed_out(db):
    UserFactory(username="editor", role="Editor")
    client = Client()
    client.post("/admin/login/", {"username": "editor", "password": "a-long-test-password"})
    assert client.get("/admin/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(hours=11, minutes=59)):
        assert client.get("/admin/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(hours=12, minutes=1)):
        response = client.get("/admin/")
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


# --- templates ----------------------------------------------------------------------------

TEMPLATES_DIR = ROOT / "templates"
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r"<style\b(?![^>]*csp_nonce_attr)|\sstyle\s*=", re.I)


def site_templates():
    """Our templates that browsers render as pages (the e-mails are read by mail clients)."""
    return [p for p in TEMPLATES_DIR.rglob("*.html") if "email" not in p.relative_to(TEMPLATES_DIR).parts]


def test_no_template_has_inline_script_or_event_handlers():
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)[:60]}"
        for path in site_templates()
        for pattern in (INLINE_SCRIPT, EVENT_HANDLER)
        for match in pattern.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_inline_styles_only_with_the_nonce():
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)[:60]}"
        for path in site_templates()
        for match in INLINE_STYLE.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_the_error_page_is_styled_from_a_file():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "<style" not in html and 'href="/static/css/error.css"' in html
    assert "body{" in (ROOT / "static" / "css" / "error.css").read_text()
