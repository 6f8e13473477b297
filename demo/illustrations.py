"""Giving a demo story its drawn lead picture, checked and stored as an editor's upload is.

The picture is drawn once and kept under a name of its own (``articles/demo/1/<slug>.jpg``),
so loading the demo into a fresh database reuses the files already in MEDIA_ROOT instead
of drawing and storing them again. The story's save then makes its renditions, as for any
upload (``articles.images.prepare_renditions``): the same widths, formats and sizes, and a
rendition that is already stored is not written twice.
"""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from articles.images import validate_image
from articles.models import Article
from demo.pictures import DRAWINGS, WIDTH, encode
from demo.scenes import draw

FOLDER = "articles/demo"


def picture_name(slug: str, width: int = WIDTH) -> str:
    """Where the story's picture is stored; pictures drawn at another width are kept apart."""
    folder = f"{FOLDER}/{DRAWINGS}" if width == WIDTH else f"{FOLDER}/{DRAWINGS}/{width}"
    return f"{folder}/{slug}.jpg"


def describe(slug: str, kind: str) -> str:
    """The alt text of a picture already stored: the drawing replayed a few pixels wide."""
    return draw(slug, kind, width=16)[1]


def illustrate(article: Article, *, kind: str, caption: str, credit: str, width: int = WIDTH) -> bool:
    """Give the story (saved next by the caller) its picture; True if it was drawn just now.

    A drawing is checked by the upload's own validator before it is stored.
    """
    name = picture_name(article.slug, width)
    drawn = not default_storage.exists(name)
    if drawn:
        image, alt = draw(article.slug, kind, width)
        upload = ContentFile(encode(image), name=f"{article.slug}.jpg")
        validate_image(upload)
        name = default_storage.save(name, upload)
    else:
        alt = describe(article.slug, kind)
    article.lead_image = name
    article.lead_image_alt = alt
    article.lead_image_caption = caption
    article.lead_image_credit = credit
    return drawn
