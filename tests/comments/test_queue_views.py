"""The queue's decision views: one button on one comment, its undo, as a redirect or as JSON.

The JSON is what static/js/moderation.js reads (the contract of issue 16):
{"ok", "comment", "status", "message", "undo", "counts"}.
"""

import re

import pytest
from django.core import mail

from comments.models import Comment, Decision, HoldReason, RemovalReason, Report, Status
from tests.comments.helpers import make_comment
from tests.factories import ArticleFactory, SectionFactory, UserFactory

pytestmark = pytest.mark.django_db

QUEUE = "/admin/comments/comment/"
JSON = {"HTTP_ACCEPT": "application/json"}
COUNT_KEYS = {"waiting", "reported", "held", "visible", "spam", "removed", "all"}


def held(article, **fields):
    return make_comment(article, is_public=False, hold_reasons=[HoldReason.FIRST_TIME], **fields)


def moderate(comment, action):
    return f"{QUEUE}{comment.pk}/moderate/{action}/"


def status_of(comment) -> str:
    return Comment.objects.get(pk=comment.pk).status


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


class TestJson:
    def test_a_decision_answers_its_outcome_the_undo_address_and_the_counts(self, moderator_client, story):
        comment, other = held(story), held(story)
        response = moderator_client.post(moderate(comment, "approve"), {"next": QUEUE}, **JSON)
        assert response.status_code == 200 and response["Content-Type"] == "application/json"
        body = response.json()
        decision = Decision.objects.get(comment=comment)
        assert body == {
            "ok": True,
            "comment": comment.pk,
            "status": "visible",
            "message": "Comment approved.",
            "undo": f"{QUEUE}undo/{decision.pk}/",
            "counts": body["counts"],
        }
        assert set(body["counts"]) == COUNT_KEYS
        assert (body["counts"]["waiting"], body["counts"]["held"], body["counts"]["visible"]) == (1, 1, 1)
        assert status_of(other) == Status.HELD

    def test_the_counts_are_for_the_queue_the_button_was_on(self, moderator_client, story):
        other = ArticleFactory(live=True)
        comment = held(story)
        held(other)
        held(other)
        body = moderator_client.post(
            moderate(comment, "spam"), {"next": f"{QUEUE}?story={story.pk}"}, **JSON
        ).json()
        assert (body["counts"]["waiting"], body["counts"]["spam"], body["counts"]["all"]) == (0, 1, 1)
        body = moderator_client.post(moderate(comment, "not_spam"), {"next": QUEUE}, **JSON).json()
        assert (body["status"], body["counts"]["waiting"], body["counts"]["all"]) == ("held", 3, 3)

    def test_nothing_to_change_is_not_ok_and_offers_no_undo(self, moderator_client, story):
        comment = make_comment(story)
        body = moderator_client.post(moderate(comment, "approve"), **JSON).json()
        assert body["ok"] is False and body["undo"] is None and body["status"] == "visible"
        assert body["message"] == "Nothing changed: the comment is published."
        assert not Decision.objects.exists()

    def test_undo_puts_the_comment_back_and_reopens_its_reports(self, moderator_client, story):
        comment = make_comment(story)
        Report.objects.create(comment=comment, reporter_key="ip:1")
        undo = moderator_client.post(moderate(comment, "remove"), **JSON).json()["undo"]
        assert status_of(comment) == Status.REMOVED
        body = moderator_client.post(undo, {"next": QUEUE}, **JSON).json()
        assert body["ok"] is True and body["status"] == "visible" and body["undo"] is None
        assert body["message"] == "Undone: the comment is published again."
        assert body["counts"]["reported"] == 1 and status_of(comment) == Status.VISIBLE
        assert Decision.objects.filter(comment=comment, action="undo").count() == 1
        again = moderator_client.post(undo, **JSON).json()
        assert again["ok"] is False and again["message"] == "Too late to undo: the comment has changed since."

    @pytest.mark.parametrize(
        ("url", "status", "message"),
        [
            (f"{QUEUE}{{pk}}/moderate/delete/", 404, "No such moderation action."),
            (f"{QUEUE}999999/moderate/approve/", 404, "No such comment: it may have been deleted."),
            (f"{QUEUE}undo/999999/", 404, "No such decision on a comment."),
        ],
    )
    def test_bad_addresses_answer_json_errors(self, moderator_client, story, url, status, message):
        comment = held(story)
        response = moderator_client.post(url.format(pk=comment.pk), **JSON)
        assert response.status_code == status
        assert response.json() == {"ok": False, "message": message}
        assert status_of(comment) == Status.HELD


class TestRemove:
    def test_a_reason_is_logged_and_mailed_when_asked(
        self, moderator_client, story, django_capture_on_commit_callbacks
    ):
        comment = held(story, user_email="bo@example.org")
        reason = RemovalReason.objects.get(label="Off topic")
        with django_capture_on_commit_callbacks(execute=True):
            body = moderator_client.post(
                moderate(comment, "remove"), {"reason": reason.pk, "notify": "1"}, **JSON
            ).json()
        assert body["message"] == "Comment removed (Off topic); the commenter will be told by email."
        decision = Decision.objects.get(comment=comment)
        assert (decision.reason, decision.mailed) == (reason, True)
        assert [m.to for m in mail.outbox] == [["bo@example.org"]]

    def test_without_notify_or_an_address_nobody_is_mailed(
        self, moderator_client, story, django_capture_on_commit_callbacks
    ):
        reason = RemovalReason.objects.get(label="Abuse")
        quiet, nameless = held(story), held(story, user_email="")
        with django_capture_on_commit_callbacks(execute=True):
            moderator_client.post(moderate(quiet, "remove"), {"reason": reason.pk})
            response = moderator_client.post(
                moderate(nameless, "remove"), {"reason": reason.pk, "notify": "1"}, follow=True
            )
        assert "Comment removed (Abuse)." in messages_of(response)
        assert not mail.outbox
        assert list(Decision.objects.values_list("mailed", flat=True)) == [False, False]

    def test_no_reason_is_a_plain_removal(self, moderator_client, story):
        comment = held(story)
        body = moderator_client.post(moderate(comment, "remove"), {"reason": ""}, **JSON).json()
        assert body["message"] == "Comment removed."
        assert Decision.objects.get(comment=comment).reason is None

    def test_telling_the_commenter_without_a_reason_is_refused_and_changes_nothing(
        self, moderator_client, story
    ):
        comment = held(story)
        response = moderator_client.post(moderate(comment, "remove"), {"reason": "", "notify": "1"}, **JSON)
        assert response.status_code == 400
        assert response.json()["message"] == "Choose a reason to tell the commenter why it was removed."
        assert status_of(comment) == Status.HELD and not Decision.objects.exists() and not mail.outbox

    @pytest.mark.parametrize("value", ["999999", "abc", "retired"])
    def test_a_reason_not_offered_is_refused_with_a_message(self, moderator_client, story, value):
        comment = held(story)
        retired = RemovalReason.objects.create(label="Old rule", explanation="x", is_active=False)
        value = str(retired.pk) if value == "retired" else value
        response = moderator_client.post(moderate(comment, "remove"), {"reason": value})
        assert response.status_code == 400
        assert "That removal reason is not offered: choose one from the list." in response.content.decode()
        response = moderator_client.post(moderate(comment, "remove"), {"reason": value}, **JSON)
        assert response.status_code == 400 and response.json()["ok"] is False
        assert status_of(comment) == Status.HELD and not Decision.objects.exists()


class TestWithoutJavaScript:
    def test_the_message_carries_an_undo_button_that_works(self, moderator_client, story):
        comment = held(story)
        back = f"{QUEUE}?status=held"
        response = moderator_client.post(moderate(comment, "approve"), {"next": back}, follow=True)
        page = response.content.decode()
        decision = Decision.objects.get(comment=comment)
        undo = f"{QUEUE}undo/{decision.pk}/"
        assert "Comment approved." in page
        assert re.search(rf'<form method="post" action="{undo}" class="mod-undo">', page)
        assert 'name="next" value="/admin/comments/comment/?status=held">Undo</button>' in page
        response = moderator_client.post(undo, {"next": back})
        assert response.status_code == 302 and response["Location"] == back
        assert status_of(comment) == Status.HELD
        assert "Undone: the comment is held again." in messages_of(moderator_client.get(back))

    def test_a_dismissed_report_is_logged_as_such(self, moderator_client, story):
        comment = make_comment(story)
        Report.objects.create(comment=comment, reporter_key="ip:1")
        moderator_client.post(moderate(comment, "dismiss"))
        page = moderator_client.get("/admin/comments/decision/").content.decode()
        assert "Report dismissed" in page and status_of(comment) == Status.VISIBLE

    def test_bad_addresses_are_not_found(self, moderator_client, story):
        comment = held(story)
        assert moderator_client.post(moderate(comment, "publish")).status_code == 404
        assert moderator_client.post(f"{QUEUE}999999/moderate/spam/").status_code == 404
        assert moderator_client.post(f"{QUEUE}undo/999999/").status_code == 404
        ban = Decision.objects.create(action="ban", note="a rule, not a comment")
        assert moderator_client.post(f"{QUEUE}undo/{ban.pk}/").status_code == 404

    def test_gets_are_refused(self, moderator_client, story):
        comment = held(story)
        assert moderator_client.get(moderate(comment, "remove")).status_code == 405
        moderator_client.post(moderate(comment, "approve"))
        decision = Decision.objects.get()
        assert moderator_client.get(f"{QUEUE}undo/{decision.pk}/").status_code == 405
        assert status_of(comment) == Status.VISIBLE


class TestRoles:
    @pytest.fixture
    def decided(self, story, moderator):
        comment = held(story)
        Comment.objects.filter(pk=comment.pk).update(is_public=True)
        return comment, Decision.objects.create(
            comment=comment, moderator=moderator, action="approve", from_status="held", to_status="visible"
        )

    @pytest.mark.parametrize("role", ["Editor", "Reporter"])
    def test_only_moderators_decide_or_undo(self, client, decided, role):
        comment, decision = decided
        client.force_login(UserFactory(username=role.lower(), role=role))
        for url in (moderate(comment, "remove"), moderate(comment, "spam"), f"{QUEUE}undo/{decision.pk}/"):
            assert client.post(url).status_code == 403
            assert client.post(url, **JSON).status_code == 403
        assert status_of(comment) == Status.VISIBLE and Decision.objects.count() == 1

    def test_anonymous_visitors_are_sent_to_sign_in(self, client, decided):
        comment, decision = decided
        for url in (moderate(comment, "remove"), f"{QUEUE}undo/{decision.pk}/"):
            response = client.post(url)
            assert response.status_code == 302 and "/admin/login/" in response["Location"]
        assert status_of(comment) == Status.VISIBLE and Decision.objects.count() == 1


class TestBulk:
    def test_dismiss_reports_on_the_selection(self, moderator_client, story):
        reported, plain = make_comment(story), make_comment(story)
        Report.objects.create(comment=reported, reporter_key="ip:1")
        data = {"action": "dismiss_reports", "_selected_action": [reported.pk, plain.pk], "index": "0"}
        response = moderator_client.post(f"{QUEUE}?status=all", data, follow=True)
        assert "1 comment kept: reports dismissed." in messages_of(response)
        assert not Report.objects.filter(resolved_at=None).exists()
        assert list(Decision.objects.values_list("comment", "action")) == [(reported.pk, "dismiss")]

    def test_a_section_queue_acts_on_its_own_rows(self, moderator_client):
        desk = SectionFactory(slug="harbour")
        inside = held(ArticleFactory(live=True, section=desk))
        outside = held(ArticleFactory(live=True))
        data = {"action": "approve", "_selected_action": [inside.pk, outside.pk], "index": "0"}
        moderator_client.post(f"{QUEUE}?section=harbour", data)
        assert (status_of(inside), status_of(outside)) == (Status.VISIBLE, Status.HELD)
