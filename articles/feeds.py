"""RSS 2.0 and Atom 1.0 feeds of the newest public stories: the whole site, and per
section, tag, source and author.

Every address in a feed is built on settings.SITE_URL, never on the request's host
or the Sites framework. A story's GUID (RSS) and id (Atom) is a tag URI made of the
site's host, the day the story was created and its primary key, so it never changes
when the headline, slug, section or publication time does.

Every string a feed carries goes through `newsroom.text.xml_text` on its way into the
generator, so text stored before control characters were cleaned on save (a headline
with Word's vertical tab) still makes valid XML instead of a 500.
"""

from datetime import UTC
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from taggit.models import Tag

from newsroom.text import xml_text

from .models import NEWEST_FIRST, Article, Author, Section, Source
from .selectors import NOT_ON_CARDS, bylines_with_authors
from .templatetags.newsroom import absolute

FEED_LENGTH = 30
DC_NS = "http://purl.org/dc/elements/1.1/"


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def story_guid(article: Article) -> str:
    """A permanent id: tag:<host>,<creation day>:article:<pk> (RFC 4151)."""
    created = article.created_at.astimezone(UTC).date()
    return f"tag:{site_host()},{created.isoformat()}:article:{article.pk}"


def feed_stories():
    """The newest public stories, with everything an item shows: section, source, bylines, tags."""
    return (
        Article.objects.published()
        .filter(section__isnull=False)  # a story without a section has no public address
        .select_related("section", "source")
        .defer(*NOT_ON_CARDS)
        .prefetch_related(bylines_with_authors(), "tags")
        .order_by(*NEWEST_FIRST)
    )


def xml_safe(value):
    """A feed's string, or its lists and pairs of strings, with nothing XML 1.0 cannot carry."""
    if isinstance(value, str):
        return xml_text(value)
    if isinstance(value, list | tuple):
        return type(value)(xml_safe(part) for part in value)
    return value


class XmlSafeFeed:
    """Cleans the feed's and each item's strings as the Feed view hands them over."""

    def __init__(self, *args, **kwargs):
        super().__init__(*xml_safe(args), **{key: xml_safe(value) for key, value in kwargs.items()})

    def add_item(self, *args, **kwargs):
        super().add_item(*xml_safe(args), **{key: xml_safe(value) for key, value in kwargs.items()})


class NewsroomRssFeed(XmlSafeFeed, Rss201rev2Feed):
    """RSS 2.0 naming every author of a story with <dc:creator>.

    RSS's own <author> must be an e-mail address, which we do not publish.
    """

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:dc": DC_NS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name in item.get("authors", ()):
            handler.addQuickElement("dc:creator", name)


class NewsroomAtomFeed(XmlSafeFeed, Atom1Feed):
    """Atom 1.0 with one <author> per byline, in byline order."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, link in item.get("authors_with_links", ()):
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.addQuickElement("uri", link)
            handler.endElement("author")


class StoryFeed(Feed):
    """The whole site's feed; subclasses narrow it to a section, tag, source or author."""

    feed_type = NewsroomRssFeed
    url_name = "feeds:site"
    model = None  # what the slug in the address names

    # --- the feed ---------------------------------------------------------

    def get_object(self, request, slug=None):
        # Section.DoesNotExist etc. are ObjectDoesNotExist: the Feed view answers 404.
        return self.model.objects.get(slug=slug) if self.model else None

    @property
    def language(self):
        return settings.LANGUAGE_CODE

    def title(self, obj):
        return f"{settings.SITE_NAME} — {obj.name}" if obj else settings.SITE_NAME

    def description(self, obj):
        return f"The latest stories from {settings.SITE_NAME}."

    def subtitle(self, obj):
        return self.description(obj)

    def link(self, obj):
        return absolute(obj.get_absolute_url() if obj else "/")

    def feed_url(self, obj):
        args = [obj.slug] if obj else []
        return absolute(reverse(self.url_name, args=args))

    def author_name(self, obj):
        # Atom needs an author for every entry and a syndicated story may have no byline;
        # RSS 2.0 has no feed-level author, so Django leaves it out there.
        return settings.SITE_NAME

    def filter_stories(self, stories, obj):
        return stories

    def items(self, obj):
        """The feed's stories with everything an item shows, in three queries."""
        return self.filter_stories(feed_stories(), obj)[:FEED_LENGTH]

    # --- each story -------------------------------------------------------

    def item_title(self, item):
        # RSS readers treat a title as HTML, so Django escapes it twice there;
        # an Atom title is plain text.
        return item.headline if self.feed_type is NewsroomAtomFeed else escape(item.headline)

    def item_description(self, item):
        return escape(item.standfirst) if item.standfirst else None

    def item_link(self, item):
        return absolute(item.get_absolute_url())

    def item_guid(self, item):
        return story_guid(item)

    def item_guid_is_permalink(self, item):
        return False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        # A story saved before its scheduled time went out was not updated before it appeared.
        return max(item.updated_at, item.published_at)

    def item_categories(self, item):
        tags = sorted((tag.name for tag in item.tags.all()), key=str.casefold)
        return list(dict.fromkeys([item.section.name, *tags]))

    def item_extra_kwargs(self, item):
        authors = [byline.author for byline in item.bylines.all()]
        if self.feed_type is NewsroomAtomFeed:
            return {"authors_with_links": [(a.name, absolute(a.get_absolute_url())) for a in authors]}
        return {"authors": [a.name for a in authors]}


class SectionFeed(StoryFeed):
    model, url_name = Section, "feeds:section"

    def description(self, obj):
        return obj.description or f"The latest stories in {obj.name} from {settings.SITE_NAME}."

    def filter_stories(self, stories, obj):
        return stories.filter(section=obj)


class TagFeed(StoryFeed):
    model, url_name = Tag, "feeds:tag"

    def description(self, obj):
        return f"The latest stories about {obj.name} from {settings.SITE_NAME}."

    def link(self, obj):
        return absolute(reverse("articles:tag", args=[obj.slug]))

    def filter_stories(self, stories, obj):
        return stories.filter(tags=obj)


class SourceFeed(StoryFeed):
    model, url_name = Source, "feeds:source"

    def description(self, obj):
        return f"The latest stories from {obj.name}, as published on {settings.SITE_NAME}."

    def filter_stories(self, stories, obj):
        return stories.filter(source=obj)


class AuthorFeed(StoryFeed):
    model, url_name = Author, "feeds:author"

    def description(self, obj):
        return f"The latest stories by {obj.name} on {settings.SITE_NAME}."

    def filter_stories(self, stories, obj):
        return stories.filter(bylines__author=obj)


def atom(feed_class):
    """The Atom 1.0 twin of an RSS feed class, served at its address plus atom/."""
    return type(
        f"{feed_class.__name__}Atom",
        (feed_class,),
        {"feed_type": NewsroomAtomFeed, "url_name": f"{feed_class.url_name}-atom"},
    )


SiteAtomFeed = atom(StoryFeed)
SectionAtomFeed = atom(SectionFeed)
TagAtomFeed = atom(TagFeed)
SourceAtomFeed = atom(SourceFeed)
AuthorAtomFeed = atom(AuthorFeed)
