"""A story's comment threads as readers see them: one page of threads in one query, nested here.

Threads are paged by their top comment (COMMENTS_PER_PAGE a page). Nesting
stops at COMMENTS_MAX_DEPTH: anything deeper sits flat at the last level with
"in reply to NAME", which keeps long conversations readable on a phone. A
comment that is no longer visible but has visible replies stays as a
placeholder, so the replies keep their place. templates/comments/thread.html
shows a node and, through itself, its replies.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.safestring import mark_safe

from .models import Comment
from .templatetags.comment_display import avatar_hue, comment_html, initials, web_address

SHOWN_FIELDS = (
    "pk", "thread_id", "parent_id", "level", "user_name", "user_url", "comment", "text_html",
    "submit_date", "is_public", "is_removed", "replied_to_id",
)  # fmt: skip


@dataclass
class Node:
    """One comment in its place in the thread (a row of SHOWN_FIELDS), with its replies."""

    comment: tuple
    depth: int
    visible: bool
    in_reply_to: str = ""
    children: list["Node"] = field(default_factory=list)

    def __post_init__(self):
        """What thread.html shows, worked out once here: the template only prints it."""
        comment = self.comment
        self.name = comment.user_name
        self.hue = avatar_hue(comment.user_name)
        self.initials = initials(comment.user_name)
        self.website = web_address(comment.user_url)
        submitted = timezone.localtime(comment.submit_date).replace(microsecond=0)
        self.submitted_iso = submitted.isoformat()
        self.submitted_shown = dateformat.format(submitted, "j M Y, H:i")
        self.reply = reply_fields(comment)
        self.reply_url = reverse("comments:reply", args=[comment.pk]) if self.reply else ""
        self.report_url = reverse("comments:report", args=[comment.pk])

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


def reply_fields(comment) -> dict | None:
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
    """The page of threads `?comments=` asks for; 404 for anything that is not a page number."""
    if value in (None, ""):
        return 1
    # isascii(): "²" is a digit to isdigit() but not to int(); the length keeps int() from huge numbers.
    if not (value.isascii() and value.isdigit() and len(value) <= 5) or not 0 < int(value) < 100_000:
        raise Http404("No such page of comments.")
    return int(value)


def thread_page(article, number: int = 1) -> ThreadPage:
    """One page of threads: every comment (spam aside) of the threads this page starts, in one query."""
    per_page = settings.COMMENTS_PER_PAGE
    start = (number - 1) * per_page
    on_story = Comment.objects.for_story(article).order_by()
    # One more thread than the page holds: it says whether there is a next page.
    page_threads = on_story.visible().order_by("thread_id").values("thread_id").distinct()
    comments = list(
        on_story.filter(thread_id__in=page_threads[start : start + per_page + 1], is_spam=False)
        .order_by("thread_id", "order")
        .values_list(*SHOWN_FIELDS, named=True)
    )
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
