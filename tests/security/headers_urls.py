"""The site's URLconf plus views that fail, set a cookie or use a nonce: for tests only."""

import itertools

from django.db import OperationalError
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.urls import path

from articles.caching import cache_for_readers
from newsroom.urls import urlpatterns as site

handler500 = "newsroom.errors.server_error"


def broken(request):
    raise RuntimeError("A bug in a view.")


def database_gone(request):
    raise OperationalError("could not connect to server: Connection refused")


@cache_for_readers
def inline_script(request):
    """A cached reader page with a nonce'd inline script (no real reader page has one)."""
    return HttpResponse(f'<!doctype html><script nonce="{get_nonce(request)}">document.title = "x";</script>')


_made = itertools.count()


@cache_for_readers
def cached_error(request):
    return HttpResponse(f"Something failed (answer {next(_made)}).", status=500)


@cache_for_readers
def cached_with_cookie(request):
    response = HttpResponse(f"A page that remembers you (answer {next(_made)}).")
    response.set_cookie("seen", "1")
    return response


urlpatterns = [
    path("cached-error/", cached_error),
    path("cached-with-cookie/", cached_with_cookie),
    path("broken/", broken),
    path("database-gone/", database_gone),
    path("inline-script/", inline_script),
    *site,
]
