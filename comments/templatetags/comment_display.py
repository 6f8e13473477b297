"""How a comment looks to readers: escaped text with safe links, initials instead of avatars."""

import hashlib
import re
from urllib.parse import urlsplit

import nh3
from django import template
from django.utils.html import linebreaks, urlize
from django.utils.safestring import mark_safe

register = template.Library()

LINK_REL = "nofollow ugc noopener"
_HREFLESS_LINK = re.compile(r'<a rel="nofollow ugc noopener">(.*?)</a>', re.DOTALL)


@register.filter
def comment_html(text: str) -> str:
    """Escape everything, then turn bare web addresses into links readers' browsers treat as untrusted."""
    html = linebreaks(urlize(text or "", trim_url_limit=60, nofollow=False, autoescape=True))
    cleaned = nh3.clean(
        html,
        tags={"p", "br", "a"},
        attributes={"a": {"href"}},
        url_schemes={"http", "https"},
        link_rel=LINK_REL,
    )
    # urlize links email addresses with mailto:, which nh3 drops: keep their text, not an empty <a>.
    cleaned = _HREFLESS_LINK.sub(r"\1", cleaned)
    return mark_safe(cleaned)  # noqa: S308 (escaped by urlize, then allowlisted by nh3)


@register.filter
def web_address(url: str) -> str:
    """The commenter's website if it is an http(s) address, else nothing (no javascript: links)."""
    url = (url or "").strip()
    parts = urlsplit(url)
    return url if parts.scheme in ("http", "https") and parts.netloc else ""


@register.filter
def initials(name: str) -> str:
    words = [word for word in (name or "").split() if word[:1].isalnum()]
    letters = "".join(word[0] for word in words[:2]) or "?"
    return letters.upper()


@register.filter
def avatar_hue(name: str) -> int:
    """One of eight background shades, the same for the same name."""
    return hashlib.sha256((name or "").lower().encode()).digest()[0] % 8
