import os

import pytest
from django.contrib.auth.models import Group
from django.core.cache import caches

from readership import counting
from readership.folding import FOLDS
from tests.factories import UserFactory

# Checks whose answer does not depend on the database, which CI runs once (on its SQLite pass;
# it sets NEWSROOM_SKIP_LOOK=1 for the PostgreSQL one, .ci/run):
# - how pages look (sizes, tap targets, widths, the menu, the queue's rows): what templates and
#   stylesheets make of factory-built stories and comments;
# - who may open and post every admin URL (the admin walk): the rights are the same rows on
#   either database (the admin pages' own tests run on both).
LOOK_MODULES = (
    "tests/e2e/test_layout.py",
    "tests/e2e/test_design.py",
    "tests/e2e/test_moderation_layout.py",
    "tests/security/test_admin_walk.py",
)


def pytest_collection_modifyitems(config, items):
    skip_look = os.environ.get("NEWSROOM_SKIP_LOOK") == "1"
    for item in items:
        path = str(item.fspath).replace(os.sep, "/")
        if "tests/e2e/" in path:
            item.add_marker(pytest.mark.e2e)
        if skip_look and path.endswith(LOOK_MODULES):
            item.add_marker(pytest.mark.skip(reason="NEWSROOM_SKIP_LOOK=1: CI's other run checks it"))


@pytest.fixture(autouse=True)
def _empty_caches():
    """Each test starts and ends with empty caches: no page, fragment or rate count passes between
    tests (a browser test's live server may still write one as the test ends)."""
    for cache in caches.all():
        cache.clear()
    yield
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
def moderator(db):
    return UserFactory(username="moderator", role="Moderator")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def reporter_client(client, reporter):
    client.force_login(reporter)
    return client


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
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


def clear_counts() -> None:
    """Every readership key of this test process in Redis (its prefix is the process's own)."""
    redis = counting.client()
    keys = list(redis.scan_iter(match=f"{counting.key('')}*", count=1000))
    if keys:
        redis.delete(*keys)
    assert not redis.exists(counting.key(FOLDS))


@pytest.fixture
def counts():
    """Real Redis, empty before and after the test."""
    clear_counts()
    yield counting.client()
    clear_counts()
