"""Clicks from digest mails: one signed address per (digest, story), counted, redirected at once.

What is counted is a bare number per story and digest (subscriptions/clicks.py); the link is the
same in every reader's mail, so nothing here can tell one reader from another.
"""

import email
import email.policy
import re
import threading
from datetime import timedelta

import pytest
from django.core import signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from newsroom.settings.base import mailers_from_url
from subscriptions import clicks, services
from subscriptions.models import Digest, DigestClick
from tests.factories import ArticleFactory, UserFactory
from tests.readership.conftest import BROWSER
from tests.subscriptions.conftest import add_subscribers, new_digest
from tests.subscriptions.smtp_sink import SmtpSink

pytestmark = pytest.mark.usefixtures("public_site_url")
SITE = "https://news.example.org"
READ = re.compile(re.escape(SITE) + r"/newsletter/read/([^/\s\"<>]+)/")
# What a browser sends when a reader clicks a link in their mail program or webmail.
CLICK = {
    "HTTP_USER_AGENT": BROWSER,
    "HTTP_ACCEPT": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "HTTP_SEC_FETCH_MODE": "navigate",
    "HTTP_SEC_FETCH_SITE": "cross-site",
}


def a_digest(*stories, kind=Digest.Kind.MANUAL) -> Digest:
    now = timezone.now()
    return Digest.objects.create(
        kind=kind,
        edition=now.date(),
        period_start=now - timedelta(days=1),
        period_end=now,
        story_ids=[s.pk for s in stories],
        subject="Harbour Weekly, a test",
    )


def link(digest, story) -> str:
    return reverse("subscriptions:read", args=[clicks.click_token(digest_id=digest.pk, story_id=story.pk)])


def counted(digest, story) -> int:
    found = DigestClick.objects.filter(digest=digest, article=story).values_list("clicks", flat=True)
    return found.first() or 0


@pytest.fixture
def stories(db):
    return [
        ArticleFactory(live=True, headline="Ferries return to the harbour"),
        ArticleFactory(live=True, headline="Council approves the sea wall"),
    ]


# --- the mail ----------------------------------------------------------------------------


def test_a_sent_digest_links_every_story_through_the_same_counting_address_for_every_reader(
    settings, stories
):
    readers = add_subscribers(2)
    digest = new_digest()
    with SmtpSink(keep_content=True) as sink:
        settings.MAILERS = mailers_from_url(sink.url)
        services.digest_send(digest=digest)

    parts = {}
    for reader in readers:
        (received,) = sink.to(reader.email)
        message = email.message_from_bytes(received.content, policy=email.policy.default)
        text, html = (part.get_content() for part in message.iter_parts())
        parts[reader.email] = (text, html)
        for part in (text, html):
            found = {clicks.read_click_token(token) for token in READ.findall(part)}
            assert found == {(digest.pk, story.pk) for story in stories}
            for story in stories:
                assert story.get_absolute_url() not in part  # never straight to the story
            assert "/newsletter/unsubscribe/" in part and "/newsletter/manage/" in part  # those stay
        for story in stories:
            assert f'href="{SITE}{link(digest, story)}"' in html
        # No open-tracking pixel: no image at all, and nothing of ours loaded by the mail.
        assert "<img" not in html.lower()
        assert not re.search(r"""(src|background)\s*=\s*["']?[^"'\s>]*news\.example\.org""", html, re.I)
    # The same story links in both readers' mails: a click cannot tell who clicked.
    (text_a, html_a), (text_b, html_b) = parts.values()
    assert READ.findall(text_a) == READ.findall(text_b) and READ.findall(html_a) == READ.findall(html_b)


def test_the_preview_and_test_mail_link_straight_to_the_stories(stories, editor_client, mailoutbox, editor):
    digest = a_digest(*stories)
    html = editor_client.get(reverse("admin:subscriptions_digest_preview", args=[digest.pk])).content.decode()
    assert stories[0].get_absolute_url() in html and "/newsletter/read/" not in html
    editor.email = "editor@example.org"
    editor.save()
    editor_client.post(reverse("admin:subscriptions_digest_test", args=[digest.pk]))
    (sent,) = mailoutbox
    assert stories[0].get_absolute_url() in sent.body and "/newsletter/read/" not in sent.body


# --- following a link --------------------------------------------------------------------


def test_a_click_counts_once_and_redirects_at_once_without_a_cookie_or_a_cache(
    client, stories, django_assert_max_num_queries
):
    story = stories[0]
    digest = a_digest(*stories)
    # The digest, the story, the count (the first: an update finding nothing, an insert in a savepoint)
    with django_assert_max_num_queries(6):
        response = client.get(link(digest, story), **CLICK)
    assert response.status_code == 302
    assert response["Location"] == SITE + story.get_absolute_url()
    assert response["Cache-Control"] == "no-store"  # nginx's micro-cache stores nothing no-store
    assert not response.cookies
    assert counted(digest, story) == 1 and counted(digest, stories[1]) == 0
    with django_assert_max_num_queries(3):
        client.get(link(digest, story), **CLICK)
    client.get(link(digest, stories[1]), **CLICK)
    assert (counted(digest, story), counted(digest, stories[1])) == (2, 1)
    assert DigestClick.objects.count() == 2  # one row per (digest, story), nothing per click


def test_two_digests_keep_separate_counts(client, stories):
    story = stories[0]
    first, second = a_digest(story), a_digest(*stories)
    for _ in range(3):
        client.get(link(first, story), **CLICK)
    client.get(link(second, story), **CLICK)
    assert (counted(first, story), counted(second, story)) == (3, 1)


def test_a_story_taken_off_the_site_leads_home_uncounted_and_unnamed(client, stories):
    story = stories[0]
    digest = a_digest(story)
    story.status = "draft"
    story.slug = "secret-new-slug"
    story.save()
    response = client.get(link(digest, story), **CLICK)
    assert response.status_code == 302 and response["Location"] == SITE + "/"
    assert response["Cache-Control"] == "no-store"
    assert counted(digest, story) == 0


def tampered(token: str) -> list[str]:
    payload, _, signature = token.rpartition(":")
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    other = signing.Signer(salt="subscriptions.manage").sign_object([1, 2])  # right key, wrong purpose
    forged = signing.Signer(key="not-our-secret", salt=clicks.SALT).sign_object([1, 2])
    return [
        f"{payload}:{flipped}",
        f"{payload[:-1]}x:{signature}",
        payload,
        other,
        forged,
        "x" * 2000,
        "%00",
        ":",
        "ünïcode:ßig",
    ]


@pytest.mark.parametrize("how", range(9))
def test_an_altered_or_forged_link_is_a_404_and_counts_nothing(client, stories, how):
    digest = a_digest(*stories)
    token = clicks.click_token(digest_id=digest.pk, story_id=stories[0].pk)
    response = client.get(f"/newsletter/read/{tampered(token)[how]}/", **CLICK)
    assert response.status_code == 404
    assert not DigestClick.objects.exists()


@pytest.mark.parametrize(
    "pair",
    ["no such digest", "a story not in the digest", "no such story", "not numbers", "three numbers"],
)
def test_a_signed_link_for_no_such_pair_is_a_404(client, stories, pair):
    digest = a_digest(stories[0])
    signer = signing.Signer(salt=clicks.SALT)
    value = {
        "no such digest": [digest.pk + 1000, stories[0].pk],
        "a story not in the digest": [digest.pk, stories[1].pk],
        "no such story": [digest.pk, 2**31],
        "not numbers": ["1", "2"],
        "three numbers": [digest.pk, stories[0].pk, 1],
    }[pair]
    response = client.get(f"/newsletter/read/{signer.sign_object(value)}/", **CLICK)
    assert response.status_code == 404
    assert not DigestClick.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_USER_AGENT": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"},
        {"HTTP_USER_AGENT": "curl/8.5.0"},
        {"HTTP_USER_AGENT": ""},
        {"HTTP_ACCEPT": ""},
        {"HTTP_SEC_PURPOSE": "prefetch"},
        {"HTTP_PURPOSE": "prefetch"},
        {"HTTP_X_MOZ": "prefetch"},
        {"HTTP_X_PURPOSE": "preview"},
        {"HTTP_SEC_FETCH_MODE": "no-cors"},
        {"HTTP_SEC_GPC": "1"},
        {"HTTP_DNT": "1"},
    ],
    ids=lambda headers: ",".join(f"{k}={v}" for k, v in headers.items()),
)
def test_bots_scanners_prefetches_and_readers_who_ask_are_redirected_but_not_counted(
    client, stories, headers
):
    digest = a_digest(*stories)
    response = client.get(link(digest, stories[0]), **{**CLICK, **headers})
    assert response.status_code == 302 and response["Location"] == SITE + stories[0].get_absolute_url()
    assert counted(digest, stories[0]) == 0


def test_head_is_answered_but_not_counted_and_post_is_refused(client, stories):
    digest = a_digest(*stories)
    response = client.head(link(digest, stories[0]), **CLICK)
    assert response.status_code == 302 and response["Cache-Control"] == "no-store"
    assert client.post(link(digest, stories[0]), **CLICK).status_code == 405
    assert counted(digest, stories[0]) == 0


def test_signed_in_staff_are_not_counted(editor_client, stories):
    digest = a_digest(*stories)
    assert editor_client.get(link(digest, stories[0]), **CLICK).status_code == 302
    assert counted(digest, stories[0]) == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_clicks_at_the_same_moment_are_all_counted(stories):
    """Twelve readers, eight clicks each, all starting on the pair's very first click."""
    digest = a_digest(*stories)
    url = link(digest, stories[0])
    start = threading.Barrier(12)
    failures = []

    def reader():
        try:
            client = Client()
            start.wait()
            for _ in range(8):
                assert client.get(url, **CLICK).status_code == 302
        except Exception as error:  # noqa: BLE001 (reported below)
            failures.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=reader) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    assert counted(digest, stories[0]) == 96


# --- the digest's admin page ---------------------------------------------------------------


def test_the_digest_page_shows_clicks_per_story_most_clicked_first_with_the_total(editor_client, stories):
    gone = ArticleFactory(live=True, headline="A story deleted since")
    quiet = ArticleFactory(live=True, headline="Nobody clicked this one")
    digest = a_digest(*stories, quiet, gone)
    DigestClick.objects.create(digest=digest, article=stories[0], clicks=3)
    DigestClick.objects.create(digest=digest, article=stories[1], clicks=1234)
    DigestClick.objects.create(digest=a_digest(*stories), article=stories[0], clicks=50)  # another digest
    gone.delete()
    html = editor_client.get(reverse("admin:subscriptions_digest_change", args=[digest.pk])).content.decode()
    start = html.index('<table class="digest-clicks">')
    table = html[start : html.index("</table>", start)]
    row = r'<a href="[^"]+">([^<]+)</a></td>\s*<td class="digest-clicks-count">([\d,]+)</td>'
    rows = re.findall(row, table)
    assert rows == [
        ("Council approves the sea wall", "1,234"),
        ("Ferries return to the harbour", "3"),
        ("Nobody clicked this one", "0"),
    ]
    assert re.search(r'<th scope="row">Total</th><td class="digest-clicks-count">1,237</td>', table)
    assert "<input" not in table and "<form" not in table  # read-only


def test_the_digest_page_takes_the_same_queries_for_two_stories_or_twenty(editor_client, editor):
    def queries(n: int) -> int:
        stories = [ArticleFactory(live=True) for _ in range(n)]
        digest = a_digest(*stories)
        for i, story in enumerate(stories):
            DigestClick.objects.create(digest=digest, article=story, clicks=i + 1)
        url = reverse("admin:subscriptions_digest_change", args=[digest.pk])
        editor_client.get(url)  # warm: the session, the content types
        with CaptureQueriesContext(connection) as captured:
            assert editor_client.get(url).status_code == 200
        return len(captured)

    assert queries(2) == queries(20)


@pytest.mark.parametrize(
    "role,status",
    [("anonymous", 302), ("reader", 403), ("Reporter", 403), ("Moderator", 403), ("Editor", 200)],
)
def test_only_those_who_may_see_digests_see_their_clicks(client, stories, role, status):
    digest = a_digest(*stories)
    DigestClick.objects.create(digest=digest, article=stories[0], clicks=7)
    if role == "reader":
        client.force_login(UserFactory(username="a-reader"))
    elif role != "anonymous":
        client.force_login(UserFactory(username=f"a-{role.lower()}", role=role))
    response = client.get(reverse("admin:subscriptions_digest_change", args=[digest.pk]))
    assert response.status_code == status
    if status == 302:
        assert "/admin/login/" in response["Location"]
    assert ("digest-clicks" in response.content.decode()) is (status == 200)
