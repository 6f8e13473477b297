from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Comments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import pre_save
        from django_comments_xtd.models import publish_or_unpublish_on_pre_save

        # xtd republishes or hides a comment's whole subtree when its parent changes
        # state; moderation here decides comment by comment, so that rule is switched off.
        pre_save.disconnect(publish_or_unpublish_on_pre_save, sender="comments.Comment")

        from . import signals

        signals.connect()
