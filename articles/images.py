"""Checking uploaded images and making the renditions the reader site serves.

Uploads are opened with Pillow before anything is stored: a file that is not
a real JPEG, PNG, WebP or GIF, that is too large on disk or in pixels, wider or
taller than a WebP rendition can be, or that would decompress into a bomb is
refused with a message an editor understands.
Renditions (a few widths for `srcset`, each in the original format and WebP)
are made once, when the image is saved, never during a reader's request. They
are made in memory first (`prepare_renditions`, which the story form runs while
validating) and written only when the story is saved (`store_renditions`), so an
image that cannot be processed is a form error and leaves no file behind.
"""

import hashlib
import io
import posixpath
import re
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
# The names a file of each format may carry: the media server picks the content type from
# the name, so a name must say what the bytes are.
EXTENSIONS = {"JPEG": ("jpg", "jpeg"), "PNG": ("png",), "WEBP": ("webp",), "GIF": ("gif",)}
# Markup no photograph contains: a file that is both an image and a web page or script
# (a polyglot) is refused even though it decodes, in case it is ever served as something else.
MARKUP = re.compile(rb"<\s*(?:script|html|svg|iframe|object|embed|body|!doctype)\b|<\?php|javascript:", re.I)
# WebP stores at most 16,383 pixels a side, and every rendition is also made in WebP; the
# largest rendition is the original's size, so no side of an upload may be longer.
MAX_SIDE = 16_383


def _inspect(file, max_pixels: int) -> tuple[str | None, int, int]:
    """The image's format and size, once Pillow has read all of it; ValidationError if it cannot."""
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        with warnings.catch_warnings():
            # Pillow errors past twice MAX_IMAGE_PIXELS (a bomb); below that we
            # give the size and the limit ourselves.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                image_format = image.format
                width, height = image.size
                if width * height > max_pixels:
                    raise ValidationError(
                        "This image is %(width)s×%(height)s pixels; the limit is %(max)s megapixels.",
                        code="image_too_many_pixels",
                        params={"width": width, "height": height, "max": max_pixels // 1_000_000},
                    )
                if max(width, height) > MAX_SIDE:
                    raise ValidationError(
                        "This image is %(width)s×%(height)s pixels; images may be at most %(max)s "
                        "pixels on a side. Make it smaller and upload it again.",
                        code="image_too_long_a_side",
                        params={"width": width, "height": height, "max": f"{MAX_SIDE:,}"},
                    )
                image.verify()
            # verify() skips the pixel data of some formats (JPEG): decode it
            # once so a truncated file is refused here, not when renditions are made.
            file.seek(0)
            with Image.open(file) as image:
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            "This image would expand to too many pixels to process safely.",
            code="image_bomb",
        ) from None
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            "Upload a valid image (JPEG, PNG, WebP or GIF). This file is not one, or it is damaged.",
            code="invalid_image",
        ) from None
    finally:
        file.seek(position)
    return image_format, width, height


def stored(file) -> bool:
    """A file already in storage, rather than a new upload.

    A stored file's name carries its field's `upload_to` folder (every image field here
    has one); an upload's name never holds a "/" (Django keeps only its last part).
    """
    return isinstance(file, FieldFile) and "/" in (file.name or "")


def validate_image(file) -> None:
    """Refuse anything but a real, reasonably sized raster image."""
    if stored(file):
        return  # already in storage: it was checked when it was uploaded
    max_bytes = settings.NEWSROOM_IMAGE_MAX_BYTES
    size = getattr(file, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(
            "This file is %(size)s; images may be at most %(max)s.",
            code="image_too_large",
            params={"size": filesizeformat(size), "max": filesizeformat(max_bytes)},
        )
    image_format, width, height = _inspect(file, settings.NEWSROOM_IMAGE_MAX_PIXELS)
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(
            "%(format)s images are not accepted; upload a JPEG, PNG, WebP or GIF.",
            code="image_format",
            params={"format": image_format or "This kind of"},
        )
    if min(width, height) < settings.NEWSROOM_IMAGE_MIN_SIDE:
        raise ValidationError(
            "This image is only %(width)s×%(height)s pixels; it is too small to use.",
            code="image_too_small",
            params={"width": width, "height": height},
        )
    name = posixpath.basename(str(getattr(file, "name", "") or ""))
    extension = posixpath.splitext(name)[1].lower().lstrip(".")
    if extension not in EXTENSIONS[image_format]:
        raise ValidationError(
            "This file is a %(format)s image, but its name “%(name)s” says otherwise. "
            "Rename it to end in .%(expected)s and upload it again.",
            code="image_extension",
            params={"format": image_format, "name": name, "expected": EXTENSIONS[image_format][0]},
        )
    if _contains_markup(file):
        raise ValidationError(
            "This image also contains web page code (such as <script>), so it is not accepted. "
            "Export it again from an image editor and upload that.",
            code="image_markup",
        )


def _contains_markup(file) -> bool:
    position = file.tell()
    try:
        file.seek(0)
        tail = b""
        while chunk := file.read(1 << 20):
            if MARKUP.search(tail + chunk):
                return True
            tail = chunk[-32:]  # a tag split across two chunks
        return False
    finally:
        file.seek(position)


@dataclass
class Renditions:
    """Renditions made in memory: their description, and the files `store_renditions` writes."""

    source: object  # the FieldFile they were made from
    described: list[dict] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)  # name in the default storage: contents


def prepare_renditions(field_file, widths=None) -> Renditions:
    """Make resized copies of `field_file` in memory; nothing is stored.

    Each description is {"width", "height", "format", "name"}; `name` is a path in
    the default storage. Widths wider than the original are skipped, and the
    original width is always included so the largest rendition is never
    upscaled. A file that is already stored (the same image uploaded before) is
    not made again. An image Pillow cannot resize or encode is a ValidationError.
    """
    widths = widths or settings.NEWSROOM_RENDITION_WIDTHS
    # From the name as uploaded (not yet cleaned by the storage): keep only safe characters.
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", posixpath.splitext(posixpath.basename(field_file.name))[0])
    stem = stem.strip("-")[:40] or "image"
    renditions = Renditions(source=field_file)
    try:
        data = _read(field_file)
        digest = hashlib.sha256(data).hexdigest()[:16]
        folder = f"renditions/{digest[:2]}/{digest}"
        with Image.open(io.BytesIO(data)) as source:
            source_format = source.format
            image = ImageOps.exif_transpose(source)
            image.load()
        original_format = source_format if source_format in ("JPEG", "PNG", "WEBP") else "PNG"
        formats = [(original_format, ALLOWED_FORMATS[original_format])]
        if original_format != "WEBP":  # a WebP original needs only one copy
            formats.append(("WEBP", "webp"))
        targets = sorted({w for w in widths if w < image.width} | {image.width})
        for width in targets:
            height = max(1, round(image.height * width / image.width))
            resized = image if width == image.width else image.resize((width, height), Image.LANCZOS)
            for fmt, ext in formats:
                name = f"{folder}/{stem}-{width}.{ext}"
                if not default_storage.exists(name):
                    renditions.files[name] = _encode(resized, fmt)
                renditions.described.append(
                    {"width": width, "height": height, "format": fmt.lower(), "name": name}
                )
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError(
            "This image could not be resized for the site. Export it again from an image editor "
            "(as an ordinary JPEG or PNG) and upload that.",
            code="image_renditions",
        ) from None
    return renditions


def store_renditions(renditions: Renditions) -> list[str]:
    """Write what `prepare_renditions` made; the names written (by this call).

    If a write fails, what this call wrote is removed before the error is raised.
    """
    written = []
    try:
        for name, contents in renditions.files.items():
            if not default_storage.exists(name):  # written meanwhile by a save of the same image
                written.append(default_storage.save(name, ContentFile(contents)))
    except BaseException:
        _discard(written)
        raise
    return written


@contextmanager
def renditions_stored(renditions: Renditions):
    """Store the renditions, then save the story in the block: if it fails, no file is left.

    The block runs in a transaction, so when it raises, the row was not written, and the
    renditions stored here and the upload the save stored are removed.
    """
    upload_name = renditions.source.name
    written = store_renditions(renditions)
    try:
        with transaction.atomic():
            yield
    except BaseException:
        if renditions.source.name != upload_name:  # the storage gave the upload its name: it was stored
            written.append(renditions.source.name)
        _discard(written)
        raise


def _discard(names) -> None:
    for name in names:
        default_storage.delete(name)


def _read(field_file) -> bytes:
    """The file's bytes; an upload not yet stored is left open (the storage reads it next)."""
    was_closed = field_file.closed
    field_file.open("rb")
    try:
        return field_file.read()
    finally:
        if was_closed:
            field_file.close()
        else:
            field_file.seek(0)


def _encode(image: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    if fmt == "JPEG":
        image.convert("RGB").save(buffer, "JPEG", quality=82, optimize=True, progressive=True)
    elif fmt == "WEBP":
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert(
                "RGBA" if "transparency" in image.info or image.mode in ("LA", "P") else "RGB"
            )
        image.save(buffer, "WEBP", quality=80, method=4)
    else:
        if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            image = image.convert("RGBA")
        image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()
