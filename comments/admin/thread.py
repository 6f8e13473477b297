"""A comment in its thread, for moderators and editors: its parents above it, its replies below.

Every comment is shown whatever its state (held, removed and spam ones marked), so a
moderator judges a reply with what it answers in view. The queue opens it in place
(`?fragment=1`: the thread's HTML alone, which static/js/moderation.js inserts under the
row); without it the same thread is an admin page. The whole thread is read in one query
and cut down to the comment's line in Python; the story is one more.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from ..models import Comment, Report, Status
from ..templatetags.comment_display import comment_html
from .display import stories_of
from .people import commenter_url
from .rows import LABELS, decisions_for, moderate_url


def buttons_for(comment: Comment) -> list[dict]:
    """The queue's buttons for this comment (rows.decisions_for), for the thread's own rows."""
    return [
        {"action": action, "label": LABELS[action], "url": moderate_url(comment.pk, action)}
        for action in decisions_for(comment.status, bool(comment.open_reports))
    ]


@dataclass
class Item:
    """One comment in the thread as the page shows it, with the replies shown under it."""

    comment: Comment
    target: bool = False
    children: list["Item"] = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.comment.status

    @property
    def status_label(self) -> str:
        return self.comment.get_status_display()

    @property
    def reasons(self) -> list[str]:
        if self.comment.status != Status.HELD and not self.comment.is_spam:
            return []
        return self.comment.hold_reason_labels()

    @property
    def open_reports(self) -> int:
        return self.comment.open_reports

    @property
    def submitted_iso(self) -> str:
        return timezone.localtime(self.comment.submit_date).replace(microsecond=0).isoformat()

    @property
    def text(self) -> str:
        if self.comment.text_html:
            return mark_safe(self.comment.text_html)  # noqa: S308 (made safe by comment_html when saved)
        return comment_html(self.comment.comment)


def read_thread(pk: int) -> list[Comment]:
    """Every comment of the thread comment `pk` is in, in the thread's order: one query."""
    thread = Comment.objects.filter(pk=pk).values("thread_id")[:1]
    reports = (
        Report.objects.filter(comment=OuterRef("pk"), resolved_at__isnull=True)
        .order_by()
        .values("comment")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return list(
        Comment.objects.filter(thread_id=Subquery(thread))
        .annotate(open_reports=Coalesce(Subquery(reports, output_field=IntegerField()), 0))
        .select_related(None)
        .order_by("order", "pk")
    )


def answered(comment: Comment, known: dict[int, Comment]) -> int | None:
    """The comment this one answers: the one it replied to beside it at the deepest level, else its parent."""
    for pk in (comment.replied_to_id, comment.parent_id):
        if pk and pk != comment.pk and pk in known:
            return pk
    return None


def line_of(comments: list[Comment], pk: int) -> Item | None:
    """The comment `pk` under its chain of parents, with all its replies: the top of that tree."""
    known = {comment.pk: comment for comment in comments}
    if pk not in known:
        return None
    replies: dict[int, list[Comment]] = {}
    for comment in comments:
        up = answered(comment, known)
        if up is not None:
            replies.setdefault(up, []).append(comment)

    def grow(comment: Comment, seen: set[int]) -> Item:
        seen.add(comment.pk)
        item = Item(comment, target=comment.pk == pk)
        item.children = [grow(reply, seen) for reply in replies.get(comment.pk, []) if reply.pk not in seen]
        return item

    top = Item(known[pk], target=True)
    top.children = [grow(reply, {pk}) for reply in replies.get(pk, [])]
    seen = {pk}
    up = answered(known[pk], known)
    while up is not None and up not in seen:  # a broken thread must not loop
        seen.add(up)
        top = Item(known[up], children=[top])
        up = answered(known[up], known)
    return top


def walk(item: Item):
    yield item
    for child in item.children:
        yield from walk(child)


def back_to(request, default: str) -> str:
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def thread_view(request, pk: int, *, model_admin):
    """The comment `pk` in its thread; `?fragment=1` answers the thread's HTML alone."""
    if not model_admin.has_view_or_change_permission(request):
        raise PermissionDenied
    comments = read_thread(pk)
    top = line_of(comments, pk)
    if top is None:
        raise Http404("No such comment.")
    comment = next(item.comment for item in walk(top) if item.target)
    story = stories_of([comment]).get(int(comment.object_pk)) if comment.object_pk.isdigit() else None
    can_moderate = request.user.has_perm("comments.moderate_comment")
    here = reverse("admin:comments_comment_thread", args=[pk])
    queue = reverse("admin:comments_comment_changelist")
    for item in walk(top):
        item.buttons = buttons_for(item.comment) if can_moderate else []
        item.details_url = reverse("admin:comments_comment_change", args=[item.comment.pk])
        item.commenter_url = commenter_url(item.comment.user_email)
    context = {
        "top": top,
        "comment": comment,
        "story": story,
        "story_gone": story is None,
        "story_url": f"{settings.SITE_URL}{story.get_absolute_url()}" if story else "",
        "can_moderate": can_moderate,
        "shown": sum(1 for _ in walk(top)),
        "next_url": here,
    }
    if request.GET.get("fragment") == "1":
        return TemplateResponse(request, "admin/comments/includes/thread.html", context)
    opts = model_admin.opts
    context |= {
        **model_admin.admin_site.each_context(request),
        "opts": opts,
        "title": f"Comment by {comment.user_name} in its thread",
        "back_url": back_to(request, f"{queue}?status=all"),
    }
    return TemplateResponse(request, "admin/comments/comment/thread.html", context)


def thread_urls(model_admin) -> list:
    """The thread's URL, for CommentAdmin.get_urls."""

    def view(request, pk):
        return thread_view(request, pk, model_admin=model_admin)

    return [
        path(
            "<int:pk>/thread/",
            model_admin.admin_site.admin_view(require_GET(view)),
            name="comments_comment_thread",
        )
    ]
