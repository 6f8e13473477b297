"""Reader pages show comments: a saved or deleted comment makes its story's pages stale (only those)."""

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_delete, post_save

from articles.caching import invalidate_stories


def _story_pk(comment) -> int | None:
    content_type = ContentType.objects.get_for_id(comment.content_type_id)
    if content_type.app_label == "articles" and str(comment.object_pk).isdigit():
        return int(comment.object_pk)
    return None


def _saved(sender, instance, **kwargs):
    pk = _story_pk(instance)
    if pk is not None:
        invalidate_stories([pk])


def _deleted(sender, instance, **kwargs):
    from .services import comments_recount

    pk = _story_pk(instance)
    if pk is not None:
        comments_recount(article_pks=[pk])


def connect() -> None:
    from .models import Comment

    post_save.connect(_saved, sender=Comment, dispatch_uid="comments-saved")
    post_delete.connect(_deleted, sender=Comment, dispatch_uid="comments-deleted")
