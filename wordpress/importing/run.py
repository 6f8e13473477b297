"""The import's orchestrator: reads the export's records and hands each to its importer.

`Importer(...).run(stream)` reads the export as a stream (`wordpress.wxr`) and
writes as it goes, inside one transaction by default: a malformed file, or a
failure on any item, leaves the database as it was. With `continue_on_error`
each item has its own transaction and failures are reported instead.

Every object is remembered by its WordPress site and id (`ImportedObject`); an
object whose fingerprint has not changed since the last import is left alone,
one that changed is updated, so importing the same export twice changes
nothing and a newer export brings its edits. An item is known by its post id;
in an old export without post ids, by its guid (or, lacking one, by a hash of
its link, title, date and slug). An item whose post id came earlier in the same
export is skipped, as WordPress's own importer does, and listed in the summary.
"""

from itertools import batched
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from articles.models import Article
from comments.services import comments_recount

from .. import wxr
from ..models import ImportedObject
from .authors import AuthorsMixin
from .comments import CommentsMixin
from .media import MediaMixin
from .posts import PostsMixin
from .tally import Tally, fingerprint
from .terms import TermsMixin

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
# Looked up again and again (every post names its author and section): kept for the whole run.
# Posts and comments are looked up once each, so they are not kept and memory stays flat.
REMEMBERED_KINDS = {ImportedObject.Kind.AUTHOR, ImportedObject.Kind.SECTION, ImportedObject.Kind.IMAGE}
RECOUNT_BATCH = 500


class ImportFailed(Exception):
    """An item could not be imported; nothing was saved (the message names the item and its line)."""


def item_key(item: wxr.Item) -> str:
    """How an item is found again, in this export and the next ones."""
    if item.wp_id:
        return str(item.wp_id)
    if item.guid and len(item.guid) < 190:
        return f"guid:{item.guid}"
    return "hash:" + fingerprint(item.post_type, item.guid, item.link, item.title, item.date_gmt, item.slug)


class Importer(AuthorsMixin, TermsMixin, PostsMixin, CommentsMixin, MediaMixin):
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
        self.media_dir = Path(media_dir) if media_dir else None
        self.dry_run, self.create_users, self.replace_pages = dry_run, create_users, replace_pages
        self.continue_on_error, self.on_progress = continue_on_error, on_progress
        self.tally = Tally()
        self.site = self.blog_url = ""
        self.categories: dict[str, wxr.Term] = {}
        self.tag_terms: dict[str, wxr.Term] = {}
        self.used_terms: set[tuple[str, str]] = set()
        self.authors: dict[str, wxr.Author] = {}
        self.attachments: dict[int, dict] = {}
        self.items_seen: set[str] = set()
        self.pending_images: list[tuple[int, int, int]] = []  # (article pk, attachment id, line)
        self.touched_articles: set[int] = set()
        self.saved_files: list[str] = []
        self.seen_files: set[str] = set()  # storage names already counted in this run
        self.article_type = ContentType.objects.get_for_model(Article)
        self.known: dict[tuple[str, str], ImportedObject] = {}

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
            self.remove_saved_files()
            raise
        if self.dry_run:
            self.remove_saved_files()
        return self.tally

    def _read(self, stream) -> None:
        for record in wxr.read(stream, on_progress=self.on_progress):
            if isinstance(record, wxr.Channel):
                self._channel(record)
            elif isinstance(record, wxr.Author):
                self.authors[record.login] = record
                self._guarded(f"author {record.login!r}", 0, self.author, record)
            elif isinstance(record, wxr.Term):
                self.term(record)
            elif isinstance(record, wxr.Item):
                number = f" {record.wp_id}" if record.wp_id else ""
                what = f"{record.post_type}{number} ({record.title[:60]!r})"
                self._guarded(what, record.line, self._item, record)
        self.report_unused_terms()

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
            pending = (article_pk, attachment_id)
            self._guarded(f"featured image {attachment_id}", line, self.lead_image, pending)
        for pks in batched(sorted(self.touched_articles), RECOUNT_BATCH, strict=False):
            comments_recount(article_pks=pks)

    def _channel(self, channel: wxr.Channel) -> None:
        self.blog_url = (channel.base_blog_url or channel.link or "").rstrip("/")
        self.site = (self.blog_url or channel.base_site_url or "unknown").removeprefix("https://")
        self.site = self.site.removeprefix("http://")[:200]

    # Items -----------------------------------------------------------------------------------

    def _item(self, item: wxr.Item) -> None:
        kind = {"post": "stories", "page": "pages"}.get(item.post_type, "other items")
        if item.post_type not in ("post", "page", "attachment"):
            label = "WordPress internals" if item.post_type in WORDPRESS_INTERNALS else "custom post type"
            self.tally.skip(kind, f"{label} {item.post_type!r}")
            self.skip_comments(item, f"on a {item.post_type!r} item")
            return
        key = item_key(item)
        if key in self.items_seen:  # WordPress's importer, too, takes the first and skips the others
            self.tally.skip(kind, f"repeated post id {item.wp_id}" if item.wp_id else "repeated item")
            self.skip_comments(item, "on a repeated item")
            return
        self.items_seen.add(key)
        if item.post_type == "attachment":
            self.attachment(item)
        elif item.status in SKIPPED_STATUS:
            self.tally.skip(kind, SKIPPED_STATUS[item.status])
            self.skip_comments(item, f"on a {item.post_type} that was not imported")
        elif item.post_type == "post":
            self.post(item, key)
        else:
            self.page(item, key)

    def skip_comments(self, item: wxr.Item, reason: str) -> None:
        if item.comments:
            self.tally.skip("comments", reason, len(item.comments))

    # Bookkeeping: which WordPress object became which Newsroom object --------------------------

    def record(self, kind: str, key) -> ImportedObject | None:
        key = str(key)
        if (kind, key) in self.known:
            return self.known[(kind, key)]
        found = ImportedObject.objects.filter(site=self.site, kind=kind, wp_key=key).first()
        if found is not None and kind in REMEMBERED_KINDS:
            self.known[(kind, key)] = found
        return found

    def target(self, kind: str, key, model):
        """(the ImportedObject, the object it points at), or (None, None) for one never imported."""
        record = self.record(kind, key)
        if record is None:
            return None, None
        return record, model.objects.filter(pk=record.object_id).first()

    def remember(self, kind: str, key, obj, print_: str, record: ImportedObject | None) -> None:
        if record is None:
            record = ImportedObject(site=self.site, kind=kind, wp_key=str(key))
        record.content_type = ContentType.objects.get_for_model(obj)
        record.object_id = str(obj.pk)
        record.fingerprint = print_
        record.save()
        if kind in REMEMBERED_KINDS:
            self.known[(kind, str(key))] = record
