"""Comments made directly in the database, for tests that start after posting."""

from itertools import count

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from articles.models import Article
from comments.models import Comment

_numbers = count(1)


def make_comment(article: Article, **fields) -> Comment:
    """A published top-level comment on `article`; `fields` override (parent_id=…, is_public=False…)."""
    n = next(_numbers)
    data = {
        "content_type": ContentType.objects.get_for_model(Article),
        "object_pk": str(article.pk),
        "site_id": 1,
        "user_name": f"Reader {n}",
        "user_email": f"reader{n}@example.org",
        "comment": f"Comment number {n} on the story.",
        "submit_date": timezone.now(),
        "ip_address": "192.0.2.10",
        "is_public": True,
        "is_removed": False,
        "hold_reasons": [],
        "parent_id": 0,
    }
    data.update(fields)
    comment = Comment(**data)
    comment.save()
    return comment
