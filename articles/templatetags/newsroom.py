"""Template helpers for reader pages: images with srcset, JSON-LD, absolute URLs, cached fragments."""

import hashlib
import json

from django import template
from django.conf import settings
from django.core.files.storage import default_storage
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.utils.html import conditional_escape as escape
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from articles import caching

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


@register.simple_tag
def story_card(article, level=None, compact=False, lead=False) -> str:
    """A story's card on lists and in the related box: `{% story_card article level=3 compact=True %}`.

    Made in Python rather than included as a template: a page shows up to twenty, and an
    include for each cost most of a list's rendering time.
    """
    url = escape(article.get_absolute_url())
    level = escape(level or "2")
    out = [f'<article class="card{" card-lead" if lead else ""}">\n  ']
    section = article.section
    if section:
        out.append(
            f'<p class="section-label"><a href="{escape(section.get_absolute_url())}">'
            f"{escape(section.name)}</a></p>"
        )
    out.append(
        f'\n  <h{level} class="card-headline"><a href="{url}">{escape(article.headline)}</a></h{level}>\n  '
    )
    if article.standfirst and not compact:
        out.append(f'<p class="standfirst">{escape(article.standfirst)}</p>')
    out.append('\n  <p class="meta">')
    if article.bylines.all():
        out.append(f"{byline_links(article)} · ")
    published = article.published_at
    out.append(f'<time datetime="{isotime(published)}">{escape(date_filter(published, "j M Y"))}</time>')
    if article.source:
        out.append(f" · {escape(article.source.name)}")
    count = article.comment_count
    if count:
        out.append(f' · <a href="{url}#comments">{escape(count)} comment{pluralize(count)}</a>')
    out.append("</p>\n</article>\n")
    return mark_safe("".join(out))  # noqa: S308 (every value is escaped above)


@register.filter
def isotime(value) -> str:
    """An aware datetime for `<time datetime>`: local time, whole seconds, with its offset."""
    if not value:
        return ""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


class FragmentNode(template.Node):
    def __init__(self, nodelist, name: str, vary_on):
        self.nodelist, self.name, self.vary_on = nodelist, name, vary_on

    def render(self, context):
        values = ":".join(str(value.resolve(context)) for value in self.vary_on)
        key = f"{self.name}:{hashlib.sha256(values.encode()).hexdigest()[:32]}"
        return caching.fragment(key, lambda: self.nodelist.render(context), follows_content=True)


@register.tag
def fragment(parser, token):
    """`{% fragment "name" value… %}…{% endfragment %}`: the HTML inside, kept until the content changes.

    Like Django's {% cache %}, but keyed by the newsroom's generation, so an edit to any
    story, section, tag… renews it, and switched off with NEWSROOM_FRAGMENT_CACHE.
    Everything the HTML depends on besides content must be among the values.
    """
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% fragment %} needs a name.")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, bits[1].strip("\"'"), [parser.compile_filter(bit) for bit in bits[2:]])
