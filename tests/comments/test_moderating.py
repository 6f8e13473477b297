"""The moderators' services (comments/moderating.py) and whom bans and trusts catch (comments/people.py)."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from comments import moderating, people, services
from comments.forms import CommentForm
from comments.models import Comment, CommenterRule, Decision, HoldReason, RemovalReason, Report, Status
from tests.comments.conftest import form_data, text_of
from tests.comments.helpers import make_comment
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

A = Decision.Action


@pytest.fixture
def moderator(db):
    return UserFactory(username="moderator", role="Moderator", email="desk@example.org")


@pytest.fixture(params=["Editor", "Reporter"])
def outsider(request, db):
    return UserFactory(role=request.param)


def held(story, **fields):
    return make_comment(story, is_public=False, hold_reasons=[HoldReason.FIRST_TIME], **fields)


def report(comment, key="ip:one"):
    return Report.objects.create(comment=comment, reporter_key=key, reason=Report.Reason.ABUSE)


def status(comment) -> str:
    return Comment.objects.get(pk=comment.pk).status


def moderate(comment, action, moderator, **kwargs):
    return moderating.comment_moderate(comments=[comment], action=action, moderator=moderator, **kwargs)


def rule(kind, match, value, moderator, **kwargs) -> CommenterRule:
    return moderating.commenter_rule_create(
        kind=kind, match=match, value=value, moderator=moderator, **kwargs
    )


class TestModerate:
    @pytest.mark.parametrize(
        ("start", "action", "end"),
        [
            ({"is_public": False}, A.APPROVE, Status.VISIBLE),
            ({"is_public": False}, A.REMOVE, Status.REMOVED),
            ({}, A.SPAM, Status.SPAM),
            ({"is_removed": True}, A.APPROVE, Status.VISIBLE),
        ],
    )
    def test_each_decision_changes_the_comment_and_is_logged(self, story, moderator, start, action, end):
        comment = make_comment(story, **start)
        before = status(comment)
        (decision,) = moderate(comment, action, moderator)
        assert status(comment) == end
        assert (decision.action, decision.from_status, decision.to_status) == (action, before, end)
        assert Decision.objects.get(comment=comment).moderator == moderator

    def test_not_spam_puts_it_back_where_it_was(self, story, moderator):
        published, waiting = make_comment(story), held(story)
        moderating.comment_moderate(comments=[published, waiting], action=A.SPAM, moderator=moderator)
        moderating.comment_moderate(comments=[published, waiting], action=A.NOT_SPAM, moderator=moderator)
        assert (status(published), status(waiting)) == (Status.VISIBLE, Status.HELD)
        assert moderate(published, A.NOT_SPAM, moderator) == []  # not spam now: nothing to do

    def test_what_would_change_nothing_is_skipped(self, story, moderator):
        comment = make_comment(story)
        assert moderate(comment, A.APPROVE, moderator) == []
        assert moderate(comment, A.DISMISS, moderator) == []  # no report to dismiss
        assert not Decision.objects.exists()

    def test_dismiss_resolves_the_reports_and_leaves_the_comment(self, story, moderator):
        comment = make_comment(story)
        report(comment), report(comment, key="ip:two")
        (decision,) = moderate(comment, A.DISMISS, moderator)
        assert status(comment) == Status.VISIBLE and decision.get_action_display() == "Report dismissed"
        assert not comment.reports.filter(resolved_at=None).exists()
        assert not Comment.objects.reported().exists()

    def test_every_decision_resolves_the_open_reports(self, story, moderator):
        comment = make_comment(story)
        report(comment)
        moderate(comment, A.REMOVE, moderator)
        assert comment.reports.get().resolved_at is not None

    def test_the_story_count_follows(self, story, moderator):
        comment = held(story)
        moderate(comment, A.APPROVE, moderator)
        story.refresh_from_db()
        assert story.comment_count == 1

    def test_an_unknown_action_is_refused(self, story, moderator):
        with pytest.raises(ValueError, match="No such moderation action"):
            moderate(make_comment(story), "delete", moderator)

    def test_an_editor_or_reporter_or_nobody_decides_nothing(self, story, outsider):
        comment = held(story)
        for who in (outsider, None):
            with pytest.raises(PermissionDenied):
                moderate(comment, A.APPROVE, who)
        assert status(comment) == Status.HELD and not Decision.objects.exists()


class TestRemovalWithAReason:
    def test_the_reason_is_logged_and_mailed_when_asked(
        self, story, moderator, django_capture_on_commit_callbacks
    ):
        comment = make_comment(story, user_email="ada@example.org")
        reason = RemovalReason.objects.get(label="Personal data")
        with django_capture_on_commit_callbacks(execute=True):
            (decision,) = moderate(comment, A.REMOVE, moderator, reason=reason, notify=True)
        assert decision.reason == reason and decision.mailed
        (message,) = mail.outbox
        assert message.to == ["ada@example.org"] and message.subject == "Your comment was removed"
        assert "Why: Personal data" in message.body and reason.explanation in message.body
        assert f'"{story.headline}"' in message.body

    def test_without_notify_it_is_logged_and_not_mailed(
        self, story, moderator, django_capture_on_commit_callbacks
    ):
        reason = RemovalReason.objects.get(label="Abuse")
        with django_capture_on_commit_callbacks(execute=True):
            (decision,) = moderate(make_comment(story), A.REMOVE, moderator, reason=reason)
        assert decision.reason == reason and not decision.mailed and not mail.outbox

    def test_notify_without_a_reason_mails_nothing(
        self, story, moderator, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            (decision,) = moderate(make_comment(story), A.REMOVE, moderator, notify=True)
        assert decision.reason is None and not decision.mailed and not mail.outbox

    def test_a_reason_goes_only_with_a_removal(self, story, moderator, django_capture_on_commit_callbacks):
        reason = RemovalReason.objects.get(label="Spam")
        with django_capture_on_commit_callbacks(execute=True):
            (decision,) = moderate(held(story), A.SPAM, moderator, reason=reason, notify=True)
        assert decision.reason is None and not decision.mailed and not mail.outbox


class TestUndo:
    def test_undo_puts_the_comment_back_and_reopens_its_reports(self, story, moderator):
        comment = make_comment(story)
        report(comment)
        (decision,) = moderate(comment, A.REMOVE, moderator)
        undo = moderating.decision_undo(decision=decision, moderator=moderator)
        assert status(comment) == Status.VISIBLE and comment.reports.get().resolved_at is None
        assert (undo.action, undo.from_status, undo.to_status) == (A.UNDO, Status.REMOVED, Status.VISIBLE)
        assert undo.note.startswith("Undid “Removed” of ")

    def test_only_the_latest_decision_while_the_comment_is_as_it_left_it(self, story, moderator):
        comment = held(story)
        (first,) = moderate(comment, A.APPROVE, moderator)
        (second,) = moderate(comment, A.REMOVE, moderator)
        assert moderating.decision_undo(decision=first, moderator=moderator) is None
        Comment.objects.filter(pk=comment.pk).update(is_spam=True)  # changed since, some other way
        assert moderating.decision_undo(decision=second, moderator=moderator) is None
        assert not Decision.objects.filter(action=A.UNDO).exists()

    def test_a_ban_is_not_undone_but_lifted(self, moderator):
        ban = rule("ban", "email", "ada@example.org", moderator)
        assert moderating.decision_undo(decision=ban.decisions.get(), moderator=moderator) is None

    def test_an_outsider_undoes_nothing(self, story, moderator, outsider):
        (decision,) = moderate(held(story), A.APPROVE, moderator)
        with pytest.raises(PermissionDenied):
            moderating.decision_undo(decision=decision, moderator=outsider)


class TestStaffReply:
    def test_a_reply_is_published_as_staff_and_logged(self, story, moderator):
        parent = make_comment(story)
        reply = moderating.comment_staff_reply(
            parent=parent, text="  Thanks, we corrected it.  ", moderator=moderator
        )
        assert reply.is_visible and reply.by_staff and reply.parent_id == parent.pk
        assert reply.comment == "Thanks, we corrected it." and reply.user == moderator
        decision = Decision.objects.get(action=A.REPLY)
        assert decision.comment == reply and decision.note == f"In reply to comment {parent.pk}"

    def test_at_the_deepest_level_it_goes_beside_the_comment(self, story, moderator, settings):
        settings.COMMENTS_MAX_DEPTH = 2
        top = make_comment(story)
        child = make_comment(story, parent_id=top.pk)
        child.refresh_from_db()
        reply = moderating.comment_staff_reply(parent=child, text="Beside it.", moderator=moderator)
        assert reply.parent_id == top.pk and reply.replied_to_id == child.pk

    @pytest.mark.parametrize(
        ("text", "fields", "message"),
        [
            ("   ", {}, "Write a reply first."),
            ("x" * 3001, {}, "Keep the reply under 3000 characters."),
            ("Hello", {"is_public": False}, "Approve the comment before replying"),
            ("Hello", {"is_removed": True}, "Approve the comment before replying"),
        ],
    )
    def test_bad_input_is_a_validation_error(self, story, moderator, text, fields, message):
        parent = make_comment(story, **fields)
        with pytest.raises(ValidationError, match=message):
            moderating.comment_staff_reply(parent=parent, text=text, moderator=moderator)
        assert Comment.objects.count() == 1

    def test_an_outsider_cannot_reply_as_staff(self, story, outsider):
        with pytest.raises(PermissionDenied):
            moderating.comment_staff_reply(parent=make_comment(story), text="Hello", moderator=outsider)


class TestRules:
    @pytest.mark.parametrize(
        ("match", "value", "stored"),
        [
            ("email", " Ada@Example.ORG ", "ada@example.org"),
            ("domain", "someone@WWW.Example.org", "example.org"),
            ("ip", "203.0.113.9", "203.0.113.9"),
            ("ip", "2001:DB8::1", "2001:db8::1"),
            ("network", "203.0.113.9/24", "203.0.113.0/24"),
        ],
    )
    def test_values_are_stored_in_their_normal_form_and_logged(self, moderator, match, value, stored):
        made = rule("ban", match, value, moderator, note=" spam run ")
        assert made.value == stored and made.note == "spam run" and made.created_by == moderator
        decision = Decision.objects.get()
        assert (decision.action, decision.rule, decision.comment) == (A.BAN, made, None)
        assert decision.note.endswith(f"{stored} (spam run)")

    def test_a_trust_with_an_expiry_says_so_in_the_log(self, moderator):
        until = timezone.now() + timedelta(days=7)
        made = rule("trust", "email", "ada@example.org", moderator, expires_at=until)
        decision = made.decisions.get()
        assert decision.action == A.TRUST and " until " in decision.note

    @pytest.mark.parametrize(
        ("kind", "match", "value", "message"),
        [
            ("ban", "email", "ada@", "valid email"),
            ("ban", "domain", "localhost", "Enter an email domain"),
            ("ban", "ip", "300.1.1.1", "Enter an IP address"),
            ("ban", "network", "10.0.0.0/4", "too wide"),
            ("ban", "network", "2001:db8::/16", "too wide"),
            ("ban", "network", "nonsense", "Enter a network"),
            ("ban", "email", "   ", "Enter what to match."),
            ("ban", "phone", "123", "Choose email, domain, IP or network."),
            ("block", "email", "ada@example.org", "Choose ban or trust."),
        ],
    )
    def test_a_bad_value_is_a_validation_error(self, moderator, kind, match, value, message):
        with pytest.raises(ValidationError, match=message):
            rule(kind, match, value, moderator)
        assert not CommenterRule.objects.exists() and not Decision.objects.exists()

    def test_an_expiry_in_the_past_is_refused(self, moderator):
        with pytest.raises(ValidationError, match="in the future"):
            rule(
                "ban", "email", "ada@example.org", moderator, expires_at=timezone.now() - timedelta(seconds=1)
            )

    def test_lift_ends_it_once_and_logs_it(self, moderator):
        made = rule("ban", "ip", "203.0.113.9", moderator)
        assert moderating.commenter_rule_lift(rule=made, moderator=moderator) is True
        assert moderating.commenter_rule_lift(rule=made, moderator=moderator) is False
        made.refresh_from_db()
        assert made.lifted_by == moderator and not made.is_active
        assert [d.action for d in made.decisions.order_by("pk")] == [A.BAN, A.LIFT]

    def test_an_outsider_neither_bans_nor_lifts(self, moderator, outsider):
        with pytest.raises(PermissionDenied):
            rule("ban", "email", "ada@example.org", outsider)
        made = rule("ban", "email", "ada@example.org", moderator)
        with pytest.raises(PermissionDenied):
            moderating.commenter_rule_lift(rule=made, moderator=outsider)
        assert CommenterRule.objects.active().count() == 1


class TestWhomARuleCatches:
    def test_a_network_catches_an_address_in_it(self, moderator):
        rule("ban", "network", "203.0.113.0/24", moderator)
        assert people.verdict(email="a@example.org", ip="203.0.113.9", proven=False) == "ban"
        assert people.verdict(email="a@example.org", ip="203.0.114.9", proven=False) is None
        assert people.verdict(email="a@example.org", ip=None, proven=False) is None
        assert people.verdict(email="a@example.org", ip="garbage", proven=False) is None

    def test_a_domain_catches_its_subdomains_and_nothing_that_merely_ends_alike(self, moderator):
        rule("ban", "domain", "spam.example", moderator)
        assert people.verdict(email="x@mail.spam.example", ip=None, proven=False) == "ban"
        assert people.verdict(email="X@SPAM.example", ip=None, proven=False) == "ban"
        assert people.verdict(email="x@notspam.example", ip=None, proven=False) is None

    def test_an_ip_and_an_email(self, moderator):
        rule("ban", "ip", "2001:db8::1", moderator)
        rule("ban", "email", "ada@example.org", moderator)
        assert people.verdict(email="b@example.org", ip="2001:0db8::0001", proven=False) == "ban"
        assert people.verdict(email="ADA@example.org", ip="192.0.2.1", proven=True) == "ban"

    def test_an_expired_ban_does_not_apply(self, moderator):
        with time_machine.travel(timezone.now() - timedelta(days=2)):
            rule("ban", "email", "ada@example.org", moderator, expires_at=timezone.now() + timedelta(days=1))
        assert people.verdict(email="ada@example.org", ip=None, proven=False) is None

    def test_a_lifted_ban_does_not_apply(self, moderator):
        made = rule("ban", "email", "ada@example.org", moderator)
        moderating.commenter_rule_lift(rule=made, moderator=moderator)
        assert people.verdict(email="ada@example.org", ip=None, proven=False) is None

    def test_a_trust_by_email_or_domain_counts_only_for_a_proven_address(self, moderator):
        rule("trust", "email", "ada@example.org", moderator)
        rule("trust", "domain", "newsroom.example", moderator)
        for email in ("ada@example.org", "reporter@newsroom.example"):
            assert people.verdict(email=email, ip=None, proven=False) is None
            assert people.verdict(email=email, ip=None, proven=True) == "trust"

    def test_a_trust_by_ip_or_network_needs_no_proof(self, moderator):
        rule("trust", "ip", "198.51.100.4", moderator)
        rule("trust", "network", "192.0.2.0/24", moderator)
        assert people.verdict(email="a@example.org", ip="198.51.100.4", proven=False) == "trust"
        assert people.verdict(email="a@example.org", ip="192.0.2.200", proven=False) == "trust"

    def test_a_ban_wins_over_a_trust(self, moderator):
        rule("trust", "ip", "198.51.100.4", moderator)
        rule("ban", "email", "ada@example.org", moderator)
        assert people.verdict(email="ada@example.org", ip="198.51.100.4", proven=True) == "ban"


def submit(story, ip: str, **fields) -> services.Outcome:
    form = CommentForm(story, data=form_data(story, **fields))
    assert form.is_valid(), form.errors
    return services.comment_submit(form=form, ip=ip)


class TestABannedOrTrustedCommenterPosts:
    def test_a_banned_comment_goes_to_spam_and_its_author_is_told_it_awaits(
        self, story, moderator, settings, django_capture_on_commit_callbacks
    ):
        settings.COMMENTS_CONFIRM_EMAIL = True  # not even a confirmation mail: nothing tells them
        rule("ban", "network", "203.0.113.0/24", moderator)
        with django_capture_on_commit_callbacks(execute=True):
            outcome = submit(story, "203.0.113.9", email="ada@example.org")
        assert outcome.state == services.HELD
        comment = outcome.comment
        assert comment.status == Status.SPAM and comment.hold_reasons == [HoldReason.BANNED]
        assert not mail.outbox  # no moderators' mail, no confirmation
        assert not Comment.objects.visible().exists() and not Comment.objects.waiting().exists()
        story.refresh_from_db()
        assert story.comment_count == 0

    def test_through_the_form_the_reader_reads_awaiting_moderation(self, story, moderator, post):
        rule("ban", "email", "ada@example.org", moderator)
        response = post(story, follow=True)
        assert "your comment is awaiting moderation" in text_of(response)
        assert Comment.objects.get().status == Status.SPAM

    def test_a_trusted_ip_skips_the_first_time_hold(self, story, moderator, settings):
        settings.COMMENTS_CONFIRM_EMAIL = False
        rule("trust", "ip", "198.51.100.4", moderator)
        assert submit(story, "198.51.100.4", email="new@example.org").state == services.PUBLISHED
        assert submit(story, "198.51.100.5", email="new2@example.org").state == services.HELD

    def test_a_trusted_address_unproven_is_held_as_anyone_s_first(self, story, moderator, settings):
        settings.COMMENTS_CONFIRM_EMAIL = False
        rule("trust", "email", "ada@example.org", moderator)
        outcome = submit(story, "192.0.2.1", email="ada@example.org")
        assert outcome.state == services.HELD and outcome.comment.hold_reasons == [HoldReason.FIRST_TIME]

    def test_a_moderator_s_reply_is_never_caught_by_a_ban(self, story, moderator):
        rule("ban", "email", moderator.email, moderator)
        parent = make_comment(story)
        reply = moderating.comment_staff_reply(parent=parent, text="From the desk.", moderator=moderator)
        assert reply.is_visible
