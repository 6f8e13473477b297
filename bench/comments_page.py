"""Server time and SQL queries of a story page with 500 threaded comments (not a test).

    .venv/bin/python bench/comments_page.py            # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom bench/comments_page.py

It builds a throwaway test database, adds one story with 100 threads of five
(500 comments, nested to the deepest level), renders the page uncached with
Django's test client and prints the median and p95 of 50 renders and the
number of queries. The database is dropped at the end.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings.test")

import django  # noqa: E402

django.setup()

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

RUNS = 50


def seed():
    from articles.models import Article
    from comments.models import Comment
    from comments.services import comments_recount
    from tests.factories import ArticleFactory

    story = ArticleFactory(live=True, headline="A story readers argue about")
    ctype = ContentType.objects.get_for_model(Article)

    def add(parent, n):
        comment = Comment(
            content_type=ctype, object_pk=str(story.pk), site_id=1, user_name=f"Reader {n}",
            user_email=f"reader{n}@example.org", comment=f"Comment {n} with a link https://example.org/{n}",
            submit_date=timezone.now(), parent_id=parent.pk if parent else 0, is_public=True,
        )  # fmt: skip
        comment.save()
        return comment

    n = 0
    for _ in range(100):
        top = add(None, n := n + 1)
        reply = add(top, n := n + 1)
        add(reply, n := n + 1)
        add(reply, n := n + 1)
        add(top, n := n + 1)
    comments_recount(article_pks=[story.pk])
    return story


def main():
    dummy = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    with override_settings(CACHES=dummy):  # the page cache off: every render is real
        run()


def run():
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        story = seed()
        client = Client(HTTP_HOST="127.0.0.1")  # a real host: no test instrumentation
        url = story.get_absolute_url()
        client.get(url)  # warm up templates and connections
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        query_count = len(queries)  # now: the next request resets the query log
        assert response.status_code == 200
        timings = []
        for _ in range(RUNS):
            started = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        print(f"database            {connection.vendor}")
        shown = response.content.decode().count('class="comment ')
        print(f"comments on story   500 (100 threads of 5, 3 levels); {shown} on the first page")
        print(f"SQL queries         {query_count}")
        print(f"server time median  {statistics.median(timings):.1f} ms")
        print(f"server time p95     {timings[int(RUNS * 0.95) - 1]:.1f} ms")
        print(f"page size           {len(response.content) // 1024} KiB")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
