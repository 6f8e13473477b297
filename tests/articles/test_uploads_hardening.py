"""Hostile uploads through the story form: SVG in disguise, polyglots, lying names, odd file names.

And the way stored images come back: with the content type their name says and
`nosniff`, so a browser never reads one as a page.
"""

import io
import re

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.test import override_settings
from django.urls import path
from django.views.static import serve
from PIL import Image

from articles import models as article_models
from articles.models import Article, Author
from tests.articles.helpers import admin_payload
from tests.articles.test_images import ADD_URL, ALT, image_bytes, message_of, refused, upload
from tests.factories import ArticleFactory, SectionFactory

SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="64" height="64">'
    b'<script>alert(document.cookie)</script><rect width="64" height="64"/></svg>'
)


def jpeg_with_comment(comment: bytes) -> bytes:
    """A real, decodable JPEG carrying `comment` in a COM segment (right after the SOI marker)."""
    data = image_bytes("JPEG", (64, 48))
    segment = b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment
    return data[:2] + segment + data[2:]


def gif_with_comment(comment: bytes) -> bytes:
    buffer = io.BytesIO()
    Image.new("P", (64, 48)).save(buffer, "GIF", comment=comment)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def section(db):
    return SectionFactory()


def post_lead_image(client, section, name: str, data: bytes, content_type="image/png"):
    return client.post(
        ADD_URL, admin_payload(section, lead_image=upload(name, data, content_type), lead_image_alt=ALT)
    )


def lead_image_errors(response) -> str:
    assert response.status_code == 200
    return " ".join(response.context["adminform"].form.errors.get("lead_image", []))


REFUSED = [
    pytest.param("logo.svg", SVG, "image/svg+xml", "Upload a valid image", id="svg"),
    pytest.param("logo.png", SVG, "image/png", "Upload a valid image", id="svg-named-png"),
    pytest.param("logo.jpg", SVG, "image/jpeg", "Upload a valid image", id="svg-named-jpg"),
    pytest.param(
        "page.png",
        b"<!doctype html><html><body><script>alert(1)</script></body></html>",
        "image/png",
        "Upload a valid image",
        id="html-named-png",
    ),
    pytest.param(
        "photo.jpg",
        jpeg_with_comment(b"<script>alert(document.domain)</script>"),
        "image/jpeg",
        "also contains web page code",
        id="jpeg-html-polyglot",
    ),
    pytest.param(
        "anim.gif",
        gif_with_comment(b"<SCRIPT src=//evil.example/x.js></SCRIPT>"),
        "image/gif",
        "also contains web page code",
        id="gif-js-polyglot",
    ),
    pytest.param(
        "photo.png",
        image_bytes("JPEG", (64, 48)),
        "image/png",
        "This file is a JPEG image, but its name “photo.png” says otherwise. Rename it to end in .jpg",
        id="jpeg-named-png",
    ),
    pytest.param(
        "photo.gif",
        image_bytes("PNG", (64, 48)),
        "image/gif",
        "This file is a PNG image, but its name “photo.gif” says otherwise",
        id="png-named-gif",
    ),
    pytest.param(
        "photo.html",
        image_bytes("PNG", (64, 48)),
        "text/html",
        "File extension “html” is not allowed",
        id="png-named-html",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "data", "content_type", "message"), REFUSED)
def test_the_story_form_refuses_a_hostile_upload_with_a_message(
    editor_client, section, name, data, content_type, message
):
    response = post_lead_image(editor_client, section, name, data, content_type)
    assert message in lead_image_errors(response).replace("&ldquo;", "“").replace("&rdquo;", "”")
    assert message.split("“")[0] in response.content.decode()  # shown to the editor, not only kept
    assert not Article.objects.exists()
    assert not list(settings.MEDIA_ROOT.rglob("*.*"))  # nothing was written


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "fmt"),
    [("Harbour.JPG", "JPEG"), ("harbour.jpeg", "JPEG"), ("harbour.webp", "WEBP"), ("harbour.gif", "GIF")],
)
def test_an_image_whose_name_matches_its_format_is_stored_under_that_extension(
    editor_client, section, name, fmt
):
    response = post_lead_image(editor_client, section, name, image_bytes(fmt, (64, 48)))
    assert response.status_code == 302, lead_image_errors(response)
    stored = Article.objects.get().lead_image.name
    assert stored.lower().endswith("." + name.rsplit(".", 1)[1].lower())
    with Image.open(settings.MEDIA_ROOT / stored) as image:
        assert image.format == fmt


@pytest.mark.django_db
def test_a_hostile_file_name_is_cleaned_before_it_is_stored(editor_client, section):
    name = '../../../etc/"><img src=x onerror=alert(1)> harbour view.png'
    response = post_lead_image(editor_client, section, name, image_bytes("PNG", (64, 48)))
    assert response.status_code == 302, lead_image_errors(response)
    stored = Article.objects.get().lead_image.name
    assert re.fullmatch(r"articles/\d{4}/\d{2}/[\w.-]+\.png", stored), stored
    assert ".." not in stored and "<" not in stored and " " not in stored
    assert (settings.MEDIA_ROOT / stored).resolve().is_relative_to(settings.MEDIA_ROOT.resolve())


# --- serving: the development media route ---------------------------------------------------


def media(request, path):
    """The view urls.py routes /media/ to when DEBUG is on (django.conf.urls.static)."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [path("media/<path:path>", media)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "fmt", "content_type"),
    [
        ("harbour.png", "PNG", "image/png"),
        ("harbour.jpg", "JPEG", "image/jpeg"),
        ("h.webp", "WEBP", "image/webp"),
    ],
)
def test_a_stored_image_is_served_with_its_own_type_and_nosniff(
    editor_client, section, name, fmt, content_type
):
    """What `urls.py` serves in development (DEBUG): Django's static view behind the site's middleware."""
    post_lead_image(editor_client, section, name, image_bytes(fmt, (64, 48)))
    stored = Article.objects.get().lead_image.name
    with override_settings(ROOT_URLCONF=__name__):
        response = editor_client.get(f"/media/{stored}")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response["Content-Security-Policy"]


# --- images the renditions could not be made of ---------------------------------------------
# Every rendition is also made in WebP, which stores at most 16,383 pixels a side, and the
# largest rendition is the original's size: a longer side is refused before anything is stored.

LONG_SIDE = "images may be at most 16,383 pixels on a side"


def stored_files() -> list[str]:
    return sorted(str(p.relative_to(settings.MEDIA_ROOT)) for p in settings.MEDIA_ROOT.rglob("*.*"))


@pytest.mark.parametrize("size", [(16_384, 16), (16, 16_384), (20_000, 1_500)])
def test_an_image_longer_than_a_webp_on_a_side_is_refused_with_the_limit(size):
    error = refused(upload("wide.jpg", image_bytes("JPEG", size)))
    assert error.code == "image_too_long_a_side"
    assert f"{size[0]}×{size[1]} pixels; {LONG_SIDE}" in message_of(error)


@pytest.mark.django_db
def test_an_image_as_long_as_a_webp_allows_gets_every_rendition(media_root):
    article = ArticleFactory(
        lead_image=upload("strip.jpg", image_bytes("JPEG", (16_383, 16))), lead_image_alt=ALT
    )
    article.refresh_from_db()
    assert sorted((r["width"], r["format"]) for r in article.lead_image_renditions)[-2:] == [
        (16_383, "jpeg"),
        (16_383, "webp"),
    ]
    assert all((media_root / r["name"]).exists() for r in article.lead_image_renditions)


@pytest.mark.django_db
def test_the_reported_20000_by_1500_jpeg_is_a_form_error_and_leaves_no_file(editor_client, section):
    """30 megapixels, under the pixel limit: it used to pass, then fail in the WebP encoder (a 500)."""
    response = post_lead_image(editor_client, section, "pano.jpg", image_bytes("JPEG", (20_000, 1_500)))
    assert "20000×1500 pixels; " + LONG_SIDE in lead_image_errors(response)
    assert LONG_SIDE in response.content.decode()
    assert not Article.objects.exists()
    assert stored_files() == []


@pytest.mark.django_db
def test_the_social_image_and_the_authors_photo_are_held_to_the_same_limit(editor_client, section):
    long_strip = image_bytes("JPEG", (16_384, 16))
    response = editor_client.post(
        ADD_URL, admin_payload(section, social_image=upload("social.jpg", long_strip, "image/jpeg"))
    )
    assert response.status_code == 200
    assert LONG_SIDE in " ".join(response.context["adminform"].form.errors["social_image"])
    response = editor_client.post(
        "/admin/articles/author/add/",
        {"name": "Ana Lim", "slug": "ana-lim", "bio": "", "photo": upload("ana.jpg", long_strip)},
    )
    assert response.status_code == 200
    assert LONG_SIDE in " ".join(response.context["adminform"].form.errors["photo"])
    assert not Article.objects.exists() and not Author.objects.exists()
    assert stored_files() == []


@pytest.mark.django_db
def test_the_story_form_makes_the_renditions_once_with_clean_names(editor_client, section, monkeypatch):
    made = []
    real = article_models.prepare_renditions
    monkeypatch.setattr(article_models, "prepare_renditions", lambda f: made.append(f.name) or real(f))
    name = '../"><img src=x onerror=alert(1)> harbour view.png'
    response = post_lead_image(editor_client, section, name, image_bytes("PNG", (600, 300)))
    assert response.status_code == 302, lead_image_errors(response)
    assert len(made) == 1  # while the form was checked; the save stored what it made
    renditions = Article.objects.get().lead_image_renditions
    assert {r["width"] for r in renditions} == {480, 600}
    for rendition in renditions:
        assert re.fullmatch(r"renditions/[0-9a-f]{2}/[0-9a-f]{16}/[\w-]+-\d+\.(png|webp)", rendition["name"])
        assert (settings.MEDIA_ROOT / rendition["name"]).exists()


@pytest.mark.django_db
def test_a_save_that_fails_leaves_neither_the_upload_nor_its_renditions():
    """The row is not written (here: a slug already taken, set without validating), so no file is kept."""
    taken = ArticleFactory(slug="taken")
    article = Article(
        headline="Harbour", slug="taken", section=taken.section, lead_image_alt=ALT,
        lead_image=upload("harbour.jpg", image_bytes("JPEG", (1_000, 500))),
    )  # fmt: skip
    with pytest.raises(IntegrityError):
        article.save()
    assert stored_files() == []
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_an_image_the_renditions_cannot_be_made_of_is_a_form_error(media_root):
    """A stored image that is damaged (a revision restored after the file was overwritten, say)."""
    article = ArticleFactory(lead_image_alt=ALT)
    (media_root / "articles").mkdir(parents=True)
    (media_root / "articles" / "damaged.jpg").write_bytes(b"not an image any more" * 50)
    article.lead_image = "articles/damaged.jpg"
    with pytest.raises(ValidationError) as caught:
        article.full_clean()
    assert "could not be resized for the site" in " ".join(caught.value.message_dict["lead_image"])
    assert stored_files() == ["articles/damaged.jpg"]
