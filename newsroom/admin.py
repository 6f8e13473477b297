"""What the apps' admin classes share, and the admin's one view we answer ourselves."""

from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404


class RecordAdmin:
    """For records the software writes: shown, never added, edited or deleted in the admin.

    The one read-only base, mixed into a ModelAdmin (`class LogAdmin(RecordAdmin, admin.ModelAdmin)`)
    or an inline (`RecordAdmin, admin.TabularInline`: no empty rows, no delete boxes).
    """

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def view_on_site(request, content_type_id, object_id):
    """The admin's "View on site" link, for objects the user may open in the admin, else 404.

    Django's own answers any member of staff for any object, so a moderator could learn
    the address of a story that is not out yet.
    """
    try:
        content_type = ContentType.objects.get(pk=content_type_id)
        model_admin = admin.site.get_model_admin(content_type.model_class())
        obj = model_admin.get_queryset(request).get(pk=object_id)
    except (ContentType.DoesNotExist, NotRegistered, ObjectDoesNotExist, ValueError, ValidationError):
        raise Http404("Nothing to show.") from None
    if not model_admin.has_view_or_change_permission(request, obj):
        raise Http404("Nothing to show.")
    return shortcut(request, content_type_id, object_id)
