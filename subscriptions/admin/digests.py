"""The digests' admin, with their progress, and the deliveries' (both records, read-only).

Editors preview the digest that would go out now or any past one, send either to
themselves as a test, send one by hand, and send again to the readers whose delivery
is `unknown` (its sender died while sending).
"""

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from articles.models import Article
from newsroom.admin import RecordAdmin
from newsroom.security import allow_inline_styles
from subscriptions import clicks, services
from subscriptions import digest as digests
from subscriptions.models import Delivery, Digest, Subscriber

State = Delivery.State


def describe_progress(progress: dict[str, int]) -> str:
    """'sent 1,234 · queued 10 · failed 2 of 1,246', naming sending, unknown and cancelled ones if any."""
    parts = [f"sent {progress[State.SENT]:,}", f"queued {progress[State.QUEUED]:,}"]
    if progress[State.SENDING]:
        parts.append(f"sending {progress[State.SENDING]:,}")
    parts.append(f"failed {progress[State.FAILED]:,}")
    for state in (State.UNKNOWN, State.CANCELLED):
        if progress[state]:
            parts.append(f"{state} {progress[state]:,}")
    return f"{' · '.join(parts)} of {progress['total']:,}"


class DigestChangeList(ChangeList):
    """The digests' page, with every row's progress counted in one query."""

    def get_results(self, request):
        super().get_results(request)
        rows = list(self.result_list)
        progress = Delivery.objects.progress(digest.pk for digest in rows)
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
    actions = ["resend_unknown"]
    fieldsets = [
        (None, {"fields": ["subject", "kind", "edition", "status", "progress_display"]}),
        ("Stories, lead first", {"fields": ["stories_display"]}),
        ("Clicks from the mail", {"fields": ["clicks_display"]}),
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
    # A record: every field shown, none edited.
    readonly_fields = [name for _, options in fieldsets for name in options["fields"]]

    # --- who does what ------------------------------------------------------------------
    # A digest is a record (RecordAdmin): made by the scheduler or by "Send now by hand",
    # never edited, never deleted (its period is what the next digest starts from).

    def has_send_permission(self, request) -> bool:
        return request.user.has_perm("subscriptions.add_digest")

    @admin.action(description="Send again to the readers whose delivery is unknown", permissions=["send"])
    def resend_unknown(self, request, queryset):
        count = sum(services.digest_resend_unknown(digest=digest, by=request.user) for digest in queryset)
        if count:
            self.message_user(
                request,
                f"{count:,} unknown deliver{'ies' if count != 1 else 'y'} queued again.",
                messages.SUCCESS,
            )
        else:
            self.message_user(request, "None of these digests has an unknown delivery.", messages.WARNING)

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
            obj.progress = Delivery.objects.progress([obj.pk])[obj.pk]
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

    @admin.display(description="clicks per story")
    def clicks_display(self, obj):
        """Each story's clicks in this digest's mails, the most clicked first, and the total."""
        rows, total = clicks.clicks_per_story(obj)
        shown = [{**row, "clicks": f"{row['clicks']:,}"} for row in rows]
        return render_to_string("admin/includes/digest_clicks.html", {"rows": shown, "total": f"{total:,}"})

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
        rendered = digests.MessageFactory(digest, counted=False).sample() if digest is not None else None
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
            factory = digests.MessageFactory(digest, counted=False)
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
            digest = services.digest_assemble(kind=Digest.Kind.MANUAL, by=request.user)
            if digest is None:
                self.message_user(
                    request,
                    "Nothing was sent: no story was published since the last digest.",
                    messages.WARNING,
                )
                return HttpResponseRedirect(reverse("admin:subscriptions_digest_changelist"))
            services.digest_enqueue(digest=digest)  # the worker's task, queued once, on commit
            total = Delivery.objects.filter(digest=digest).count()
            self.message_user(
                request,
                f"“{digest.subject}” is being sent to {total:,} reader{'s' if total != 1 else ''}.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:subscriptions_digest_change", args=[digest.pk]))
        digest = digests.draft()
        stories = digests.MessageFactory(digest, counted=False).stories if digest is not None else []
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
