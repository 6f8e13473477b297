"""Sitemaps for search engines, the Google News sitemap and robots.txt.

/sitemap.xml is an index of the sitemaps below (/sitemap-<section>.xml), which list
public stories, the home and corrections pages, and the section, tag, author and
source pages that have at least one public story. /news-sitemap.xml lists the stories
of the last 48 hours for Google News.

Every address is built on settings.SITE_URL: Django's sitemaps would use the Sites
framework's domain, so each sitemap answers protocol and domain from SITE_URL, and
the index is our own view because Django's index view always uses the Site's domain.

The sitemaps.org schema wants at least one <url> in a <urlset> and one <sitemap> in a
<sitemapindex>, so the index lists only sitemaps with something in them (the pages
sitemap always has the home page) and the news sitemap names the home page, without
news metadata, when no story is recent enough. Its titles go through the `xml_text`
filter, so a headline stored with a control character still makes valid XML; the
other sitemaps hold only addresses, which reverse() percent-encodes, and dates.
"""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem, x_robots_tag
from django.db.models import Max, Q
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from .models import NEWEST_FIRST, Article, Author, Section, Source
from .templatetags.newsroom import absolute

NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1000  # Google News reads no more than this many stories per sitemap


class SiteUrlSitemap(Sitemap):
    """A sitemap whose addresses start with SITE_URL, whatever the Site's domain is."""

    @property
    def protocol(self):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        # Everything after the scheme: the host, its port, and a path prefix if the site has one.
        return settings.SITE_URL.split("://", 1)[1]


def public_stories():
    """Public stories; one without a section has no public address."""
    return Article.objects.published().filter(section__isnull=False)


class StorySitemap(SiteUrlSitemap):
    def items(self):
        return public_stories().select_related("section").order_by(*NEWEST_FIRST)

    def lastmod(self, item):
        # A story saved before its scheduled time went out was not updated before it appeared.
        return max(item.updated_at, item.published_at)

    def get_latest_lastmod(self):
        latest = public_stories().aggregate(updated=Max("updated_at"), published=Max("published_at"))
        return max(filter(None, latest.values()), default=None)


class PageSitemap(SiteUrlSitemap):
    """Pages that are always there."""

    def items(self):
        return ["articles:home", "articles:corrections"]

    def location(self, item):
        return reverse(item)


class StoryOwnerSitemap(SiteUrlSitemap):
    """Sections, tags, authors or sources with at least one public story; lastmod is their newest."""

    model = None
    stories = ""  # the lookup from the model to its articles

    def items(self):
        path = self.stories
        public = Q(
            **{
                f"{path}__status": Article.Status.PUBLISHED,
                f"{path}__published_at__lte": timezone.now(),
                f"{path}__section__isnull": False,
            }
        )
        return (
            self.model.objects.annotate(newest=Max(f"{path}__published_at", filter=public))
            .filter(newest__isnull=False)
            .order_by("slug")
        )

    def lastmod(self, item):
        return item.newest


class SectionSitemap(StoryOwnerSitemap):
    model, stories = Section, "articles"


class TagSitemap(StoryOwnerSitemap):
    model, stories = Tag, "articles_taggedarticle_items__content_object"

    def location(self, item):
        return reverse("articles:tag", args=[item.slug])


class AuthorSitemap(StoryOwnerSitemap):
    model, stories = Author, "articles"


class SourceSitemap(StoryOwnerSitemap):
    model, stories = Source, "articles"


SITEMAPS = {
    "pages": PageSitemap,
    "stories": StorySitemap,
    "sections": SectionSitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
    "sources": SourceSitemap,
}


@x_robots_tag
def sitemap_index(request, sitemaps=SITEMAPS, sitemap_url_name="feeds:sitemap"):
    """Like django.contrib.sitemaps.views.index, on SITE_URL, leaving out empty sitemaps."""
    entries = []
    for section, sitemap_class in sitemaps.items():
        sitemap = sitemap_class()
        paginator = sitemap.paginator
        if not paginator.count:
            continue
        location = absolute(reverse(sitemap_url_name, kwargs={"section": section}))
        lastmod = sitemap.get_latest_lastmod()
        entries.append(SitemapIndexItem(location, lastmod))
        entries.extend(SitemapIndexItem(f"{location}?p={page}", lastmod) for page in paginator.page_range[1:])
    return TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml"
    )


def news_language() -> str:
    """The publication's language as Google News wants it: ISO 639, or zh-cn / zh-tw."""
    code = settings.LANGUAGE_CODE.lower()
    chinese = {"zh-cn": "zh-cn", "zh-hans": "zh-cn", "zh-tw": "zh-tw", "zh-hant": "zh-tw"}
    return chinese.get(code, code.split("-")[0])


@x_robots_tag
def news_sitemap(request):
    """Google News sitemap: public stories published in the last 48 hours, newest first."""
    since = timezone.now() - NEWS_WINDOW
    stories = (
        public_stories()
        .filter(published_at__gte=since)
        .select_related("section")
        .order_by(*NEWEST_FIRST)[:NEWS_LIMIT]
    )
    entries = [
        {
            "location": absolute(story.get_absolute_url()),
            "title": story.headline,
            "published": timezone.localtime(story.published_at).isoformat(timespec="seconds"),
        }
        for story in stories
    ]
    context = {
        "stories": entries,
        "home": absolute(reverse("articles:home")),
        "publication": settings.SITE_NAME,
        "language": news_language(),
    }
    return TemplateResponse(request, "sitemaps/news.xml", context, content_type="application/xml")


def robots_txt(request):
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('admin:index')}",
        "Disallow: /preview/",
        "",
        f"Sitemap: {absolute(reverse('feeds:sitemap-index'))}",
        f"Sitemap: {absolute(reverse('feeds:news-sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
