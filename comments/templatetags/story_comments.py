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

Staff with `comments.view_comment` get the moderation bar above the comments (how many
wait on this story, its queue, the staff view), and with `?moderation=1` the staff view:
every comment in its place, held ones marked with their reasons, with the moderators'
buttons. Both are for signed-in users, whose pages are never kept whole (articles/caching.py,
nginx skips its cache for a session cookie); the bar stands outside the thread fragment, and
the staff view's threads are made for the request and never read from or written to it.
Anyone else asking for `?moderation=1` gets the page as readers see it.
"""

from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from articles import caching

from ..forms import CommentForm
from ..held import PARAMETER, held_ids
from ..models import Comment
from ..threads import MODERATE, VIEW, own_held, page_number, place_notices, sort_notices, thread_page

register = template.Library()

MODERATION = "moderation"  # `?moderation=1`: the staff view of a story's comments


def staff_view_address(article, number: int = 1, pk: int | None = None) -> str:
    """The staff view of `article`'s comments, on page `number` of threads, at comment `pk`."""
    query = {"comments": number} if number > 1 else {}
    anchor = f"#c{pk}" if pk else "#comments"
    return f"{article.get_absolute_url()}?{urlencode({**query, MODERATION: 1})}{anchor}"


def staff_desk(request, article, preview: bool) -> dict | None:
    """The moderation bar (and whether this is the staff view) for staff who may see comments."""
    user = request.user
    if preview or not user.is_authenticated or not user.has_perm("comments.view_comment"):
        return None
    queue = reverse("admin:comments_comment_changelist")
    section = article.section if article.section_id else None
    return {
        "viewing": request.GET.get(MODERATION) == "1",
        "staff": MODERATE if user.has_perm("comments.moderate_comment") else VIEW,
        "waiting": Comment.objects.for_story(article).waiting_count(),
        "queue_url": f"{queue}?{urlencode({'story': article.pk})}",
        "section": section,
        "section_queue_url": f"{queue}?{urlencode({'section': section.slug})}" if section else "",
        "view_url": staff_view_address(article),
        "reader_url": f"{article.get_absolute_url()}#comments",
        "here": request.get_full_path(),
    }


@register.inclusion_tag("includes/comments.html", takes_context=True)
def story_comments(context, article) -> dict:
    request = context["request"]
    preview = bool(context.get("preview"))
    number = page_number(request.GET.get("comments"))
    own = own_held(article, held_ids(request.GET.get(PARAMETER)))
    notices, placed = sort_notices(context.get("messages"))
    desk = staff_desk(request, article, preview)
    version = None
    if desk and desk["viewing"]:  # staff's alone: every comment, made now, kept nowhere
        own = frozenset()
        comment_page = thread_page(article, number, staff=desk["staff"])
        notices += place_notices(comment_page.threads, placed)
    elif own or placed:  # this reader's alone: made now, kept nowhere
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
        "desk": desk,
        # Kept on the links to other pages of threads: the reader's held comments stay in view,
        # and staff stay in the staff view.
        "keep": _kept(request, own, desk),
        "preview": preview,
        "version": version,
        "number": number,
        "comments_open": article.comments_are_open,
        "max_depth": settings.COMMENTS_MAX_DEPTH,
        "comment_page": comment_page,
        "comment_form": sent if isinstance(sent, CommentForm) else CommentForm(article, user=request.user),
    }


def _kept(request, own, desk) -> str:
    """The query that links to other pages of threads carry, after `comments=N`."""
    if desk and desk["viewing"]:
        return urlencode({MODERATION: 1})
    return urlencode({PARAMETER: request.GET.get(PARAMETER, "")}) if own else ""
