"""The key a reader page is cached under: its path and the query parameters the page reads.

Anything else in the query string (utm_source=…, fbclid=…, the `posted=` a comment
redirect adds so browsers miss their own cache) changes nothing on the page, so it
is left out: any number of such variants share one entry. Each cached view names
the parameters it reads (`cache_for_readers(reads=…)`); `newsroom.wsgi`'s fast path,
which answers before the view is known, keys on all of READ_BY_PAGES, so its key is
the view's exactly when the request carries no parameter the view ignores, and
otherwise finds nothing and lets Django answer (from the view's entry).

A page number is kept only when written plainly ("2", not "02", "+2" or " 2"); other
spellings are rendered by the view every time and never stored, so a number cannot
be spelt a thousand ways into a thousand entries. Only 200 answers are stored, and a
page past the last is a 404, so a list has at most as many entries as pages.
"""

import hashlib
from urllib.parse import urlencode

from django.core.handlers.wsgi import get_bytes_from_wsgi
from django.http import QueryDict

# Every query parameter some reader page reads: `page` (lists and search), `comments`
# (a story's pages of comments), `q` (search).
READ_BY_PAGES = frozenset({"comments", "page", "q"})
NUMBERS = frozenset({"comments", "page"})


def page_key(path: str, query: QueryDict, reads=READ_BY_PAGES) -> str | None:
    """The cache key of the page at `path` asked with `query`; None when it must not be stored.

    `path` is the request's path as Django spells it (request.path), `query` its
    request.GET; of the parameters in `reads` each counts with its last value, as
    request.GET.get gives it to the view.
    """
    kept = []
    for name in sorted(reads):
        if name in query:
            value = query[name]
            if name in NUMBERS and not _plain_number(name, value):
                return None
            kept.append((name, value))
    address = path + ("?" + urlencode(kept) if kept else "")
    return "newsroom:page:" + hashlib.sha256(address.encode()).hexdigest()[:40]


def query_of(environ) -> QueryDict:
    """A WSGI request's query string, read as Django reads request.GET."""
    return QueryDict(get_bytes_from_wsgi(environ, "QUERY_STRING", ""))


def _plain_number(name: str, value: str) -> bool:
    if name == "page" and value == "last":  # Django's list views' own word for the last page
        return True
    return value.isascii() and value.isdigit() and len(value) <= 9 and not value.startswith("0")
