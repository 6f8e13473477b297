"""Pictures: copied from --media-dir into Newsroom's media storage once, or dropped and listed.

A reader's page never loads a picture from another site, so a picture the
media folder lacks is removed from the story and named in the summary.
"""

import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage

from articles.images import validate_image
from articles.models import Article
from articles.sanitize import sanitize_html

from .. import content, wxr
from ..models import ImportedObject
from .tally import fingerprint

_IMG = re.compile(r"<img\b[^>]*>", re.I)
_UPLOAD_HREF = re.compile(r"""(\bhref\s*=\s*["'])([^"']*/wp-content/uploads/[^"']+)(["'])""", re.I)
_SRC = re.compile(r"""\bsrc\s*=\s*(["'])(.*?)\1""", re.I | re.S)


class MediaMixin:
    """Attachments, pictures in bodies and featured images. Needs the Importer's bookkeeping."""

    def attachment(self, item: wxr.Item) -> None:
        """Remember an attachment, for the posts that name it as their featured image."""
        if item.wp_id:
            self.attachments[item.wp_id] = {
                "url": item.attachment_url or item.link,
                "alt": item.meta.get("_wp_attachment_image_alt", "").strip() or item.title,
                "caption": content.excerpt_text(item.excerpt, 300),
            }
        self.tally.notes["attachments read (used for featured images)"] += 1

    def body(self, wordpress_html: str) -> str:
        """Post or page content as safe Newsroom HTML, images copied (or dropped), links made local."""
        return sanitize_html(self._rewrite(content.post_html(wordpress_html, self.tally.shortcodes)))

    def lead_image(self, pending: tuple[int, int]) -> None:
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

    def remove_saved_files(self) -> None:
        for name in self.saved_files:
            default_storage.delete(name)
        self.saved_files.clear()

    def _rewrite(self, html: str) -> str:
        """Point images at copies in our media storage (dropping those we lack) and links at our paths."""

        def image(match):
            tag = match.group(0)
            src = _SRC.search(tag)
            url = src.group(2) if src else ""
            name = self._store(url) if url and not url.startswith("data:") else None
            return tag.replace(src.group(0), f'src="{default_storage.url(name)}"') if name else ""

        def upload_link(match):
            name = self._store(match.group(2), quiet=True)
            return f"{match.group(1)}{default_storage.url(name)}{match.group(3)}" if name else match.group(0)

        html = _IMG.sub(image, html)
        html = _UPLOAD_HREF.sub(upload_link, html)  # a picture linked to its full-size file
        if self.blog_url:
            html = re.sub(rf"""(href\s*=\s*["']){re.escape(self.blog_url)}/?""", r"\1/", html, flags=re.I)
        return html

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
        record = self.record(ImportedObject.Kind.IMAGE, key)
        if record is not None and default_storage.exists(record.object_id):
            if not quiet and record.object_id not in self.seen_files:
                self.tally.count("images", "unchanged")
            self.seen_files.add(record.object_id)
            return record.object_id
        name = self._copy(file, key)
        if name is None or self.dry_run:
            return name
        record = record or ImportedObject(site=self.site, kind=ImportedObject.Kind.IMAGE, wp_key=key)
        record.content_type = ContentType.objects.get_for_model(ImportedObject)
        record.object_id = name
        record.fingerprint = fingerprint(key)
        record.save()
        self.known[(ImportedObject.Kind.IMAGE, key)] = record
        return name

    def _copy(self, file: Path, key: str) -> str | None:
        """Save a checked image under wordpress/; its storage name (what it would be, on a dry run)."""
        with file.open("rb") as handle:
            try:
                validate_image(File(handle, name=file.name))
            except ValidationError as error:
                self.tally.skip("images", f"not a usable image ({'; '.join(error.messages)})")
                return None
            self.tally.count("images", "created")
            if self.dry_run:
                return f"wordpress/{key}"
            handle.seek(0)
            name = default_storage.save(f"wordpress/{key}", handle)
        self.saved_files.append(name)
        self.seen_files.add(name)
        return name
