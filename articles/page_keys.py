"""The key a reader page is cached under: its path and the query parameters the page reads.

Anything else in the query string (utm_source=…, fbclid=…, the `posted=` a comment
redirect adds so browsers miss their own cache) changes nothing on the page, so it
is left out: any number of such variants share one entry. Each cached view names
the parameters it reads (`cache_for_readers(reads=…)`).

A page number is kept only when written plainly ("2", not "02", "+2" or " 2"); other
spellings are rendered by the view every time and never stored, so a number cannot
be spelt a thousand ways into a thousand entries. Only 200 answers are stored, and a
page past the last is a 404, so a list has at most as many entries as pages.
"""

import hashlib
from urllib.parse import urlencode

from django.http import QueryDict

# The parameters that are page numbers: `page` (lists and search), `comments` (a story's pages of comments).
NUMBERS = frozenset({"comments", "page"})


def page_key(path: str, query: QueryDict, reads) -> str | None:
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


def _plain_number(name: str, value: str) -> bool:
    if name == "page" and value == "last":  # Django's list views' own word for the last page
        return True
    return value.isascii() and value.isdigit() and len(value) <= 9 and not value.startswith("0")
