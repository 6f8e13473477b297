"""WordPress posts become stories; published pages become site pages; both keep their old addresses."""

from urllib.parse import unquote, urlsplit

import reversion
from django.conf import settings
from django.contrib.flatpages.models import FlatPage
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.text import slugify

from articles import pages
from articles.models import Article, Byline
from articles.slugs import unique_slug

from .. import content, wxr
from ..models import ImportedObject, OldAddress
from .tally import fingerprint
from .terms import UNCATEGORIZED

Kind = ImportedObject.Kind

STORY_STATUS = {
    "publish": Article.Status.PUBLISHED,
    "future": Article.Status.PUBLISHED,  # a future time makes it scheduled
    "draft": Article.Status.DRAFT,
    "pending": Article.Status.IN_REVIEW,
}
NO_PAGE_COMMENTS = "on a page (site pages have no comments)"


def _newsroom_address(url: str) -> bool:
    """True when one of Newsroom's own pages answers at `url` (a static page there would be hidden)."""
    try:
        match = resolve(url)
    except Resolver404:
        return False
    return match.func is not pages.page


class PostsMixin:
    """Stories and site pages, and their old addresses. Needs the Importer's bookkeeping."""

    def post(self, item: wxr.Item, key: str) -> None:
        status = STORY_STATUS.get(item.status)
        if status is None:
            self.tally.skip("stories", f"status {item.status!r}")
            self.skip_comments(item, "on a post that was not imported")
            return
        print_ = fingerprint(
            item.title, item.slug, item.content, item.excerpt, item.status, item.date_gmt, item.creator,
            item.comment_status, item.sticky, [(t.slug, t.name) for t in item.categories],
            [(t.slug, t.name) for t in item.tags], item.meta.get("_thumbnail_id"), self.media_dir is not None,
        )  # fmt: skip
        record, article = self.target(Kind.POST, key, Article)
        if article is not None and record.fingerprint == print_:
            self.tally.count("stories", "unchanged")
            self.note_terms_used(item)
        else:
            outcome = "created" if article is None else "updated"
            article = self._save_story(item, article or Article(), status, outcome)
            self.remember(Kind.POST, key, article, print_, record)
            self.tally.count("stories", outcome)
            if (thumbnail := item.meta.get("_thumbnail_id", "").strip()).isdigit():
                self.pending_images.append((article.pk, int(thumbnail), item.line))
        self.old_addresses(item, article=article)
        self.comments(item, key, article)

    def _save_story(self, item: wxr.Item, article: Article, status: str, outcome: str) -> Article:
        article.headline = (item.title or "Untitled")[:200]
        wanted_slug = slugify(unquote(item.slug)) or slugify(item.title) or f"post-{item.wp_id or 'untitled'}"
        if article.slug != wanted_slug[:200]:
            article.slug = unique_slug(Article, wanted_slug, exclude_pk=article.pk)
        article.standfirst = content.excerpt_text(item.excerpt, 600)
        article.body = self.body(item.content)
        article.status = status
        article.published_at = item.date_gmt if status == Article.Status.PUBLISHED else None
        if status == Article.Status.PUBLISHED and article.published_at is None:
            article.published_at = timezone.now()
            self.tally.notes["published posts without a date, given the time of import"] += 1
        article.comments_open = item.comment_status == "open"
        article.is_featured = item.sticky
        article.section = self.section(item.categories[0] if item.categories else UNCATEGORIZED)
        with reversion.create_revision():
            article.save()
            where = f" (post {item.wp_id})" if item.wp_id else ""
            reversion.set_comment(f"{outcome.capitalize()} from the WordPress export{where}")
        article.tags.set([self.tag(term) for term in [*item.categories[1:], *item.tags]])
        author = self.author_for(item.creator)
        Byline.objects.filter(article=article).exclude(author=author).delete()
        if author is not None:
            Byline.objects.get_or_create(article=article, author=author, defaults={"position": 0})
        return article

    def page(self, item: wxr.Item, key: str) -> None:
        self.skip_comments(item, NO_PAGE_COMMENTS)
        if item.status != "publish":
            self.tally.skip("pages", f"{item.status} (only published pages become site pages)")
            return
        url = self._page_url(item)
        print_ = fingerprint(item.title, url, item.content)
        record, page = self.target(Kind.PAGE, key, FlatPage)
        if page is not None and record.fingerprint == print_:
            self.tally.count("pages", "unchanged")
            self.old_addresses(item, page=page)
            return
        if reason := self._page_refused(url, page):
            self.tally.skip("pages", reason)
            return
        taken = FlatPage.objects.filter(url=url).exclude(pk=page.pk if page else None).first()
        page = taken or page  # --replace-pages: the WordPress page takes over Newsroom's page there
        outcome = "created" if page is None else "updated"
        page = page or FlatPage()
        page.url = url
        page.title = (item.title or "Untitled")[:200]
        page.content = self.body(item.content)
        page.save()
        page.sites.add(settings.SITE_ID)
        self.remember(Kind.PAGE, key, page, print_, record)
        self.tally.count("pages", outcome)
        self.old_addresses(item, page=page)

    def _page_refused(self, url: str, page: FlatPage | None) -> str:
        """Why a page cannot have this address ('' when it can)."""
        if not pages.valid_address(url):
            return f"address {url!r} is not a page address on this site"
        if _newsroom_address(url):
            return f"address {url} belongs to a Newsroom page"
        taken = FlatPage.objects.filter(url=url).exclude(pk=page.pk if page else None).exists()
        if taken and not self.replace_pages:
            return f"address {url} is already a site page (--replace-pages replaces it)"
        return ""

    def _page_url(self, item: wxr.Item) -> str:
        path = self._local_path(item.link)
        if not path or path == "/" or "?" in path:
            path = f"/{slugify(unquote(item.slug)) or f'page-{item.wp_id or "untitled"}'}/"
        path = "/" + "/".join(slugify(unquote(part)) or "page" for part in path.strip("/").split("/")) + "/"
        return path[:100]

    def _local_path(self, url: str) -> str:
        """The path of a URL on the WordPress site (with its query for ?p= links); '' for other sites."""
        if not url:
            return ""
        parts = urlsplit(url)
        blog = urlsplit(self.blog_url) if self.blog_url else None
        if parts.netloc and blog and parts.netloc.lower() != blog.netloc.lower():
            return ""
        path = parts.path or "/"
        if blog and blog.path and blog.path != "/" and path.startswith(blog.path):
            path = path[len(blog.path.rstrip("/")) :] or "/"  # WordPress in a sub-folder
        return path + (f"?{parts.query}" if parts.query else "")

    def old_addresses(self, item: wxr.Item, *, article: Article | None = None, page: FlatPage | None = None):
        """The post's permalink and WordPress's short links (?p=, and ?page_id= for pages)."""
        paths = set()
        if item.wp_id:
            paths = {f"/?p={item.wp_id}"} | ({f"/?page_id={item.wp_id}"} if page else set())
        path = self._local_path(item.link)
        if path and path != "/" and "?" not in path and not (page and path == page.url):
            paths.add(path[:500])
        target = {"article": article, "page": page}
        for path in sorted(paths):
            current = OldAddress.objects.filter(path=path).values("article_id", "page_id").first()
            if current == {"article_id": article and article.pk, "page_id": page and page.pk}:
                self.tally.count("old addresses", "unchanged")
                continue
            OldAddress.objects.update_or_create(path=path, defaults=target)
            self.tally.count("old addresses", "created" if current is None else "updated")
