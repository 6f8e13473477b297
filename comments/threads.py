"""A story's comment threads as readers see them: one page of threads in one query, nested here.

Threads are paged by their top comment (COMMENTS_PER_PAGE a page). Nesting
stops at COMMENTS_MAX_DEPTH: anything deeper sits flat at the last level with
"in reply to NAME", which keeps long conversations readable on a phone. A
comment that is no longer visible but has visible replies stays as a
placeholder, so the replies keep their place. templates/comments/thread.html
shows a node and, through itself, its replies.

A reader who has just posted a comment that waits for a moderator sees it in its
place (`own`: ids from the signed `?held=` address, comments/held.py), marked as
awaiting moderation; nobody else does. A banned commenter's comment (stored as spam,
HoldReason.BANNED) looks held to its author in the same way, and to them alone.

Staff with `comments.view_comment` get every comment of the story in its place
(`staff=VIEW`, or `MODERATE` with the moderator's buttons): held ones in full, marked
with their state and reasons, removed and spam ones as one-line placeholders. That
view is made for them alone and never cached (comments/templatetags/story_comments.py).
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.safestring import mark_safe

from .models import HELD, VISIBLE, Comment, HoldReason, Status
from .templatetags.comment_display import avatar_hue, comment_html, initials, web_address

SHOWN_FIELDS = (
    "pk", "thread_id", "parent_id", "level", "user_name", "user_url", "comment", "text_html",
    "submit_date", "is_public", "is_removed", "replied_to_id", "by_staff", "is_spam", "hold_reasons",
)  # fmt: skip
# What the comment's author is shown as awaiting moderation: held, or sent to Spam because its
# author is banned (they are not told). The hold reasons are a JSON list: a quoted code is one entry.
HELD_FOR_AUTHOR = HELD | Q(is_removed=True, is_spam=True, hold_reasons__icontains=f'"{HoldReason.BANNED}"')
# Whom a node is made for: readers (""), staff who may look (VIEW), moderators who may act too.
VIEW = "view"
MODERATE = "moderate"
# The buttons a moderator gets on the staff view, by the comment's state (admin:comments_comment_moderate).
BUTTONS = {
    Status.HELD: (("approve", "Approve"), ("remove", "Remove"), ("spam", "Spam")),
    Status.VISIBLE: (("remove", "Remove"), ("spam", "Spam")),
    Status.REMOVED: (("approve", "Approve"), ("spam", "Spam")),
    Status.SPAM: (("not_spam", "Not spam"),),
}


@dataclass
class Node:
    """One comment in its place in the thread (a row of SHOWN_FIELDS), with its replies."""

    comment: tuple
    depth: int
    visible: bool
    in_reply_to: str = ""
    awaiting: bool = False  # the reader's own comment, held: shown to them alone
    staff: str = ""  # VIEW or MODERATE: the staff view, with each comment's state and the desk's links
    children: list["Node"] = field(default_factory=list)
    notices: list = field(default_factory=list)  # this reader's notices about this comment

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
        self.published = comment.is_public and not comment.is_removed
        self.reply = reply_fields(comment) if self.published else None
        self.reply_url = reverse("comments:reply", args=[comment.pk]) if self.reply else ""
        self.report_url = reverse("comments:report", args=[comment.pk])
        if self.staff:
            self._staff_fields()

    def _staff_fields(self):
        """The comment's state and reasons, and the desk's links and buttons (staff view only)."""
        comment = self.comment
        if comment.is_removed:
            self.state = Status.SPAM if comment.is_spam else Status.REMOVED
        else:
            self.state = Status.VISIBLE if comment.is_public else Status.HELD
        self.state_label = Status(self.state).label
        labels = dict(HoldReason.choices)
        self.reasons = [labels.get(code, code) for code in comment.hold_reasons or ()]
        self.thread_url = thread_address(comment.pk)
        self.buttons = []
        self.staff_reply_url = ""
        if self.staff == MODERATE:
            self.buttons = [
                (label, reverse("admin:comments_comment_moderate", args=[comment.pk, action]))
                for action, label in BUTTONS[self.state]
            ]
            if self.published:
                self.staff_reply_url = reverse("admin:comments_comment_reply", args=[comment.pk])

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


def thread_address(pk: int) -> str:
    """The comment in its thread in the moderators' admin."""
    return reverse("admin:comments_comment_thread", args=[pk])


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


def own_held(article, ids) -> frozenset[int]:
    """Of `ids`, the comments on this story that still wait as far as their author knows.

    Held ones (not published, removed or spam), and a banned commenter's, which went to Spam.
    """
    if not ids:
        return frozenset()
    held = Comment.objects.for_story(article).filter(HELD_FOR_AUTHOR, pk__in=sorted(ids))
    return frozenset(held.values_list("pk", flat=True))


def _shown(on_story, own, staff=""):
    """The comments whose threads are on the pages: the visible ones and the reader's own held ones;
    every one for staff."""
    if staff:
        return on_story
    return on_story.filter(VISIBLE | Q(pk__in=sorted(own))) if own else on_story.visible()


def thread_page(article, number: int = 1, own: frozenset[int] = frozenset(), staff: str = "") -> ThreadPage:
    """One page of threads: every comment (spam aside) of the threads this page starts, in one query.

    `own`: the reader's held comments (from own_held()), shown in their places. `staff`: VIEW or
    MODERATE for the staff view, where every comment stands, spam too.
    """
    per_page = settings.COMMENTS_PER_PAGE
    start = (number - 1) * per_page
    on_story = Comment.objects.for_story(article).order_by()
    # One more thread than the page holds: it says whether there is a next page.
    page_threads = _shown(on_story, own, staff).order_by("thread_id").values("thread_id").distinct()
    in_page = on_story.filter(thread_id__in=page_threads[start : start + per_page + 1])
    if not staff:  # spam stays out, but for its banned author's own eyes
        in_page = (
            in_page.filter(Q(is_spam=False) | Q(pk__in=sorted(own))) if own else in_page.filter(is_spam=False)
        )
    comments = list(in_page.order_by("thread_id", "order").values_list(*SHOWN_FIELDS, named=True))
    if number > 1 and not comments:
        raise Http404("No such page of comments.")
    thread_ids = sorted({comment.thread_id for comment in comments})
    has_next = len(thread_ids) > per_page
    if has_next:  # the first thread of the next page came along to say there is one
        last = thread_ids[per_page - 1]
        comments = [comment for comment in comments if comment.thread_id <= last]
    return ThreadPage(build(comments, own, staff), number, has_next)


def page_of(article, pk: int, own: frozenset[int] = frozenset(), staff: str = "") -> int:
    """The page of threads (`?comments=`) comment `pk` stands on, for a reader who sees `own` too
    (or for staff, who see every comment)."""
    on_story = Comment.objects.for_story(article).order_by()
    thread = on_story.filter(pk=pk).values_list("thread_id", flat=True).first()
    if thread is None:
        return 1
    before = _shown(on_story, own, staff).filter(thread_id__lt=thread).values("thread_id").distinct().count()
    return before // settings.COMMENTS_PER_PAGE + 1


def build(comments, own: frozenset[int] = frozenset(), staff: str = "") -> list[Node]:
    """Nest comments (ordered by thread and xtd's order) into at most COMMENTS_MAX_DEPTH levels.

    `own` holds only comments own_held() let through: shown to their author as awaiting.
    For `staff`, held comments show in full and removed ones stay as placeholders.
    """
    last = max(settings.COMMENTS_MAX_DEPTH - 1, 0)
    nodes: dict[int, Node] = {}
    names: dict[int, str] = {}
    roots: list[Node] = []
    for comment in comments:
        names[comment.pk] = comment.user_name
        published = comment.is_public and not comment.is_removed
        awaiting = comment.pk in own and not published and not staff
        visible = published or awaiting or (bool(staff) and not comment.is_removed)
        node = Node(comment, min(comment.level, last), visible, awaiting=awaiting, staff=staff)
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
    """Drop hidden comments that have no visible reply under them; True if anything is left.

    Staff keep every comment: a removed one stands as a placeholder with its state."""
    node.children = [child for child in node.children if _prune(child)]
    return node.visible or bool(node.staff) or bool(node.children)


NOTICE_AT = "at-comment-"


def notice_at(pk: int) -> str:
    """The extra_tags that place a message at comment `pk` in the thread."""
    return f"{NOTICE_AT}{pk}"


def sort_notices(messages) -> tuple[list, dict[int, list]]:
    """The reader's messages: those for the whole section, and those about one comment, by its id."""
    general, placed = [], {}
    for message in messages or ():
        tag = message.extra_tags or ""
        pk = tag.removeprefix(NOTICE_AT)
        if tag.startswith(NOTICE_AT) and pk.isascii() and pk.isdigit():
            placed.setdefault(int(pk), []).append(message)
        else:
            general.append(message)
    return general, placed


def place_notices(threads: list[Node], notices: dict[int, list]) -> list:
    """Put each notice about a comment on that comment's node; those whose comment is not shown."""
    left = dict(notices)
    stack = list(threads)
    while stack and left:
        node = stack.pop()
        if node.visible and node.comment.pk in left:
            node.notices = left.pop(node.comment.pk)
        stack.extend(node.children)
    return [notice for group in left.values() for notice in group]
