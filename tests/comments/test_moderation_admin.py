"""The moderators' admin: the queue, its buttons and bulk actions, filters, the log."""

import re
from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments.models import Comment, Decision, HoldReason, Report, Status
from tests.comments.helpers import make_comment
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

QUEUE = "/admin/comments/comment/"
LOG = "/admin/comments/decision/"
SITE = "https://news.example.org"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def ago(**delta):
    return timezone.now() - timedelta(**delta)


def held(article, **fields):
    return make_comment(article, is_public=False, hold_reasons=[HoldReason.FIRST_TIME], **fields)


def report(comment, reason=Report.Reason.ABUSE, key="ip:one", note=""):
    return Report.objects.create(comment=comment, reporter_key=key, reason=reason, note=note)


def status_of(comment) -> str:
    return Comment.objects.get(pk=comment.pk).status


def rows(response) -> list[int]:
    """The comment ids of the queue's rows, top to bottom."""
    return [int(pk) for pk in re.findall(r'name="_selected_action" value="(\d+)"', response.content.decode())]


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def moderate_url(comment, action):
    return f"{QUEUE}{comment.pk}/moderate/{action}/"


class TestIndex:
    def test_a_moderator_sees_the_comments_app_and_nothing_else(self, moderator_client):
        page = moderator_client.get("/admin/").content.decode()
        for model in ("comment", "report", "decision", "blockedterm"):
            assert f'href="/admin/comments/{model}/"' in page
        assert "/admin/articles/" not in page and "/admin/auth/" not in page

    def test_the_index_shows_how_many_comments_wait(self, moderator_client, story):
        held(story)
        held(story)
        report(make_comment(story))
        make_comment(story)
        make_comment(story, is_removed=True)
        page = moderator_client.get("/admin/").content.decode()
        assert f'href="{QUEUE}?status=waiting"' in page
        assert re.search(r"<strong>3</strong> comments waiting for moderation", page)

    def test_one_waiting_comment_is_singular(self, moderator_client, story):
        held(story)
        page = moderator_client.get("/admin/").content.decode()
        assert re.search(r"<strong>1</strong> comment waiting for moderation", page)

    def test_editors_see_the_count_and_the_queue_but_decide_nothing(self, editor_client, story):
        comment = held(story)
        page = editor_client.get("/admin/").content.decode()
        assert re.search(r"<strong>1</strong> comment waiting for moderation", page)
        response = editor_client.get(QUEUE)
        assert response.status_code == 200 and comment.comment in response.content.decode()
        assert "formaction=" not in response.content.decode()
        assert editor_client.post(moderate_url(comment, "approve")).status_code == 403
        assert status_of(comment) == Status.HELD


class TestQueue:
    def test_waiting_comments_newest_first_and_every_comment_under_all(self, moderator_client, story):
        old = make_comment(story, submit_date=ago(hours=3))
        newest = make_comment(story, submit_date=ago(minutes=1))
        held_one = held(story, submit_date=ago(hours=2))
        reported = make_comment(story, submit_date=ago(hours=5))
        report(reported)
        resolved = make_comment(story, submit_date=ago(hours=4))
        Report.objects.create(comment=resolved, reporter_key="ip:x", resolved_at=timezone.now())
        removed = make_comment(story, submit_date=ago(hours=6), is_removed=True)
        response = moderator_client.get(QUEUE)
        assert response.status_code == 200
        assert rows(response) == [held_one.pk, reported.pk]
        assert "<h1>Moderation queue</h1>" in response.content.decode()
        everything = moderator_client.get(QUEUE, {"status": "all"})
        assert rows(everything) == [newest.pk, held_one.pk, old.pk, resolved.pk, reported.pk, removed.pk]

    def test_a_row_shows_story_parent_commenter_age_and_reasons(self, moderator_client, story):
        parent = make_comment(story, user_name="Ada Reader", comment="The silt goes north, not south.")
        reply = make_comment(
            story,
            parent_id=parent.pk,
            is_public=False,
            hold_reasons=[HoldReason.FIRST_TIME, HoldReason.LINKS],
            user_name="Bo Quay",
            user_email="bo@example.org",
            ip_address="203.0.113.7",
            comment="See www.example.com and www.example.net",
            submit_date=ago(hours=3, minutes=5),
        )
        report(reply, Report.Reason.SPAM, key="ip:a")
        report(reply, Report.Reason.SPAM, key="ip:b")
        report(reply, Report.Reason.OFF_TOPIC, key="ip:c")
        page = moderator_client.get(QUEUE).content.decode()
        assert f'class="mod-story" href="?story={story.pk}"' in page  # the story's own queue
        assert "Harbour dredging starts in spring</a>" in page
        assert '<p class="mod-parent">in reply to Ada Reader: The silt goes north, not south.</p>' in page
        for text in ("Bo Quay", "bo@example.org", "203.0.113.7", "3\xa0hours ago", "Held"):
            assert text in page
        assert ">First-time commenter; Many links; Reported 3× (Spam or advertising ×2, Off topic)<" in page

    def test_comment_text_is_shown_escaped(self, moderator_client, story):
        comment = held(story, comment="<script>alert(1)</script> <b>bold</b>")
        listing = moderator_client.get(QUEUE).content.decode()
        change = moderator_client.get(f"{QUEUE}{comment.pk}/change/").content.decode()
        for page in (listing, change):
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
            assert "<script>alert(1)" not in page and "<b>bold</b>" not in page

    def test_a_user_name_with_markup_is_escaped_in_the_parent_column(self, moderator_client, story):
        parent = make_comment(story, user_name="<i>Eve</i>", comment="<img src=x onerror=alert(1)>")
        make_comment(story, parent_id=parent.pk)
        page = moderator_client.get(QUEUE, {"status": "all"}).content.decode()
        assert "in reply to &lt;i&gt;Eve&lt;/i&gt;: &lt;img src=x onerror=alert(1)&gt;" in page
        assert "<img src=x" not in page

    def test_the_query_count_does_not_grow_with_the_rows(self, moderator_client):
        def fill(n):
            Comment.objects.all().delete()
            stories = [ArticleFactory(live=True) for _ in range(3)]
            for i in range(n):
                article = stories[i % 3]
                comment = held(article) if i % 3 == 0 else make_comment(article)
                if i % 4 == 1:
                    make_comment(article, parent_id=comment.pk)
                if i % 5 == 2:
                    report(comment)

        counts = []
        for n in (5, 60):
            fill(n)
            moderator_client.get(QUEUE)  # warm per-process caches (content types)
            with CaptureQueriesContext(connection) as queries:
                response = moderator_client.get(QUEUE)
            assert response.status_code == 200
            counts.append(len(queries))
        assert counts[0] == counts[1], counts
        assert counts[1] <= 12, counts


class TestRowButtons:
    @pytest.mark.parametrize(
        ("start", "action", "end", "message"),
        [
            ("held", "approve", Status.VISIBLE, "Comment approved."),
            ("held", "remove", Status.REMOVED, "Comment removed."),
            ("held", "spam", Status.SPAM, "Comment marked as spam."),
            ("visible", "remove", Status.REMOVED, "Comment removed."),
            ("visible", "spam", Status.SPAM, "Comment marked as spam."),
            ("removed", "approve", Status.VISIBLE, "Comment approved."),
        ],
    )
    def test_each_button_decides_and_is_logged(
        self, moderator_client, moderator, story, start, action, end, message
    ):
        comment = {
            "held": lambda: held(story),
            "visible": lambda: make_comment(story),
            "removed": lambda: make_comment(story, is_removed=True),
        }[start]()
        back = f"{QUEUE}?status=waiting&story={story.pk}"
        response = moderator_client.post(moderate_url(comment, action), {"next": back})
        assert response.status_code == 302 and response["Location"] == back
        assert status_of(comment) == end
        decision = Decision.objects.get(comment=comment)
        assert (decision.moderator, decision.action, decision.from_status, decision.to_status) == (
            moderator,
            action,
            start,
            end,
        )
        assert message in messages_of(moderator_client.get(back))

    @pytest.mark.parametrize("before", ["held", "visible"])
    def test_not_spam_restores_what_the_comment_was(self, moderator_client, story, before):
        comment = held(story) if before == "held" else make_comment(story)
        moderator_client.post(moderate_url(comment, "spam"))
        assert status_of(comment) == Status.SPAM
        response = moderator_client.post(moderate_url(comment, "not_spam"), follow=True)
        assert status_of(comment) == before
        assert "Comment marked as not spam." in messages_of(response)
        assert list(Decision.objects.filter(comment=comment).values_list("action", flat=True)) == [
            "not_spam",
            "spam",
        ]

    def test_dismissing_a_report_keeps_the_comment_and_resolves_its_reports(self, moderator_client, story):
        comment = make_comment(story)
        report(comment)
        response = moderator_client.post(moderate_url(comment, "approve"), follow=True)
        assert "Nothing changed: the comment is published." in messages_of(response)
        assert Report.objects.filter(resolved_at__isnull=True).exists()
        response = moderator_client.post(moderate_url(comment, "dismiss"), follow=True)
        assert "Comment kept: report dismissed." in messages_of(response)
        assert status_of(comment) == Status.VISIBLE
        assert not Report.objects.filter(resolved_at__isnull=True).exists()
        decision = Decision.objects.get(comment=comment)
        assert (decision.action, decision.get_action_display()) == ("dismiss", "Report dismissed")

    def test_the_buttons_are_on_each_row_and_fit_its_state(self, moderator_client, story):
        waiting, spam = held(story), make_comment(story, is_removed=True, is_spam=True)
        page = moderator_client.get(QUEUE, {"status": "all"}).content.decode()
        for action in ("approve", "remove", "spam"):
            assert f'formaction="{moderate_url(waiting, action)}" formmethod="post"' in page
        assert f'formaction="{moderate_url(spam, "not_spam")}"' in page
        assert f'formaction="{moderate_url(spam, "approve")}"' not in page
        assert 'name="next" value="/admin/comments/comment/?status=all"' in page

    def test_the_buttons_are_on_the_change_form_too(self, moderator_client, story):
        comment = held(story)
        page = moderator_client.get(f"{QUEUE}{comment.pk}/change/").content.decode()
        for action in ("approve", "remove", "spam"):
            assert f'action="{moderate_url(comment, action)}"' in page
        response = moderator_client.post(
            moderate_url(comment, "approve"), {"next": f"{QUEUE}{comment.pk}/change/"}
        )
        assert response["Location"] == f"{QUEUE}{comment.pk}/change/"
        assert status_of(comment) == Status.VISIBLE

    def test_an_outside_next_address_is_not_followed(self, moderator_client, story):
        comment = held(story)
        response = moderator_client.post(moderate_url(comment, "approve"), {"next": "https://evil.example/"})
        assert response["Location"] == QUEUE

    def test_a_get_is_refused(self, moderator_client, story):
        comment = held(story)
        assert moderator_client.get(moderate_url(comment, "approve")).status_code == 405
        assert status_of(comment) == Status.HELD

    def test_unknown_actions_and_comments_are_not_found(self, moderator_client, story):
        comment = held(story)
        assert moderator_client.post(moderate_url(comment, "delete")).status_code == 404
        assert moderator_client.post(f"{QUEUE}999999/moderate/approve/").status_code == 404
        assert status_of(comment) == Status.HELD

    def test_someone_without_the_moderate_permission_cannot_decide(self, editor_client, client, story):
        comment = held(story)
        assert editor_client.post(moderate_url(comment, "approve")).status_code == 403
        editor_client.logout()
        response = client.post(moderate_url(comment, "approve"))
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
        assert status_of(comment) == Status.HELD and not Decision.objects.exists()

    def test_a_viewer_without_the_moderate_permission_sees_no_buttons(self, client, story):
        viewer = UserFactory(username="viewer")
        viewer.user_permissions.add(*_perms("view_comment"))
        client.force_login(viewer)
        comment = held(story)
        page = client.get(QUEUE).content.decode()
        assert rows(client.get(QUEUE)) == [] and str(comment.comment) in page
        assert "formaction=" not in page and "Approve selected" not in page
        assert client.post(moderate_url(comment, "approve")).status_code == 403


def _perms(*codenames):
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(content_type__app_label="comments", codename__in=codenames)


class TestBulkActions:
    def run(self, client, action, comments, **extra):
        data = {"action": action, ACTION_CHECKBOX_NAME: [c.pk for c in comments], "index": "0"}
        # Actions act on the rows of the list they are run from: here, every comment.
        return client.post(QUEUE + extra.get("query", "?status=all"), data, follow=True)

    def test_approve_remove_spam_and_not_spam(self, moderator_client, moderator, story):
        one, two, three = held(story), held(story), make_comment(story)
        response = self.run(moderator_client, "approve", [one, two])
        assert "2 comments approved." in messages_of(response)
        assert status_of(one) == status_of(two) == Status.VISIBLE
        response = self.run(moderator_client, "remove", [one])
        assert "1 comment removed." in messages_of(response)
        assert status_of(one) == Status.REMOVED
        response = self.run(moderator_client, "mark_spam", [two, three])
        assert "2 comments marked as spam." in messages_of(response)
        assert status_of(two) == status_of(three) == Status.SPAM
        response = self.run(moderator_client, "mark_not_spam", [one, two, three])
        assert "2 comments marked as not spam." in messages_of(response)
        assert status_of(one) == Status.REMOVED
        assert status_of(two) == status_of(three) == Status.VISIBLE
        assert Decision.objects.filter(moderator=moderator).count() == 7

    def test_only_superusers_may_delete(self, client, story):
        client.force_login(UserFactory(username="boss", is_superuser=True))
        comment = held(story)
        assert 'value="delete_selected"' in client.get(QUEUE).content.decode()
        client.post(f"{QUEUE}{comment.pk}/delete/", {"post": "yes"})
        assert not Comment.objects.filter(pk=comment.pk).exists()

    def test_moderators_cannot_delete_comments(self, moderator_client, story):
        comment = held(story)
        page = moderator_client.get(QUEUE).content.decode()
        assert 'value="approve"' in page and 'value="delete_selected"' not in page
        self.run(moderator_client, "delete_selected", [comment])
        assert Comment.objects.filter(pk=comment.pk).exists()
        assert moderator_client.get(f"{QUEUE}{comment.pk}/delete/").status_code == 403
        assert moderator_client.get(f"{QUEUE}add/").status_code == 403


class TestFilters:
    @pytest.fixture
    def queue(self, story):
        other = ArticleFactory(live=True, headline="Ferry timetable changes")
        reported = make_comment(story)
        report(reported)
        return {
            "first_time": held(story),
            "links": make_comment(other, is_public=False, hold_reasons=[HoldReason.LINKS]),
            "reported": reported,
            "visible": make_comment(other),
            "removed": make_comment(story, is_removed=True),
            "spam": make_comment(other, is_removed=True, is_spam=True, hold_reasons=[HoldReason.LINKS]),
            "other": other,
        }

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("waiting", {"first_time", "links", "reported"}),
            ("held", {"first_time", "links"}),
            ("reported", {"reported"}),
            ("visible", {"visible", "reported"}),
            ("removed", {"removed"}),
            ("spam", {"spam"}),
        ],
    )
    def test_by_status(self, moderator_client, queue, value, expected):
        response = moderator_client.get(QUEUE, {"status": value})
        assert set(rows(response)) == {queue[name].pk for name in expected}

    def test_by_story(self, moderator_client, queue, story):
        page = moderator_client.get(QUEUE, {"status": "all"}).content.decode()
        assert "Ferry timetable changes" in page and f"?status=all&amp;story={story.pk}" in page
        response = moderator_client.get(QUEUE, {"story": queue["other"].pk, "status": "all"})
        assert set(rows(response)) == {queue[name].pk for name in ("links", "visible", "spam")}

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("first_time", {"first_time"}),
            ("links", {"links", "spam"}),
            ("reported", {"reported"}),
            ("rate", set()),
        ],
    )
    def test_by_reason(self, moderator_client, queue, value, expected):
        response = moderator_client.get(QUEUE, {"reason": value, "status": "all"})
        assert set(rows(response)) == {queue[name].pk for name in expected}

    def test_the_tabs_show_their_counts(self, moderator_client, queue):
        page = moderator_client.get(QUEUE, {"status": "spam"}).content.decode()
        for tab, n in (
            ("waiting", 3),
            ("reported", 1),
            ("held", 2),
            ("visible", 2),
            ("spam", 1),
            ("removed", 1),
        ):
            assert f'<span class="mod-count" data-count="{tab}">{n}</span>' in page

    def test_search_by_email_and_ip(self, moderator_client, story):
        match = make_comment(story, user_email="someone@harbour.example", ip_address="198.51.100.4")
        make_comment(story)
        assert rows(moderator_client.get(QUEUE, {"q": "harbour.example", "status": "all"})) == [match.pk]
        assert rows(moderator_client.get(QUEUE, {"q": "198.51.100.4", "status": "all"})) == [match.pk]
        assert rows(moderator_client.get(QUEUE, {"q": "198.51.100.4"})) == []  # not waiting


class TestChangeForm:
    def test_shows_everything_and_lets_only_the_text_be_edited(self, moderator_client, story):
        parent = make_comment(story, user_name="Ada Reader", comment="Parent text here.")
        comment = make_comment(
            story,
            parent_id=parent.pk,
            is_public=False,
            hold_reasons=[HoldReason.LINKS],
            user_url="https://bo.example.org",
            comment="Visit https://spam.example now",
        )
        report(comment, note="An advert")
        page = moderator_client.get(f"{QUEUE}{comment.pk}/change/").content.decode()
        assert "Harbour dredging starts in spring" in page and "Ada Reader: Parent text here." in page
        assert "https://bo.example.org" in page and "Many links" in page and "An advert" in page
        assert 'name="comment"' in page
        for field in ("is_public", "is_removed", "is_spam", "user_name", "user_email"):
            assert f'name="{field}"' not in page
        data = {
            "comment": "Visit [link removed] now",
            "is_public": "on",
            "user_name": "Changed",
            **management_form("reports", 1),
            **management_form("decisions", 0),
            "_save": "Save",
        }
        response = moderator_client.post(f"{QUEUE}{comment.pk}/change/", data)
        assert response.status_code == 302
        comment = Comment.objects.get(pk=comment.pk)
        assert comment.comment == "Visit [link removed] now"
        assert comment.status == Status.HELD and comment.user_name != "Changed"

    def test_shows_the_decision_log(self, moderator_client, story):
        comment = held(story)
        moderator_client.post(moderate_url(comment, "approve"))
        page = moderator_client.get(f"{QUEUE}{comment.pk}/change/").content.decode()
        assert "moderation log" in page.lower() and "moderator" in page and "Approved" in page


def management_form(prefix, total):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(total),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


class TestLog:
    def test_the_log_lists_who_did_what_to_which_comment(self, moderator_client, moderator, story):
        comment = held(story, user_name="Bo Quay", comment="Held for a first comment")
        moderator_client.post(moderate_url(comment, "spam"))
        response = moderator_client.get(LOG)
        assert response.status_code == 200
        page = response.content.decode()
        assert "Marked as spam" in page and "Held → Spam" in page and ">moderator<" in page
        assert f'<a href="{QUEUE}{comment.pk}/change/">Bo Quay: Held for a first comment</a>' in page
        assert moderator_client.get(LOG, {"action": "spam"}).status_code == 200
        assert moderator_client.get(f"{LOG}add/").status_code == 403

    def test_the_log_cannot_be_changed_or_deleted(self, moderator_client, story):
        comment = held(story)
        moderator_client.post(moderate_url(comment, "approve"))
        decision = Decision.objects.get()
        page = moderator_client.get(f"{LOG}{decision.pk}/change/").content.decode()
        assert 'name="_save"' not in page
        assert moderator_client.get(f"{LOG}{decision.pk}/delete/").status_code == 403

    def test_reports_are_listed(self, moderator_client, story):
        comment = make_comment(story, user_name="Bo Quay")
        report(comment, note="Rude to another reader")
        page = moderator_client.get("/admin/comments/report/").content.decode()
        assert "Rude to another reader" in page and "Abusive or hateful" in page
        assert f'href="{QUEUE}{comment.pk}/change/"' in page

    @pytest.mark.parametrize("url", [LOG, "/admin/comments/report/"])
    def test_the_lists_query_count_does_not_grow_with_the_rows(self, moderator_client, story, url):
        counts = []
        for n in (3, 30):
            for i in range(n):
                comment = held(story)
                report(comment, key=f"ip:{n}-{i}")
                moderator_client.post(moderate_url(comment, "approve"))
            moderator_client.get(url)
            with CaptureQueriesContext(connection) as queries:
                assert moderator_client.get(url).status_code == 200
            counts.append(len(queries))
        assert counts[0] == counts[1] <= 11, counts  # 11: with the waiting badge's count

    def test_moderators_keep_the_blocklist(self, moderator_client):
        response = moderator_client.post(
            "/admin/comments/blockedterm/add/", {"term": "  CheapPills ", "kind": "word", "note": "spam wave"}
        )
        assert response.status_code == 302
        page = moderator_client.get("/admin/comments/blockedterm/").content.decode()
        assert "cheappills" in page and "spam wave" in page
