from django.apps import AppConfig


class ReadershipConfig(AppConfig):
    """What readers read: counted by the site's own beacon, kept per story per hour."""

    name = "readership"
    verbose_name = "Readership"
    default_auto_field = "django.db.models.BigAutoField"
