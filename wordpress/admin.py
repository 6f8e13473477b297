from django.contrib import admin

from .models import ImportedObject, OldAddress


@admin.register(OldAddress)
class OldAddressAdmin(admin.ModelAdmin):
    list_display = ["path", "article", "page"]
    search_fields = ["path", "article__headline", "page__title"]
    autocomplete_fields = ["article"]


@admin.register(ImportedObject)
class ImportedObjectAdmin(admin.ModelAdmin):
    list_display = ["wp_key", "kind", "site", "content_type", "object_id", "updated_at"]
    list_filter = ["kind", "site"]
    search_fields = ["wp_key"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
