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


# What each card treatment's picture is drawn at (cards.css), so the browser fetches the smallest
# rendition that fills it: "large" is the front page's lead, "thumb" a list's or a row's picture.
CARD_SIZES = {
    "large": "(min-width: 64rem) 30rem, (min-width: 48rem) 46rem, calc(100vw - 2rem)",
    "thumb": "(min-width: 40rem) 12rem, 30vw",
}


def _picture(article, *, sizes: str, loading: str, priority: bool, smallest_src: bool) -> str:
    """<picture>: a WebP <source> when there are WebP renditions, then the original format's <img>.

    `priority` marks the page's most important picture (fetchpriority="high"); `smallest_src`
    makes the fallback `src` the smallest rendition rather than the upload itself.
    """
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
    src = article.lead_image.url
    own_format = sorted((r["width"], r["name"]) for r in renditions if r["format"] == original)
    if smallest_src and own_format:
        src = default_storage.url(own_format[0][1])
    srcset = _srcset(renditions, original)
    return format_html(
        '<picture>{}<img src="{}"{} alt="{}"{} loading="{}"{} decoding="async"></picture>',
        sources,
        src,
        format_html(' srcset="{}" sizes="{}"', srcset, sizes) if srcset else "",  # no sizes without srcset
        article.lead_image_alt,
        size_attrs,
        loading,
        mark_safe(' fetchpriority="high"') if priority else "",  # noqa: S308 (a constant)
    )


@register.simple_tag
def lead_picture(article, sizes="(min-width: 48rem) 46rem, 100vw", loading="eager"):
    """The story's lead image as <picture>: WebP and original renditions with srcset.

    Loaded eagerly it is the page's main picture, so it is fetched first (fetchpriority).
    """
    if not article.lead_image:
        return ""
    eager = loading == "eager"
    return _picture(article, sizes=sizes, loading=loading, priority=eager, smallest_src=False)


@register.simple_tag
def card_picture(article, treatment="thumb", loading="", priority=False, sizes=""):
    """A card's picture from the story's renditions, sized for its treatment ("thumb" or "large").

    Lazy unless `loading="eager"` (a picture in the first screen); `priority` is for the one
    picture a page is about (the front page's lead): eager and fetched first. Nothing without
    a lead image, or for the treatment "none".
    """
    if not article.lead_image or treatment not in CARD_SIZES:
        return ""
    loading = "eager" if priority else loading or "lazy"
    return _picture(
        article,
        sizes=sizes or CARD_SIZES[treatment],
        loading=loading,
        priority=bool(priority),
        smallest_src=True,
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
