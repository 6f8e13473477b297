import pytest
from django.contrib.auth.models import Group
from django.core.cache import caches

from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _empty_caches():
    """Each test starts with empty caches: no page, fragment or rate count left by another."""
    for cache in caches.all():
        cache.clear()


@pytest.fixture
def editor(db):
    return UserFactory(username="editor", role="Editor")


@pytest.fixture
def reporter(db):
    return UserFactory(username="reporter", role="Reporter")


@pytest.fixture
def other_reporter(db):
    return UserFactory(username="reporter2", role="Reporter")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def reporter_client(client, reporter):
    client.force_login(reporter)
    return client


@pytest.fixture
def roles(db):
    return {g.name: g for g in Group.objects.all()}


PUBLIC_SITE_URL = "https://news.example.org"


@pytest.fixture
def public_site_url(settings, db):
    """SITE_URL is the public address; the Sites framework's domain must not matter."""
    from django.contrib.sites.models import Site

    settings.SITE_URL = PUBLIC_SITE_URL
    settings.SITE_NAME = "Harbour Weekly"
    Site.objects.clear_cache()
    Site.objects.update_or_create(pk=settings.SITE_ID, defaults={"domain": "wrong.example", "name": "x"})
    yield
    Site.objects.clear_cache()
