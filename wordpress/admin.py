from django.contrib import admin

from newsroom.admin import RecordAdmin

from .models import ImportedObject, OldAddress


@admin.register(OldAddress)
class OldAddressAdmin(admin.ModelAdmin):
    list_display = ["path", "article", "page"]
    search_fields = ["path", "article__headline", "page__title"]
    autocomplete_fields = ["article"]


@admin.register(ImportedObject)
class ImportedObjectAdmin(RecordAdmin, admin.ModelAdmin):
    """What an import remembers; deleting a row would make the next import duplicate its object."""

    list_display = ["wp_key", "kind", "site", "content_type", "object_id", "updated_at"]
    list_filter = ["kind", "site"]
    search_fields = ["wp_key"]
