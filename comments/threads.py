"""A story's comment threads as readers see them, in two queries whatever their size.

Threads are paged by their top comment (COMMENTS_PER_PAGE a page). Nesting
stops at COMMENTS_MAX_DEPTH: anything deeper sits flat at the last level with
"in reply to NAME", which keeps long conversations readable on a phone. A
comment that is no longer visible but has visible replies stays as a
placeholder, so the replies keep their place.
"""

import functools
from dataclasses import dataclass, field

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe

from .models import Comment
from .templatetags.comment_display import avatar_hue, comment_html, initials, web_address


@dataclass
class Node:
    """One comment as the thread template shows it; everything it needs is worked out once here."""

    comment: Comment
    depth: int
    visible: bool
    in_reply_to: str = ""
    children: list["Node"] = field(default_factory=list)

    @cached_property
    def reply_to_fields(self) -> dict | None:
        return reply_fields(self.comment) if self.visible else None

    @cached_property
    def reply_url(self) -> str | None:
        return _address("comments:reply").format(self.comment.pk) if self.reply_to_fields else None

    @cached_property
    def report_url(self) -> str:
        return _address("comments:report").format(self.comment.pk)

    @cached_property
    def text_html(self) -> str:
        if self.comment.text_html:
            return mark_safe(self.comment.text_html)  # noqa: S308 (made by comment_html when saved)
        return comment_html(self.comment.comment)

    @cached_property
    def author(self) -> dict:
        name = self.comment.user_name
        return {"name": name, "initials": initials(name), "hue": avatar_hue(name),
                "website": web_address(self.comment.user_url)}  # fmt: skip


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
    if not value.isdigit() or not 0 < int(value) < 100_000:
        raise Http404("No such page of comments.")
    return int(value)


SHOWN_FIELDS = (
    "pk", "thread_id", "parent_id", "level", "order", "user_name", "user_url", "comment", "text_html",
    "submit_date", "is_public", "is_removed", "is_spam", "replied_to_id", "object_pk", "content_type_id",
)  # fmt: skip


def thread_page(article, number: int = 1) -> ThreadPage:
    per_page = settings.COMMENTS_PER_PAGE
    on_story = Comment.objects.for_story(article).select_related(None).order_by()
    start = (number - 1) * per_page
    thread_ids = list(
        on_story.visible()
        .order_by("thread_id")
        .values_list("thread_id", flat=True)
        .distinct()[start : start + per_page + 1]
    )
    if number > 1 and not thread_ids:
        raise Http404("No such page of comments.")
    has_next = len(thread_ids) > per_page
    thread_ids = thread_ids[:per_page]
    comments = (
        on_story.filter(thread_id__in=thread_ids, is_spam=False)
        .only(*SHOWN_FIELDS)
        .order_by("thread_id", "order")
    )  # fmt: skip
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
