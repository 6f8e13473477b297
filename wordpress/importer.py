"""Importing a WordPress export into Newsroom: authors, sections, tags, stories, pages, comments, old links.

`Importer(...).run(stream)` reads the export as a stream (`wordpress.wxr`) and
writes as it goes, inside one transaction by default: a malformed file, or a
failure on any item, leaves the database as it was. With `continue_on_error`
each item has its own transaction and failures are reported instead.

Every object is remembered by its WordPress site and id (`ImportedObject`); an
object whose fingerprint has not changed since the last import is left alone,
one that changed is updated, so importing the same export twice changes
nothing and a newer export brings its edits.

Nothing is sent: comments are stored directly, without the mail and rules of
`comments.services`, and counts are recomputed once at the end.
"""

import hashlib
import json
import posixpath
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import reversion
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.flatpages.models import FlatPage
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.validators import EmailValidator
from django.db import transaction
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag

from articles import pages
from articles.images import validate_image
from articles.models import Article, Author, Byline, Section, unique_slug
from articles.sanitize import sanitize_html
from comments.models import Comment, HoldReason
from comments.services import recount
from newsroom.security import valid_ip
from newsroom.text import clean_text

from . import content, wxr
from .models import ImportedObject, OldAddress

Kind = ImportedObject.Kind

STORY_STATUS = {
    "publish": Article.Status.PUBLISHED,
    "future": Article.Status.PUBLISHED,  # a future time makes it scheduled
    "draft": Article.Status.DRAFT,
    "pending": Article.Status.IN_REVIEW,
}
SKIPPED_STATUS = {
    "private": "private (visible only to its author in WordPress)",
    "trash": "in the trash",
    "auto-draft": "an unsaved auto-draft",
    "inherit": "a revision",
}
WORDPRESS_INTERNALS = {
    "nav_menu_item", "revision", "custom_css", "customize_changeset", "oembed_cache", "user_request",
    "wp_block", "wp_template", "wp_template_part", "wp_global_styles", "wp_navigation", "wp_font_family",
    "wp_font_face", "feedback", "jp_pay_order", "jp_pay_product",
}  # fmt: skip
UNCATEGORIZED = ("uncategorized", "Uncategorized")
_IMG = re.compile(r"<img\b[^>]*>", re.I)
_UPLOAD_HREF = re.compile(r"""(\bhref\s*=\s*["'])([^"']*/wp-content/uploads/[^"']+)(["'])""", re.I)
_SRC = re.compile(r"""\bsrc\s*=\s*(["'])(.*?)\1""", re.I | re.S)


class ImportFailed(Exception):
    """An item could not be imported; nothing was saved (the message names the item and its line)."""


@dataclass
class Tally:
    """What the import did, by kind: created, updated, unchanged and skipped (with reasons)."""

    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    skipped: dict = field(default_factory=lambda: defaultdict(Counter))
    failures: list = field(default_factory=list)
    missing_images: list = field(default_factory=list)
    notes: Counter = field(default_factory=Counter)
    shortcodes: Counter = field(default_factory=Counter)

    def skip(self, kind: str, reason: str, n: int = 1) -> None:
        self.skipped[kind][reason] += n

    def count(self, kind: str, outcome: str) -> None:
        getattr(self, outcome)[kind] += 1

    KINDS = [
        "authors",
        "users",
        "sections",
        "tags",
        "stories",
        "pages",
        "comments",
        "images",
        "old addresses",
    ]

    def rows(self):
        found = set(self.created) | set(self.updated) | set(self.unchanged) | set(self.skipped)
        for kind in self.KINDS + sorted(found - set(self.KINDS)):
            skipped = sum(self.skipped[kind].values()) if kind in self.skipped else 0
            if self.created[kind] or self.updated[kind] or self.unchanged[kind] or skipped:
                yield kind, self.created[kind], self.updated[kind], self.unchanged[kind], skipped

    def as_text(self) -> str:
        lines = [f"{'':16}{'created':>9}{'updated':>9}{'unchanged':>11}{'skipped':>9}"]
        for kind, created, updated, unchanged, skipped in self.rows():
            lines.append(f"{kind:16}{created:>9}{updated:>9}{unchanged:>11}{skipped:>9}")
        reasons = [
            f"  {kind}: {n} {reason}"
            for kind, by_reason in self.skipped.items()
            for reason, n in sorted(by_reason.items(), key=lambda pair: (-pair[1], pair[0]))
        ]
        if reasons:
            lines += ["Skipped:", *reasons]
        if self.notes:
            lines += ["Notes:", *(f"  {n} {note}" for note, n in sorted(self.notes.items()))]
        if self.shortcodes:
            used = ", ".join(f"[{name}] {n}" for name, n in sorted(self.shortcodes.items()))
            lines.append(f"Shortcodes turned into HTML or text: {used}")
        if self.missing_images:
            lines.append(
                f"Images not found in the media folder ({len(self.missing_images)}; re-run with --media-dir):"
            )
            lines += [f"  {name}" for name in self.missing_images[:20]]
            if len(self.missing_images) > 20:
                lines.append(f"  … and {len(self.missing_images) - 20} more")
        if self.failures:
            lines += [f"Failed ({len(self.failures)}):", *(f"  {failure}" for failure in self.failures)]
        return "\n".join(lines)


def fingerprint(*parts) -> str:
    return hashlib.sha256(json.dumps(parts, default=str, sort_keys=True).encode()).hexdigest()


class Importer:
    def __init__(
        self,
        *,
        media_dir: Path | str | None = None,
        dry_run: bool = False,
        create_users: bool = False,
        continue_on_error: bool = False,
        replace_pages: bool = False,
        on_progress=None,
    ):
        self.replace_pages = replace_pages
        self.media_dir = Path(media_dir) if media_dir else None
        self.dry_run = dry_run
        self.create_users = create_users
        self.continue_on_error = continue_on_error
        self.on_progress = on_progress
        self.tally = Tally()
        self.site = ""
        self.blog_url = ""
        self.categories: dict[str, wxr.Term] = {}
        self.tag_terms: dict[str, wxr.Term] = {}
        self.used_terms: set[tuple[str, str]] = set()
        self.authors: dict[str, wxr.Author] = {}
        self.attachments: dict[int, dict] = {}
        self.pending_images: list[tuple[int, int, int]] = []  # (article pk, attachment id, line)
        self.touched_articles: set[int] = set()
        self.saved_files: list[str] = []
        self.seen_files: set[str] = set()  # storage names already counted in this run
        self.article_type = ContentType.objects.get_for_model(Article)
        self._known: dict[tuple[str, str], ImportedObject] = {}

    # The run ---------------------------------------------------------------------------------

    def run(self, stream) -> Tally:
        try:
            if self.continue_on_error and not self.dry_run:
                self._read(stream)
                self._finish()
            else:
                with transaction.atomic():
                    self._read(stream)
                    self._finish()
                    if self.dry_run:
                        transaction.set_rollback(True)
        except BaseException:
            self._remove_saved_files()
            raise
        if self.dry_run:
            self._remove_saved_files()
        return self.tally

    def _read(self, stream) -> None:
        for record in wxr.read(stream, on_progress=self.on_progress):
            if isinstance(record, wxr.Channel):
                self._channel(record)
            elif isinstance(record, wxr.Author):
                self.authors[record.login] = record
                self._guarded(f"author {record.login!r}", 0, self._author, record)
            elif isinstance(record, wxr.Term):
                self._term(record)
            elif isinstance(record, wxr.Item):
                what = f"{record.post_type} {record.wp_id} ({record.title[:60]!r})"
                self._guarded(what, record.line, self._item, record)
        declared = {("category", s) for s in self.categories} | {("post_tag", s) for s in self.tag_terms}
        for kind, n in Counter(kind for kind, _ in declared - self.used_terms).items():
            where, what = ("sections", "categories") if kind == "category" else ("tags", "tags")
            self.tally.skip(where, f"{what} used by no imported post", n)

    def _guarded(self, what: str, line: int, handler, record) -> None:
        where = f" at line {line}" if line else ""
        if not self.continue_on_error:
            try:
                handler(record)
            except (ImportFailed, wxr.WXRError):
                raise
            except Exception as error:
                raise ImportFailed(f"Could not import {what}{where}: {error}") from error
            return
        try:
            with transaction.atomic():
                handler(record)
        except Exception as error:
            self.tally.failures.append(f"{what}{where}: {error}")

    def _finish(self) -> None:
        for article_pk, attachment_id, line in self.pending_images:
            self._guarded(
                f"featured image {attachment_id}", line, self._lead_image, (article_pk, attachment_id)
            )
        if self.touched_articles:
            recount(self.touched_articles)

    def _remove_saved_files(self) -> None:
        for name in self.saved_files:
            default_storage.delete(name)
        self.saved_files.clear()

    # Bookkeeping -----------------------------------------------------------------------------

    def _record(self, kind: str, key) -> ImportedObject | None:
        key = str(key)
        if (kind, key) not in self._known:
            found = ImportedObject.objects.filter(site=self.site, kind=kind, wp_key=key).first()
            if found is None:
                return None
            self._known[(kind, key)] = found
        return self._known[(kind, key)]

    def _target(self, kind: str, key, model):
        record = self._record(kind, key)
        if record is None:
            return None, None
        obj = model.objects.filter(pk=record.object_id).first()
        return record, obj

    def _remember(self, kind: str, key, obj, print_: str, record: ImportedObject | None) -> None:
        if record is None:
            record = ImportedObject(site=self.site, kind=kind, wp_key=str(key))
        record.content_type = ContentType.objects.get_for_model(obj)
        record.object_id = str(obj.pk)
        record.fingerprint = print_
        record.save()
        self._known[(kind, str(key))] = record

    # Channel, authors, terms -------------------------------------------------------------------

    def _channel(self, channel: wxr.Channel) -> None:
        self.blog_url = (channel.base_blog_url or channel.link or "").rstrip("/")
        self.site = (self.blog_url or channel.base_site_url or "unknown").removeprefix("https://")
        self.site = self.site.removeprefix("http://")[:200]

    def _author(self, author: wxr.Author):
        if not author.login:
            self.tally.skip("authors", "no login name")
            return None
        print_ = fingerprint(author.name, author.email)
        record, existing = self._target(Kind.AUTHOR, author.login, Author)
        if existing is not None and record.fingerprint == print_:
            self.tally.count("authors", "unchanged")
            return existing
        if existing is None:
            existing = Author(name=author.name[:120], slug=unique_slug(Author, author.login, max_length=120))
            outcome = "created"
        else:
            existing.name = author.name[:120]
            outcome = "updated"
        if self.create_users and existing.user_id is None:
            existing.user = self._user(author)
        existing.save()
        self._remember(Kind.AUTHOR, author.login, existing, print_, record)
        self.tally.count("authors", outcome)
        return existing

    def _user(self, author: wxr.Author):
        User = get_user_model()
        username = re.sub(r"[^\w.@+-]", "", author.login)[:140] or "wordpress"
        candidate, n = username, 2
        while User.objects.filter(username=candidate).exists():
            candidate, n = f"{username}-{n}", n + 1
        user = User(
            username=candidate,
            email=author.email if _valid_email(author.email) else "",
            first_name=author.first_name[:150],
            last_name=author.last_name[:150],
            is_active=False,  # an administrator gives the person a role and a password first
        )
        user.set_unusable_password()
        user.save()
        self.tally.count("users", "created")
        return user

    def _author_for(self, login: str) -> Author | None:
        login = login.strip()
        if not login:
            return None
        record, author = self._target(Kind.AUTHOR, login, Author)
        if author is not None:
            return author
        # WXR 1.0 lists no authors: the post's dc:creator is all there is.
        return self._author(self.authors.get(login) or wxr.Author(login=login))

    def _term(self, term: wxr.Term) -> None:
        if not term.slug and not term.name:
            return
        slug = term.slug or slugify(term.name)
        if term.kind == "category":
            self.categories[slug] = term
        elif term.kind == "post_tag":
            self.tag_terms[slug] = term

    def _section(self, term: wxr.Term) -> Section:
        slug = term.slug or slugify(term.name) or UNCATEGORIZED[0]
        name = (self.categories.get(slug) or term).name or slug
        self.used_terms.add(("category", slug))
        record, section = self._target(Kind.SECTION, slug, Section)
        if section is not None:
            if record.fingerprint != fingerprint(name):
                section.name = name[:80]
                section.save()
                self._remember(Kind.SECTION, slug, section, fingerprint(name), record)
                self.tally.count("sections", "updated")
            return section
        section = Section.objects.filter(slug=slugify(slug)[:80]).first()
        if section is None:
            section = Section.objects.create(name=name[:80], slug=unique_slug(Section, slug, max_length=80))
            self.tally.count("sections", "created")
        else:
            self.tally.notes[f"section {section.slug!r} already existed and was used as it is"] += 1
        self._remember(Kind.SECTION, slug, section, fingerprint(name), None)
        return section

    def _tag(self, term: wxr.Term) -> Tag:
        kind = "category" if term.kind == "category" else "post_tag"
        slug = term.slug or slugify(term.name)
        declared = (self.categories if kind == "category" else self.tag_terms).get(slug)
        # Cleaned as saving will clean it (newsroom.text), so "\u202ePorts" finds the tag "Ports".
        name = (clean_text((declared or term).name, multiline=False).strip() or slug)[:100]
        self.used_terms.add((kind, slug))
        tag = Tag.objects.filter(name__iexact=name).first()
        if tag is None:
            tag = Tag.objects.create(name=name)
            self.tally.count("tags", "created")
        return tag

    # Items -----------------------------------------------------------------------------------

    def _item(self, item: wxr.Item) -> None:
        if item.post_type == "attachment":
            self.attachments[item.wp_id] = {
                "url": item.attachment_url or item.link,
                "alt": item.meta.get("_wp_attachment_image_alt", "").strip() or item.title,
                "caption": content.excerpt_text(item.excerpt, 300),
            }
            self.tally.notes["attachments read (used for featured images)"] += 1
            return
        if item.post_type in ("post", "page"):
            if item.status in SKIPPED_STATUS:
                kind = "stories" if item.post_type == "post" else "pages"
                self.tally.skip(kind, SKIPPED_STATUS[item.status])
                self._skip_comments(item, f"on a {item.post_type} that was not imported")
                return
            if item.post_type == "post":
                self._post(item)
            else:
                self._page(item)
            return
        label = "WordPress internals" if item.post_type in WORDPRESS_INTERNALS else "custom post type"
        self.tally.skip("other items", f"{label} {item.post_type!r}")
        self._skip_comments(item, f"on a {item.post_type!r} item")

    def _skip_comments(self, item: wxr.Item, reason: str) -> None:
        if item.comments:
            self.tally.skip("comments", reason, len(item.comments))

    def _post(self, item: wxr.Item) -> None:
        status = STORY_STATUS.get(item.status)
        if status is None:
            self.tally.skip("stories", f"status {item.status!r}")
            self._skip_comments(item, "on a post that was not imported")
            return
        categories = item.categories or [
            wxr.Term(kind="category", slug=UNCATEGORIZED[0], name=UNCATEGORIZED[1])
        ]
        print_ = fingerprint(
            item.title, item.slug, item.content, item.excerpt, item.status, item.date_gmt, item.creator,
            item.comment_status, item.sticky, [(t.slug, t.name) for t in item.categories],
            [(t.slug, t.name) for t in item.tags], item.meta.get("_thumbnail_id"), self.media_dir is not None,
        )  # fmt: skip
        record, article = self._target(Kind.POST, item.wp_id, Article)
        if article is not None and record.fingerprint == print_:
            self.tally.count("stories", "unchanged")
            for term in categories[:1]:
                self.used_terms.add(("category", term.slug))
            for term in [*categories[1:], *item.tags]:
                self.used_terms.add(("category" if term.kind == "category" else "post_tag", term.slug))
        else:
            outcome = "created" if article is None else "updated"
            article = article or Article()
            article.headline = (item.title or "Untitled")[:200]
            wanted_slug = slugify(unquote(item.slug)) or slugify(item.title) or f"post-{item.wp_id}"
            if article.slug != wanted_slug[:200]:
                article.slug = unique_slug(Article, wanted_slug, exclude_pk=article.pk)
            article.standfirst = content.excerpt_text(item.excerpt, 600)
            article.body = self._body(item.content)
            article.status = status
            article.published_at = item.date_gmt if status == Article.Status.PUBLISHED else None
            if status == Article.Status.PUBLISHED and article.published_at is None:
                article.published_at = timezone.now()
                self.tally.notes["published posts without a date, given the time of import"] += 1
            article.comments_open = item.comment_status == "open"
            article.is_featured = item.sticky
            article.section = self._section(categories[0])
            with reversion.create_revision():
                article.save()
                reversion.set_comment(f"{outcome.capitalize()} from the WordPress export (post {item.wp_id})")
            article.tags.set([self._tag(term) for term in [*categories[1:], *item.tags]])
            author = self._author_for(item.creator)
            Byline.objects.filter(article=article).exclude(author=author).delete()
            if author is not None:
                Byline.objects.get_or_create(article=article, author=author, defaults={"position": 0})
            self._remember(Kind.POST, item.wp_id, article, print_, record)
            self.tally.count("stories", outcome)
            if thumbnail := item.meta.get("_thumbnail_id", "").strip():
                if thumbnail.isdigit():
                    self.pending_images.append((article.pk, int(thumbnail), item.line))
        self._old_addresses(item, article=article)
        self._comments(item, article)

    def _page(self, item: wxr.Item) -> None:
        if item.status != "publish":
            self.tally.skip("pages", f"{item.status} (only published pages become site pages)")
            self._skip_comments(item, "on a page (site pages have no comments)")
            return
        url = self._page_url(item)
        print_ = fingerprint(item.title, url, item.content)
        record, page = self._target(Kind.PAGE, item.wp_id, FlatPage)
        self._skip_comments(item, "on a page (site pages have no comments)")
        if page is not None and record.fingerprint == print_:
            self.tally.count("pages", "unchanged")
            self._old_addresses(item, page=page)
            return
        if not pages.valid_address(url):
            self.tally.skip("pages", f"address {url!r} is not a page address on this site")
            return
        taken = FlatPage.objects.filter(url=url).exclude(pk=page.pk if page else None).first()
        if _newsroom_address(url):
            self.tally.skip("pages", f"address {url} belongs to a Newsroom page")
            return
        if taken and not self.replace_pages:
            self.tally.skip("pages", f"address {url} is already a site page (--replace-pages replaces it)")
            return
        if taken:  # --replace-pages: the WordPress page takes over Newsroom's page at that address
            page = taken
        outcome = "created" if page is None else "updated"
        page = page or FlatPage()
        page.url = url
        page.title = (item.title or "Untitled")[:200]
        page.content = self._body(item.content)
        page.save()
        page.sites.add(settings.SITE_ID)
        self._remember(Kind.PAGE, item.wp_id, page, print_, record)
        self.tally.count("pages", outcome)
        self._old_addresses(item, page=page)

    def _page_url(self, item: wxr.Item) -> str:
        path = self._local_path(item.link)
        if not path or path == "/" or "?" in path:
            path = f"/{slugify(unquote(item.slug)) or f'page-{item.wp_id}'}/"
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

    def _old_addresses(self, item: wxr.Item, *, article: Article | None = None, page: FlatPage | None = None):
        """The post's permalink and WordPress's short links (?p=, and ?page_id= for pages)."""
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

    # Comments --------------------------------------------------------------------------------

    def _comments(self, item: wxr.Item, article: Article) -> None:
        placed: dict[int, int] = {}  # WordPress comment id -> our comment pk
        waiting = []
        for comment in sorted(item.comments, key=lambda c: (c.date_gmt or timezone.now(), c.wp_id)):
            if comment.type in ("pingback", "trackback"):
                self.tally.skip("comments", f"{comment.type}s")
            elif comment.approved in ("trash", "post-trashed"):
                self.tally.skip("comments", "in the trash")
            else:
                waiting.append(comment)
        known_ids = {c.wp_id for c in waiting}
        # Parents first, whatever order the export lists them in.
        while waiting:
            ready = [c for c in waiting if not c.parent or c.parent in placed or c.parent not in known_ids]
            if not ready:  # a loop of parents: break it at the oldest
                ready = waiting[:1]
            for comment in ready:
                waiting.remove(comment)
                parent_pk = placed.get(comment.parent, 0)
                if comment.parent and not parent_pk:
                    self.tally.notes["comments whose parent was not imported, shown as new threads"] += 1
                placed[comment.wp_id] = self._comment(comment, article, parent_pk)
        self.touched_articles.add(article.pk)

    def _comment(self, comment: wxr.Comment, article: Article, parent_pk: int) -> int:
        if comment.approved == "1":
            state = {"is_public": True, "is_removed": False, "is_spam": False, "hold_reasons": []}
        elif comment.approved == "spam":
            state = {"is_public": False, "is_removed": True, "is_spam": True, "hold_reasons": []}
        else:  # "0" (pending), or no approval status at all: a moderator decides
            if comment.approved != "0":
                self.tally.notes["comments without an approval status, held for moderation"] += 1
            state = {
                "is_public": False,
                "is_removed": False,
                "is_spam": False,
                "hold_reasons": [HoldReason.IMPORTED],
            }
        fields = {
            "user_name": (comment.author or "Anonymous")[:50],
            "user_email": comment.email[:254] if _valid_email(comment.email) else "",
            "user_url": comment.url[:200] if re.match(r"^https?://[^\s]+$", comment.url, re.I) else "",
            "comment": content.comment_text(comment.content) or "(empty)",
            "submit_date": comment.date_gmt or timezone.now(),
            "ip_address": valid_ip(comment.ip),
            **state,
        }
        print_ = fingerprint(fields)
        record, existing = self._target(Kind.COMMENT, comment.wp_id, Comment)
        if existing is not None and record.fingerprint == print_:
            self.tally.count("comments", "unchanged")
            return existing.pk
        if existing is None:
            existing = Comment(
                content_type=self.article_type,
                object_pk=str(article.pk),
                site_id=settings.SITE_ID,
                parent_id=parent_pk,
                followup=False,
            )
            outcome = "created"
        else:
            outcome = "updated"
        for name, value in fields.items():
            setattr(existing, name, value)
        existing.save()
        self._remember(Kind.COMMENT, comment.wp_id, existing, print_, record)
        self.tally.count("comments", outcome)
        return existing.pk

    # Images and links ------------------------------------------------------------------------

    def _media_file(self, url: str) -> Path | None:
        """The file for a WordPress upload URL in --media-dir: by its path under uploads/, else by name."""
        if not self.media_dir or not url:
            return None
        path = unquote(urlsplit(url).path)
        relative = path.split("/wp-content/uploads/", 1)[-1].lstrip("/")
        for candidate in (relative, posixpath.basename(relative)):
            if not candidate or ".." in candidate.split("/"):
                continue
            file = self.media_dir / candidate
            if file.is_file():
                return file
        return None

    def _store(self, url: str, quiet: bool = False) -> str | None:
        """Copy an upload into Newsroom's media storage once; its storage name, or None when missing."""
        file = self._media_file(url)
        if file is None:
            if not quiet and url not in self.tally.missing_images:
                self.tally.missing_images.append(url)
                self.tally.skip("images", "not found in the media folder")
            return None
        key = str(file.relative_to(self.media_dir))
        record = self._record(Kind.IMAGE, key)
        if record is not None and default_storage.exists(record.object_id):
            if not quiet and record.object_id not in self.seen_files:
                self.tally.count("images", "unchanged")
            self.seen_files.add(record.object_id)
            return record.object_id
        with file.open("rb") as handle:
            upload = File(handle, name=file.name)
            try:
                validate_image(upload)
            except ValidationError as error:
                self.tally.skip("images", f"not a usable image ({'; '.join(error.messages)})")
                return None
            if self.dry_run:
                self.tally.count("images", "created")
                return f"wordpress/{key}"
            handle.seek(0)
            name = default_storage.save(f"wordpress/{key}", handle)
        self.saved_files.append(name)
        self.seen_files.add(name)
        record = record or ImportedObject(site=self.site, kind=Kind.IMAGE, wp_key=key)
        record.content_type = ContentType.objects.get_for_model(ImportedObject)
        record.object_id = name
        record.fingerprint = fingerprint(key)
        record.save()
        self._known[(Kind.IMAGE, key)] = record
        self.tally.count("images", "created")
        return name

    def _body(self, wordpress_html: str) -> str:
        """Post or page content as safe Newsroom HTML, images copied (or dropped), links made local."""
        return sanitize_html(self._rewrite(content.post_html(wordpress_html, self.tally.shortcodes)))

    def _rewrite(self, html: str) -> str:
        """Point images at copies in our media storage (dropping those we lack) and links at our paths."""

        def image(match):
            tag = match.group(0)
            src = _SRC.search(tag)
            if not src:
                return ""
            url = src.group(2)
            if url.startswith("data:") or not url:
                return ""
            name = self._store(url)
            if name is None:
                return ""
            return tag.replace(src.group(0), f'src="{default_storage.url(name)}"')

        def upload_link(match):
            name = self._store(match.group(2), quiet=True)
            return f"{match.group(1)}{default_storage.url(name)}{match.group(3)}" if name else match.group(0)

        html = _IMG.sub(image, html)
        html = _UPLOAD_HREF.sub(upload_link, html)  # a picture linked to its full-size file
        if self.blog_url:
            html = re.sub(rf"""(href\s*=\s*["']){re.escape(self.blog_url)}/?""", r"\1/", html, flags=re.I)
        return html

    def _lead_image(self, pending) -> None:
        article_pk, attachment_id = pending
        attachment = self.attachments.get(attachment_id)
        if attachment is None:
            self.tally.skip("images", "featured image not in the export")
            return
        name = self._store(attachment["url"])
        if name is None or self.dry_run:
            return
        article = Article.objects.get(pk=article_pk)
        if article.lead_image.name == name:
            return
        article.lead_image.name = name
        article.lead_image_alt = attachment["alt"][:250] or article.headline[:250]
        article.lead_image_caption = attachment["caption"][:300]
        article.save()


def _valid_email(value: str) -> bool:
    try:
        EmailValidator()(value)
    except ValidationError:
        return False
    return True


def _newsroom_address(url: str) -> bool:
    """True when one of Newsroom's own pages answers at `url` (a static page there would be hidden)."""
    try:
        match = resolve(url)
    except Resolver404:
        return False
    return match.func is not pages.page
