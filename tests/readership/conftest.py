import socket
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from django.test import override_settings

from readership import counting
from readership.models import StoryHour, StoryReferrer
from tests.factories import ArticleFactory

# A browser's user agent (crawlerdetect takes HeadlessChrome, curl and the test client's own for bots).
BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)


@pytest.fixture
def story(db):
    return ArticleFactory(live=True, headline="Harbour dredging starts in spring")


def beacon(client, story_id, ref: str = "", **headers):
    """What static/js/site.js sends for one story view."""
    headers.setdefault("HTTP_USER_AGENT", BROWSER)
    return client.post("/readership/view/", {"story": str(story_id), "ref": ref}, **headers)


def record_views(article, views_by_hour: dict[datetime, int], referrers: dict[str, int] | None = None):
    """Counts as a fold leaves them: {hour (UTC): views}, and {domain: views} on the first hour's day."""
    for hour, views in views_by_hour.items():
        StoryHour.objects.create(article=article, hour=hour.astimezone(UTC), views=views)
    first = min(views_by_hour).astimezone(UTC).date()
    for domain, views in (referrers or {}).items():
        StoryReferrer.objects.create(article=article, day=first, domain=domain, views=views)


@pytest.fixture
def redis_at():
    """Point the readership at another Redis address for the test (the client is made anew)."""

    @contextmanager
    def at(url):
        counting.client_reset()
        try:
            with override_settings(NEWSROOM_READERSHIP_REDIS_URL=url):
                yield
        finally:
            counting.client_reset()

    yield at
    counting.client_reset()


def closed_port() -> int:
    """A port on which nothing listens (a Redis that is away)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
