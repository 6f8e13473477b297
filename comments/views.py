"""Reader-facing comment pages: post, reply, confirm, mute, report. Thin: the rules live in services.

Two cookies of our own, both signed, HttpOnly, SameSite=Lax and sent only to /comments/
(never with a reader page, so they neither split nor bypass the page caches):
- the trust cookie, set when this browser confirms an address from our mail: the proof
  that lets its next comments under that address skip the mail (COMMENTS_TRUST_MAX_AGE);
- the browser key, set when a comment waits for confirmation: one link then publishes
  every comment its author wrote in this browser meanwhile.

After a post, a confirmation or a report the reader lands on the story at the comment,
on the page of threads it stands on, with the notice about it placed there. A comment
held for a moderator is shown to its author in place, from a signed address
(comments/held.py). A refused post answers with the story page itself, the form bound
to what was sent and each error under its field (a reply: the reply page).
"""

import hashlib
import secrets
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from articles.models import Article
from articles.views import story_response
from newsroom.forms_on_cached_pages import check_origin
from newsroom.security import client_ip

from . import held, rules, services, tokens
from .forms import CommentForm, ReportForm
from .models import Comment
from .threads import notice_at, page_of, reply_fields

NOTICES = {
    services.PUBLISHED: "Thank you: your comment is published.",
    services.HELD: (
        "Thank you: your comment is awaiting moderation. Others see it once a moderator has read it."
    ),
    services.CONFIRM: (
        "Almost there: we have sent a link to {email}. Your comment is published when you open it "
        "(check your spam folder if it does not arrive)."
    ),
    services.CONFIRM_MAILED_BEFORE: (
        "Almost there: we sent a link to {email} less than an hour ago. Open it in this browser and "
        "press the button: it publishes this comment too (check your spam folder if it is not there)."
    ),
}

TRUST_COOKIE, TRUST_SALT = "comment_trust", "comments.trust"
BROWSER_COOKIE, BROWSER_SALT = "comment_browser", "comments.browser"
COOKIE_PATH = "/comments/"


def _signed_cookie(request, name: str, salt: str, max_age: int) -> str:
    return request.get_signed_cookie(name, default="", salt=salt, max_age=max_age)


def _set_signed_cookie(response, request, name: str, value: str, salt: str, max_age: int) -> None:
    response.set_signed_cookie(
        name,
        value,
        salt=salt,
        max_age=max_age,
        path=COOKIE_PATH,
        secure=request.is_secure() or settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def reporter_key(request) -> str:
    """Who is reporting: the account when signed in, else a keyed hash of the IP address."""
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{client_ip(request)}".encode()).hexdigest()
    return f"ip:{digest[:40]}"


def back_to_story(article: Article, comment: Comment | None = None, held_pks=()):
    """To the story, at `comment` on its page of threads, on an address no browser has cached.

    `held_pks`: the reader's comments waiting for a moderator, shown to them in place.
    """
    own = frozenset(held_pks)
    query = {held.PARAMETER: held.held_value(own)} if own else {"posted": int(time.time())}
    anchor = "comments"
    if comment is not None:
        anchor = f"c{comment.pk}"
        number = page_of(article, comment.pk, own)
        if number > 1:
            query["comments"] = number
    return redirect(f"{article.get_absolute_url()}?{urlencode(query)}#{anchor}")


def _target(data) -> Article:
    if data.get("content_type") != "articles.article":
        raise Http404("Comments are only taken on stories.")
    try:
        return Article.objects.published().get(pk=int(data.get("object_pk", "")))
    except (ValueError, Article.DoesNotExist):
        raise Http404("No such story.") from None


def _refused(request, article, form, status):
    """The story page (or, for a reply, the reply page) with the form as sent, its errors under its fields."""
    form.ready_to_resend()
    answered = form.answered()
    if answered is not None:
        context = {"article": article, "comment": answered, "form": form}
        response = render(request, "comments/reply.html", context, status=status)
    else:
        response = story_response(request, article, context={"comment_form": form}, status=status)
    return response


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
        return _refused(request, article, form, status=400)
    email = request.user.email if request.user.is_authenticated else form.cleaned_data["email"]
    ip = client_ip(request)
    wait = rules.seconds_to_wait(ip=ip, email=email)
    if wait:
        form.add_error(
            None, f"You have posted several comments just now. Please wait {wait} seconds, then send it."
        )
        response = _refused(request, article, form, status=429)
        response["Retry-After"] = str(wait)
        return response
    proven = _signed_cookie(request, TRUST_COOKIE, TRUST_SALT, settings.COMMENTS_TRUST_MAX_AGE)
    browser = _signed_cookie(request, BROWSER_COOKIE, BROWSER_SALT, settings.COMMENTS_CONFIRM_MAX_AGE)
    browser = browser or secrets.token_urlsafe(24)
    outcome = services.comment_submit(form=form, ip=ip, proven_email=proven, browser=browser)
    comment = outcome.comment
    notice = NOTICES[outcome.state].format(email=outcome.email)
    messages.success(request, notice, extra_tags=notice_at(comment.pk) if comment else "")
    response = back_to_story(article, comment, [comment.pk] if outcome.state == services.HELD else ())
    if outcome.comment is None:  # waiting for its confirmation
        max_age = settings.COMMENTS_CONFIRM_MAX_AGE
        _set_signed_cookie(response, request, BROWSER_COOKIE, browser, BROWSER_SALT, max_age)
    return response


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


def _confirmed_notice(outcomes: list[services.Outcome]) -> str:
    if len(outcomes) == 1:
        return NOTICES[outcomes[0].state]
    published = sum(outcome.state == services.PUBLISHED for outcome in outcomes)
    held = len(outcomes) - published
    parts = [
        f"{n} comment{'s' if n != 1 else ''} {word}"
        for n, word in ((published, "published"), (held, "awaiting moderation"))
        if n
    ]
    return "Thank you: " + ", ".join(parts) + "."


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def confirm(request, token: str):
    """GET shows the comments and a button; only the POST publishes (mail scanners follow links).

    Pressing it proves the address: this browser gets the trust cookie.
    """
    browser = _signed_cookie(request, BROWSER_COOKIE, BROWSER_SALT, settings.COMMENTS_CONFIRM_MAX_AGE)
    try:
        pending = tokens.pending_comment_load(token)
        if request.method == "POST":
            outcomes = services.pending_comments_confirm(pending=pending, browser=browser)
        else:
            batch = services.pending_comments_for(pending=pending, browser=browser)
    except tokens.BadToken as error:
        return render(request, "comments/bad_link.html", {"reason": str(error)}, status=400)
    if request.method != "POST":
        context = {"article": pending.article, "pending": pending, "batch": batch}
        return render(request, "comments/confirm.html", context)
    first = outcomes[0].comment
    messages.success(request, _confirmed_notice(outcomes), extra_tags=notice_at(first.pk) if first else "")
    own = [outcome.comment.pk for outcome in outcomes if outcome.state == services.HELD and outcome.comment]
    response = back_to_story(outcomes[0].article, first, own)
    max_age = settings.COMMENTS_TRUST_MAX_AGE
    _set_signed_cookie(response, request, TRUST_COOKIE, pending.email, TRUST_SALT, max_age)
    return response


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def mute(request, token: str):
    """GET (and HEAD) shows a button; only the POST mutes: a mail scanner following the link changes nothing.

    Like the newsletter's unsubscribe address, the POST needs no CSRF token: mail providers send it
    from their servers (RFC 8058, the mail's List-Unsubscribe-Post), and the signed token is the key.
    """
    try:
        if request.method == "POST":
            return render(request, "comments/muted.html", {"article": services.comment_mute(token=token)})
        article, _ = tokens.mute_load(token)
    except tokens.BadToken:
        return render(request, "comments/bad_link.html", {}, status=400)
    return render(request, "comments/mute.html", {"article": article})


@require_http_methods(["GET", "POST"])
@never_cache
def report(request, pk: int):
    comment = get_object_or_404(Comment.objects.visible(), pk=pk)
    article = get_object_or_404(Article.objects.published(), pk=comment.object_pk)
    form = ReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        created = services.comment_report(
            comment=comment, reporter_key=reporter_key(request), user=request.user, **form.cleaned_data
        )
        here = notice_at(comment.pk)  # the thank-you stands at the comment the reader lands on
        if created:
            messages.success(request, "Thank you: a moderator will look at this comment.", extra_tags=here)
        else:
            text = "You have already reported this comment; a moderator will look at it."
            messages.info(request, text, extra_tags=here)
        return back_to_story(article, comment)
    status = 400 if form.is_bound else 200
    return render(
        request, "comments/report.html", {"article": article, "comment": comment, "form": form}, status=status
    )
