"""The newsletter's admin: subscribers (export, erasure), digests with their true progress, deliveries.

Editors preview the digest that would go out now or any past one, send either to
themselves as a test, and send one by hand. Subscribers join only through double
opt-in, so nobody is added here; deleting one erases them.
"""

import csv

from django.contrib import admin, messages
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.admin.views.main import ChangeList
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponseNotAllowed, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from articles.models import Article, Section
from newsroom.admin import RecordAdmin
from newsroom.security import allow_inline_styles

from . import digest as digests
from . import services
from .models import Delivery, Digest, Subscriber

State = Delivery.State
ERASED = "Erased subscriber"


# --- subscribers -----------------------------------------------------------------------

CSV_COLUMNS = [
    "email", "name", "status", "paused", "sections", "tags",
    "consent_at", "consent_ip", "consent_text", "confirmed_at", "created_at",
]  # fmt: skip
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """A file for csv.writer that hands each row back instead of storing it."""

    def write(self, value):
        return value


def csv_cell(value) -> str:
    """A cell a spreadsheet shows as text: one that would start a formula gets a leading quote."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "status", "paused", "created_at", "confirmed_at"]
    list_filter = ["status", "paused"]
    search_fields = ["email", "name"]
    list_per_page = 100
    show_full_result_count = False
    date_hierarchy = "created_at"
    actions = ["export_csv"]
    autocomplete_fields = ["sections", "tags"]
    fieldsets = [
        (None, {"fields": ["email", "name", "status", "paused"]}),
        ("What they follow (nothing chosen: everything)", {"fields": ["sections", "tags"]}),
        (
            "Consent",
            {"fields": ["consent_at", "consent_ip", "consent_text", "created_at", "confirmed_at"]},
        ),
        ("Mail", {"fields": ["unsubscribed_at", "last_mailed_at", "bounce_count"]}),
    ]
    # The address and the status change only through the reader's own links (or erasure).
    readonly_fields = [
        "email",
        "status",
        "consent_at",
        "consent_ip",
        "consent_text",
        "created_at",
        "confirmed_at",
        "unsubscribed_at",
        "last_mailed_at",
        "bounce_count",
    ]

    def has_add_permission(self, request):
        return False  # a subscriber joins only by confirming their own address

    # --- export -------------------------------------------------------------------------

    @admin.action(description="Export selected subscribers as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        rows = (
            queryset.order_by("pk")
            .prefetch_related(Prefetch("sections", queryset=Section.objects.only("name")), "tags")
            .iterator(chunk_size=2_000)
        )
        writer = csv.writer(_Echo())

        def lines():
            yield writer.writerow(CSV_COLUMNS)
            for subscriber in rows:
                values = {
                    **{column: getattr(subscriber, column, None) for column in CSV_COLUMNS},
                    "sections": "; ".join(s.name for s in subscriber.sections.all()),
                    "tags": "; ".join(t.name for t in subscriber.tags.all()),
                }
                yield writer.writerow([csv_cell(values[column]) for column in CSV_COLUMNS])

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        filename = f"subscribers-{timezone.localdate():%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    # --- erasure --------------------------------------------------------------------------
    # Deleting the row removes the address, name and consent record. Deliveries stay for the
    # digests' counts (their subscriber becomes empty), but queued ones are cancelled and
    # their error texts, which may quote the address, are blanked. The admin's own log
    # names an object by its str(), the address, so those entries are renamed too.

    def log_deletions(self, request, queryset):
        content_type = ContentType.objects.get_for_model(Subscriber)
        return LogEntry.objects.bulk_create(
            [
                LogEntry(
                    user_id=request.user.pk,
                    content_type_id=content_type.pk,
                    object_id=str(subscriber.pk),
                    object_repr=ERASED,
                    action_flag=DELETION,
                )
                for subscriber in queryset
            ]
        )

    def delete_model(self, request, obj):
        self._erase([obj.pk])

    def delete_queryset(self, request, queryset):
        self._erase(list(queryset.values_list("pk", flat=True)))

    @staticmethod
    def _erase(pks: list[int]) -> None:
        with transaction.atomic():
            services.erase_many(pks)
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(Subscriber),
                object_id__in=[str(pk) for pk in pks],
            ).update(object_repr=ERASED)


# --- digests ---------------------------------------------------------------------------


def progress_of(digest_ids) -> dict[int, dict[str, int]]:
    """Deliveries of each digest by state, and their total: one aggregate query for them all."""
    rows = (
        Delivery.objects.filter(digest_id__in=list(digest_ids))
        .order_by()
        .values("digest_id")
        .annotate(total=Count("pk"), **{state: Count("pk", filter=Q(state=state)) for state in State.values})
    )
    found = {row.pop("digest_id"): row for row in rows}
    empty = dict.fromkeys([*State.values, "total"], 0)
    return {pk: found.get(pk, empty) for pk in digest_ids}


def describe_progress(progress: dict[str, int]) -> str:
    """'sent 1,234 · queued 10 · failed 2 of 1,246', naming in-flight and cancelled ones only if any."""
    parts = [f"sent {progress[State.SENT]:,}", f"queued {progress[State.QUEUED]:,}"]
    if progress[State.SENDING]:
        parts.append(f"sending {progress[State.SENDING]:,}")
    parts.append(f"failed {progress[State.FAILED]:,}")
    if progress[State.CANCELLED]:
        parts.append(f"cancelled {progress[State.CANCELLED]:,}")
    return f"{' · '.join(parts)} of {progress['total']:,}"


class DigestChangeList(ChangeList):
    """The digests' page, with every row's progress counted in one query."""

    def get_results(self, request):
        super().get_results(request)
        rows = list(self.result_list)
        progress = progress_of([digest.pk for digest in rows])
        for digest in rows:
            digest.progress = progress[digest.pk]
        self.result_list = rows


@admin.register(Digest)
class DigestAdmin(RecordAdmin, admin.ModelAdmin):
    list_display = ["edition", "kind", "subject", "status", "progress_display", "created_at"]
    list_display_links = ["edition", "subject"]
    list_filter = ["kind", "status"]
    search_fields = ["subject"]
    date_hierarchy = "edition"
    list_select_related = ["created_by"]
    change_list_template = "admin/subscriptions/digest/change_list.html"
    change_form_template = "admin/subscriptions/digest/change_form.html"
    fieldsets = [
        (None, {"fields": ["subject", "kind", "edition", "status", "progress_display"]}),
        ("Stories, lead first", {"fields": ["stories_display"]}),
        ("Deliveries", {"fields": ["deliveries_display", "failures_display"]}),
        (
            "Timing",
            {
                "fields": [
                    "period_start",
                    "period_end",
                    "created_at",
                    "created_by",
                    "finished_at",
                    "heartbeat_at",
                ]
            },
        ),
    ]
    readonly_fields = [
        "subject",
        "kind",
        "edition",
        "status",
        "progress_display",
        "stories_display",
        "deliveries_display",
        "failures_display",
        "period_start",
        "period_end",
        "created_at",
        "created_by",
        "finished_at",
        "heartbeat_at",
    ]

    # --- who does what ------------------------------------------------------------------
    # A digest is a record (RecordAdmin): made by the scheduler or by "Send now by hand",
    # never edited, never deleted (its period is what the next digest starts from).

    def has_send_permission(self, request) -> bool:
        return request.user.has_perm("subscriptions.add_digest")

    # --- the list and the page ----------------------------------------------------------

    def get_changelist(self, request, **kwargs):
        return DigestChangeList

    def changelist_view(self, request, extra_context=None):
        context = {"can_send": self.has_send_permission(request), **(extra_context or {})}
        return super().changelist_view(request, context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = {"can_send": self.has_send_permission(request), **(extra_context or {})}
        return super().change_view(request, object_id, form_url, context)

    def _progress(self, obj) -> dict[str, int]:
        if not hasattr(obj, "progress"):
            obj.progress = progress_of([obj.pk])[obj.pk]
        return obj.progress

    @admin.display(description="progress")
    def progress_display(self, obj):
        return describe_progress(self._progress(obj))

    @admin.display(description="stories")
    def stories_display(self, obj):
        headlines = dict(Article.objects.filter(pk__in=obj.story_ids).values_list("pk", "headline"))
        return format_html(
            "<ol>{}</ol>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a></li>',
                (
                    (reverse("admin:articles_article_change", args=[pk]), headlines[pk])
                    for pk in obj.story_ids
                    if pk in headlines
                ),
            ),
        )

    @admin.display(description="by state")
    def deliveries_display(self, obj):
        progress = self._progress(obj)
        url = reverse("admin:subscriptions_delivery_changelist")
        return format_html_join(
            " · ",
            '<a href="{}?digest__id__exact={}&amp;state__exact={}">{} {}</a>',
            ((url, obj.pk, state, label.lower(), f"{progress[state]:,}") for state, label in State.choices),
        )

    @admin.display(description="why deliveries failed")
    def failures_display(self, obj):
        reasons = (
            Delivery.objects.filter(digest=obj, state=State.FAILED)
            .order_by()
            .values("last_error")
            .annotate(n=Count("pk"))
            .order_by("-n")[:10]
        )
        if not reasons:
            return "–"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "", "<li>{}× {}</li>", ((r["n"], r["last_error"] or "no reason") for r in reasons)
            ),
        )

    # --- preview, test, send by hand ----------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        preview = allow_inline_styles(self.preview_view)  # the e-mail's own styles, in its iframe
        return [
            path("preview/", view(preview), name="subscriptions_digest_preview_next"),
            path("<int:pk>/preview/", view(preview), name="subscriptions_digest_preview"),
            path("test/", view(self.test_view), name="subscriptions_digest_test_next"),
            path("<int:pk>/test/", view(self.test_view), name="subscriptions_digest_test"),
            path("send/", view(self.send_view), name="subscriptions_digest_send"),
            *super().get_urls(),
        ]

    def _context(self, request, **context):
        return {**self.admin_site.each_context(request), "opts": self.opts, **context}

    def _digest(self, pk) -> Digest | None:
        """A saved digest, or (no pk) the one that would go out now, unsaved."""
        return get_object_or_404(Digest, pk=pk) if pk is not None else digests.draft()

    def preview_view(self, request, pk=None):
        """The digest as a reader following everything gets it: HTML in a sandboxed frame, and text."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        digest = self._digest(pk)
        rendered = digests.MessageFactory(digest).sample() if digest is not None else None
        context = self._context(
            request,
            title=f"Preview: {digest}" if pk is not None else "Preview of the digest that would go out now",
            digest=digest,
            rendered=rendered,
            # Links open outside the frame: the site itself refuses to be framed.
            frame_html=rendered.html.replace("<head>", '<head><base target="_blank">', 1) if rendered else "",
            is_next=pk is None,
            can_send=self.has_send_permission(request),
            test_url=reverse(
                "admin:subscriptions_digest_test"
                if pk is not None
                else "admin:subscriptions_digest_test_next",
                args=[pk] if pk is not None else [],
            ),
        )
        return TemplateResponse(request, "admin/subscriptions/digest/preview.html", context)

    def test_view(self, request, pk=None):
        """Send the digest (or the one that would go out now) to the editor alone; nothing is recorded."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_view_permission(request):
            raise PermissionDenied
        back = HttpResponseRedirect(
            reverse("admin:subscriptions_digest_preview", args=[pk])
            if pk is not None
            else reverse("admin:subscriptions_digest_preview_next")
        )
        email = request.user.email.strip()
        if not email:
            self.message_user(
                request, "Your account has no email address: add one to receive a test.", messages.ERROR
            )
            return back
        digest = self._digest(pk)
        message = None
        if digest is not None:
            factory = digests.MessageFactory(digest)
            message = factory.test_message(to=email, name=request.user.get_full_name())
        if message is None:
            self.message_user(request, "There is nothing to send: no stories.", messages.WARNING)
            return back
        message.send()
        self.message_user(request, f"A test was sent to {email}.", messages.SUCCESS)
        return back

    def send_view(self, request):
        """Make a digest of the stories since the last one and send it now, after a confirmation."""
        if not self.has_send_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            digest = digests.assemble(kind=Digest.Kind.MANUAL, by=request.user)
            if digest is None:
                self.message_user(
                    request,
                    "Nothing was sent: no story was published since the last digest.",
                    messages.WARNING,
                )
                return HttpResponseRedirect(reverse("admin:subscriptions_digest_changelist"))
            from subscriptions import sending

            sending.start(digest)  # heartbeat set and the worker's task queued once, on commit
            total = Delivery.objects.filter(digest=digest).count()
            self.message_user(
                request,
                f"“{digest.subject}” is being sent to {total:,} reader{'s' if total != 1 else ''}.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:subscriptions_digest_change", args=[digest.pk]))
        digest = digests.draft()
        stories = digests.MessageFactory(digest).stories if digest is not None else []
        context = self._context(
            request,
            title="Send a digest now",
            digest=digest,
            stories=stories,
            receiving=Subscriber.objects.receiving().count(),
        )
        return TemplateResponse(request, "admin/subscriptions/digest/send.html", context)


# --- deliveries ------------------------------------------------------------------------


@admin.register(Delivery)
class DeliveryAdmin(RecordAdmin, admin.ModelAdmin):
    list_display = ["digest", "recipient", "state", "attempts", "next_attempt_at", "sent_at", "last_error"]
    list_filter = ["state", "digest"]
    search_fields = ["subscriber__email"]
    list_select_related = ["digest", "subscriber"]
    list_per_page = 100
    show_full_result_count = False
    ordering = ["-pk"]

    @admin.display(description="subscriber", ordering="subscriber__email")
    def recipient(self, obj):
        return obj.subscriber.email if obj.subscriber_id else "(erased)"
