"""Reader-facing comment pages: post, reply, confirm, mute, report. Thin: the rules live in services."""

import time

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from articles.models import Article
from newsroom.forms_on_cached_pages import check_origin

from . import rules, services
from .forms import CommentForm, ReportForm
from .models import Comment
from .threads import reply_fields

NOTICES = {
    services.PUBLISHED: "Thank you: your comment is published.",
    services.HELD: "Thank you: your comment is awaiting moderation. It appears once a moderator has read it.",
    services.CONFIRM: (
        "Almost there: we have sent a link to {email}. Your comment is published when you open it "
        "(check your spam folder if it does not arrive)."
    ),
}


def back_to_story(article: Article, anchor: str = "comments"):
    """To the story, on an address no browser has cached, so the reader sees the new state."""
    return redirect(f"{article.get_absolute_url()}?posted={int(time.time())}#{anchor}")


def _target(data) -> Article:
    if data.get("content_type") != "articles.article":
        raise Http404("Comments are only taken on stories.")
    try:
        return Article.objects.published().get(pk=int(data.get("object_pk", "")))
    except (ValueError, Article.DoesNotExist):
        raise Http404("No such story.") from None


def _form_page(request, article, form, status):
    """Show what went wrong with the reader's text kept, in a fresh form they can send again."""
    fresh = CommentForm(article, initial=form.kept_values(), user=request.user)
    context = {"article": article, "form": fresh, "errors": form, "rejection": form.rejection()}
    return TemplateResponse(request, "comments/form_page.html", context, status=status)


@csrf_exempt
@require_POST
@never_cache
def post_comment(request):
    article = _target(request.POST)
    refusal = check_origin(request, "comment post")
    if refusal is not None:
        return refusal
    form = CommentForm(article, data=request.POST, user=request.user)
    if not form.is_valid():
        return _form_page(request, article, form, status=400)
    email = request.user.email if request.user.is_authenticated else form.cleaned_data["email"]
    wait = rules.seconds_to_wait(ip=services.client_ip(request), email=email)
    if wait:
        form.add_error(
            None, f"You have posted several comments just now. Please wait {wait} seconds, then send it."
        )
        return _form_page(request, article, form, status=429)
    outcome = services.submit(form, request)
    messages.success(request, NOTICES[outcome.state].format(email=outcome.email))
    anchor = f"c{outcome.comment.pk}" if outcome.state == services.PUBLISHED else "comments"
    return back_to_story(article, anchor)


@never_cache
def reply(request, pk: int):
    """The reply form on a page of its own, for readers without JavaScript."""
    comment = get_object_or_404(Comment.objects.visible(), pk=pk)
    article = get_object_or_404(Article.objects.published(), pk=comment.object_pk)
    fields = reply_fields(comment)
    if fields is None:
        raise Http404("This comment takes no replies.")
    form = CommentForm(article, initial=fields, user=request.user)
    return render(request, "comments/reply.html", {"article": article, "comment": comment, "form": form})


@require_http_methods(["GET", "POST"])
@never_cache
def confirm(request, token: str):
    """GET shows the comment and a button; only the POST publishes (mail scanners follow links)."""
    try:
        if request.method == "POST":
            outcome = services.confirm(token)
            messages.success(request, NOTICES[outcome.state])
            anchor = f"c{outcome.comment.pk}" if outcome.state == services.PUBLISHED else "comments"
            return back_to_story(outcome.article, anchor)
        article, pending = services.load_pending(token)
    except services.BadToken as error:
        return render(request, "comments/bad_link.html", {"reason": str(error)}, status=400)
    return render(request, "comments/confirm.html", {"article": article, "pending": pending})


@never_cache
def mute(request, token: str):
    try:
        article = services.mute(token)
    except services.BadToken:
        return render(request, "comments/bad_link.html", {}, status=400)
    return render(request, "comments/muted.html", {"article": article})


@require_http_methods(["GET", "POST"])
@never_cache
def report(request, pk: int):
    comment = get_object_or_404(Comment.objects.visible(), pk=pk)
    article = get_object_or_404(Article.objects.published(), pk=comment.object_pk)
    form = ReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        created = services.report(
            comment, key=services.reporter_key(request), user=request.user, **form.cleaned_data
        )
        if created:
            messages.success(request, "Thank you: a moderator will look at this comment.")
        else:
            messages.info(request, "You have already reported this comment; a moderator will look at it.")
        return back_to_story(article, f"c{comment.pk}")
    status = 400 if form.is_bound else 200
    return render(
        request, "comments/report.html", {"article": article, "comment": comment, "form": form}, status=status
    )
