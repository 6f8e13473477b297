"""The people behind the comments, in the admin: a commenter's history, bans and trusts, removal reasons."""

import html
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.utils import timezone

from comments import moderating, people
from comments.models import CommenterRule, Decision, RemovalReason, Report
from tests.comments.helpers import make_comment
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

HISTORY = "/admin/comments/comment/commenter/"
RULES = "/admin/comments/commenterrule/"
REASONS = "/admin/comments/removalreason/"
ADA = "ada@news.example.org"


@pytest.fixture
def moderator(db):
    return UserFactory(username="moderator", role="Moderator")


@pytest.fixture
def as_role(client):
    def _as(role):
        client.force_login(UserFactory(role=role))
        return client

    return _as


@pytest.fixture
def mod(client, moderator):
    client.force_login(moderator)
    return client


def page_of(response) -> str:
    return html.unescape(response.content.decode())


def links(response, selector_class: str) -> list[str]:
    pattern = rf'<a class="{selector_class}" href="([^"]+)"'
    return [html.unescape(h) for h in re.findall(pattern, response.content.decode())]


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def ban(match, value, moderator, **fields) -> CommenterRule:
    return moderating.commenter_rule_create(
        kind="ban", match=match, value=value, moderator=moderator, **fields
    )


@pytest.fixture
def ada(story):
    """Ada's comments in every state, from two IPs; Bo wrote from one of them."""
    other = ArticleFactory(live=True, headline="Ferry timetable changes")
    comments = [
        make_comment(story, user_email=ADA, user_name="Ada Reader", ip_address="203.0.113.9"),
        make_comment(other, user_email=ADA.upper(), user_name="Ada R.", ip_address="198.51.100.4"),
        make_comment(story, user_email=ADA, user_name="Ada Reader", is_public=False),
        make_comment(story, user_email=ADA, user_name="Ada Reader", is_removed=True),
        make_comment(story, user_email=ADA, user_name="Ada Reader", is_removed=True, is_spam=True),
    ]
    make_comment(story, user_email="bo@example.org", user_name="Bo", ip_address="203.0.113.9")
    make_comment(story, user_email="cy@example.org", user_name="Cy", ip_address="192.0.2.77")
    return comments


class TestHistory:
    def test_counts_per_state_each_a_link_to_the_queue_for_that_address(self, mod, ada):
        response = mod.get(HISTORY, {"email": ADA})
        assert response.status_code == 200
        counts = re.findall(
            r'<a href="([^"]+)" data-status="(\w+)"><strong>(\d+)</strong>', response.content.decode()
        )
        assert [(status, int(n)) for _, status, n in counts] == [
            ("visible", 2), ("held", 1), ("removed", 1), ("spam", 1),
        ]  # fmt: skip
        url = html.unescape(counts[0][0])
        assert url.startswith("/admin/comments/comment/?")
        assert query(url) == {"q": ADA, "status": "visible"}

    def test_their_comments_names_ips_and_the_other_addresses_from_those_ips(self, mod, ada):
        response = mod.get(HISTORY, {"email": "Ada@News.Example.org"})
        text = page_of(response)
        rows = [int(pk) for pk in re.findall(r'<tr data-comment="(\d+)"', text)]
        assert sorted(rows) == sorted(c.pk for c in ada)  # all five, not Bo's or Cy's
        assert links(response, "commenter-comment")[0].startswith(f"/admin/comments/comment/{rows[0]}/")
        assert "Ferry timetable changes" in text and "Ada R." in text
        assert re.search(r"<li>203\.0\.113\.9 <a class=\"button\"", text)
        assert "198.51.100.4" in text
        others = re.search(r'id="commenter-others">(.*?)</section>', text, re.S).group(1)
        assert "bo@example.org" in others and "cy@example.org" not in others
        assert f"{HISTORY}?email=bo%40example.org" in response.content.decode()

    def test_only_the_latest_fifty_newest_first(self, mod, story):
        start = timezone.now() - timedelta(days=1)
        made = [
            make_comment(story, user_email=ADA, submit_date=start + timedelta(minutes=n)) for n in range(55)
        ]
        response = mod.get(HISTORY, {"email": ADA})
        rows = [int(pk) for pk in re.findall(r'<tr data-comment="(\d+)"', response.content.decode())]
        assert rows == [c.pk for c in reversed(made)][:50]
        assert "Latest comments (50 of 55)" in page_of(response)

    def test_a_page_of_history_takes_a_fixed_number_of_queries(
        self, mod, ada, django_assert_max_num_queries, story
    ):
        for n in range(60):
            make_comment(ArticleFactory(live=True), user_email=ADA, ip_address=f"192.0.2.{n}")
        ban("email", ADA, UserFactory(role="Moderator"))
        with django_assert_max_num_queries(16):
            response = mod.get(HISTORY, {"email": ADA})
        assert response.status_code == 200

    def test_the_matching_active_bans_and_trusts(self, mod, moderator, ada):
        shown = [
            ban("email", ADA, moderator),
            ban("network", "203.0.113.0/24", moderator, note="the Tuesday flood"),
            moderating.commenter_rule_create(
                kind="trust", match="domain", value="example.org", moderator=moderator
            ),
        ]
        lifted = ban("ip", "198.51.100.4", moderator)
        moderating.commenter_rule_lift(rule=lifted, moderator=moderator)
        expired = ban("ip", "203.0.113.9", moderator, expires_at=timezone.now() + timedelta(minutes=1))
        CommenterRule.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
        ban("network", "10.0.0.0/8", moderator)  # none of Ada's IPs
        ban("email", "bo@example.org", moderator)
        found = re.findall(
            r"/admin/comments/commenterrule/(\d+)/change/", mod.get(HISTORY, {"email": ADA}).content.decode()
        )
        assert sorted(map(int, found)) == sorted(rule.pk for rule in shown)
        assert {r.pk for r in people.commenter_history(email=ADA).rules} == {r.pk for r in shown}

    def test_a_moderator_gets_the_buttons_each_a_filled_in_form(self, mod, ada):
        response = mod.get(HISTORY, {"email": ADA})
        buttons = dict(
            (html.unescape(label), html.unescape(url))
            for url, label in re.findall(
                r'<a class="button" href="([^"]+)">([^<]+)</a>', response.content.decode()
            )
        )
        assert query(buttons["Ban this address"]) == {"kind": "ban", "match": "email", "value": ADA}
        assert query(buttons["Ban the domain news.example.org"]) == {
            "kind": "ban", "match": "domain", "value": "news.example.org",
        }  # fmt: skip
        assert query(buttons["Trust this address"]) == {"kind": "trust", "match": "email", "value": ADA}
        ip_bans = [
            query(u) for u in re.findall(r'<a class="button" href="([^"]+)">Ban this IP', page_of(response))
        ]
        assert {q["value"] for q in ip_bans} == {"203.0.113.9", "198.51.100.4", "192.0.2.10"}
        assert all(u.startswith(f"{RULES}add/?") for u in buttons.values())
        form = mod.get(buttons["Ban the domain news.example.org"])
        assert 'value="news.example.org"' in form.content.decode()
        assert '<option value="domain" selected>' in form.content.decode()

    def test_an_editor_sees_the_history_without_the_buttons(self, as_role, ada):
        response = as_role("Editor").get(HISTORY, {"email": ADA})
        assert response.status_code == 200 and "Ada Reader" in page_of(response)
        assert "Ban this" not in page_of(response) and "Trust this" not in page_of(response)

    def test_a_reporter_is_refused_and_a_stranger_signs_in(self, as_role, client, ada):
        assert client.get(HISTORY, {"email": ADA}).status_code == 302
        assert as_role("Reporter").get(HISTORY, {"email": ADA}).status_code == 403

    @pytest.mark.parametrize(
        ("params", "message"),
        [
            ({}, "Which commenter?"),
            ({"email": "  "}, "Which commenter?"),
            ({"email": "not-an-address"}, "“not-an-address” is not an email address."),
            ({"email": "<b>x</b>@"}, "“<b>x</b>@” is not an email address."),
        ],
    )
    def test_a_missing_or_malformed_address_is_a_400_page(self, mod, params, message):
        response = mod.get(HISTORY, params)
        assert response.status_code == 400
        assert message in page_of(response)
        assert "<b>x</b>" not in response.content.decode()

    def test_it_only_shows(self, mod, ada):
        assert mod.post(HISTORY + f"?email={ADA}").status_code == 405

    def test_an_address_with_nothing_is_an_empty_history(self, mod):
        response = mod.get(HISTORY, {"email": "nobody@example.org"})
        assert response.status_code == 200 and "No comments under this address." in page_of(response)

    def test_the_queue_links_each_comment_to_its_commenter(self, mod, ada):
        queue = mod.get("/admin/comments/comment/", {"status": "all"}).content.decode()
        to_bo = rf'<a class="mod-commenter[^"]*"[^>]* href="{HISTORY}\?email=bo%40example.org"'
        link = re.search(to_bo, queue)
        assert link, "no link from the queue to bo@example.org's history"


class TestBansAndTrusts:
    def test_the_add_form_says_what_a_ban_does(self, mod):
        response = mod.get(f"{RULES}add/", {"kind": "ban", "match": "ip", "value": "203.0.113.9"})
        text = page_of(response)
        assert "New comments from it go to Spam; the commenter is not told." in text
        assert '<option value="ban" selected>' in text and 'value="203.0.113.9"' in text

    def test_adding_one_goes_through_the_service_and_the_log(self, mod, moderator):
        response = mod.post(
            f"{RULES}add/",
            {"kind": "ban", "match": "network", "value": " 203.0.113.9/24 ", "note": "flood"}
            | {"expires_at_0": "", "expires_at_1": ""},
        )
        assert response.status_code == 302
        rule = CommenterRule.objects.get()
        assert (rule.kind, rule.match, rule.value, rule.note) == ("ban", "network", "203.0.113.0/24", "flood")
        assert rule.created_by == moderator and rule.is_active
        assert Decision.objects.get(rule=rule).action == Decision.Action.BAN

    @pytest.mark.parametrize(
        ("match", "value", "error"),
        [
            ("ip", "203.0.113.300", "Enter an IP address, such as 203.0.113.7 or 2001:db8::1."),
            ("network", "10.0.0.0/4", "That network is too wide"),
            ("email", "ada@", "Enter a valid email address."),
            ("domain", "not a domain", "Enter an email domain, such as example.com."),
        ],
    )
    def test_a_bad_value_is_an_error_under_the_field(self, mod, match, value, error):
        response = mod.post(f"{RULES}add/", {"kind": "ban", "match": match, "value": value})
        assert response.status_code == 200
        assert error in response.context["adminform"].form.errors["value"][0]
        assert error in page_of(response)
        assert not CommenterRule.objects.exists() and not Decision.objects.exists()

    def test_an_expiry_in_the_past_is_an_error(self, mod):
        past = timezone.localtime() - timedelta(days=1)
        response = mod.post(
            f"{RULES}add/",
            {"kind": "trust", "match": "email", "value": ADA}
            | {"expires_at_0": f"{past:%Y-%m-%d}", "expires_at_1": "10:00"},
        )
        assert "Choose a time in the future" in page_of(response)
        assert not CommenterRule.objects.exists()

    def test_a_rule_is_shown_never_edited_or_deleted(self, mod, moderator):
        rule = ban("email", ADA, moderator, note="abuse")
        page = mod.get(f"{RULES}{rule.pk}/change/")
        assert page.status_code == 200
        assert 'name="value"' not in page.content.decode()  # read-only
        assert "Ban email address ada@news.example.org" in page_of(page)  # its decision
        assert mod.post(f"{RULES}{rule.pk}/change/", {"value": "x@example.org"}).status_code == 403
        assert mod.post(f"{RULES}{rule.pk}/delete/", {"post": "yes"}).status_code == 403
        rule.refresh_from_db()
        assert rule.value == ADA

    def test_lift_from_its_page(self, mod, moderator):
        rule = ban("email", ADA, moderator)
        page = page_of(mod.get(f"{RULES}{rule.pk}/change/"))
        assert f'action="{RULES}{rule.pk}/lift/"' in page
        response = mod.post(f"{RULES}{rule.pk}/lift/", follow=True)
        assert "Lifted: Ban email address ada@news.example.org." in page_of(response)
        rule.refresh_from_db()
        assert not rule.is_active and rule.lifted_by == moderator
        assert Decision.objects.filter(rule=rule, action=Decision.Action.LIFT).count() == 1
        assert f"{rule.pk}/lift/" not in page_of(mod.get(f"{RULES}{rule.pk}/change/"))
        again = mod.post(f"{RULES}{rule.pk}/lift/", follow=True)
        assert "had already ended" in page_of(again)
        assert mod.get(f"{RULES}{rule.pk}/lift/").status_code == 405
        assert mod.post(f"{RULES}999999/lift/").status_code == 404

    def test_lift_selected_from_the_list(self, mod, moderator):
        rules = [ban("email", ADA, moderator), ban("ip", "203.0.113.9", moderator)]
        mod.post(RULES, {"action": "lift", ACTION_CHECKBOX_NAME: [r.pk for r in rules], "index": "0"})
        assert not CommenterRule.objects.active().exists()

    def test_the_list_filters_and_searches(self, mod, moderator):
        active = ban("email", ADA, moderator, note="spam run")
        lifted = ban("ip", "203.0.113.9", moderator)
        moderating.commenter_rule_lift(rule=lifted, moderator=moderator)
        trusted = moderating.commenter_rule_create(
            kind="trust", match="domain", value="example.org", moderator=moderator
        )

        def listed(**params):
            body = mod.get(RULES, params).content.decode()
            return {int(pk) for pk in re.findall(r'name="_selected_action" value="(\d+)"', body)}

        assert listed() == {active.pk, lifted.pk, trusted.pk}
        assert listed(active="yes") == {active.pk, trusted.pk}
        assert listed(active="lifted") == {lifted.pk}
        assert listed(kind="trust") == {trusted.pk}
        assert listed(match="ip") == {lifted.pk}
        assert listed(q="spam run") == {active.pk}
        assert "Lifted " in page_of(mod.get(RULES))

    @pytest.mark.parametrize("role", ["Editor", "Reporter"])
    def test_others_neither_see_nor_add(self, as_role, role, moderator):
        rule = ban("email", ADA, moderator)
        client = as_role(role)
        assert client.get(RULES).status_code == 403
        assert (
            client.post(
                f"{RULES}add/", {"kind": "ban", "match": "email", "value": "x@example.org"}
            ).status_code
            == 403
        )
        assert client.post(f"{RULES}{rule.pk}/lift/").status_code == 403
        assert CommenterRule.objects.active().count() == 1


class TestRemovalReasons:
    def test_the_list_with_positions_to_edit_in_place(self, mod):
        response = mod.get(REASONS)
        text = page_of(response)
        assert ["Off topic", "Abuse", "Spam", "Personal data", "Legal"] == [
            r.label for r in RemovalReason.objects.all()
        ]
        assert "Off topic" in text and 'name="form-0-position"' in text

    def test_a_moderator_edits_the_explanation_and_unticks_offered(self, mod):
        reason = RemovalReason.objects.get(label="Legal")
        form = page_of(mod.get(f"{REASONS}{reason.pk}/change/"))
        assert "untick “offered”" in form and reason.explanation in form
        response = mod.post(
            f"{REASONS}{reason.pk}/change/",
            {"label": "Legal", "explanation": "We could not publish it, for legal reasons.", "position": "5"},
        )
        assert response.status_code == 302
        reason.refresh_from_db()
        assert not reason.is_active and reason.position == 5 and reason.explanation.startswith("We could")

    def test_nobody_deletes_one(self, mod, admin_client):
        reason = RemovalReason.objects.get(label="Abuse")
        assert mod.post(f"{REASONS}{reason.pk}/delete/", {"post": "yes"}).status_code == 403
        assert admin_client.post(f"{REASONS}{reason.pk}/delete/", {"post": "yes"}).status_code == 403
        assert RemovalReason.objects.filter(pk=reason.pk).exists()

    def test_an_editor_does_not_see_them(self, as_role):
        assert as_role("Editor").get(REASONS).status_code == 403


class TestDecisionLog:
    LOG = "/admin/comments/decision/"

    def actions(self, response) -> list[str]:
        return re.findall(r'<td class="field-action">([^<]+)</td>', page_of(response))

    def test_every_new_action_shows_in_the_log_with_its_detail(self, mod, moderator, story):
        reported = make_comment(story)
        Report.objects.create(comment=reported, reporter_key="ip:one", reason=Report.Reason.ABUSE)
        moderating.comment_moderate(comments=[reported], action="dismiss", moderator=moderator)
        abuse = RemovalReason.objects.get(label="Abuse")
        moderating.comment_moderate(
            comments=[make_comment(story)], action="remove", moderator=moderator, reason=abuse, notify=True
        )
        (approved,) = moderating.comment_moderate(
            comments=[make_comment(story, is_public=False)], action="approve", moderator=moderator
        )
        moderating.decision_undo(decision=approved, moderator=moderator)
        moderating.comment_staff_reply(parent=reported, text="We checked the figures.", moderator=moderator)
        banned = ban("ip", "203.0.113.9", moderator, note="flood")
        moderating.commenter_rule_create(kind="trust", match="email", value=ADA, moderator=moderator)
        moderating.commenter_rule_lift(rule=banned, moderator=moderator)

        response = mod.get(self.LOG)
        assert response.status_code == 200
        assert sorted(self.actions(response)) == sorted(
            ["Report dismissed", "Removed", "Approved", "Undone", "Replied as staff", "Banned", "Trusted",
             "Ban or trust lifted"]
        )  # fmt: skip
        text = page_of(response)
        assert "Reason: Abuse (mailed to the commenter)" in text
        assert f"In reply to comment {reported.pk}" in text
        assert "Undid “Approved” of " in text
        assert f'href="{RULES}{banned.pk}/change/">Ban IP address 203.0.113.9</a>' in text
        assert text.count('<td class="field-detail">flood</td>') == 2  # the ban and its lift

    def test_the_log_filters_by_action_report_dismissed_included(self, mod, moderator, story):
        reported = make_comment(story)
        Report.objects.create(comment=reported, reporter_key="ip:one", reason=Report.Reason.ABUSE)
        moderating.comment_moderate(comments=[reported], action="dismiss", moderator=moderator)
        ban("email", ADA, moderator)
        everything = mod.get(self.LOG)
        assert 'href="?action__exact=dismiss"' in everything.content.decode()
        assert self.actions(mod.get(self.LOG, {"action__exact": "dismiss"})) == ["Report dismissed"]
        assert self.actions(mod.get(self.LOG, {"action__exact": "ban"})) == ["Banned"]

    def test_a_ban_s_page_in_the_log_names_the_rule(self, mod, moderator):
        decision = ban("email", ADA, moderator).decisions.get()
        page = mod.get(f"{self.LOG}{decision.pk}/change/")
        assert page.status_code == 200 and "Ban email address ada@news.example.org" in page_of(page)

    def test_an_editor_reads_the_log(self, as_role, moderator):
        ban("email", ADA, moderator)
        assert self.actions(as_role("Editor").get(self.LOG)) == ["Banned"]
