"""A small newsroom for the fuzz pass: every kind of public page exists and has something on it."""

import time

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from comments import tokens as comment_tokens
from subscriptions import services as subscription_services
from subscriptions import tokens
from subscriptions.forms import SignupForm
from subscriptions.models import Subscriber
from tests.comments.conftest import form_data
from tests.comments.helpers import make_comment, make_pending
from tests.factories import ArticleFactory, AuthorFactory, CorrectionFactory, SectionFactory, SourceFactory


@pytest.fixture(autouse=True)
def generous_limits(settings):
    """Rate limits would turn most examples into 429s after the first few; the fuzz wants the real path."""
    settings.COMMENTS_RATE_LIMIT = (10**9, 60)
    settings.COMMENTS_HOLD_RATE = (10**9, 3600)
    settings.NEWSLETTER_SIGNUP_RATE = (10**9, 3600)
    settings.NEWSLETTER_MAIL_INTERVAL = 0
    cache.clear()
    yield settings
    cache.clear()


@pytest.fixture
def newsroom(db):
    """The addresses, ids and signed values the fuzz pass aims at."""
    with time_machine.travel(time.time() - 60, tick=False):
        signup_stamp = SignupForm().initial["stamp"]
    section = SectionFactory(name="Harbour", slug="harbour")
    source = SourceFactory(name="Coast Wire", slug="coast-wire")
    author = AuthorFactory(name="Ada Reporter", slug="ada-reporter")
    story = ArticleFactory(
        live=True, section=section, source=source, authors=[author], tags=["shipping", "weather"]
    )
    closed = ArticleFactory(live=True, section=section, comments_open=False)
    ArticleFactory(section=section)  # a draft
    CorrectionFactory(article=story)
    top = make_comment(story)
    middle = make_comment(story, parent_id=top.pk)
    deepest = make_comment(story, parent_id=middle.pk)
    held = make_comment(story, is_public=False)
    subscriber = Subscriber.objects.create(
        email="ada@example.org",
        status=Subscriber.Status.CONFIRMED,
        consent_text=subscription_services.consent_text(),
    )
    pending = Subscriber.objects.create(email="bo@example.org", status=Subscriber.Status.PENDING)
    _, confirm_path = make_pending(story, email="ada@example.org", user_name="Ada", text="Well put.")
    comment_token = confirm_path.rstrip("/").rsplit("/", 1)[1]
    return {
        "story": story,
        "closed": closed,
        "comments": [top, middle, deepest, held],
        "tags": list(story.tags.all()),
        "sections": [section],
        "comment_fields": form_data(story, age=60),
        "signup_fields": {
            "email": "cy@example.org",
            "name": "Cy",
            "honeypot": "",
            "stamp": signup_stamp,
        },
        "tokens": {
            "newsletter-confirm": tokens.confirm_token(pending),
            "newsletter-manage": tokens.manage_token(subscriber),
            "comment-confirm": comment_token,
            "comment-mute": comment_tokens.mute_token("ada@example.org", story.pk),
        },
    }


@pytest.fixture
def fresh_client():
    """A new browser for each example: no cookie from the last one, and a 500 is a response to check."""

    def make():
        cache.clear()
        return Client(raise_request_exception=False)

    return make
