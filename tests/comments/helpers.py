"""Comments made directly in the database, for tests that start after posting."""

import re
from itertools import count

from django.contrib.contenttypes.models import ContentType
from django.http import HttpResponse
from django.utils import timezone

from articles.models import Article
from comments import tokens, views
from comments.models import Comment, PendingComment

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


def make_pending(article: Article, **fields) -> tuple[PendingComment, str]:
    """A comment waiting for its author to confirm, and the path of the link that confirms it."""
    n = next(_numbers)
    data = {
        "article": article,
        "email": f"reader{n}@example.org",
        "browser": f"browser-{n}",
        "user_name": f"Reader {n}",
        "text": f"Pending comment number {n}.",
        "ip_address": "192.0.2.10",
        "mailed_at": timezone.now(),
    }
    data.update(fields)
    pending = PendingComment.objects.create(**data)
    return pending, f"/comments/confirm/{tokens.pending_token(pending)}/"


def trust_cookie(email: str) -> str:
    """The value of the cookie a browser gets when it confirms `email` (made by the view's own call)."""
    response = HttpResponse()
    response.set_signed_cookie(views.TRUST_COOKIE, email, salt=views.TRUST_SALT)
    return response.cookies[views.TRUST_COOKIE].value


def confirm_link(message) -> str:
    """The path of the confirmation link in a mail."""
    return re.search(r"https?://[^/\s]+(/comments/confirm/\S+/)", message.body).group(1)
