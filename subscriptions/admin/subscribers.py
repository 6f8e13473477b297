"""The subscribers' admin: a read-only consent record, export as CSV, and erasure.

Subscribers join only through double opt-in, so nobody is added here; deleting one erases them.
"""

import csv

from django.contrib import admin
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Prefetch
from django.http import StreamingHttpResponse
from django.utils import timezone

from articles.models import Section
from subscriptions import services
from subscriptions.models import Subscriber

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
            services.subscriber_erase(pks=pks)
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(Subscriber),
                object_id__in=[str(pk) for pk in pks],
            ).update(object_repr=ERASED)
