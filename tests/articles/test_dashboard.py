"""The admin's front page as each role's desk (articles/desk.py, templates/admin/index.html)."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.desk import desk_for
from articles.models import Article
from comments.models import HoldReason, Report
from tests.comments.helpers import make_comment
from tests.factories import ArticleFactory, CorrectionFactory, UserFactory

Status = Article.Status
INDEX = "/admin/"


def page_of(client) -> str:
    response = client.get(INDEX)
    assert response.status_code == 200
    return response.content.decode()


def panel(page: str, panel_id: str) -> str:
    """The HTML of one panel (a <section> with that id), or "" when the page has none."""
    found = re.search(rf'<section[^>]*id="{panel_id}".*?</section>', page, re.S)
    return found.group(0) if found else ""


def headlines(html: str) -> list[str]:
    return re.findall(r'class="desk-headline" href="[^"]*">([^<]*)</a>', html)


def waiting_since(article, hours_ago: float) -> None:
    since = timezone.now() - timedelta(hours=hours_ago)
    Article.objects.filter(pk=article.pk).update(status_changed_at=since)


@pytest.fixture
def aisha(editor):
    editor.first_name, editor.last_name = "Aisha", "Rahman"
    editor.save()
    return editor


@pytest.fixture
def ravi(reporter):
    reporter.first_name, reporter.last_name = "Ravi", "Menon"
    reporter.save()
    return reporter


class TestEditorsDesk:
    def test_in_review_oldest_first_with_reporter_and_waiting_time(self, editor_client, ravi):
        newer = ArticleFactory(status=Status.IN_REVIEW, headline="Newer in review", created_by=ravi)
        older = ArticleFactory(status=Status.IN_REVIEW, headline="Older in review", created_by=ravi)
        waiting_since(newer, 1)
        waiting_since(older, 26)
        html = panel(page_of(editor_client), "desk-in_review")
        assert headlines(html) == ["Older in review", "Newer in review"]
        assert f'href="/admin/articles/article/{older.pk}/change/"' in html
        assert "Ravi Menon · waiting since" in html and "(1 day)" in html and "(1 hour)" in html

    def test_waiting_since_falls_back_to_the_last_save(self, editor):
        story = ArticleFactory(status=Status.IN_REVIEW)
        assert story.status_changed_at is None
        row = desk_for(editor).panel("in_review").rows[0]
        assert row.when == Article.objects.get(pk=story.pk).updated_at

    def test_scheduled_soonest_first(self, editor_client):
        now = timezone.now()
        ArticleFactory(status=Status.PUBLISHED, published_at=now + timedelta(days=2), headline="Later")
        ArticleFactory(status=Status.PUBLISHED, published_at=now + timedelta(hours=2), headline="Sooner")
        ArticleFactory(live=True, headline="Already live")
        html = panel(page_of(editor_client), "desk-scheduled")
        assert headlines(html) == ["Sooner", "Later"]
        assert "Time passed" not in html

    def test_a_story_past_its_time_that_cannot_be_shown_is_flagged(self, editor_client):
        now = timezone.now()
        published = {"status": Status.PUBLISHED}
        lost = ArticleFactory(**published, published_at=now - timedelta(hours=3), headline="Lost")
        Article.objects.filter(pk=lost.pk).update(section=None)
        empty = ArticleFactory(**published, published_at=now - timedelta(days=1), headline="Empty")
        Article.objects.filter(pk=empty.pk).update(body="  ")
        old = ArticleFactory(**published, published_at=now - timedelta(days=8), headline="Old")
        Article.objects.filter(pk=old.pk).update(section=None)
        ArticleFactory(status=Status.PUBLISHED, published_at=now + timedelta(hours=1), headline="Coming")
        html = panel(page_of(editor_client), "desk-scheduled")
        assert headlines(html) == ["Empty", "Lost", "Coming"]  # a week back at most, soonest first
        assert "Time passed, not live: it has no section" in html
        assert "Time passed, not live: it has no body" in html
        assert html.count('desk-flag"') == 2

    def test_a_picture_without_alt_text_past_its_time_is_flagged(self, editor):
        story = ArticleFactory(status=Status.PUBLISHED, published_at=timezone.now() - timedelta(minutes=5))
        Article.objects.filter(pk=story.pk).update(
            lead_image="articles/2026/12/x.jpg", lead_image_width=30, lead_image_height=20, lead_image_alt=" "
        )
        rows = desk_for(editor).panel("scheduled").rows
        assert [row.problems for row in rows] == [["its lead image has no alt text"]]

    def test_my_drafts_are_mine_newest_first(self, editor_client, editor, reporter):
        ArticleFactory(created_by=editor, headline="My older draft")
        ArticleFactory(created_by=editor, headline="My newer draft")
        ArticleFactory(created_by=reporter, headline="A reporter's draft")
        ArticleFactory(created_by=editor, status=Status.IN_REVIEW, headline="Mine in review")
        html = panel(page_of(editor_client), "desk-drafts")
        assert headlines(html) == ["My newer draft", "My older draft"]

    def test_recently_published_with_corrections(self, editor_client):
        quiet = ArticleFactory(live=True, headline="Quiet story")
        wrong = ArticleFactory(
            status=Status.PUBLISHED, published_at=timezone.now() - timedelta(minutes=5), headline="Wrong"
        )
        CorrectionFactory(article=wrong, corrected_at=timezone.now() - timedelta(days=3))
        CorrectionFactory(article=wrong, corrected_at=timezone.now() - timedelta(minutes=1))
        for n in range(8):
            ArticleFactory(live=True, published_at=timezone.now() - timedelta(days=2, hours=n))
        html = panel(page_of(editor_client), "desk-published")
        assert headlines(html)[:2] == ["Wrong", "Quiet story"] and len(headlines(html)) == 8
        assert "2 corrections, latest" in html and html.count(">corrected</span>") == 1
        assert f'href="/admin/articles/article/{wrong.pk}/change/#corrections-group"' in html
        assert f'href="/admin/articles/article/{quiet.pk}/change/#corrections-group"' in html
        assert 'href="/admin/articles/article/?state=live">All 10 published →' in html

    def test_comments_waiting_and_readership(self, editor_client):
        story = ArticleFactory(live=True)
        make_comment(story, is_public=False, hold_reasons=[HoldReason.LINKS])
        page = page_of(editor_client)
        html = panel(page, "moderation-waiting")
        assert 'href="/admin/comments/comment/?status=waiting"><strong>1</strong> comment waiting' in html
        assert "not counted yet" in panel(page, "desk-readership")

    def test_long_lists_are_cut_with_a_link_to_the_rest(self, editor_client):
        ArticleFactory.create_batch(11, status=Status.IN_REVIEW)
        html = panel(page_of(editor_client), "desk-in_review")
        assert len(headlines(html)) == 8
        assert 'href="/admin/articles/article/?state=in_review">All 11 in review →' in html

    def test_every_panel_says_when_it_is_empty(self, editor_client):
        page = page_of(editor_client)
        for said in ("Nothing in review.", "Nothing scheduled.", "You have no drafts.",
                     "Nothing published yet.", "No comments waiting."):  # fmt: skip
            assert said in page
        assert "Recent actions" not in page
        assert 'href="/admin/articles/article/">Stories</a>' in page  # the list of apps stays

    def test_a_superuser_gets_the_editors_desk(self, client, db):
        client.force_login(UserFactory(username="boss", is_superuser=True))
        page = page_of(client)
        assert 'class="desk desk-editor"' in page and 'id="desk-readership"' in page


class TestReportersDesk:
    def test_their_own_stories_in_four_panels(self, reporter_client, reporter, other_reporter):
        now = timezone.now()
        ArticleFactory(created_by=reporter, headline="Fresh draft")
        sent = ArticleFactory(created_by=reporter, headline="Came back")
        Article.objects.filter(pk=sent.pk).update(sent_back_at=now - timedelta(hours=2))
        ArticleFactory(created_by=reporter, status=Status.IN_REVIEW, headline="Waiting for an editor")
        ArticleFactory(created_by=reporter, live=True, headline="Out there")
        ArticleFactory(created_by=reporter, scheduled=True, headline="Out tomorrow")
        for state in ({}, {"status": Status.IN_REVIEW}, {"live": True}, {"scheduled": True}):
            ArticleFactory(created_by=other_reporter, headline="Someone else's story", **state)
        ArticleFactory(created_by=other_reporter, headline="Someone else's sent back", sent_back_at=now)
        page = page_of(reporter_client)
        assert headlines(panel(page, "desk-drafts")) == ["Fresh draft"]
        back = panel(page, "desk-sent_back")
        assert headlines(back) == ["Came back"] and "sent back <time" in back
        assert headlines(panel(page, "desk-in_review")) == ["Waiting for an editor"]
        mine = panel(page, "desk-mine_published")
        assert headlines(mine) == ["Out tomorrow", "Out there"] and "scheduled for" in mine
        assert "Someone else" not in page
        assert "desk-scheduled" not in page and "desk-readership" not in page

    def test_empty_panels(self, reporter_client):
        page = page_of(reporter_client)
        for said in ("You have no drafts.", "Nothing came back from review.",
                     "Nothing of yours is in review.", "Nothing of yours is published yet."):  # fmt: skip
            assert said in page
        assert "comments waiting" not in page  # no right to the queue


class TestModeratorsDesk:
    def test_the_queue_in_brief_and_no_story(self, moderator_client):
        story = ArticleFactory(live=True, headline="Ferry timetable changes")
        now = timezone.now()
        for hours in range(7):
            make_comment(
                story,
                is_public=False,
                hold_reasons=[HoldReason.FIRST_TIME] if hours % 2 else [HoldReason.LINKS],
                submit_date=now - timedelta(hours=hours),
                user_name=f"Writer {hours}",
            )
        reported = make_comment(story, submit_date=now - timedelta(days=3), user_name="Reported Writer")
        Report.objects.create(comment=reported, reporter_key="r1", reason=Report.Reason.choices[0][0])
        ArticleFactory(status=Status.IN_REVIEW, headline="Secret story in review")
        page = page_of(moderator_client)
        queue = panel(page, "moderation-waiting")
        assert "<strong>8</strong> comments waiting for moderation" in queue
        assert re.search(r"Reported<span class=\"desk-count\"> 1</span>", queue)
        assert re.search(r"Held<span class=\"desk-count\"> 7</span>", queue)
        assert re.search(r"First-time commenter<span class=\"desk-count\"> 3</span>", queue)
        assert re.search(r"Many links<span class=\"desk-count\"> 4</span>", queue)
        oldest = panel(page, "desk-oldest")
        names = re.findall(r'class="desk-headline" href="[^"]*">([^:<]*):', oldest)
        assert names == ["Reported Writer", "Writer 6", "Writer 5", "Writer 4", "Writer 3"]
        assert "Ferry timetable changes" in oldest
        assert "Secret story" not in page and "desk-in_review" not in page
        assert 'title="8 waiting for a decision"' in page  # the badge reuses the count

    def test_an_empty_queue(self, moderator_client):
        page = page_of(moderator_client)
        assert "<strong>0</strong> comments waiting" in page and "The queue is clear." in page


# --- the cost of the page --------------------------------------------------------------


def fill(n: int, editor, reporter) -> None:
    now = timezone.now()
    story = ArticleFactory(live=True)
    for i in range(n):
        for who in (editor, reporter):
            ArticleFactory(created_by=who)
            ArticleFactory(created_by=who, sent_back_at=now)
            ArticleFactory(created_by=who, status=Status.IN_REVIEW)
            ArticleFactory(created_by=who, scheduled=True)
            CorrectionFactory(article=ArticleFactory(created_by=who, live=True))
        lost = ArticleFactory(status=Status.PUBLISHED, published_at=now - timedelta(hours=1))
        Article.objects.filter(pk=lost.pk).update(section=None)
        make_comment(story, is_public=False, hold_reasons=[HoldReason.LINKS])
        reported = make_comment(story)
        Report.objects.create(comment=reported, reporter_key=f"k{i}", reason=Report.Reason.choices[0][0])


def queries_for(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        page_of(client)
    return len(queries)


@pytest.mark.parametrize("role", ["Editor", "Reporter", "Moderator"])
def test_the_page_costs_the_same_whatever_the_number_of_stories(client, db, role):
    editor = UserFactory(username="editor", role="Editor")
    reporter = UserFactory(username="reporter", role="Reporter")
    viewer = {"Editor": editor, "Reporter": reporter}.get(role) or UserFactory(role="Moderator")
    client.force_login(viewer)
    fill(3, editor, reporter)
    few = queries_for(client)
    fill(27, editor, reporter)
    assert queries_for(client) == few
    budget = {"Editor": 11, "Reporter": 9, "Moderator": 11}[role]  # the editor's 11th: readership's panel
    assert few <= budget, f"{role}: {few} queries"
