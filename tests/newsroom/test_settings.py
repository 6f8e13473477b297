"""Production settings: refuse to start half-configured, pass check --deploy when configured."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from newsroom.settings.base import mailers_from_url

ROOT = Path(__file__).resolve().parents[2]
PROD_ENV = {
    "DJANGO_SETTINGS_MODULE": "newsroom.settings.prod",
    "SECRET_KEY": "k" * 20 + "-a-long-random-production-secret-for-the-test-only",
    "ALLOWED_HOSTS": "news.example.org",
    "SITE_URL": "https://news.example.org",
    "EMAIL_URL": "smtp+tls://mailer:s%40cret@mail.example.org:587",
    "DATABASE_URL": "sqlite:////tmp/newsroom-check-deploy.sqlite3",
}


def manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in PROD_ENV and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean | env, capture_output=True, text=True
    )


def test_check_deploy_is_clean_with_the_environment_set():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PROD_ENV)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_prod_refuses_to_start_without(missing):
    env = {k: v for k, v in PROD_ENV.items() if k != missing}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert f"Set {missing}" in result.stderr


def test_prod_refuses_the_development_key():
    dev_key = "dev-only-insecure-key-do-not-use-in-production" * 2
    result = manage("check", env=PROD_ENV | {"SECRET_KEY": dev_key})
    assert result.returncode != 0 and "Set SECRET_KEY" in result.stderr


def test_email_url_becomes_mailers():
    smtp = mailers_from_url("smtp+tls://mailer:s%40cret@mail.example.org:587")["default"]
    assert smtp["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (smtp["OPTIONS"]["host"], smtp["OPTIONS"]["port"]) == ("mail.example.org", 587)
    assert (smtp["OPTIONS"]["username"], smtp["OPTIONS"]["password"]) == ("mailer", "s@cret")
    assert smtp["OPTIONS"]["use_tls"] and not smtp["OPTIONS"]["use_ssl"]
    assert mailers_from_url("smtps://mail.example.org")["default"]["OPTIONS"]["port"] == 465
    assert mailers_from_url("smtp://127.0.0.1:2525")["default"]["OPTIONS"]["port"] == 2525
    assert "console" in mailers_from_url("console:")["default"]["BACKEND"]
    with pytest.raises(ImproperlyConfigured, match="scheme"):
        mailers_from_url("http://mail.example.org")
