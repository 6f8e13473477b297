"""The one place that says which HTML a story body may contain.

Editors' HTML comes from the rich-text editor, from pasted text and, later,
from imports; whatever arrives is cleaned here with nh3 (Ammonia) before it is
stored. Anything not listed is dropped: scripts, styles, event handlers,
iframes, forms and every URL scheme but http, https and mailto.
"""

import re

import nh3

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr",
        "h2", "h3", "h4",
        "strong", "b", "em", "i", "u", "s", "sub", "sup", "mark", "small",
        "a", "abbr", "cite", "q", "code", "pre", "blockquote",
        "ul", "ol", "li",
        "figure", "figcaption", "img",
        "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
    }
)  # fmt: skip

ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height", "title"},
    "ol": {"start", "type"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "blockquote": {"cite"},
    "q": {"cite"},
}

ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})

_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_CONTROL = re.compile(r"[\x00-\x20\x7f]")


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """nh3 checks the schemes of href and src only; hold `cite` to the same rule."""
    if attribute == "cite":
        scheme = _SCHEME.match(_CONTROL.sub("", value).lower())
        if scheme and scheme.group(1) not in ALLOWED_URL_SCHEMES:
            return None
    return value


_cleaner = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
    url_schemes=set(ALLOWED_URL_SCHEMES),
    link_rel="noopener noreferrer",
    strip_comments=True,
    attribute_filter=_filter_attribute,
)


def sanitize_html(html: str) -> str:
    """Return `html` with everything outside the allowlist removed."""
    if not html:
        return ""
    cleaned = _cleaner.clean(html).strip()
    # The editor's idea of "nothing" is an empty paragraph.
    return "" if cleaned in ("<p></p>", "<p><br></p>") else cleaned
