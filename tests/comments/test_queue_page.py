"""The queue's page: tabs and their counts, story and section queues, the rows' markup, the badge.

The markup asserted here is the contract static/js/moderation.js reads (issue 16).
"""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments.models import Comment, HoldReason, RemovalReason, Report
from tests.comments.helpers import make_comment
from tests.factories import ArticleFactory, SectionFactory, UserFactory

pytestmark = pytest.mark.django_db

QUEUE = "/admin/comments/comment/"


def held(article, **fields):
    return make_comment(article, is_public=False, hold_reasons=[HoldReason.FIRST_TIME], **fields)


def reported(article, n=1, **fields):
    comment = make_comment(article, **fields)
    for i in range(n):
        Report.objects.create(comment=comment, reporter_key=f"ip:{comment.pk}-{i}", note="Rude")
    return comment


def rows(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<article class="mod-item" id="m(\d+)"', page)]


def count(page: str, tab: str) -> int:
    return int(re.search(rf'<span class="mod-count" data-count="{tab}">(\d+)</span>', page).group(1))


def fill(stories, n):
    """n comments of every kind over the stories: held, reported, replies, removed, spam."""
    for i in range(n):
        story = stories[i % len(stories)]
        comment = held(story) if i % 2 else reported(story, n=1 + i % 3)
        if i % 3 == 0:
            make_comment(story, parent_id=comment.pk, is_public=False, hold_reasons=[HoldReason.LINKS])
        if i % 5 == 0:
            make_comment(story, is_removed=True, is_spam=i % 10 == 0)


class TestTabs:
    def test_every_tab_counts_and_waiting_is_the_default(self, moderator_client, story):
        a, b = held(story), reported(story)
        visible = make_comment(story)
        removed, spam = (
            make_comment(story, is_removed=True),
            make_comment(story, is_removed=True, is_spam=True),
        )
        page = moderator_client.get(QUEUE).content.decode()
        expected = {"waiting": 2, "reported": 1, "held": 1, "visible": 2, "spam": 1, "removed": 1, "all": 5}
        assert {tab: count(page, tab) for tab in expected} == expected
        assert set(rows(page)) == {a.pk, b.pk}
        assert re.search(
            r'class="mod-tab" data-tab="waiting" href="\?status=waiting" aria-current="page"', page
        )
        for tab, pks in {"visible": {b.pk, visible.pk}, "removed": {removed.pk}, "spam": {spam.pk}}.items():
            assert set(rows(moderator_client.get(QUEUE, {"status": tab}).content.decode())) == pks
        assert set(rows(moderator_client.get(QUEUE, {"status": "nonsense"}).content.decode())) == {a.pk, b.pk}

    def test_an_empty_tab_says_so(self, moderator_client, story):
        make_comment(story)
        page = moderator_client.get(QUEUE).content.decode()
        assert "Nothing here: no comment is waiting for a decision." in page and rows(page) == []
        assert 'id="action-toggle"' not in page

    def test_the_filter_sidebar_is_gone(self, moderator_client, story):
        held(story)
        page = moderator_client.get(QUEUE).content.decode()
        assert 'id="changelist-filter"' not in page and 'id="searchbar"' in page


class TestScopes:
    def test_a_story_queue_lists_and_counts_that_story_only(self, moderator_client, story):
        other = ArticleFactory(live=True, headline="Ferry timetable changes")
        mine, theirs = held(story), held(other)
        held(other)
        page = moderator_client.get(QUEUE, {"story": story.pk}).content.decode()
        assert rows(page) == [mine.pk] and count(page, "waiting") == 1 and count(page, "all") == 1
        assert "<h1>Comments on “Harbour dredging starts in spring”</h1>" in page
        assert re.search(r"Queue for: <strong>Harbour dredging starts in spring</strong>", page)
        assert 'href="?" class="mod-scope-clear"' in page
        assert f'data-tab="spam" href="?status=spam&amp;story={story.pk}"' in page
        assert theirs.pk not in rows(
            moderator_client.get(QUEUE, {"story": story.pk, "status": "all"}).content.decode()
        )

    def test_a_section_queue_lists_and_counts_its_stories(self, moderator_client, story):
        desk = SectionFactory(name="Harbour", slug="harbour")
        inside = [held(ArticleFactory(live=True, section=desk)) for _ in range(2)]
        held(story)
        page = moderator_client.get(QUEUE, {"section": "harbour", "status": "held"}).content.decode()
        assert set(rows(page)) == {c.pk for c in inside} and count(page, "held") == 2
        assert "<h1>Comments in the Harbour section</h1>" in page
        assert 'href="?status=held" class="mod-scope-clear"' in page

    @pytest.mark.parametrize("query", [{"story": "999999"}, {"story": "abc"}, {"section": "nowhere"}])
    def test_a_queue_for_nothing_is_empty_and_says_so(self, moderator_client, story, query):
        held(story)
        response = moderator_client.get(QUEUE, query)
        page = response.content.decode()
        assert response.status_code == 200 and rows(page) == [] and count(page, "waiting") == 0
        assert "that is not there" in page

    def test_the_story_admin_page_links_to_its_queue_with_its_count(self, client, story):
        held(story)
        reported(story)
        held(ArticleFactory(live=True))
        client.force_login(UserFactory(username="boss", role="Editor"))
        page = client.get(f"/admin/articles/article/{story.pk}/change/").content.decode()
        assert f'<a href="{QUEUE}?story={story.pk}" class="mod-story-queue">Comments: 2 waiting</a>' in page
        section = story.section
        link = f'<a href="{QUEUE}?section={section.slug}" class="mod-section-queue">{section.name}’s comments'
        assert link in page

    def test_a_reporter_sees_no_comments_link_on_their_story(self, client):
        reporter = UserFactory(username="reporter", role="Reporter")
        draft = ArticleFactory(created_by=reporter)
        held(draft)
        client.force_login(reporter)
        response = client.get(f"/admin/articles/article/{draft.pk}/change/")
        assert response.status_code == 200 and "mod-story-queue" not in response.content.decode()


class TestRows:
    def test_the_markup_the_keyboard_script_reads(self, moderator_client, story):
        comment = held(story, user_email="bo@example.org")
        flagged = reported(story)
        RemovalReason.objects.filter(label="Legal").update(is_active=False)
        page = moderator_client.get(QUEUE).content.decode()
        assert (
            f'<article class="mod-item" id="m{comment.pk}" data-comment="{comment.pk}" data-status="held" '
            f'data-reported="0"'
        ) in page
        assert (
            f'id="m{flagged.pk}" data-comment="{flagged.pk}" data-status="visible" data-reported="1"' in page
        )
        assert (
            'class="action-select" ' not in page
            or f'name="_selected_action" value="{comment.pk}" class="action-select"' in page
        )
        for action in ("approve", "remove", "spam"):
            assert re.search(
                rf'class="mod-button" data-action="{action}"[^>]* '
                rf'formaction="{QUEUE}{comment.pk}/moderate/{action}/" '
                rf'formmethod="post" formnovalidate name="next" value="/admin/comments/comment/"',
                page,
            ), action
        assert 'data-action="dismiss"' in page and f"{QUEUE}{flagged.pk}/moderate/dismiss/" in page
        assert f'<a class="mod-context" href="{QUEUE}{comment.pk}/thread/">' in page
        assert f'href="{QUEUE}commenter/?email=bo%40example.org"' in page
        assert f'<a class="mod-on-site" href="{QUEUE}{comment.pk}/on-site/">' in page
        assert (
            f'<a class="mod-reply" href="{QUEUE}{flagged.pk}/reply/">' in page
        )  # published: a reply is possible
        assert f'<a class="mod-reply" href="{QUEUE}{comment.pk}/reply/">' not in page
        assert '<div id="mod-live" role="status" aria-live="polite">' in page
        assert re.search(r'<script src="/static/js/moderation(\.[0-9a-f]+)?\.js" defer', page)

    def test_the_remove_panel_offers_the_active_reasons_in_order(self, moderator_client, story):
        comment = held(story)
        nameless = held(story, user_email="")
        RemovalReason.objects.filter(label="Legal").update(is_active=False)
        page = moderator_client.get(QUEUE).content.decode()
        panel = page[page.index(f'form="mod-remove-{comment.pk}"') - 400 :]
        panel = panel[: panel.index("</details>")]
        labels = re.findall(
            r'name="reason" value="\d*" form="mod-remove-\d+"(?: checked)?> ([^<]+)</label>', panel
        )
        assert [label.strip() for label in labels] == [
            "No reason given",
            "Off topic",
            "Abuse",
            "Spam",
            "Personal data",
        ]
        assert (
            f'<form id="mod-remove-{comment.pk}" method="post" action="{QUEUE}{comment.pk}/moderate/remove/"'
            in page
        )
        assert re.search(
            rf'name="notify" value="1" form="mod-remove-{comment.pk}"> Tell the commenter by email', page
        )
        assert re.search(rf'name="notify" value="1" form="mod-remove-{nameless.pk}" disabled>', page)

    @pytest.mark.parametrize(
        ("make", "buttons"),
        [
            (lambda s: held(s), ["approve", "remove", "spam"]),
            (lambda s: reported(s), ["dismiss", "remove", "spam"]),
            (lambda s: make_comment(s), ["remove", "spam"]),
            (lambda s: make_comment(s, is_removed=True), ["approve", "spam"]),
            (lambda s: make_comment(s, is_removed=True, is_spam=True), ["not_spam"]),
        ],
    )
    def test_each_status_has_its_buttons(self, moderator_client, story, make, buttons):
        comment = make(story)
        page = moderator_client.get(QUEUE, {"status": "all"}).content.decode()
        row = page[
            page.index(f'id="m{comment.pk}"') : page.index("</article>", page.index(f'id="m{comment.pk}"'))
        ]
        assert re.findall(r'data-action="(\w+)"', row) == buttons

    def test_an_editor_sees_the_rows_without_buttons_or_checkboxes(self, editor_client, story):
        comment = held(story)
        page = editor_client.get(QUEUE).content.decode()
        assert rows(page) == [comment.pk] and count(page, "waiting") == 1
        assert "mod-button" not in page and "_selected_action" not in page and "mod-remove" not in page
        assert "mod-reply" not in page and "mod-context" in page


class TestBadge:
    def test_beside_comments_for_moderators_and_editors(self, client, story):
        held(story)
        held(story)
        for role in ("Moderator", "Editor"):
            client.force_login(UserFactory(username=role.lower(), role=role))
            for url in ("/admin/", "/admin/comments/report/"):
                page = client.get(url).content.decode()
                assert re.search(
                    rf'<a class="mod-badge" href="{QUEUE}\?status=waiting" '
                    r'title="2 waiting for a decision">2',
                    page,
                ), (role, url)

    def test_one_count_per_page(self, moderator_client, story):
        held(story)
        for url in ("/admin/", "/admin/comments/report/", "/admin/comments/decision/", QUEUE):
            moderator_client.get(url)
            with CaptureQueriesContext(connection) as queries:
                assert moderator_client.get(url).status_code == 200
            counts = [
                q["sql"] for q in queries if "COUNT(" in q["sql"] and 'FROM "comments_comment"' in q["sql"]
            ]
            # The queue counts its tabs in three small queries (counts.py), the badge reusing them;
            # the moderator's desk on the front page counts the same and the held ones by reason.
            assert len(counts) == {QUEUE: 3, "/admin/": 4}.get(url, 1), (url, counts)

    def test_none_for_a_reporter_and_none_when_nothing_waits(self, client, moderator_client, story):
        make_comment(story)
        assert "mod-badge" not in moderator_client.get("/admin/").content.decode()
        held(story)
        client.force_login(UserFactory(username="reporter", role="Reporter"))
        with CaptureQueriesContext(connection) as queries:
            page = client.get("/admin/").content.decode()
        assert "mod-badge" not in page and "waiting for moderation" not in page
        assert not [q for q in queries if "comments_report" in q["sql"]]


class TestScale:
    def test_the_first_page_costs_the_same_with_5_and_60_comments(
        self, moderator_client, django_assert_num_queries
    ):
        stories = [ArticleFactory(live=True) for _ in range(3)]
        moderator_client.get(QUEUE)  # warm the per-process caches (content types)
        counted = []
        for n in (5, 60):
            Comment.objects.all().delete()
            fill(stories, n)
            for query in ({}, {"status": "all"}, {"story": stories[0].pk}):
                with CaptureQueriesContext(connection) as queries:
                    page = moderator_client.get(QUEUE, query).content.decode()
                assert len(rows(page)) == min(50, Comment.objects.count()) or query != {"status": "all"}
                counted.append((n, str(query), len(queries)))
        small = [c for n, q, c in counted if n == 5]
        large = [c for n, q, c in counted if n == 60]
        assert small == large, counted
        with django_assert_num_queries(large[0]):
            moderator_client.get(QUEUE)

    def test_no_count_query_beyond_the_tabs_aggregate(self, moderator_client, story):
        for _ in range(3):
            held(story)
        moderator_client.get(QUEUE)
        with CaptureQueriesContext(connection) as queries:
            page = moderator_client.get(QUEUE).content.decode()
        counting = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
        assert len(counting) == 3, (
            counting
        )  # the tabs' counts (counts.py): the paginator and badge reuse them
        assert "3 comments" in page
        with CaptureQueriesContext(connection) as queries:
            moderator_client.get(QUEUE, {"q": "Comment"})
        assert len([q for q in queries if "COUNT(" in q["sql"].upper()]) == 4  # a search counts its own


class TestOrder:
    def test_newest_first_and_oldest_first_on_request(self, moderator_client, story):
        old = held(story, submit_date=timezone.now() - timedelta(days=2))
        new = held(story, submit_date=timezone.now() - timedelta(minutes=5))
        middle = held(story, submit_date=timezone.now() - timedelta(hours=5))
        page = moderator_client.get(QUEUE, {"story": story.pk}).content.decode()
        assert rows(page) == [new.pk, middle.pk, old.pk]
        link = re.search(r'<a class="mod-order" href="([^"]+)">Newest first: show oldest first</a>', page)
        assert link and link.group(1) == f"?story={story.pk}&amp;o=2"
        page = moderator_client.get(QUEUE, {"story": story.pk, "o": "2"}).content.decode()
        assert rows(page) == [old.pk, middle.pk, new.pk]
        assert f'<a class="mod-order" href="?story={story.pk}">Oldest first: show newest first</a>' in page
