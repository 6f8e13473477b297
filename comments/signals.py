"""Reader pages show comments, so any saved or deleted comment makes them stale."""

from django.db.models.signals import post_delete, post_save

from articles.caching import invalidate_pages


def _saved(sender, instance, **kwargs):
    invalidate_pages()


def _deleted(sender, instance, **kwargs):
    from .services import recount

    if instance.content_type.app_label == "articles" and str(instance.object_pk).isdigit():
        recount([int(instance.object_pk)])


def connect() -> None:
    from .models import Comment

    post_save.connect(_saved, sender=Comment, dispatch_uid="comments-saved")
    post_delete.connect(_deleted, sender=Comment, dispatch_uid="comments-deleted")
