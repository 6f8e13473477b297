"""The queue at scale: every tab and scope costs the same queries with few or many comments, and
the tab counts are the plain counts of their querysets (docs/performance.md, "Moderation queue").

test_moderation_admin.py checks the default tab's query count; this adds the other tabs, a
story's and a section's queue and a search, and the counts, which counts.py reads by parts
(held, removed and spam; reported; everything) rather than one pass over every comment.
"""

import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from comments.models import Comment, HoldReason, Report
from tests.comments.helpers import make_comment
from tests.factories import ArticleFactory, SectionFactory, UserFactory

pytestmark = pytest.mark.django_db

QUEUE = "/admin/comments/comment/"
TABS = ["waiting", "reported", "held", "visible", "spam", "removed"]


@pytest.fixture
def moderator_client(client):
    client.force_login(UserFactory(role="Moderator"))
    return client


def fill(n: int) -> dict:
    """`n` of each kind of comment over two sections' stories; the first story and section."""
    Comment.objects.all().delete()
    sections = [SectionFactory(), SectionFactory()]
    stories = [ArticleFactory(live=True, section=sections[i % 2]) for i in range(4)]
    keys = iter(range(10**6))
    for i in range(n):
        story = stories[i % 4]
        published = make_comment(story, comment=f"The ferry timetable, again ({i}).")
        make_comment(story, parent_id=published.pk)  # a reply
        held = make_comment(story, parent_id=published.pk, is_public=False, hold_reasons=[HoldReason.LINKS])
        reported = make_comment(story)
        for comment in (reported, reported, held):  # twice on one comment, and one on a held one
            Report.objects.create(comment=comment, reporter_key=f"ip:{next(keys)}")
        dismissed = make_comment(story)
        Report.objects.create(
            comment=dismissed, reporter_key=f"ip:{next(keys)}", resolved_at=dismissed.submit_date
        )
        removed = make_comment(story, is_removed=True)
        Report.objects.create(comment=removed, reporter_key=f"ip:{next(keys)}")  # open, on a removed one
        make_comment(story, is_removed=True, is_spam=True)
        make_comment(story, is_public=False, is_removed=True, is_spam=True)  # spam that was held first
    return {"story": stories[0].pk, "section": sections[0].slug}


def addresses(scope: dict) -> list[str]:
    story, section = scope["story"], scope["section"]
    return [
        QUEUE,
        *(f"{QUEUE}?status={tab}" for tab in [*TABS[1:], "all"]),
        f"{QUEUE}?story={story}",
        f"{QUEUE}?story={story}&status=held",
        f"{QUEUE}?section={section}",
        f"{QUEUE}?section={section}&status=reported",
        f"{QUEUE}?status=all&q=ferry",
        f"{QUEUE}?status=held&reason=links",
    ]


def query_counts(client, n: int) -> dict[int, int]:
    counts = {}
    for index, url in enumerate(addresses(fill(n))):
        client.get(url)  # per-process caches (content types, sections) warmed
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        assert 'class="mod-item"' in response.content.decode(), url
        counts[index] = len(queries)
    return counts


def test_every_tab_and_scope_costs_the_same_queries_with_few_or_many_comments(moderator_client):
    few, many = query_counts(moderator_client, 1), query_counts(moderator_client, 12)
    names = addresses({"story": "<story>", "section": "<section>"})
    differ = {names[i]: (few[i], many[i]) for i in few if few[i] != many[i]}
    assert not differ, differ
    # Tab counts in three, the page, its reports, stories, reasons; a section's queue also reads
    # the section's stories for its list and for its counts (a list PostgreSQL can use its index with).
    assert max(many.values()) <= 15, many


def shown_counts(client, url: str) -> dict[str, int]:
    page = client.get(url).content.decode()
    return {tab: int(n) for tab, n in re.findall(r'data-count="(\w+)">(\d+)<', page)}


def plain_counts(comments) -> dict[str, int]:
    tabs = {"waiting": comments.waiting, "reported": comments.reported, "held": comments.held,
            "visible": comments.visible, "spam": comments.spam, "removed": comments.removed}  # fmt: skip
    return {tab: queryset().count() for tab, queryset in tabs.items()} | {"all": comments.count()}


def test_the_tab_counts_are_the_plain_counts_of_each_tab(moderator_client):
    scope = fill(3)
    story = Article.objects.get(pk=scope["story"])
    in_section = [
        str(pk) for pk in Article.objects.filter(section__slug=scope["section"]).values_list("pk", flat=True)
    ]
    expected = {
        QUEUE: plain_counts(Comment.objects.all()),
        f"{QUEUE}?story={story.pk}": plain_counts(Comment.objects.for_story(story)),
        f"{QUEUE}?section={scope['section']}&status=held": plain_counts(
            Comment.objects.filter(object_pk__in=in_section)
        ),
    }
    # Each round: 4 published (one reported), 1 held (reported too), 1 removed (with an open report), 2 spam.
    assert expected[QUEUE] == {"waiting": 6, "reported": 6, "held": 3, "visible": 12, "spam": 6,
                               "removed": 3, "all": 24}  # fmt: skip
    for url, counts in expected.items():
        assert shown_counts(moderator_client, url) == counts, url


def test_the_waiting_count_by_parts_is_the_plain_count(moderator_client):
    scope = fill(2)
    assert Comment.objects.waiting_count() == Comment.objects.waiting().count() == 4
    one_story = Comment.objects.filter(object_pk=str(scope["story"]))
    assert one_story.waiting_count() == one_story.waiting().count() == 2
    page = moderator_client.get("/admin/").content.decode()  # the badge beside "Comments"
    assert "<strong>4</strong> comments waiting for moderation" in page
    assert "4 waiting for a decision" in page


def test_the_indexes_come_and_go_with_their_migration(transactional_db):
    with connection.cursor() as cursor:
        names = set(connection.introspection.get_constraints(cursor, "django_comments"))
    assert {"comments_held_by_date", "comments_removed_by_date", "comments_story_by_date"} <= names
    call_command("migrate", "comments", "0005", verbosity=0)
    try:
        with connection.cursor() as cursor:
            names = set(connection.introspection.get_constraints(cursor, "django_comments"))
            reports = set(connection.introspection.get_constraints(cursor, "comments_report"))
        assert not {"comments_held_by_date", "comments_removed_by_date", "comments_story_by_date"} & names
        assert "comments_report_open" not in reports
    finally:
        call_command("migrate", verbosity=0)
