"""The newsletter's admin: subscribers, digests (preview, test, send by hand, progress), deliveries."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from subscriptions import services, tasks
from subscriptions.admin import ERASED
from subscriptions.models import Delivery, Digest, Subscriber
from tests.factories import ArticleFactory, SectionFactory, UserFactory

Status = Subscriber.Status
State = Delivery.State
pytestmark = pytest.mark.usefixtures("public_site_url")

# What editors need for the newsletter's admin (to be granted by articles/roles.py).
EDITOR_PERMISSIONS = [
    "view_subscriber",
    "change_subscriber",
    "delete_subscriber",
    "view_digest",
    "add_digest",
    "view_delivery",
]


def reader(email, *, status=Status.CONFIRMED, sections=(), tags=(), **fields) -> Subscriber:
    subscriber = Subscriber.objects.create(email=email, status=status, **fields)
    subscriber.sections.set(sections)
    subscriber.tags.set(tags)
    return subscriber


def story(hours_ago: float = 1, **fields):
    return ArticleFactory(
        status="published", published_at=timezone.now() - timedelta(hours=hours_ago), **fields
    )


@pytest.fixture
def newsletter_editor(db):
    """An Editor: the role carries the newsletter's permissions (articles/roles.py)."""
    return UserFactory(username="news-editor", email="editor@example.org", first_name="Eda", role="Editor")


def test_the_editor_role_has_the_newsletter_permissions(newsletter_editor):
    assert {
        f"subscriptions.{codename}" for codename in EDITOR_PERMISSIONS
    } <= newsletter_editor.get_all_permissions()


@pytest.fixture(params=["editor", "superuser"])
def staff(request, newsletter_editor):
    if request.param == "superuser":
        return UserFactory(username="root", email="root@example.org", is_superuser=True)
    return newsletter_editor


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def editor_client(client, newsletter_editor):
    client.force_login(newsletter_editor)
    return client


@pytest.fixture
def stories(db):
    sport = SectionFactory(name="Sport", slug="sport")
    return [
        story(2, headline="Ferry timetable changes", section=sport),
        story(1, headline="Council approves the harbour budget"),
    ]


def queued_sends() -> list[int]:
    """The digests a send task waits for in the real task queue (django-tasks-db's table)."""
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.filter(task_path=tasks.send_digest_task.module_path, status="READY")
    return [row.args_kwargs["kwargs"]["digest_id"] for row in rows]


@pytest.fixture
def enqueued(db):
    return queued_sends


def digest_with(states: dict[str, int], **fields) -> Digest:
    now = timezone.now()
    digest = Digest.objects.create(
        kind=fields.pop("kind", Digest.Kind.MANUAL),
        edition=timezone.localdate(),
        period_start=now - timedelta(hours=24),
        period_end=now,
        subject=fields.pop("subject", "Harbour Weekly: a digest"),
        **fields,
    )
    deliveries = []
    for state, n in states.items():
        for _ in range(n):
            subscriber = reader(f"r{Subscriber.objects.count()}-{digest.pk}@example.org")
            deliveries.append(Delivery(digest=digest, subscriber=subscriber, state=state))
    Delivery.objects.bulk_create(deliveries)
    return digest


class TestPreview:
    def test_the_digest_that_would_go_out_now_before_anything_is_created(self, staff_client, stories):
        response = staff_client.get(reverse("admin:subscriptions_digest_preview_next"))
        assert response.status_code == 200
        page = response.content.decode()
        assert "Council approves the harbour budget" in page and "Ferry timetable changes" in page
        assert "<iframe" in page and 'sandbox="allow-popups' in page and "srcdoc=" in page
        assert "&lt;meta name=&quot;color-scheme&quot;" in page  # the HTML, escaped into srcdoc
        assert "<pre>HARBOUR WEEKLY" in page  # the plain text
        assert not Digest.objects.exists()

    def test_an_existing_digest(self, staff_client, stories):
        digest = services.digest_assemble()
        story(0.5, headline="Published after the digest")
        response = staff_client.get(reverse("admin:subscriptions_digest_preview", args=[digest.pk]))
        page = response.content.decode()
        assert response.status_code == 200
        assert "Council approves the harbour budget" in page and "Published after the digest" not in page

    def test_nothing_to_preview(self, staff_client, db):
        response = staff_client.get(reverse("admin:subscriptions_digest_preview_next"))
        assert response.status_code == 200
        assert "Nothing has been published since the last digest" in response.content.decode()

    def test_a_headline_cannot_run_script_in_the_admin(self, editor_client, db):
        story(1, headline='<script>alert("admin")</script>')
        page = editor_client.get(reverse("admin:subscriptions_digest_preview_next")).content.decode()
        assert '<script>alert("admin")' not in page

    def test_a_reporter_may_not(self, reporter_client, stories):
        response = reporter_client.get(reverse("admin:subscriptions_digest_preview_next"))
        assert response.status_code == 403


class TestSendATest:
    def test_the_next_digest_goes_to_the_editor_alone(self, staff_client, staff, stories, mailoutbox):
        reader("reader@example.org")
        url = reverse("admin:subscriptions_digest_test_next")
        response = staff_client.post(url)
        assert response.status_code == 302
        (mail,) = mailoutbox
        assert mail.to == [staff.email]
        assert mail.subject.startswith("[Test] Harbour Weekly, ")
        assert mail.subject.endswith(": Council approves the harbour budget")
        assert "Council approves the harbour budget" in mail.alternatives[0].content
        assert not Digest.objects.exists() and not Delivery.objects.exists()

    def test_an_existing_digest_records_no_delivery(self, editor_client, stories, mailoutbox):
        reader("reader@example.org")
        digest = services.digest_assemble()
        response = editor_client.post(reverse("admin:subscriptions_digest_test", args=[digest.pk]))
        assert response.status_code == 302
        (mail,) = mailoutbox
        assert mail.to == ["editor@example.org"] and mail.subject == f"[Test] {digest.subject}"
        assert "Hello Eda," in mail.body
        assert list(Delivery.objects.values_list("subscriber__email", "state")) == [
            ("reader@example.org", "queued")
        ]

    def test_an_editor_without_an_address_is_told(self, client, newsletter_editor, stories, mailoutbox):
        newsletter_editor.email = ""
        newsletter_editor.save()
        client.force_login(newsletter_editor)
        response = client.post(reverse("admin:subscriptions_digest_test_next"), follow=True)
        assert "Your account has no email address" in response.content.decode()
        assert not mailoutbox

    def test_only_by_post(self, editor_client, stories, mailoutbox):
        response = editor_client.get(reverse("admin:subscriptions_digest_test_next"))
        assert response.status_code == 405 and not mailoutbox


class TestSendByHand:
    def test_a_confirmation_page_then_the_digest_is_made_and_queued(
        self, staff_client, staff, stories, enqueued, django_capture_on_commit_callbacks
    ):
        reader("a@example.org")
        reader("b@example.org", sections=[stories[0].section])
        url = reverse("admin:subscriptions_digest_send")
        page = staff_client.get(url)
        assert page.status_code == 200 and "Council approves the harbour budget" in page.content.decode()
        assert not Digest.objects.exists()

        with django_capture_on_commit_callbacks(execute=True):
            response = staff_client.post(url)
        digest = Digest.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("admin:subscriptions_digest_change", args=[digest.pk])
        assert digest.kind == Digest.Kind.MANUAL and digest.created_by == staff
        assert Delivery.objects.filter(digest=digest, state=State.QUEUED).count() == 2
        assert enqueued() == [digest.pk]

    def test_nothing_new_sends_nothing(self, editor_client, db, enqueued, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            response = editor_client.post(reverse("admin:subscriptions_digest_send"), follow=True)
        assert "Nothing was sent" in response.content.decode()
        assert not Digest.objects.exists() and not enqueued()

    def test_only_with_the_permission_to_add_digests(self, client, stories, enqueued):
        viewer = UserFactory(username="viewer", email="viewer@example.org")
        newsletter = Permission.objects.filter(content_type__app_label="subscriptions")
        wanted = newsletter.filter(codename__in=EDITOR_PERMISSIONS)
        viewer.user_permissions.add(*wanted.exclude(codename="add_digest"))
        client.force_login(viewer)
        assert client.get(reverse("admin:subscriptions_digest_send")).status_code == 403
        assert client.post(reverse("admin:subscriptions_digest_send")).status_code == 403
        changelist = client.get(reverse("admin:subscriptions_digest_changelist")).content.decode()
        assert "Send now by hand" not in changelist and "Preview the next digest" in changelist
        assert not Digest.objects.exists()


class TestDigestPages:
    def test_the_list_shows_true_progress_in_one_query(self, staff_client, django_assert_max_num_queries):
        digest_with({State.SENT: 1234, State.QUEUED: 10, State.FAILED: 2}, subject="First digest")
        digest_with({State.SENT: 3, State.SENDING: 1, State.CANCELLED: 1}, subject="Second digest")
        url = reverse("admin:subscriptions_digest_changelist")
        staff_client.get(url)  # warm the session and content types
        # Session, user, permissions, 2 counts, the page, its progress, the date hierarchy (2), and
        # for an editor the comments waiting beside "Comments" in the navigation.
        with django_assert_max_num_queries(11) as few:
            page = staff_client.get(url).content.decode()
        assert "sent 1,234 · queued 10 · failed 2 of 1,246" in page
        assert "sent 3 · queued 0 · sending 1 · failed 0 · cancelled 1 of 5" in page
        for i in range(10):
            digest_with({State.SENT: 2}, subject=f"More {i}")
        with django_assert_max_num_queries(len(few)):
            staff_client.get(url)

    def test_buttons_on_the_list(self, editor_client, db):
        page = editor_client.get(reverse("admin:subscriptions_digest_changelist")).content.decode()
        assert reverse("admin:subscriptions_digest_preview_next") in page
        assert reverse("admin:subscriptions_digest_send") in page

    def test_the_digest_page_is_read_only_with_progress_stories_and_buttons(self, staff_client, stories):
        reader("a@example.org")
        digest = services.digest_assemble()
        Delivery.objects.update(state=State.FAILED, last_error="550 5.1.1 mailbox unknown")
        response = staff_client.get(reverse("admin:subscriptions_digest_change", args=[digest.pk]))
        page = response.content.decode()
        assert response.status_code == 200
        assert "sent 0 · queued 0 · failed 1 of 1" in page
        assert "1× 550 5.1.1 mailbox unknown" in page
        assert page.index("Council approves the harbour budget") < page.index("Ferry timetable changes")
        assert reverse("admin:subscriptions_digest_preview", args=[digest.pk]) in page
        assert reverse("admin:subscriptions_digest_test", args=[digest.pk]) in page
        assert 'name="_save"' not in page  # nothing to edit
        assert (
            staff_client.post(reverse("admin:subscriptions_digest_delete", args=[digest.pk])).status_code
            == 403
        )

    def test_deliveries_are_listed_read_only_and_found_by_address(self, staff_client, db):
        digest = digest_with({State.SENT: 2, State.FAILED: 1})
        url = reverse("admin:subscriptions_delivery_changelist")
        page = staff_client.get(
            url, {"state__exact": "failed", "digest__id__exact": digest.pk}
        ).content.decode()
        assert page.count('<td class="field-recipient">') == 1
        found = staff_client.get(url, {"q": "r0-"}).content.decode()
        assert f"r0-{digest.pk}@example.org" in found
        assert staff_client.get(reverse("admin:subscriptions_delivery_add")).status_code == 403


class TestSubscribers:
    def test_filters_by_status(self, staff_client, db):
        reader("confirmed@example.org")
        reader("pending@example.org", status=Status.PENDING)
        reader("bouncing@example.org", status=Status.BOUNCING)
        reader("left@example.org", status=Status.UNSUBSCRIBED)
        url = reverse("admin:subscriptions_subscriber_changelist")
        for status in Status.values:
            page = staff_client.get(url, {"status__exact": status}).content.decode()
            shown = {email for email in ("confirmed", "pending", "bouncing", "left") if f"{email}@" in page}
            assert shown == {"left" if status == "unsubscribed" else status}
        page = staff_client.get(url, {"q": "bouncing"}).content.decode()
        assert "bouncing@example.org" in page and "pending@example.org" not in page

    def test_the_list_queries_do_not_grow(self, staff_client, django_assert_max_num_queries):
        url = reverse("admin:subscriptions_subscriber_changelist")
        reader("one@example.org")
        staff_client.get(url)
        with django_assert_max_num_queries(10) as few:
            staff_client.get(url)
        for i in range(30):
            reader(f"r{i}@example.org", sections=[SectionFactory()])
        with django_assert_max_num_queries(len(few)):
            staff_client.get(url)

    def test_export_as_csv(self, staff_client, db):
        port = Tag.objects.create(name="port", slug="port")
        sport = SectionFactory(name="Sport", slug="sport")
        reader(
            "ana@example.org",
            name="Ana",
            sections=[sport],
            tags=[port],
            consent_ip="192.0.2.1",
            consent_text="Send me the newsletter.",
            consent_at=timezone.now(),
        )
        evil = reader(
            "evil@example.org", name='=HYPERLINK("https://evil.example","x")', status=Status.PENDING
        )
        reader("plus@example.org", name="+1 caller")
        response = staff_client.post(
            reverse("admin:subscriptions_subscriber_changelist"),
            {"action": "export_csv", "_selected_action": [s.pk for s in Subscriber.objects.all()]},
        )
        assert response.status_code == 200 and response.streaming
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"].startswith('attachment; filename="subscribers-')
        rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
        assert list(rows[0]) == [
            "email", "name", "status", "paused", "sections", "tags", "consent_at",
            "consent_ip", "consent_text", "confirmed_at", "created_at",
        ]  # fmt: skip
        by_email = {row["email"]: row for row in rows}
        ana = by_email["ana@example.org"]
        assert (ana["name"], ana["status"], ana["paused"], ana["sections"], ana["tags"]) == (
            "Ana", "confirmed", "no", "Sport", "port",
        )  # fmt: skip
        assert ana["consent_ip"] == "192.0.2.1" and ana["consent_text"] == "Send me the newsletter."
        assert ana["consent_at"].startswith(str(timezone.now().year))
        assert by_email["evil@example.org"]["name"] == "'" + evil.name
        assert by_email["plus@example.org"]["name"] == "'+1 caller"

    def test_export_queries_do_not_grow(self, staff_client, django_assert_max_num_queries):
        for i in range(40):
            reader(f"r{i}@example.org", sections=[SectionFactory()])
        data = {"action": "export_csv", "select_across": "1", "_selected_action": ["1"]}
        with django_assert_max_num_queries(12):
            response = staff_client.post(reverse("admin:subscriptions_subscriber_changelist"), data)
            assert len(b"".join(response.streaming_content).decode().splitlines()) == 41

    def test_the_page_of_a_subscriber_keeps_the_consent_record_read_only(self, staff_client, db):
        ana = reader("ana@example.org", consent_text="Send me the newsletter.", consent_ip="192.0.2.1")
        page = staff_client.get(
            reverse("admin:subscriptions_subscriber_change", args=[ana.pk])
        ).content.decode()
        assert "Send me the newsletter." in page and "192.0.2.1" in page
        assert (
            'name="consent_text"' not in page and 'name="email"' not in page and 'name="status"' not in page
        )
        assert 'name="paused"' in page and 'name="sections"' in page

    def test_no_one_is_added_by_hand(self, staff_client, db):
        assert staff_client.get(reverse("admin:subscriptions_subscriber_add")).status_code == 403

    def test_deleting_erases_the_subscriber_and_keeps_the_counts(
        self, staff_client, staff, django_assert_max_num_queries
    ):
        digest = digest_with({State.SENT: 1})
        ana = reader("ana@example.org", name="Ana", sections=[SectionFactory()])
        Delivery.objects.create(
            digest=digest, subscriber=ana, state=State.FAILED, last_error="452 ana@example.org full"
        )
        later = digest_with({})
        Delivery.objects.create(digest=later, subscriber=ana, state=State.QUEUED)
        url = reverse("admin:subscriptions_subscriber_delete", args=[ana.pk])
        with django_assert_max_num_queries(15):
            confirm = staff_client.get(url)
        assert confirm.status_code == 200 and "ana@example.org" in confirm.content.decode()
        LogEntry.objects.log_actions(
            user_id=staff.pk, queryset=[ana], action_flag=CHANGE
        )  # names the address
        response = staff_client.post(url, {"post": "yes"})
        assert response.status_code == 302
        assert not Subscriber.objects.filter(email="ana@example.org").exists()
        progress = digests_progress(digest)
        assert progress == {"sent": 1, "failed": 1, "total": 2}
        assert list(Delivery.objects.filter(digest=later).values_list("subscriber", "state")) == [
            (None, "cancelled")
        ]
        assert not Delivery.objects.filter(last_error__contains="ana@").exists()
        assert not LogEntry.objects.filter(object_repr__contains="ana@").exists()
        assert LogEntry.objects.filter(object_id=str(ana.pk), action_flag=DELETION).exists()
        assert LogEntry.objects.filter(object_id=str(ana.pk), action_flag=CHANGE).get().object_repr == ERASED

    def test_deleting_many_at_once(self, staff_client, db):
        digest = digest_with({State.SENT: 3})
        pks = list(Subscriber.objects.values_list("pk", flat=True))
        page = staff_client.post(
            reverse("admin:subscriptions_subscriber_changelist"),
            {"action": "delete_selected", "_selected_action": pks},
        )
        assert page.status_code == 200  # the confirmation
        staff_client.post(
            reverse("admin:subscriptions_subscriber_changelist"),
            {"action": "delete_selected", "_selected_action": pks, "post": "yes"},
        )
        assert not Subscriber.objects.exists()
        assert Delivery.objects.filter(digest=digest, state=State.SENT, subscriber=None).count() == 3
        assert not LogEntry.objects.filter(object_repr__contains="@").exists()


def digests_progress(digest) -> dict[str, int]:
    return {state: n for state, n in Delivery.objects.progress([digest.pk])[digest.pk].items() if n}
