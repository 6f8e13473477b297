"""reverse(), remembered: a reader page links to the same stories, sections and authors again and again.

Working out an address costs Django about 20 µs; a story page asks for some thirty,
and a list page for many more. An address depends only on the URLconf, the script
prefix and the values, none of which change while the process runs, so each is
worked out once (up to CACHED addresses; the least recently used are forgotten).
"""

import functools

from django.urls import get_script_prefix, get_urlconf, reverse

CACHED = 20_000


@functools.lru_cache(maxsize=CACHED)
def _address(urlconf, prefix: str, name: str, args: tuple, kwargs: tuple) -> str:
    return reverse(name, urlconf=urlconf, args=args or None, kwargs=dict(kwargs) or None)


def address(name: str, *args, **kwargs) -> str:
    """`reverse(name, args=args)` or `reverse(name, kwargs=kwargs)`, remembered; values must be hashable."""
    return _address(get_urlconf(), get_script_prefix(), name, args, tuple(kwargs.items()))
