"""Forms on pages cached for every reader (comments, newsletter sign-up): CSRF and rate limits.

A page cached for everyone cannot carry a per-visitor CSRF token. A signed-in
reader's page is never cached and carries one, checked as usual. An anonymous
post acts for nobody (there is no session to ride on); it is refused when the
browser says it comes from another site (Sec-Fetch-Site, else Origin), or from
no site it will name (`Origin: null`: a sandboxed frame, a file, a privacy
redirect; our own forms always send our origin).
"""

import hashlib
import math
import time
from urllib.parse import urlsplit

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.middleware.csrf import CsrfViewMiddleware


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

    Raises PermissionDenied (403) for an anonymous post from another site.
    """
    if request.user.is_authenticated:
        return CsrfViewMiddleware(_protected).process_view(request, _protected, (), {})
    if cross_site(request):
        raise PermissionDenied(f"Cross-site {what}")
    return None


def seconds_to_wait(scope: str, who: str, limit: int, window: int) -> int:
    """Count one attempt by `who`; above `limit` per `window` seconds, the seconds left in the window.

    A fixed window in the cache: per site with Redis, per process without.
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
    return math.ceil(start + window - now) if count > limit else 0
