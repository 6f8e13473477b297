"""How a comment looks to readers: escaped text with safe links, initials instead of avatars."""

import hashlib
import re
from urllib.parse import urlsplit

import nh3
from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import escape, linebreaks, urlize
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


# The comment form ---------------------------------------------------------------------

_blank_fields: dict[tuple, str] = {}


@register.simple_tag
def hidden_inputs(form) -> str:
    """The form's hidden fields, written as Django's HiddenInput writes them (it is under every story)."""
    html = []
    for field in form.hidden_fields():
        value = field.value()
        value_attr = "" if value is None or value == "" else f' value="{escape(value)}"'
        id_attr = f' id="{escape(field.auto_id)}"' if field.auto_id else ""
        html.append(f'<input type="hidden" name="{escape(field.html_name)}"{value_attr}{id_attr}>')
    return mark_safe("".join(html))  # noqa: S308 (every value escaped above)


@register.simple_tag(takes_context=True)
def comment_fields(context, form) -> str:
    """The fields a reader fills in; for an empty form and an anonymous reader the same every time.

    That one is rendered once per process: it is under every story, and Django's widget
    templates are most of what a story page costs to render.
    """
    user = context.get("user")
    anonymous = not (user and user.is_authenticated)
    visible = form.visible_fields()
    blank = anonymous and not form.is_bound and not any(field.value() for field in visible)
    key = (tuple(field.html_name for field in visible), form.auto_id, settings.COMMENT_MAX_LENGTH)
    if blank and key in _blank_fields:
        return _blank_fields[key]
    html = render_to_string("comments/form_fields.html", {"form": form, "user": user})
    if blank:
        _blank_fields[key] = html
    return html
