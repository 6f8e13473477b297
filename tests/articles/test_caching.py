"""What reader pages cost, and what the caches keep: per story, per content change, in front of Django."""

import io
import re
import sys
from contextlib import contextmanager
from email.utils import parsedate_to_datetime

import pytest
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext

from articles import caching
from articles.models import Article
from comments import services
from comments.models import Comment
from tests.comments.helpers import make_comment
from tests.factories import ArticleFactory, AuthorFactory, CorrectionFactory, SectionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    caching.forget_local()
    yield
    cache.clear()
    caching.forget_local()


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
    services.recount([story.pk])
    return story


def comments_on(html: str) -> int:
    return len(re.findall(r'<li class="comment depth-', html))


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

    def test_a_cached_story_page_costs_no_query(self, client, debated, django_assert_num_queries):
        url = debated.get_absolute_url()
        first = client.get(url)
        with django_assert_num_queries(0):
            second = client.get(url)
        assert second.content == first.content and second["ETag"] == first["ETag"]


class TestInvalidation:
    def test_a_comment_renews_its_story_and_leaves_other_pages_cached(self, client, debated):
        other = ArticleFactory(live=True, headline="Ferry timetable changes")
        story_url, other_url = debated.get_absolute_url(), other.get_absolute_url()
        client.get(story_url), client.get(other_url), client.get("/")
        make_comment(debated, comment="Posted after the page was cached.")
        assert "Posted after the page was cached." in client.get(story_url).content.decode()
        with CaptureQueriesContext(connection) as queries:
            client.get(other_url)
            client.get("/")
        assert len(queries) == 0  # neither the other story nor the list was flushed

    def test_every_comment_page_of_the_story_is_renewed(self, client, debated, settings):
        settings.COMMENTS_PER_PAGE = 10
        second_page = f"{debated.get_absolute_url()}?comments=2"
        before = client.get(second_page).content.decode()
        comment = Comment.objects.filter(object_pk=str(debated.pk), level=0).order_by("thread_id")[12]
        assert f'id="c{comment.pk}"' in before
        services.moderate([comment], services.REMOVE, UserFactory(role="Moderator"))
        after = client.get(second_page).content.decode()
        assert "Top comment" in after and comment.comment not in after

    def test_moderation_shows_a_held_comment_to_anonymous_readers(self, client, debated):
        held = make_comment(debated, comment="Held until a moderator reads it.", is_public=False)
        url = debated.get_absolute_url()
        assert "Held until a moderator" not in client.get(url).content.decode()
        services.moderate([held], services.APPROVE, UserFactory(role="Moderator"))
        assert "Held until a moderator" in client.get(url).content.decode()

    def test_content_changes_still_renew_every_page(self, client, debated):
        url = debated.get_absolute_url()
        client.get(url)
        debated.section.name = "Harbour and Coast"
        debated.section.save()
        assert "Harbour and Coast" in client.get(url).content.decode()
        assert "Harbour and Coast" in client.get("/").content.decode()


# In front of Django ------------------------------------------------------------------------


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
    def __init__(self, status: str, headers: list, body: bytes, through_django: bool):
        self.status, self.body, self.through_django = int(status.split()[0]), body, through_django
        self.headers = {name.lower(): value for name, value in headers}


def serve(path: str, *, method="GET", host="testserver", cookies: str = "", **headers) -> Served:
    from newsroom.wsgi import application

    path, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query, "SCRIPT_NAME": "",
        "SERVER_NAME": "testserver", "SERVER_PORT": "80", "HTTP_HOST": host, "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr, "SERVER_PROTOCOL": "HTTP/1.1",
    }  # fmt: skip
    if cookies:
        environ["HTTP_COOKIE"] = cookies
    environ.update({f"HTTP_{name.upper()}": value for name, value in headers.items()})
    started = []
    seen = {}

    def start_response(status, response_headers, exc_info=None):
        seen.update(status=status, headers=response_headers)

    def note(**kwargs):
        started.append(True)

    request_started.connect(note)
    try:
        with database_kept_open():
            chunks = application(environ, start_response)
            body = b"".join(chunks)
            if hasattr(chunks, "close"):
                chunks.close()
    finally:
        request_started.disconnect(note)
    return Served(seen["status"], seen["headers"], body, through_django=bool(started))


SECURITY_HEADERS = (
    "content-security-policy",
    "x-frame-options",
    "x-content-type-options",
    "referrer-policy",
    "cross-origin-opener-policy",
)


class TestFastPath:
    def test_a_hit_is_the_same_page_with_the_same_headers_without_django(self, debated):
        url = debated.get_absolute_url()
        fresh = serve(url)
        assert fresh.status == 200 and fresh.through_django
        hit = serve(url)
        assert hit.status == 200 and not hit.through_django
        assert hit.body == fresh.body
        for name in (*SECURITY_HEADERS, "etag", "cache-control", "vary", "content-type", "last-modified"):
            assert hit.headers.get(name) == fresh.headers[name], name
        assert int(hit.headers["content-length"]) == len(hit.body)

    def test_the_fast_path_answers_revalidation_with_304_and_head_without_body(self, debated):
        url = debated.get_absolute_url()
        fresh = serve(url)
        serve(url)
        revalidated = serve(url, if_none_match=fresh.headers["etag"])
        assert revalidated.status == 304 and revalidated.body == b"" and not revalidated.through_django
        assert revalidated.headers["x-frame-options"] and revalidated.headers["content-security-policy"]
        head = serve(url, method="HEAD")
        assert head.status == 200 and head.body == b"" and not head.through_django

    def test_signed_in_readers_and_pending_notices_bypass_it(self, client, debated):
        url = debated.get_absolute_url()
        serve(url), serve(url)
        staff = UserFactory(username="desk", role="Editor")
        client.force_login(staff)
        session = client.cookies["sessionid"].value
        signed_in = serve(url, cookies=f"sessionid={session}")
        assert signed_in.through_django and "private" in signed_in.headers["cache-control"]
        assert "Commenting as" in signed_in.body.decode()
        with_notice = serve(url, cookies="messages=something-signed")
        assert with_notice.through_django
        assert not serve(url, cookies="theme=dark").through_django  # other cookies change nothing

    def test_a_new_comment_is_seen_at_once_through_the_fast_path(self, debated):
        url = debated.get_absolute_url()
        serve(url), serve(url)
        make_comment(debated, comment="Fresh from the quay.")
        after = serve(url)
        assert after.through_django and "Fresh from the quay." in after.body.decode()
        assert not serve(url).through_django

    def test_another_process_change_shows_within_the_recheck_time(self, debated, settings):
        """Hits trust the version numbers they read for NEWSROOM_VERSION_RECHECK_SECONDS."""
        url = debated.get_absolute_url()
        settings.NEWSROOM_VERSION_RECHECK_SECONDS = 60
        serve(url), serve(url)
        cache.incr(caching.story_key(debated.pk))  # as another worker's comment would
        assert not serve(url).through_django  # this process has not looked again yet
        settings.NEWSROOM_VERSION_RECHECK_SECONDS = 0
        assert serve(url).through_django

    def test_only_allowed_hosts_and_safe_methods_are_answered(self, debated):
        url = debated.get_absolute_url()
        serve(url), serve(url)
        assert serve(url, host="evil.example").status == 400
        assert serve(url, method="POST").through_django

    def test_it_keys_pages_as_django_does(self, debated, client):
        """Query strings and encoded paths find the page Django stored (articles/page_keys.py)."""
        url = f"{debated.get_absolute_url()}?comments=1&x=%C3%A9"
        client.get(url)  # stored by Django (the test client has no fast path, so no final headers)
        first = serve(url)  # Django again: this time the headers after the middleware are kept
        assert first.status == 200
        assert not serve(url).through_django
        same = serve(f"{debated.get_absolute_url()}?comments=1")  # x= is read by no page
        assert not same.through_django and same.body == first.body
        assert serve(debated.get_absolute_url()).through_django  # another address: no comments=


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


class TestFeeds:
    """Feeds are cached for anonymous readers like pages, and renewed by the same numbers."""

    @pytest.mark.parametrize(
        "path", ["/feed/", "/feed/atom/", "/section/harbour/feed/", "/tag/dredging/feed/"]
    )
    def test_a_second_fetch_costs_no_query_and_is_the_same_feed(self, client, debated, path):
        first = client.get(path)
        assert first.status_code == 200 and "The dredging plan divides the town" in first.content.decode()
        with CaptureQueriesContext(connection) as queries:
            second = client.get(path)
        assert len(queries) == 0
        assert second.content == first.content and second["ETag"] == first["ETag"]
        assert second["Content-Type"] == first["Content-Type"]
        assert "public" in second["Cache-Control"]

    def test_a_new_story_appears_in_the_feed_at_once(self, client, debated):
        client.get("/feed/")
        ArticleFactory(live=True, headline="Night ferry returns for the summer")
        assert "Night ferry returns for the summer" in client.get("/feed/").content.decode()

    def test_a_changed_headline_is_in_the_feed_at_once(self, client, debated):
        client.get("/feed/atom/")
        debated.headline = "The dredging plan is put to a vote"
        debated.save()
        assert "The dredging plan is put to a vote" in client.get("/feed/atom/").content.decode()

    def test_the_feed_keeps_its_newest_story_time_as_last_modified(self, client, debated):
        newest = max(Article.objects.published().values_list("updated_at", flat=True))
        for _ in range(2):  # made, then from the cache
            modified = parsedate_to_datetime(client.get("/feed/")["Last-Modified"])
            assert abs((modified - newest).total_seconds()) < 1

    def test_signed_in_staff_get_a_fresh_private_feed(self, client, debated):
        client.get("/feed/")
        client.force_login(UserFactory(role="Editor"))
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/feed/")
        assert len(queries) > 0 and "private" in response["Cache-Control"]

    def test_an_unknown_section_feed_is_404(self, client, debated):
        assert client.get("/section/no-such-section/feed/").status_code == 404
