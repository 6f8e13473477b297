"""Feeds, sitemaps and robots.txt, included at the site's root."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import converters, feeds, sitemaps  # noqa: F401 (converters registers <tag_slug:>)

app_name = "feeds"

urlpatterns = [
    path("feed/", feeds.StoryFeed(), name="site"),
    path("feed/atom/", feeds.SiteAtomFeed(), name="site-atom"),
    path("section/<slug:slug>/feed/", feeds.SectionFeed(), name="section"),
    path("section/<slug:slug>/feed/atom/", feeds.SectionAtomFeed(), name="section-atom"),
    path("tag/<tag_slug:slug>/feed/", feeds.TagFeed(), name="tag"),
    path("tag/<tag_slug:slug>/feed/atom/", feeds.TagAtomFeed(), name="tag-atom"),
    path("source/<slug:slug>/feed/", feeds.SourceFeed(), name="source"),
    path("source/<slug:slug>/feed/atom/", feeds.SourceAtomFeed(), name="source-atom"),
    path("author/<slug:slug>/feed/", feeds.AuthorFeed(), name="author"),
    path("author/<slug:slug>/feed/atom/", feeds.AuthorAtomFeed(), name="author-atom"),
    path("sitemap.xml", sitemaps.sitemap_index, name="sitemap-index"),
    path("sitemap-<section>.xml", sitemap, {"sitemaps": sitemaps.SITEMAPS}, name="sitemap"),
    path("news-sitemap.xml", sitemaps.news_sitemap, name="news-sitemap"),
    path("robots.txt", sitemaps.robots_txt, name="robots"),
]
