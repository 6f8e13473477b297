"""What the software records about comments, shown read-only: decisions and reports; and the blocklist."""

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from newsroom.admin import RecordAdmin

from ..models import BlockedTerm, Decision, Report
from .display import comment_link, excerpt


class DecisionInline(RecordAdmin, admin.TabularInline):
    model = Decision
    fk_name = "comment"
    fields = ["decided_at", "moderator", "action", "from_status", "to_status", "reason", "mailed", "note"]
    readonly_fields = fields
    verbose_name_plural = "moderation log"


class ReportInline(RecordAdmin, admin.TabularInline):
    model = Report
    fields = ["created_at", "reason", "note", "resolved_at"]
    readonly_fields = fields
    verbose_name_plural = "reports from readers"


class CommentRecordAdmin(RecordAdmin, admin.ModelAdmin):
    list_select_related = ["comment"]

    @admin.display(description="comment")
    def comment_link(self, obj):
        if obj.comment_id is None:
            return "–"
        return comment_link(obj.comment_id, f"{obj.comment.user_name}: {excerpt(obj.comment.comment, 60)}")


@admin.register(Decision)
class DecisionAdmin(CommentRecordAdmin):
    """The moderation log: decisions on comments, and bans and trusts made and lifted."""

    list_display = ["decided_at", "moderator", "action", "subject", "change", "detail"]
    list_filter = ["action", ("moderator", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["moderator", "comment", "rule", "reason"]
    date_hierarchy = "decided_at"
    search_fields = ["note", "rule__value", "comment__user_email"]

    @admin.display(description="comment or commenter")
    def subject(self, obj):
        if obj.comment_id is not None:
            return self.comment_link(obj)
        if obj.rule_id is not None:
            url = reverse("admin:comments_commenterrule_change", args=[obj.rule_id])
            return format_html('<a href="{}">{}</a>', url, str(obj.rule))
        return obj.note or "–"

    @admin.display(description="from → to")
    def change(self, obj):
        if not obj.from_status and not obj.to_status:
            return "–"
        return f"{obj.get_from_status_display() or 'new'} → {obj.get_to_status_display()}"

    @admin.display(description="detail")
    def detail(self, obj):
        parts = []
        if obj.rule_id is not None:  # the note repeats the rule; say what the subject column does not
            if obj.rule.expires_at:
                parts.append(f"until {timezone.localtime(obj.rule.expires_at):%Y-%m-%d %H:%M}")
            if obj.rule.note:
                parts.append(obj.rule.note)
            return "; ".join(parts) or "–"
        if obj.reason_id is not None:
            told = "mailed to the commenter" if obj.mailed else "not mailed"
            parts.append(f"Reason: {obj.reason.label} ({told})")
        if obj.note:
            parts.append(obj.note)
        return "; ".join(parts) or "–"


@admin.register(Report)
class ReportAdmin(CommentRecordAdmin):
    list_display = ["comment_link", "reason", "note", "created_at", "resolved_at"]
    list_filter = ["reason", ("resolved_at", admin.EmptyFieldListFilter)]
    date_hierarchy = "created_at"


@admin.register(BlockedTerm)
class BlockedTermAdmin(admin.ModelAdmin):
    list_display = ["term", "kind", "note", "created_at"]
    list_filter = ["kind"]
    search_fields = ["term", "note"]
