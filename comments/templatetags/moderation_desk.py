"""`{% moderation_desk as queue %}`: the queue in brief, for a moderator's front page (comments/desk.py)."""

from django import template

from ..desk import QueueSummary, queue_summary

register = template.Library()


@register.simple_tag
def moderation_desk() -> QueueSummary:
    return queue_summary()
