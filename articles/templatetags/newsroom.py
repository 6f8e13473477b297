"""Template helpers for reader pages: images with srcset, JSON-LD, absolute URLs, bylines, times."""

import json

from django import template
from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()

_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def absolute(url: str) -> str:
    """`url` on the public site address (SITE_URL)."""
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.SITE_URL + url


@register.simple_tag
def ld_json(data) -> str:
    """A JSON-LD block, escaped so no string can close the script element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_JSON_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308 (escaped above)


def _srcset(renditions, fmt):
    return ", ".join(
        f"{default_storage.url(r['name'])} {r['width']}w" for r in renditions if r["format"] == fmt
    )


@register.simple_tag
def lead_picture(article, sizes="(min-width: 48rem) 46rem, 100vw", loading="eager"):
    """The story's lead image as <picture>: WebP and original renditions with srcset."""
    if not article.lead_image:
        return ""
    renditions = article.lead_image_renditions or []
    formats = {r["format"] for r in renditions}
    original = next((f for f in formats if f != "webp"), "webp")
    sources = ""
    if "webp" in formats and original != "webp":
        sources = format_html(
            '<source type="image/webp" srcset="{}" sizes="{}">', _srcset(renditions, "webp"), sizes
        )
    size_attrs = ""
    if article.lead_image_width and article.lead_image_height:
        size_attrs = format_html(
            ' width="{}" height="{}"', article.lead_image_width, article.lead_image_height
        )
    srcset = _srcset(renditions, original)
    return format_html(
        '<picture>{}<img src="{}"{} alt="{}"{} sizes="{}" loading="{}" decoding="async"></picture>',
        sources,
        article.lead_image.url,
        format_html(' srcset="{}"', srcset) if srcset else "",
        article.lead_image_alt,
        size_attrs,
        sizes,
        loading,
    )


@register.simple_tag
def byline_links(article):
    """Authors in byline order, each linking to their page."""
    links = format_html_join(
        ", ",
        '<a href="{}">{}</a>',
        ((b.author.get_absolute_url(), b.author.name) for b in article.bylines.all()),
    )
    return links


@register.filter
def isotime(value) -> str:
    """An aware datetime for `<time datetime>`: local time, whole seconds, with its offset."""
    if not value:
        return ""
    return timezone.localtime(value).replace(microsecond=0).isoformat()
