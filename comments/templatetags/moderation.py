"""Template tags for the moderators' admin."""

from django import template

from ..models import Comment

register = template.Library()


@register.simple_tag
def waiting_comments() -> int:
    """How many comments wait for a moderator: `{% waiting_comments as n %}`."""
    return Comment.objects.waiting().count()
