"""What the software records about comments, shown read-only: decisions and reports; and the blocklist."""

from django.contrib import admin

from newsroom.admin import RecordAdmin

from ..models import BlockedTerm, Decision, Report
from .display import comment_link, excerpt


class DecisionInline(RecordAdmin, admin.TabularInline):
    model = Decision
    fields = ["decided_at", "moderator", "action", "from_status", "to_status"]
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
        return comment_link(obj.comment_id, f"{obj.comment.user_name}: {excerpt(obj.comment.comment, 60)}")


@admin.register(Decision)
class DecisionAdmin(CommentRecordAdmin):
    list_display = ["decided_at", "moderator", "action", "comment_link", "change"]
    list_filter = ["action", ("moderator", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["moderator", "comment"]
    date_hierarchy = "decided_at"

    @admin.display(description="from → to")
    def change(self, obj):
        return f"{obj.get_from_status_display()} → {obj.get_to_status_display()}"


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
