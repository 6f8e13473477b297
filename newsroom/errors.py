"""The answer when a request fails on the server's side.

A database that cannot be reached (restarting, failing over, out of connections)
is a moment's outage, not a bug: readers get a short 503 page with Retry-After,
which proxies and crawlers understand as "come back soon", and which is made
without the database. Everything else gets Django's own 500 page. Either way
Django has already logged the exception with its traceback.
"""

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.utils.html import escape
from django.views import defaults

RETRY_AFTER_SECONDS = 5

UNAVAILABLE_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{site} is unavailable for a moment</title></head>
<body><main><h1>Back in a moment</h1>
<p>{site} cannot reach its database just now. Please try again in a few seconds.</p></main></body>
</html>
"""


def database_unreachable(error: BaseException | None) -> bool:
    return isinstance(error, (OperationalError, InterfaceError))


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """handler500: a 503 with Retry-After for a database outage, Django's 500 page for anything else."""
    if database_unreachable(sys.exc_info()[1]):
        response = HttpResponse(
            UNAVAILABLE_PAGE.format(site=escape(settings.SITE_NAME)), status=503, content_type="text/html"
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
    return defaults.server_error(request, template_name)
