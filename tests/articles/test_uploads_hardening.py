"""Hostile uploads through the story form: SVG in disguise, polyglots, lying names, odd file names.

And the way stored images come back: with the content type their name says and
`nosniff`, so a browser never reads one as a page.
"""

import io
import re

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import path
from django.views.static import serve
from PIL import Image

from articles.models import Article
from tests.articles.helpers import admin_payload
from tests.articles.test_images import ADD_URL, ALT, image_bytes, upload
from tests.factories import SectionFactory

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
