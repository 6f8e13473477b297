"""What reader pages cost, and what Django's cache keeps of them: per story, content change and reader."""

import io
import re
import sys
from contextlib import contextmanager
from datetime import timedelta
from email.utils import parsedate_to_datetime

import pytest
import time_machine
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from comments import moderating, services
from comments.models import Comment
from tests.comments.helpers import make_comment
from tests.factories import ArticleFactory, AuthorFactory, CorrectionFactory, SectionFactory, UserFactory

pytestmark = pytest.mark.django_db

SECURITY_HEADERS = (
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
)


@pytest.fixture
def caches_off(settings):
    settings.NEWSROOM_PAGE_CACHE = False
    settings.NEWSROOM_FRAGMENT_CACHE = False


@pytest.fixture
def debated():
    """A story with 50 visible comments in 15 threads, three levels deep, with related stories around it."""
    section = SectionFactory(name="Harbour", slug="harbour")
    authors = [AuthorFactory(), AuthorFactory()]
    story = ArticleFactory(
        live=True, headline="The dredging plan divides the town", section=section, authors=authors,
        tags=["Dredging", "Harbour"],
    )  # fmt: skip
    CorrectionFactory(article=story, text="The plan covers two basins, not three.")
    for _ in range(5):
        ArticleFactory(live=True, section=section, tags=["Dredging"], authors=[AuthorFactory()])
    n = 0
    for thread in range(15):
        top = make_comment(story, user_name=f"Reader {n}", comment=f"Top comment {n}.")
        reply = make_comment(story, parent_id=top.pk, comment=f"Reply {n}.")
        n += 2
        if thread < 10:
            make_comment(story, parent_id=reply.pk, comment=f"Deepest reply {n}.")
            make_comment(story, parent_id=top.pk, comment=f"Second reply {n}.")
            n += 2
    while n < 50:
        make_comment(story, parent_id=reply.pk, comment=f"Late deepest reply {n}.")
        n += 1
    services.comments_recount(article_pks=[story.pk])
    return story


def comments_on(html: str) -> int:
    return len(re.findall(r'<li class="comment depth-', html))


@contextmanager
def made_fresh(expected: bool = True):
    """Assert that the requests inside did (or did not) read the database, i.e. made the page."""
    with CaptureQueriesContext(connection) as queries:
        yield
    assert bool(queries.captured_queries) == expected, "\n".join(q["sql"][:120] for q in queries)


class TestStoryPageCost:
    def test_uncached_story_page_with_50_threaded_comments_costs_at_most_8_queries(
        self, client, debated, caches_off
    ):
        url = debated.get_absolute_url()
        client.get(url)  # the sections menu and the next publication time are looked up once
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert comments_on(html) == 50
        assert "Related stories" in html and "The plan covers two basins" in html
        assert len(queries) <= 8, "\n".join(q["sql"][:120] for q in queries.captured_queries)

    def test_a_fresh_page_after_a_comment_reads_only_what_changed(self, client, debated, settings):
        settings.NEWSROOM_PAGE_CACHE = False  # the fragments alone
        url = debated.get_absolute_url()
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert comments_on(client.get(url).content.decode()) == 50
        kept = len(queries)
        make_comment(debated, comment="A newcomer writes.")
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url).content.decode()
        assert "A newcomer writes." in html and comments_on(html) == 51
        assert len(queries) == kept + 1  # the thread, and nothing else, was read again


class TestHits:
    def test_a_second_visit_is_the_same_page_and_headers_without_a_query(
        self, client, debated, settings, django_assert_num_queries
    ):
        settings.SECURE_HSTS_SECONDS = 3600
        url = debated.get_absolute_url()
        fresh = client.get(url, secure=True)
        with django_assert_num_queries(0):
            hit = client.get(url, secure=True)
        assert hit.status_code == 200 and hit.content == fresh.content
        for name in (*SECURITY_HEADERS, "Strict-Transport-Security", "ETag", "Last-Modified", "Content-Type"):
            assert hit.headers.get(name) == fresh[name], name
        assert hit["Cache-Control"] == fresh["Cache-Control"] == "public, max-age=60"
        assert "Cookie" in hit["Vary"]
        assert int(hit["Content-Length"]) == len(hit.content)

    def test_a_known_etag_is_answered_304_with_the_security_headers(self, client, debated):
        url = debated.get_absolute_url()
        etag = client.get(url)["ETag"]
        with made_fresh(False):
            revalidated = client.get(url, headers={"if-none-match": etag})
            head = client.head(url)
        assert revalidated.status_code == 304 and revalidated.content == b""
        for name in SECURITY_HEADERS:
            assert revalidated[name], name
        assert head.status_code == 200 and head["ETag"] == etag
        assert client.get(url, headers={"if-none-match": '"other"'}).status_code == 200

    def test_other_cookies_change_nothing_but_a_waiting_notice_shows_a_fresh_page(self, client, debated):
        url = debated.get_absolute_url()
        client.get(url)
        client.cookies["theme"] = "dark"
        with made_fresh(False):
            assert client.get(url).status_code == 200
        client.cookies["messages"] = "a notice for this reader"
        with made_fresh():
            notice = client.get(url)
        assert "private" in notice["Cache-Control"]
        del client.cookies["messages"]
        with made_fresh(False):
            client.get(url)  # the notice's page was not stored in place of the readers' one


class TestStaff:
    def test_staff_get_a_fresh_private_page_and_leave_nothing_behind(self, client, debated):
        url = debated.get_absolute_url()
        client.force_login(UserFactory(username="desk", role="Editor"))
        for _ in range(2):
            with made_fresh():
                staff = client.get(url)
            assert "private" in staff["Cache-Control"] and "no-cache" in staff["Cache-Control"]
            assert "Commenting as" in staff.content.decode()
        client.logout()
        with made_fresh():  # the staff pages were not stored
            anonymous = client.get(url)
        assert "Commenting as" not in anonymous.content.decode()

    def test_a_cached_page_is_not_what_staff_get(self, client, debated):
        url = debated.get_absolute_url()
        client.get(url)
        client.force_login(UserFactory(username="desk", role="Editor"))
        with made_fresh():
            staff = client.get(url)
        assert "Commenting as" in staff.content.decode() and "private" in staff["Cache-Control"]


class TestWhatIsNotKept:
    def test_not_found_and_redirects_are_made_each_time(self, client, debated):
        moved = debated.get_absolute_url().replace("/harbour/", "/weather/")
        for url, status in (("/section/no-such-section/", 404), (moved, 301)):
            for _ in range(2):
                with made_fresh():
                    assert client.get(url).status_code == status, url

    @override_settings(ROOT_URLCONF="tests.security.headers_urls")
    def test_errors_and_pages_that_set_a_cookie_are_made_each_time(self, client):
        for url in ("/cached-error/", "/cached-with-cookie/"):
            first, second = client.get(url), client.get(url)
            assert first.content != second.content, url

    @override_settings(ROOT_URLCONF="tests.security.headers_urls")
    def test_a_page_that_used_the_csp_nonce_is_made_each_time(self, client):
        nonces = set()
        for _ in range(2):
            response = client.get("/inline-script/")
            nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
            assert f'nonce="{nonce}"' in response.content.decode()
            nonces.add(nonce)
        assert len(nonces) == 2


class TestInvalidation:
    def test_a_comment_renews_its_story_and_leaves_other_pages_cached(self, client, debated):
        other = ArticleFactory(live=True, headline="Ferry timetable changes")
        story_url, other_url = debated.get_absolute_url(), other.get_absolute_url()
        client.get(story_url), client.get(other_url), client.get("/")
        make_comment(debated, comment="Posted after the page was cached.")
        assert "Posted after the page was cached." in client.get(story_url).content.decode()
        with made_fresh(False):  # neither the other story nor the list was flushed
            client.get(other_url)
            client.get("/")

    def test_every_comment_page_of_the_story_is_renewed(self, client, debated, settings):
        settings.COMMENTS_PER_PAGE = 10
        second_page = f"{debated.get_absolute_url()}?comments=2"
        before = client.get(second_page).content.decode()
        comment = Comment.objects.filter(object_pk=str(debated.pk), level=0).order_by("thread_id")[12]
        assert f'id="c{comment.pk}"' in before
        moderating.comment_moderate(
            comments=[comment], action=moderating.REMOVE, moderator=UserFactory(role="Moderator")
        )
        after = client.get(second_page).content.decode()
        assert "Top comment" in after and comment.comment not in after

    def test_moderation_shows_a_held_comment_to_anonymous_readers(self, client, debated):
        held = make_comment(debated, comment="Held until a moderator reads it.", is_public=False)
        url = debated.get_absolute_url()
        assert "Held until a moderator" not in client.get(url).content.decode()
        moderating.comment_moderate(
            comments=[held], action=moderating.APPROVE, moderator=UserFactory(role="Moderator")
        )
        assert "Held until a moderator" in client.get(url).content.decode()

    def test_a_saved_section_renews_every_page(self, client, debated):
        url = debated.get_absolute_url()
        client.get(url), client.get("/")
        debated.section.name = "Harbour and Coast"
        debated.section.save()
        assert "Harbour and Coast" in client.get(url).content.decode()
        assert "Harbour and Coast" in client.get("/").content.decode()

    def test_a_saved_story_and_a_renamed_tag_renew_the_pages(self, client, debated):
        tag_url = "/tag/dredging/"
        client.get("/"), client.get(tag_url)
        debated.headline = "The dredging plan is put to a vote"
        debated.save()
        assert "The dredging plan is put to a vote" in client.get("/").content.decode()
        tag = debated.tags.get(slug="dredging")
        tag.name = "Dredging works"
        tag.save()
        assert "Dredging works" in client.get(tag_url).content.decode()

    def test_a_scheduled_story_appears_at_its_time_on_cached_pages(self, client, debated):
        at = timezone.now() + timedelta(minutes=2)
        ArticleFactory(status=Article.Status.PUBLISHED, published_at=at, headline="Night ferry returns")
        assert "Night ferry returns" not in client.get("/").content.decode()
        with time_machine.travel(at - timedelta(minutes=1)), made_fresh(False):
            assert "Night ferry returns" not in client.get("/").content.decode()  # still the kept page
        with time_machine.travel(at + timedelta(seconds=2)):
            assert "Night ferry returns" in client.get("/").content.decode()


class TestFeeds:
    """Feeds are cached for anonymous readers like pages, and renewed by the same numbers."""

    @pytest.mark.parametrize(
        "path", ["/feed/", "/feed/atom/", "/section/harbour/feed/", "/tag/dredging/feed/"]
    )
    def test_a_second_fetch_costs_no_query_and_is_the_same_feed(self, client, debated, path):
        first = client.get(path)
        assert first.status_code == 200 and "The dredging plan divides the town" in first.content.decode()
        with made_fresh(False):
            second = client.get(path)
        assert second.content == first.content and second["ETag"] == first["ETag"]
        assert second["Content-Type"] == first["Content-Type"]
        assert "public" in second["Cache-Control"]

    def test_a_new_story_appears_in_the_feed_at_once(self, client, debated):
        client.get("/feed/")
        ArticleFactory(live=True, headline="Night ferry returns for the summer")
        assert "Night ferry returns for the summer" in client.get("/feed/").content.decode()

    def test_the_feed_keeps_its_newest_story_time_as_last_modified(self, client, debated):
        newest = max(Article.objects.published().values_list("updated_at", flat=True))
        for _ in range(2):  # made, then from the cache
            modified = parsedate_to_datetime(client.get("/feed/")["Last-Modified"])
            assert abs((modified - newest).total_seconds()) < 1

    def test_signed_in_staff_get_a_fresh_private_feed(self, client, debated):
        client.get("/feed/")
        client.force_login(UserFactory(role="Editor"))
        with made_fresh():
            response = client.get("/feed/")
        assert "private" in response["Cache-Control"]

    def test_an_unknown_section_feed_is_404(self, client, debated):
        assert client.get("/section/no-such-section/feed/").status_code == 404


class TestRelatedStories:
    def test_a_story_without_tags_is_related_to_its_sections_newest(self, client, caches_off):
        section = SectionFactory(name="Weather", slug="weather")
        story = ArticleFactory(live=True, section=section, headline="Fog closes the bridge")
        older = ArticleFactory(live=True, section=section, headline="Gales expected on Sunday")
        ArticleFactory(live=True, headline="Elsewhere entirely")
        html = client.get(story.get_absolute_url()).content.decode()
        related = html[html.index('id="related-heading"') :]
        assert "Gales expected on Sunday" in related and "Elsewhere entirely" not in related
        assert older.get_absolute_url() in related

    def test_stories_sharing_more_tags_come_first_and_new_ones_appear(self, client, editor):
        from articles import services as article_services

        story = ArticleFactory(live=True, headline="Dredging starts", tags=["Dredging", "Silt", "Harbour"])
        one = ArticleFactory(live=True, headline="One tag in common", tags=["Harbour"])
        two = ArticleFactory(live=True, headline="Two tags in common", tags=["Silt", "Dredging"])
        html = client.get(story.get_absolute_url()).content.decode()
        assert html.index(two.headline) < html.index(one.headline)
        draft = ArticleFactory(headline="Three tags in common", tags=["Silt", "Dredging", "Harbour"])
        article_services.article_publish(article=draft, by=editor)
        html = client.get(story.get_absolute_url()).content.decode()
        assert html.index("Three tags in common") < html.index(two.headline)


# Through the WSGI application, as granian calls it ------------------------------------------


@contextmanager
def database_kept_open():
    """As Django's test client does: a request must not close the test's connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


class Served:
    def __init__(self, status: str, headers: list, body: bytes):
        self.status_code, self.content = int(status.split()[0]), body
        self.headers = {name.lower(): value for name, value in headers}

    def __getitem__(self, name: str) -> str:
        return self.headers[name.lower()]


def serve(path: str, *, method="GET", **headers) -> Served:
    """One request to newsroom.wsgi.application, with `headers` as HTTP_* keys (if_none_match=…)."""
    from newsroom.wsgi import application

    path, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query, "SCRIPT_NAME": "",
        "SERVER_NAME": "testserver", "SERVER_PORT": "80", "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr,
        "SERVER_PROTOCOL": "HTTP/1.1",
    }  # fmt: skip
    environ.update({f"HTTP_{name.upper()}": value for name, value in headers.items()})
    seen = {}

    def start_response(status, response_headers, exc_info=None):
        seen.update(status=status, headers=response_headers)

    with database_kept_open():
        chunks = application(environ, start_response)
        body = b"".join(chunks)
        chunks.close()
    return Served(seen["status"], seen["headers"], body)


def test_through_the_wsgi_application_a_hit_is_the_page_without_a_query(debated):
    url = f"{debated.get_absolute_url()}?utm_source=mail"
    fresh = serve(url)
    with made_fresh(False):
        hit = serve(debated.get_absolute_url())
        revalidated = serve(url, if_none_match=fresh["ETag"])
    assert fresh.status_code == hit.status_code == 200 and hit.content == fresh.content
    assert "The dredging plan divides the town" in hit.content.decode()
    assert revalidated.status_code == 304
