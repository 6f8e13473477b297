"""Staff at the story: a comment in the staff view of its story page, and replies from the newsroom.

Two admin views, added to CommentAdmin's URLs by `urls()`:
- `<pk>/on-site/` (comments.view_comment): to the story's staff view (`?moderation=1`),
  on the page of threads the comment stands on there, at the comment. The comment's
  "View on site" in the admin goes through it.
- `<pk>/reply/` (comments.moderate_comment): the comment and a box to answer it; the
  answer is published under the moderator's name with a "Staff" badge
  (moderating.comment_staff_reply).
"""

from functools import partial

from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_safe

from articles.models import Article

from ..models import Comment
from ..moderating import comment_staff_reply
from ..templatetags.story_comments import staff_view_address
from ..threads import VIEW, page_of


def urls(model_admin) -> list:
    """The two views' URL patterns, named in CommentAdmin's way (admin:comments_comment_…).

    admin_view signs staff in and answers never-cache."""
    wrap = model_admin.admin_site.admin_view
    return [
        path("<int:pk>/on-site/", wrap(require_safe(on_site_view)), name="comments_comment_on_site"),
        path("<int:pk>/reply/", wrap(partial(reply_view, model_admin)), name="comments_comment_reply"),
    ]


def on_site_url(comment: Comment) -> str:
    """Where the admin's "View on site" takes staff: through the on-site view, to the staff view."""
    return reverse("admin:comments_comment_on_site", args=[comment.pk])


def story_of(comment: Comment) -> Article | None:
    """The published story a comment is on, or None."""
    if comment.content_type_id != ContentType.objects.get_for_model(Article).pk:
        return None
    if not comment.object_pk.isascii() or not comment.object_pk.isdigit():
        return None
    return Article.objects.published().filter(pk=int(comment.object_pk)).first()


def on_site_view(request, pk: int):
    if not request.user.has_perm("comments.view_comment"):
        raise PermissionDenied
    comment = get_object_or_404(Comment, pk=pk)
    article = story_of(comment)
    if article is None:
        raise Http404("This comment's story is not on the site.")
    number = page_of(article, comment.pk, staff=VIEW)
    return HttpResponseRedirect(staff_view_address(article, number, comment.pk))


class StaffReplyForm(forms.Form):
    """The reply's text; what makes a reply acceptable is the service's to say."""

    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 6, "cols": 60}), required=False, strip=False)


def signed_as(user) -> str:
    """The name a staff reply goes out under, as comment_staff_reply names it."""
    return (user.get_full_name() or user.get_username())[:50]


def reply_view(model_admin, request, pk: int):
    """GET: the comment and a reply box. POST: publish the reply, then back to `next` or the queue."""
    if not request.user.has_perm("comments.moderate_comment"):
        raise PermissionDenied
    comment = get_object_or_404(Comment, pk=pk)
    article = story_of(comment)
    target = _next(request)
    form = StaffReplyForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound and form.is_valid():
        try:
            reply = comment_staff_reply(
                parent=comment, text=form.cleaned_data["text"], moderator=request.user
            )
        except ValidationError as error:
            form.add_error("text", error)
            status = 400
        else:
            messages.success(request, _published(reply, article))
            return HttpResponseRedirect(target or reverse("admin:comments_comment_changelist"))
    elif form.is_bound:
        status = 400
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": "Reply as staff",
        "comment": comment,
        "article": article,
        "form": form,
        "signed_as": signed_as(request.user),
        "next": target,
    }
    return TemplateResponse(request, "admin/comments/comment/reply.html", context, status=status)


def _published(reply: Comment, article: Article | None):
    """ "Reply published", with a link to it on the story page (where readers see it)."""
    if article is None:
        return "Reply published."
    number = page_of(article, reply.pk)
    query = f"?{urlencode({'comments': number})}" if number > 1 else ""
    return format_html(
        'Reply published: <a href="{}{}#c{}">see it on the story</a>.',
        article.get_absolute_url(),
        query,
        reply.pk,
    )


def _next(request) -> str:
    """Where to go after replying: the `next` asked for, if it is on this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""
