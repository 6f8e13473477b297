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


class NewsroomAdminSite(admin.AdminSite):
    """The admin, with the newsroom's own work first.

    Django lists apps alphabetically, which put the stories fifth, after Authentication
    and Flat pages. Here the newsroom's lists come first (stories, sections, sources,
    authors and tags, which taggit would list under its own name), then the desks built
    on them, then the site's pages and its accounts. Installed as the default site by
    NewsroomAdminConfig (newsroom/apps.py), so `admin.site` is this one.
    """

    APP_ORDER = ["articles", "comments", "subscriptions", "wordpress", "flatpages", "auth"]
    NEWSROOM_ORDER = ["Article", "Section", "Source", "Author", "Tag"]
    LISTED_WITH_NEWSROOM = "taggit"

    def get_app_list(self, request, app_label=None):
        app_list = super().get_app_list(request, app_label)
        if app_label == "articles":  # the newsroom's own page lists its tags too
            app_list += super().get_app_list(request, self.LISTED_WITH_NEWSROOM)
        apps = {app["app_label"]: app for app in app_list}
        if "articles" in apps and self.LISTED_WITH_NEWSROOM in apps:
            apps["articles"]["models"] += apps.pop(self.LISTED_WITH_NEWSROOM)["models"]
        if "articles" in apps:
            apps["articles"]["models"].sort(
                key=lambda model: _position(self.NEWSROOM_ORDER, model["object_name"])
            )
        return sorted(
            apps.values(), key=lambda app: (_position(self.APP_ORDER, app["app_label"]), app["name"])
        )


def _position(order: list[str], name: str) -> int:
    """Where `name` comes in `order`; anything not named there comes after, in Django's order."""
    return order.index(name) if name in order else len(order)
