"""A story's comment threads as readers see them: one query, rendered in Python, kept as a fragment.

Threads are paged by their top comment (COMMENTS_PER_PAGE a page). Nesting
stops at COMMENTS_MAX_DEPTH: anything deeper sits flat at the last level with
"in reply to NAME", which keeps long conversations readable on a phone. A
comment that is no longer visible but has visible replies stays as a
placeholder, so the replies keep their place.
"""

import functools
from collections import namedtuple
from dataclasses import dataclass, field
from html import escape

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Subquery
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.safestring import SafeString, mark_safe

from articles.caching import fragment
from newsroom.prepared import PreparedQuery

from .models import Comment
from .templatetags.comment_display import avatar_hue, comment_html, initials, web_address


@dataclass
class Node:
    """One comment in its place in the thread, as render_threads shows it."""

    comment: "ShownComment | Comment"
    depth: int
    visible: bool
    in_reply_to: str = ""
    children: list["Node"] = field(default_factory=list)

    @property
    def text_html(self) -> str:
        if self.comment.text_html:
            return mark_safe(self.comment.text_html)  # noqa: S308 (made by comment_html when saved)
        return comment_html(self.comment.comment)


@dataclass
class ThreadPage:
    threads: list[Node]
    number: int
    has_next: bool

    @property
    def next_number(self) -> int:
        return self.number + 1


@functools.cache
def _address(name: str) -> str:
    """A comment page's address with a slot for the comment's id (reverse() once, not per comment)."""
    return reverse(name, args=[0]).replace("/0/", "/{}/")


def reply_fields(comment: Comment) -> dict | None:
    """The form's reply_to/replied_to for answering `comment`, or None when it takes no reply.

    Below the deepest level a reply nests under the comment; at it, the reply
    sits beside the comment and records whom it answers.
    """
    last = settings.COMMENTS_MAX_DEPTH - 1
    if comment.level < last:
        return {"reply_to": comment.pk, "replied_to": ""}
    if comment.level == last and last > 0:
        return {"reply_to": comment.parent_id, "replied_to": comment.pk}
    return None


def page_number(value: str | None) -> int:
    if value in (None, ""):
        return 1
    # isascii(): "²" is a digit to isdigit() but not to int(); the length keeps int() from huge numbers.
    if not (value.isascii() and value.isdigit() and len(value) <= 5) or not 0 < int(value) < 100_000:
        raise Http404("No such page of comments.")
    return int(value)


SHOWN_FIELDS = (
    "pk", "thread_id", "parent_id", "level", "user_name", "user_url", "comment", "text_html",
    "submit_date", "is_public", "is_removed", "replied_to_id",
)  # fmt: skip

# A comment as the thread shows it: plain values, no model instance to build for each one.
ShownComment = namedtuple("ShownComment", SHOWN_FIELDS)


@functools.lru_cache(maxsize=64)
def _page_query(start: int, stop: int) -> PreparedQuery:
    """One page's query (threads start to stop), compiled once per process: compiling it cost
    several times what running it does."""

    def build(content_type, story):
        on_story = Comment.objects.filter(content_type_id=content_type, object_pk=story).order_by()
        page_threads = on_story.visible().order_by("thread_id").values("thread_id").distinct()[start:stop]
        return (
            on_story.filter(thread_id__in=Subquery(page_threads), is_spam=False)
            .order_by("thread_id", "order")
            .values_list(*SHOWN_FIELDS)
        )

    return PreparedQuery(build, content_type=int, story=str)


def _page_rows(article, start: int, stop: int) -> list[ShownComment]:
    content_type = ContentType.objects.get_for_model(article).pk
    rows = _page_query(start, stop).run(Comment.objects.db, content_type=content_type, story=str(article.pk))
    return [ShownComment._make(row) for row in rows]


def thread_page(article, number: int = 1) -> ThreadPage:
    """One page of threads: those whose top-level id is among this page's, in one query."""
    per_page = settings.COMMENTS_PER_PAGE
    start = (number - 1) * per_page
    comments = _page_rows(article, start, start + per_page + 1)
    if number > 1 and not comments:
        raise Http404("No such page of comments.")
    thread_ids = sorted({comment.thread_id for comment in comments})
    has_next = len(thread_ids) > per_page
    if has_next:  # the first thread of the next page came along to say there is one
        last = thread_ids[per_page - 1]
        comments = [comment for comment in comments if comment.thread_id <= last]
    return ThreadPage(build(comments), number, has_next)


def build(comments) -> list[Node]:
    """Nest comments (ordered by thread and xtd's order) into at most COMMENTS_MAX_DEPTH levels."""
    last = max(settings.COMMENTS_MAX_DEPTH - 1, 0)
    nodes: dict[int, Node] = {}
    names: dict[int, str] = {}
    roots: list[Node] = []
    for comment in comments:
        names[comment.pk] = comment.user_name
        visible = comment.is_public and not comment.is_removed
        node = Node(comment, depth=min(comment.level, last), visible=visible)
        nodes[comment.pk] = node
        if comment.level == 0 or comment.parent_id == comment.pk:
            node.depth = 0
            roots.append(node)
            continue
        parent = nodes.get(comment.parent_id)
        if parent is None:
            continue  # its thread is broken; never show an orphan out of place
        if comment.level > last or comment.replied_to_id:
            answered = comment.replied_to_id if comment.replied_to_id in names else comment.parent_id
            node.in_reply_to = names.get(answered, "")
            if comment.level > last:
                while parent.depth >= last and parent.comment.level > 0:
                    parent = nodes[parent.comment.parent_id]
        parent.children.append(node)
    return [root for root in roots if _prune(root)]


def _prune(node: Node) -> bool:
    """Drop hidden comments that have no visible reply under them; True if anything is left."""
    node.children = [child for child in node.children if _prune(child)]
    return node.visible or bool(node.children)


# Rendering ------------------------------------------------------------------------------


@dataclass
class RenderedThreads:
    """A page of threads as HTML (what includes/comments.html shows), cheap to keep in the cache."""

    html: SafeString
    number: int
    has_next: bool

    @property
    def threads(self) -> bool:
        return bool(self.html)

    @property
    def next_number(self) -> int:
        return self.number + 1


def story_threads(article, number: int = 1, version: int | None = None) -> RenderedThreads:
    """The story's page `number` of threads, rendered; kept as a fragment when `version` is given.

    `version` is the story's comment version (articles.caching.story_version), so a new
    or moderated comment on this story, and only this story, makes the fragment stale.
    """
    comments_open = article.comments_are_open

    def render() -> tuple[str, bool]:
        page = thread_page(article, number)
        return render_threads(page.threads, comments_open), page.has_next

    if version is None:
        html, has_next = render()
    else:
        name = f"comments:{article.pk}:{version}:{number}:{int(comments_open)}:{settings.COMMENTS_MAX_DEPTH}"
        html, has_next = fragment(name, render)
    return RenderedThreads(mark_safe(html), number, has_next)  # noqa: S308 (escaped in render_threads)


def render_threads(roots: list[Node], comments_open: bool) -> SafeString:
    """The <li> of every thread, the same markup for every comment; names and addresses escaped.

    Python, not a template per comment: a page of fifty comments costs well under a millisecond.
    """
    out: list[str] = []
    months: dict = {"tz": timezone.get_current_timezone()}  # and month names, looked up once
    reply_address = _address("comments:reply")
    report_address = _address("comments:report")
    for root in roots:
        _render_node(root, comments_open, reply_address, report_address, out, months)
    return mark_safe("".join(out))  # noqa: S308 (every value below is escaped or made safe when saved)


def _render_node(
    node: Node, comments_open: bool, reply_address: str, report_address: str, out: list, months
) -> None:
    comment = node.comment
    pk = comment.pk
    gone = "" if node.visible else " comment-gone"
    out.append(f'<li class="comment depth-{node.depth}{gone}" id="c{pk}">\n')
    if node.visible:
        raw_name = comment.user_name
        name = escape(raw_name)
        website = web_address(comment.user_url)
        author = f'<a href="{escape(website)}" rel="nofollow ugc noopener">{name}</a>' if website else name
        in_reply_to = (
            f'<span class="in-reply-to">in reply to {escape(node.in_reply_to)}</span>\n'
            if node.in_reply_to
            else ""
        )
        when = comment.submit_date.astimezone(months["tz"]).replace(microsecond=0)  # as localtime()
        month = months.get(when.month)
        if month is None:
            month = months[when.month] = str(MONTHS_3[when.month]).title()  # as the date filter's "M"
        reply = ""
        fields = reply_fields(comment)
        if fields and comments_open:
            reply = (
                f'<a class="reply-link" href="{reply_address.format(pk)}"'
                f' data-reply-to="{fields["reply_to"]}" data-replied-to="{fields["replied_to"]}"'
                f' data-name="{name}">'
                f'Reply<span class="visually-hidden"> to {name}</span></a>\n'
            )
        out.append(
            f'<article aria-label="Comment by {name}">\n'
            f'<header class="comment-meta">\n'
            f'<span class="avatar hue-{avatar_hue(raw_name)}" aria-hidden="true">'
            f"{escape(initials(raw_name))}</span>\n"
            f'<span class="comment-author">{author}</span>\n'
            f"{in_reply_to}"
            f'<a class="comment-time" href="#c{pk}"><time datetime="{when.isoformat()}">'
            f"{when.day} {month} {when.year}, {when:%H:%M}</time></a>\n"
            f"</header>\n"
            f'<div class="comment-text">{node.text_html}</div>\n'
            f'<p class="comment-actions">\n{reply}'
            f'<a class="report-link" href="{report_address.format(pk)}" rel="nofollow">'
            f'Report<span class="visually-hidden"> this comment by {name}</span></a>\n'
            f"</p>\n</article>\n"
        )
    else:
        out.append('<p class="comment-placeholder">This comment was removed.</p>\n')
    if node.children:
        out.append('<ol class="comment-replies">')
        for child in node.children:
            _render_node(child, comments_open, reply_address, report_address, out, months)
        out.append("</ol>\n")
    out.append("</li>\n")
