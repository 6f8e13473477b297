"""What the apps' admin classes share."""


class RecordAdmin:
    """For records the software writes (a ModelAdmin or an inline): shown, never added, edited or deleted."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
