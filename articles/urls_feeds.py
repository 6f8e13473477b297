"""Feeds, sitemaps and robots.txt, included at the site's root."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path

import newsroom.converters  # noqa: F401 (registers <tag_slug:>)

from . import feeds, sitemaps
from .caching import cache_for_readers

# Feeds change only when stories do: anonymous readers (feed readers poll) get them from the
# page cache, renewed by the same numbers as the pages.
feed = cache_for_readers

app_name = "feeds"

urlpatterns = [
    path("feed/", feed(feeds.StoryFeed()), name="site"),
    path("feed/atom/", feed(feeds.SiteAtomFeed()), name="site-atom"),
    path("section/<slug:slug>/feed/", feed(feeds.SectionFeed()), name="section"),
    path("section/<slug:slug>/feed/atom/", feed(feeds.SectionAtomFeed()), name="section-atom"),
    path("tag/<tag_slug:slug>/feed/", feed(feeds.TagFeed()), name="tag"),
    path("tag/<tag_slug:slug>/feed/atom/", feed(feeds.TagAtomFeed()), name="tag-atom"),
    path("source/<slug:slug>/feed/", feed(feeds.SourceFeed()), name="source"),
    path("source/<slug:slug>/feed/atom/", feed(feeds.SourceAtomFeed()), name="source-atom"),
    path("author/<slug:slug>/feed/", feed(feeds.AuthorFeed()), name="author"),
    path("author/<slug:slug>/feed/atom/", feed(feeds.AuthorAtomFeed()), name="author-atom"),
    path("sitemap.xml", sitemaps.sitemap_index, name="sitemap-index"),
    path("sitemap-<section>.xml", sitemap, {"sitemaps": sitemaps.SITEMAPS}, name="sitemap"),
    path("news-sitemap.xml", sitemaps.news_sitemap, name="news-sitemap"),
    path("robots.txt", sitemaps.robots_txt, name="robots"),
]
