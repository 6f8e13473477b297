"""The beacon (POST /readership/view/): which views it counts in Redis, and what it answers."""

import importlib
import socket
import time

import pytest
from django.core.management import call_command

from readership import counting
from readership.models import Fold, StoryHour, StoryReferrer
from tests.factories import ArticleFactory, UserFactory

from .conftest import BROWSER, beacon, closed_port

URL = "/readership/view/"


def waiting(redis) -> dict[str, int]:
    """The views waiting in Redis for the next fold, by "<story>:<hour>"."""
    return {field.decode(): int(n) for field, n in redis.hgetall(counting.key(counting.VIEWS)).items()}


def referrers_waiting(redis) -> dict[str, int]:
    return {field.decode(): int(n) for field, n in redis.hgetall(counting.key(counting.REFERRERS)).items()}


def test_a_story_view_is_one_increment(client, counts, story):
    for _ in range(3):
        assert beacon(client, story.pk).status_code == 204
    [(field, views)] = waiting(counts).items()
    assert field.startswith(f"{story.pk}:") and views == 3


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_GPC": "1"},
        {"HTTP_DNT": "1"},
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_USER_AGENT": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"},
        {"HTTP_USER_AGENT": "curl/8.5.0"},
        {"HTTP_USER_AGENT": BROWSER.replace("Chrome/", "HeadlessChrome/")},
        {"HTTP_USER_AGENT": ""},
    ],
    ids=["gpc", "dnt", "cross-site", "googlebot", "curl", "headless", "no-user-agent"],
)
def test_a_beacon_that_must_not_count_is_answered_and_counts_nothing(client, counts, story, headers):
    response = beacon(client, story.pk, ref="example.org", **headers)
    assert response.status_code == 204
    assert waiting(counts) == {} and referrers_waiting(counts) == {}


def test_the_same_site_and_a_browser_that_says_nothing_of_it_are_counted(client, counts, story):
    beacon(client, story.pk, HTTP_SEC_FETCH_SITE="same-origin")
    beacon(client, story.pk)  # an older browser sends no Sec-Fetch-Site
    beacon(client, story.pk, HTTP_SEC_GPC="0", HTTP_DNT="0")
    assert sum(waiting(counts).values()) == 3


def test_a_signed_in_member_of_staff_is_not_counted(client, counts, story):
    client.force_login(UserFactory(is_staff=True))
    assert beacon(client, story.pk).status_code == 204
    assert waiting(counts) == {}


def test_a_signed_in_reader_who_is_not_staff_is_counted(client, counts, story):
    client.force_login(UserFactory(is_staff=False))
    assert beacon(client, story.pk).status_code == 204
    assert sum(waiting(counts).values()) == 1


def test_get_is_not_a_beacon(client, counts, story):
    assert client.get(URL, {"story": story.pk}).status_code == 405
    assert waiting(counts) == {}


@pytest.mark.parametrize(
    "value",
    ["", "abc", "-1", "0", "+1", " 1", "1.0", "2147483648", "99999999999999999999999", "١٢", "１２", "²"],
)
def test_a_malformed_story_id_is_a_400_never_a_500(client, counts, value):
    response = client.post(URL, {"story": value}, HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 400
    assert response["Cache-Control"] == "no-store"
    assert waiting(counts) == {}


def test_the_largest_story_id_is_well_formed(client, counts):
    assert beacon(client, 2**31 - 1).status_code == 204  # unknown, so the fold will drop it


def test_a_body_too_big_is_a_400(client, counts, story):
    response = client.post(URL, {"story": story.pk, "ref": "a" * 2000}, HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 400
    assert waiting(counts) == {}


def test_a_body_that_is_not_a_form_is_a_400(client, counts, story):
    response = client.post(URL, f"story={story.pk}", content_type="text/plain", HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 400
    multipart = "multipart/form-data; boundary=x"
    assert client.post(URL, "--x\r\nbroken", content_type=multipart).status_code == 400


@pytest.mark.parametrize(
    ("ref", "stored"),
    [
        ("www.Example.org", "example.org"),
        ("news.example.co.uk", "news.example.co.uk"),
        ("example.org.", "example.org"),
        ("testserver", None),  # our own site
        ("www.testserver", None),
        ("example.org/path?q=secret", None),
        ("https://example.org/", None),
        ("example.org:8080", None),
        ("exa mple.org", None),
        ("example.org\n.", None),
        ("-bad-.example", None),
        ("bücher.example", None),  # a browser sends punycode
        ("a" * 64 + ".example", None),
        ("", None),
    ],
)
def test_the_referring_site_is_a_domain_or_nothing(client, counts, story, ref, stored):
    assert beacon(client, story.pk, ref=ref).status_code == 204
    assert sum(waiting(counts).values()) == 1  # the view counts whatever the referrer
    domains = [field.decode().split(":", 2)[2] for field in counts.hkeys(counting.key(counting.REFERRERS))]
    assert domains == ([stored] if stored else [])


def test_the_answer_is_not_stored_sets_no_cookie_and_varies_on_nothing_for_readers(client, counts, story):
    response = beacon(client, story.pk)
    assert response.status_code == 204
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies and "Set-Cookie" not in response
    assert "Cookie" not in response.get("Vary", "")
    assert response.content == b""


def test_with_redis_away_the_beacon_is_answered_at_once_and_the_site_works(client, db, redis_at, caplog):
    story = ArticleFactory(live=True, headline="Ferry timetable changes")
    with redis_at(f"redis://127.0.0.1:{closed_port()}/0"):
        started = time.monotonic()
        for _ in range(5):
            assert beacon(client, story.pk).status_code == 204
        assert time.monotonic() - started < 1
        page = client.get(story.get_absolute_url())
        assert page.status_code == 200 and "Ferry timetable changes" in page.content.decode()
    assert "Redis is away" in caplog.text
    assert caplog.text.count("Redis is away") <= 1  # one line a minute, not one a beacon


def test_with_redis_hung_a_beacon_waits_a_quarter_second_at_most(client, story, redis_at):
    with socket.socket() as hung:  # accepts connections, never answers
        hung.bind(("127.0.0.1", 0))
        hung.listen(16)
        with redis_at(f"redis://127.0.0.1:{hung.getsockname()[1]}/0"):
            started = time.monotonic()
            assert beacon(client, story.pk).status_code == 204
            assert time.monotonic() - started < 1


ADDRESS = "203.0.113.77"
AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"


def test_no_address_user_agent_or_cookie_is_written_anywhere(client, counts, story):
    client.cookies["reader"] = "c00kie-b1scuit"
    for ref in ("example.org", "", "www.news.example.net"):
        reader = {"REMOTE_ADDR": ADDRESS, "HTTP_X_FORWARDED_FOR": ADDRESS, "HTTP_USER_AGENT": AGENT}
        response = beacon(client, story.pk, ref=ref, **reader)
        assert response.status_code == 204
    stored = redis_text(counts)
    call_command("readership_fold", "--once", verbosity=0)
    stored += redis_text(counts) + table_text()
    assert str(story.pk) in stored and "example.org" in stored  # the scan sees what is there
    for secret in (ADDRESS, "203.0.113", AGENT, "Firefox", "rv:133.0", "c00kie-b1scuit", "reader="):
        assert secret not in stored


def redis_text(redis) -> str:
    """Every key of the readership's prefix and everything in it, as text."""
    parts = []
    for name in redis.scan_iter(match=f"{counting.key('')}*"):
        parts.append(name.decode())
        kind = redis.type(name).decode()
        if kind == "hash":
            parts += [f"{f.decode()}={v.decode()}" for f, v in redis.hgetall(name).items()]
        elif kind == "set":
            parts += [member.decode() for member in redis.smembers(name)]
        else:
            parts.append(repr(redis.dump(name)))
    return "\n".join(parts)


def table_text() -> str:
    rows = [*StoryHour.objects.values(), *StoryReferrer.objects.values(), *Fold.objects.values()]
    assert rows
    return "\n".join(str(row) for row in rows)


@pytest.mark.parametrize("length", ["abc", "1e3", "99999"])
def test_a_content_length_that_is_not_a_small_number_is_a_400(client, counts, story, length):
    response = client.post(URL, {"story": story.pk}, HTTP_USER_AGENT=BROWSER, CONTENT_LENGTH=length)
    assert response.status_code == 400


def test_the_privacy_page_says_what_is_counted_and_what_is_not(client, db):
    page = " ".join(client.get("/privacy/").content.decode().split())
    assert "What we count" in page and "What we do not count or keep" in page
    for words in ("its domain only", "not your IP address", "Global Privacy Control or Do Not Track"):
        assert words in page
    assert "robots" in page and "staff" in page


def test_an_edited_privacy_page_is_left_as_the_editors_wrote_it(db):
    from django.apps import apps
    from django.contrib.flatpages.models import FlatPage

    migration = importlib.import_module("readership.migrations.0002_privacy_page")
    page = FlatPage.objects.get(url="/privacy/")
    page.content = "<p>Our own words.</p>"
    page.save()
    migration.backwards(apps, None)
    migration.forwards(apps, None)
    page.refresh_from_db()
    assert page.content == "<p>Our own words.</p>"
    FlatPage.objects.filter(pk=page.pk).update(content=migration.SHIPPED)
    migration.forwards(apps, None)
    page.refresh_from_db()
    assert page.content == migration.PRIVACY
