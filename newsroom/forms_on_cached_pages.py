"""Forms on pages cached for every reader (comments, newsletter sign-up): one guard, and rate limits.

A page cached for everyone cannot carry a per-visitor CSRF token. A signed-in
reader's page is never cached and carries one, checked as usual. An anonymous
post acts for nobody (there is no session to ride on); `check_origin` refuses it
when the browser says it comes from another site (Sec-Fetch-Site, else Origin), or
from no site it will name (`Origin: null`: a sandboxed frame, a file, a privacy
redirect; our own forms always send our origin).

`CachedPageFormGuard` adds what a bot must get right besides: a honeypot field that
people never see, and a signed stamp saying when the form was shown and what it was
shown for (a story, the consent wording). There is no "sent too fast" rule: on a
cached page the stamp tells when the page was cached, not when this reader saw it;
it only bounds how long a form stays good.
"""

import hashlib
import math
import time
from urllib.parse import urlsplit

from django import forms
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.middleware.csrf import CsrfViewMiddleware

HONEYPOT = "honeypot"
TAMPERED = "tampered"


class CachedPageFormGuard(forms.Form):
    """A form base with a honeypot and a signed, timed stamp; subclasses set `stamp_salt`.

    `stamp_content()` is what the stamp vouches for; `clean_stamp()` returns it from the
    stamp sent. `guard_messages` words the two refusals for the form's readers.
    """

    stamp_salt = ""
    stamp_max_age = 24 * 3600
    guard_messages = {
        HONEYPOT: "The form was not sent: a field that only automated programs fill in was filled in.",
        TAMPERED: "This form was changed or has expired. Please check it and send it again.",
    }

    honeypot = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    # Read as text and checked in clean_stamp(), so whatever arrives gets one clear refusal.
    stamp = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("stamp", self.make_stamp())

    def stamp_content(self) -> str:
        """What a fresh stamp vouches for besides the time it was made."""
        return ""

    def make_stamp(self) -> str:
        return signing.TimestampSigner(salt=self.stamp_salt).sign_object(self.stamp_content())

    def clean_honeypot(self) -> str:
        if self.cleaned_data["honeypot"]:
            raise forms.ValidationError(self.guard_messages[HONEYPOT], code=HONEYPOT)
        return ""

    def clean_stamp(self) -> str:
        """What the stamp vouches for, once it proves the form is ours, unaltered and not too old."""
        signer = signing.TimestampSigner(salt=self.stamp_salt)
        try:
            content = signer.unsign_object(self.cleaned_data["stamp"], max_age=self.stamp_max_age)
        except (signing.BadSignature, ValueError):  # ValueError: text no signature could be made of
            raise forms.ValidationError(self.guard_messages[TAMPERED], code=TAMPERED) from None
        if not isinstance(content, str):
            raise forms.ValidationError(self.guard_messages[TAMPERED], code=TAMPERED)
        return content

    def guard_refusal(self) -> str | None:
        """HONEYPOT or TAMPERED when the guard refused this form, else None."""
        for name in ("honeypot", "stamp"):
            for error in self.errors.as_data().get(name, []):
                if error.code in (HONEYPOT, TAMPERED):
                    return error.code
        return None


def cross_site(request) -> bool:
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site and fetch_site not in ("same-origin", "none"):
        return True
    origin = request.headers.get("Origin")
    if origin == "null":  # opaque: believed only when the browser also says it is our own page
        return fetch_site != "same-origin"
    if origin:
        try:
            return urlsplit(origin).netloc != request.get_host()
        except ValueError:  # "http://[": not an address at all, so not ours
            return True
    return False


def _protected(request):
    """Stands for a view without csrf_exempt when the CSRF check is run by hand."""


def check_origin(request, what: str = "form"):
    """None when the post may go on; the CSRF failure response for a signed-in reader's bad token.

    For a view marked csrf_exempt (its form sits on cached pages). Raises
    PermissionDenied (403) for an anonymous post from another site.
    """
    if request.user.is_authenticated:
        return CsrfViewMiddleware(_protected).process_view(request, _protected, (), {})
    if cross_site(request):
        raise PermissionDenied(f"Cross-site {what}")
    return None


def seconds_to_wait(scope: str, who: str, limit: int, window: int) -> int:
    """Count one attempt by `who`; above `limit` per `window` seconds, the seconds left in the window.

    A fixed window in the cache: per site with Redis, per process without. While Redis is
    away nothing is counted and nobody waits (the site keeps working without its cache).
    """
    now = time.time()
    start = math.floor(now / window) * window
    key = f"{scope}:rate:{hashlib.sha256(who.encode()).hexdigest()[:24]}:{int(start)}"
    cache.add(key, 0, window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window + 5)
        count = 1
    if count is None:  # the cache is away (a Redis outage is a miss): nothing counted, nobody held up
        return 0
    return math.ceil(start + window - now) if count > limit else 0
