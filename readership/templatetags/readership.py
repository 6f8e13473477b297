"""Readership on reader pages: `{% load readership %}` … `{% most_read as stories %}`.

articles never imports readership: its templates load this tag where they show the
"Most read" list (templates/includes/most_read.html), as they load the comments' tags.
"""

from django import template

from articles.models import Article
from articles.selectors import story_cards

from ..ranking import most_read as most_read_ids

register = template.Library()


@register.simple_tag
def most_read() -> list[Article]:
    """The "Most read" stories, best first, with what their links show (section included).

    One query when there is a list, none when there is not (the ids come from the cache).
    A story made non-public since the last fold is left out until the next one.
    """
    ids = most_read_ids()
    if not ids:
        return []
    stories = story_cards(Article.objects.published().filter(pk__in=ids)).prefetch_related(None).order_by()
    by_pk = {story.pk: story for story in stories}
    return [by_pk[pk] for pk in ids if pk in by_pk]
