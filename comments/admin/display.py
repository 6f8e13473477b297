"""Small pieces of the moderators' admin pages: excerpts, links to a comment, the stories of comments."""

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from articles.models import Article

EXCERPT = 120


def excerpt(text: str, length: int = EXCERPT) -> str:
    return Truncator(" ".join(text.split())).chars(length)


def comment_link(comment_id: int, text: str):
    url = reverse("admin:comments_comment_change", args=[comment_id])
    return format_html('<a href="{}">{}</a>', url, text)


def stories_of(comments) -> dict[int, Article]:
    """The stories a page of comments belong to, in one query."""
    article_type = ContentType.objects.get_for_model(Article)
    pks = {
        int(c.object_pk) for c in comments if c.content_type_id == article_type.pk and c.object_pk.isdigit()
    }
    if not pks:
        return {}
    return (
        Article.objects.select_related("section")
        .only("headline", "slug", "published_at", "section__slug")
        .in_bulk(pks)
    )
