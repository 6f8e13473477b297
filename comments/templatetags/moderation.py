"""Template tags for the moderators' admin: the waiting count and its badge, the Undo after a decision."""

from django import template
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.http import urlencode

from articles.models import Article

from ..admin.actions import UNDO_TAG
from ..models import Comment

register = template.Library()


@register.simple_tag
def waiting_comments() -> int:
    """How many comments wait for a moderator: `{% waiting_comments as n %}`."""
    return Comment.objects.waiting_count()


@register.simple_tag(takes_context=True)
def waiting_badge(context) -> int:
    """The count beside "Comments" in the admin's navigation: the page's own if it made one.

    The admin index and the queue already count waiting comments (`moderation_waiting`);
    every other page counts once here, for the one "Comments" link it shows.
    """
    known = context.get("moderation_waiting")
    return known if isinstance(known, int) else Comment.objects.waiting_count()


@register.simple_tag
def story_waiting(article) -> int:
    """How many comments on one story wait for a moderator (for the story's admin page)."""
    story_type = ContentType.objects.get_for_model(Article)
    return Comment.objects.filter(content_type=story_type, object_pk=str(article.pk)).waiting_count()


@register.simple_tag
def story_queue_url(article) -> str:
    return f"{reverse('admin:comments_comment_changelist')}?story={article.pk}"


@register.simple_tag
def section_queue_url(section) -> str:
    return f"{reverse('admin:comments_comment_changelist')}?{urlencode({'section': section.slug})}"


@register.filter
def undo_url(message) -> str:
    """The Undo address a decision's message carries (see actions.ModerationViews.answer), or ""."""
    for tag in (getattr(message, "extra_tags", "") or "").split():
        if tag.startswith(UNDO_TAG) and tag.removeprefix(UNDO_TAG).isdigit():
            return reverse("admin:comments_comment_undo", args=[int(tag.removeprefix(UNDO_TAG))])
    return ""
