"""Reader pages of the newsletter: sign up, check your inbox, confirm, preferences, unsubscribe.

Thin: every change is a call to `services`. The sign-up form also sits under
every story and on the home page, which are cached for anonymous readers, so
it carries no CSRF token for them and is checked by the guard the comment form
uses (newsroom.forms_on_cached_pages): a signed stamp, a honeypot and the
request's Origin / Sec-Fetch-Site. The token
pages (confirm, manage) are never cached and use ordinary CSRF protection; the
unsubscribe address takes a bare POST from mail providers (RFC 8058).
"""

import math
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from newsroom.forms_on_cached_pages import check_origin
from newsroom.security import client_ip

from . import clicks, services, tokens
from .forms import ConfirmForm, PreferencesForm, SignupForm, printable
from .models import Subscriber

Status = Subscriber.Status
READ_AND_POST = ["GET", "HEAD", "POST"]


# Signing up ---------------------------------------------------------------------------


def _signup_page(request, form: SignupForm, status: int = 200):
    if form.is_bound:
        form.show_again()
    return render(request, "subscriptions/signup.html", {"form": form}, status=status)


@csrf_exempt
@require_http_methods(READ_AND_POST)
@never_cache
def signup(request):
    """The full sign-up page; also where the call to action under every story posts."""
    if request.method != "POST":
        email = printable(request.GET.get("email", ""))[:254]
        return _signup_page(request, SignupForm(initial={"email": email}))
    refusal = check_origin(request, "newsletter sign-up")
    if refusal is not None:
        return refusal
    form = SignupForm(request.POST)
    if not form.is_valid():
        return _signup_page(request, form, status=400)
    wait = services.signups_to_wait(client_ip(request))
    if wait:
        minutes = math.ceil(wait / 60)
        form.add_error(
            None,
            "Several sign-ups came from your network in the last hour. "
            f"Please try again in {minutes} minute{'s' if minutes != 1 else ''}.",
        )
        return _signup_page(request, form, status=429)
    data = form.cleaned_data
    services.subscription_request(
        email=data["email"],
        name=data["name"],
        sections=data["sections"],
        tags=data["tags"],
        ip=client_ip(request),
        consent=data["stamp"],
    )
    messages.success(request, f"Thank you. Now check the inbox of {data['email']}.")
    return redirect("subscriptions:sent")


@require_http_methods(["GET", "HEAD"])
@never_cache
def sent(request):
    """After signing up. Says the same whatever the address's state, so it tells nobody who subscribes."""
    return render(request, "subscriptions/sent.html")


# The links in our mail ----------------------------------------------------------------


def _about(subscriber: Subscriber, **extra) -> dict:
    """What the token pages show and link to."""
    return {
        "subscriber": subscriber,
        "manage_token": tokens.manage_token(subscriber),
        "signup_url": f"{reverse('subscriptions:signup')}?{urlencode({'email': subscriber.email})}",
        **extra,
    }


def _bad_link(request, error: tokens.BadToken):
    return render(request, "subscriptions/bad_link.html", {"expired": error.expired}, status=400)


@require_http_methods(READ_AND_POST)
@never_cache
def confirm(request, token: str):
    """GET shows a button (and the name our mail would greet with); only the POST confirms."""
    try:
        subscriber = tokens.read_confirm_token(token)
    except tokens.BadToken as error:
        return _bad_link(request, error)
    if request.method != "POST":
        form = ConfirmForm(initial={"name": subscriber.name})
        return render(request, "subscriptions/confirm.html", _about(subscriber, form=form))
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        return render(request, "subscriptions/confirm.html", _about(subscriber, form=form), status=400)
    was_confirmed = subscriber.status == Status.CONFIRMED
    subscriber = services.subscriber_confirm(subscriber=subscriber, name=form.cleaned_data["name"])
    if subscriber.status != Status.CONFIRMED:
        messages.info(request, "This link is older than your unsubscription, so nothing changed.")
    elif was_confirmed:
        messages.info(request, "You were already subscribed: nothing changed.")
    else:
        messages.success(
            request,
            "You are subscribed: the next newsletter comes to you. You can choose what it brings below.",
        )
    return redirect("subscriptions:manage", tokens.manage_token(subscriber))


def _manage_page(request, subscriber: Subscriber, form: PreferencesForm | None = None, status: int = 200):
    if form is None and subscriber.status in (Status.PENDING, Status.CONFIRMED):
        form = PreferencesForm(subscriber=subscriber)
    return render(request, "subscriptions/manage.html", _about(subscriber, form=form), status=status)


@require_http_methods(READ_AND_POST)
@never_cache
def manage(request, token: str):
    """Preferences: what the newsletter brings, pause or resume, leave, or be forgotten."""
    try:
        subscriber = tokens.read_manage_token(token)
    except tokens.BadToken as error:
        return _bad_link(request, error)
    if request.method != "POST":
        return _manage_page(request, subscriber)
    action = request.POST.get("action")
    active = subscriber.status in (Status.PENDING, Status.CONFIRMED)
    if action == "unsubscribe":
        services.subscriber_unsubscribe(subscriber=subscriber)
        messages.success(request, "You are unsubscribed: no more newsletters will come to this address.")
    elif action == "erase":
        email = subscriber.email
        services.subscriber_erase(pks=[subscriber.pk])
        messages.success(request, f"We have deleted {email} and everything we kept with it.")
        return redirect("subscriptions:signup")
    elif action in ("pause", "resume") and active:
        services.preferences_update(subscriber=subscriber, paused=action == "pause")
        if action == "pause":
            messages.success(request, "The newsletter is paused. Resume it here whenever you like.")
        else:
            messages.success(request, "The newsletter is back on: the next one comes to you.")
    elif action == "save" and active:
        form = PreferencesForm(request.POST, subscriber=subscriber)
        if not form.is_valid():
            return _manage_page(request, subscriber, form, status=400)
        services.preferences_update(
            subscriber=subscriber, sections=form.cleaned_data["sections"], tags=form.cleaned_data["tags"]
        )
        messages.success(request, "Your choices are saved.")
    elif action not in ("pause", "resume", "save"):
        return _manage_page(request, subscriber, status=400)
    # A stale page (the reader left in another tab) lands here too: the page shows the state now.
    return redirect(request.path)


@csrf_exempt
@require_http_methods(READ_AND_POST)
@never_cache
def unsubscribe(request, token: str):
    """The List-Unsubscribe address: a POST leaves at once (RFC 8058), a GET shows one button."""
    try:
        subscriber = tokens.read_manage_token(token)
    except tokens.BadToken as error:
        return _bad_link(request, error)
    if request.method == "POST":
        subscriber = services.subscriber_unsubscribe(subscriber=subscriber)
        return render(request, "subscriptions/unsubscribed.html", _about(subscriber))
    if subscriber.status == Status.UNSUBSCRIBED:
        return render(request, "subscriptions/unsubscribed.html", _about(subscriber))
    return render(request, "subscriptions/unsubscribe.html", _about(subscriber))


@require_http_methods(["GET", "HEAD"])
def read(request, token: str):
    """A story's link in a digest: count the click (see subscriptions/clicks.py), then go to the story.

    A story taken off the site since leads to the home page, uncounted; an altered link, or
    one for a digest or story that isn't there, is a 404. The redirect is never stored by any
    cache (every click must reach us) and sets no cookie.
    """
    try:
        digest_id, story_id = clicks.read_click_token(token)
        story = clicks.story_of(digest_id=digest_id, story_id=story_id)
    except clicks.BadLink:
        raise Http404("No such link.") from None
    if story is None:
        response = HttpResponseRedirect(settings.SITE_URL + "/")
    else:
        if clicks.counts(request):
            clicks.digest_click_record(digest_id=digest_id, story_id=story_id)
        response = HttpResponseRedirect(settings.SITE_URL + story.get_absolute_url())
    response["Cache-Control"] = "no-store"
    return response
