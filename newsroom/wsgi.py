"""The WSGI application: Django, with the reader-page cache answered in front of it.

A cached page for an anonymous GET or HEAD is sent straight from the cache, with
the headers the middleware gave it when it was made (see articles/caching.py,
`serve_from_cache`); everything else, and any doubt, goes to Django. Pages Django
makes are stored on the way out, after the middleware, so those headers are known.
"""

import os

import django
from django.core.handlers.wsgi import WSGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings.prod")
django.setup(set_prefix=False)

from articles import caching  # noqa: E402 (needs the settings)


class NewsroomHandler(WSGIHandler):
    def get_response(self, request):
        response = super().get_response(request)
        caching.keep_page(request, response)
        return response


class ReaderPageCache:
    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        try:
            hit = caching.serve_from_cache(environ)
        except Exception:  # the cache is unreachable, say: Django answers (and reports it)
            hit = None
        if hit is None:
            environ[caching.DEFERRED_STORE] = True
            return self.app(environ, start_response)
        status, headers, body = hit
        start_response(status, headers)
        return [body]


application = ReaderPageCache(NewsroomHandler())
