"""Caching for anonymous readers: whole pages, the shared parts of pages, and small lookups.

Two numbers decide what is fresh, and invalidating only ever changes a number:

- The generation (GENERATION_KEY) stands for the newsroom's content. Saving or
  deleting a story, correction, byline, tag, section, source or author bumps it:
  every page, fragment and lookup made before is stale.
- A story's comment version (`story_version`) stands for its comments. Posting,
  moderating or deleting a comment bumps only that story's number: its pages
  (`?comments=N` included) and its comment-thread fragment are stale, nothing else.
  Lists (home, section, tag…) show comment counts on cards and may lag behind by up
  to PAGE_TIMEOUT; that is the price of not flushing the whole site on every comment.

A page is stored under its path and the query parameters it reads (articles/page_keys.py:
utm_source=… and the like share one entry) with the numbers it was made from, and served
only while they still match; it is never kept past the moment the next scheduled
story goes live. The entry is plain data (status, headers, body) with the headers as
the whole middleware stack left them, so `newsroom.wsgi` can answer a hit without
entering Django (`serve_from_cache`) and still send every security header a fresh
page gets.
"""

import functools
import hashlib
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.http.cookie import parse_cookie
from django.http.request import split_domain_port, validate_host
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.encoding import escape_uri_path, iri_to_uri
from django.utils.http import http_date, parse_etags

from .page_keys import READ_BY_PAGES, page_key, query_of

GENERATION_KEY = "newsroom:pages:generation"
PAGE_TIMEOUT = 300
BROWSER_MAX_AGE = 60
FRAGMENT_TIMEOUT = 24 * 3600
DEFERRED_STORE = "newsroom.page_cache_writer"  # set in the WSGI environ by newsroom.wsgi

# Headers that belong to one request, not to the stored page.
_PER_REQUEST = frozenset({"strict-transport-security", "set-cookie", "date"})


def _fresh_number() -> int:
    """A starting value no earlier counter can have reached (microseconds since 1970)."""
    return time.time_ns() // 1000


def _bump(key: str) -> None:
    _versions.pop(key, None)
    try:
        cache.incr(key)
    except ValueError:  # evicted, or a cache that keeps nothing: start from a new number
        cache.set(key, _fresh_number(), None)


# The version numbers a cached page is checked against, as this process last read them.
# A hit re-reads them from the cache at most every NEWSROOM_VERSION_RECHECK_SECONDS, so
# a page invalidated by another process may be served that much longer (the way nginx's
# one-second micro-cache would); this process's own changes are seen at once.
_versions: dict[str, tuple[object, float]] = {}


def _read_versions(keys: list[str]) -> dict:
    now = time.monotonic()
    recheck = settings.NEWSROOM_VERSION_RECHECK_SECONDS
    found, stale = {}, []
    for key in keys:
        known = _versions.get(key)
        if known is not None and now - known[1] < recheck:
            found[key] = known[0]
        else:
            stale.append(key)
    if stale:
        fresh = cache.get_many(stale)
        if len(_versions) > 10_000:
            _versions.clear()
        for key in stale:
            found[key] = fresh.get(key)
            if found[key] is not None:
                _versions[key] = (found[key], now)
    return found


def _current(key: str) -> int:
    value = cache.get(key)
    if value is None:
        cache.add(key, _fresh_number(), None)
        value = cache.get(key, 0)
    return value


def generation() -> int:
    return _current(GENERATION_KEY)


def invalidate_pages(**kwargs) -> None:
    """Make every cached reader page and fragment stale."""
    _bump(GENERATION_KEY)


def story_key(pk: int) -> str:
    return f"newsroom:pages:story:{pk}"


def story_version(pk: int) -> int:
    return _current(story_key(pk))


def invalidate_stories(pks) -> None:
    """Make these stories' pages and comment threads stale (now, and again when the transaction commits).

    The second bump covers a reader who rendered the page between the first one and
    the commit, and so still saw the old comments.
    """
    keys = [story_key(pk) for pk in pks]
    for key in keys:
        _bump(key)
    if keys and connection.in_atomic_block:
        transaction.on_commit(lambda: [_bump(key) for key in keys])


def note_story(request, pk: int) -> int:
    """The story's comment version, read before its comments are; the page is stored with it."""
    version = story_version(pk)
    request.newsroom_story = (story_key(pk), version)
    return version


# Lookups as this process last read them, kept NEWSROOM_VERSION_RECHECK_SECONDS like the versions.
_lookups: dict[str, tuple[object, float]] = {}


def cached_lookup(name: str, compute):
    """A small value derived from content (the sections menu, which stories are related…).

    Kept until the content changes or the next scheduled story goes live, whatever
    NEWSROOM_FRAGMENT_CACHE says: it is data, not HTML. A process reuses what it read
    for NEWSROOM_VERSION_RECHECK_SECONDS, as it does the version numbers (its own
    changes it sees at once), so a page asking for the same lookups again costs no
    cache round trip.
    """
    gen = _read_versions([GENERATION_KEY])[GENERATION_KEY] or generation()
    key = f"newsroom:lookup:{gen}:{name}"
    now = time.monotonic()
    known = _lookups.get(key)
    if known is not None and now - known[1] < settings.NEWSROOM_VERSION_RECHECK_SECONDS:
        return known[0]
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, _timeout(gen))
    if len(_lookups) > 10_000:
        _lookups.clear()
    _lookups[key] = (value, now)
    return value


def fragment(name: str, compute, *, follows_content: bool = False):
    """Rendered HTML shared by many pages, kept when NEWSROOM_FRAGMENT_CACHE is on.

    `name` must carry every version the fragment depends on; with `follows_content`
    the generation is added, and the fragment also ends when the next scheduled story
    goes live.
    """
    if not settings.NEWSROOM_FRAGMENT_CACHE:
        return compute()
    if follows_content:
        gen = generation()
        key, timeout = f"newsroom:fragment:{gen}:{name}", _timeout(gen)
    else:
        key, timeout = f"newsroom:fragment:{name}", FRAGMENT_TIMEOUT
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value


def cache_versions(request) -> dict:
    """Context for `{% cache %}` fragments that follow the content (a context processor).

    `{% cache cache_timeout "name" value… cache_generation %}`: the fragment is stale once
    the newsroom's content changes, and never kept past the next scheduled story's time.
    Both are functions, which templates call, so a page that caches nothing reads nothing.
    """
    current = functools.cache(generation)
    return {"cache_generation": current, "cache_timeout": functools.cache(lambda: _timeout(current()))}


# Whole pages -------------------------------------------------------------------------------


def _next_publication(gen: int) -> float:
    """When the next scheduled story goes live (a timestamp), or 0; looked up once per generation."""
    from .models import Article

    key = f"newsroom:lookup:{gen}:next-publication"
    value = cache.get(key)
    if value is None or 0 < value <= time.time():
        upcoming = (
            Article.objects.scheduled()
            .order_by("published_at")
            .values_list("published_at", flat=True)
            .first()
        )
        value = upcoming.timestamp() if upcoming else 0
        cache.set(key, value, PAGE_TIMEOUT)
    return value


def _timeout(gen: int) -> int:
    upcoming = _next_publication(gen)
    if not upcoming:
        return PAGE_TIMEOUT
    return max(1, min(PAGE_TIMEOUT, int(upcoming - time.time()) + 1))


def _cacheable(request) -> bool:
    """Anonymous GETs, unless a notice ("Your comment is published") waits in the messages cookie."""
    return (
        request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and not request.COOKIES.get(CookieStorage.cookie_name)
    )


def _current_entry(entry, gen: int) -> bool:
    if entry is None or entry["generation"] != gen or entry["expires"] <= time.time():
        return False
    story = entry["story"]
    return story is None or cache.get(story[0]) == story[1]


def _with_validators(response) -> None:
    response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
    if not response.has_header("Last-Modified"):  # a feed gives its newest story's time
        response["Last-Modified"] = http_date()
    patch_cache_control(response, public=True, max_age=BROWSER_MAX_AGE)
    patch_vary_headers(response, ["Cookie"])


def cache_for_readers(view=None, *, reads=()):
    """Serve anonymous GETs from the cache; signed-in staff always get a fresh, private page.

    `reads` names the query parameters the view reads (some of READ_BY_PAGES): the page
    is cached under its path and those, whatever else the address carries. Used bare,
    the view reads none.
    """
    if view is None:
        return functools.partial(cache_for_readers, reads=reads)
    if not READ_BY_PAGES.issuperset(reads):
        raise ImproperlyConfigured(f"Add {sorted(set(reads) - READ_BY_PAGES)} to page_keys.READ_BY_PAGES.")

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _cacheable(request):
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True, no_cache=True)
            return response
        key = page_key(request.path, request.GET, reads) if settings.NEWSROOM_PAGE_CACHE else None
        if key is not None:
            found = cache.get_many([GENERATION_KEY, key])
            gen = found.get(GENERATION_KEY) or generation()
            entry = found.get(key)
            if _current_entry(entry, gen):
                response = HttpResponse(entry["body"], status=entry["status"], headers=entry["headers"])
                response.newsroom_page = (key, entry)
                return response
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if response.status_code != 200 or response.streaming:
            return response
        _with_validators(response)
        if key is not None and not response.cookies:
            entry = {
                "generation": gen,
                "story": getattr(request, "newsroom_story", None),
                "status": response.status_code,
                "headers": list(response.items()),
                "body": response.content,
                "expires": time.time() + _timeout(gen),
                "final": None,
            }
            response.newsroom_page = (key, entry)
            if not request.META.get(DEFERRED_STORE):  # else newsroom.wsgi stores it, with final headers
                cache.set(key, entry, int(entry["expires"] - time.time()))
        return response

    return wrapped


# In front of Django (newsroom.wsgi) --------------------------------------------------------


def keep_page(request, response) -> None:
    """After the middleware: store the page with the headers the whole stack gave it."""
    page = getattr(response, "newsroom_page", None)
    if page is None or response.status_code != 200 or response.cookies:
        return
    key, entry = page
    if entry["final"] is not None or response.content != entry["body"]:
        return
    remaining = int(entry["expires"] - time.time())
    if remaining < 1:
        return
    if "'nonce-" in response.get("Content-Security-Policy", ""):
        return  # a nonce is good for one response only: a page that carries one is never replayed
    final = [(name, value) for name, value in response.items() if name.lower() not in _PER_REQUEST]
    cache.set(key, {**entry, "final": final}, remaining)


class _Recent:
    """Pages recently served by this process, so a hit costs one small cache round trip, not a body."""

    def __init__(self, max_bytes: int = 32 * 1024 * 1024):
        self.max_bytes = max_bytes
        self.size = 0
        self.entries: OrderedDict[str, dict] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str):
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: dict) -> None:
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.size -= len(old["body"])
            self.entries[key] = entry
            self.size += len(entry["body"])
            while self.size > self.max_bytes and self.entries:
                _, dropped = self.entries.popitem(last=False)
                self.size -= len(dropped["body"])

    def drop(self, key: str) -> None:
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.size -= len(old["body"])


_recent = _Recent()


def forget_local() -> None:
    """Drop what this process keeps beside the shared cache (after the cache itself was emptied)."""
    _versions.clear()
    _lookups.clear()
    with _recent.lock:
        _recent.entries.clear()
        _recent.size = 0


_hosts: dict[str, bool] = {}


def _host_allowed(environ) -> bool:
    if settings.USE_X_FORWARDED_HOST and "HTTP_X_FORWARDED_HOST" in environ:
        host = environ["HTTP_X_FORWARDED_HOST"]
    else:
        host = (
            environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME', '')}:{environ.get('SERVER_PORT', '')}"
        )
    allowed = _hosts.get(host)
    if allowed is None:
        domain, _port = split_domain_port(host)
        allowed_hosts = settings.ALLOWED_HOSTS
        if settings.DEBUG and not allowed_hosts:
            allowed_hosts = [".localhost", "127.0.0.1", "[::1]"]
        allowed = bool(domain) and validate_host(domain, allowed_hosts)
        if len(_hosts) > 1000:
            _hosts.clear()
        _hosts[host] = allowed
    return allowed


def _is_secure(environ) -> bool:
    if settings.SECURE_PROXY_SSL_HEADER:
        header, secure_value = settings.SECURE_PROXY_SSL_HEADER
        value = environ.get(header)
        if value is not None:
            return value.split(",", 1)[0].strip() == secure_value
    return environ.get("wsgi.url_scheme") == "https"


def _full_path(environ) -> tuple[str, str]:
    """The request's path and full path exactly as Django's WSGIRequest spells them."""
    from django.core.handlers.wsgi import get_path_info, get_script_name

    script_name = get_script_name(environ)
    path_info = get_path_info(environ) or "/"
    path = "{}/{}".format(script_name.rstrip("/"), path_info.replace("/", "", 1))
    query = environ.get("QUERY_STRING", "")
    return path, escape_uri_path(path) + (("?" + iri_to_uri(query)) if query else "")


def _matches(etag: str, if_none_match: str) -> bool:
    etags = parse_etags(if_none_match)
    if etags == ["*"]:
        return True
    target = etag.removeprefix("W/")
    return any(candidate.removeprefix("W/") == target for candidate in etags)


def serve_from_cache(environ):
    """(status line, headers, body) for a request a stored page answers as Django would; else None.

    Only anonymous GET and HEAD requests (no session or messages cookie) on an allowed
    host are answered; anything else, and any doubt, goes on to Django.
    """
    if not settings.NEWSROOM_PAGE_CACHE:
        return None
    method = environ.get("REQUEST_METHOD")
    if method not in ("GET", "HEAD") or "HTTP_IF_MODIFIED_SINCE" in environ:
        return None
    cookie_header = environ.get("HTTP_COOKIE")
    if cookie_header:
        cookies = parse_cookie(cookie_header)
        if cookies.get(settings.SESSION_COOKIE_NAME) or cookies.get(CookieStorage.cookie_name):
            return None
    if not _host_allowed(environ):
        return None
    secure = _is_secure(environ)
    if settings.SECURE_SSL_REDIRECT and not secure:
        return None
    path, _full = _full_path(environ)
    key = page_key(path, query_of(environ))  # the view's own key, unless it ignores a parameter given
    if key is None:
        return None
    entry = _recent.get(key)
    if entry is not None:
        wanted = [GENERATION_KEY] + ([entry["story"][0]] if entry["story"] else [])
        found = _read_versions(wanted)
        if not _still_current(entry, found):
            _recent.drop(key)
            entry = None
    if entry is None:
        found = cache.get_many([GENERATION_KEY, key])
        entry = found.get(key)
        if entry is None or entry["final"] is None:
            return None
        if entry["story"]:
            found[entry["story"][0]] = cache.get(entry["story"][0])
        if not _still_current(entry, found):
            return None
        _recent.put(key, entry)
        now = time.monotonic()
        for version_key in [GENERATION_KEY] + ([entry["story"][0]] if entry["story"] else []):
            _versions[version_key] = (found[version_key], now)
    headers = list(entry["final"])
    if secure and settings.SECURE_HSTS_SECONDS:
        headers.append(("Strict-Transport-Security", _hsts()))
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    etag = next((value for name, value in headers if name.lower() == "etag"), None)
    if if_none_match and etag and _matches(etag, if_none_match):
        kept = [(n, v) for n, v in headers if n.lower() not in ("content-length", "content-type")]
        return "304 Not Modified", kept, b""
    return "200 OK", headers, b"" if method == "HEAD" else entry["body"]


def _still_current(entry, found) -> bool:
    if entry["generation"] != found.get(GENERATION_KEY) or entry["expires"] <= time.time():
        return False
    story = entry["story"]
    return story is None or found.get(story[0]) == story[1]


def _hsts() -> str:
    value = f"max-age={settings.SECURE_HSTS_SECONDS}"
    if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
        value += "; includeSubDomains"
    if settings.SECURE_HSTS_PRELOAD:
        value += "; preload"
    return value


def connect_signals() -> None:
    from taggit.models import Tag

    from .models import Article, Author, Byline, Correction, Section, Source, TaggedArticle

    for model in (Article, Correction, Section, Source, Author, Byline, TaggedArticle, Tag):
        post_save.connect(invalidate_pages, sender=model, dispatch_uid=f"pages-save-{model.__name__}")
        post_delete.connect(invalidate_pages, sender=model, dispatch_uid=f"pages-delete-{model.__name__}")
    m2m_changed.connect(invalidate_pages, sender=Article.tags.through, dispatch_uid="pages-tags")
