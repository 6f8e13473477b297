"""Checking uploaded images and making the renditions the reader site serves.

Uploads are opened with Pillow before anything is stored: a file that is not
a real JPEG, PNG, WebP or GIF, that is too large on disk or in pixels, or that
would decompress into a bomb is refused with a message an editor understands.
Renditions (a few widths for `srcset`, each in the original format and WebP)
are made once, when the image is saved, never during a reader's request.
"""

import hashlib
import io
import posixpath
import re
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
# The names a file of each format may carry: the media server picks the content type from
# the name, so a name must say what the bytes are.
EXTENSIONS = {"JPEG": ("jpg", "jpeg"), "PNG": ("png",), "WEBP": ("webp",), "GIF": ("gif",)}
# Markup no photograph contains: a file that is both an image and a web page or script
# (a polyglot) is refused even though it decodes, in case it is ever served as something else.
MARKUP = re.compile(rb"<\s*(?:script|html|svg|iframe|object|embed|body|!doctype)\b|<\?php|javascript:", re.I)


def validate_image(file) -> None:
    """Refuse anything but a real, reasonably sized raster image."""
    if getattr(file, "_committed", False):
        return  # already in storage: it was checked when it was uploaded
    max_bytes = settings.NEWSROOM_IMAGE_MAX_BYTES
    max_pixels = settings.NEWSROOM_IMAGE_MAX_PIXELS
    size = getattr(file, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(
            "This file is %(size)s; images may be at most %(max)s.",
            code="image_too_large",
            params={"size": filesizeformat(size), "max": filesizeformat(max_bytes)},
        )
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


def make_renditions(field_file, widths=None) -> list[dict]:
    """Write resized copies of `field_file` and return their description.

    Each entry is {"width", "height", "format", "name"}; `name` is a path in
    the default storage. Widths wider than the original are skipped, and the
    original width is always included so the largest rendition is never
    upscaled.
    """
    widths = widths or settings.NEWSROOM_RENDITION_WIDTHS
    field_file.open("rb")
    try:
        data = field_file.read()
    finally:
        field_file.close()
    digest = hashlib.sha256(data).hexdigest()[:16]
    with Image.open(io.BytesIO(data)) as source:
        source_format = source.format
        image = ImageOps.exif_transpose(source)
        image.load()
    original_ext = ALLOWED_FORMATS.get(source_format, "jpg")
    original_format = source_format if source_format in ("JPEG", "PNG", "WEBP") else "PNG"
    if original_format == "PNG":
        original_ext = "png"
    stem = posixpath.splitext(posixpath.basename(field_file.name))[0][:40]
    folder = f"renditions/{digest[:2]}/{digest}"
    targets = sorted({w for w in widths if w < image.width} | {image.width})
    renditions = []
    for width in targets:
        height = max(1, round(image.height * width / image.width))
        resized = image if width == image.width else image.resize((width, height), Image.LANCZOS)
        for fmt, ext in ((original_format, original_ext), ("WEBP", "webp")):
            if fmt == "WEBP" and ext == original_ext and renditions and renditions[-1]["width"] == width:
                continue  # a WebP original needs only one copy
            name = f"{folder}/{stem}-{width}.{ext}"
            if not default_storage.exists(name):
                default_storage.save(name, ContentFile(_encode(resized, fmt)))
            renditions.append({"width": width, "height": height, "format": fmt.lower(), "name": name})
    return renditions


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
