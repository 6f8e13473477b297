"""Whole-page caching for anonymous readers, invalidated when the newsroom changes.

Every cached page's key carries a generation number. Saving or deleting a
story, correction, section, source, author or tag bumps it, so the next reader
gets a fresh page; nothing has to find and delete individual keys. A page is
also never kept past the moment the next scheduled story goes live.
"""

import hashlib

from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date

GENERATION_KEY = "newsroom:pages:generation"
PAGE_TIMEOUT = 300
BROWSER_MAX_AGE = 60


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        value = int(timezone.now().timestamp() * 1000)
        cache.add(GENERATION_KEY, value, None)
        value = cache.get(GENERATION_KEY, value)
    return value


def invalidate_pages(**kwargs) -> None:
    """Make every cached reader page stale."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # evicted, or a cache that keeps nothing: start from a new number
        cache.set(GENERATION_KEY, int(timezone.now().timestamp() * 1000), None)


def _timeout() -> int:
    from .models import Article

    upcoming = (
        Article.objects.scheduled().order_by("published_at").values_list("published_at", flat=True).first()
    )
    if upcoming is None:
        return PAGE_TIMEOUT
    return max(1, min(PAGE_TIMEOUT, int((upcoming - timezone.now()).total_seconds()) + 1))


def _cacheable(request) -> bool:
    """Anonymous GETs, unless a notice ("Your comment is published") waits in the messages cookie."""
    return (
        request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and not request.COOKIES.get(CookieStorage.cookie_name)
    )


def cache_for_readers(view):
    """Serve anonymous GETs from the cache; signed-in staff always get a fresh, private page."""

    def wrapped(request, *args, **kwargs):
        if not _cacheable(request):
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True, no_cache=True)
            return response
        path_hash = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key = f"newsroom:page:{generation()}:{path_hash}"
        cached = cache.get(key)
        if cached is not None:
            return cached
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if response.status_code == 200:
            response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
            response["Last-Modified"] = http_date()
            patch_cache_control(response, public=True, max_age=BROWSER_MAX_AGE)
            patch_vary_headers(response, ["Cookie"])
            cache.set(key, response, _timeout())
        return response

    wrapped.__name__ = getattr(view, "__name__", "view")
    wrapped.__doc__ = view.__doc__
    return wrapped


def connect_signals() -> None:
    from taggit.models import Tag

    from .models import Article, Author, Byline, Correction, Section, Source, TaggedArticle

    for model in (Article, Correction, Section, Source, Author, Byline, TaggedArticle, Tag):
        post_save.connect(invalidate_pages, sender=model, dispatch_uid=f"pages-save-{model.__name__}")
        post_delete.connect(invalidate_pages, sender=model, dispatch_uid=f"pages-delete-{model.__name__}")
    m2m_changed.connect(invalidate_pages, sender=Article.tags.through, dispatch_uid="pages-tags")
