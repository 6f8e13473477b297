"""What the apps' admin classes share."""


class RecordAdmin:
    """A ModelAdmin mixin for records the software writes: shown, never added, edited or deleted by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
