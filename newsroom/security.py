"""Pieces of the site's hardening that are code rather than settings (docs/security.md).

- `client_ip`, `valid_ip`: who is knocking, believing X-Forwarded-For only from a trusted proxy.
- `lockout_response`: the page an admin sign-in gets once django-axes has locked it out.
- `allow_inline_styles`: the one view that shows an e-mail (inline styles) in the admin.
"""

import ipaddress
from functools import wraps

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.csp import CSP
from django.utils.timesince import timeuntil
from django.views.decorators.csp import csp_override


def valid_ip(value: str | None) -> str | None:
    """`value` as a normalised IP address, or None (a proxy or an export may send anything)."""
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The address of the client, not of the proxy in front of the app.

    The connection's own address, unless it comes from one of NEWSROOM_TRUSTED_PROXIES:
    then the right-most address in X-Forwarded-For that is not a trusted proxy (the
    left-most entries are whatever the client chose to send, and prove nothing).
    """
    remote = valid_ip(request.META.get("REMOTE_ADDR", ""))
    trusted = {valid_ip(p) for p in settings.NEWSROOM_TRUSTED_PROXIES} - {None}
    if remote is None or remote not in trusted:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed(forwarded.split(",")):
        address = valid_ip(hop)
        if address is None:
            return remote  # a garbled header: fall back to the proxy, which we trust
        if address not in trusted:
            return address
    return remote


def axes_username(request, credentials=None) -> str:
    """The username a sign-in tried, cut to the 255 characters axes can store."""
    field = settings.AXES_USERNAME_FORM_FIELD
    username = (credentials or {}).get(field) if credentials else request.POST.get(field)
    return str(username or "")[:255]


def lockout_response(request, original_response=None, credentials=None):
    """The admin's sign-in page, saying why signing in is refused and for how long (429)."""
    cool_off = settings.AXES_COOLOFF_TIME
    now = timezone.now()
    context = {
        **admin.site.each_context(request),
        "title": "Too many failed sign-ins",
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cool_off": timeuntil(now + cool_off, now),  # "1 hour"
    }
    # Rendered here: axes hands it back from a middleware, after TemplateResponses are rendered.
    response = TemplateResponse(request, "axes/lockout.html", context, status=429).render()
    response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response


class RequestOptionalAxesBackend(AxesStandaloneBackend):
    """For the test suite only: Django's test `Client.login()` authenticates without a request.

    Every sign-in over HTTP has a request and is checked exactly as in production; a call
    without one is passed on to the next backend instead of raising.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def allow_inline_styles(view):
    """The site's policy with inline styles allowed, for a view that shows an HTML e-mail.

    Mail clients need styles inline, so the digest preview (an iframe whose srcdoc inherits
    the page's policy) shows them; scripts stay as forbidden as everywhere else.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        policy = {**settings.SECURE_CSP, "style-src": [CSP.SELF, CSP.UNSAFE_INLINE]}  # read per request
        return csp_override(policy)(view)(request, *args, **kwargs)

    return wrapped
