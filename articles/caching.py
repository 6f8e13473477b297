"""Caching for anonymous readers: whole pages and fragments in Django's cache.

Two numbers decide what is fresh, and invalidating only ever changes a number:

- The generation (GENERATION_KEY) stands for the newsroom's content. Saving or
  deleting a story, correction, byline, tag, section, source or author bumps it:
  every page and fragment made before is stale.
- A story's comment version (`story_version`) stands for its comments. Posting,
  moderating or deleting a comment bumps only that story's number: its pages
  (`?comments=N` included) and its comment-thread fragment are stale, nothing else.
  Lists (home, section, tag…) show comment counts on cards and may lag behind by up
  to PAGE_TIMEOUT; that is the price of not flushing the whole site on every comment.

`cache_for_readers` keeps what a view made for an anonymous reader under the page's
key (articles/page_keys.py: its path and the query parameters it reads) with the
numbers it was made from, and hands it back while they still match; nothing is kept
past the moment the next scheduled story goes live. A kept page goes out through
Django's middleware like a fresh one, which adds the security headers and answers
If-None-Match with 304 (ConditionalGetMiddleware). nginx's micro-cache
(deploy/nginx.conf) is the layer in front. When the cache cannot be reached (Redis
down, hung or full), every read is a miss and every write is dropped
(IGNORE_EXCEPTIONS in settings): pages are made from the database.
"""

import functools
import hashlib
import time

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from .page_keys import page_key

GENERATION_KEY = "newsroom:pages:generation"
PAGE_TIMEOUT = 300
BROWSER_MAX_AGE = 60


def _fresh_number() -> int:
    """A starting value no earlier counter can have reached (microseconds since 1970)."""
    return time.time_ns() // 1000


def _bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # evicted, or a cache that keeps nothing: start from a new number
        cache.set(key, _fresh_number(), None)


def _current(key: str) -> int:
    value = cache.get(key)
    if value is None:
        value = _fresh_number()
        if cache.add(key, value, None) is False:  # another process was first (None: the cache is away)
            value = cache.get(key, value)
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


def cache_versions(request) -> dict:
    """Context for `{% cache %}` fragments that follow the content (a context processor).

    `{% cache cache_timeout "name" value… cache_generation %}`: the fragment is stale once
    the newsroom's content changes, and never kept past the next scheduled story's time.
    Both are functions, which templates call, so a page that caches nothing reads nothing.
    """
    current = functools.cache(generation)
    return {"cache_generation": current, "cache_timeout": functools.cache(lambda: _timeout(current()))}


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


# Whole pages -------------------------------------------------------------------------------


def _for_everyone(request) -> bool:
    """Anonymous GETs, unless a notice ("Your comment is published") waits in the messages cookie."""
    return (
        request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and not request.COOKIES.get(CookieStorage.cookie_name)
    )


def _still_current(entry, gen: int) -> bool:
    if entry is None or entry["generation"] != gen:
        return False
    story = entry["story"]
    return story is None or cache.get(story[0]) == story[1]


def _with_validators(response) -> None:
    response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
    if not response.has_header("Last-Modified"):  # a feed gives its newest story's time
        response["Last-Modified"] = http_date()
    patch_cache_control(response, public=True, max_age=BROWSER_MAX_AGE)
    patch_vary_headers(response, ["Cookie"])


def cache_for_readers(view=None, *, reads=(), personal=()):
    """Serve anonymous GETs from the cache; signed-in staff always get a fresh, private page.

    `reads` names the query parameters the view reads: the page is cached under its
    path and those, whatever else the address carries. Used bare, the view reads none.
    `personal` names parameters that make the page one reader's own (an app built on
    the view shows them something from a signed value): a request carrying one is
    neither answered from the cache nor kept, and its answer is `private, no-cache`:
    nginx's micro-cache and other shared caches never keep it, browsers ask again.
    Only a 200 the view made without setting a cookie or using the CSP nonce is kept.
    """
    if view is None:
        return functools.partial(cache_for_readers, reads=reads, personal=personal)

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _for_everyone(request) or any(name in request.GET for name in personal):
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True, no_cache=True)
            return response
        key = page_key(request.path, request.GET, reads) if settings.NEWSROOM_PAGE_CACHE else None
        if key is not None:
            found = cache.get_many([GENERATION_KEY, key])
            gen = found.get(GENERATION_KEY) or generation()
            entry = found.get(key)
            if _still_current(entry, gen):
                return HttpResponse(entry["body"], status=entry["status"], headers=entry["headers"])
        response = view(request, *args, **kwargs)
        if callable(getattr(response, "render", None)):
            response = response.render()
        if response.status_code != 200 or response.streaming:
            return response
        _with_validators(response)
        if key is not None and not response.cookies and not get_nonce(request):
            entry = {
                "generation": gen,
                "story": getattr(request, "newsroom_story", None),
                "status": response.status_code,
                "headers": list(response.items()),
                "body": response.content,
            }
            cache.set(key, entry, _timeout(gen))
        return response

    return wrapped


def connect_signals() -> None:
    from taggit.models import Tag

    from .models import Article, Author, Byline, Correction, Section, Source, TaggedArticle

    for model in (Article, Correction, Section, Source, Author, Byline, TaggedArticle, Tag):
        post_save.connect(invalidate_pages, sender=model, dispatch_uid=f"pages-save-{model.__name__}")
        post_delete.connect(invalidate_pages, sender=model, dispatch_uid=f"pages-delete-{model.__name__}")
    m2m_changed.connect(invalidate_pages, sender=Article.tags.through, dispatch_uid="pages-tags")
