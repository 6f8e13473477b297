"""The comment section under a story: `{% load story_comments %}` … `{% story_comments article %}`.

The story page knows nothing of comments; this tag brings them: the notices, the
count, one page of threads (`?comments=N`) and the form. The threads are kept as a
`{% cache %}` fragment keyed by the story's comment version, which a new or
moderated comment on this story (and only this story) changes.
"""

from django import template
from django.conf import settings
from django.utils.functional import SimpleLazyObject

from articles import caching

from ..forms import CommentForm
from ..threads import page_number, thread_page

register = template.Library()


@register.inclusion_tag("includes/comments.html", takes_context=True)
def story_comments(context, article) -> dict:
    request = context["request"]
    preview = bool(context.get("preview"))
    number = page_number(request.GET.get("comments"))
    version = None
    if not preview and (settings.NEWSROOM_PAGE_CACHE or settings.NEWSROOM_FRAGMENT_CACHE):
        # Read before the comments are: the page is cached with the version it shows.
        version = caching.note_story(request, article.pk)
    return {
        "article": article,
        "request": request,
        "user": context.get("user"),
        "messages": context.get("messages"),
        "preview": preview,
        "version": version,
        "number": number,
        "comments_open": article.comments_are_open,
        "max_depth": settings.COMMENTS_MAX_DEPTH,
        # Read only when the fragment is not in the cache.
        "comment_page": SimpleLazyObject(lambda: thread_page(article, number)),
        "comment_form": CommentForm(article, user=request.user),
    }
