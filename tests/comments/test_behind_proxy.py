"""Behind nginx every request comes from 127.0.0.1: limits and records use the reader's own address."""

import pytest

from comments.models import Comment

from .conftest import form_data

pytestmark = pytest.mark.django_db


def post_via_proxy(client, story, reader_ip: str, **fields):
    return client.post(
        "/comments/post/", form_data(story, **fields), REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=reader_ip
    )


def test_the_comment_records_the_readers_address(client, story, open_door):
    open_door.NEWSROOM_TRUSTED_PROXIES = ["127.0.0.1"]
    post_via_proxy(client, story, "203.0.113.9")
    assert Comment.objects.get().ip_address == "203.0.113.9"


def test_the_rate_limit_counts_each_reader_not_the_proxy(client, story, open_door):
    open_door.NEWSROOM_TRUSTED_PROXIES = ["127.0.0.1"]
    open_door.COMMENTS_RATE_LIMIT = (3, 60)
    for n in range(3):
        assert post_via_proxy(client, story, "203.0.113.9", comment=f"Comment {n}").status_code == 302
    assert post_via_proxy(client, story, "203.0.113.9", comment="A fourth in a minute").status_code == 429
    other = post_via_proxy(client, story, "198.51.100.4", comment="Hello", name="Bo", email="bo@example.org")
    assert other.status_code == 302


def test_an_untrusted_forwarded_header_is_ignored(client, story, open_door):
    open_door.NEWSROOM_TRUSTED_PROXIES = []
    post_via_proxy(client, story, "203.0.113.9")
    assert Comment.objects.get().ip_address == "127.0.0.1"
