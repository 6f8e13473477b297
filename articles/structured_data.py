"""schema.org JSON-LD for reader pages, built from the models (not from templates)."""

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone

from .templatetags.newsroom import absolute


def publisher() -> dict:
    return {
        "@type": "Organization",
        "name": settings.SITE_NAME,
        "url": settings.SITE_URL + "/",
        "logo": {
            "@type": "ImageObject",
            "url": absolute(static("img/logo.png")),
            "width": 600,
            "height": 60,
        },
    }


def _iso(value) -> str:
    return timezone.localtime(value).isoformat()


def article_ld(article) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline[:110],
        "description": article.meta_description or article.standfirst,
        "url": absolute(article.get_absolute_url()),
        "mainEntityOfPage": {"@type": "WebPage", "@id": absolute(article.get_absolute_url())},
        "datePublished": _iso(article.published_at),
        "dateModified": _iso(max(article.updated_at, article.published_at)),
        "author": [
            {"@type": "Person", "name": b.author.name, "url": absolute(b.author.get_absolute_url())}
            for b in article.bylines.all()
        ],
        "publisher": publisher(),
        "keywords": sorted(tag.name for tag in article.tags.all()),
    }
    if article.section_id:
        data["articleSection"] = article.section.name
    image = article.social_image or article.lead_image
    if image:
        data["image"] = [absolute(image.url)]
    if article.source_id and article.original_url:
        data["isBasedOn"] = article.original_url
    return data


def breadcrumbs_ld(article) -> dict:
    crumbs = [("Home", settings.SITE_URL + "/")]
    if article.section_id:
        crumbs.append((article.section.name, absolute(article.section.get_absolute_url())))
    crumbs.append((article.headline, absolute(article.get_absolute_url())))
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": i, "name": name, "item": url}
            for i, (name, url) in enumerate(crumbs, start=1)
        ],
    }


def website_ld() -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": settings.SITE_NAME,
        "url": settings.SITE_URL + "/",
        "publisher": publisher(),
        "potentialAction": {
            "@type": "SearchAction",
            "target": {
                "@type": "EntryPoint",
                "urlTemplate": settings.SITE_URL + reverse("articles:search") + "?q={search_term_string}",
            },
            "query-input": "required name=search_term_string",
        },
    }
