"""The comment section under a story: `{% load story_comments %}` … `{% story_comments article %}`.

The story page knows nothing of comments; this tag brings them: the count, the
notices, one page of threads (`?comments=N`), then "Leave a Reply" and the form.
The threads are kept as a `{% cache %}` fragment keyed by the story's comment
version, which a new or moderated comment on this story (and only this story)
changes.

What is this reader's alone is never read from or kept in that fragment: their own
held comments (the signed `?held=` address, comments/held.py) and the notices about
one comment (`notice_at`: "Thank you: a moderator will look at this comment."), which
stand at that comment. Pages showing either are not cached whole either (the
parameter and the messages cookie keep them out, articles/caching.py and nginx).
When the story page answers a refused post, the context's `comment_form` is the
reader's form, bound to what they sent, with its errors.
"""

from django import template
from django.conf import settings
from django.utils.functional import SimpleLazyObject

from articles import caching

from ..forms import CommentForm
from ..held import PARAMETER, held_ids
from ..threads import own_held, page_number, place_notices, sort_notices, thread_page

register = template.Library()


@register.inclusion_tag("includes/comments.html", takes_context=True)
def story_comments(context, article) -> dict:
    request = context["request"]
    preview = bool(context.get("preview"))
    number = page_number(request.GET.get("comments"))
    own = own_held(article, held_ids(request.GET.get(PARAMETER)))
    notices, placed = sort_notices(context.get("messages"))
    version = None
    if own or placed:  # this reader's alone: made now, kept nowhere
        comment_page = thread_page(article, number, own)
        notices += place_notices(comment_page.threads, placed)
    else:
        if not preview and (settings.NEWSROOM_PAGE_CACHE or settings.NEWSROOM_FRAGMENT_CACHE):
            # Read before the comments are: the page is cached with the version it shows.
            version = caching.note_story(request, article.pk)
        # Read only when the fragment is not in the cache.
        comment_page = SimpleLazyObject(lambda: thread_page(article, number))
    sent = context.get("comment_form")
    return {
        "article": article,
        "request": request,
        "user": context.get("user"),
        "notices": notices,
        "own": own,
        # Kept on the links to other pages of threads, so the reader's held comments stay in view.
        "held": request.GET.get(PARAMETER, "") if own else "",
        "preview": preview,
        "version": version,
        "number": number,
        "comments_open": article.comments_are_open,
        "max_depth": settings.COMMENTS_MAX_DEPTH,
        "comment_page": comment_page,
        "comment_form": sent if isinstance(sent, CommentForm) else CommentForm(article, user=request.user),
    }
